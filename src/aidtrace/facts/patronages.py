"""Patronages: an ally that takes on the reconstruction of a particular Ukrainian region or city
(FACTS.md, "patronage"), whether announced, proposed to a named partner, or under way.

A sentence gives a patronage when it speaks of patronage or reconstruction
(data/patronage_cues.txt), names an ally (not Ukraine or Russia) and names a Ukrainian region or
settlement: "Denmark ... will be involved in the restoration of the city of Mykolaiv" → DNK, UA-48.
An offer to unnamed partners, or to rebuild "regions" without naming one, gives nothing.
"""
from __future__ import annotations

from spacy.tokens import Doc

from ..model import Patronage
from ..wordlists import words
from .common import allies_in, evidence_of


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
