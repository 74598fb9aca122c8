"""Events: forthcoming events a document names (FACTS.md, "event").

1. *Candidates* are nouns of ``data/event_nouns.tsv`` ("summit", "talks", "visit") and verbs of
   travelling or meeting ("goes to Moscow", "will meet"), each with the name it is given as
   written: its proper and actor modifiers, an ordinal, and its "of", "with" or "for" phrase.
2. A candidate needs a name of its own: generic words alone ("future talks", "the summit") and a
   visit without a visitor name no event.
3. It must lie ahead (``data/event_cues.tsv``): a future auxiliary or modifier, a verb of planning
   or awaiting, a date after publication; and not behind (a past modifier, a past date, a past
   tense with no future cue), nor wished or hypothetical ("hope to hold", "could meet", "if").
4. A list of names in verbless sentences after "three summits will take place ..." takes its
   time, place and date from that sentence.
5. Mentions of one event (organiser, name words, agreeing dates) are one fact.
"""
from __future__ import annotations

import re
from datetime import date as Date, timedelta
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from .. import checks
from ..gazetteer import actor_name, is_organisation
from ..dates import MONTHS, WEEKDAYS
from ..mentions import DateMention, Person, doc_text
from ..model import Evidence, Fact
from ..text import content_words, word_forms
from ..wordlists import rows, table, words
from .common import NOT_ALLIES, evidence_of
from .kind import Column, FactKind, Listing, first_filled

if TYPE_CHECKING:  # spaCy only for the annotations: importing a kind must not load spaCy
    from spacy.tokens import Doc, Span, Token


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


CONFIDENCE = 0.6
# Dependency labels that stay inside one noun phrase on the way up to its verb.
_NOMINAL_LINKS = frozenset({"prep", "pobj", "pcomp", "conj", "appos", "compound", "poss", "npadvmod", "nmod", "amod"})
# Links from a verb up to the verb it depends on within one proposal ("hope to hold", "agreed to hold").
_VERB_CHAIN = frozenset({"xcomp", "aux", "auxpass", "acl", "conj", "prep", "pcomp", "pobj"})
_ORDINAL = re.compile(r"^(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|next|\d+(?:st|nd|rd|th))$", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_SEASON = re.compile(r"\b(?P<which>this|next|in the|in|the)?\s*(?P<season>spring|summer|autumn|fall|winter)\b(?:\s+(?:of\s+)?(?P<year>(?:19|20)\d\d))?", re.I)
_MONTH_OF_YEAR = re.compile(r"\b(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\s+(?P<which>this|next)\s+year\b", re.I)
_WEEKDAY_ONLY = re.compile(r"^(?:on\s+|this\s+|next\s+|coming\s+)?(?P<weekday>" + "|".join(WEEKDAYS) + r")$", re.I)
_RELATIVE_YEAR = re.compile(r"\b(?P<which>this|next)\s+year\b", re.I)
_OUR_COUNTRY = re.compile(r"\b(?:to|in)\s+our\s+country\b", re.I)


@lru_cache(maxsize=1)
def _nouns() -> dict[str, str]:
    return table("event_nouns.tsv")


@lru_cache(maxsize=1)
def _cues() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for word, cue in rows("event_cues.tsv"):  # a word may carry two cues ("hope": a verb and a noun)
        groups.setdefault(cue.strip(), set()).add(word.strip().lower())
    return {cue: frozenset(found) for cue, found in groups.items()}


def _cue(word: str, cue: str) -> bool:
    group = _cues().get(cue, frozenset())
    return any(form in group for form in word_forms(word))


def _noun_class(token: Token) -> str | None:
    if token.pos_ not in ("NOUN", "PROPN"):
        return None
    nouns = _nouns()
    return next((nouns[form] for form in word_forms(token.text) if form in nouns), None)


def _first_verb(token: Token) -> Token | None:
    """The verb a noun phrase hangs from: "summit" in "discussed the upcoming NATO summit"."""
    current = token
    while current.head.i != current.i:
        if current.dep_ not in _NOMINAL_LINKS and current.dep_ not in ("dobj", "nsubj", "nsubjpass", "attr", "dative", "oprd"):
            break
        current = current.head
        if current.pos_ in ("VERB", "AUX"):
            return current
    return current if current.pos_ in ("VERB", "AUX") else None


def _verb_chain(verb: Token | None) -> list[Token]:
    """The verb and the verbs it serves within one proposal: "hold" in "hope to hold" brings "hope";
    a "that" clause ("we hope that they will vote") stays apart."""
    chain: list[Token] = []
    current = verb
    while current is not None and all(current.i != known.i for known in chain):
        if current.pos_ in ("VERB", "AUX"):
            chain.append(current)
        if current.dep_ not in _VERB_CHAIN or current.head.i == current.i:
            break
        current = current.head
    return chain


def _reported(verb: Token) -> bool:
    """A verb in a clause of what someone said ("Yermak said that a meeting would be held"):
    its "would" is the future of the past, not a hypothesis."""
    speech = words("speech_verbs.txt")
    current = verb
    while current.head.i != current.i:
        if current.dep_ == "ccomp" and (current.head.lower_ in speech or current.head.lower_ in speech):
            return True
        current = current.head
    return False


def _clause_text(doc: Doc, verb: Token | None, token: Token) -> str:
    top = verb or token
    return doc_text(doc)[top.left_edge.idx: top.right_edge.idx + len(top.right_edge.text)].lower()


def _compare(value: str, published: str | None) -> int:
    """-1 when a date lies before publication, 1 when after, 0 when it cannot tell (the same day,
    month or year, or no publication date)."""
    if not published:
        return 0
    base = published[: len(value)]
    return (value > base) - (value < base)


@dataclass
class _Scope:
    """Where an event's time, place and date are read: the noun's own phrase, then its clause."""

    token: Token
    verb: Token | None
    name_tokens: set[int]

    def ranges(self) -> Iterator[tuple[int, int]]:
        yield self.token.left_edge.i, self.token.right_edge.i + 1
        if self.verb is not None:
            yield self.verb.left_edge.i, self.verb.right_edge.i + 1


def _date(doc: Doc, scope: _Scope, ahead: bool = False) -> str | None:
    """The date in the noun's phrase, else the nearest one in its clause, outside the name; a
    season or a year gives the year ("in the summer" → "2022"). ``ahead``: the event is said to
    come, so a bare weekday is the next one ("will meet on Monday"), not the last."""
    name = [doc[i] for i in sorted(scope.name_tokens)]
    name_span = (name[0].idx, name[-1].idx + len(name[-1].text)) if name else (-1, -1)
    for start, end in scope.ranges():
        begin, stop = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
        found = [m for m in doc._.dates or () if m.start >= begin and m.end <= stop
                 and not (name_span[0] <= m.start < name_span[1])]
        if found:
            mention = min(found, key=lambda m: abs(m.start - scope.token.idx))
            return _weekday_ahead(mention, doc._.published) if ahead else mention.value
        loose = _loose_date(doc_text(doc)[begin:stop], doc._.published)
        if loose:
            return loose
    return None


def _weekday_ahead(mention: DateMention, published: str | None) -> str:
    """A date of an event to come, written without its year or week, is the next such day: a bare
    weekday is that day of the publication week or the next one; "on 12 September" read in June
    is this September, not last."""
    if not published:
        return mention.value
    match = _WEEKDAY_ONLY.match(mention.text.strip())
    if match:
        base = Date.fromisoformat(published[:10])
        days = (WEEKDAYS.index(match.group("weekday").lower()) - base.weekday()) % 7
        return (base + timedelta(days=days)).isoformat()
    value = mention.value
    if not _YEAR.search(mention.text) and _compare(value, published) < 0:
        value = f"{int(value[:4]) + 1:04d}{value[4:]}"
    return value


def _loose_date(text: str, published: str | None) -> str | None:
    """What the date annotator leaves: "December this year" gives the month; "this summer",
    "next year", "in 2024" only a year (FACTS.md: a season is not a month)."""
    year = int(published[:4]) if published else None
    match = _MONTH_OF_YEAR.search(text)
    if match and year is not None:
        which = year + 1 if match.group("which").lower() == "next" else year
        return f"{which:04d}-{MONTHS[match.group('month').lower()]:02d}"
    for pattern in (_SEASON, _RELATIVE_YEAR):
        match = pattern.search(text)
        if match:
            if match.groupdict().get("year"):
                return match.group("year")
            if year is None:
                return None
            return str(year + 1) if (match.group("which") or "").lower() == "next" else str(year)
    match = _YEAR.search(text)
    return match.group() if match else None


def _in_topic(doc: Doc, offset: int, scope: _Scope) -> bool:
    """Whether a place at ``offset`` belongs to what the event is about, not where it is held: its
    preposition hangs from a word of the name ("Conference on Reforms in Ukraine")."""
    token = next((t for t in doc[scope.token.left_edge.i: scope.token.right_edge.i + 1] if t.idx == offset), None)
    if token is None or token.head.dep_ != "prep":
        return False
    owner = token.head.head
    return owner.i in scope.name_tokens and owner.i != scope.token.i


def _of_another_event(doc: Doc, offset: int, scope: _Scope) -> bool:
    """Whether a place in the clause belongs to something else: another event named there ("results
    of the summit held in Kyiv, and expectations from the summit scheduled for December"), or
    another word of the name ("consultations on the Budapest Memorandum")."""
    sent = scope.token.sent
    token = next((t for t in doc[sent.start: sent.end] if t.idx == offset), None)
    if token is None:
        return False
    if token.i in scope.name_tokens and token.head.i != scope.token.i:
        return True  # "consultations on the Budapest Memorandum": Budapest names the memorandum
    for ancestor in token.ancestors:
        if ancestor.i == scope.token.i:
            return False
        if _noun_class(ancestor) is not None:
            return True
    return False


def _said_of_event(doc: Doc, offset: int, scope: _Scope) -> bool:
    """Whether the preposition before a name at ``offset`` hangs from the event or its verb."""
    sent = scope.token.sent
    token = next((t for t in doc[sent.start: sent.end] if t.idx == offset), None)
    if token is None or token.head.dep_ not in ("prep", "dative"):
        return False
    return token.head.head.i in (scope.token.i, scope.verb.i if scope.verb is not None else -1)


def _place(doc: Doc, scope: _Scope) -> tuple[str | None, str | None]:
    """(place as written, country) where the event is held: a Ukrainian place or a capital after
    "in", "to" or "at"; a country so introduced gives the country alone."""
    for start, end in scope.ranges():
        begin, stop = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
        country_only = None
        for mention in sorted(list(doc._.places or ()) + list(doc._.actors or ()), key=lambda m: m.start):
            if not (begin <= mention.start and mention.end <= stop):
                continue
            if _in_topic(doc, mention.start, scope) or _of_another_event(doc, mention.start, scope):
                continue
            before = doc_text(doc)[max(begin, mention.start - 12): mention.start].lower().split()
            if not before or before[-1] not in ("in", "to", "at", "the") or (before[-1] == "the" and before[-2:-1] not in (["in"], ["to"], ["at"])):
                continue
            how = getattr(mention, "how", "")
            if hasattr(mention, "region"):
                return mention.text, "UKR"
            if how == "capital":
                return mention.text, mention.code
            if how == "name" and country_only is None and _said_of_event(doc, mention.start, scope):
                country_only = mention.code  # "a summit in Lithuania", not "investments in Ukraine"
        if country_only:
            return None, country_only
        for mention in doc._.actors or ():  # "the Vilnius summit"
            if mention.how == "capital" and any(
                    doc[i].idx == mention.start and doc[i].head.i == scope.token.i for i in scope.name_tokens):
                return mention.text, mention.code
        text = doc_text(doc)[begin:stop]
        for venue, code in table("event_venues.tsv").items():
            found = re.search(r"\b(?:in|at)\s+(?:the\s+)?(" + re.escape(venue) + r")\b", text, re.I)
            if found:
                return found.group(1), code
        if _OUR_COUNTRY.search(text):
            return None, "UKR"
    return None, None


def _keeps_in_name(child: Token) -> bool:
    """Left modifiers that are part of an event's name: proper names, actors, ordinals and
    capitalised adjectives ("NATO", "Diia", "second", "European"), not "the", "upcoming", "important"."""
    if child.dep_ in ("compound", "nmod", "poss"):
        return child.ent_type_ not in ("DATE", "TIME") and child.lower_ not in MONTHS and child.tag_ != "PRP$" \
            and child.lower_ not in ("whose", "tomorrow", "today")
    if child.dep_ in ("amod", "nummod"):
        return bool(_ORDINAL.match(child.text)) and not _cue(child.lower_, "future_mod") or child.text[:1].isupper()
    return False


def _name_tokens(token: Token) -> list[Token]:
    """The tokens of an event's name as written: the noun, its naming modifiers, and an "of",
    "with" or "for" phrase cut before any place, date or clause of its own."""
    kept = [token]
    for child in token.lefts:
        if _keeps_in_name(child):
            kept.extend(_phrase(child))
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ in ("of", "with", "for", "on"):
            objects = [t for t in child.children if t.dep_ == "pobj"]
            if not objects:
                continue
            obj = objects[0]
            if child.lower_ == "on" and not obj.text[:1].isupper():
                continue  # "Conference on Reforms" names it; "the meeting on Monday" does not
            if _is_date_or_place(obj):
                continue
            kept.append(child)
            kept.extend(t for left in obj.lefts for t in _phrase(left))
            kept.append(obj)
            for inner in obj.rights:  # "of representatives of Turkey and Russia"
                if inner.dep_ == "prep" and inner.lower_ == "of" or inner.dep_ in ("cc", "conj"):
                    kept.extend(t for t in _phrase(inner) if not _is_date_or_place(t))
            break
    indexes = sorted({t.i for t in kept})
    # A name is one stretch of text: stop at the first gap.
    anchor = indexes.index(token.i)
    stretch = [token.i]
    for i in reversed(indexes[:anchor]):
        if i == stretch[0] - 1:
            stretch.insert(0, i)
        else:
            break
    for i in indexes[anchor + 1:]:
        if i == stretch[-1] + 1:
            stretch.append(i)
        else:
            break
    doc = token.doc
    tokens = [doc[i] for i in stretch]
    while tokens and (tokens[0].dep_ in ("det", "punct", "case") or tokens[0].is_punct):
        tokens.pop(0)
    while tokens and (tokens[-1].is_punct or tokens[-1].dep_ in ("cc", "prep")) and tokens[-1].i != token.i:
        tokens.pop()
    return tokens


def _phrase(token: Token) -> list[Token]:
    """A token's subtree without the clauses and asides hanging from it ("..., which was held")."""
    tokens = [token]
    for child in token.children:
        if child.dep_ not in ("relcl", "acl", "advcl", "appos", "parataxis") and (child.dep_ != "punct" or child.tag_ == "HYPH"):
            tokens.extend(_phrase(child))
    return tokens


def _is_date_or_place(token: Token) -> bool:
    return token.ent_type_ in ("DATE", "TIME") or token.ent_type_ == "GPE" and token.dep_ == "pobj" and \
        token.head.lower_ in ("in", "at")


def _text_of(tokens: list[Token]) -> str:
    doc = tokens[0].doc
    return doc_text(doc)[tokens[0].idx: tokens[-1].idx + len(tokens[-1].text)]


def _actors_between(doc: Doc, begin: int, end: int, *, capitals: bool = True) -> list[str]:
    return [m.code for m in doc._.actors or () if m.start >= begin and m.end <= end
            and (capitals or m.how != "capital")]


def _person_at(doc: Doc, token: Token) -> Person | None:
    """The person a token names, or refers to by pronoun or title."""
    for mention in doc._.person_mentions or ():
        if mention.start <= token.idx < mention.end:
            return mention.person
    return None


def _head_person(doc: Doc, token: Token) -> Person | None:
    """The person a phrase's head names: "Prime Minister Viktor Orban" → Orban."""
    for candidate in [token, *token.subtree]:
        person = _person_at(doc, candidate)
        if person is not None:
            return person
    return None


def _visitor(doc: Doc, token: Token, verb: Token | None) -> Person | None:
    """Who makes a visit: "visit of X", "X's visit", "X, whose visit", or the subject of the verb
    ("X will go on a trip")."""
    for child in token.children:
        if child.dep_ == "poss":
            if child.lower_ == "whose" and token.head.dep_ == "relcl" or child.lower_ == "whose":
                relcl = next((a for a in token.ancestors if a.dep_ == "relcl"), None)
                if relcl is not None:
                    return _person_at(doc, relcl.head)
            person = _person_at(doc, child)
            if person is not None:
                return person
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    person = _person_at(doc, obj)
                    if person is not None:
                        return person
    for verb_ in _verb_chain(verb):
        for child in verb_.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.pos_ in ("PROPN", "PRON", "NOUN"):
                return _person_at(doc, child)
    return None


def _own_clauses(token: Token) -> Iterator[Token]:
    """The clauses said of an event: on its noun, or on the body of its "of" phrase ("the decision
    of the European Council, which will be adopted on Friday")."""
    holders = [token] + [obj for prep in token.children if prep.dep_ == "prep" and prep.lower_ == "of"
                         for obj in prep.children if obj.dep_ == "pobj"]
    for holder in holders:
        for clause in holder.children:
            if clause.dep_ in ("relcl", "acl") and clause.pos_ in ("VERB", "AUX"):
                yield clause


def _venue(token: Token, verb: Token | None) -> bool:
    """Whether the event is only where the verb happens ("announced at a meeting of ..."): a verb
    of planning then plans nothing about it."""
    current = token
    while verb is not None and current.head.i != current.i and current.head.i != verb.i:
        current = current.head
    return current.dep_ == "prep" and current.lower_ in ("at", "during", "in", "on", "after", "before") or \
        current.dep_ == "pobj" and current.head.lower_ in ("at", "during")


def _future(doc: Doc, token: Token, verb: Token | None, date: str | None) -> bool:
    """Whether an event is said to lie ahead: a future modifier of the noun, a future auxiliary or a
    verb of planning on its verbs, a future phrase in its clause, or a date after publication."""
    if any(_cue(child.lower_, "future_mod") for child in token.children):
        return True
    if date and _compare(date, doc._.published) > 0:
        return True
    for clause in _own_clauses(token):  # "the Conference, which will be held in July"
        if _future(doc, clause, clause, None):
            return True
    venue = _venue(token, verb)
    for verb_ in _verb_chain(verb):
        if not venue and _cue(verb_.text, "future_verb") or verb_.lower_ in _cues().get("future_mod", ()):
            return True
        for child in verb_.children:
            if child.dep_ in ("aux", "auxpass") and _cue(child.lower_, "future_aux"):
                return True
            if child.dep_ == "aux" and child.lower_ == "would" and _reported(verb_):
                return True
            if child.dep_ == "aux" and child.lower_ == "to" and (
                    _cue(verb_.text, "host_verb") or verb_.head.lower_ in ("is", "are", "was", "were", "be")):
                return True  # "agreed to hold", "the initiative to hold", "is to visit"
        if verb_.lower_ in ("is", "are") and any(c.dep_ == "xcomp" for c in verb_.children):
            return True
    clause = _clause_text(doc, verb, token)
    return any(phrase in clause for phrase in _cues().get("future_phrase", ()))


def _behind_or_unreal(doc: Doc, token: Token, verb: Token | None, date: str | None, future: bool) -> bool:
    """A past event, or one only wished for or supposed: "last week's summit", a date before
    publication, "took place", "hope to hold", "could meet", "if they meet"."""
    if any(_cue(child.lower_, "past_mod") or child.lower_ == "no" for child in token.children):
        return True
    if date and _compare(date, doc._.published) < 0:
        return True
    chain = _verb_chain(verb)
    if _venue(token, verb) and any(_cue(child.lower_, "future_mod") for child in token.children):
        return False  # "hoped for answers at the next NATO summit": the wish is not about the summit
    for verb_ in chain:
        if any(c.dep_ == "neg" for c in verb_.children) and (
                _cue(verb_.text, "host_verb") or _cue(verb_.text, "future_verb")):
            return True  # "did not agree to hold talks"
        # "we consider holding a summit"; not "the issue is considered at the summit", nor "the
        # Council will consider the request": the body that wishes is not the thing wished.
        if _cue(verb_.text, "wish_verb") and not any(c.dep_ == "auxpass" for c in verb_.children) and not (
                token.dep_ == "nsubj" and token.head.i == verb_.i):
            return True
        for child in verb_.children:
            if child.dep_ == "aux" and _cue(child.lower_, "hypothetical") and not (
                    child.lower_ == "would" and _reported(verb_)):
                return True
            if child.dep_ == "mark" and _cue(child.lower_, "condition"):
                return True
            if child.dep_ == "parataxis" and _cue(child.text, "wish_verb"):
                return True  # "where, I hope, there will be an agreement on a meeting": a wish aside
            if child.dep_ == "advmod" and _cue(child.lower_, "past_mod"):
                return True
    if chain and chain[0].tag_ == "VBD" and _cue(chain[0].text, "host_verb") and token.head.i == chain[0].i \
            and not any(_cue(child.lower_, "future_mod") for child in token.children):
        return True  # "in September 2021 he held talks with ...": held, whatever year the sentence names
    # Past tense or perfect ("took place", "was held", "has been held"); not "is considered".
    if not future and chain and (chain[0].tag_ == "VBD" or chain[0].tag_ == "VBN" and any(
            c.dep_ in ("aux", "auxpass") and (c.tag_ == "VBD" or c.lower_ in ("has", "have", "had"))
            for c in chain[0].children)):
        return True
    return False


def _unreal_noun(token: Token) -> bool:
    """An event only spoken of as possible or wanted: "the possibility of negotiations", "a
    proposal for a summit", "the need for talks"."""
    current = token
    for _ in range(3):
        if current.dep_ not in ("pobj", "prep", "compound") or current.head.i == current.i:
            return False
        current = current.head
        if current.pos_ == "NOUN" and _cue(current.text, "unreal_noun"):
            return True
    return False


def _has_own_name(name: str) -> bool:
    return bool(name_words(name))


def _organiser(doc: Doc, token: Token, verb: Token | None, name_tokens: list[Token], country: str | None,
               visitor: Person | None) -> str | None:
    """Who holds the event: the visitor's side; the subject of "hold", "host" or "prepare for";
    an actor its name gives ("NATO summit", "European Council"); the host country of its place."""
    if visitor is not None:
        return visitor.actor
    hosted = False
    for verb_ in _verb_chain(verb):
        # "to hold a conference" with no one holding it: who it is held by is named elsewhere.
        hosted = hosted or _cue(verb_.text, "host_verb") and token.dep_ == "dobj" and token.head.i == verb_.i
        if _cue(verb_.text, "host_verb") or "prepare" in word_forms(verb_.text):
            for child in verb_.children:
                if child.dep_ == "nsubj":
                    codes = _actors_between(doc, child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text))
                    person = _head_person(doc, child)
                    code = codes[0] if codes else person.actor if person else None
                    if code and code != "UKR" or code and "Ukraine" not in _text_of(name_tokens):
                        return code
    begin = name_tokens[0].idx
    with_at = next((t.idx for t in name_tokens if t.lower_ in ("with", "for") and t.dep_ == "prep"), None)
    end = with_at if with_at is not None else name_tokens[-1].idx + len(name_tokens[-1].text)
    # "the Vilnius summit": a capital in the name is where it is held, not who holds it.
    codes = [c for c in _actors_between(doc, begin, end, capitals=False) if c != "UKR"]
    codes += [t.text.upper() for t in name_tokens if t.idx < end and t.pos_ == "PROPN" and is_organisation(t.text)]
    if codes:
        return codes[0]
    if hosted:  # "thanked Poland for the initiative to hold ...": the ally named before it
        before = [code for _, code in sorted((m.start, m.code) for m in doc._.actors or ()
                                             if token.sent.start_char <= m.start < begin) if code not in NOT_ALLIES]
        if before:
            return before[0]
    for verb_ in _verb_chain(verb):  # "NATO leaders meet at the summit": the organisation they meet in
        for child in verb_.children:
            if child.dep_ == "nsubj":
                span = (child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text))
                found = [c for c in _actors_between(doc, *span) if is_organisation(c)]
                if found:
                    return found[0]
    return country  # the host country of the place it is held in, if any


def _candidate_nouns(sent: Span) -> Iterator[tuple[Token, str]]:
    for token in sent:
        kind = _noun_class(token)
        if kind is None or token.dep_ == "compound":
            continue
        if token.tag_ in ("NNS", "NNPS") and (kind != "meeting" or token.lower_ not in _nouns()):
            continue  # "three summits": a count, not a name; "rounds of shells"
        yield token, kind


def _named_enough(kind: str, token: Token, name_tokens: list[Token], name: str) -> bool:
    """Whether a noun's name tells its event apart: generic words alone never do."""
    if kind == "visit":
        return True  # named after its visitor, once known
    if not _has_own_name(name):
        return False
    if kind == "named":
        return any(t.pos_ == "PROPN" or t.text[:1].isupper() for t in name_tokens if t.i != token.i) or \
            token.text[:1].isupper() and token.i != token.sent.start
    if kind == "round":
        return any(_ORDINAL.match(t.text) for t in name_tokens)
    if kind == "meeting":
        return any(_ORDINAL.match(t.text) for t in name_tokens) or any(
            t.dep_ == "prep" and t.head.i == token.i for t in name_tokens) or any(
            t.pos_ == "PROPN" for t in name_tokens if t.i != token.i)
    if kind == "decision":  # a body's decision, not a country's ballot ("the vote of Portugal")
        return any(t.dep_ == "prep" and t.lower_ == "of" for t in name_tokens) and not any(
            m.how in ("name", "demonym") for m in _actor_mentions_of(name_tokens))
    return True


def _actor_mentions_of(tokens: list[Token]) -> list[Any]:
    """The actor mentions inside a stretch of tokens."""
    doc = tokens[0].doc
    begin, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return [m for m in doc._.actors or () if m.start >= begin and m.end <= end]


def _is_body(token: Token, name_tokens: list[Token]) -> bool:
    """A name that is only an organisation's ("the European Council") names the body unless the
    text puts something at it ("at the European Council", "the European Council in June") or its
    clause has a day to come ("On June 23, the European Council will consider ...")."""
    actors = _actor_mentions_of(name_tokens)
    if not (len(actors) == 1 and actors[0].start == name_tokens[0].idx
            and actors[0].end == name_tokens[-1].idx + len(name_tokens[-1].text)):
        return False
    published = token.doc._.published
    clause = _first_verb(token) or token
    dated = any(clause.left_edge.idx <= m.start and m.end <= clause.right_edge.idx + len(clause.right_edge.text)
                and _compare(_weekday_ahead(m, published), published) > 0 for m in token.doc._.dates or ())
    return not (dated or token.dep_ == "pobj" and token.head.lower_ in ("at", "during", "before", "after", "until", "ahead")
                or any(c.dep_ == "prep" and c.lower_ == "in" and any(g.ent_type_ == "DATE" for g in c.subtree)
                       for c in token.children))


def _event_from_noun(doc: Doc, token: Token, kind: str, context: Span | None = None) -> Event | None:
    name_tokens = _name_tokens(token)
    if not name_tokens:
        return None
    name = _text_of(name_tokens)
    if not _named_enough(kind, token, name_tokens, name) or kind == "named" and _is_body(token, name_tokens):
        return None
    sent = token.sent
    if context is not None:  # a name in a list of its own: time, place and date are the context's
        anchor = next((t for t in context if _noun_class(t) == kind), context.root)
        verb = _first_verb(anchor)
        scope = _Scope(anchor, verb, {t.i for t in name_tokens})
        cue_token = anchor
    else:
        verb = _first_verb(token)
        scope = _Scope(token, verb, {t.i for t in name_tokens})
        cue_token = token
    said_ahead = _future(doc, cue_token, verb, None)
    date = _date(doc, scope, ahead=said_ahead)
    future = said_ahead or _future(doc, cue_token, verb, date)
    if not future or _behind_or_unreal(doc, cue_token, verb, date, future) or _unreal_noun(token):
        return None
    visitor = None
    if kind == "visit":
        visitor = _visitor(doc, token, verb)
        if visitor is None or not visitor.actor:
            return None
        name = f"{token.text} of {visitor.name}"
    elif kind == "decision" and not (date and _compare(date, doc._.published) > 0):
        return None
    place, country = _place(doc, scope)
    if visitor is not None and country == visitor.actor:
        return None  # a leader's trip at home is not an event between partners
    evidence = [evidence_of(doc, s.start_char, s.end_char) for s in ([context] if context is not None else []) + [sent]]
    return Event(name=name, organiser=_organiser(doc, token, verb, name_tokens, country, visitor), place=place,
                 country=country, date=date, evidence=evidence, confidence=CONFIDENCE)


def _event_from_verb(doc: Doc, verb: Token) -> Event | None:
    """"X goes to Moscow on Tuesday", "X will visit Kyiv next week", "X will meet Y on Monday"."""
    lemma = verb.text
    if verb.pos_ != "VERB" or not (_cue(lemma, "visit_verb") or _cue(lemma, "meet_verb")):
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return None
    person = _head_person(doc, subject) if subject.pos_ == "PROPN" else _person_at(doc, subject)
    if person is None or not person.actor:
        return None
    scope = _Scope(verb, verb, set())
    # "Orban goes to Moscow on Tuesday": news tell a trip to come in the simple present with its day.
    said_ahead = _future(doc, verb, verb, None) or verb.tag_ in ("VBZ", "VBP") and _cue(lemma, "visit_verb") and any(
        m.start >= verb.left_edge.idx and m.end <= verb.right_edge.idx + len(verb.right_edge.text)
        and _WEEKDAY_ONLY.match(m.text.strip()) for m in doc._.dates or ())
    date = _date(doc, scope, ahead=said_ahead)
    future = said_ahead or _future(doc, verb, verb, date)
    if not future or _behind_or_unreal(doc, verb, verb, date, future):
        return None
    place, country = _place(doc, scope)
    if _cue(lemma, "meet_verb"):
        other = None
        for child in verb.children:
            if child.dep_ == "dobj":
                other = _head_person(doc, child)
            if child.dep_ == "prep" and child.lower_ == "with":
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                other = _head_person(doc, obj) if obj is not None else None
            if other is not None:
                break
        if other is None or other is person:
            return None
        return Event(name=f"meeting of {person.name} and {other.name}", organiser=None, place=place, country=country,
                     date=date, evidence=[evidence_of(doc, verb.sent.start_char, verb.sent.end_char)],
                     confidence=CONFIDENCE)
    if country is None or country == person.actor or verb.lower_ in ("going",) and not date:
        return None
    return Event(name=f"visit of {person.name}", organiser=person.actor, place=place, country=country, date=date,
                 evidence=[evidence_of(doc, verb.sent.start_char, verb.sent.end_char)], confidence=CONFIDENCE)


def _is_list_item(sent: Span) -> bool:
    """A verbless sentence that is only a name: "NATO Summit."""
    return not any(t.pos_ in ("VERB", "AUX") for t in sent) and len([t for t in sent if not t.is_punct]) <= 6


def _list_context(sent: Span, kind: str, previous: list[Span]) -> Span | None:
    """The sentence a listed name belongs to: the last one before it that counts events of that
    kind ("three summits will take place")."""
    for earlier in reversed(previous[-4:]):
        if any(t.pos_ in ("VERB", "AUX") for t in earlier):
            if any(_noun_class(t) == kind and t.tag_ in ("NNS", "NNPS") for t in earlier):
                return earlier
            return None
    return None


def _same_event(a: Event, b: Event) -> bool:
    return a.organiser == b.organiser and dates_agree(a.date, b.date) and bool(name_words(a.name) & name_words(b.name))


def _merge_into(events: list[Event], new: Event) -> None:
    for known in events:
        if _same_event(known, new):
            known.evidence.extend(e for e in new.evidence if e not in known.evidence)
            if new.date and len(new.date) > len(known.date or ""):
                known.date = new.date
            known.place = first_filled(known.place, new.place)
            known.country = first_filled(known.country, new.country)
            return
    events.append(new)


def extract_events(doc: Doc) -> list[Event]:
    """Forthcoming events named in an annotated Doc."""
    events: list[Event] = []
    sentences = list(doc.sents)
    for index, sent in enumerate(sentences):
        list_item = _is_list_item(sent)
        for token, kind in _candidate_nouns(sent):
            context = _list_context(sent, kind, sentences[:index]) if list_item else None
            if list_item and context is None:
                continue
            event = _event_from_noun(doc, token, kind, context)
            if event is not None:
                _merge_into(events, event)
        for token in sent:
            event = _event_from_verb(doc, token)
            if event is not None:
                _merge_into(events, event)
    return events

# --- the kind: storage, merging, review, listing and scoring of events ----------------------


@lru_cache(maxsize=1)
def _generic_event_words() -> frozenset[str]:
    return words("event_generic_words.txt")


def name_words(name: str | None) -> set[str]:
    """The words that tell one event's name from another's: content words without the generic
    ones ("summit", "meeting", "visit"), which every event shares."""
    return content_words(name) - _generic_event_words()


# Forthcoming events are announced and reported again within weeks of each other.
UNDATED_WINDOW_DAYS = 45


def _days_between(a: str | None, b: str | None) -> int | None:
    try:
        return abs((Date.fromisoformat(a[:10]) - Date.fromisoformat(b[:10])).days) if a and b else None
    except ValueError:
        return None


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
        if not fields.get("date") or not fact.date:
            # An undated report agrees with any date, so only reports close in time are one event:
            # "negotiations with gas companies" in December and in June are two.
            gap = _days_between(seen, getattr(fact, "last_seen", None) or getattr(fact, "first_seen", None))
            if gap is None or gap > UNDATED_WINDOW_DAYS:
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
