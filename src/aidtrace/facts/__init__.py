"""The fact kinds and their registry: everything about a kind lives in its own module.

==============  ==============================  ========================================
kind            module                          one fact per
==============  ==============================  ========================================
meetings        ``facts/meetings.py``           set of participants and day
quotes          ``facts/quotes.py``             speaker and wording
commitments     ``facts/commitments.py``        donor and package (amount, items, dates)
endorsements    ``facts/endorsements.py``       actor and subject
patronages      ``facts/patronages.py``         patron and region
events          ``facts/events.py``             organiser, name and compatible dates
==============  ==============================  ========================================

Each module holds the kind's dataclass, its extractor (a pure function: annotated ``Doc`` in,
facts out) and ``KIND``, the :class:`~aidtrace.facts.kind.FactKind` that storage, review, the
web and scoring loop over. Adding a kind is one module here (listed in ``_MODULES``) and one
migration of the registry's schema.
"""
from __future__ import annotations

from typing import Any

from ..model import Fact
from . import commitments, endorsements, events, meetings, patronages, quotes
from .kind import FactKind

_MODULES = (meetings, quotes, commitments, endorsements, patronages, events)
KINDS: dict[str, FactKind] = {module.KIND.name: module.KIND for module in _MODULES}
FACT_KINDS: tuple[str, ...] = tuple(KINDS)


class UnknownKind(ValueError):
    """A fact kind that does not exist."""


def kind(name: str) -> FactKind:
    """The kind named ``name`` ("commitments"); :class:`UnknownKind` naming the known ones."""
    try:
        return KINDS[name]
    except (KeyError, TypeError):
        raise UnknownKind(f"unknown fact kind {name!r}; one of {', '.join(FACT_KINDS)}") from None


class DocumentFacts:
    """Everything extracted from one document, in the JSONL shape of FACTS.md: the facts of each
    kind are an attribute named after it (``facts.commitments``)."""

    def __init__(self, doc_id: str, published: str | None, title: str | None = None, url: str | None = None,
                 **by_kind: list[Fact]) -> None:
        unknown = set(by_kind) - set(KINDS)
        if unknown:
            raise UnknownKind(f"unknown fact kinds {', '.join(sorted(unknown))}; one of {', '.join(FACT_KINDS)}")
        self.doc_id, self.published, self.title, self.url = doc_id, published, title, url
        self.by_kind: dict[str, list[Fact]] = {name: list(by_kind.get(name) or []) for name in KINDS}

    def __getattr__(self, name: str) -> list[Fact]:
        by_kind = self.__dict__.get("by_kind")
        if by_kind is not None and name in by_kind:
            return by_kind[name]
        raise AttributeError(name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DocumentFacts) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(facts)}" for name, facts in self.by_kind.items() if facts)
        return f"DocumentFacts({self.doc_id!r}, {counts or 'no facts'})"

    def facts(self) -> list[Fact]:
        """Every fact of the document, kind by kind."""
        return [fact for facts in self.by_kind.values() for fact in facts]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"doc_id": self.doc_id, "published": self.published}
        if self.title is not None:
            data["title"] = self.title
        if self.url is not None:
            data["url"] = self.url
        for name, facts in self.by_kind.items():
            data[name] = [fact.to_dict() for fact in facts]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DocumentFacts":
        return cls(str(data.get("doc_id")), data.get("published"), data.get("title"), data.get("url"),
                   **{name: [k.from_dict(item) for item in data.get(name) or []] for name, k in KINDS.items()})


__all__ = ["KINDS", "FACT_KINDS", "FactKind", "DocumentFacts", "UnknownKind", "kind"]
