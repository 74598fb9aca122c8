"""Ingest end to end: the real spaCy pipeline, real SQLite/PostgreSQL databases, and a real
HTTP server on 127.0.0.1 serving the pages and feeds written below."""
from __future__ import annotations

import io
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from aidtrace.cli import main
from aidtrace.ingest.fetch import FetchError, Fetcher
from aidtrace.ingest.run import ingest
from aidtrace.runner import extract_stream
from aidtrace.storage.database import get_engine, session_scope
from aidtrace.storage.export import stats
from aidtrace.storage.schema import Document as DocumentRow, Mention

ARTICLES = {
    "/news/hospital.html": (
        "Estonia hands over a field hospital",
        "2023-04-24",
        "Estonia has handed over a mobile military hospital to Ukraine, the defence ministry in Tallinn said. "
        "President Volodymyr Zelensky met Estonian Prime Minister Kaja Kallas in Zhytomyr on April 24. "
        "Estonia supports Ukraine's membership in the European Union, Kallas told reporters after the talks.",
    ),
    "/news/generators.html": (
        "Latvia sends generators to Kharkiv",
        "2022-12-02",
        "Latvia has sent 40 power generators to Kharkiv Oblast, the Latvian foreign ministry announced on Friday. "
        "The generators will keep hospitals and water pumps running through the winter, officials in Riga said.",
    ),
    "/news/tribunal.html": (
        "Lithuania backs a special tribunal",
        "2023-01-17",
        "Lithuania supports the creation of a special tribunal for the crime of aggression against Ukraine. "
        "Foreign Minister Gabrielius Landsbergis said in Vilnius that those responsible must be held to account.",
    ),
}


def _page(title: str, published: str, text: str) -> bytes:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title><meta property='article:published_time' content='{published}T09:00:00+00:00'>"
        "</head><body><nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1><p>{text}</p></article>"
        "<footer>Copyright the test newsroom. All rights reserved.</footer></body></html>"
    ).encode("utf-8")


def _rss(base: str, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>entry {i}</title><link>{base}{path}</link><pubDate>Mon, 24 Apr 2023 10:00:00 GMT</pubDate></item>"
        for i, path in enumerate(paths)
    )
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Test newsroom</title>"
            f"<link>{base}/</link><description>test</description>{items}</channel></rss>").encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, str, bytes]] = {}
    hits: dict[str, int] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        if self.path == "/flaky.html" and self.hits[self.path] <= 2:
            status, content_type, body = 503, "text/plain", b"busy"
        elif self.path == "/slow.html":
            threading.Event().wait(3)
            status, content_type, body = 200, "text/html", b"<html><body>late</body></html>"
        else:
            status, content_type, body = self.routes.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on purpose (size cap)

    def log_message(self, *_args) -> None:  # keep test output clean
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    routes = {path: (200, "text/html; charset=utf-8", _page(*article)) for path, article in ARTICLES.items()}
    routes["/flaky.html"] = routes["/news/tribunal.html"]
    routes["/report.pdf"] = (200, "application/pdf", b"%PDF-1.4 not a page")
    routes["/huge.html"] = (200, "text/html", b"<html><body><p>" + b"word " * 400_000 + b"</p></body></html>")
    routes["/latin.html"] = (200, "text/html; charset=utf-8", _page("Bad bytes", "2023-01-01", "Ukraine").replace(b"Bad", b"B\xffd"))
    routes["/feed.xml"] = (200, "application/rss+xml", _rss(base, list(ARTICLES)))
    routes["/broken-feed.xml"] = (200, "application/rss+xml", b"<rss><channel><item><title>unterminated & broken <<<")
    routes["/mixed-feed.xml"] = (200, "application/atom+xml", (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>mixed</title>"
        + "".join(f"<entry><title>{p}</title><link href='{base}{p}'/><updated>2023-02-0{i + 1}T00:00:00Z</updated></entry>"
                  for i, p in enumerate(["/news/generators.html", "/missing.html", "/report.pdf", "/latin.html"]))
        + "</feed>").encode("utf-8"))
    _Handler.routes = routes
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetcher(**kw) -> Fetcher:
    return Fetcher(timeout_s=kw.pop("timeout_s", 1.0), backoff_s=0.01, max_bytes=kw.pop("max_bytes", 1_000_000), **kw)


def test_fetch_failures_are_one_line_each(server):
    with _fetcher() as fetcher:
        cases = {
            f"{server}/missing.html": "HTTP 404",
            f"{server}/report.pdf": "not an HTML page or feed (application/pdf)",
            f"{server}/huge.html": "too large (2,000,",
            f"http://127.0.0.1:{_closed_port()}/gone": "ConnectError",
            f"{server}/slow.html": "ReadTimeout",
        }
        for url, expected in cases.items():
            with pytest.raises(FetchError) as caught:
                fetcher.get(url)
            message = str(caught.value)
            assert message.startswith(url) and expected in message and "\n" not in message
        with pytest.raises(FetchError, match="undecodable bytes as utf-8"):
            fetcher.get(f"{server}/latin.html").text()


def test_transient_errors_are_retried(server):
    _Handler.hits.pop("/flaky.html", None)
    with _fetcher() as fetcher:
        document, _ = fetcher.document(f"{server}/flaky.html")
    assert _Handler.hits["/flaky.html"] == 3  # two 503 answers, then the page
    assert "special tribunal" in document.text
    with _fetcher(retries=0) as fetcher:
        _Handler.hits.pop("/flaky.html", None)
        with pytest.raises(FetchError, match="HTTP 503"):
            fetcher.get(f"{server}/flaky.html")


def test_ingest_feed_stores_every_entry_with_metadata(server, db_url):
    engine = get_engine(db_url)
    errors: list[str] = []
    report = ingest([f"{server}/feed.xml"], engine, fetcher=_fetcher(), on_error=lambda e: errors.append(str(e)))
    assert (report.added, report.failed, errors) == (3, 0, [])
    with session_scope(engine) as session:
        rows = session.scalars(select(DocumentRow).order_by(DocumentRow.id)).all()
        assert [row.url for row in rows] == [server + path for path in ARTICLES]
        assert [row.title for row in rows] == [article[0] for article in ARTICLES.values()]
        assert [row.published for row in rows] == [article[1] for article in ARTICLES.values()]
        for row, (_, _, text) in zip(rows, ARTICLES.values()):
            assert text in row.text and "Copyright" not in row.text  # trafilatura kept the article only
            assert row.fetched_at is not None and len(row.content_hash) == 64
    # Again: nothing new, and the stored entries are not even fetched again.
    hits_before = dict(_Handler.hits)
    again = ingest([f"{server}/feed.xml", f"{server}/news/hospital.html"], engine, fetcher=_fetcher())
    assert (again.added, again.duplicates, again.failed) == (0, 4, 0)
    assert all(_Handler.hits[path] == hits_before[path] for path in ARTICLES)
    engine.dispose()


def test_ingest_stores_exactly_what_extraction_finds(server, db_url):
    engine = get_engine(db_url)
    urls = [server + path for path in ARTICLES]
    report = ingest(urls, engine, fetcher=_fetcher())
    with _fetcher() as fetcher:
        documents = [fetcher.document(url)[0] for url in urls]
    extracted = [facts for facts in extract_stream(documents)]
    expected = sum(len(facts.facts()) for facts in extracted)
    assert expected > 0  # the articles were written to contain facts
    assert report.mentions == expected
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Mention)) == expected
        stored = sorted((m.kind, m.fields.get("donor") or m.fields.get("actor") or "") for m in session.scalars(select(Mention)))
        found = sorted((f.kind, getattr(f, "donor", None) or getattr(f, "actor", None) or "") for d in extracted for f in d.facts())
        assert stored == found
        for mention in session.scalars(select(Mention)):
            row = session.get(DocumentRow, mention.document_id)
            for evidence in mention.evidence:
                assert row.text[evidence["start"]:evidence["end"]] == evidence["text"]
    engine.dispose()


def test_bad_inputs_are_reported_and_the_run_goes_on(server, tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'r.db'}")
    errors: list[str] = []
    sources = [f"http://127.0.0.1:{_closed_port()}/down.html", f"{server}/broken-feed.xml", f"{server}/mixed-feed.xml",
               f"{server}/huge.html", str(tmp_path / "no-such-file.jsonl"), f"{server}/news/hospital.html"]
    report = ingest(sources, engine, fetcher=_fetcher(max_bytes=100_000), on_error=lambda e: errors.append(str(e)))
    assert report.added == 2  # the generators entry of the mixed feed, and the hospital page
    assert report.failed == len(errors) == 7
    assert all("\n" not in error for error in errors)
    expected = ["ConnectError", "broken feed", "HTTP 404", "not an HTML page", "undecodable bytes", "too large",
                "no-such-file.jsonl"]
    for error, fragment in zip(errors, expected):
        assert fragment in error, (error, fragment)
    engine.dispose()


def test_ingest_command_on_jsonl_twice_adds_nothing(tmp_path, db_url):
    corpus = tmp_path / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for i, (path, (title, published, text)) in enumerate(ARTICLES.items()):
            out.write(json.dumps({"id": f"doc-{i}", "title": title, "published": published, "text": text}) + "\n")
        # The same text under another id, as real feeds repeat stories.
        out.write(json.dumps({"id": "doc-copy", "published": "2023-04-25", "text": ARTICLES["/news/hospital.html"][2]}) + "\n")
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", str(corpus), "--db", db_url, "--no-progress"])
    assert first.exit_code == 0, first.output
    assert "3 documents added, 1 already stored" in first.stderr
    engine = get_engine(db_url)
    with session_scope(engine) as session:
        before = stats(session)
    second = runner.invoke(main, ["ingest", str(corpus), "--db", db_url, "--no-progress"])
    assert "0 documents added, 4 already stored" in second.stderr
    with session_scope(engine) as session:
        assert stats(session) == before
        assert before["documents"] == 3 and sum(before["mentions"].values()) > 0
    shown = runner.invoke(main, ["stats", "--db", db_url])
    assert shown.output.splitlines()[0] == "documents  3"
    engine.dispose()


def test_reextract_command_keeps_counts_stable(tmp_path):
    db = f"sqlite:///{tmp_path / 'r.db'}"
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "published": a[1], "text": a[2]}) + "\n"
                              for i, a in enumerate(ARTICLES.values())), encoding="utf-8")
    runner = CliRunner()
    runner.invoke(main, ["ingest", str(corpus), "--db", db, "--no-progress"])
    engine = get_engine(db)
    with session_scope(engine) as session:
        before = stats(session)
    result = runner.invoke(main, ["reextract", "--db", db, "--no-progress"])
    assert result.exit_code == 0 and "3 re-extracted" in result.stderr
    again = runner.invoke(main, ["ingest", str(corpus), "--reextract", "--db", db, "--no-progress"])
    assert "3 re-extracted" in again.stderr
    with session_scope(engine) as session:
        assert stats(session) == before  # the same extractor finds the same facts
    engine.dispose()


def test_values_the_database_refuses_are_reported_and_the_run_goes_on(tmp_path, db_url):
    corpus = tmp_path / "odd.jsonl"
    lines = [
        {"id": "nul-byte", "text": "Estonia supports sanctions \u0000 against Russia, the minister said."},
        {"id": "x" * 700, "url": "https://news.example/" + "a" * 3000, "text": "Latvia supports sanctions against Russia."},
        {"id": "plain", "text": "Lithuania supports the creation of a special tribunal for the crime of aggression."},
    ]
    corpus.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    errors: list[str] = []
    engine = get_engine(db_url)
    report = ingest([str(corpus)], engine, on_error=lambda e: errors.append(str(e)))
    postgres = engine.dialect.name == "postgresql"
    # PostgreSQL text cannot hold NUL: that document is reported; SQLite stores it.
    assert (report.added, report.failed) == ((2, 1) if postgres else (3, 0))
    if postgres:
        assert errors == ["nul-byte: cannot store: PostgreSQL text fields cannot contain NUL (0x00) bytes"]
    with session_scope(engine) as session:
        long = session.scalars(select(DocumentRow).where(DocumentRow.doc_id.startswith("xxx"))).one()
        assert (len(long.doc_id), long.url) == (512, None)  # an over-long URL is dropped, not the document
    engine.dispose()


def test_progress_bar_shows_documents_per_second(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "published": a[1], "text": a[2]}) + "\n"
                              for i, a in enumerate(ARTICLES.values())), encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(corpus), "--db", str(tmp_path / "p.db"), "--progress"])
    assert result.exit_code == 0, result.output
    # The corpus is counted first: the bar has a total, a percentage, a rate and a time left.
    bar = result.stderr.replace(" ", "")
    assert "3/3" in bar and "100%" in bar and "doc/s" in bar and "<00:00" in bar
    # The summary follows the bar.
    assert result.stderr.strip().splitlines()[-1].startswith("aidtrace: 3 documents added")


def test_progress_is_a_plain_periodic_line_when_stderr_is_not_a_terminal(tmp_path):
    from aidtrace.ingest.progress import Progress, progress_mode

    log = io.StringIO()
    assert progress_mode(None, log) == "lines" and progress_mode(False, log) == "off"
    progress = Progress(4, "lines", stream=log, every=0.0)
    for _ in range(4):
        progress.update()
    progress.close()
    lines = log.getvalue().splitlines()
    assert len(lines) == 5 and "\r" not in log.getvalue()  # one whole line per report, no bar redraws
    assert lines[1].startswith("aidtrace: ingest") and " 2/4 " in lines[1] and "50%" in lines[1]
    quiet = io.StringIO()
    silent = Progress(4, "off", stream=quiet, every=0.0)
    silent.update()
    silent.close()
    assert quiet.getvalue() == ""


def test_a_corpus_is_counted_before_it_is_read(tmp_path):
    from aidtrace.documents import count_documents

    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.jsonl").write_text('{"id": 1, "text": "x"}\n\n{"id": 2, "text": "y"}\n', encoding="utf-8")
    assert count_documents([str(tmp_path)]) == 3
    assert count_documents([str(tmp_path / "a.txt"), "missing.txt"]) == 2
    assert count_documents([str(tmp_path), "https://example.org/feed.xml"]) is None
    assert count_documents(["-"]) is None
