"""Ingest: sources -> documents -> extraction -> registry, one transaction per document.

    report = ingest(["corpus.jsonl", "https://example.org/feed.xml"], engine, jobs=2)

Sources are files, directories, JSONL corpora, ``-`` (stdin), article URLs and RSS/Atom feed
URLs (every entry is fetched). Documents already stored (same url or same text) are skipped
before extraction, so a second ingest of the same sources adds nothing and costs little.
Each document is stored with its mentions and merges in a single transaction, in input order:
an ingest killed at any moment and run again ends with exactly the database of an
uninterrupted run.
"""
from __future__ import annotations

import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from ..facts import DocumentFacts
from ..model import Document
from .. import DEFAULT_MODEL
from ..storage import merge
from ..storage.database import ensure_schema, make_sessionmaker
from ..storage.schema import Document as DocumentRow
from ..documents import count_documents
from .feeds import parse_feed
from .fetch import FetchError, Fetcher, page_document
from .progress import Progress, progress_mode

ErrorHandler = Callable[[Exception], None]
# Documents (and input errors) in, their facts (or errors) out, in input order: the local
# process pool (runner.extract_stream) by default, a Dask cluster with ``ingest/cluster.py``.
Extractor = Callable[[Iterable[Document | Exception]], Iterator[DocumentFacts | Exception]]


@dataclass
class IngestReport:
    """What an ingest or re-extraction did."""

    added: int = 0  # new documents stored
    duplicates: int = 0  # documents already stored (same url or text), skipped
    reextracted: int = 0  # stored documents whose mentions were replaced
    failed: int = 0  # inputs reported and skipped
    mentions: int = 0
    new_facts: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal."""
        rate = (self.added + self.reextracted) / self.seconds if self.seconds else 0.0
        parts = [f"{self.added} documents added", f"{self.duplicates} already stored"]
        if self.reextracted:
            parts.append(f"{self.reextracted} re-extracted")
        parts += [f"{self.failed} failed", f"{self.mentions} mentions", f"{self.new_facts} new facts",
                  f"{self.seconds:.1f} s ({rate:.1f} docs/s)"]
        return ", ".join(parts)


def is_url(source: str) -> bool:
    """Whether a source is an http(s) URL rather than a path."""
    lowered = source.lower()
    return lowered.startswith("http://") or lowered.startswith("https://")


def extractor_version(model: str) -> str:
    """The version string stored with every mention: aidtrace's version and the spaCy pipeline."""
    return f"{merge.EXTRACTOR_VERSION}+{model}"


def iter_sources(
    sources: Iterable[str],
    fetcher: Fetcher,
    fetched_at: dict[str, datetime],
    known_url: Callable[[str], bool] = lambda url: False,
    stdin: IO[str] | None = None,
) -> Iterator[Document | Exception]:
    """Documents (or one error per failed input) from every source, in order.

    URLs are fetched: an HTML page is one document, a feed yields one document per entry
    (an article or entry whose url is already stored is not fetched again).
    """
    for source in sources:
        if not is_url(source):
            from ..documents import read_documents

            yield from read_documents([source], stdin=stdin if stdin is not None else sys.stdin)
            continue
        if known_url(source):
            continue  # an article stored before: not even fetched again
        try:
            fetched = fetcher.get(source)
            if not fetched.is_feed:
                document = page_document(fetched)
                fetched_at[document.url or source] = fetched.fetched_at
                yield document
                continue
            entries = parse_feed(fetched)
        except FetchError as error:
            yield error
            continue
        for entry in entries:
            if known_url(entry.link):
                continue
            try:
                document, when = fetcher.document(entry.link, published=entry.published, title=entry.title)
            except FetchError as error:
                yield error
                continue
            fetched_at[document.url or entry.link] = when
            yield document


class StoreError(Exception):
    """A document the database refused; str() is one line naming it."""


def _first_line(error: BaseException) -> str:
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _fail(report: IngestReport, error: Exception, on_error: ErrorHandler | None) -> None:
    report.failed += 1
    report.errors.append(str(error))
    if on_error:
        on_error(error)


class _Pending:
    """Inputs handed to the extractor, in order, with the stored row id of known documents."""

    def __init__(self) -> None:
        self.items: deque[tuple[Document | Exception, int | None]] = deque()
        self.lock = threading.Lock()

    def push(self, item: Document | Exception, existing: int | None) -> None:
        with self.lock:
            self.items.append((item, existing))

    def pop(self) -> tuple[Document | Exception, int | None]:
        with self.lock:
            return self.items.popleft()


def _progress(total: int | None, enabled: bool | None) -> Progress:
    return Progress(total, progress_mode(enabled))


def _local_extractor(model: str, jobs: int) -> Extractor:
    """Extraction in this host's worker processes (``--jobs``)."""
    from ..runner import extract_stream

    def extract(items: Iterable[Document | Exception]) -> Iterator[DocumentFacts | Exception]:
        return extract_stream(items, model=model, jobs=jobs)

    return extract


def _store(
    session_factory, store: Callable[[Session], merge.StoreResult]
) -> merge.StoreResult:
    """Run one document's storage in its own transaction, retrying once on a write race."""
    for attempt in range(3):
        session = session_factory()
        try:
            with session.begin():
                return store(session)
        except (IntegrityError, OperationalError):
            # Another writer stored the same document or fact first (or held the lock):
            # retry, and the duplicate check or the merge will find its row.
            if attempt == 2:
                raise
            time.sleep(0.2 * (attempt + 1))
        finally:
            session.close()
    raise AssertionError("unreachable")


def ingest(
    sources: Iterable[str],
    engine: Engine,
    jobs: int = 1,
    model: str = DEFAULT_MODEL,
    reextract: bool = False,
    on_error: ErrorHandler | None = None,
    progress: bool | None = None,
    fetcher: Fetcher | None = None,
    stdin: IO[str] | None = None,
    extract: Extractor | None = None,
) -> IngestReport:
    """Ingest every source into the registry at ``engine`` (schema created/upgraded as needed).

    With ``reextract``, documents already stored are extracted again and their machine mentions
    replaced (reviewed facts keep their values); otherwise they are skipped before extraction.
    ``extract`` replaces the local worker processes (``jobs``), e.g. by a Dask cluster.
    """
    extract = extract or _local_extractor(model, jobs)
    ensure_schema(engine)
    started = time.perf_counter()
    report = IngestReport()
    version = extractor_version(model)
    session_factory = make_sessionmaker(engine)
    lookup = session_factory()  # used only by the input thread (the prefilter below)
    fetched_at: dict[str, datetime] = {}
    pending = _Pending()
    skipped = [0]  # counted in the input thread, added to the report at the end
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher()

    def known_url(url: str) -> bool:
        if reextract:
            return False
        found = lookup.scalar(select(DocumentRow.id).where(DocumentRow.url == url).limit(1))
        lookup.rollback()  # no read transaction left open while the page is fetched
        if found is not None:
            skipped[0] += 1
        return found is not None

    def prefiltered() -> Iterator[Document | Exception]:
        # Runs in whichever thread feeds the extractor; it only reads, in its own session.
        for item in iter_sources(sources, fetcher, fetched_at, known_url, stdin):
            existing = None
            if isinstance(item, Document):
                found = merge.stored_document_id(lookup, item.url, merge.content_hash(item.text))
                lookup.rollback()  # end the read transaction: never hold a snapshot across documents
                if found is not None:
                    if not reextract:
                        skipped[0] += 1
                        bar.update(1)  # counted in the total, though never extracted
                        continue
                    existing = found
            pending.push(item, existing)
            yield item

    bar = _progress(count_documents(sources) if not reextract else None, progress)
    try:
        for result in extract(prefiltered()):
            item, existing = pending.pop()
            bar.update(1)
            if isinstance(result, Exception):
                _fail(report, result, on_error)
                continue
            assert isinstance(item, Document) and isinstance(result, DocumentFacts)
            document, facts = item, result
            try:
                if existing is not None:
                    stored = _store(session_factory, lambda s: merge.replace_facts(s, s.get(DocumentRow, existing), facts, version))
                else:
                    when = fetched_at.pop(document.url or "", None)
                    stored = _store(session_factory, lambda s: merge.store_document(s, document, facts, when, version))
            except SQLAlchemyError as error:
                # A document the database refuses (a value it cannot hold): report it, go on.
                _fail(report, StoreError(f"{document.id}: cannot store: {_first_line(error)}"), on_error)
                continue
            if existing is not None:
                report.reextracted += 1
            else:
                if stored.added:
                    report.added += 1
                else:
                    report.duplicates += 1
            report.mentions += stored.mentions
            report.new_facts += stored.new_facts
    finally:
        bar.close()
        lookup.close()
        if own_fetcher:
            fetcher.close()
    report.duplicates += skipped[0]
    report.seconds = time.perf_counter() - started
    return report


def reextract_all(
    engine: Engine,
    jobs: int = 1,
    model: str = DEFAULT_MODEL,
    on_error: ErrorHandler | None = None,
    progress: bool | None = None,
    batch: int = 200,
    extract: Extractor | None = None,
) -> IngestReport:
    """Extract every stored document again with the current extractor and merge the new mentions."""
    extract = extract or _local_extractor(model, jobs)
    ensure_schema(engine)
    started = time.perf_counter()
    report = IngestReport()
    version = extractor_version(model)
    session_factory = make_sessionmaker(engine)
    order: deque[int] = deque()

    def stored_documents() -> Iterator[Document]:
        last = 0
        with session_factory() as reader:
            while True:
                rows = reader.scalars(
                    select(DocumentRow).where(DocumentRow.id > last).order_by(DocumentRow.id).limit(batch)
                ).all()
                reader.rollback()
                if not rows:
                    return
                for row in rows:
                    order.append(row.id)
                    yield merge.stored_document_model(row)
                last = rows[-1].id

    with session_factory() as counter:
        total = counter.query(DocumentRow).count()
    bar = _progress(total, progress)
    try:
        for result in extract(stored_documents()):
            row_id = order.popleft()
            bar.update(1)
            if isinstance(result, Exception):
                _fail(report, result, on_error)
                continue
            try:
                stored = _store(session_factory, lambda s: merge.replace_facts(s, s.get(DocumentRow, row_id), result, version))
            except SQLAlchemyError as error:
                _fail(report, StoreError(f"{result.doc_id}: cannot store: {_first_line(error)}"), on_error)
                continue
            report.reextracted += 1
            report.mentions += stored.mentions
            report.new_facts += stored.new_facts
    finally:
        bar.close()
    report.seconds = time.perf_counter() - started
    return report
