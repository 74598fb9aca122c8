"""Endorsements: a named ally's stated support for a Ukrainian goal (FACTS.md, "endorsement").

A goal phrase (data/endorsement_cues.tsv: "candidate status", "sanctions", "territorial
integrity" ...) gives an endorsement to whoever holds it, read up the dependency path from the
phrase to the root: past a stance word (data/endorsement_verbs.txt: "supports", "stressed",
"approval", "should be involved"), the first actor met as a subject, an owner ("Japan's
support", "the role of Poland") or the one thanked ("thanked Canada for its support of ...")
holds it. The goal's own organisation (the "EU" of "EU membership") is no holder. Ukraine, or a
subject who is no actor ("the West"), met there means no ally holds it; a blocker on the path
(data/endorsement_blockers.txt: a wish, a belief, a topic discussed, opposition, negation, a
hypothetical) means none. Sanctions named by their issuer ("EU sanctions", "the sanctions imposed
by the European Union") are the issuer's; sanctions aimed at someone other than Russia are
nobody's. "The parties", "the ministers", "a common vision" (data/endorsement_roles.tsv) stand
for the document's partners, but "EU leaders" for the EU; groups of countries ("the Baltic
states") for each member; "the bloc" and "the Alliance" for the EU and NATO
(data/endorsement_anaphors.tsv); the verbless list items of a speech ("And assistance in the
investigation of war crimes.") for the partner it thanked. The aggressor held to account or hit
by sanctions is their target, not a holder; an obligation laid on an ally ("The EU must ...") is a
call on it, and a poll's majority of a people is not its government. One endorsement per actor and subject
per document, with every sentence as evidence.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar


from .. import checks
from ..gazetteer import actor_name
from ..mentions import doc_text
from ..model import Evidence, Fact
from ..text import word_forms
from ..wordlists import table, words
from .common import NOT_ALLIES, actors_in, evidence_of, main_partner
from .kind import Column, FactKind, Listing

if TYPE_CHECKING:  # spaCy only for the annotations: importing a kind must not load spaCy
    from spacy.tokens import Doc, Span, Token

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


MEMBERSHIP_SUBJECTS = frozenset({"nato_membership", "eu_membership"})
# Dependents that name who holds a position: the subject of a verb, the agent of a passive, the
# owner of a noun ("Japan's support", "the support of France"), a modifier ("American sanctions").
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "agent"})
OWNER_DEPS = frozenset({"poss", "compound", "amod", "nmod"})
OWNER_PREPOSITIONS = frozenset({"of", "from", "by"})
# Clauses inside a holder's phrase are about someone else ("a group ... co-chaired by Yermak").
CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
THANKED_DEPS = frozenset({"dobj", "dative"})


@lru_cache(maxsize=1)
def _cue_pattern() -> re.Pattern[str]:
    cues = sorted(table("endorsement_cues.tsv"), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(c) for c in cues) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _roles() -> dict[str, str]:
    return table("endorsement_roles.tsv")


def _blocked(token: Token) -> bool:
    """A word on the path that makes the goal opposed, only discussed, wished for by another,
    negated or hypothetical ("could introduce", "likely to impose", "impose ... if it invades")."""
    blockers = words("endorsement_blockers.txt")
    if word_forms(token.lower_) & blockers:
        return True
    for child in token.children:
        if child.dep_ == "neg":
            return True
        if child.dep_ in ("aux", "auxpass", "mark") and child.lower_ in blockers:
            return True
        if child.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in blockers for c in child.children):
            return True  # "... impose on Russia if it invades"
        if child.dep_ == "prep" and child.lower_ == "in" and any(
                c.dep_ == "pobj" and c.lower_ in words("endorsement_conditions.txt") for c in child.children):
            return True  # "in the case of an invasion, sanctions will ..."
    return False


def _thanks(token: Token) -> bool:
    """ "thanked", "praised", or a copula with "grateful": its object or "to" is the thanked one."""
    roles = _roles()
    return any(roles.get(f) == "thanks" for t in (token, *(c for c in token.children if c.dep_ == "acomp"))
               for f in word_forms(t.lower_))


def _is_stance(token: Token) -> bool:
    """A word of support or decision, thanks for what was done ("grateful ... for initiatives"),
    or a verb whose auxiliary is one ("should be involved")."""
    stance = words("endorsement_verbs.txt")
    if word_forms(token.lower_) & stance or _thanks(token):
        return True
    return any(c.dep_ in ("aux", "acomp") and c.lower_ in stance for c in token.children)


def _obliged(token: Token) -> bool:
    """The word carries an auxiliary of obligation ("must maximize", "should support"): laid on
    its subject, it is a call on that subject by whoever speaks."""
    return not _thanks(token) and any(
        c.dep_ == "aux" and c.lower_ in words("endorsement_calls.txt") for c in token.children)


def _phrase_tokens(token: Token) -> list[Token]:
    """The tokens of a holder's phrase: its subtree without the clauses inside it."""
    out = [token]
    for child in token.children:
        if child.dep_ not in CLAUSE_DEPS:
            out.extend(_phrase_tokens(child))
    return out


def _phrase_actors(doc: Doc, token: Token, cue: Span) -> list[str]:
    """Actor codes a holder phrase names outside the goal phrase itself, pronouns resolved
    through the people annotator."""
    tokens = _phrase_tokens(token)
    start, end = min(t.idx for t in tokens), max(t.idx + len(t.text) for t in tokens)
    named = actors_in(doc, start, end) + _group_members(doc_text(doc), start, end)
    codes = [code for offset, code in sorted(named) if not cue.start_char <= offset < cue.end_char]
    if not codes and token.lower_ in table("endorsement_anaphors.tsv") and not any(
            c.dep_ in ("compound", "amod") and c.pos_ == "PROPN" for c in token.children):
        codes.append(table("endorsement_anaphors.tsv")[token.lower_])  # "the bloc", "the Alliance"
    spans = {(t.idx, t.idx + len(t.text)) for t in tokens if t.pos_ == "PRON"}
    for mention in doc._.person_mentions or ():
        if mention.how == "pronoun" and (mention.start, mention.end) in spans and mention.person.actor:
            codes.append(mention.person.actor)
    return list(dict.fromkeys(codes))


@lru_cache(maxsize=1)
def _group_pattern() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    groups = {phrase: tuple(codes.split()) for phrase, codes in table("country_groups.tsv").items()}
    names = sorted(groups, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE), groups


def _group_members(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """(offset, actor code) of each member of a group of countries named in text[start:end]:
    "the Baltic states" back sanctions is Estonia, Latvia and Lithuania each."""
    pattern, groups = _group_pattern()
    return [(start + m.start(), code) for m in pattern.finditer(text[start:end]) for code in groups[m.group(1).lower()]]


def _addressee(token: Token) -> bool:
    """ "you", "your state": the partner a speech or letter is addressed to."""
    return token.lower_ in ("you", "your") or any(c.dep_ == "poss" and c.lower_ == "your" for c in token.children)


def _partners(doc: Doc) -> list[str]:
    """Who "the parties" or "the ministers" are besides Ukraine: the allies of the few foreign
    people the document names, else its main partner."""
    allies = list(dict.fromkeys(
        m.person.actor for m in doc._.person_mentions or ()
        if m.how != "pronoun" and m.person.actor and m.person.actor not in NOT_ALLIES))
    if 1 <= len(allies) <= 3:
        return allies
    partner = main_partner(doc)
    return [partner] if partner else []


def _named_partner(doc: Doc, cue: Span, token: Token) -> list[str]:
    """The allies a collective verb names with "with": "we agreed with Britain to ..." is Britain's."""
    return [code for c in token.children if c.dep_ == "prep" and c.lower_ == "with"
            for p in c.children if p.dep_ == "pobj"
            for code in _phrase_actors(doc, p, cue) if code not in NOT_ALLIES]


def _candidates(doc: Doc, cue: Span, token: Token, came_from: Token | None) -> list[tuple[str, list[str]]]:
    """(dependency, actor codes) of the dependents of a path word that may hold its position,
    the thanked one first. A named subject that is no actor ("the West", "Western countries")
    comes with no codes; a pronoun ("she", "his country") without a resolved person is left out,
    for the words above to name."""
    roles = _roles()
    found: list[tuple[str, list[str]]] = []
    thanks = _thanks(token)
    for child in token.children:
        if came_from is not None and child.i == came_from.i:
            continue
        if thanks and (child.dep_ in THANKED_DEPS or (child.dep_ == "prep" and child.lower_ == "to")):
            target = next((c for c in child.children if c.dep_ == "pobj"), child)
            codes = _phrase_actors(doc, target, cue)
            if (not codes and _addressee(target)) or (
                    target.pos_ == "PRON" and codes and all(c in NOT_ALLIES for c in codes)):
                # "you"; or "thanked him", which the people annotator may take for the thanker
                codes = _partners(doc)[:1]
            if codes:
                found.insert(0, ("thanked", codes))
            continue
        holder = None
        if child.dep_ in SUBJECT_DEPS or child.dep_ in OWNER_DEPS:
            holder = child
            if child.dep_ == "agent":
                holder = next((c for c in child.children if c.dep_ == "pobj"), None)
        elif child.dep_ == "prep" and child.lower_ in OWNER_PREPOSITIONS and token.pos_ in ("NOUN", "PROPN"):
            holder = next((c for c in child.children if c.dep_ == "pobj"), None)
        if holder is None:
            continue
        if child.dep_ == "poss" and holder.pos_ == "PRON" and any(_thanks(a) for a in token.ancestors):
            continue  # "thanked Biden for his support": "his" is the thanked one's, named above
        if holder.lower_ in RELATIVE_PRONOUNS and child.dep_ == "nsubj":
            # "the President of the Commission who spoke out": the antecedent holds it, even
            # when the parser hung the clause elsewhere.
            before = holder.doc[holder.i - 1] if holder.i > 0 else holder
            holder = token.head if token.dep_ == "relcl" else (before if before.pos_ in ("NOUN", "PROPN") else holder)
        if word_forms(holder.lower_) & words("endorsement_public.txt"):
            continue  # "a majority of Americans", "60 percent of Germans": the public, not the state
        codes = _phrase_actors(doc, holder, cue)
        if not codes and any(roles.get(f) == "collective" for f in word_forms(holder.lower_)) or (
                holder.lower_ == "we" and "agree" in word_forms(token.lower_)):
            # "the leaders" are the partners; "EU leaders", "NATO ministers" name their own
            found.append((child.dep_, _named_partner(doc, cue, token) or _partners(doc)))
            continue
        pronoun = holder.pos_ == "PRON" or any(c.dep_ == "poss" and c.pos_ == "PRON" for c in holder.children)
        if codes or (not pronoun and child.dep_ in ("nsubj", "agent")):
            found.append((child.dep_, codes))
    return found


def _sanctions_target_is_russia(doc: Doc, tokens: list[Token]) -> bool:
    """False when the sanctions named are aimed "on"/"against" someone other than Russia, or hit a
    named country other than Russia ("Belarus was hit by sanctions", "Iran was targeted with ...")."""
    russia = words("russia_words.txt")
    for token in tokens:
        for child in token.children:
            if child.dep_ == "nsubjpass" and token.pos_ == "VERB":
                lo, hi = child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text)
                codes = {code for _, code in actors_in(doc, lo, hi, people=False)}
                if codes and "RUS" not in codes:
                    return False
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in ("on", "against"):
                if any(t.ent_type_ in ("DATE", "TIME") for t in child.subtree):
                    continue  # "on Wednesday"
                if not any(t.lower_ in russia for t in child.subtree):
                    return False
        if token.pos_ in ("VERB", "AUX"):
            break
    return True


def _issuers(doc: Doc, cue: Span) -> list[str]:
    """Allies whose own sanctions a sanctions phrase names: "EU sanctions", "American sanctions",
    "the sanctions imposed by the European Union", "a package of sanctions from the United States"."""
    heads = [cue.root]
    if cue.root.dep_ in ("compound", "pobj", "nmod") and cue.root.head.pos_ in ("NOUN", "PROPN", "ADP"):
        head = cue.root.head
        heads.append(head.head if head.pos_ == "ADP" else head)
    found: list[str] = []
    for head in heads:
        for child in head.children:
            holder = None
            if child.dep_ in OWNER_DEPS:
                holder = child
            elif child.dep_ == "prep" and child.lower_ in ("from", "by"):
                holder = next((c for c in child.children if c.dep_ == "pobj"), None)
            elif child.dep_ == "acl":
                agent = next((c for c in child.children if c.dep_ == "agent"), None)
                holder = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
            if holder is not None and holder.i not in range(cue.start, cue.end) or child.dep_ == "acl":
                if holder is not None:
                    found.extend(c for c in _phrase_actors(doc, holder, cue) if c not in NOT_ALLIES)
    return list(dict.fromkeys(found))


def _target(codes: list[str], dep: str, subject: str, token: Token) -> bool:
    """The aggressor as the one the goal is aimed at, not a holder of it: "Russia must be held
    accountable", "Russia was hit with sanctions", "Russia must pay reparations" (said by an ally),
    but not "Russia committed war crimes"."""
    if not codes or any(c not in NOT_ALLIES or c == "UKR" for c in codes):
        return False
    obliged = any(c.dep_ == "aux" and c.lower_ in words("endorsement_obligations.txt") for c in token.children)
    return dep == "nsubjpass" or (subject == "accountability" and dep == "nsubj" and obliged)


def _holders(doc: Doc, cue: Span, subject: str) -> list[str] | None:
    """The allies that hold the position a goal phrase names, found up its dependency path.

    Walking from the goal to the root, the first ally met as the subject, owner or thanked one
    of a word at or above a stance word holds the position. Ukraine met there means Ukraine's own
    view; a blocker anywhere on the path (a wish, a topic, negation, a hypothetical) means none.
    None when the path names no one at all (a verbless list item of a speech).
    """
    in_cue = set(range(cue.start, cue.end))
    path = [cue.root, *cue.root.ancestors]
    if any(_blocked(t) for t in path):
        return []
    found: list[str] = []
    if subject == "sanctions":
        if not _sanctions_target_is_russia(doc, path):
            return []
        found.extend(_issuers(doc, cue))
    stance = False
    met = bool(found)  # whether the path names anyone who could hold the position
    came_from: Token | None = None
    for token in path:
        called = False  # an obligation laid on the word's own subject ("The EU must maximize sanctions")
        if token.i not in in_cue and _is_stance(token):
            called = _obliged(token)
            stance = True
        for dep, codes in _candidates(doc, cue, token, came_from):
            allies = [c for c in codes if c not in NOT_ALLIES]
            if _target(codes, dep, subject, token):
                continue
            met = met or bool(allies) or dep in ("nsubj", "agent")
            if allies and subject in MEMBERSHIP_SUBJECTS and dep in SUBJECT_DEPS and any(
                    _roles().get(f) == "applicant" for f in word_forms(token.lower_)):
                return []  # "Moldova applied for EU membership": its own
            if allies and called and dep in SUBJECT_DEPS:
                return found  # a call on the ally, by whoever speaks, not its own stated position
            if allies and stance:
                return list(dict.fromkeys(found + allies))
            if allies and subject in MEMBERSHIP_SUBJECTS and (token.i in in_cue or token.i == cue.root.head.i):
                return []  # "Sweden's NATO membership": another country's goal
            if stance and not allies and (codes or dep in ("nsubj", "agent")):
                return found  # Ukraine's own view, or a holder who is no ally ("the West")
        came_from = token
    return found if met else None


def _thanked_partner(doc: Doc, sent: Span, cue: Span) -> list[str]:
    """The partner a speech thanked before this verbless list item ("I would like to thank the
    United Kingdom ... And assistance in the investigation of war crimes."): the item is one of
    the thanked forms of support. Nothing for a sentence with a verb, a goal with a clause of
    its own ("Sanctions that will stop ..."), a topic heading ("As for sanctions."), or before
    any thanks."""
    roles = _roles()
    if sent.root.pos_ in ("VERB", "AUX") or any(roles.get(f) == "topic" for f in word_forms(sent.root.lower_)):
        return []
    if any(c.dep_ in ("relcl", "acl") for c in cue.root.children):
        return []
    partner = main_partner(doc)
    if partner is None:
        return []
    for earlier in doc.sents:
        if earlier.start >= sent.start:
            break
        for token in earlier:
            if any(roles.get(f) == "thanks" for f in word_forms(token.lower_)):
                named = {code for _, code in actors_in(doc, earlier.start_char, earlier.end_char)}
                if partner in named or any(_addressee(t) for t in earlier):
                    return [partner]
    return []


def extract_endorsements(doc: Doc) -> list[Endorsement]:
    """Stated support of named allies for Ukraine's goals, found in an annotated Doc."""
    cues = table("endorsement_cues.tsv")
    by_key: dict[tuple[str, str], Endorsement] = {}
    for sent in doc.sents:
        for match in _cue_pattern().finditer(sent.text):
            cue = doc.char_span(sent.start_char + match.start(), sent.start_char + match.end(),
                                alignment_mode="expand")
            if cue is None:
                continue
            for subject in cues[match.group(1).lower()].split(","):
                subject = subject.strip()
                holders = _holders(doc, cue, subject)
                if holders is None:
                    holders = _thanked_partner(doc, sent, cue)
                for actor in holders:
                    evidence = evidence_of(doc, sent.start_char, sent.end_char)
                    key = (actor, subject)
                    if key not in by_key:
                        by_key[key] = Endorsement(actor=actor, subject=subject, evidence=[evidence], confidence=0.6)
                    elif evidence not in by_key[key].evidence:
                        by_key[key].evidence.append(evidence)
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
