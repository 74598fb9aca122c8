"""Events: forthcoming events a document names (FACTS.md, "event").

The extractor lands separately; this module already owns the kind: its dataclass, storage,
merging, review, listing and scoring.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from .. import checks
from ..gazetteer import actor_name
from ..model import Evidence, Fact
from ..text import content_words
from ..wordlists import words
from .kind import Column, FactKind, Listing, first_filled

if TYPE_CHECKING:  # spaCy only for the annotations: importing a kind must not load spaCy
    from spacy.tokens import Doc


@dataclass
class Event(Fact):
    """A forthcoming event: a summit, conference, council, vote or scheduled decision, a visit."""

    kind: ClassVar[str] = "events"
    name: str  # as written, without place and date: "NATO summit"
    organiser: str | None = None  # actor code; for a visit, the visitor's side
    place: str | None = None  # as written: "Vilnius"
    country: str | None = None  # ISO 3166-1 alpha-3 of the place
    date: str | None = None  # YYYY-MM-DD, YYYY-MM or YYYY, resolved against publication
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5


def extract_events(doc: Doc) -> list[Event]:
    """Forthcoming events named in an annotated Doc."""
    return []


# --- the kind: storage, merging, review, listing and scoring of events ----------------------


@lru_cache(maxsize=1)
def _generic_event_words() -> frozenset[str]:
    return words("event_generic_words.txt")


def name_words(name: str | None) -> set[str]:
    """The words that tell one event's name from another's: content words without the generic
    ones ("summit", "meeting", "visit"), which every event shares."""
    return content_words(name) - _generic_event_words()


def dates_agree(a: str | None, b: str | None) -> bool:
    """Two event dates agree when either is unknown or one is a prefix of the other ("2023-07"
    and "2023-07-11")."""
    return not a or not b or a.startswith(b) or b.startswith(a)


class EventKind(FactKind):
    """One event per organiser and name at compatible dates: "NATO summit" in July 2023 and "the
    Vilnius summit of NATO" on 11 July 2023 are one event."""

    name = "events"
    label = "Events"
    fact_class = Event
    columns = (
        Column("name", "str", 512, required=True),
        Column("organiser", "str", 16, index=True),
        Column("place", "str", 256),
        Column("country", "str", 3),
        Column("date", "str", 10, index=True, doc="YYYY-MM-DD, YYYY-MM or YYYY"),
    )
    clustered = True
    editable = {
        "name": checks.text(512, required=True), "organiser": checks.actor(required=False),
        "place": checks.text(256), "country": checks.actor(required=False), "date": checks.date,
    }
    listing = Listing(
        date="date",
        columns=("id", "date", "name", "organiser", "place", "country", "first_seen", "mention_count", "confidence",
                 "review_state"),
        sorts=("date", "name", "organiser", "country", "first_seen", "mention_count", "id"),
        text=("name", "place"),
        partner="organiser",
    )
    scored_fields = ("organiser", "country", "date")

    def extract(self, doc: Doc) -> list[Event]:
        return extract_events(doc)

    def merge_key(self, fields: Mapping[str, Any], seen: str | None) -> str:
        return str(fields.get("organiser") or "")

    def rank(self, fact: Any, fields: Mapping[str, Any], seen: str | None) -> tuple | None:
        if not dates_agree(fields.get("date"), fact.date):
            return None
        mine, theirs = name_words(fields.get("name")), name_words(fact.name)
        if mine & theirs:
            return (len(mine & theirs) / len(mine | theirs),)
        if not mine and not theirs and content_words(fields.get("name")) == content_words(fact.name):
            return (0.0,)  # names made only of generic words ("the summit"): the same wording
        return None

    def fold(self, fact: Any, fields: Mapping[str, Any], seen: str | None, fresh: bool) -> None:
        if fresh:
            super().fold(fact, fields, seen, fresh)
            return
        for name in ("place", "country"):
            setattr(fact, name, first_filled(getattr(fact, name), fields.get(name)))
        date = fields.get("date")
        if date and len(date) > len(fact.date or ""):  # the most precise of the agreeing dates
            fact.date = date

    def describe(self, fact: Mapping[str, Any]) -> str:
        bits = [str(fact.get("name") or "event")]
        if fact.get("place"):
            bits.append(f"in {fact['place']}")
        if fact.get("date"):
            bits.append(f"on {fact['date']}")
        if fact.get("organiser"):
            bits.append(f"({actor_name(fact['organiser'])})")
        return " ".join(bits)

    def pair(self, gold: Mapping[str, Any], pred: Mapping[str, Any]) -> float | None:
        """Names sharing a content word and dates that do not disagree; more shared words rank higher."""
        shared = content_words(gold.get("name")) & content_words(pred.get("name"))
        if not shared or not dates_agree(gold.get("date"), pred.get("date")):
            return None
        return len(shared) + 0.1


KIND = EventKind()
