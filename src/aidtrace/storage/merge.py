"""Storing documents and merging their extracted facts into one fact per real-world event.

Every extracted fact becomes a :class:`~aidtrace.storage.schema.Mention` linked to one merged
fact of its kind:

- a **commitment** joins an existing one with the same donor and category whose item shares a
  content word, whose quantity, amount and region are compatible, and whose announcement dates
  (publication days of the reporting documents) are within :data:`COMMITMENT_WINDOW_DAYS`; a
  delivery report joins the earlier pledge of the same thing up to
  :data:`DELIVERY_WINDOW_DAYS` later, so the fact shows both ``pledged_date`` and ``delivered_date``;
- a **meeting** joins one on the same day whose participants' surname sets overlap by
  Jaccard >= 0.5 (one meeting per set of participants and day);
- a **quote** joins one with the same speaker surname and the same wording;
- a quote's ``speaker_actor`` is the first one a mention knows, a meeting's ``actors`` the union
  of its mentions' in order;
- an **endorsement** is one per actor and subject, a **patronage** one per patron and region.

A machine fact's fields are a deterministic fold of its mentions in insertion order, so the
incremental update at ingest and the full recomputation after a re-extraction agree. Reviewed
facts (accepted, corrected, rejected) keep their fields whatever the extractor says; a mention
that merges into a rejected fact stays attached to it, hidden.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from .. import __version__
from ..model import FACT_KINDS, Document, DocumentFacts, Fact
from ..text import fold, surname_key
from . import money
from .schema import FACT_TABLES, CommitmentFact, Document as DocumentRow, FactMixin, Mention, utcnow

EXTRACTOR_VERSION = f"aidtrace-{__version__}"
COMMITMENT_WINDOW_DAYS = 30
DELIVERY_WINDOW_DAYS = 365
MEETING_MIN_JACCARD = 0.5
AMOUNT_TOLERANCE = 0.01  # FACTS.md compares amounts within 1 %
REVIEWED_STATES = ("accepted", "corrected", "rejected")
ID_MAX = 512  # lengths of documents.doc_id / source and documents.url in the schema
URL_MAX = 2048
_DATA = Path(__file__).with_name("data")

# The fields of each kind that a fact row carries (the rest of the row is bookkeeping).
FACT_FIELDS: dict[str, tuple[str, ...]] = {
    "meetings": ("participants", "mode", "place", "region", "country", "date"),
    "quotes": ("speaker", "text"),
    "commitments": ("donor", "recipient", "category", "item", "status", "quantity", "amount", "currency", "region"),
    "endorsements": ("actor", "subject"),
    "patronages": ("patron", "region"),
}
# Fields computed rather than reviewed: shown and exported with the fact, never corrected by hand.
# Quotes and meetings carry the actors their people speak for, folded from the mentions.
DERIVED_FIELDS: dict[str, tuple[str, ...]] = {
    "commitments": ("pledged_date", "delivered_date", "amount_eur", "amount_usd", "eur_rate", "usd_rate", "rate_date"),
    "meetings": ("actors",),
    "quotes": ("speaker_actor",),
}


# ---------------------------------------------------------------------------- normalisation


def normalise_text(text: str) -> str:
    """The text as hashed for idempotence: Unicode NFC, whitespace runs collapsed, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def content_hash(text: str) -> str:
    """sha256 (hex) of :func:`normalise_text` — two documents with this equal are the same document."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _item_stopwords() -> frozenset[str]:
    lines = (_DATA / "item_stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def item_words(item: str) -> frozenset[str]:
    """Content words of a commitment item: lower-cased, stop words dropped, plural "s" stripped."""
    stop = _item_stopwords()
    words = set()
    for word in re.findall(r"[a-z0-9]+", fold(item)):
        if word in stop or (len(word) == 1 and not word.isdigit()):  # the "s" of "Ukraine's"
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return frozenset(words)


def quote_key(speaker: str | None, text: str) -> str:
    """Merge key of a quote: speaker surname and a hash of its lower-cased words."""
    words = " ".join(re.findall(r"\w+", fold(text)))
    return f"{surname_key(speaker or '')}|{hashlib.sha1(words.encode('utf-8')).hexdigest()}"


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10] if len(value) >= 10 else value + "-01")
    except ValueError:
        return None


def _days_apart(a: str | None, b: str | None) -> int | None:
    first, second = _day(a), _day(b)
    if first is None or second is None:
        return None
    return abs((first - second).days)


def _min(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else max(a, b)


# ---------------------------------------------------------------------------- merge keys and matching


def mention_fields(fact: Fact) -> dict[str, Any]:
    """A fact's fields as stored on its mention: everything but evidence and confidence."""
    data = fact.to_dict()
    data.pop("evidence", None)
    data.pop("confidence", None)
    return data


def merge_key(kind: str, fields: dict[str, Any], seen: str | None) -> str:
    """The indexed key under which candidates for merging are looked up."""
    if kind == "commitments":
        return f"{fields.get('donor')}|{fields.get('category')}"
    if kind == "meetings":
        return str(fields.get("date") or seen or "")
    if kind == "quotes":
        return quote_key(fields.get("speaker"), fields.get("text") or "")
    if kind == "endorsements":
        return f"{fields.get('actor')}|{fields.get('subject')}"
    if kind == "patronages":
        return f"{fields.get('patron')}|{fields.get('region')}"
    raise ValueError(f"unknown fact kind {kind!r}")


def _surnames(participants: Iterable[str] | None) -> set[str]:
    return {key for key in (surname_key(name) for name in participants or []) if key}


def _jaccard(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def _amounts_compatible(row: CommitmentFact, fields: dict[str, Any], seen: str | None) -> bool:
    amount = fields.get("amount")
    if amount is None or row.amount is None:
        return True
    currency = (fields.get("currency") or "").upper()
    if currency == (row.currency or "").upper():
        return abs(amount - row.amount) <= AMOUNT_TOLERANCE * max(abs(amount), abs(row.amount))
    # Different currencies: compare in EUR, with a wider margin for rate differences between days.
    mine = money.convert(amount, currency, seen).amount_eur
    if mine is None or row.amount_eur is None:
        return False
    return abs(mine - row.amount_eur) <= 0.05 * max(abs(mine), abs(row.amount_eur))


def _commitment_score(row: CommitmentFact, fields: dict[str, Any], seen: str | None) -> tuple | None:
    """How well a commitment mention fits a commitment fact (higher is better), None if it does not."""
    mine, theirs = item_words(fields.get("item") or ""), item_words(row.item or "")
    if mine or theirs:
        overlap = _jaccard(mine, theirs)
        if not mine & theirs:
            return None
    else:  # items made only of generic words ("aid"): the same wording is required
        if fold(fields.get("item") or "").strip() != fold(row.item or "").strip():
            return None
        overlap = 1.0
    quantity = fields.get("quantity")
    if quantity is not None and row.quantity is not None and quantity != row.quantity:
        return None
    region = fields.get("region")
    if region and row.region and region != row.region:
        return None
    if not _amounts_compatible(row, fields, seen):
        return None
    gap_first, gap_last = _days_apart(seen, row.first_seen), _days_apart(seen, row.last_seen)
    gap = min(g for g in (gap_first, gap_last) if g is not None) if gap_first is not None else None
    if gap is not None and gap > COMMITMENT_WINDOW_DAYS:
        # A later delivery of an earlier pledge: same thing (same quantity or amount, or the same
        # item words), reported delivered after the pledge, within the delivery window.
        pledged = row.pledged_date
        same_thing = (
            (quantity is not None and quantity == row.quantity)
            or (fields.get("amount") is not None and row.amount is not None)
            or (mine and mine == theirs)
        )
        late = _days_apart(seen, pledged)
        if not (
            fields.get("status") == "delivered"
            and row.delivered_date is None
            and pledged is not None
            and (seen or "") >= pledged
            and late is not None
            and late <= DELIVERY_WINDOW_DAYS
            and same_thing
        ):
            return None
    return (overlap, -(gap or 0))


def find_match(session: Session, kind: str, fields: dict[str, Any], seen: str | None) -> FactMixin | None:
    """The merged fact a new mention belongs to, or None when it is a new fact."""
    table = FACT_TABLES[kind]
    key = merge_key(kind, fields, seen)
    query = select(table).where(table.merge_key == key).order_by(table.id)
    day = _day(seen)
    if kind == "commitments" and day is not None:
        # Facts last reported before the longest window cannot match: don't load them.
        horizon = (day - dt.timedelta(days=DELIVERY_WINDOW_DAYS)).isoformat()
        query = query.where(or_(table.last_seen.is_(None), table.last_seen >= horizon))
    candidates = session.scalars(query).all()
    if not candidates:
        return None
    if kind in ("endorsements", "patronages", "quotes"):
        return candidates[0]
    best: tuple | None = None
    chosen = None
    for row in candidates:
        if kind == "meetings":
            score = _jaccard(_surnames(fields.get("participants")), _surnames(row.participants))  # type: ignore[attr-defined]
            if score < MEETING_MIN_JACCARD:
                continue
            rank: tuple = (score,)
        else:
            maybe = _commitment_score(row, fields, seen)  # type: ignore[arg-type]
            if maybe is None:
                continue
            rank = maybe
        if best is None or rank > best:  # ties keep the oldest fact: deterministic
            best, chosen = rank, row
    return chosen


# ---------------------------------------------------------------------------- folding mentions into facts


def _first(value: Any, new: Any) -> Any:
    return new if value in (None, "", []) else value


def _union(known: list[Any] | None, new: Iterable[Any] | None) -> list[Any]:
    """``known`` then the items of ``new`` it lacks, in order (a new list: JSON columns are
    only written back when the attribute is assigned a different object)."""
    merged = list(known or [])
    for item in new or ():
        if item and item not in merged:
            merged.append(item)
    return merged


def _apply_fields(kind: str, row: FactMixin, fields: dict[str, Any], seen: str | None, fresh: bool) -> None:
    """Fold one mention's fields into a machine fact's fields."""
    if fresh:
        for name in FACT_FIELDS[kind]:
            value = fields.get(name)
            if name == "participants":
                value = list(value or [])
            setattr(row, name, value)
        if kind == "meetings":
            row.actors = _union([], fields.get("actors"))  # type: ignore[attr-defined]
        elif kind == "quotes":
            row.speaker_actor = fields.get("speaker_actor") or None  # type: ignore[attr-defined]
    else:
        if kind == "meetings":
            known = _surnames(row.participants)  # type: ignore[attr-defined]
            merged = list(row.participants or [])  # type: ignore[attr-defined]
            for name in fields.get("participants") or []:
                key = surname_key(name)
                if key and key not in known:
                    known.add(key)
                    merged.append(name)
            row.participants = merged  # type: ignore[attr-defined]
            for name in ("mode", "place", "region", "country", "date"):
                setattr(row, name, _first(getattr(row, name), fields.get(name)))
            row.actors = _union(row.actors, fields.get("actors"))  # type: ignore[attr-defined]
        elif kind == "quotes":
            row.speaker = _first(row.speaker, fields.get("speaker"))  # type: ignore[attr-defined]
            row.speaker_actor = _first(row.speaker_actor, fields.get("speaker_actor"))  # type: ignore[attr-defined]
        elif kind == "commitments":
            for name in ("quantity", "region"):
                setattr(row, name, _first(getattr(row, name), fields.get(name)))
            if fields.get("status") == "delivered":
                row.status = "delivered"  # type: ignore[attr-defined]
            if row.amount is None and fields.get("amount") is not None:  # type: ignore[attr-defined]
                row.amount, row.currency = fields.get("amount"), fields.get("currency")  # type: ignore[attr-defined]
    if kind == "commitments":
        status = fields.get("status")
        if status == "pledged":
            row.pledged_date = _min(row.pledged_date, seen)  # type: ignore[attr-defined]
        elif status == "delivered":
            row.delivered_date = _min(row.delivered_date, seen)  # type: ignore[attr-defined]
        if row.amount is not None and row.amount_eur is None and fields.get("amount") is not None:  # type: ignore[attr-defined]
            _set_money(row, seen)  # type: ignore[arg-type]


def _set_money(row: CommitmentFact, announced: str | None) -> None:
    conversion = money.convert(row.amount, row.currency, announced)
    row.amount_eur, row.amount_usd = conversion.amount_eur, conversion.amount_usd
    row.eur_rate, row.usd_rate, row.rate_date = conversion.eur_rate, conversion.usd_rate, conversion.rate_date


def _apply_bookkeeping(row: FactMixin, seen: str | None, confidence: float, fresh: bool) -> None:
    if fresh:
        row.first_seen, row.last_seen, row.mention_count, row.confidence = seen, seen, 1, confidence
    else:
        row.first_seen, row.last_seen = _min(row.first_seen, seen), _max(row.last_seen, seen)
        row.mention_count = (row.mention_count or 0) + 1
        row.confidence = max(row.confidence or 0.0, confidence)


def fact_values(kind: str, row: FactMixin) -> dict[str, Any]:
    """The fields of a merged fact (what review compares and export writes)."""
    names = FACT_FIELDS[kind] + DERIVED_FIELDS.get(kind, ())
    return {name: getattr(row, name) for name in names}


def recompute(session: Session, kind: str, row: FactMixin) -> bool:
    """Rebuild a fact from its remaining mentions (after some were removed).

    A machine fact's fields are folded again from its mentions in insertion order; a reviewed
    fact keeps its fields and only its bookkeeping (first/last seen, count, confidence) changes.
    Returns False when the fact was deleted: a machine fact left without mentions.
    """
    mentions = session.execute(
        select(Mention, DocumentRow.published)
        .join(DocumentRow, DocumentRow.id == Mention.document_id)
        .where(Mention.kind == kind, Mention.fact_id == row.id)
        .order_by(Mention.id)
    ).all()
    machine = row.review_state == "machine"
    if not mentions:
        if machine:
            session.delete(row)
            return False
        row.mention_count, row.first_seen, row.last_seen, row.confidence = 0, None, None, 0.0
        return True
    if machine and kind == "commitments":
        for name in DERIVED_FIELDS["commitments"]:
            setattr(row, name, None)
    for index, (mention, published) in enumerate(mentions):
        seen = _seen(kind, mention.fields, published)
        if machine:
            _apply_fields(kind, row, mention.fields, seen, fresh=index == 0)
        _apply_bookkeeping(row, seen, mention.confidence, fresh=index == 0)
    if machine:
        row.merge_key = merge_key(kind, fact_values(kind, row), row.first_seen)
    return True


def _seen(kind: str, fields: dict[str, Any], published: str | None) -> str | None:
    """The day a mention reports its fact: a meeting's own date, else the publication day."""
    if kind == "meetings" and fields.get("date") and len(str(fields["date"])) == 10:
        return str(fields["date"])
    return published


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


def find_document(session: Session, url: str | None, text_hash: str) -> DocumentRow | None:
    """The stored document with this url or this content hash, if any."""
    condition = DocumentRow.content_hash == text_hash
    if url:
        condition = or_(condition, DocumentRow.url == url)
    return session.scalars(select(DocumentRow).where(condition).order_by(DocumentRow.id).limit(1)).first()


def attach_facts(session: Session, row: DocumentRow, facts: DocumentFacts, extractor_version: str = EXTRACTOR_VERSION) -> tuple[int, int]:
    """Store every fact of a document as a mention and merge it; returns (mentions, new facts)."""
    published = row.published
    mentions = new_facts = 0
    for kind in FACT_KINDS:
        table = FACT_TABLES[kind]
        for position, fact in enumerate(getattr(facts, kind)):
            fields = mention_fields(fact)
            seen = _seen(kind, fields, published)
            target = find_match(session, kind, fields, seen)
            fresh = target is None
            if target is None:
                target = table(review_state="machine", merge_key=merge_key(kind, fields, seen))
                session.add(target)
                new_facts += 1
            if target.review_state == "machine":
                _apply_fields(kind, target, fields, seen, fresh)
            _apply_bookkeeping(target, seen, float(fact.confidence), fresh)
            session.flush()  # the fact needs its id before the mention points at it
            evidence = [{"start": e.start, "end": e.end, "text": e.text} for e in fact.evidence]  # type: ignore[attr-defined]
            session.add(
                Mention(
                    document_id=row.id,
                    kind=kind,
                    fact_id=target.id,
                    position=position,
                    fields=fields,
                    evidence=evidence,
                    evidence_start=evidence[0]["start"] if evidence else None,
                    evidence_end=evidence[0]["end"] if evidence else None,
                    confidence=float(fact.confidence),  # type: ignore[attr-defined]
                    extractor_version=extractor_version,
                )
            )
            mentions += 1
    row.extractor_version = extractor_version
    row.extracted_at = utcnow()
    session.flush()
    return mentions, new_facts


def store_document(
    session: Session,
    document: Document,
    facts: DocumentFacts | None,
    fetched_at: dt.datetime | None = None,
    extractor_version: str = EXTRACTOR_VERSION,
) -> StoreResult:
    """Store a document and merge its facts, unless the same url or text is already stored.

    Runs inside the caller's transaction: commit once per document so that a killed run
    leaves whole documents only.
    """
    lock_registry(session)
    text_hash = content_hash(document.text)
    existing = find_document(session, document.url, text_hash)
    if existing is not None:
        return StoreResult(existing.id, added=False)
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

    Facts that lose mentions are recomputed from the rest (machine facts without any left are
    deleted); reviewed facts keep their fields and a rejected one stays rejected, so a fact
    found again merges into it and stays hidden.
    """
    lock_registry(session)
    affected = session.execute(
        select(Mention.kind, Mention.fact_id).where(Mention.document_id == row.id).distinct()
    ).all()
    session.execute(delete(Mention).where(Mention.document_id == row.id))
    session.flush()
    for kind, fact_id in sorted(affected):
        fact = session.get(FACT_TABLES[kind], fact_id)
        if fact is not None:
            recompute(session, kind, fact)
    session.flush()
    mentions, new_facts = attach_facts(session, row, facts, extractor_version)
    return StoreResult(row.id, added=False, mentions=mentions, new_facts=new_facts)


def stored_document_model(row: DocumentRow) -> Document:
    """A stored document as the extraction model's Document (for re-extraction)."""
    return Document(id=row.doc_id, text=row.text, title=row.title, url=row.url, published=row.published, source=row.source)
