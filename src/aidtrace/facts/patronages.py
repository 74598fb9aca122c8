"""Patronages: an ally that takes on the reconstruction of a particular Ukrainian region or city
(FACTS.md, "patronage"), whether announced, proposed to a named partner, or under way.

A reconstruction word (data/patronage_cues.txt) gives a patronage when a named Ukrainian region
or settlement is its object ("the restoration of the city of Mykolaiv") and an ally holds it:
the first actor met up the dependency path as subject, agent or owner ("Denmark will be involved
in the restoration of ...", "the readiness of the Danish side to play a role in the
reconstruction of Mykolaiv", "the patronage over Kyiv undertaken by Great Britain"). Ukraine or
Russia met first, an unnamed holder ("any country", "a university"), or a blocker on the path
(an open invitation, a possibility, a topic discussed, negation: data/patronage_blockers.txt)
gives nothing; so do a town merely visited or aid merely reaching a region, which are no object
of a reconstruction word.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar


from .. import checks
from ..gazetteer import actor_name, region_name
from ..model import Evidence, Fact
from ..text import word_forms
from ..wordlists import table, words
from .common import NOT_ALLIES, actors_in, evidence_of
from .kind import Column, FactKind, Listing

if TYPE_CHECKING:  # spaCy only for the annotations: importing a kind must not load spaCy
    from spacy.tokens import Doc, Token

    from ..mentions import PlaceMention

# How a region is the object of a reconstruction word: "restoration of the city of Mykolaiv",
# "rebuilding the infrastructure of Ovruch", "patronage over Kyiv and the Kyiv region".
OBJECT_DEPS = frozenset({"pobj", "prep", "dobj", "compound", "appos", "conj", "nmod", "poss", "amod", "cc"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
OWNER_PREPOSITIONS = frozenset({"of", "by"})
# Clauses inside a patron's phrase are about someone else.
CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis"})


@dataclass
class Patronage(Fact):
    """An ally that takes on the reconstruction of a Ukrainian region (FACTS.md, "patronage")."""

    kind: ClassVar[str] = "patronages"
    patron: str
    region: str
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5


def _is_cue(token: Token) -> bool:
    return bool(word_forms(token.lower_) & words("patronage_cues.txt"))


def _proposal(token: Token) -> bool:
    return bool(word_forms(token.lower_) & words("patronage_proposals.txt"))


def _blocked(token: Token) -> bool:
    blockers = words("patronage_blockers.txt")
    if word_forms(token.lower_) & blockers:
        return True
    return any(c.dep_ == "neg" or (c.dep_ in ("aux", "mark") and c.lower_ in blockers) for c in token.children)


def _object_of(place: Token, cue: Token) -> bool:
    """Whether a place is the object of a reconstruction word: reached from the word down
    prepositions, objects and conjoined names only, and not through a conjunct of the word
    itself ("the restoration of borders and the reclamation of Crimea")."""
    token = place
    while token.i != cue.i:
        if token.dep_ not in OBJECT_DEPS or token.head.i == token.i:
            return False
        if token.head.i == cue.i and token.dep_ == "conj":
            return False
        token = token.head
    return True


def _phrase(token: Token) -> list[Token]:
    out = [token]
    for child in token.children:
        if child.dep_ not in CLAUSE_DEPS:
            out.extend(_phrase(child))
    return out


def _named(doc: Doc, token: Token) -> list[str]:
    tokens = _phrase(token)
    return list(dict.fromkeys(code for _, code in actors_in(
        doc, min(t.idx for t in tokens), max(t.idx + len(t.text) for t in tokens))))


def _holders_at(token: Token, came_from: Token | None) -> list[Token]:
    """Phrases that may hold a path word: its subject, the agent of it or of a participle on it
    ("the patronage ... undertaken by Great Britain"), its owner ("the readiness of the Danish
    side"), and its object or addressee when it is thanks."""
    thanks = any(table("endorsement_roles.tsv").get(f) == "thanks" for f in word_forms(token.lower_))
    found: list[Token] = []
    if _proposal(token):
        found.extend(c for c in token.children if c.dep_ in ("dobj", "dative"))
    for child in token.children:
        if came_from is not None and child.i == came_from.i:
            continue
        if _proposal(token) and child.dep_ in ("dobj", "dative"):
            continue
        if child.dep_ in SUBJECT_DEPS or child.dep_ == "poss" or (thanks and child.dep_ == "dobj"):
            found.append(child)
        elif child.dep_ == "agent" or (child.dep_ == "prep" and (
                (child.lower_ in OWNER_PREPOSITIONS and token.pos_ in ("NOUN", "PROPN"))
                or (thanks and child.lower_ == "to"))):
            found.extend(c for c in child.children if c.dep_ == "pobj")
        elif child.dep_ in ("acl", "relcl"):
            for agent in (c for c in child.children if c.dep_ == "agent"):
                found.extend(c for c in agent.children if c.dep_ == "pobj")
    return found


def _patron(doc: Doc, cue: Token, places: list[Token]) -> str | None:
    """The ally that takes on the reconstruction a cue word names, or None."""
    path = [cue, *cue.ancestors]
    if any(_blocked(t) for t in path):
        return None
    objects = {t.i for t in places}
    came_from: Token | None = None
    for token in path:
        holders = _holders_at(token, came_from)
        if token.i == cue.i:
            # "the reconstruction of Kyiv and the Kyiv region, which will be joined by Great Britain"
            for place in places:
                holders.extend(_holders_at(place, None))
        for holder in holders:
            if any(t.i in objects for t in _phrase(holder)):
                continue  # "the restoration of Kyiv": the region rebuilt, not its patron
            if word_forms(holder.lower_) & words("patronage_local_holders.txt"):
                return None  # a town or a mayor, not a state
            codes = _named(doc, holder)
            allies = [c for c in codes if c not in NOT_ALLIES]
            if allies:
                return allies[0]
            invited = _proposal(token) and holder.dep_ in ("dobj", "dative")
            if codes or invited or (holder.dep_ == "nsubj" and holder.pos_ != "PRON"):
                return None  # Ukraine's or Russia's own work, an invitation to unnamed partners,
                # or a holder who is no actor
        came_from = token
    return None


def _where_patronage(doc: Doc, cue: Token, places: list[tuple[PlaceMention, Token | None]],
                     ) -> tuple[str | None, list[tuple[PlaceMention, Token]]]:
    """A patronage told by a "where" clause: "in Zhytomyr Oblast, where Estonia has begun the
    reconstruction of its infrastructure" — the ally is the clause's subject, the region the
    nearest place named before "where", and the cue word has an object of its own (so "where
    he promised reconstruction aid" or "where they talked of reconstruction" give nothing)."""
    if not any(c.dep_ == "dobj" or (c.dep_ == "prep" and c.lower_ == "of") for c in cue.children):
        return None, []
    if any(_blocked(t) for t in (cue, *cue.ancestors)):
        return None, []
    for where in reversed([t for t in cue.sent if t.i < cue.i and t.lower_ == "where" and t.dep_ == "advmod"]):
        before = [(p, t) for p, t in places if t is not None and t.i < where.i]
        subjects = [c for c in where.head.children if c.dep_ == "nsubj"]
        allies = [c for s in subjects for c in _named(doc, s) if c not in NOT_ALLIES]
        if before and allies:
            return allies[0], before[-1:]
        return None, []
    return None, []


def _place_token(doc: Doc, place: PlaceMention) -> Token | None:
    span = doc.char_span(place.start, place.end, alignment_mode="expand")
    return span.root if span is not None else None


def extract_patronages(doc: Doc) -> list[Patronage]:
    """Ally → Ukrainian region patronages found in an annotated Doc."""
    by_key: dict[tuple[str, str], Patronage] = {}
    for sent in doc.sents:
        cues = [t for t in sent if _is_cue(t)]
        if not cues:
            continue
        places = [(p, _place_token(doc, p)) for p in doc._.places or ()
                  if p.start >= sent.start_char and p.end <= sent.end_char]
        for cue in cues:
            objects = [(p, t) for p, t in places if t is not None and _object_of(t, cue)]
            if objects:
                patron = _patron(doc, cue, [t for _, t in objects])
            else:
                patron, objects = _where_patronage(doc, cue, places)
            if patron is None:
                continue
            for place, _ in objects:
                key = (patron, place.region)
                evidence = evidence_of(doc, sent.start_char, sent.end_char)
                if key not in by_key:
                    by_key[key] = Patronage(patron=patron, region=place.region, evidence=[evidence], confidence=0.6)
                elif evidence not in by_key[key].evidence:
                    by_key[key].evidence.append(evidence)
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
