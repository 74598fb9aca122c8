"""Pydantic models of the JSON API: what it returns and what a review sends."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    # Rows carry every column of their table; the models name the ones clients rely on.
    model_config = ConfigDict(extra="allow")


class Fact(_Open):
    """A merged fact: the columns of its kind's table plus ``kind`` and a readable ``label``."""

    id: int
    kind: str
    label: str
    review_state: str
    mention_count: int | None = None
    confidence: float | None = None
    first_seen: str | None = None


class Evidence(BaseModel):
    start: int
    end: int
    text: str


class Source(BaseModel):
    """One mention of a fact: the document it is in and the evidence spans."""

    mention_id: int
    document_id: int
    document_title: str | None
    published: str | None
    url: str | None
    fields: dict[str, Any]
    evidence: list[Evidence]
    confidence: float | None


class ReviewEntry(_Open):
    """One action of the review history."""

    id: int
    kind: str
    fact_id: int
    action: str
    reviewer: str
    created_at: str | None
    old_state: str | None
    new_state: str | None
    old_values: dict[str, Any] | None
    new_values: dict[str, Any] | None
    note: str | None


class FactDetail(Fact):
    """A fact with its sources and its review history."""

    sources: list[Source]
    reviews: list[ReviewEntry]


class FactList(BaseModel):
    """One page of a filtered facts listing."""

    kind: str
    total: int
    page: int
    per_page: int
    pages: int
    items: list[Fact]


class DocumentSummary(_Open):
    id: int
    doc_id: str | None
    title: str | None
    url: str | None
    published: str | None
    facts: int = 0


class DocumentList(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[DocumentSummary]


class DocumentFact(BaseModel):
    """A fact as found in one document (a mention), with its evidence spans."""

    mention_id: int
    kind: str
    fact_id: int
    label: str
    review_state: str | None
    fields: dict[str, Any]
    evidence: list[Evidence]
    confidence: float | None


class DocumentDetail(_Open):
    id: int
    doc_id: str | None
    title: str | None
    url: str | None
    published: str | None
    source: str | None
    text: str
    facts: list[DocumentFact]


class PartnerSummary(BaseModel):
    """A country or organisation with its totals (rejected facts excluded)."""

    code: str
    name: str
    commitments: int
    eur_total: float
    eur_pledged: float
    eur_delivered: float
    endorsements: int
    patronages: int


class CategoryTotal(BaseModel):
    category: str
    status: str
    count: int
    eur: float


class MonthTotal(BaseModel):
    month: str
    category: str
    count: int
    eur: float


class PersonRole(BaseModel):
    name: str
    role: str


class PartnerDetail(PartnerSummary):
    by_category: list[CategoryTotal]
    people: list[PersonRole] = Field(description="the people the gazetteer lists as speaking for the partner")
    timeline: list[MonthTotal]
    commitments_list: list[Fact]
    endorsements_list: list[Fact]
    patronages_list: list[Fact]
    meetings_list: list[Fact] = Field(description="meetings in which someone speaking for it took part")
    quotes_list: list[Fact] = Field(description="quotes of its people")


class Patron(BaseModel):
    code: str
    name: str


class RegionSummary(BaseModel):
    code: str
    name: str
    commitments: int
    eur: float
    patrons: list[Patron]
    meetings: int
    support: int = Field(description="commitments for the region plus its patronages: what the map shades")


class RegionDetail(RegionSummary):
    commitments_list: list[Fact]
    meetings_list: list[Fact]


class PersonSummary(BaseModel):
    name: str
    quotes: int
    meetings: int


class PersonDetail(BaseModel):
    name: str
    quotes: list[Fact]
    meetings: list[Fact]


class Overview(BaseModel):
    counts: dict[str, int]
    latest_documents: list[DocumentSummary]
    latest_commitments: list[Fact]
    top_by_value: list[PartnerSummary]
    top_by_count: list[PartnerSummary]


class ReviewRequest(BaseModel):
    """A review of one fact. ``correct`` needs ``values``: the fields to change and their new values."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["accept", "reject", "correct", "reset"]
    values: dict[str, Any] | None = None
    note: str | None = Field(default=None, max_length=2000)


class ReviewResult(BaseModel):
    fact: Fact
    review: ReviewEntry
