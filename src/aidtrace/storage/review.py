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

from ..checks import InvalidValue
from ..facts import FACT_KINDS, KINDS
from . import merge
from .schema import FACT_TABLES, FactMixin, Mention, Review


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


def check_values(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The values of a correction, checked and typed by the kind's own checks (the command line
    and the web share them); ReviewError names the first field that is wrong."""
    if kind not in KINDS:
        raise ReviewError(f"unknown fact kind {kind!r} (one of {', '.join(FACT_KINDS)})")
    editable = KINDS[kind].editable
    unknown = sorted(set(values) - set(editable))
    if unknown:
        raise ReviewError(f"cannot correct {', '.join(unknown)} of {kind}; editable: {', '.join(editable)}")
    checked = {}
    for name, value in values.items():
        try:
            checked[name] = editable[name](value)
        except InvalidValue as error:
            raise ReviewError(f"{kind}.{name} {error}") from None
    return checked


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


def correct(
    session: Session,
    kind: str,
    fact_id: int,
    changes: dict[str, Any],
    reviewer: str | None = None,
    note: str | None = None,
) -> Review:
    """Change some fields of a fact; the fact becomes ``corrected`` and keeps these values.

    ``changes`` are raw values (text from the command line or a form, or JSON values): each is
    checked by :func:`check_values`. Values equal to the current ones are no change.
    """
    if not changes:
        raise ReviewError("nothing to correct: give FIELD=VALUE pairs")
    fact = get_fact(session, kind, fact_id)
    fact_kind = KINDS[kind]
    checked = check_values(kind, changes)
    changes = {name: value for name, value in checked.items() if getattr(fact, name) != value}
    if not changes:
        raise ReviewError("the correction changes nothing")
    old = {name: getattr(fact, name) for name in changes}
    proposed = {**fact_kind.values(fact), **changes}
    new_key = fact_kind.merge_key(proposed, fact.first_seen)
    if fact_kind.unique:
        # One fact per unique key (actor and subject, patron and region): no twin may appear.
        table = FACT_TABLES[kind]
        with session.no_autoflush:
            clash = session.scalars(select(table.id).where(
                *(getattr(table, name) == proposed[name] for name in fact_kind.unique), table.id != fact.id)).first()
        if clash is not None:
            raise ReviewError(f"{kind} fact {clash} already has these values: review that one instead")
    for name, value in changes.items():
        setattr(fact, name, value)
    fact.merge_key = new_key
    mentions = [fields for (fields,) in session.execute(
        select(Mention.fields).where(Mention.kind == kind, Mention.fact_id == fact.id).order_by(Mention.id))]
    fact_kind.after_correction(fact, changes, mentions)
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


def most_mentioned(session: Session, kind: str, state: str | None = None, limit: int = 50) -> list[FactMixin]:
    """Merged facts of a kind, most mentioned first (then oldest), optionally in one review state."""
    table = FACT_TABLES[kind]
    query = select(table).order_by(table.mention_count.desc(), table.id).limit(limit)
    if state:
        query = query.where(table.review_state == state)
    return list(session.scalars(query))


def history(session: Session, kind: str, fact_id: int) -> list[Review]:
    """Every review of a fact, oldest first."""
    return list(
        session.scalars(select(Review).where(Review.kind == kind, Review.fact_id == fact_id).order_by(Review.id))
    )
