"""The ``aidtrace_gazetteer`` spaCy component: countries, organisations and Ukrainian places in
text, as ``doc._.actors`` (``ActorMention``) and ``doc._.places`` (``PlaceMention``).

One PhraseMatcher per pipeline, built from the data files the lookups in ``lookup.py`` read.
"""
from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..mentions import ActorMention, PlaceMention, register_extensions
from .lookup import _ACTOR, _PRIORITY, _entries

class Gazetteer:
    """The matcher of one pipeline: built once from the data files, then applied to every Doc."""

    def __init__(self, vocab: Vocab, make_doc: Callable[[str], Doc]) -> None:
        register_extensions()
        self.matcher = PhraseMatcher(vocab, attr="ORTH")
        by_key: dict[str, list[str]] = {}
        for entry in _entries():
            aliases = by_key.setdefault(entry.key, [])
            aliases.append(entry.alias)
            # News datelines shout place names ("KYIV, March 3 -"); acronyms are already upper case,
            # and short words would turn into acronyms of something else.
            upper = entry.alias.upper()
            if upper != entry.alias and len(entry.alias) >= 4 and "organisation" not in entry.key:
                aliases.append(upper)
        # Patterns are tokenised by the pipeline's own tokenizer, so they split as documents do.
        for key, aliases in by_key.items():
            self.matcher.add(key, [make_doc(alias) for alias in aliases])
        self.keys = {vocab.strings[key]: key for key in by_key}

    def __call__(self, doc: Doc) -> Doc:
        actors: list[tuple[int, int, str, str]] = []
        places: list[tuple[int, int, str, str]] = []
        for match_id, start, end in self.matcher(doc):
            key = self.keys[match_id]
            if _is_person(doc, start, end):
                continue
            how, code = key[1:].split("|", 1)
            (actors if key[0] == _ACTOR else places).append((start, end, code, how))
        chosen_places = _longest(doc, places)
        # A capital inside a longer place name is not the government: "Kyiv" in "Kyiv Oblast".
        inside = set()
        for span, _, _ in chosen_places:
            if len(span) > 1:
                inside.update(range(span.start, span.end))
        doc._.actors = [
            ActorMention(s.start_char, s.end_char, s.text, code, how)
            for s, code, how in _longest(doc, actors)
            if not (how == "capital" and s.start in inside)
        ]
        doc._.places = [PlaceMention(s.start_char, s.end_char, s.text, code, how) for s, code, how in chosen_places]
        return doc


def _is_person(doc: Doc, start: int, end: int) -> bool:
    """A match inside a longer PERSON entity is part of a person's name when a name word
    precedes it ("George Washington", "Hanna Mali") or when it opens the name and no lower-case
    word such as "of" comes before it ("Jordan Peterson said", but not "President of Austria Karl
    Nehammer", which the small model also tags as one PERSON)."""
    if doc[start].ent_type_ != "PERSON":
        return False
    if doc[start].ent_iob_ == "I":  # the entity began earlier
        before = doc[start - 1]
        return before.is_alpha and before.is_title
    if end < len(doc) and doc[end].ent_iob_ == "I":  # the entity goes on with a name word
        return doc[end].is_alpha and doc[end].is_title and (start == 0 or not doc[start - 1].is_lower)
    return False


def _longest(doc: Doc, matches: list[tuple[int, int, str, str]]):
    """Non-overlapping matches, longest first, then earliest, then by the reading that says most
    ("Luxembourg" the country before Luxembourg the capital); returned in text order."""
    taken = [False] * len(doc)
    chosen = []
    for start, end, code, how in sorted(matches, key=lambda m: (m[0] - m[1], m[0], _PRIORITY.get(m[3], 9))):
        if any(taken[start:end]):
            continue
        for i in range(start, end):
            taken[i] = True
        chosen.append((start, end, code, how))
    chosen.sort()
    return [(doc[start:end], code, how) for start, end, code, how in chosen]


@Language.factory("aidtrace_gazetteer")
def make_gazetteer(nlp: Language, name: str) -> Gazetteer:
    """spaCy factory: ``nlp.add_pipe("aidtrace_gazetteer")`` after the NER component."""
    return Gazetteer(nlp.vocab, nlp.make_doc)
