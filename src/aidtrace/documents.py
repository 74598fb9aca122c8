"""Reading inputs into ``aidtrace.model.Document``s.

    for item in read_documents(["corpus.jsonl", "pages/", "note.txt", "-"]):
        if isinstance(item, InputError):
            print(item, file=sys.stderr)      # one line: where, and what is wrong
        else:
            handle(item)

Sources: ``.txt`` (one document, id = file stem), ``.html``/``.htm`` (main text, title, date and
canonical URL extracted by trafilatura, lxml text as a fallback), ``.jsonl`` (one document per
line with ``id, url, title, published, source, text``), a directory (its files of those
extensions, recursively, in sorted order) and ``-`` for standard input (JSON lines when the
first non-blank line is a JSON object, else one text document with id ``stdin``).

Problems are *yielded* as ``InputError``s, never raised, so one bad file or line does not stop
a run. ``published`` is always normalised to ``YYYY-MM-DD`` (or None).

Encodings, decided once for every file kind: a UTF-8 BOM → UTF-8; a UTF-16 BOM → UTF-16;
otherwise NUL bytes mean a binary file; then strict UTF-8; then cp1252 (a superset of the
printable Latin-1 range that old Windows-made files use) only when it decodes without error and
yields no control characters. Anything else is "undecodable bytes" rather than a guess that
would put mojibake into the registry. HTML bytes are first decoded by the charset the page
declares in a <meta> tag. JSONL lines are UTF-8 only (JSON requires it).

Document ids are unique within a run: a text or HTML file whose stem another file already used
takes its path as id, a JSONL line without id gets "<file stem>:<line>", and a JSONL id seen
before yields an InputError (the line is skipped).
"""
from __future__ import annotations

import codecs
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from .dates import normalise_published
from .model import Document

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES
# How much of a file is looked at for NUL bytes before streaming it as JSON lines.
BINARY_SNIFF_BYTES = 8192
# Control characters that never occur in real text (tab, newlines and form feed excepted).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


class InputError(Exception):
    """An input that could not be read as a document. ``str()`` is one line naming the input
    (a path, ``path:line`` or a URL) and what is wrong with it."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = " ".join(str(where).split())
        self.problem = " ".join(str(problem).split())
        super().__init__(f"{self.where}: {self.problem}")


# --- decoding -------------------------------------------------------------------------------


def decode_bytes(data: bytes, where: str) -> str:
    """Decode file contents by the policy of this module's docstring; raise InputError."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(where, "undecodable bytes (UTF-8 BOM but not valid UTF-8)") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(where, "undecodable bytes (UTF-16 BOM but not valid UTF-16)") from None
    if b"\x00" in data:
        raise InputError(where, "binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and not _CONTROL.search(text):
        return text
    raise InputError(where, "undecodable bytes (not UTF-8, UTF-16 with BOM, or clean cp1252)")


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _decode_html(data: bytes, where: str) -> str:
    """Decode a page by the charset its <meta> declares (a Cyrillic windows-1251 page would
    otherwise pass as cp1252 mojibake), else by ``decode_bytes``'s policy."""
    declared = _META_CHARSET.search(data[:4096])
    if declared and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        name = declared.group(1).decode("ascii", "replace")
        try:
            codecs.lookup(name)
            text = data.decode(name)
        except (LookupError, UnicodeDecodeError):
            text = None
        if text is not None and "\x00" not in text:
            return text
    return decode_bytes(data, where)


# --- building documents ---------------------------------------------------------------------


def _clean_text(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def document_from_text(
    text: str,
    *,
    doc_id: str,
    title: str | None = None,
    url: str | None = None,
    published: str | None = None,
    source: str | None = None,
) -> Document:
    """A Document from plain text; ``published`` is normalised. Raises InputError (named by the
    url or the id) when the text is empty or only whitespace."""
    text = _clean_text(text)
    if not text.strip():
        raise InputError(url or doc_id, "empty document (no text)")
    return Document(
        id=doc_id,
        text=text,
        title=(title.strip() or None) if isinstance(title, str) else None,
        url=url or None,
        published=normalise_published(published),
        source=source,
    )


def _lxml_fallback(html: str | bytes) -> tuple[str, str | None, str | None]:
    """Visible text, title and canonical URL of a page by plain lxml (when trafilatura finds no
    main text, e.g. on very short pages)."""
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except Exception:  # lxml raises several kinds of errors on broken or empty markup
        return "", None, None
    for element in root.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    title_nodes = root.xpath("//title")
    title = " ".join(title_nodes[0].text_content().split()) if title_nodes else None
    canonical = root.xpath("//link[@rel='canonical']/@href")
    body = root.xpath("//body")
    text = (body[0] if body else root).text_content()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    text = "\n".join(line for line in lines if line)
    return text, title or None, (canonical[0].strip() if canonical else None)


def document_from_html(html: str | bytes, *, doc_id: str, url: str | None = None) -> Document:
    """A Document from an HTML page: trafilatura's main text, title, date and canonical URL.

    The page's canonical URL (when absolute) wins over ``url`` (where it was fetched from).
    A first text line that repeats the title is dropped (the headline is kept as ``title``).
    Raises InputError when the page has no text.
    """
    import trafilatura

    where = url or doc_id
    if isinstance(html, bytes):
        html = _decode_html(html, where)
    if not html.strip():
        raise InputError(where, "empty document (no HTML)")
    try:
        extracted = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception:  # trafilatura can fail deep in its parsers on odd markup; lxml still may not
        extracted = None
    text = getattr(extracted, "text", None) or ""
    title = getattr(extracted, "title", None)
    published = getattr(extracted, "date", None)
    page_url = getattr(extracted, "url", None)
    if not text.strip():
        text, fallback_title, fallback_url = _lxml_fallback(html)
        title = title or fallback_title
        page_url = page_url or fallback_url
    if page_url and not re.match(r"https?://", page_url):
        page_url = None
    text = _clean_text(text).strip()
    if title:
        title = " ".join(title.split())
        first, _, rest = text.partition("\n")
        if first.strip() == title and rest.strip():
            text = rest.strip()
    return document_from_text(text, doc_id=doc_id, title=title, url=page_url or url, published=published)


# --- reading sources ------------------------------------------------------------------------


class _Ids:
    """Keeps document ids unique within a run."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def claim(self, doc_id: str, where: str) -> InputError | None:
        if doc_id in self.seen:
            return InputError(where, f"duplicate document id {doc_id!r} (first read from {self.seen[doc_id]}); skipped")
        self.seen[doc_id] = where
        return None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory") from None
    except OSError as error:
        raise InputError(str(path), f"cannot read: {error.strerror or error}") from None


def _file_id(path: Path, ids: _Ids) -> str:
    """The file stem, or the path as given when another file of the run has that stem."""
    return path.stem if path.stem not in ids.seen else str(path)


def _read_single(path: Path, ids: _Ids) -> Iterator[Document | InputError]:
    where = str(path)
    try:
        data = _read_bytes(path)
        doc_id = _file_id(path, ids)
        if path.suffix.lower() in HTML_SUFFIXES:
            document = document_from_html(data, doc_id=doc_id)
        else:
            document = document_from_text(decode_bytes(data, where), doc_id=doc_id)
    except InputError as error:
        if error.where != where:  # name the file, not the id the document would have had
            error = InputError(where, error.problem)
        yield error
        return
    duplicate = ids.claim(document.id, where)
    yield duplicate if duplicate else document


def _document_from_record(record: Any, where: str, default_id: str) -> Document:
    """A Document from one parsed JSON line; raises InputError naming ``where``."""
    if not isinstance(record, dict):
        raise InputError(where, f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError(where, "no \"text\" string")
    raw_id = record.get("id")
    doc_id = str(raw_id) if raw_id not in (None, "") else default_id
    try:
        return document_from_text(
            text,
            doc_id=doc_id,
            title=record.get("title") if isinstance(record.get("title"), str) else None,
            url=record.get("url") if isinstance(record.get("url"), str) else None,
            published=record.get("published") if isinstance(record.get("published"), str) else None,
            source=record.get("source") if isinstance(record.get("source"), str) else None,
        )
    except InputError as error:
        raise InputError(where, error.problem) from None


def _read_json_lines(lines: Iterable[str | bytes], name: str, stem: str, ids: _Ids) -> Iterator[Document | InputError]:
    """Stream JSON lines; each bad line yields an InputError naming ``name:line``."""
    for number, line in enumerate(lines, 1):
        where = f"{name}:{number}"
        if isinstance(line, bytes):
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8) :]
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError:
                yield InputError(where, "undecodable bytes (JSON lines must be UTF-8)")
                continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield InputError(where, f"not valid JSON at line {number}, column {error.colno}: {error.msg}")
            continue
        try:
            document = _document_from_record(record, where, f"{stem}:{number}")
        except InputError as error:
            yield error
            continue
        duplicate = ids.claim(document.id, where)
        yield duplicate if duplicate else document


def _read_jsonl_file(path: Path, ids: _Ids) -> Iterator[Document | InputError]:
    where = str(path)
    try:
        handle: BinaryIO = open(path, "rb")
    except FileNotFoundError:
        yield InputError(where, "no such file")
        return
    except OSError as error:
        yield InputError(where, f"cannot read: {error.strerror or error}")
        return
    with handle:
        head = handle.read(BINARY_SNIFF_BYTES)
        handle.seek(0)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            yield from _read_json_lines(io.TextIOWrapper(handle, encoding="utf-16"), where, path.stem, ids)
            return
        if b"\x00" in head:
            yield InputError(where, "binary file (contains NUL bytes)")
            return
        if not head.strip():
            yield InputError(where, "empty document (no JSON lines)")
            return
        yield from _read_json_lines(handle, where, path.stem, ids)


def _read_path(path: Path, ids: _Ids) -> Iterator[Document | InputError]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl_file(path, ids)
    elif suffix in TEXT_SUFFIXES + HTML_SUFFIXES:
        yield from _read_single(path, ids)
    else:
        yield InputError(str(path), f"unknown file type {path.suffix or '(no extension)'!r}; "
                                    f"expected one of {', '.join(SUPPORTED_SUFFIXES)}")


def _read_stdin(stream: TextIO, ids: _Ids) -> Iterator[Document | InputError]:
    name = "<stdin>"
    try:
        head: list[str] = []
        for line in stream:
            head.append(line)
            if line.strip():
                break
    except UnicodeDecodeError:
        yield InputError(name, "undecodable bytes")
        return
    first = head[-1].strip() if head else ""
    looks_like_json = False
    if first.startswith("{"):
        try:
            looks_like_json = isinstance(json.loads(first), dict)
        except json.JSONDecodeError:
            looks_like_json = False
    try:
        if looks_like_json:
            yield from _read_json_lines(chain(head, stream), name, "stdin", ids)
            return
        text = "".join(chain(head, stream))
    except UnicodeDecodeError:
        yield InputError(name, "undecodable bytes")
        return
    try:
        document = document_from_text(text, doc_id="stdin")
    except InputError as error:
        yield InputError(name, error.problem)
        return
    duplicate = ids.claim(document.id, name)
    yield duplicate if duplicate else document


def _source_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
    return [path]


def count_documents(sources: Iterable[str]) -> int | None:
    """How many documents (or input errors) ``read_documents`` will yield for these sources, read
    cheaply (a JSONL corpus counts its non-blank lines); None when that cannot be known before
    reading (standard input, URLs). For progress bars: a broken file may count as one."""
    total = 0
    for source in sources:
        if source == "-" or "://" in source:
            return None
        path = Path(source)
        if not path.exists():
            total += 1
            continue
        files = _source_files(path)
        total += len(files) or 1
        for file in files:
            if file.suffix.lower() in JSONL_SUFFIXES:
                try:
                    with open(file, "rb") as handle:
                        total += sum(1 for line in handle if line.strip()) - 1
                except OSError:
                    continue
    return total


def read_documents(sources: Iterable[str], stdin: TextIO | None = None) -> Iterator[Document | InputError]:
    """Documents from files, directories and ``-`` (standard input, or ``stdin`` when given), in
    order; each problem is yielded as an ``InputError`` and reading goes on with the rest."""
    ids = _Ids()
    for source in sources:
        if source == "-":
            yield from _read_stdin(stdin if stdin is not None else sys.stdin, ids)
            continue
        path = Path(source)
        if path.is_dir():
            files = _source_files(path)
            if not files:
                yield InputError(source, f"no {', '.join(SUPPORTED_SUFFIXES)} files in this directory")
            for file in files:
                yield from _read_path(file, ids)
        elif not path.exists():
            yield InputError(source, "no such file")
        else:
            yield from _read_path(path, ids)
