"""The registry's SQLAlchemy 2 schema: documents, merged facts per kind, mentions, reviews, API tokens.

Layout (every table has an integer surrogate key ``id``):

- ``documents``: one row per distinct document. Idempotence comes from two unique
  constraints: ``url`` (NULL allowed many times) and ``content_hash`` (sha256 of the
  normalised text), so ingesting the same page or the same text twice adds nothing.
- one table per fact kind (``meetings``, ``quotes``, ``commitments`` ...), built from the
  columns the kind declares (``aidtrace.facts.<kind>.KIND``): the merged facts, one row per
  real-world event. Each carries the merged field values, ``first_seen`` / ``last_seen``
  (publication dates of the earliest / latest supporting document), ``mention_count``, the
  highest ``confidence`` and a ``review_state`` (``machine``, ``accepted``, ``rejected``,
  ``corrected``), then what the kind derives (a commitment's EUR value and dates).
- ``mentions``: every raw extracted fact, as the extractor produced it (``fields`` JSON,
  ``evidence`` JSON list of ``{start, end, text}``), linked to its document and to the merged
  fact it supports through (``kind``, ``fact_id``); ``kind`` names the fact table
  (``aidtrace.facts.FACT_KINDS``). A merged fact's sources are its mentions' documents.
- ``reviews``: the review history: who, when, what action, old and new values.
- ``api_tokens``: tokens for the web API, stored as sha256 of the token only.
- ``person_links``: reviewers' decisions that two names are one person (``merge``) or two
  (``split``), by name, so they hold whatever re-extraction does (``storage/persons.py``).

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

from ..facts import KINDS
from ..facts.kind import Column, FactKind

from . import REVIEW_ACTIONS, REVIEW_STATES  # noqa: E402,F401  (re-exported: the schema's vocabulary)

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


_COLUMN_TYPES = {"text": Text, "int": Integer, "float": Float, "bool": Boolean, "json": JSON}


def _column(spec: Column) -> Any:
    """The mapped column of a kind's :class:`~aidtrace.facts.kind.Column`."""
    type_ = String(spec.length) if spec.type == "str" else _COLUMN_TYPES[spec.type]
    return mapped_column(type_, nullable=not spec.required, index=spec.index or None, default=spec.default)


def _fact_table(kind: FactKind) -> type[FactMixin]:
    """The table of a kind's merged facts, from the columns, indexes and unique key it declares."""
    args: list[Any] = [_review_check()]
    if kind.unique:
        args.append(UniqueConstraint(*kind.unique))
    for names in kind.indexes:
        args.append(Index(f"ix_{kind.name}_{'_'.join(names)}", *names))
    attributes: dict[str, Any] = {
        "__tablename__": kind.name,
        "__table_args__": tuple(args),
        "__doc__": (kind.__doc__ or "").strip().splitlines()[0] if kind.__doc__ else kind.label,
    }
    for spec in kind.columns + kind.derived:
        attributes[spec.name] = _column(spec)
    class_name = "".join(part.capitalize() for part in kind.name.split("_")) + "Fact"
    return type(class_name, (FactMixin, Base), attributes)


# One table per fact kind, named after it ("commitments"), built from the kind's declaration.
FACT_TABLES: dict[str, type[FactMixin]] = {name: _fact_table(kind) for name, kind in KINDS.items()}


def fact_table(kind: str) -> type[FactMixin]:
    """The mapped class of a kind's merged facts."""
    return FACT_TABLES[kind]


class Mention(Base):
    """One raw extracted fact: the evidence of a merged fact in one document."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("document_id", "kind", "position"),
        Index("ix_mentions_kind_fact_id", "kind", "fact_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # one of facts.FACT_KINDS = the fact table's name
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


class PersonLink(Base):
    """A reviewer's decision about two person names: one person (merge) or two (split).

    Names are stored as the registry writes them and matched folded (``name_a_key``), so the
    decision outlives the facts that carried the names when it was taken.
    """

    __tablename__ = "person_links"
    __table_args__ = (CheckConstraint("action IN ('merge', 'split')", name="action"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(8))
    name_a: Mapped[str] = mapped_column(String(256))
    name_b: Mapped[str] = mapped_column(String(256))
    name_a_key: Mapped[str] = mapped_column(String(256), index=True)
    name_b_key: Mapped[str] = mapped_column(String(256), index=True)
    reviewer: Mapped[str] = mapped_column(String(256))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
