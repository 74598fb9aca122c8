"""Run the extraction pipeline over a stream of documents, in one process or several.

Ingestion and the CLI both go through :func:`extract_stream`, so a bad document is reported
the same way everywhere: as an exception object in the output stream, in input order, while
the other documents go on.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from itertools import islice

from . import DEFAULT_MODEL
from .facts import DocumentFacts
from .model import Document
from .pipeline import facts_from_doc, load_pipeline, make_doc

# Documents handed to a worker at a time: large enough to amortise pickling and let
# nlp.pipe batch, small enough that output keeps flowing on long corpora.
CHUNK_SIZE = 16
# jobs=0 means one worker per CPU, up to this many: each worker holds ~250 MB of parses.
MAX_AUTO_JOBS = 4


class ExtractionError(Exception):
    """A document that could not be extracted; the message is one line naming the document."""


def _extract_chunk(model: str, documents: list[Document]) -> list[DocumentFacts | ExtractionError]:
    """Extract a chunk of documents with the (cached) pipeline of this process, in order."""
    nlp = load_pipeline(model)
    prepared: list[tuple[Document, object]] = []
    for document in documents:
        try:
            prepared.append((document, make_doc(nlp, document)))
        except Exception as error:  # one bad document must not stop the others
            prepared.append((document, ExtractionError(f"{document.id}: {error}")))
    docs = [doc for _, doc in prepared if not isinstance(doc, ExtractionError)]
    try:
        annotated = iter(list(nlp.pipe(docs, batch_size=len(docs) or 1)))
    except Exception:
        # A component failed somewhere in the batch: redo it one by one to isolate the culprit.
        annotated = iter([_annotate_alone(nlp, doc) for doc in docs])
    results: list[DocumentFacts | ExtractionError] = []
    for document, doc in prepared:
        if isinstance(doc, ExtractionError):
            results.append(doc)
            continue
        doc = next(annotated)
        try:
            if isinstance(doc, Exception):
                raise doc
            results.append(facts_from_doc(doc, document))
        except Exception as error:
            results.append(ExtractionError(f"{document.id}: extraction failed: {type(error).__name__}: {error}"))
    return results


def _annotate_alone(nlp, doc):
    try:
        return nlp(doc)
    except Exception as error:
        return error


def _worker_chunk(args: tuple[str, list[Document]]) -> list[DocumentFacts | ExtractionError]:
    model, documents = args
    return _extract_chunk(model, documents)


def _chunks(items: Iterable[Document | Exception], size: int) -> Iterator[list[Document | Exception]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _split(chunk: list[Document | Exception]) -> list[Document]:
    return [item for item in chunk if isinstance(item, Document)]


def _merge(chunk: list[Document | Exception], results: list) -> Iterator[DocumentFacts | Exception]:
    """Interleave the input errors of a chunk with its extraction results, in input order."""
    produced = iter(results)
    for item in chunk:
        yield next(produced) if isinstance(item, Document) else item


def extract_stream(
    items: Iterable[Document | Exception],
    model: str = DEFAULT_MODEL,
    jobs: int = 1,
) -> Iterator[DocumentFacts | Exception]:
    """Extract facts from documents in input order.

    ``items`` may mix documents and input errors (as :func:`aidtrace.documents.read_documents`
    yields them); errors pass through unchanged and a document that fails to extract becomes an
    :class:`ExtractionError`. ``jobs`` > 1 runs that many worker processes, each with its own copy
    of the pipeline (spaCy releases no GIL worth sharing, so processes are the unit of parallelism);
    0 means one per CPU, up to MAX_AUTO_JOBS.
    """
    jobs = max(1, jobs if jobs > 0 else min(MAX_AUTO_JOBS, os.cpu_count() or 1))
    load_pipeline(model)  # fail fast on an unknown model; forked workers inherit the loaded pipeline
    if jobs == 1:
        for chunk in _chunks(items, CHUNK_SIZE):
            yield from _merge(chunk, _extract_chunk(model, _split(chunk)))
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        chunks = _chunks(items, CHUNK_SIZE)
        # imap keeps order; the chunk list is kept alongside to re-insert input errors.
        pending: list[list[Document | Exception]] = []

        def feed() -> Iterator[tuple[str, list[Document]]]:
            for chunk in chunks:
                pending.append(chunk)
                yield model, _split(chunk)

        for results in pool.imap(_worker_chunk, feed()):
            chunk = pending.pop(0)
            yield from _merge(chunk, results)
