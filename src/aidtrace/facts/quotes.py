"""Direct quotations and who said them.

A quote is text inside quotation marks, four or more words long, attributed by a speech verb
("said", "told", "stressed", "according to" ...) to a named person. ``attributed_quotes`` also keeps
quotes of organisations and of unnamed speakers ("the newspaper wrote"), for benchmarks that count them.
The speaker is found after the quote (`"...," Kallas said`), before it in the same sentence
(`Kallas said: "..."`, `with Zelensky saying that "..."`) or in the sentence before when that
one ends with a colon; "he", "she" and "the President" are resolved through ``aidtrace.people``.
A quote with no cue of its own that directly follows the attribution of another quote
(`"A," he said. "B."`) keeps that quote's speaker.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple


from .. import checks
from ..gazetteer import actor_code
from ..mentions import doc_text
from ..model import Evidence, Fact
from ..people import person_at, vocab
from ..speech import DOUBLES as _DOUBLES, QuotedSpan, quoted_spans, speech_verbs
from ..text import fold, surname_key, word_tokens
from ..wordlists import words
from .kind import Column, FactKind, Listing

if TYPE_CHECKING:  # spaCy only for the annotations: importing a kind must not load spaCy
    from spacy.tokens import Doc, Span


@dataclass
class Quote(Fact):
    """A direct quotation attributed to a named speaker (FACTS.md, "quote")."""

    kind: ClassVar[str] = "quotes"
    speaker: str | None
    text: str
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5
    # Beyond FACTS.md (the scorer ignores it): the actor code the speaker speaks for ("EST" for
    # "Estonian Prime Minister Kaja Kallas", "EU" for the European Commission), None when unknown.
    speaker_actor: str | None = None

MIN_WORDS = 4


_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z“\"‘]|\s*\n|\s*$)")


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(word[:-1] for word in words("honorifics.txt") if word.endswith("."))


def sentence_end(text: str, start: int = 0) -> int | None:
    """Offset just past the first sentence-ending mark in ``text[start:]`` ("Mr." and initials do not end one)."""
    abbreviations = _abbreviations()
    for match in _SENTENCE_END.finditer(text, start):
        if match.group() == ".":
            word = re.search(r"(\w+)$", text[max(0, match.start() - 12): match.start()])
            if word and (word.group(1).lower() in abbreviations or len(word.group(1)) == 1):
                continue
        return match.end()
    return None


def word_count(text: str) -> int:
    """Words as the scorer counts them (\\w+ runs)."""
    return len(re.findall(r"\w+", text))


@dataclass(frozen=True)
class _Cue:
    """An attribution found for a quote."""

    speaker: str | None  # the resolved name of a person or an organisation; None when the subject names nobody
    how: str  # "after", "before", "inherited"
    phrase: str | None = None  # the subject as written, named or not ("the newspaper", "she")
    person: bool = False  # the speaker is a person, not an organisation, a country or a title

    def who(self, named_only: bool) -> str | None:
        """The speaker a quote gets: its name, or (``named_only`` off) the phrase as written."""
        return self.speaker if named_only else self.speaker or self.phrase


# Entity types of words that never speak ("said Wednesday", "said last night").
_NOT_SPEAKERS = frozenset({"DATE", "TIME"})


def _names_someone(doc: Doc, start: int, end: int) -> bool:
    """Whether a subject phrase that names nobody still stands for a speaker ("the newspaper", "she"),
    rather than being a misread date, verb or stray mark ("Saturday", "giving", ".")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    return root.pos_ in ("NOUN", "PROPN", "PRON") and root.ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL")


def _person_cue(name: str, how: str) -> _Cue:
    return _Cue(name, how, name, True)


def _cue_of(doc: Doc, start: int, end: int, how: str) -> _Cue:
    """The cue of the subject phrase ``doc.text[start:end]``: its named speaker, if any, and the phrase."""
    phrase = doc_text(doc)[start:end].strip() or None
    named = _speaker_of(doc, start, end)
    if named is None:
        return _Cue(None, how, phrase if _names_someone(doc, start, end) else None, False)
    return _Cue(named[0], how, phrase, named[1])


def _tokens_between(doc: Doc, start: int, end: int) -> Span | None:
    if end <= start:
        return None
    return doc.char_span(start, end, alignment_mode="contract")


def _speaker_of(doc: Doc, start: int, end: int) -> tuple[str, bool] | None:
    """The named speaker in a subject span and whether it is a person: a person (resolved), else an
    organisation or proper name as written."""
    named = _named_speaker(doc, start, end)
    if named is None:
        return None
    words = [w.lower() for w in re.findall(r"[\w'’.]+", named[0])]
    titles = vocab().title_words
    if all(w in titles or w in ("the", "of", "a") for w in words):
        return None  # "Minister", "the Head": a bare title that resolved to nobody
    return named


def _named_speaker(doc: Doc, start: int, end: int) -> tuple[str, bool] | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is not None:
        # The head of the phrase decides: "Kallas' host Volodymyr Zelenskyy" is Zelenskyy.
        root = span.root
        head = person_at(doc, root.idx, root.idx + len(root.text))
        if head is not None:
            return head.name, True
    # "A clerk close to Petrenko's office", "a spokesman for Koval": a person inside a phrase headed by a common
    # noun is not the speaker (unless in an apposition: "the clerk, Olena Petrenko,"); an organisation may be
    # ("a White House official").
    inner = span is not None and span.root.pos_ == "NOUN" and span.root.lower_ not in vocab().title_words
    if inner:
        for child in span.root.children:
            if child.dep_ == "appos":
                person = person_at(doc, child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text))
                if person is not None:
                    return person.name, True
    person = None if inner else person_at(doc, start, end)
    if person is not None:
        return person.name, True
    if span is None or span.root.pos_ == "PRON":
        return None
    for ent in doc.ents:
        if ent.end_char <= start or ent.start_char >= end or (inner and ent.label_ == "PERSON"):
            continue
        if ent.label_ in ("PERSON", "ORG", "NORP", "GPE", "FAC", "WORK_OF_ART"):
            name = re.sub(r"(?:['’]s?|’)$", "", ent.text).strip()
            if ent.label_ == "PERSON" or word_count(name) >= 1:
                if ent.label_ in ("NORP", "GPE") and span.root.i not in range(ent.start, ent.end):
                    continue
                return name, ent.label_ == "PERSON" and _may_be_a_person(name)
    # A proper-name head that NER missed ("WALLACE", "Caddell").
    root = span.root
    if root.pos_ == "PROPN" and root.text[:1].isupper() and root.ent_type_ not in _NOT_SPEAKERS:
        left = root
        while left.i > span.start and doc[left.i - 1].pos_ == "PROPN":
            left = doc[left.i - 1]
        name = doc_text(doc)[left.idx: root.idx + len(root.text)]
        return name, _may_be_a_person(name)
    return None


def _may_be_a_person(name: str) -> bool:
    """False for a name of a country, an organisation or a body ("the Pentagon", "The Times")."""
    words = {w.lower() for w in re.findall(r"[\w'’]+", name)}
    return actor_code(name) is None and not words & vocab().name_stop


def _subject_after_verb(doc: Doc, verb_i: int, limit: int) -> tuple[int, int] | None:
    """The noun phrase right after an inverted verb: `said the Head of the Office of the President`."""
    i = verb_i + 1
    if i < len(doc) and doc[i].lower_ == "to" and doc[verb_i].lower_ == "according":
        i += 1
    start = i
    while i < len(doc) and doc[i].idx < limit and i - start < 12:
        token = doc[i]
        if token.is_punct and token.text not in ("-", "'s", "’s", "."):
            break
        if token.text in _DOUBLES:
            break
        if token.pos_ in ("VERB", "ADP", "SCONJ", "CCONJ") and token.lower_ not in ("of",):
            break
        i += 1
    if i == start:
        return None
    return doc[start].idx, doc[i - 1].idx + len(doc[i - 1].text)


def _cue_after(doc: Doc, quote: QuotedSpan, limit: int) -> _Cue | None:
    """`"...," Kallas said` / `"...," said the President` / `"...," according to X`."""
    close = quote.close_pos
    if close < 0:
        return None
    region_end = min(limit, len(doc_text(doc)))
    newline = doc_text(doc).find("\n", close + 1, region_end)
    if newline >= 0:
        region_end = newline  # an attribution never runs into the next paragraph
    # Only the rest of the sentence: stop at the first sentence end after the quote.
    rest = doc_text(doc)[close + 1: region_end]
    stop = sentence_end(rest)
    if stop is not None:
        region_end = close + 1 + stop
    # A byline after a dash: `"..." ― Sonya Herridge`.
    dash = re.match(r"[ \t\u00a0]*[―—–][ \t\u00a0]*", doc_text(doc)[close + 1: region_end])
    if dash:
        start = close + 1 + dash.end()
        name = re.match(r"[^\n,.;(]*", doc_text(doc)[start:region_end]).group().strip()
        if name:
            cue = _cue_of(doc, start, start + len(name), "after")
            if cue.speaker:
                return cue
    span = _tokens_between(doc, close + 1, region_end)
    if span is None:
        return None
    words = [t for t in span if not t.is_punct and not t.is_space]
    if words and words[0].is_title and words[0].pos_ in ("CCONJ", "SCONJ") \
            and re.search(r"[.!?…]\W*$", doc_text(doc)[quote.start: quote.end]):
        return None  # `"... is doing." And Portman said ...`: the quote ended its sentence, a new one begins
    verbs = speech_verbs()
    for k, token in enumerate(span):
        if k > 20:
            break
        if token.text in _DOUBLES:
            break
        word = token.lower_
        if word == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            subject = _subject_after_verb(doc, token.i, region_end)
            if subject is None:
                return None
            return _cue_of(doc, *subject, "after")
        if word not in verbs or token.pos_ not in ("VERB", "AUX", "NOUN", "PROPN"):
            continue
        before = [t for t in span[:k] if not t.is_punct and t.text not in _DOUBLES]
        # A subject phrase starts like a noun phrase and holds no clause of its own.
        nominal = before and before[0].pos_ in ("PROPN", "NOUN", "DET", "ADJ", "NUM") and not any(
            t.pos_ in ("SCONJ",) or t.tag_ in ("WDT", "WP", "WRB") or t.lower_ == "that" for t in before)
        if nominal and 6 < len(before) <= 12 and not any(t.pos_ in ("VERB", "AUX") for t in before) \
                and person_at(doc, before[0].idx, before[-1].idx + len(before[-1].text)) is not None:
            # `"...," the Zionist Union Party's Nachman Shai told`: a long name phrase, still no new clause.
            return _cue_of(doc, before[0].idx, before[-1].idx + len(before[-1].text), "after")
        if len(before) > 6:
            # `"...," Mariana Olisif, head of the agency for tourism in Ukraine told CNN`: a name, then an apposition.
            first = person_at(doc, before[0].idx, before[0].idx + len(before[0].text))
            comma = next((t for t in span[:k] if t.text == "," and t.idx > before[0].idx), None)
            if nominal and comma is not None and not any(
                    t.pos_ in ("VERB", "AUX") for t in span[:k] if t.idx > comma.idx):
                if first is not None and person_at(doc, before[0].idx, comma.idx) is first:
                    return _person_cue(first.name, "after")
                head = [t for t in span[:k] if before[0].idx <= t.idx < comma.idx]
                if first is None and 0 < len(head) <= 4 and all(t.pos_ == "PROPN" for t in head):
                    return _cue_of(doc, head[0].idx, head[-1].idx + len(head[-1].text), "after")
            # `"...," Rep. Jim Jordan (R-Ohio), an oversight panel member, said`: skip the apposition.
            pre = doc_text(doc)[close + 1: token.idx]
            core = re.sub(r"\([^()]*\)", " ", pre)
            core = re.sub(r",[^,]*,\s*$", " ", core)
            if word_count(core) <= 5:
                head = re.match(r"[\s,”\"’']*", pre).end()
                stop = close + 1 + head + len(re.split(r"[,(]", pre[head:], maxsplit=1)[0].rstrip())
                return _cue_of(doc, close + 1 + head, stop, "after")
            return None  # too far from the quote: a new clause, not its attribution
        if before and all(t.pos_ in ("CCONJ", "ADV", "PART") for t in before):
            return None  # `" and said ...`: a verb sharing the subject of the clause before the quote
        if before and (before[0].pos_ in ("SCONJ", "ADP") or before[0].tag_ in ("WRB", "WDT", "WP")):
            return None  # `", when Clinton blasted him`: a new clause, not the attribution
        if before:
            return _cue_of(doc, before[0].idx, before[-1].idx + len(before[-1].text), "after")
        if token.tag_ == "VBG":
            return None  # `"...," saying the city ...`: a participle of the clause before, its object follows
        subject = _subject_after_verb(doc, token.i, region_end)
        if subject is None:
            return None
        return _title_then_name(doc, _cue_of(doc, *subject, "after"), subject[1], region_end)
    return None


def _title_then_name(doc: Doc, cue: _Cue, end: int, limit: int) -> _Cue:
    """`said the mayor of Lviv, Andrii Sadovyi`: a title that names nobody, then the name in apposition."""
    if cue.speaker is not None:
        return cue
    comma = re.match(r"\s*,\s*", doc_text(doc)[end:limit])
    if comma is None:
        return cue
    start = end + comma.end()
    person = next((m for m in doc._.person_mentions or () if m.start == start and m.how == "name"), None)
    return _person_cue(person.person.name, cue.how) if person is not None else cue


def _subject_of_verb(doc: Doc, verb, region_start: int) -> tuple[int, int] | None:
    # Of two subjects the parser hangs on one verb ("in Berea, OH, ... Gov. John Kasich (R-OH) said"),
    # the one nearest the verb is its subject; the other is a misparsed place or time before it.
    children = sorted(verb.children, key=lambda c: abs(c.i - verb.i))
    for child in children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.idx >= region_start and child.is_alpha:
            if child.dep_ == "nsubjpass" and verb.lower_ in speech_verbs():
                # "This was stated by Yermak": the agent is the speaker (of a passive speech verb only:
                # in "X was joined by Y and joked" X jokes).
                for agent in verb.children:
                    if agent.dep_ == "agent":
                        objs = [c for c in agent.children if c.dep_ == "pobj"]
                        if objs:
                            sub = list(objs[0].subtree)
                            return sub[0].idx, sub[-1].idx + len(sub[-1].text)
            if child.tag_ in ("WP", "WDT") and verb.dep_ == "relcl" and verb.head.i < child.i:
                # "Morial, who leads the league, said": the relative pronoun speaks for its antecedent.
                antecedent = verb.head
                return antecedent.left_edge.idx, antecedent.idx + len(antecedent.text)
            sub = list(child.subtree)
            return sub[0].idx, sub[-1].idx + len(sub[-1].text)
    # A conjoined or participial verb shares its head's subject ("Kallas smiled and said").
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
        return _subject_of_verb(doc, verb.head, region_start) if verb.head.i < verb.i else None
    # "X drew boos upon saying": the verb the preposition hangs on has the subject.
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.i < verb.i:
        return _subject_of_verb(doc, verb.head.head, region_start)
    return None


def _cue_before(doc: Doc, quote: QuotedSpan, region_start: int, quoted: list[QuotedSpan]) -> _Cue | None:
    """`Kallas said: "..."`, `with Zelensky saying that "..."`, `According to X, "..."`."""
    span = _tokens_between(doc, region_start, quote.open_pos)
    if span is None:
        return None
    verbs = speech_verbs()
    inside = [(q.open_pos, q.end) for q in quoted]

    def is_quoted(pos: int) -> bool:
        return any(s <= pos < e for s, e in inside)

    for token in reversed(span):
        if is_quoted(token.idx):
            continue
        word = token.lower_
        if word == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            subject = _subject_after_verb(doc, token.i, quote.open_pos)
            if subject is None:
                return None
            return _cue_of(doc, *subject, "before")
        if word not in verbs or (token.pos_ not in ("VERB", "AUX") and not (token.is_sent_start and token.is_title)):
            continue
        if token.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _SUBORDINATORS for c in token.children) \
                and token.i < token.head.i and token.head.idx < quote.open_pos:
            continue  # `When Trump suggested ..., Rubio fired back: "..."`: the speech of a subordinate clause
        subject = _subject_of_verb(doc, token, region_start)
        if subject is None:
            # Inverted order: `Said Ellis: "..."`, `..., said Kallas: "..."`.
            after = _subject_after_verb(doc, token.i, quote.open_pos)
            cue = _cue_of(doc, *after, "before") if after else None
            if cue is not None and cue.speaker:
                return cue
            # Otherwise the subject of the sentence ("Bolton distanced himself ..., if asked."), when it names
            # a person, else the last person named earlier in the same sentence.
            root = token.sent.root
            main = _subject_of_verb(doc, root, region_start) if root is not token and root.i < token.i else None
            main_cue = _cue_of(doc, *main, "before") if main is not None else None
            if main_cue is not None and main_cue.person and _heads_phrase(doc, main_cue.phrase, *main):
                return main_cue
            clause_start = region_start
            for end in re.finditer(r"[.!?]\s", doc_text(doc)[region_start: token.idx]):
                clause_start = region_start + end.end()
            # A possessor ("Sanders's team", "Trump's campaign") is not the speaker.
            people = [m for m in doc._.person_mentions or () if clause_start <= m.start < token.idx
                      and not re.match(r"['’]s?\b|’", doc_text(doc)[m.end: m.end + 2])]
            if people:
                return _person_cue(people[-1].person.name, "before")
            # "an angry army of workers ... carrying signs saying, "...": the subject as written, named or not.
            return main_cue if main_cue is not None and main_cue.phrase and not main_cue.speaker else None
        cue = _cue_of(doc, *subject, "before")
        if cue.speaker is None and (token.tag_ == "VBG" or token.dep_ in ("conj", "advcl", "xcomp")):
            # "..., saying, "..."": a participle mis-attached by the parser; the sentence's subject speaks.
            root = token.sent.root
            main = _subject_of_verb(doc, root, region_start) if root is not token else None
            if main is not None:
                main_cue = _cue_of(doc, *main, "before")
                if main_cue.speaker:
                    cue = main_cue
        return cue
    return None


def _sentence_start(doc: Doc, pos: int) -> int:
    """Start offset of the sentence holding ``pos`` (spaCy's segmentation, trimmed to the paragraph)."""
    span = doc.char_span(pos, min(pos + 1, len(doc_text(doc))), alignment_mode="expand")
    start = span.sent.start_char if span is not None else pos
    para = doc_text(doc).rfind("\n", 0, pos) + 1
    return max(start, para)


def _previous_sentence_start(doc: Doc, pos: int) -> int:
    """Start of the sentence that ends right before ``pos`` (across a paragraph break)."""
    j = pos - 1
    while j > 0 and doc_text(doc)[j].isspace():
        j -= 1
    if j <= 0:
        return pos
    return _sentence_start(doc, j)


def _heads_phrase(doc: Doc, phrase: str | None, start: int, end: int) -> bool:
    """Whether the subject ``phrase`` (found in ``doc.text[start:end]``) has a name or a person as its head, not
    only a person inside it ("McConnell, R-Ky.," is headed by McConnell; "The timing of Sanders' surge" by "timing")."""
    at = doc_text(doc).find(phrase or "", start, end)
    span = doc.char_span(at, at + len(phrase), alignment_mode="expand") if phrase and at >= 0 else None
    if span is None:
        return False
    root = span.root
    while root.dep_ in ("appos", "compound", "flat") and root.head is not root and span.start <= root.head.i < span.end:
        root = root.head
    return root.pos_ == "PROPN" or person_at(doc, root.idx, root.idx + len(root.text)) is not None


def _colon_subject(doc: Doc, start: int, end: int) -> _Cue | None:
    """`Here's Clinton in December 1992: "..."`: a colon introduces the words of the clause's subject or last person."""
    span = _tokens_between(doc, start, end)
    if span is None or len(span) > 25:
        return None
    roots = [t for t in span if t.head.i == t.i or not (span.start <= t.head.i < span.end)]
    subjects = [cue for cue in (_cue_of(doc, *subject, "before") for subject in
                                (_subject_of_verb(doc, root, start) for root in roots) if subject is not None)
                if cue.speaker]
    # A person heading the subject speaks (`McConnell delivered a blunt message to Trump: "..."`); else the person
    # named right before the colon (`The timing ... doesn't surprise pollster Daron Shaw: "..."`).
    for cue in subjects:
        if cue.person and _heads_phrase(doc, cue.phrase, start, end):
            return cue
    colon = doc_text(doc).rfind(":", start, end)
    named = [m for m in doc._.person_mentions or () if start <= m.start and m.end <= colon and m.how != "pronoun"]
    if named and re.fullmatch(r"\s*(?:\([^()]*\))?\s*", doc_text(doc)[named[-1].end: colon]):
        return _person_cue(named[-1].person.name, "before")
    if subjects:
        return subjects[0]
    people = [m for m in doc._.person_mentions or () if start <= m.start < end and m.how != "pronoun"]
    if people:
        return _person_cue(people[-1].person.name, "before")
    return None


def _before(doc: Doc, quote: QuotedSpan, previous, spans: list[QuotedSpan], look_back: bool = True) -> _Cue | None:
    """The attribution before a quote: in its own sentence, or (``look_back``) in the sentence before when that
    announces it (ends with ":" or "X said.")."""
    text = doc_text(doc)
    start = _sentence_start(doc, quote.open_pos)
    # A short quoted word before ("a “new” expectation ... should “...”") does not cut the sentence off.
    if previous is not None and previous[0].close_pos >= 0 \
            and word_count(text[previous[0].start: previous[0].end]) >= MIN_WORDS:
        start = max(start, previous[0].close_pos + 1)
    before = text[start: quote.open_pos]
    if before.strip() and not before.rstrip().endswith(":"):
        return _cue_before(doc, quote, start, spans)
    cue = None
    if before.rstrip().endswith(":"):
        cue = _cue_before(doc, quote, start, spans) or _colon_subject(doc, start, quote.open_pos)
    if cue is None and not before.strip() and look_back:
        prev_start = _previous_sentence_start(doc, start)
        prev_text = text[prev_start:start].rstrip()
        last_word = re.search(r"(\w+)[.:]$", prev_text)
        # `Kallas said: "..."` and `..., Schiff said. "..."`: the sentence before announces the quote.
        announces = prev_text.endswith(":") or (
            last_word is not None and last_word.group(1).lower() in speech_verbs() and "\n" not in text[prev_start:start])
        if announces and (previous is None or previous[0].end <= prev_start):
            cue = _cue_before(doc, quote, prev_start, spans)
    return cue


# Conjunctions of a clause that sets the scene for another speaker ("When Trump suggested ..., Rubio fired back:"),
# unlike "as" ("as Pollak observed, ...:"), which attributes.
_SUBORDINATORS = frozenset(words("subordinators.txt"))

# Words that may join two quoted pieces of one sentence by one speaker.
_CONJUNCTIONS = frozenset({"and", "or", "but", "so"})
_JOINERS = _CONJUNCTIONS | {"then", "also", "as", "well", "a", "an"}


def _second_speech_verb(doc: Doc, start: int, end: int) -> bool:
    """Whether ``doc.text[start:end]``, the attribution of one quote running up to the next, holds a second speech
    verb with a subject of its own (`"A," Axelrod tweeted after Clinton argued that "B."`): B is Clinton's."""
    span = _tokens_between(doc, start, end)
    if span is None:
        return False
    verbs = speech_verbs()
    said = [t for t in span if t.lower_ in verbs and t.pos_ in ("VERB", "AUX")]
    return len(said) >= 2 and any(c.dep_ in ("nsubj", "nsubjpass") for c in said[-1].children)


class Attributed(NamedTuple):
    """A quoted span with its attribution, before the registry keeps only named people's words."""

    quote: Quote
    person: bool  # the speaker is a named person (FACTS.md: the registry's quotes)


def extract_quotes(doc: Doc) -> list[Quote]:
    """Direct quotations of 4+ words with a named person as speaker, in text order."""
    return [found.quote for found in attributed_quotes(doc, named_only=True) if found.person]


def attributed_quotes(doc: Doc, named_only: bool = False) -> list[Attributed]:
    """Every quotation of 4+ words that has an attribution, in text order. With ``named_only`` the
    speaker is a name (a person's, resolved, or an organisation's) and quotes whose subject names
    nobody are left out; without it such a quote keeps its subject as written ("the newspaper",
    "the ad's narrator"), as a quotation benchmark counting every attributed quote wants it."""
    text = doc_text(doc)
    spans = quoted_spans(text)
    found: list[Attributed] = []
    previous: tuple[QuotedSpan, _Cue | None, int] | None = None  # last quote, its cue, end of its attribution
    run_cue: _Cue | None = None
    run: list[QuotedSpan] = []

    def who(cue: _Cue | None) -> str | None:
        return cue.who(named_only) if cue is not None else None

    for index, quote in enumerate(spans):
        limit = spans[index + 1].open_pos if index + 1 < len(spans) else len(text)
        cue = _cue_after(doc, quote, limit)
        if cue is None and previous is not None and previous[1] is not None and previous[1].how == "after" \
                and who(previous[1]) and not text[previous[2]: quote.open_pos].strip() \
                and not _second_speech_verb(doc, previous[0].close_pos + 1, quote.open_pos):
            # `"A," said X, head of Y. "B."`: B continues right after A's attribution.
            cue = replace(previous[1], how="inherited")
        ends_sentence = bool(re.search(r"[.!?…]\W*$", text[quote.start: quote.end]))
        if cue is None or (ends_sentence and cue.how == "after"):
            # A quote that ends its own sentence is more often attributed before it than after it.
            before_cue = _before(doc, quote, previous, spans, look_back=cue is None)
            if before_cue is not None and (cue is None or before_cue.speaker):
                cue = before_cue
        if cue is None and previous is not None and who(previous[1]):
            gap = text[previous[2]: quote.open_pos]
            # An unattributed quote right after another (next paragraph, nothing between) goes on with its speaker.
            continued = not gap.strip(" \t\n\u00a0”\"")
            after_attribution = previous[1].how == "after" and len(gap) < 200 and len(re.findall(r"[.!?]\s", gap)) <= 1
            # `tells supporters to "A" and then "B"`, `told me "A" so "B"`, `needed "A" by Israel, and "B"`:
            # still the same sentence, still the same speaker.
            joint = re.findall(r"\w+", gap.lower())
            same_sentence = not re.search(r"[.!?:]\s|\n", gap) and bool(joint) and (
                len(joint) <= 4 and set(joint) <= _JOINERS or len(joint) <= 6 and joint[-1] in _CONJUNCTIONS)
            after_attribution = after_attribution or same_sentence
            if continued or after_attribution:
                cue = replace(previous[1], how="inherited")
        # A multi-paragraph run takes its speaker from the attribution found anywhere in the run.
        if quote.close_pos < 0:
            run.append(quote)
            if (run_cue is None or not run_cue.speaker) and who(cue) and (cue.speaker or run_cue is None):
                run_cue = cue
            previous = (quote, cue or run_cue, quote.end)
            continue
        if run:
            if not who(cue) or (run_cue is not None and run_cue.speaker and not cue.speaker):
                cue = run_cue
            for part in run:
                _add(found, doc, part, cue, who(cue), 0.6)
            run, run_cue = [], None
        attribution_end = quote.close_pos + 1
        if cue is not None and cue.how == "after":
            rest = text[attribution_end:limit]
            stop = sentence_end(rest)
            comma = re.search(r"[,;:]\s*(?=[\"“‘])", rest)
            if comma and (stop is None or comma.end() < stop):
                stop = comma.end()
            attribution_end += stop if stop is not None else len(rest)
        previous = (quote, cue, attribution_end)
        if not who(cue):
            continue
        confidence = {"after": 0.9, "before": 0.8, "inherited": 0.7}[cue.how]
        _add(found, doc, quote, cue, who(cue), confidence)
    if run:
        for part in run:
            _add(found, doc, part, run_cue, who(run_cue), 0.5)
    found.sort(key=lambda f: f.quote.evidence[0].start)
    return found


_TITLE_SMALL = {"a", "an", "the", "of", "and", "or", "to", "in", "on", "for", "with", "at", "by", "from", "is", "if"}


def looks_like_title(text: str) -> bool:
    """Title Case with no sentence inside ("State of the Union", "I Fear The Same Thing Is True"): a name of a thing."""
    words = re.findall(r"[\w’']+", text)
    if not words or len(words) > 16 or re.search(r"[.!?;:]\s+\S", text.strip()):
        return False
    big = [w for w in words if w.lower() not in _TITLE_SMALL or w[:1].isupper()]
    capitalised = [w for w in big if w[:1].isupper() or w[:1].isdigit()]
    return len(capitalised) == len(big) and len(big) >= 2


def _add(found: list[Attributed], doc: Doc, span: QuotedSpan, cue: _Cue | None, speaker: str | None,
         confidence: float) -> None:
    if not speaker or cue is None:
        return
    text = doc_text(doc)[span.start: span.end]
    if word_count(text) < MIN_WORDS or looks_like_title(text):
        return
    quote = Quote(speaker=speaker, text=text, evidence=[Evidence(span.start, span.end, text)],
                  confidence=confidence, speaker_actor=speaker_actor(doc, speaker) if cue.speaker else None)
    found.append(Attributed(quote, cue.person and speaker == cue.speaker))


def speaker_actor(doc: Doc, speaker: str) -> str | None:
    """The actor a quote's speaker speaks for: the resolved person's (from the document's own
    apposition, "Estonian Prime Minister Kaja Kallas", else the leaders list), or for an
    organisation or country speaking ("the European Commission said") its own code."""
    # Every cue gives a resolved person's name exactly as ``Person.name``, so the name finds it.
    person = next((p for p in doc._.people or () if p.name == speaker), None)
    if person is not None:
        return person.actor
    return actor_code(speaker)


# --- the kind: storage, merging, review, listing and scoring of quotes ----------------------


def quote_key(speaker: str | None, text: str) -> str:
    """Merge key of a quote: speaker surname and a hash of its folded words (the same words with
    other punctuation or case are the same quote)."""
    words = " ".join(re.findall(r"\w+", fold(text)))
    return f"{surname_key(speaker or '')}|{hashlib.sha1(words.encode('utf-8')).hexdigest()}"


def _fullest(a: str | None, b: str | None) -> str | None:
    """Of two spellings of one name, the longer one (then the first in code-point order), so the
    choice does not depend on which document came first."""
    if not a or not b:
        return a or b
    return max((a, b), key=lambda name: (len(name), [-ord(c) for c in name]))


def _smallest(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else min(a, b)


class QuoteKind(FactKind):
    """One quote per speaker surname and wording."""

    name = "quotes"
    label = "Quotes"
    fact_class = Quote
    columns = (
        Column("speaker", "str", 256, index=True),
        Column("text", "text", required=True),
        Column("speaker_actor", "str", 16, doc="the actor code the speaker speaks for (0003)"),
    )
    # (speaker, first_seen): the quotes of one person, newest first, without a sort; and
    # (speaker_actor, first_seen) likewise the quotes of one partner's people.
    indexes = (("speaker", "first_seen"), ("speaker_actor", "first_seen"))
    editable = {"speaker": checks.text(256), "text": checks.text(20000, required=True),
                "speaker_actor": checks.actor(required=False)}
    listing = Listing(
        date="first_seen",
        columns=("id", "first_seen", "speaker", "text", "mention_count", "confidence", "review_state"),
        sorts=("first_seen", "speaker", "text", "mention_count", "id"),
        text=("text", "speaker"),
        partner="speaker_actor", person="speaker",
    )
    scored_fields = ("speaker",)
    always_checked = ("speaker",)  # a quote whose gold speaker is unknown is still checked
    attribution_field = "speaker"

    def extract(self, doc: Doc) -> list[Quote]:
        return extract_quotes(doc)

    def merge_key(self, fields: Mapping[str, Any], seen: str | None) -> str:
        return quote_key(fields.get("speaker"), fields.get("text") or "")

    def fold(self, fact: Any, fields: Mapping[str, Any], seen: str | None, fresh: bool) -> None:
        # Commutative: whatever order the documents come in, the same quote reads the same.
        if fresh:
            fact.speaker, fact.text, fact.speaker_actor = (
                fields.get("speaker"), fields.get("text"), fields.get("speaker_actor") or None)
            return
        fact.speaker = _fullest(fact.speaker, fields.get("speaker"))
        fact.text = _smallest(fact.text, fields.get("text"))
        fact.speaker_actor = _smallest(fact.speaker_actor, fields.get("speaker_actor") or None)

    def after_correction(self, fact: Any, changes: Mapping[str, Any], mentions: list[Mapping[str, Any]]) -> None:
        if "speaker" in changes and "speaker_actor" not in changes:
            # The actor the extractor read for this person in the fact's own documents, when they
            # agree on one; otherwise unknown (a reviewer may set it), never a guess from elsewhere.
            key = surname_key(changes["speaker"])
            actors = {m.get("speaker_actor") for m in mentions
                      if m.get("speaker_actor") and surname_key(m.get("speaker")) == key}
            fact.speaker_actor = actors.pop() if len(actors) == 1 else None

    def describe(self, fact: Mapping[str, Any]) -> str:
        text = fact.get("text") or ""
        shown = text[:80] + ("…" if len(text) > 80 else "")
        return f"{fact.get('speaker') or 'Unattributed'}: “{shown}”"

    def pair(self, gold: Mapping[str, Any], pred: Mapping[str, Any]) -> float | None:
        """Token overlap coefficient (shared tokens / tokens of the shorter text), when at least 0.5
        and at least half of the gold quote's tokens are covered."""
        gold_tokens, pred_tokens = word_tokens(gold.get("text")), word_tokens(pred.get("text"))
        if not gold_tokens or not pred_tokens:
            return None
        shared = sum((Counter(gold_tokens) & Counter(pred_tokens)).values())
        overlap = shared / min(len(gold_tokens), len(pred_tokens))
        if overlap < 0.5 or shared / len(gold_tokens) < 0.5:
            return None
        return overlap

    def field_right(self, name: str, gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
        if name == "speaker":  # FACTS.md compares names by surname
            return surname_key(gold.get(name)) == surname_key(pred.get(name))
        return super().field_right(name, gold, pred)


KIND = QuoteKind()

__all__ = ["Quote", "KIND", "extract_quotes", "attributed_quotes", "Attributed", "speaker_actor", "quoted_spans",
           "QuotedSpan", "speech_verbs", "word_count", "looks_like_title", "quote_key"]
