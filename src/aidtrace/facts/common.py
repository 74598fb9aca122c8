"""Helpers shared by the fact extractors: who a span speaks for, and which ally a document is about."""
from __future__ import annotations

from typing import TYPE_CHECKING

from collections import Counter


from ..mentions import PersonMention, doc_text
from ..model import Evidence
from ..wordlists import table, words

if TYPE_CHECKING:  # spaCy only for the annotations: importing a kind must not load spaCy
    from spacy.tokens import Doc, Span, Token

# Actors that are never donors, patrons or endorsers of Ukraine's goals.
# Belarus, North Korea and Iran arm Russia; their "supplies" are never aid to Ukraine.
NOT_ALLIES = frozenset({"UKR", "RUS", "BLR", "PRK", "IRN"})


def evidence_of(doc: Doc, start: int, end: int) -> Evidence:
    """Evidence for the character span [start, end) of the document."""
    return Evidence.of(doc_text(doc), start, end)


def actors_in(doc: Doc, start: int, end: int, *, people: bool = True) -> list[tuple[int, str]]:
    """(offset, actor code) of every actor named in [start, end): countries and organisations,
    institutions that stand for a government ("the Pentagon"), and people who speak for an actor."""
    found: list[tuple[int, str]] = []
    for mention in doc._.actors or ():
        if mention.start >= start and mention.end <= end:
            found.append((mention.start, mention.code))
    found.extend(_institutions(doc, start, end))
    if people:
        for mention in doc._.person_mentions or ():
            if mention.start >= start and mention.end <= end and mention.how != "pronoun" and mention.person.actor:
                found.append((mention.start, mention.person.actor))
    found.sort()
    return found


def _institutions(doc: Doc, start: int, end: int) -> list[tuple[int, str]]:
    names = table("institutions.tsv")
    text = doc_text(doc)[start:end].lower()
    found = []
    for name, code in names.items():
        position = text.find(name)
        while position >= 0:
            before = text[position - 1] if position > 0 else " "
            after_index = position + len(name)
            after = text[after_index] if after_index < len(text) else " "
            if not before.isalnum() and not after.isalnum():
                found.append((start + position, code))
            position = text.find(name, position + 1)
    return found


def allies_in(doc: Doc, start: int, end: int, *, people: bool = True) -> list[str]:
    """Distinct actor codes in [start, end) other than Ukraine and Russia, in order of appearance."""
    seen: list[str] = []
    for _, code in actors_in(doc, start, end, people=people):
        if code not in NOT_ALLIES and code not in seen:
            seen.append(code)
    return seen


def allies_of_tokens(doc: Doc, tokens: list[Token] | Span) -> list[str]:
    """Allies named inside a token range (a subtree or a span)."""
    tokens = list(tokens)
    if not tokens:
        return []
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t.text) for t in tokens)
    return allies_in(doc, start, end)


def main_partner(doc: Doc) -> str | None:
    """The foreign actor a document is mostly about: the counterpart of "the parties", "your
    country" and "we agreed". People count double: a visiting minister names her country once."""
    counts: Counter[str] = Counter()
    for mention in doc._.actors or ():
        if mention.code not in NOT_ALLIES and mention.how != "organisation":
            counts[mention.code] += 1
    for mention in doc._.person_mentions or ():
        actor = mention.person.actor
        if actor and actor not in NOT_ALLIES and mention.how != "pronoun":
            counts[actor] += 2
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def is_real_person(doc: Doc, person) -> bool:
    """False for names the NER took for people that are places or bodies ("Zhytomyr Oblast",
    "Verkhovna Rada", "Kryvyi Rih")."""
    words_ = person.name.lower().split()
    if words("name_stopwords.txt") & set(words_):
        return False
    start = person.first_start
    end = start + len(person.name)
    for mention in list(doc._.places or ()) + list(doc._.actors or ()):
        if mention.start < end and start < mention.end:
            return False
    return True


def person_mentions_in(doc: Doc, start: int, end: int) -> list[PersonMention]:
    return [m for m in doc._.person_mentions or ()
            if m.start >= start and m.end <= end and is_real_person(doc, m.person)]


def subtree_span(token: Token) -> tuple[int, int]:
    """Character span of a token's subtree."""
    left, right = token.left_edge, token.right_edge
    return left.idx, right.idx + len(right.text)
