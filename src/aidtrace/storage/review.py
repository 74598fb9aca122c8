"""Human review of merged facts: accept, reject, correct, reset — with an append-only history.

Every action writes a :class:`~aidtrace.storage.schema.Review` row with who, when, the old
and new review state and the old and new values of the fields it changed. A reviewed fact's
fields are never changed by a later ingest or re-extraction (see :mod:`.merge`); ``reset``
hands a fact back to the machine, which folds its fields again from its mentions.
"""
from __future__ import annotations

import getpass
import os
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..gazetteer import leader
from ..model import COMMITMENT_CATEGORIES, COMMITMENT_STATUSES, ENDORSEMENT_SUBJECTS, FACT_KINDS, MEETING_MODES
from . import merge
from .schema import FACT_TABLES, FactMixin, Review

# Fields with a closed vocabulary (FACTS.md): a correction must use one of these values.
VOCABULARIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("commitments", "category"): COMMITMENT_CATEGORIES,
    ("commitments", "status"): COMMITMENT_STATUSES,
    ("endorsements", "subject"): ENDORSEMENT_SUBJECTS,
    ("meetings", "mode"): MEETING_MODES,
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "commitments": ("donor", "category", "item", "status", "recipient"),
    "endorsements": ("actor", "subject"),
    "patronages": ("patron", "region"),
    "quotes": ("text",),
    "meetings": ("participants",),
}


class ReviewError(ValueError):
    """A review action that cannot be done; str() is one line saying why."""


def default_reviewer() -> str:
    """Who is reviewing when no name is given: $AIDTRACE_REVIEWER, else the login name."""
    try:
        return os.environ.get("AIDTRACE_REVIEWER") or getpass.getuser()
    except Exception:  # noqa: BLE001 (no login name in some containers)
        return "unknown"


def get_fact(session: Session, kind: str, fact_id: int) -> FactMixin:
    """The merged fact ``fact_id`` of ``kind``, or ReviewError."""
    if kind not in FACT_TABLES:
        raise ReviewError(f"unknown fact kind {kind!r} (one of {', '.join(FACT_KINDS)})")
    fact = session.get(FACT_TABLES[kind], fact_id)
    if fact is None:
        raise ReviewError(f"no {kind} fact with id {fact_id}")
    return fact


def parse_value(kind: str, name: str, text: str | None) -> Any:
    """A field value typed from the command line: ints, floats, lists (comma-separated), null."""
    if text is None or text.strip().lower() in ("", "null", "none"):
        return None
    text = text.strip()
    if name == "quantity":
        try:
            return int(text)
        except ValueError as error:
            raise ReviewError(f"{kind}.{name} must be a whole number, not {text!r}") from error
    if name == "amount":
        try:
            return float(text)
        except ValueError as error:
            raise ReviewError(f"{kind}.{name} must be a number, not {text!r}") from error
    if name == "participants":
        return [part.strip() for part in text.split(",") if part.strip()]
    if name in ("currency", "donor", "recipient", "actor", "patron", "country"):
        return text.upper() if len(text) <= 4 else text
    return text


def _validate(kind: str, changes: dict[str, Any]) -> None:
    allowed = merge.FACT_FIELDS[kind]
    for name, value in changes.items():
        if name not in allowed:
            raise ReviewError(f"{kind} have no field {name!r} (fields: {', '.join(allowed)})")
        vocabulary = VOCABULARIES.get((kind, name))
        if vocabulary and value not in vocabulary:
            raise ReviewError(f"{kind}.{name} must be one of {', '.join(vocabulary)}, not {value!r}")
        if value in (None, "", []) and name in REQUIRED[kind]:
            raise ReviewError(f"{kind}.{name} cannot be empty")
    if kind == "meetings" and "participants" in changes and len(changes["participants"]) < 2:
        raise ReviewError("a meeting needs at least two participants")


def _record(
    session: Session,
    kind: str,
    fact: FactMixin,
    action: str,
    new_state: str,
    reviewer: str | None,
    note: str | None,
    old_values: dict[str, Any] | None = None,
    new_values: dict[str, Any] | None = None,
) -> Review:
    review = Review(
        kind=kind,
        fact_id=fact.id,
        action=action,
        reviewer=reviewer or default_reviewer(),
        old_state=fact.review_state,
        new_state=new_state,
        old_values=old_values,
        new_values=new_values,
        note=note,
    )
    fact.review_state = new_state
    session.add(review)
    session.flush()
    return review


def accept(session: Session, kind: str, fact_id: int, reviewer: str | None = None, note: str | None = None) -> Review:
    """Confirm a fact as extracted (or as corrected): it is frozen against re-extraction."""
    fact = get_fact(session, kind, fact_id)
    return _record(session, kind, fact, "accept", "accepted", reviewer, note)


def reject(session: Session, kind: str, fact_id: int, reviewer: str | None = None, note: str | None = None) -> Review:
    """Reject a fact: hidden from exports and counts, and it stays rejected when re-found."""
    fact = get_fact(session, kind, fact_id)
    return _record(session, kind, fact, "reject", "rejected", reviewer, note)


def leader_actor(name: str | None) -> str | None:
    """The actor a person speaks for according to the gazetteer's leaders list, or None."""
    found = leader(name) if name else None
    return found[0] if found else None


def correct(
    session: Session,
    kind: str,
    fact_id: int,
    changes: dict[str, Any],
    reviewer: str | None = None,
    note: str | None = None,
) -> Review:
    """Change some fields of a fact; the fact becomes ``corrected`` and keeps these values."""
    if not changes:
        raise ReviewError("nothing to correct: give FIELD=VALUE pairs")
    fact = get_fact(session, kind, fact_id)
    _validate(kind, changes)
    old = {name: getattr(fact, name) for name in changes}
    proposed = {**merge.fact_values(kind, fact), **changes}
    new_key = merge.merge_key(kind, proposed, fact.first_seen)
    if kind in ("endorsements", "patronages"):
        # One fact per (actor, subject) / (patron, region): a correction may not create a twin.
        table = FACT_TABLES[kind]
        with session.no_autoflush:
            clash = session.scalars(select(table.id).where(table.merge_key == new_key, table.id != fact.id)).first()
        if clash is not None:
            raise ReviewError(f"{kind} fact {clash} already has these values: review that one instead")
    for name, value in changes.items():
        setattr(fact, name, value)
    fact.merge_key = new_key
    if kind == "quotes" and "speaker" in changes:
        # The actor was the machine's reading of the old speaker; the new one's is looked up.
        fact.speaker_actor = leader_actor(changes["speaker"])  # type: ignore[attr-defined]
    if kind == "meetings" and "participants" in changes:
        actors = [leader_actor(name) for name in changes["participants"] or []]
        fact.actors = list(dict.fromkeys(a for a in actors if a))  # type: ignore[attr-defined]
    if kind == "commitments" and {"amount", "currency"} & set(changes):
        announced = fact.pledged_date or fact.delivered_date or fact.first_seen  # type: ignore[attr-defined]
        merge._set_money(fact, announced)  # type: ignore[arg-type]  # noqa: SLF001 (same package)
    return _record(session, kind, fact, "correct", "corrected", reviewer, note, old, dict(changes))


def reset(session: Session, kind: str, fact_id: int, reviewer: str | None = None, note: str | None = None) -> Review:
    """Hand a fact back to the machine: its fields are folded again from its mentions."""
    fact = get_fact(session, kind, fact_id)
    old = merge.fact_values(kind, fact)
    review = _record(session, kind, fact, "reset", "machine", reviewer, note)
    if merge.recompute(session, kind, fact):
        new = merge.fact_values(kind, fact)
        changed = {name for name in old if old[name] != new[name]}
        review.old_values = {name: old[name] for name in sorted(changed)}
        review.new_values = {name: new[name] for name in sorted(changed)}
    session.flush()
    return review


def history(session: Session, kind: str, fact_id: int) -> list[Review]:
    """Every review of a fact, oldest first."""
    return list(
        session.scalars(select(Review).where(Review.kind == kind, Review.fact_id == fact_id).order_by(Review.id))
    )
