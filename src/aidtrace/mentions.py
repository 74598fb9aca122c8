"""What the annotators find in a document before any fact is built.

Each annotator is a spaCy component (see ``aidtrace.pipeline``) that fills one ``Doc``
extension with a sorted list of mentions; the fact extractors in ``aidtrace.facts`` read them.
All offsets are character offsets into ``doc.text``.
"""
from __future__ import annotations

from dataclasses import dataclass

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True)
class ActorMention:
    """A country or organisation named in the text: "Estonia", "Estonian", "Tallinn", "the European Commission"."""

    start: int
    end: int
    text: str
    code: str  # ISO 3166-1 alpha-3 or an organisation code of FACTS.md (EU, NATO, ...)
    how: str  # "name", "demonym", "capital", "organisation"


@dataclass(frozen=True)
class PlaceMention:
    """A Ukrainian region, or a city/town/village in Ukraine mapped to its region."""

    start: int
    end: int
    text: str
    region: str  # ISO 3166-2:UA, e.g. "UA-18"
    how: str  # "region" (an oblast, Kyiv city, Crimea, Sevastopol) or "settlement"


@dataclass
class Person:
    """A person named in full at least once in the document."""

    name: str  # as written in full: "Volodymyr Zelenskyy"
    surname: str
    role: str | None = None  # "President", "Prime Minister", "Minister of Foreign Affairs" ...
    actor: str | None = None  # country/organisation the person speaks for, when known
    first_start: int = 0  # offset of the first full-name mention


@dataclass(frozen=True)
class PersonMention:
    """A mention that refers to a person: full name, surname, title ("the President") or pronoun."""

    start: int
    end: int
    text: str
    person: Person
    how: str  # "name", "surname", "title", "pronoun"


@dataclass(frozen=True)
class DateMention:
    """A date expression resolved against the publication date."""

    start: int
    end: int
    text: str
    value: str  # "YYYY-MM-DD" or "YYYY-MM"


@dataclass(frozen=True)
class MoneyMention:
    """A money value: "€50 million" → 50000000.0 EUR."""

    start: int
    end: int
    text: str
    amount: float
    currency: str  # ISO 4217


def register_extensions() -> None:
    """Register the ``Doc`` extensions aidtrace uses; safe to call more than once (the pipeline
    and the gazetteer component call it before any Doc is annotated)."""
    from spacy.tokens import Doc

    for name, default in (
        ("doc_id", None),
        ("published", None),  # "YYYY-MM-DD" or None
        ("actors", None),  # list[ActorMention]
        ("places", None),  # list[PlaceMention]
        ("people", None),  # list[Person]
        ("person_mentions", None),  # list[PersonMention]
        ("dates", None),  # list[DateMention]
        ("money", None),  # list[MoneyMention]
    ):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)



def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc: spaCy joins the tokens again on every access, which turns
    per-sentence slicing into quadratic work on long documents."""
    text = doc.user_data.get("aidtrace_text")
    if text is None:
        text = doc.user_data["aidtrace_text"] = doc.text
    return text
