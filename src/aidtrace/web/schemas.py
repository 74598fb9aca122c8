"""Pydantic models of the JSON API: what it returns and what a review sends."""
from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..facts import KINDS, FactKind


class _Open(BaseModel):
    # Rows carry every column of their table; the models name the ones clients rely on.
    model_config = ConfigDict(extra="allow")


class Snippet(BaseModel):
    """Where a full-text search matched a row: a part of one of its texts and the [start, end)
    character offsets of the matched words in it (escape the text, then mark the offsets)."""

    field: str = Field(description="the text it comes from: evidence, text, item, title ...")
    text: str
    marks: list[tuple[int, int]]


class FactBase(BaseModel):
    """What every merged fact has: its id, kind, a readable label and its bookkeeping."""

    id: int
    label: str
    review_state: str
    mention_count: int | None = None
    confidence: float | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    snippet: Snippet | None = Field(default=None, description="where the search q matched (searches only)")


def _fact_model(kind: FactKind) -> type[BaseModel]:
    """The response model of one kind's facts, from the fields the kind declares."""
    fields: dict[str, Any] = {"kind": (Literal[kind.name], kind.name)}
    for name, (python_type, description) in kind.api_fields().items():
        annotation = list[Any] if python_type is list else python_type
        fields[name] = (annotation | None, Field(default=None, description=description or None))
    model_name = "".join(part.capitalize() for part in kind.name.split("_")) + "Fact"
    return create_model(model_name, __base__=FactBase, __doc__=f"A merged fact of {kind.name}.", **fields)


FACT_MODELS: dict[str, type[BaseModel]] = {name: _fact_model(kind) for name, kind in KINDS.items()}
# Any kind's fact, told apart by ``kind``.
Fact = Annotated[Union[tuple(FACT_MODELS.values())], Field(discriminator="kind")]  # noqa: UP007


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


def _detail_model(model: type[BaseModel]) -> type[BaseModel]:
    return create_model(model.__name__ + "Detail", __base__=model, __doc__="A fact with its sources and its review history.",
                        sources=(list[Source], ...), reviews=(list[ReviewEntry], ...))


FACT_DETAIL_MODELS: dict[str, type[BaseModel]] = {name: _detail_model(model) for name, model in FACT_MODELS.items()}
FactDetail = Annotated[Union[tuple(FACT_DETAIL_MODELS.values())], Field(discriminator="kind")]  # noqa: UP007


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
    snippet: Snippet | None = None


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


class CommitmentTotals(BaseModel):
    """What an EUR figure sums: how many commitments it covers, how many it adds, how many have
    no amount and how many are running totals kept out of it. An amount is null, never 0,
    when no priced commitment was summed."""

    commitments: int = Field(description="commitments counted (not rejected; reviewed only with ?reviewed=1)")
    priced: int = Field(description="commitments whose EUR amount the sums add")
    unpriced: int = Field(description="commitments without an amount: counted, not summed")
    cumulative: int = Field(description="running totals ('EUR 200 million since 2022'): shown apart, never summed")
    eur_total: float | None
    pledged_priced: int
    pledged_unpriced: int
    eur_pledged: float | None
    delivered_priced: int
    delivered_unpriced: int
    eur_delivered: float | None


class PartnerSummary(CommitmentTotals):
    """A country or organisation with its totals (rejected facts excluded)."""

    code: str
    name: str
    endorsements: int
    patronages: int


class CategoryTotal(BaseModel):
    category: str
    status: str
    count: int
    eur: float | None
    priced: int
    unpriced: int
    cumulative: int


class MonthTotal(BaseModel):
    month: str
    category: str
    count: int
    eur: float | None = Field(description="sum of the priced commitments that are not running totals; null if none")
    priced: int
    cumulative: int


class TopicCount(BaseModel):
    month: str
    topic: str
    count: int = Field(description="meetings of the month that discussed the topic")


class PersonRole(BaseModel):
    name: str
    role: str


class PartnerDetail(PartnerSummary):
    reviewed: bool = Field(description="whether the totals count reviewed facts only")
    by_category: list[CategoryTotal]
    months: list[str] = Field(description="every month from the first to the last dated commitment, empty ones too")
    cumulative_list: list[FACT_MODELS["commitments"]] = Field(  # type: ignore[valid-type]
        description="its running totals, kept out of the sums")
    meeting_topics: list[TopicCount]
    people: list[PersonRole] = Field(description="the people the gazetteer lists as speaking for the partner")
    timeline: list[MonthTotal]
    commitments_list: list[FACT_MODELS["commitments"]]  # type: ignore[valid-type]
    endorsements_list: list[FACT_MODELS["endorsements"]]  # type: ignore[valid-type]
    patronages_list: list[FACT_MODELS["patronages"]]  # type: ignore[valid-type]
    meetings_list: list[FACT_MODELS["meetings"]] = Field(  # type: ignore[valid-type]
        description="meetings in which someone speaking for it took part")
    quotes_list: list[FACT_MODELS["quotes"]] = Field(description="quotes of its people")  # type: ignore[valid-type]


class Patron(BaseModel):
    code: str
    name: str


class RegionSummary(CommitmentTotals):
    code: str
    name: str
    eur: float | None = Field(description="the same as eur_total")
    patrons: list[Patron]
    meetings: int
    support: int = Field(description="commitments for the region plus its patronages: what the map shades")


class RegionDetail(RegionSummary):
    reviewed: bool
    commitments_list: list[FACT_MODELS["commitments"]]  # type: ignore[valid-type]
    meetings_list: list[FACT_MODELS["meetings"]]  # type: ignore[valid-type]


class PersonSummary(BaseModel):
    """One person across documents: the display name and every name the registry writes."""

    name: str
    aliases: list[str]
    quotes: int
    meetings: int


class PersonList(BaseModel):
    """One page of persons (``q`` filters by any of their names) and how many match."""

    total: int
    page: int
    per_page: int
    pages: int
    items: list[PersonSummary]


class PersonLinkRequest(BaseModel):
    """Two names a reviewer says are one person (``merge``) or two (``split``: the first is
    taken out of the second's person)."""

    name_a: str = Field(max_length=256)
    name_b: str = Field(max_length=256)
    note: str | None = Field(default=None, max_length=2000)


class PersonLinkResult(BaseModel):
    action: str
    name_a: str
    name_b: str
    reviewer: str
    persons: list[PersonSummary]  # the persons of the two names after the decision


class PersonDetail(BaseModel):
    name: str
    aliases: list[str]
    quotes: list[FACT_MODELS["quotes"]]  # type: ignore[valid-type]
    meetings: list[FACT_MODELS["meetings"]]  # type: ignore[valid-type]


class Overview(BaseModel):
    counts: dict[str, int]
    totals: CommitmentTotals
    reviewed: bool
    latest_documents: list[DocumentSummary]
    latest_commitments: list[FACT_MODELS["commitments"]]  # type: ignore[valid-type]
    top_by_value: list[PartnerSummary]
    top_by_count: list[PartnerSummary]


class QueueItem(FACT_MODELS["commitments"]):  # type: ignore[misc,valid-type]
    """An unreviewed commitment with its weight in its partner's EUR total."""

    share: float | None = Field(description="amount_eur / the partner's eur_total; null when not summed")
    partner_eur_total: float | None
    partner_name: str


class ReviewQueue(BaseModel):
    """Unreviewed commitments, the largest shares of a partner's EUR total first."""

    total: int
    page: int
    per_page: int
    pages: int
    items: list[QueueItem]


class ReviewRequest(BaseModel):
    """A review of one fact. ``correct`` needs ``values``: the fields to change and their new values."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["accept", "reject", "correct", "reset"]
    values: dict[str, Any] | None = None
    note: str | None = Field(default=None, max_length=2000)


class ReviewResult(BaseModel):
    fact: Fact
    review: ReviewEntry


class CalendarEvent(FACT_MODELS["events"]):  # type: ignore[misc,valid-type]
    """An event of the calendar with the documents that announce it."""

    sources: list[Source]


class Calendar(BaseModel):
    """The calendar as of a day: dated events (forthcoming or past) and undated recent ones."""

    as_of: str
    view: Literal["forthcoming", "past"]
    events: list[CalendarEvent]
    undated: list[CalendarEvent]
