"""Reading inputs: text, HTML and JSONL files, directories, stdin, and every kind of bad input."""
from __future__ import annotations

import codecs
import io
import json
from pathlib import Path

import pytest

from aidtrace.documents import InputError, document_from_html, document_from_text, read_documents
from aidtrace.model import Document

SHARED_CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"

PAGE = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>Estonian minister visits Zhytomyr</title>
<link rel="canonical" href="https://news.example.org/2023/04/estonia-zhytomyr">
<meta property="article:published_time" content="2023-04-24T10:15:00+03:00">
<script>var tracking = "do not read me";</script>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/about">About us</a></nav>
<article>
<h1>Estonian minister visits Zhytomyr</h1>
<p>The foreign minister of Estonia arrived in Zhytomyr on Monday to discuss the rebuilding of
schools and a hospital that were damaged by shelling last year.</p>
<p>Estonia will pay for the repair of two schools and send a dozen generators before the winter,
the minister told local officials after a tour of the city centre.</p>
</article>
<footer>All rights reserved. Subscribe to our newsletter.</footer>
</body></html>
"""


def _read(*sources, stdin=None) -> list:
    return list(read_documents([str(s) for s in sources], stdin=stdin))


def _only_error(items) -> InputError:
    assert len(items) == 1 and isinstance(items[0], InputError), items
    return items[0]


def test_input_error_is_one_line_naming_the_input():
    error = InputError("dir/file.jsonl:3", "not valid JSON\nExpecting value")
    assert str(error) == "dir/file.jsonl:3: not valid JSON Expecting value"
    assert "\n" not in str(error)


def test_text_file(tmp_path):
    path = tmp_path / "visit-note.txt"
    path.write_text("The minister arrived in Kyiv.\r\nTalks followed.\r\n", encoding="utf-8")
    [doc] = _read(path)
    assert doc == Document(id="visit-note", text="The minister arrived in Kyiv.\nTalks followed.\n")


@pytest.mark.parametrize(
    "data, expected",
    [
        (codecs.BOM_UTF8 + "Zelenskyy met Nausėda.".encode("utf-8"), "Zelenskyy met Nausėda."),
        ("Zelenskyy met Nausėda.".encode("utf-16"), "Zelenskyy met Nausėda."),  # with BOM
        ("Pärnu café – talks".encode("cp1252"), "Pärnu café – talks"),
    ],
)
def test_encodings(tmp_path, data, expected):
    path = tmp_path / "enc.txt"
    path.write_bytes(data)
    [doc] = _read(path)
    assert isinstance(doc, Document) and doc.text == expected


@pytest.mark.parametrize(
    "name, data, problem",
    [
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("blank.txt", b"  \n\t\n", "empty document"),
        ("mixed.txt", b"\x81\x8d\x9d broken", "undecodable bytes"),
        ("table.csv", b"a,b\n1,2\n", "unknown file type '.csv'"),
        ("blank.html", b"   ", "empty document"),
        ("binary.jsonl", b'{"id": 1}\x00\x00\x00', "binary file"),
    ],
)
def test_bad_files_yield_errors(tmp_path, name, data, problem):
    path = tmp_path / name
    path.write_bytes(data)
    error = _only_error(_read(path))
    assert str(error).startswith(f"{path}: ")
    assert problem in str(error)


def test_missing_file(tmp_path):
    error = _only_error(_read(tmp_path / "nowhere.txt"))
    assert str(error) == f"{tmp_path / 'nowhere.txt'}: no such file"


def test_jsonl_bad_lines_do_not_stop_the_run(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "r1", "url": "https://example.org/r1", "title": "Aid package", "source": "wire",
                    "published": "Mon, 24 Apr 2023 18:00:00 GMT", "text": "Latvia sent two ambulances."}),
        json.dumps({"text": "Poland pledged more shells."}),  # no id
        '{"id": "r3", "text": "unterminated',
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "r6", "text": "   "}),
        json.dumps({"id": "r1", "text": "Same id again."}),
        json.dumps({"id": 7, "title": None, "published": "soon", "text": "Numeric id, garbage date."}),
        json.dumps({"id": "r9"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = _read(path)
    docs = [item for item in items if isinstance(item, Document)]
    errors = [str(item) for item in items if isinstance(item, InputError)]
    assert docs[0] == Document(id="r1", text="Latvia sent two ambulances.", title="Aid package",
                               url="https://example.org/r1", published="2023-04-24", source="wire")
    assert docs[1].id == "batch:2"
    assert docs[2].id == "7" and docs[2].published is None
    assert len(docs) == 3
    assert errors[0].startswith(f"{path}:3: not valid JSON at line 3")
    assert errors[1] == f"{path}:5: expected a JSON object, got list"
    assert errors[2].startswith(f"{path}:6: empty document")
    assert errors[3].startswith(f"{path}:7: duplicate document id 'r1'")
    assert errors[4].startswith(f"{path}:9: ")
    assert len(errors) == 5


def test_jsonl_undecodable_line(tmp_path):
    path = tmp_path / "latin.jsonl"
    path.write_bytes(b'{"id": "ok", "text": "fine"}\n{"id": "bad", "text": "caf\xe9"}\n')
    items = _read(path)
    assert isinstance(items[0], Document)
    assert str(items[1]).startswith(f"{path}:2: undecodable bytes")


def test_directory_is_read_recursively_in_sorted_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2-second.txt").write_text("Second document text.", encoding="utf-8")
    (tmp_path / "1-first.txt").write_text("First document text.", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "third", "text": "Third."}) + "\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored: not an input extension", encoding="utf-8")
    (tmp_path / "b" / "1-first.txt").write_text("Same stem elsewhere.", encoding="utf-8")
    items = _read(tmp_path)
    assert all(isinstance(item, Document) for item in items)
    ids = [item.id for item in items]
    assert ids == ["1-first", str(tmp_path / "b" / "1-first.txt"), "2-second", "third"]
    assert len(set(ids)) == len(ids)


def test_empty_directory(tmp_path):
    assert "no .txt" in str(_only_error(_read(tmp_path)))


def test_stdin_jsonl_and_text():
    stream = io.StringIO("\n" + json.dumps({"id": "s1", "text": "From a pipe."}) + "\n{broken\n")
    items = _read("-", stdin=stream)
    assert items[0].id == "s1" and items[0].text == "From a pipe."
    assert str(items[1]).startswith("<stdin>:3: not valid JSON")
    [doc] = _read("-", stdin=io.StringIO("{Curly braces} start this plain text.\nSecond line.\n"))
    assert doc.id == "stdin" and doc.text.startswith("{Curly braces}")
    assert "empty document" in str(_only_error(_read("-", stdin=io.StringIO("\n \n"))))


def test_document_from_html_extracts_main_text_and_metadata():
    doc = document_from_html(PAGE.encode("utf-8"), doc_id="page")
    assert doc.id == "page"
    assert doc.title == "Estonian minister visits Zhytomyr"
    assert doc.url == "https://news.example.org/2023/04/estonia-zhytomyr"
    assert doc.published == "2023-04-24"
    assert "send a dozen generators" in doc.text
    # Boilerplate and scripts are left out; the headline is the title, not the first line.
    assert "newsletter" not in doc.text and "tracking" not in doc.text and "About us" not in doc.text
    assert not doc.text.startswith("Estonian minister visits")


def test_html_file_and_fallback_for_tiny_pages(tmp_path):
    path = tmp_path / "short.htm"
    path.write_text("<html><head><title>Short</title></head><body><p>Kyiv thanks Oslo.</p>"
                    "<script>ignored()</script></body></html>", encoding="utf-8")
    [doc] = _read(path)
    assert doc.id == "short" and "Kyiv thanks Oslo." in doc.text and "ignored" not in doc.text
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    docs = _read(tmp_path / "page.html")
    assert docs[0].url == "https://news.example.org/2023/04/estonia-zhytomyr"


def test_html_given_url_used_without_canonical():
    html = "<html><body><p>Finland will send demining equipment to Kharkiv region this month.</p></body></html>"
    doc = document_from_html(html, doc_id="w1", url="https://example.net/story")
    assert doc.url == "https://example.net/story"
    with pytest.raises(InputError, match=r"^https://example.net/empty: empty document"):
        document_from_html("<html><body>  </body></html>", doc_id="w2", url="https://example.net/empty")


def test_document_from_text():
    doc = document_from_text("Norway pledged funds.", doc_id="n1", title="  ", published="2023-04-24T09:00:00Z")
    assert doc == Document(id="n1", text="Norway pledged funds.", title=None, published="2023-04-24")
    with pytest.raises(InputError, match="^n2: empty document"):
        document_from_text(" \n", doc_id="n2")


@pytest.mark.skipif(not SHARED_CORPORA.is_dir(), reason="../shared/corpora is absent")
def test_shared_corpora_read_cleanly():
    items = _read(SHARED_CORPORA)
    errors = [str(item) for item in items if isinstance(item, InputError)]
    docs = [item for item in items if isinstance(item, Document)]
    assert errors == []
    assert len(docs) > 100
    assert len({doc.id for doc in docs}) == len(docs)
    assert all(doc.published is None or len(doc.published) == 10 for doc in docs)
    assert sum(doc.published is not None for doc in docs) > len(docs) // 2


def test_html_declared_charset_is_honoured():
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
            "<title>Новини</title></head><body><p>Житомир отримав нові генератори від партнерів.</p>"
            "</body></html>")
    doc = document_from_html(page.encode("cp1251"), doc_id="cyr")
    assert "Житомир" in doc.text
