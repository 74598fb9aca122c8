"""Full-text search (aidtrace.storage.search) on a real SQLite file (FTS5) and a real PostgreSQL
database (tsvector + GIN): stemming, British and US spellings, phrases, prefixes, exclusion,
hostile query strings, highlighting, and the index following store, review, re-extraction and
rebuild. The last tests search through a real ``aidtrace serve``."""
from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import text
from web_fixtures import *  # noqa: F403 (pytest fixtures)
from web_fixtures import Server, aidtrace

from aidtrace.facts import DocumentFacts
from aidtrace.facts.commitments import Commitment
from aidtrace.facts.quotes import Quote
from aidtrace.model import Document, Evidence
from aidtrace.storage import merge, review, search
from aidtrace.storage.database import session_scope
from aidtrace.storage.schema import Document as DocumentRow, FACT_TABLES
from aidtrace.web import queries

NORWAY = "Norway has delivered forty air defence systems to Ukraine, the Norwegian Ministry of Defence said."
CANADA = "Canada will provide air defense missiles worth 50 million dollars to Ukraine."
POLAND = "Poland has donated thirty ambulances to the Ukrainian army."
SPEECH = 'Defence minister Ola Nordmann said: "Our organisation will keep delivering programmes for Ukraine."'
HOSTILE = "Latvia will send <script>alert('air')</script> generators & <b>air</b> heaters to Ukraine."


def _evidence(text_: str) -> list[Evidence]:
    return [Evidence.of(text_, 0, len(text_))]


def _store(engine, doc_id: str, text_: str, **facts) -> int:
    document = Document(id=doc_id, text=text_, title=f"Report {doc_id}", published="2024-05-02",
                        url=f"https://news.example/{doc_id}")
    with session_scope(engine) as session:
        return merge.store_document(session, document, DocumentFacts(doc_id, "2024-05-02", **facts)).document_id


def _commitment(donor: str, item: str, text_: str, status: str = "delivered") -> Commitment:
    return Commitment(donor=donor, category="military", item=item, status=status, evidence=_evidence(text_))


@pytest.fixture
def registry(engine):
    """Five invented documents with a commitment or a quote each."""
    _store(engine, "no", NORWAY, commitments=[_commitment("NOR", "air defence systems", NORWAY)])
    _store(engine, "ca", CANADA, commitments=[_commitment("CAN", "air defense missiles", CANADA, "pledged")])
    _store(engine, "pl", POLAND, commitments=[_commitment("POL", "ambulances", POLAND)])
    _store(engine, "sp", SPEECH, quotes=[Quote(speaker="Ola Nordmann", text="Our organisation will keep delivering "
                                                "programmes for Ukraine.", evidence=_evidence(SPEECH))])
    _store(engine, "lv", HOSTILE, commitments=[_commitment("LVA", "generators", HOSTILE, "pledged")])
    return engine


def _items(engine, q: str, kind: str = "commitments") -> list[str]:
    with engine.connect() as connection:
        result = queries.list_facts(connection, kind, queries.make_filter(kind, {"q": q}))
    assert result["total"] == len(result["items"])
    return sorted(item.get("item") or item.get("text") for item in result["items"])


def _documents(engine, q: str) -> list[str]:
    with engine.connect() as connection:
        total = queries.count_documents(connection, q)
        rows = queries.latest_documents(connection, 50, 0, q)
    assert total == len(rows)
    return sorted(row["doc_id"] for row in rows)


# ---------------------------------------------------------------------------- the query language


def test_queries_normalise_spelling_and_keep_only_words():
    assert search.normalise("Air-Defence PROGRAMMES, Organisation's") == "air defense programs organization s"
    assert search.parse_query("air defence").fts5() == '"air" AND "defense"'
    assert search.parse_query('"air defence"').fts5() == '"air defense"'
    assert search.parse_query("defenc*").fts5() == '("defenc"* OR "defens"*)'
    assert search.parse_query("howitzers OR tanks -drones").fts5() == '(("howitzers" OR "tanks")) NOT "drones"'
    # Operators, quotes and column filters of FTS5 written by a user are only separators.
    assert search.parse_query('kind : "x" AND body:(NEAR(a b))').fts5() == '"kind" AND "x" AND "body near a" AND "b"'
    assert search.parse_query("air NOT drones").fts5() == '("air") NOT "drones"'
    assert search.parse_query('"unbalanced phrase').fts5() == '"unbalanced phrase"'
    with pytest.raises(search.SearchError, match="at least 3 letters"):
        search.parse_query("air d*")


@pytest.mark.parametrize("hostile", ["", "   ", '"', '""', "*", "OR", "AND NOT", "- -", "***", "!!", "(", ":", "^"])
def test_a_query_without_words_is_refused_with_a_message(hostile):
    with pytest.raises(search.SearchError, match="no word"):
        search.parse_query(hostile)
    if hostile.strip():
        with pytest.raises(queries.BadFilter, match="q: "):
            queries.make_filter("commitments", {"q": hostile})


# ---------------------------------------------------------------------------- the index, both databases


def test_stemming_finds_other_forms_of_a_word(registry):
    assert _items(registry, "deliver") == ["air defence systems"]  # "delivered"
    assert _items(registry, "missile") == ["air defense missiles"]
    assert _items(registry, "ambulance") == ["ambulances"]
    assert _items(registry, "delivers", "quotes") == ["Our organisation will keep delivering programmes for Ukraine."]
    assert _documents(registry, "donating") == ["pl"]


def test_british_and_american_spellings_find_the_same_facts(registry):
    both = ["air defence systems", "air defense missiles"]
    assert _items(registry, "air defence") == both
    assert _items(registry, "air defense") == both
    assert _items(registry, "organization", "quotes") == _items(registry, "organisation", "quotes") != []
    assert _items(registry, "program", "quotes") == _items(registry, "programmes", "quotes") != []


def test_phrases_prefixes_or_and_exclusion(registry):
    assert _items(registry, '"air defense"') == ["air defence systems", "air defense missiles"]
    assert _items(registry, '"defense air"') == []  # a phrase keeps its order
    assert _items(registry, '"air missiles"') == []  # and its words side by side
    assert _items(registry, "defen*") == ["air defence systems", "air defense missiles"]
    assert _items(registry, "defenc*") == ["air defence systems", "air defense missiles"]
    assert _items(registry, "ambul*") == ["ambulances"]
    assert _items(registry, "ambulances OR missiles") == ["air defense missiles", "ambulances"]
    assert _items(registry, "air -missiles") == ["air defence systems", "generators"]
    assert _items(registry, "howitzers") == []
    assert _documents(registry, "Canad*") == ["ca"]


def test_search_results_come_newest_first_and_page_through_every_match(registry):
    q = "air OR ambulances OR generators"
    with registry.connect() as connection:
        pages = [queries.list_facts(connection, "commitments", queries.make_filter(
            "commitments", {"q": q, "per_page": 1, "page": page})) for page in (1, 2, 3, 4, 5)]
        dated = queries.list_facts(connection, "commitments", queries.make_filter(
            "commitments", {"q": q, "sort": "item"}))
    assert [page["total"] for page in pages] == [4] * 5
    ids = [item["id"] for page in pages for item in page["items"]]
    assert len(ids) == 4 and ids == sorted(ids, reverse=True)
    assert [item["item"] for item in dated["items"]] == sorted(item["item"] for item in dated["items"])
    assert all(item["snippet"] for item in dated["items"])


def test_a_search_lists_the_same_pages_by_id_as_by_walking_the_index(engine, monkeypatch):
    # Few results are listed by id (found once), many by walking the index in id order
    # (PostgreSQL: ts_match_vq row by row); with a partner, SQLite may read the partner's rows
    # first and test each for the match. Every way must give the same rows, pages and order.
    partners = ["DNK", "FIN", "DNK", "SWE", "DNK", "FIN", "SWE", "DNK"]
    for number, donor in enumerate(partners):
        item = ("diesel generators" if number % 3 else "mobile generators and heaters") + f" for site {number}"
        sentence = f"Report {number}: the partner {donor} sent {number + 2} {item} to Kharkiv."
        fact = Commitment(donor=donor, category="energy", item=item, status="delivered", quantity=number + 2,
                          evidence=_evidence(sentence))  # one quantity each: no two facts merge
        _store(engine, f"g{number}", sentence, commitments=[fact])
    searches = [{"q": "generators"}, {"q": "generators", "partner": "DNK"}, {"q": "generator heaters"},
                {"q": "generators", "sort": "item"}, {"q": "generators -heaters", "partner": "FIN"},
                {"q": '"diesel generators"', "per_page": 3, "page": 2}, {"q": "diese*", "per_page": 2}]

    def pages() -> list[tuple]:
        with engine.connect() as connection:
            found = []
            for params in searches:
                result = queries.list_facts(connection, "commitments", queries.make_filter("commitments", params))
                found.append((result["total"], [item["id"] for item in result["items"]],
                              [bool(item["snippet"]) for item in result["items"]]))
            return found

    by_id = pages()
    monkeypatch.setattr(queries, "MATCH_LAST_ABOVE", 0)  # a partner's rows first, each tested for the match
    assert pages() == by_id
    monkeypatch.setattr(queries, "LISTED_BY_ID", 0)
    assert pages() == by_id
    totals = [total for total, _, _ in by_id]
    assert totals == [8, 4, 3, 8, 2, 5, 5]
    for (_, ids, snippets), params in zip(by_id, searches):
        assert all(snippets) and ids
        if "sort" not in params:
            assert ids == sorted(ids, reverse=True)  # newest first


HOSTILE_QUERIES = [
    "'; DROP TABLE documents; --", 'air" OR 1=1 --', "air) OR (defense", "NEAR(air defense, 2)",
    "kind : documents", "body : air", "{kind body} : air", "air AND AND OR NOT", "air*defence*",
    '""air""', "%air%", "air_defense", "\\air", "air\x00defense", "ａｉｒ", "x" * 300, "air " * 40,
]


def test_hostile_queries_are_parsed_safely(registry):
    # One database for every string: each is parsed into words or refused, never run as syntax.
    with registry.connect() as connection:
        for hostile in HOSTILE_QUERIES:
            try:
                flt = queries.make_filter("commitments", {"q": hostile[:200]})
            except queries.BadFilter:
                continue
            result = queries.list_facts(connection, "commitments", flt)
            assert result["total"] == len(result["items"]), hostile
            queries.count_documents(connection, hostile[:200])
        assert connection.execute(text("SELECT count(*) FROM documents")).scalar_one() == 5
        assert queries.count_documents(connection, "ａｉｒ") == queries.count_documents(connection, "air") > 0


def test_snippets_mark_the_matched_words_of_the_original_text(registry):
    with registry.connect() as connection:
        result = queries.list_facts(connection, "commitments", queries.make_filter("commitments", {"q": "air defense"}))
        by_item = {item["item"]: item["snippet"] for item in result["items"]}
        documents = queries.latest_documents(connection, 10, 0, '"air defense"')
    norway = by_item["air defence systems"]
    assert norway["field"] == "evidence" and norway["text"] == NORWAY
    assert [norway["text"][s:e] for s, e in norway["marks"]] == ["air", "defence", "Defence"]
    canada = by_item["air defense missiles"]
    assert [canada["text"][s:e] for s, e in canada["marks"]] == ["air", "defense"]
    for row in documents:
        marked = [row["snippet"]["text"][s:e].lower() for s, e in row["snippet"]["marks"]]
        assert marked and set(marked) <= {"air", "defence", "defense"}


def test_the_index_follows_review_reextraction_and_rebuild(registry):
    with session_scope(registry) as session:
        fact = session.query(FACT_TABLES["commitments"]).filter_by(item="ambulances").one()
        review.correct(session, "commitments", fact.id, {"item": "field hospitals"}, "tester")
    assert _items(registry, "hospital") == ["field hospitals"]
    assert _items(registry, "ambulances") == ["field hospitals"]  # its evidence still says so

    # Re-extraction that finds nothing any more removes the Canadian fact and its entry.
    with session_scope(registry) as session:
        row = session.query(DocumentRow).filter_by(doc_id="ca").one()
        merge.replace_facts(session, row, DocumentFacts("ca", "2024-05-02"))
    assert _items(registry, "missiles") == []
    assert _documents(registry, "missiles") == ["ca"]  # the document itself stays

    with registry.connect() as connection:
        before = _entries(connection)
    with registry.begin() as connection:
        counts = search.rebuild(connection)
    with registry.connect() as connection:
        assert _entries(connection) == before, "what commits kept up to date is what a rebuild writes"
    assert counts["documents"] == 5 and counts["commitments"] == 3 and counts["quotes"] == 1


def _entries(connection) -> set[tuple]:
    if connection.dialect.name == "sqlite":
        return set(connection.execute(text("SELECT rowid, kind, body FROM search_fts")).all())
    return set(connection.execute(text("SELECT kind, ref_id, body FROM search_index")).all())


def test_a_rolled_back_store_leaves_no_entry(engine):
    document = Document(id="rb", text=POLAND, published="2024-05-02")
    with pytest.raises(RuntimeError):
        with session_scope(engine) as session:
            merge.store_document(session, document, DocumentFacts(
                "rb", "2024-05-02", commitments=[_commitment("POL", "ambulances", POLAND)]))
            raise RuntimeError("killed")
    with engine.connect() as connection:
        assert _entries(connection) == set()
    _store(engine, "pl", POLAND, commitments=[_commitment("POL", "ambulances", POLAND)])
    assert _items(engine, "ambulances") == ["ambulances"]


# ---------------------------------------------------------------------------- through the web server


def test_search_api_and_pages(server: Server):
    api = httpx.get(server.url + "/api/facts/commitments", params={"q": '"air defense"'}).json()
    assert api["total"] >= 1
    for item in api["items"]:
        marked = [item["snippet"]["text"][s:e].lower() for s, e in item["snippet"]["marks"]]
        assert marked and set(marked) <= {"air", "defence", "defense"}
    assert httpx.get(server.url + "/api/facts/commitments", params={"q": "air defence"}).json()["total"] == \
        httpx.get(server.url + "/api/facts/commitments", params={"q": "air defense"}).json()["total"]
    for hostile in ('"', "***", "OR -"):
        for path in ("/api/facts/commitments", "/api/documents", "/facts/commitments", "/documents"):
            answer = httpx.get(server.url + path, params={"q": hostile})
            assert answer.status_code == 400, (path, hostile, answer.text)
            assert "no word" in answer.text
    page = httpx.get(server.url + "/facts/commitments", params={"q": "defen*"}).text
    assert re.search(r"<mark>Defen[cs]e</mark>", page)


def test_highlighting_never_unescapes_hostile_text(server: Server):
    # The hostile fixture document holds markup; searching a word inside it marks the word
    # and shows the markup as text.
    found = httpx.get(server.url + "/api/documents", params={"q": "alert"}).json()
    assert found["total"] == 1
    snippet = found["items"][0]["snippet"]
    assert "<script>" in snippet["text"]  # the API gives the text as stored, with offsets
    page = httpx.get(server.url + "/documents", params={"q": "alert"}).text
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<mark>alert</mark>" in page


def test_db_reindex_rebuilds_an_emptied_index(fresh_db):
    import sqlite3

    with sqlite3.connect(fresh_db) as connection:
        before = connection.execute("SELECT count(*) FROM search_fts").fetchone()[0]
        connection.execute("DELETE FROM search_fts")
    assert before > 0
    done = aidtrace("db", "reindex", "--db", str(fresh_db))
    assert "search index rebuilt" in done.stdout
    with sqlite3.connect(fresh_db) as connection:
        assert connection.execute("SELECT count(*) FROM search_fts").fetchone()[0] == before


# ---------------------------------------------------------------------------- in a real browser


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium driven by Playwright (launched by path; nothing is downloaded)."""
    import os
    import shutil
    from pathlib import Path

    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    path = os.environ.get("AIDTRACE_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.skip(f"no chromium at {path} (set AIDTRACE_TEST_CHROMIUM)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def test_search_box_highlights_matches_in_the_browser(chromium, server: Server):
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (errors.append("dialog: " + dialog.message), dialog.dismiss()))
    page.goto(server.url + "/facts/commitments")
    page.fill("#filters input[name=q]", "defen*")
    with page.expect_navigation():
        page.click("#filters button[type=submit]")
    assert "q=defen" in page.url
    marks = page.locator("#facts-table .snippet mark")
    assert marks.count() >= 1
    assert {text.lower() for text in marks.all_inner_texts()} <= {"defence", "defense"}
    assert int(page.locator("#total").inner_text()) == page.locator("#facts-table tr.snippet-row").count()

    # A document holding markup: the matched word is marked, the markup stays text, nothing runs.
    page.goto(server.url + "/documents")
    page.fill("input[name=q]", "alert")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    snippet = page.locator("#documents .snippet").first
    assert set(snippet.locator("mark").all_inner_texts()) == {"alert"}
    assert "<script>alert(1)</script>" in snippet.inner_text()
    assert page.locator("#documents .snippet script").count() == 0
    page.goto(server.url + "/documents?q=%22")
    assert "no word" in page.content()
    assert errors == []
    page.close()
