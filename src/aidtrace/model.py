"""The extraction model: documents in, facts out.

These dataclasses are the contract of ``../shared/eval/FACTS.md`` plus what aidtrace adds
(evidence offsets and a confidence). Storage, ingestion and the web depend on this module;
it depends on nothing of theirs.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar

FACT_KINDS: tuple[str, ...] = ("meetings", "quotes", "commitments", "endorsements", "patronages")

MEETING_MODES = ("in_person", "phone", "video")
COMMITMENT_CATEGORIES = ("military", "financial", "humanitarian", "medical", "reconstruction", "energy")
COMMITMENT_STATUSES = ("delivered", "pledged")
ENDORSEMENT_SUBJECTS = (
    "nato_membership",
    "eu_membership",
    "sanctions",
    "territorial_integrity",
    "accountability",
    "peace_formula",
)
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
    """Base of the five fact kinds: every fact carries its evidence and a confidence in [0, 1]."""

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


@dataclass
class Meeting(Fact):
    kind: ClassVar[str] = "meetings"
    participants: list[str]
    mode: str  # one of MEETING_MODES
    place: str | None = None
    region: str | None = None  # ISO 3166-2:UA
    country: str | None = None  # ISO 3166-1 alpha-3
    date: str | None = None  # YYYY-MM-DD or YYYY-MM
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5
    # Beyond FACTS.md (the scorer ignores it): the distinct actor codes the participants speak
    # for, in participant order ("UKR", "EST"); a participant whose actor is unknown adds none.
    actors: list[str] = field(default_factory=list)


@dataclass
class Quote(Fact):
    kind: ClassVar[str] = "quotes"
    speaker: str | None
    text: str
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5
    # Beyond FACTS.md (the scorer ignores it): the actor code the speaker speaks for ("EST" for
    # "Estonian Prime Minister Kaja Kallas", "EU" for the European Commission), None when unknown.
    speaker_actor: str | None = None


@dataclass
class Commitment(Fact):
    kind: ClassVar[str] = "commitments"
    donor: str
    category: str  # one of COMMITMENT_CATEGORIES
    item: str
    status: str  # one of COMMITMENT_STATUSES
    recipient: str = "UKR"
    quantity: int | None = None
    amount: float | None = None
    currency: str | None = None  # ISO 4217
    region: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5
    # Beyond FACTS.md (the scorer ignores it): the figure is a running total ("$9.1 billion since
    # February", "so far", "in total"), not one new package.
    cumulative: bool = False


@dataclass
class Endorsement(Fact):
    kind: ClassVar[str] = "endorsements"
    actor: str
    subject: str  # one of ENDORSEMENT_SUBJECTS
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5


@dataclass
class Patronage(Fact):
    kind: ClassVar[str] = "patronages"
    patron: str
    region: str
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5


FACT_CLASSES: dict[str, type[Fact]] = {
    cls.kind: cls for cls in (Meeting, Quote, Commitment, Endorsement, Patronage)
}


@dataclass
class DocumentFacts:
    """Everything extracted from one document, in the JSONL shape of FACTS.md."""

    doc_id: str
    published: str | None
    title: str | None = None
    url: str | None = None
    meetings: list[Meeting] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    endorsements: list[Endorsement] = field(default_factory=list)
    patronages: list[Patronage] = field(default_factory=list)

    def facts(self) -> list[Fact]:
        return [fact for kind in FACT_KINDS for fact in getattr(self, kind)]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"doc_id": self.doc_id, "published": self.published}
        if self.title is not None:
            data["title"] = self.title
        if self.url is not None:
            data["url"] = self.url
        for kind in FACT_KINDS:
            data[kind] = [fact.to_dict() for fact in getattr(self, kind)]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DocumentFacts":
        result = cls(str(data.get("doc_id")), data.get("published"), data.get("title"), data.get("url"))
        for kind in FACT_KINDS:
            fact_class = FACT_CLASSES[kind]
            setattr(result, kind, [fact_class.from_dict(item) for item in data.get(kind) or []])
        return result
