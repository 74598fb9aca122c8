"""Storing documents and merging their extracted facts into one fact per real-world event.

Every extracted fact becomes a :class:`~aidtrace.storage.schema.Mention` linked to one merged
fact of its kind. How mentions merge is the kind's own rule (``aidtrace.facts.<kind>.KIND``):

- a **keyed** kind (quotes, endorsements, patronages) is one fact per merge key, and its fold
  is commutative, so a new mention is folded into the fact of its key;
- a **clustered** kind (meetings, commitments) is re-clustered within the merge key's bucket
  whenever the bucket gains or loses mentions: every mention of the bucket, in *canonical
  order* (the day it reports, its document's publication day and content hash, its position),
  joins the best-ranked fact so far or starts one. The merged facts are therefore a function
  of the mentions alone, whatever order the documents were ingested in.

Reviewed facts (accepted, corrected, rejected) are pinned: their fields never change, their
mentions stay theirs, and a new mention that fits one joins it (a rejected fact stays hidden).
Machine facts are reused where they keep most of their mentions, so ids stay stable.
"""
from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, or_, select
from sqlalchemy.orm import Session

from .. import __version__
from ..facts import KINDS, DocumentFacts, FactKind
from ..model import Document
from . import search  # noqa: F401  (its session hooks keep the full-text index in step with every commit)
from .schema import FACT_TABLES, Document as DocumentRow, FactMixin, Mention, utcnow

EXTRACTOR_VERSION = f"aidtrace-{__version__}"
ID_MAX = 512  # lengths of documents.doc_id / source and documents.url in the schema
URL_MAX = 2048
MACHINE = "machine"


# ---------------------------------------------------------------------------- normalisation


def normalise_text(text: str) -> str:
    """The text as hashed for idempotence: Unicode NFC, whitespace runs collapsed, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def content_hash(text: str) -> str:
    """sha256 (hex) of :func:`normalise_text` — two documents with this equal are the same document."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def fact_values(kind: str, row: FactMixin) -> dict[str, Any]:
    """The fields and derived fields of a merged fact (what review compares and export writes)."""
    return KINDS[kind].values(row)


# ---------------------------------------------------------------------------- one mention


@dataclass
class _Item:
    """A mention on its way into a fact: stored already (``row``) or new (``fact`` and ``position``)."""

    fields: dict[str, Any]
    seen: str | None
    order: tuple  # canonical order
    confidence: float
    row: Mention | None = None
    fact_id: int | None = None  # the fact a stored mention belongs to now
    evidence: list[dict[str, Any]] = field(default_factory=list)
    position: int = 0
    document_id: int | None = None
    extractor_version: str = EXTRACTOR_VERSION


def _canonical(seen: str | None, published: str | None, text_hash: str, position: int) -> tuple:
    return (seen or "9999", published or "9999", text_hash, position)


class _Draft:
    """A fact being built from mentions in memory: the kind's columns plus bookkeeping."""

    def __init__(self, kind: FactKind) -> None:
        for name in kind.field_names + kind.derived_names:
            setattr(self, name, None)
        self.first_seen: str | None = None
        self.last_seen: str | None = None
        self.items: list[_Item] = []
        self.row: FactMixin | None = None  # the stored fact it is written to


def _see(fact: Any, seen: str | None) -> None:
    """Widen a fact's first/last seen by one report."""
    if seen is None:
        return
    fact.first_seen = seen if fact.first_seen is None else min(fact.first_seen, seen)
    fact.last_seen = seen if fact.last_seen is None else max(fact.last_seen, seen)


def _bookkeeping(row: FactMixin, items: list[_Item]) -> None:
    seen = [item.seen for item in items if item.seen]
    row.first_seen, row.last_seen = (min(seen), max(seen)) if seen else (None, None)
    row.mention_count = len(items)
    row.confidence = max((item.confidence for item in items), default=0.0)


# ---------------------------------------------------------------------------- statements

# Built once per kind, not per mention: building and caching a statement costs about as much
# as running it, and storing a document runs several per kind.


@lru_cache(maxsize=None)
def _facts_of_key(kind: str) -> Select:
    """A kind's facts with the merge key bound as ``key``, oldest first."""
    table = FACT_TABLES[kind]
    return select(table).where(table.merge_key == bindparam("key")).order_by(table.id)


@lru_cache(maxsize=None)
def _mentions_of_facts(kind: str) -> Select:
    """A kind's mentions of the facts bound as ``ids``, with their document's day and hash."""
    return (select(Mention, DocumentRow.published, DocumentRow.content_hash)
            .join(DocumentRow, DocumentRow.id == Mention.document_id)
            .where(Mention.kind == kind, Mention.fact_id.in_(bindparam("ids", expanding=True))))


# ---------------------------------------------------------------------------- keyed kinds


def _fold_keyed(session: Session, kind: FactKind, item: _Item) -> tuple[FactMixin, bool]:
    """Fold a mention into the fact of its key (created when there is none)."""
    table = FACT_TABLES[kind.name]
    key = kind.merge_key(item.fields, item.seen)
    row = session.scalars(_facts_of_key(kind.name), {"key": key}).first()
    fresh = row is None
    if row is None:
        row = table(review_state=MACHINE, merge_key=key, mention_count=0, confidence=0.0)
        session.add(row)
    if row.review_state == MACHINE:
        kind.fold(row, item.fields, item.seen, fresh)
    _see(row, item.seen)
    row.mention_count = (row.mention_count or 0) + 1
    row.confidence = max(row.confidence or 0.0, item.confidence)
    return row, fresh


def _refold_keyed(session: Session, kind: FactKind, row: FactMixin) -> bool:
    """Rebuild a keyed fact from its remaining mentions; False when it was deleted (a machine
    fact left with none)."""
    items = _stored_items(session, kind, [row.id])
    if not items and row.review_state == MACHINE:
        session.delete(row)
        return False
    items.sort(key=lambda item: item.order)
    if row.review_state == MACHINE:
        kind.clear_derived(row)
        for index, item in enumerate(items):
            kind.fold(row, item.fields, item.seen, fresh=index == 0)
    _bookkeeping(row, items)
    return True


# ---------------------------------------------------------------------------- clustered kinds


def _stored_items(session: Session, kind: FactKind, fact_ids: list[int]) -> list[_Item]:
    """The stored mentions of some facts of a kind, as items."""
    if not fact_ids:
        return []
    rows = session.execute(_mentions_of_facts(kind.name), {"ids": list(fact_ids)}).all()
    items = []
    for mention, published, text_hash in rows:
        seen = kind.seen(mention.fields, published)
        items.append(_Item(mention.fields, seen, _canonical(seen, published, text_hash, mention.position),
                           mention.confidence, row=mention, fact_id=mention.fact_id))
    return items


def _recluster(session: Session, kind: FactKind, key: str, new: list[_Item]) -> int:
    """Cluster every mention of one bucket again (with ``new`` ones) and write the facts back;
    returns how many facts were created."""
    table = FACT_TABLES[kind.name]
    rows = session.scalars(_facts_of_key(kind.name), {"key": key}).all()
    pinned = [row for row in rows if row.review_state != MACHINE]
    machine = [row for row in rows if row.review_state == MACHINE]
    stored = _stored_items(session, kind, [row.id for row in rows])
    pinned_ids = {row.id for row in pinned}
    kept = defaultdict(list)  # a pinned fact's own mentions stay its own
    free: list[_Item] = []
    for item in stored:
        (kept[item.fact_id] if item.fact_id in pinned_ids else free).append(item)
    free.extend(new)
    free.sort(key=lambda item: item.order)

    joined: dict[int, list[_Item]] = defaultdict(list)  # pinned fact id -> mentions that joined it
    drafts: list[_Draft] = []
    for item in free:
        best_rank, best = None, None
        for candidate in [*pinned, *drafts]:  # pinned first; ties keep the earlier candidate
            rank = kind.rank(candidate, item.fields, item.seen)
            if rank is not None and (best_rank is None or rank > best_rank):
                best_rank, best = rank, candidate
        if best is None:
            best = _Draft(kind)
            drafts.append(best)
            kind.fold(best, item.fields, item.seen, fresh=True)
        elif isinstance(best, _Draft):
            kind.fold(best, item.fields, item.seen, fresh=False)
        else:
            joined[best.id].append(item)
            continue
        _see(best, item.seen)
        best.items.append(item)

    # Reuse the machine row that keeps most of a draft's mentions (then the oldest row).
    pairs = []
    for index, draft in enumerate(drafts):
        counts = defaultdict(int)
        for item in draft.items:
            if item.fact_id is not None:
                counts[item.fact_id] += 1
        pairs.extend((-count, fact_id, index) for fact_id, count in counts.items())
    machine_by_id = {row.id: row for row in machine}
    assigned: dict[int, FactMixin] = {}
    used: set[int] = set()
    for _, fact_id, index in sorted(pairs):
        if index not in assigned and fact_id not in used and fact_id in machine_by_id:
            assigned[index] = machine_by_id[fact_id]
            used.add(fact_id)
    created = 0
    for index, draft in enumerate(drafts):
        row = assigned.get(index)
        if row is None:
            row = table(review_state=MACHINE, merge_key=key)
            session.add(row)
            created += 1
        for name in kind.field_names + kind.derived_names:
            value = getattr(draft, name)
            if getattr(row, name) != value:
                setattr(row, name, list(value) if isinstance(value, list) else value)
        row.merge_key = key
        _bookkeeping(row, draft.items)
        draft.row = row
    for row in machine:
        if row.id not in used:
            session.delete(row)
    session.flush()  # new facts need their ids before their mentions point at them
    for draft in drafts:
        _point(session, kind, draft.items, draft.row.id)
    for row in pinned:
        _point(session, kind, joined[row.id], row.id)
        _bookkeeping(row, kept[row.id] + joined[row.id])
    return created


def _point(session: Session, kind: FactKind, items: Iterable[_Item], fact_id: int) -> None:
    """Attach mentions to a fact: stored ones move, new ones are written."""
    for item in items:
        if item.row is not None:
            if item.row.fact_id != fact_id:
                item.row.fact_id = fact_id
        else:
            session.add(_mention_row(kind, item, fact_id))


def _mention_row(kind: FactKind, item: _Item, fact_id: int) -> Mention:
    evidence = item.evidence
    return Mention(
        document_id=item.document_id, kind=kind.name, fact_id=fact_id, position=item.position,
        fields=item.fields, evidence=evidence,
        evidence_start=evidence[0]["start"] if evidence else None,
        evidence_end=evidence[0]["end"] if evidence else None,
        confidence=item.confidence, extractor_version=item.extractor_version,
    )


def recompute(session: Session, kind: str, row: FactMixin) -> bool:
    """Rebuild a fact from its mentions (after a reset or after some were removed).

    A keyed fact is folded again from its mentions; a clustered fact's bucket is clustered
    again. Returns False when the fact is gone (a machine fact without mentions, or one whose
    mentions now belong to other facts).
    """
    fact_kind = KINDS[kind]
    if not fact_kind.clustered:
        return _refold_keyed(session, fact_kind, row)
    fact_id = row.id
    buckets = {row.merge_key}
    buckets.update(fact_kind.merge_key(item.fields, item.seen) for item in _stored_items(session, fact_kind, [fact_id]))
    for key in sorted(buckets):
        _recluster(session, fact_kind, key, [])
    session.flush()
    return session.get(FACT_TABLES[kind], fact_id) is not None


# ---------------------------------------------------------------------------- documents


@dataclass
class StoreResult:
    """What storing one document did."""

    document_id: int
    added: bool  # False: the same url or text was already stored, nothing was written
    mentions: int = 0
    new_facts: int = 0


REGISTRY_LOCK = 0x41494454  # "AIDT": the PostgreSQL advisory lock key of merging


def lock_registry(session: Session) -> None:
    """Serialise merging between concurrent writers for the rest of this transaction.

    Merging reads candidate facts and then writes; two ingests doing that at once on
    PostgreSQL (read committed) could both create the same fact. A transaction-scoped advisory
    lock makes them take turns per document. SQLite needs nothing: it has a single writer, and
    a writer whose snapshot went stale gets SQLITE_BUSY and retries the document.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(REGISTRY_LOCK)))


# Built once: the duplicate check runs twice per ingested document (before extraction and in
# its storing transaction), and a statement built per call costs twice the query itself.
_STORED_DOCUMENT = (select(DocumentRow.id)
                    .where(or_(DocumentRow.content_hash == bindparam("text_hash"), DocumentRow.url == bindparam("url")))
                    .order_by(DocumentRow.id).limit(1))


def stored_document_id(session: Session, url: str | None, text_hash: str) -> int | None:
    """The id of the stored document with this url or this content hash, if any."""
    return session.scalar(_STORED_DOCUMENT, {"text_hash": text_hash, "url": url or None})  # url = NULL matches nothing


def attach_facts(session: Session, row: DocumentRow, facts: DocumentFacts, extractor_version: str = EXTRACTOR_VERSION,
                 also: dict[str, set[str]] | None = None) -> tuple[int, int]:
    """Store every fact of a document as a mention and merge it; returns (mentions, new facts).

    ``also`` names more buckets per clustered kind to cluster again (those that lost mentions).
    """
    mentions = new_facts = 0
    for name, kind in KINDS.items():
        buckets: dict[str, list[_Item]] = {key: [] for key in (also or {}).get(name, ())}
        for position, fact in enumerate(getattr(facts, name)):
            fields = kind.mention_fields(fact)
            seen = kind.seen(fields, row.published)
            evidence = [{"start": e.start, "end": e.end, "text": e.text} for e in fact.evidence]  # type: ignore[attr-defined]
            item = _Item(fields, seen, _canonical(seen, row.published, row.content_hash, position),
                         float(fact.confidence), evidence=evidence, position=position,  # type: ignore[attr-defined]
                         document_id=row.id, extractor_version=extractor_version)
            mentions += 1
            if kind.clustered:
                buckets.setdefault(kind.merge_key(fields, seen), []).append(item)
                continue
            target, fresh = _fold_keyed(session, kind, item)
            new_facts += fresh
            session.flush()  # the fact needs its id before the mention points at it
            session.add(_mention_row(kind, item, target.id))
        for key in sorted(buckets):
            new_facts += _recluster(session, kind, key, buckets[key])
    row.extractor_version = extractor_version
    row.extracted_at = utcnow()
    session.flush()
    return mentions, new_facts


def store_document(
    session: Session,
    document: Document,
    facts: DocumentFacts | None,
    fetched_at: Any = None,
    extractor_version: str = EXTRACTOR_VERSION,
) -> StoreResult:
    """Store a document and merge its facts, unless the same url or text is already stored.

    Runs inside the caller's transaction: commit once per document so that a killed run
    leaves whole documents only.
    """
    lock_registry(session)
    text_hash = content_hash(document.text)
    existing = stored_document_id(session, document.url, text_hash)
    if existing is not None:
        return StoreResult(existing, added=False)
    url = document.url or None
    if url and len(url) > URL_MAX:
        url = None  # longer than any real article URL; the content hash still deduplicates it
    row = DocumentRow(
        doc_id=document.id[:ID_MAX],
        url=url,
        title=document.title,
        published=(document.published or None) and document.published[:10],
        source=document.source[:ID_MAX] if document.source else None,
        text=document.text,
        content_hash=text_hash,
        fetched_at=fetched_at or utcnow(),
    )
    session.add(row)
    session.flush()
    mentions = new_facts = 0
    if facts is not None:
        mentions, new_facts = attach_facts(session, row, facts, extractor_version)
    return StoreResult(row.id, added=True, mentions=mentions, new_facts=new_facts)


def replace_facts(
    session: Session, row: DocumentRow, facts: DocumentFacts, extractor_version: str = EXTRACTOR_VERSION
) -> StoreResult:
    """Re-extraction: replace a stored document's mentions with new ones and merge them again.

    Keyed facts that lose mentions are folded again from the rest (machine facts without any
    left are deleted); the buckets of clustered facts that lose mentions are clustered again
    together with the new mentions. Reviewed facts keep their fields and a rejected one stays
    rejected, so a fact found again merges into it and stays hidden.
    """
    lock_registry(session)
    affected = session.execute(
        select(Mention.kind, Mention.fact_id).where(Mention.document_id == row.id).distinct()
    ).all()
    session.execute(delete(Mention).where(Mention.document_id == row.id))
    session.flush()
    also: dict[str, set[str]] = defaultdict(set)
    for kind_name, fact_id in sorted(affected):
        fact = session.get(FACT_TABLES[kind_name], fact_id)
        if fact is None:
            continue
        if KINDS[kind_name].clustered:
            also[kind_name].add(fact.merge_key)
        else:
            _refold_keyed(session, KINDS[kind_name], fact)
    session.flush()
    mentions, new_facts = attach_facts(session, row, facts, extractor_version, also)
    return StoreResult(row.id, added=False, mentions=mentions, new_facts=new_facts)


def stored_document_model(row: DocumentRow) -> Document:
    """A stored document as the extraction model's Document (for re-extraction)."""
    return Document(id=row.doc_id, text=row.text, title=row.title, url=row.url, published=row.published, source=row.source)


__all__ = ["EXTRACTOR_VERSION", "StoreResult", "attach_facts", "content_hash", "fact_values",
           "lock_registry", "normalise_text", "recompute", "replace_facts", "store_document",
           "stored_document_id", "stored_document_model"]
