"""Patronages: an ally that takes on the reconstruction of a particular Ukrainian region or city
(FACTS.md, "patronage"), whether announced, proposed to a named partner, or under way.

A sentence gives a patronage when it speaks of patronage or reconstruction
(data/patronage_cues.txt), names an ally (not Ukraine or Russia) and names a Ukrainian region or
settlement: "Denmark ... will be involved in the restoration of the city of Mykolaiv" → DNK, UA-48.
An offer to unnamed partners, or to rebuild "regions" without naming one, gives nothing.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar


from .. import checks
from ..gazetteer import actor_name, region_name
from ..model import Evidence, Fact
from ..wordlists import words
from .common import allies_in, evidence_of
from .kind import Column, FactKind, Listing

if TYPE_CHECKING:  # spaCy only for the annotations: importing a kind must not load spaCy
    from spacy.tokens import Doc


@dataclass
class Patronage(Fact):
    """An ally that takes on the reconstruction of a Ukrainian region (FACTS.md, "patronage")."""

    kind: ClassVar[str] = "patronages"
    patron: str
    region: str
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5


def extract_patronages(doc: Doc) -> list[Patronage]:
    """Ally → Ukrainian region patronages found in an annotated Doc."""
    cues = words("patronage_cues.txt")
    by_key: dict[tuple[str, str], Patronage] = {}
    for sent in doc.sents:
        if not any(t.lower_ in cues for t in sent):
            continue
        places = [p for p in doc._.places or () if p.start >= sent.start_char and p.end <= sent.end_char]
        if not places:
            continue
        patrons = allies_in(doc, sent.start_char, sent.end_char)
        for patron in patrons[:1]:
            for place in places:
                key = (patron, place.region)
                evidence = evidence_of(doc, sent.start_char, sent.end_char)
                if key in by_key:
                    if evidence not in by_key[key].evidence:
                        by_key[key].evidence.append(evidence)
                else:
                    by_key[key] = Patronage(patron=patron, region=place.region, evidence=[evidence], confidence=0.6)
    return list(by_key.values())


# --- the kind: storage, merging, review, listing and scoring of patronages ------------------


class PatronageKind(FactKind):
    """One patronage per patron and region."""

    name = "patronages"
    label = "Patronages"
    fact_class = Patronage
    columns = (
        Column("patron", "str", 16, required=True, index=True),
        Column("region", "str", 8, required=True, index=True),
    )
    unique = ("patron", "region")
    key_fields = ("patron", "region")
    editable = {"patron": checks.actor(), "region": checks.region(required=True)}
    listing = Listing(
        date="first_seen",
        columns=("id", "first_seen", "last_seen", "patron", "region", "mention_count", "confidence", "review_state"),
        sorts=("first_seen", "patron", "region", "mention_count", "id"),
        text=("patron", "region"),
        partner="patron", region="region",
    )

    def extract(self, doc: Doc) -> list[Patronage]:
        return extract_patronages(doc)

    def describe(self, fact: Mapping[str, Any]) -> str:
        return f"{actor_name(fact.get('patron') or '')} patron of {region_name(fact.get('region') or '')}"


KIND = PatronageKind()
