"""Endorsements: a named ally's stated support for a Ukrainian goal (FACTS.md, "endorsement").

A sentence gives an endorsement when it names a goal (data/endorsement_cues.tsv: "candidate
status", "sanctions", "territorial integrity" ...), a stance word (data/endorsement_verbs.txt:
"supports", "stressed the need", "sees Ukraine in ...", "signed a declaration"), and an ally who
takes that stance. Requests, hopes and topics merely discussed (data/request_words.txt) are not
stances. "The parties"/"we agreed" stand for the document's main partner, since the other party
is Ukraine itself. One endorsement per actor and subject per document, with every sentence as
evidence.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar


from .. import checks
from ..gazetteer import actor_name
from ..model import Evidence, Fact
from ..wordlists import table, words
from .common import NOT_ALLIES, actors_in, evidence_of, main_partner
from .kind import Column, FactKind, Listing

if TYPE_CHECKING:  # spaCy only for the annotations: importing a kind must not load spaCy
    from spacy.tokens import Doc, Span

ENDORSEMENT_SUBJECTS = (
    "nato_membership",
    "eu_membership",
    "sanctions",
    "territorial_integrity",
    "accountability",
    "peace_formula",
)


@dataclass
class Endorsement(Fact):
    """A named actor's stated political support for a Ukrainian goal (FACTS.md, "endorsement")."""

    kind: ClassVar[str] = "endorsements"
    actor: str
    subject: str  # one of ENDORSEMENT_SUBJECTS
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5

COLLECTIVE_SUBJECTS = re.compile(
    r"\b(the parties|the sides|both sides|the two leaders|the leaders agreed|the interlocutors agreed|"
    r"we agreed|we have agreed|the presidents agreed|together we)\b",
    re.IGNORECASE,
)
# The goal's own organisation is not its endorser: the "EU" of "EU membership" endorses nothing.
GOAL_ORGANISATIONS = frozenset({"EU", "NATO"})


@lru_cache(maxsize=1)
def _cue_pattern() -> re.Pattern[str]:
    cues = sorted(table("endorsement_cues.tsv"), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(c) for c in cues) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _blockers() -> frozenset[str]:
    # "I want to thank France ..." is thanks, not a request; "the need to introduce sanctions" is a stance.
    requests = words("request_words.txt") - {"need", "needs", "needed", "should", "must", "want", "wants"}
    return requests | words("endorsement_blockers.txt")


def _blocked(sent: Span) -> bool:
    blockers = _blockers()
    lowered = [t.lower_ for t in sent]
    if any(w in blockers for w in lowered):
        return True
    text = sent.text.lower()
    return "call on" in text or "calls on" in text or "called on" in text


def _stance(sent: Span) -> bool:
    stance = words("endorsement_verbs.txt")
    return any(t.lower_ in stance for t in sent) or "in favor of" in sent.text.lower()


def _actors(doc: Doc, sent: Span, cue_spans: list[tuple[int, int]]) -> list[str]:
    if COLLECTIVE_SUBJECTS.search(sent.text):
        partner = main_partner(doc)
        return [partner] if partner else []
    found = []
    for start, code in actors_in(doc, sent.start_char, sent.end_char):
        if code in NOT_ALLIES or code in found:
            continue
        if code in GOAL_ORGANISATIONS and any(s <= start < e for s, e in cue_spans):
            continue
        found.append(code)
    return found[:1]


def extract_endorsements(doc: Doc) -> list[Endorsement]:
    """Stated support of named allies for Ukraine's goals, found in an annotated Doc."""
    cues = table("endorsement_cues.tsv")
    by_key: dict[tuple[str, str], Endorsement] = {}
    for sent in doc.sents:
        matches = list(_cue_pattern().finditer(sent.text))
        if not matches or _blocked(sent) or not _stance(sent):
            continue
        subjects: dict[str, list[tuple[int, int]]] = {}
        for match in matches:
            span = (sent.start_char + match.start(), sent.start_char + match.end())
            for subject in cues[match.group(1).lower()].split(","):
                subjects.setdefault(subject.strip(), []).append(span)
        if "sanctions" in subjects and not any(t.lower_ in words("russia_words.txt") for t in sent):
            # Sanctions on a Serbian minister or a Cypriot company are not sanctions on Russia.
            del subjects["sanctions"]
        for subject, spans in subjects.items():
            for actor in _actors(doc, sent, [s for v in subjects.values() for s in v]):
                evidence = evidence_of(doc, sent.start_char, sent.end_char)
                key = (actor, subject)
                if key in by_key:
                    if evidence not in by_key[key].evidence:
                        by_key[key].evidence.append(evidence)
                else:
                    by_key[key] = Endorsement(actor=actor, subject=subject, evidence=[evidence], confidence=0.6)
    return list(by_key.values())


# --- the kind: storage, merging, review, listing and scoring of endorsements ----------------


class EndorsementKind(FactKind):
    """One endorsement per actor and subject, with first and last seen."""

    name = "endorsements"
    label = "Endorsements"
    fact_class = Endorsement
    columns = (
        Column("actor", "str", 16, required=True, index=True),
        Column("subject", "str", 32, required=True, index=True),
    )
    unique = ("actor", "subject")
    key_fields = ("actor", "subject")
    editable = {"actor": checks.actor(), "subject": checks.choice(ENDORSEMENT_SUBJECTS)}
    listing = Listing(
        date="first_seen",
        columns=("id", "first_seen", "last_seen", "actor", "subject", "mention_count", "confidence", "review_state"),
        sorts=("first_seen", "last_seen", "actor", "subject", "mention_count", "id"),
        text=("actor", "subject"),
        partner="actor",
        choices={"subject": ENDORSEMENT_SUBJECTS},
    )

    def extract(self, doc: Doc) -> list[Endorsement]:
        return extract_endorsements(doc)

    def describe(self, fact: Mapping[str, Any]) -> str:
        return f"{actor_name(fact.get('actor') or '')} supports {str(fact.get('subject') or '').replace('_', ' ')}"


KIND = EndorsementKind()
