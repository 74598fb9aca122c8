"""The extraction model's shared pieces: a document, a span of evidence, and the base of every fact.

Each fact kind's dataclass lives in its own module (``aidtrace.facts.<kind>``); together they
are the contract of ``../shared/eval/FACTS.md`` plus what aidtrace adds (evidence offsets and a
confidence). Everything depends on this module; it depends on nothing of aidtrace's.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar

# The organisations FACTS.md names as actors, beside ISO 3166-1 alpha-3 country codes.
ORGANISATIONS = ("EU", "NATO", "UN", "IMF", "WB", "EIB", "EBRD", "G7", "OSCE", "ICRC")


@dataclass(frozen=True)
class Evidence:
    """A span of the document text that supports a fact: ``text == document.text[start:end]``."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, document_text: str, start: int, end: int) -> "Evidence":
        return cls(start, end, document_text[start:end])


@dataclass
class Document:
    """One input document, whatever it was read from."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date YYYY-MM-DD (time dropped)
    source: str | None = None


@dataclass
class Fact:
    """Base of every fact kind: every fact carries its evidence and a confidence in [0, 1]."""

    kind: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = [asdict(e) if not isinstance(e, dict) else e for e in self.evidence]  # type: ignore[attr-defined]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["evidence"] = [Evidence(**e) for e in data.get("evidence") or []]
        return cls(**values)
