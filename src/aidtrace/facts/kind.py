"""What a fact kind is: the one object per kind that storage, review, the web and scoring loop over.

Each kind module (``facts/meetings.py``, ``facts/commitments.py`` ...) defines its dataclass,
its extractor and ``KIND``, an instance of a :class:`FactKind` subclass that says, for that
kind only:

- **storage**: its columns (:class:`Column`: the fields a reviewer sees, then the ones the
  registry derives), indexes and unique key — ``storage.schema`` builds the table from them;
- **merging**: ``merge_key`` (the indexed bucket a mention is merged within), ``rank`` (how
  well a mention fits a fact: higher is better, None for not at all) and ``fold`` (a mention's
  fields into the fact's). A *keyed* kind (``clustered = False``) is one fact per key and its
  fold is commutative; a *clustered* kind is re-clustered within the bucket, mentions in
  canonical order, so the merged facts never depend on the order documents came in;
- **review**: ``editable``, the fields a correction may change and the check of each value
  (:mod:`aidtrace.checks`), and ``after_correction`` for values derived from them;
- **listing**: :class:`Listing` — the columns of tables and exports, filters, sorts and
  searchable text — and ``label``, one line saying what a fact is;
- **scoring**: ``pair`` (when a prediction matches a gold fact) and ``scored_fields``.

Nothing here imports spaCy, SQLAlchemy or the web: stored facts are read and written by
attribute, so the same ``fold`` works on a table row and on a plain object.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields as dataclass_fields
from typing import Any, ClassVar

from ..checks import Check
from ..model import Fact

_PYTHON_TYPES: dict[str, type] = {"str": str, "text": str, "int": int, "float": float, "bool": bool, "json": list}

# A pairing rule of scoring: how well a predicted fact matches a gold fact (higher is better), or None.
PairRule = Callable[[Mapping[str, Any], Mapping[str, Any]], "float | None"]


@dataclass(frozen=True)
class Column:
    """A stored field of a kind and its column type in the registry.

    ``type`` is one of ``str`` (with ``length``), ``text``, ``int``, ``float``, ``bool`` and
    ``json``; ``required`` makes the column NOT NULL; ``index`` gives it an index of its own.
    """

    name: str
    type: str
    length: int | None = None
    required: bool = False
    index: bool = False
    default: Any = None
    doc: str = ""


@dataclass(frozen=True)
class Listing:
    """How the web lists a kind: what tables and exports show, and what they filter and sort by.

    ``partner`` names the column that says which partner a fact belongs to (a donor, an
    endorsing actor) and ``person`` the column that names its people; ``*_list`` says the
    column holds a JSON list whose items are matched. ``choices`` are the filters with a
    closed vocabulary; ``text`` the columns full-text search covers.
    """

    date: str
    columns: tuple[str, ...]
    sorts: tuple[str, ...]
    text: tuple[str, ...] = ()
    partner: str | None = None
    partner_list: bool = False
    person: str | None = None
    person_list: bool = False
    region: str | None = None
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)


class FactKind:
    """One kind of fact. Subclasses set the class attributes and override what their kind merges,
    labels or derives differently; the defaults suit a kind that is one fact per key."""

    name: ClassVar[str]  # the JSON key of FACTS.md and the table name: "commitments"
    label: ClassVar[str]  # "Commitments"
    fact_class: ClassVar[type[Fact]]
    columns: ClassVar[tuple[Column, ...]]  # the fact's fields, as reviewed and exported
    derived: ClassVar[tuple[Column, ...]] = ()  # computed by the registry, never corrected by hand
    indexes: ClassVar[tuple[tuple[str, ...], ...]] = ()  # composite indexes (column names)
    unique: ClassVar[tuple[str, ...] | None] = None  # one stored fact per these values
    key_fields: ClassVar[tuple[str, ...]] = ()  # a keyed kind's merge key
    clustered: ClassVar[bool] = False
    editable: ClassVar[dict[str, Check]] = {}
    listing: ClassVar[Listing]
    scored_fields: ClassVar[tuple[str, ...]] = ()  # checked on matched pairs where gold gives them
    always_checked: ClassVar[tuple[str, ...]] = ()  # ... and these even where gold has null
    scored_sets: ClassVar[tuple[str, ...]] = ()  # list fields scored as P/R/F1 over their codes
    attribution_field: ClassVar[str | None] = None  # reported as "attributed": matched and right on it

    # --- extraction -------------------------------------------------------------------------

    def extract(self, doc: Any) -> list[Fact]:
        """The kind's facts in an annotated spaCy ``Doc`` (a pure function of the Doc)."""
        raise NotImplementedError

    def from_dict(self, data: Mapping[str, Any]) -> Fact:
        return self.fact_class.from_dict(data)

    # --- storage ----------------------------------------------------------------------------

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def derived_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.derived)

    def mention_fields(self, fact: Fact) -> dict[str, Any]:
        """A fact's fields as stored on its mention: everything but evidence and confidence."""
        data = fact.to_dict()
        data.pop("evidence", None)
        data.pop("confidence", None)
        return data

    def values(self, row: Any) -> dict[str, Any]:
        """A stored fact's fields and derived fields (what review compares and export writes)."""
        return {name: getattr(row, name, None) for name in self.field_names + self.derived_names}

    # --- merging ----------------------------------------------------------------------------

    def seen(self, fields: Mapping[str, Any], published: str | None) -> str | None:
        """The day a mention reports its fact: by default the publication day of its document."""
        return published

    def merge_key(self, fields: Mapping[str, Any], seen: str | None) -> str:
        """The indexed bucket a mention is merged within."""
        return "|".join(str(fields.get(name)) for name in self.key_fields)

    def rank(self, fact: Any, fields: Mapping[str, Any], seen: str | None) -> tuple | None:
        """How well a mention fits a fact of its bucket (higher is better), or None when it does not.
        ``fact`` carries the fact's fields and its ``first_seen``/``last_seen``."""
        return ()

    def fold(self, fact: Any, fields: Mapping[str, Any], seen: str | None, fresh: bool) -> None:
        """Fold one mention's fields into a machine fact's: a fresh fact takes them all, a known one
        fills what it lacks. A keyed kind's fold must not depend on the order of its mentions."""
        for name in self.field_names:
            value = fields.get(name)
            if fresh:
                setattr(fact, name, list(value) if isinstance(value, list) else value)
            elif getattr(fact, name, None) in (None, "", []) and value not in (None, "", []):
                setattr(fact, name, value)

    def clear_derived(self, fact: Any) -> None:
        """Forget the derived fields before a fact is folded again from its mentions."""
        for name in self.derived_names:
            setattr(fact, name, None)

    # --- review -----------------------------------------------------------------------------

    def after_correction(self, fact: Any, changes: Mapping[str, Any], mentions: list[Mapping[str, Any]]) -> None:
        """Recompute what the corrected fields determine (EUR values, the actor of a new speaker),
        given the fields of the fact's mentions as extracted."""

    # --- listing ----------------------------------------------------------------------------

    def describe(self, fact: Mapping[str, Any]) -> str:
        """One line that says what a fact is (the ``label`` of tables and pages)."""
        return self.name

    def api_fields(self) -> dict[str, tuple[type, str]]:
        """The fields of the kind's API response model: name -> (Python type, description); the
        web builds the model (``web/schemas.py``) from it."""
        return {column.name: (_PYTHON_TYPES[column.type], column.doc) for column in self.columns + self.derived}

    # --- scoring ----------------------------------------------------------------------------

    def pair(self, gold: Mapping[str, Any], pred: Mapping[str, Any]) -> float | None:
        """How well a prediction matches a gold fact (higher is better), or None: by default equal
        on every key field."""
        return 1.0 if all(gold.get(name) == pred.get(name) for name in self.key_fields) else None

    def field_right(self, name: str, gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
        """Whether a matched pair agrees on one scored field (by default: equal values)."""
        return gold.get(name) == pred.get(name)

    def __repr__(self) -> str:
        return f"<FactKind {self.name}>"


def first_filled(value: Any, new: Any) -> Any:
    """``value`` unless it is empty, else ``new``."""
    return new if value in (None, "", []) else value


def union(known: Iterable[Any] | None, new: Iterable[Any] | None) -> list[Any]:
    """``known`` then the items of ``new`` it lacks, in order (always a new list: JSON columns
    are written back only when the attribute is assigned a different object)."""
    merged = list(known or [])
    for item in new or ():
        if item and item not in merged:
            merged.append(item)
    return merged


def earliest(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else min(a, b)


def latest(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else max(a, b)


def dataclass_field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclass_fields(cls))
