"""Merged facts out of the registry, with their sources: JSONL, CSV, and counts for ``stats``."""
from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..facts import FACT_KINDS, KINDS
from ..spreadsheet import csv_cell
from . import merge
from .schema import FACT_TABLES, Document, Mention

BOOKKEEPING = ("id", "review_state", "first_seen", "last_seen", "mention_count", "confidence")


def fact_sources(session: Session, kind: str, fact_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each fact's sources: one entry per mention with its document and evidence, oldest first."""
    sources: dict[int, list[dict[str, Any]]] = {fact_id: [] for fact_id in fact_ids}
    if not fact_ids:
        return sources
    rows = session.execute(
        select(Mention, Document.doc_id, Document.url, Document.title, Document.published)
        .join(Document, Document.id == Mention.document_id)
        .where(Mention.kind == kind, Mention.fact_id.in_(fact_ids))
        .order_by(Mention.id)
    ).all()
    for mention, doc_id, url, title, published in rows:
        sources[mention.fact_id].append(
            {
                "doc_id": doc_id,
                "url": url,
                "title": title,
                "published": published,
                "evidence": mention.evidence,
                "confidence": mention.confidence,
            }
        )
    return sources


def export_rows(session: Session, kind: str, include_rejected: bool = False, batch: int = 500) -> Iterator[dict[str, Any]]:
    """Merged facts of ``kind`` in id order, each with ``sources``; rejected facts only on request."""
    if kind not in FACT_TABLES:
        raise ValueError(f"unknown fact kind {kind!r} (one of {', '.join(FACT_KINDS)})")
    table = FACT_TABLES[kind]
    query = select(table).order_by(table.id)
    if not include_rejected:
        query = query.where(table.review_state != "rejected")
    last = 0
    while True:  # keyset pages keep memory flat on large registries
        facts = session.scalars(query.where(table.id > last).limit(batch)).all()
        if not facts:
            return
        sources = fact_sources(session, kind, [fact.id for fact in facts])
        for fact in facts:
            row = {name: getattr(fact, name) for name in BOOKKEEPING}
            row.update(merge.fact_values(kind, fact))
            row["sources"] = sources[fact.id]
            yield row
        last = facts[-1].id


def write_jsonl(rows: Iterator[dict[str, Any]], out: IO[str]) -> int:
    """One JSON object per fact; returns the number written."""
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(kind: str, rows: Iterator[dict[str, Any]], out: IO[str]) -> int:
    """A CSV table of facts; sources are flattened into ``source_*`` columns joined by " | ".
    Every cell is formula-safe (:func:`aidtrace.spreadsheet.csv_cell`): document text is hostile."""
    columns = list(BOOKKEEPING) + list(KINDS[kind].field_names) + list(KINDS[kind].derived_names)
    columns += ["source_doc_ids", "source_urls", "source_published", "evidence"]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        sources = row.pop("sources")
        row["source_doc_ids"] = " | ".join(str(s["doc_id"]) for s in sources)
        row["source_urls"] = " | ".join(s["url"] or "" for s in sources)
        row["source_published"] = " | ".join(s["published"] or "" for s in sources)
        row["evidence"] = " | ".join(" ".join(e["text"].split()) for s in sources for e in s["evidence"][:1])
        writer.writerow([csv_cell(row.get(name)) for name in columns])
        count += 1
    return count


def stats(session: Session) -> dict[str, Any]:
    """Counts for ``aidtrace stats``: documents, mentions and merged facts per kind and review state."""
    result: dict[str, Any] = {"documents": session.scalar(select(func.count()).select_from(Document)) or 0}
    mention_counts = dict(session.execute(select(Mention.kind, func.count()).group_by(Mention.kind)).all())
    result["mentions"] = {kind: mention_counts.get(kind, 0) for kind in FACT_KINDS}
    result["facts"] = {}
    result["review"] = {}
    for kind in FACT_KINDS:
        table = FACT_TABLES[kind]
        states = dict(session.execute(select(table.review_state, func.count()).group_by(table.review_state)).all())
        result["facts"][kind] = sum(count for state, count in states.items() if state != "rejected")
        result["review"][kind] = states
    return result


def format_stats(data: dict[str, Any]) -> str:
    """The stats as a small text table."""
    lines = [f"documents  {data['documents']}", f"{'kind':<13}{'mentions':>9}{'facts':>8}  review"]
    for kind in FACT_KINDS:
        review = ", ".join(f"{state} {count}" for state, count in sorted(data["review"][kind].items()))
        lines.append(f"{kind:<13}{data['mentions'][kind]:>9}{data['facts'][kind]:>8}  {review}")
    lines.append(f"{'total':<13}{sum(data['mentions'].values()):>9}{sum(data['facts'].values()):>8}")
    return "\n".join(lines)
