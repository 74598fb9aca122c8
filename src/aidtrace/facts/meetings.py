"""Meetings: reported interactions between named people (FACTS.md, "meeting").

1. *Trigger* sentences speak of a meeting, talks, a visit or a call that happened
   (data/meeting_cues.txt); future or planned ones ("will meet", "upcoming") are skipped.
2. Triggers that share a participant, or that name fewer than two people ("During the meeting,
   ..."), belong to the same meeting.
3. Everyone named in a trigger takes part; so do the people listed as attending ("The event was
   attended by ...") and, for a meeting that is an event of its own ("a meeting of the Council",
   "held a meeting", a video conference), the people who speak at it.
4. Mode, place, region, country and date come from the trigger sentences; a press release that
   gives no other date dates the meeting on its publication day.
5. ``actors`` lists the actor each participant speaks for (``Person.actor``), once each.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar


from .. import checks
from ..mentions import Person, doc_text
from ..model import Evidence, Fact
from ..text import surname_key
from ..wordlists import words
from .common import evidence_of, person_mentions_in
from .kind import Column, FactKind, Listing, first_filled, union

if TYPE_CHECKING:  # spaCy only for the annotations: importing a kind must not load spaCy
    from spacy.tokens import Doc, Span

MEETING_MODES = ("in_person", "phone", "video")
# The topic codes of FACTS.md: what a meeting was about.
MEETING_TOPICS = (
    "defence", "sanctions", "finance", "trade", "reconstruction", "energy", "nuclear_safety", "humanitarian",
    "eu_integration", "nato", "security_guarantees", "cybersecurity", "food_security", "accountability", "peace",
    "prisoners",
)


@dataclass
class Meeting(Fact):
    """A reported interaction between named people (FACTS.md, "meeting")."""

    kind: ClassVar[str] = "meetings"
    participants: list[str]
    mode: str  # one of MEETING_MODES
    place: str | None = None
    region: str | None = None  # ISO 3166-2:UA
    country: str | None = None  # ISO 3166-1 alpha-3
    date: str | None = None  # YYYY-MM-DD or YYYY-MM
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5
    # Beyond FACTS.md (the scorer ignores it): the distinct actor codes the participants speak
    # for, in participant order ("UKR", "EST"); a participant whose actor is unknown adds none.
    actors: list[str] = field(default_factory=list)
    # What the document says was discussed at this meeting: codes of MEETING_TOPICS.
    topics: list[str] = field(default_factory=list)

FUTURE = re.compile(r"\b(will|would|shall|upcoming|next|planned|plans? to|scheduled|to be held|is to)\b", re.I)
VIDEO = re.compile(r"\b(video|videoconference|online|video link|via video|virtual)\b", re.I)
PHONE = re.compile(r"\b(phone|telephone|call|conversation|spoke by phone|phoned)\b", re.I)
EVENT = re.compile(
    r"\b(meeting of|held a meeting|held meeting|took part in|session of|conference|congress|council|summit)\b", re.I
)
ATTENDED = re.compile(r"\b(attended|took part|participated|participate|joined by|invited to)\b", re.I)
VAGUE_TIME = re.compile(r"\b(recent|recently|earlier|previous|last year|in the past)\b", re.I)
VISIT_UKRAINE = re.compile(r"\b(visit to (ukraine|our country|kyiv)|in ukraine|visiting ukraine|to our country)\b", re.I)
PLACE_PREPOSITIONS = ("in", "to", "at", "visited")


@dataclass
class _Draft:
    people: list[Person] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    event: bool = False

    def add(self, people: list[Person]) -> None:
        for person in people:
            if all(person is not known for known in self.people):
                self.people.append(person)


def _planned(sent: Span, cue: re.Pattern[str]) -> bool:
    """A meeting only planned ("will meet", "the upcoming talks", "a meeting would be held"):
    the future word must stand close to the cue, not anywhere in a long sentence."""
    for match in cue.finditer(sent.text):
        window = sent.text[max(0, match.start() - 40): match.end() + 25]
        if not FUTURE.search(window):
            return False
    return True


@lru_cache(maxsize=1)
def _cue_pattern() -> re.Pattern[str]:
    cues = sorted(words("meeting_cues.txt"), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(c) for c in cues) + r")\b", re.I)


def _named_people(doc: Doc, sent: Span) -> list[Person]:
    people: list[Person] = []
    for mention in person_mentions_in(doc, sent.start_char, sent.end_char):
        if mention.how != "pronoun" and all(mention.person is not p for p in people):
            people.append(mention.person)
    return people


def _speakers(doc: Doc, sentences: list[Span]) -> list[Person]:
    """People who say something in the given sentences ("Kälin said that ...")."""
    speech = words("speech_verbs.txt")
    people: list[Person] = []
    for sent in sentences:
        for mention in person_mentions_in(doc, sent.start_char, sent.end_char):
            if mention.how == "pronoun":
                continue
            tokens = [t for t in sent if t.idx >= mention.end][:4]
            before = sent.text[: mention.start - sent.start_char].lower()
            if any(t.lower_ in speech for t in tokens) or before.rstrip().endswith("according to"):
                if all(mention.person is not p for p in people):
                    people.append(mention.person)
    return people


def _place(doc: Doc, sentences: list[Span]) -> tuple[str | None, str | None, str | None]:
    """(place as written, region, country) of where the meeting happened."""
    for sent in sentences:
        for place in doc._.places or ():
            if sent.start_char <= place.start < sent.end_char:
                before = doc_text(doc)[max(sent.start_char, place.start - 12): place.start].lower().split()
                if before and before[-1] in PLACE_PREPOSITIONS + ("of",) and not (before[-1] == "of" and "city" not in before):
                    return place.text, place.region, "UKR"
                if before and before[-1] in PLACE_PREPOSITIONS:
                    return place.text, place.region, "UKR"
        for actor in doc._.actors or ():
            if sent.start_char <= actor.start < sent.end_char and actor.how in ("capital", "name") and actor.code != "UKR":
                before = doc_text(doc)[max(sent.start_char, actor.start - 4): actor.start].lower().split()
                if before and before[-1] == "in":
                    return actor.text, None, actor.code
    for sent in sentences:
        if VISIT_UKRAINE.search(sent.text):
            return None, None, "UKR"
    return None, None, None


def _date(doc: Doc, sentences: list[Span]) -> str | None:
    for sent in sentences:
        if VAGUE_TIME.search(sent.text):
            return None
        for mention in doc._.dates or ():
            if sent.start_char <= mention.start < sent.end_char and len(mention.value) == 10:
                return mention.value
    return doc._.published


def _mode(sentences: list[Span]) -> str:
    """The mode the meeting's first report states; later sentences may be about something else."""
    text = sentences[0].text
    if VIDEO.search(text):
        return "video"
    if PHONE.search(text) and not re.search(r"\bmet\b|\bvisit", text, re.I):
        return "phone"
    return "in_person"


def participant_actors(people: list[Person]) -> list[str]:
    """The distinct actor codes the participants speak for, in participant order."""
    actors: list[str] = []
    for person in people:
        if person.actor and person.actor not in actors:
            actors.append(person.actor)
    return actors


def extract_meetings(doc: Doc) -> list[Meeting]:
    """Meetings between named people found in an annotated Doc."""
    cue = _cue_pattern()
    drafts: list[_Draft] = []
    sentences = list(doc.sents)
    for index, sent in enumerate(sentences):
        if not cue.search(sent.text):
            if drafts and ATTENDED.search(sent.text):
                drafts[-1].add(_named_people(doc, sent))
            continue
        if _planned(sent, cue):
            continue
        people = _named_people(doc, sent)
        event = bool(EVENT.search(sent.text))
        target = next((d for d in drafts if {id(p) for p in d.people} & {id(p) for p in people}), None)
        if target is None and len(people) < 2 and drafts:
            target = drafts[-1]
        if target is None:
            if len(people) < 2 and not event:
                continue
            target = _Draft()
            drafts.append(target)
        target.add(people)
        target.sentences.append(sent)
        target.event = target.event or event
        if target.event:
            target.add(_speakers(doc, sentences[index + 1:]))
    meetings = []
    for draft in drafts:
        if len(draft.people) < 2:
            continue
        mode = _mode(draft.sentences)
        place, region, country = (None, None, None) if mode == "phone" else _place(doc, draft.sentences)
        meetings.append(Meeting(
            participants=[p.name for p in draft.people],
            mode=mode,
            place=place,
            region=region,
            country=country,
            date=_date(doc, draft.sentences),
            evidence=[evidence_of(doc, s.start_char, s.end_char) for s in draft.sentences],
            confidence=0.6,
            actors=participant_actors(draft.people),
        ))
    return meetings


# --- the kind: storage, merging, review, listing and scoring of meetings --------------------

MIN_JACCARD = 0.5  # FACTS.md matches meetings whose participants' surnames overlap this much


def surnames(participants: list[str] | None) -> set[str]:
    return {key for key in (surname_key(name) for name in participants or []) if key}


def jaccard(a: set[str], b: set[str]) -> float:
    union_ = a | b
    return len(a & b) / len(union_) if union_ else 0.0


class MeetingKind(FactKind):
    """One meeting per set of participants and day: mentions on the same day whose participants'
    surnames overlap by Jaccard >= 0.5 are one meeting (FACTS.md's own matching rule)."""

    name = "meetings"
    label = "Meetings"
    fact_class = Meeting
    columns = (
        Column("participants", "json", required=True, doc="person names, union over mentions"),
        Column("mode", "str", 16),
        Column("place", "str", 256),
        Column("region", "str", 8, index=True),
        Column("country", "str", 3),
        Column("date", "str", 10, index=True),
        Column("actors", "json", doc="the actor codes the participants speak for, union over mentions (0003)"),
        Column("topics", "json", doc="topic codes discussed at the meeting, union over mentions (0004)"),
    )
    # (region, date): the web's meetings list filtered by region walks it in date order.
    indexes = (("region", "date"),)
    clustered = True
    editable = {
        "participants": checks.people(2), "mode": checks.choice(MEETING_MODES, required=False),
        "place": checks.text(256), "region": checks.region(), "country": checks.actor(required=False),
        "date": checks.date, "actors": checks.people(0), "topics": checks.codes(MEETING_TOPICS),
    }
    listing = Listing(
        date="date",
        columns=("id", "date", "participants", "mode", "place", "region", "country", "topics", "mention_count",
                 "confidence", "review_state"),
        sorts=("date", "mode", "place", "region", "country", "mention_count", "id"),
        text=("participants", "place"),
        partner="actors", partner_list=True, person="participants", person_list=True, region="region",
        choices={"mode": MEETING_MODES, "topic": MEETING_TOPICS},
    )
    scored_fields = ("mode", "country", "region", "date")
    scored_sets = ("topics",)

    def extract(self, doc: Doc) -> list[Meeting]:
        return extract_meetings(doc)

    def seen(self, fields: Mapping[str, Any], published: str | None) -> str | None:
        """A meeting is reported for its own day when it has one, else its document's."""
        date = fields.get("date")
        return str(date) if date and len(str(date)) == 10 else published

    def merge_key(self, fields: Mapping[str, Any], seen: str | None) -> str:
        return str(fields.get("date") or seen or "")

    def rank(self, fact: Any, fields: Mapping[str, Any], seen: str | None) -> tuple | None:
        score = jaccard(surnames(fields.get("participants")), surnames(fact.participants))
        return (score,) if score >= MIN_JACCARD else None

    def fold(self, fact: Any, fields: Mapping[str, Any], seen: str | None, fresh: bool) -> None:
        if fresh:
            super().fold(fact, fields, seen, fresh)
            fact.actors = union([], fields.get("actors"))
            fact.topics = union([], fields.get("topics"))
            return
        known = surnames(fact.participants)
        merged = list(fact.participants or [])
        for person in fields.get("participants") or []:
            key = surname_key(person)
            if key and key not in known:
                known.add(key)
                merged.append(person)
        fact.participants = merged
        for name in ("mode", "place", "region", "country", "date"):
            setattr(fact, name, first_filled(getattr(fact, name), fields.get(name)))
        fact.actors = union(fact.actors, fields.get("actors"))
        fact.topics = union(fact.topics, fields.get("topics"))

    def describe(self, fact: Mapping[str, Any]) -> str:
        people = fact.get("participants") or []
        return f"{' + '.join(people)} ({fact.get('mode') or 'meeting'})"

    def pair(self, gold: Mapping[str, Any], pred: Mapping[str, Any]) -> float | None:
        """Jaccard overlap of the participants' surnames, when at least 0.5."""
        gold_names, pred_names = surnames(gold.get("participants")), surnames(pred.get("participants"))
        if not gold_names or not pred_names:
            return None
        score = jaccard(gold_names, pred_names)
        return score if score >= MIN_JACCARD else None


KIND = MeetingKind()
