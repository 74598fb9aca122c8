"""Read queries of the web pages and API, on the registry schema of ``aidtrace.storage.schema``.

Everything here takes an open SQLAlchemy ``Connection`` and returns plain dicts and lists,
so the HTML pages and the JSON API show the same numbers. Rejected facts (review state
``rejected``) count nowhere and are listed only when asked for.
"""
from __future__ import annotations

import copy
import json
import os
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Connection, String, Table, and_, case, cast, func, or_, select
from sqlalchemy.sql import ColumnElement, Select

from ..facts import FACT_KINDS, KINDS
from ..facts.kind import Listing
from ..storage import persons as person_store, search
from ..storage.schema import FACT_TABLES, REVIEW_STATES, Document, Mention, Review
from .names import actor_code, actor_name, is_actor, people_of, regions

DOCUMENTS: Table = Document.__table__  # type: ignore[assignment]
MENTIONS: Table = Mention.__table__  # type: ignore[assignment]
REVIEWS: Table = Review.__table__  # type: ignore[assignment]
TABLES: dict[str, Table] = {kind: cls.__table__ for kind, cls in FACT_TABLES.items()}  # type: ignore[attr-defined]

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50
HIDDEN_STATE = "rejected"
KIND_LABELS = {name: kind.label for name, kind in KINDS.items()}
LISTINGS = {name: kind.listing for name, kind in KINDS.items()}
# Columns that are bookkeeping rather than facts: left out of lists and exports.
INTERNAL_COLUMNS = ("merge_key", "created_at", "updated_at")
# The filters a listing understands beyond its kind's choices (which are filters too).
COMMON_FILTERS = ("partner", "region", "person", "state", "date_from", "date_to", "q", "sort")
STATE_CHOICES = ("all",) + REVIEW_STATES


# --- a cache of the aggregates, valid while the registry does not change -----------------------

_CACHE: dict[tuple, tuple[tuple, float, Any]] = {}
_CACHE_LOCK = threading.Lock()
CACHE_ENTRIES = 1024
# $AIDTRACE_WEB_CACHE_SECONDS=0 turns the cache off (the load benchmark's --cold does).
CACHE_SECONDS = float(os.environ.get("AIDTRACE_WEB_CACHE_SECONDS", "60"))


def registry_version(connection: Connection) -> tuple:
    """A fingerprint that changes when documents, mentions or reviews are added (ingest,
    re-extraction, review): the newest id of each, which the primary keys give at once."""
    # One statement, not three: every cached count and list of a request asks for it.
    newest = [select(func.max(table.c.id)).scalar_subquery() for table in (DOCUMENTS, MENTIONS, REVIEWS)]
    return (connection.engine.url.render_as_string(), *connection.execute(select(*newest)).one())


def cached(connection: Connection, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered while the registry's version stays the same, for at most
    CACHE_SECONDS (removals alone, which the version does not see, show within that time).

    The totals of the overview, partners, regions and persons read every fact, and the count
    of a filter reads every match; on a large registry that is slow, so they are computed
    once per version rather than once per page.
    """
    version = registry_version(connection)
    full_key = (version[0], *key)
    now = time.monotonic()
    with _CACHE_LOCK:
        hit = _CACHE.get(full_key)
    if CACHE_SECONDS <= 0:
        return compute()
    if hit is not None and hit[0] == version and now - hit[1] < CACHE_SECONDS:
        return copy.deepcopy(hit[2])
    value = compute()
    with _CACHE_LOCK:
        if len(_CACHE) >= CACHE_ENTRIES:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[full_key] = (version, now, value)
    return copy.deepcopy(value)


class BadFilter(ValueError):
    """A filter value the listing cannot use (unknown column or choice): HTTP 400."""


class UnknownKind(BadFilter):
    """A fact kind that does not exist: HTTP 404."""


@dataclass
class FactFilter:
    """What a facts table shows: the query string of its page, validated.

    ``choices`` holds the filters of the kind's closed vocabularies in use (``category``,
    ``status``, ``topic`` ...); the rest are the filters every listing has.
    """

    choices: dict[str, str] = field(default_factory=dict)
    partner: str | None = None
    region: str | None = None
    person: str | None = None
    # Every name of the filtered person (``with_person_names``): "Zelensky" also lists the facts
    # written "Volodymyr Zelenskyy". Resolved from the registry, so not a query parameter.
    person_names: tuple[str, ...] = field(default=(), metadata={"query": False})
    state: str | None = None  # a review state, "all", or None (everything but rejected)
    date_from: str | None = None
    date_to: str | None = None
    q: str | None = None
    sort: str | None = None  # a column of the kind's sorts, "-" prefix for descending
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    def __getitem__(self, name: str) -> Any:
        """A filter's value by name, a choice filter or a common one (templates read ``flt[name]``)."""
        if name in self.choices:
            return self.choices[name]
        return getattr(self, name, None)

    def as_query(self, **changes: Any) -> dict[str, str]:
        """The non-empty parameters as a query-string dict, with ``changes`` applied."""
        values: dict[str, Any] = dict(self.choices)
        values.update({name: getattr(self, name) for name, spec in self.__dataclass_fields__.items()
                       if name != "choices" and spec.metadata.get("query", True)})
        values.update(changes)
        defaults = {"page": 1, "per_page": DEFAULT_PER_PAGE}
        return {k: str(v) for k, v in values.items() if v not in (None, "") and defaults.get(k) != v}

    def cache_key(self) -> str:
        """The filter without sort and paging: what its count depends on."""
        return repr((sorted(self.choices.items()), self.partner, self.region, self.person, self.state,
                     self.date_from, self.date_to, self.q))


def _clean(value: Any, limit: int = 200) -> str | None:
    value = str(value if value is not None else "").strip()
    return value[:limit] if value else None


MAX_PAGE = 1_000_000  # deeper than any listing; past it a page number is refused, not overflowed
MAX_ID = 2**63 - 1  # the largest row id a database holds; a larger one is refused before it overflows


def _whole_number(params: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    text = str(raw).strip()
    if not text.isdigit() or len(text) > 9:
        raise BadFilter(f"{name} must be a whole number from {low} to {high}, not {text[:40]!r}")
    number = int(text)
    if not low <= number <= high:
        raise BadFilter(f"{name} must be a whole number from {low} to {high}, not {number}")
    return number


def make_filter(kind: str, params: Mapping[str, Any]) -> FactFilter:
    """Validate the filter parameters of a facts listing; raise :class:`BadFilter` on nonsense."""
    listing = spec_for(kind)
    result = FactFilter(**{name: _clean(params.get(name)) for name in COMMON_FILTERS})
    for name, allowed in listing.choices.items():
        value = _clean(params.get(name))
        if value is not None:
            if value not in allowed:
                raise BadFilter(f"{name} must be one of {', '.join(allowed)}")
            result.choices[name] = value
    for name in sorted(set(params) & ALL_CHOICE_FILTERS - set(listing.choices)):
        if _clean(params.get(name)) is not None:
            raise BadFilter(f"{kind} cannot be filtered by {name}")
    if result.q is not None:
        search_query(result.q)  # a query with nothing to search for is refused here, as a 400
    if result.partner is not None:
        result.partner = result.partner.upper()
    if result.region is not None:
        result.region = result.region.upper()
        if not listing.region:
            raise BadFilter(f"{kind} cannot be filtered by region")
    if result.person is not None and not listing.person:
        raise BadFilter(f"{kind} cannot be filtered by person")
    if result.state is not None and result.state not in STATE_CHOICES:
        raise BadFilter(f"state must be one of {', '.join(STATE_CHOICES)}")
    for name in ("date_from", "date_to"):
        value = getattr(result, name)
        if value is not None and not is_partial_date(value):
            raise BadFilter(f"{name} must be a date YYYY[-MM[-DD]], not {value[:40]!r}")
    if result.sort is not None and result.sort.lstrip("-") not in listing.sorts:
        raise BadFilter(f"sort must be one of {', '.join(listing.sorts)} (prefix - for descending)")
    result.page = _whole_number(params, "page", 1, 1, MAX_PAGE)
    result.per_page = _whole_number(params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    return result


def is_partial_date(value: str) -> bool:
    """A real calendar date YYYY-MM-DD, or a month YYYY-MM, or a year YYYY (2022-13-45 is none)."""
    parts = value.split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return False
    if not all(len(p) == 2 for p in parts[1:]):
        return False
    try:
        date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def spec_for(kind: str) -> Listing:
    """The listing spec of a fact kind; :class:`UnknownKind` for an unknown kind."""
    if kind not in KINDS:
        raise UnknownKind(f"unknown fact kind {kind!r}; one of {', '.join(FACT_KINDS)}")
    return KINDS[kind].listing


# Every choice filter of any kind: asking one kind for another's is refused by name.
ALL_CHOICE_FILTERS = frozenset(name for kind in KINDS.values() for name in kind.listing.choices)


def search_query(q: str) -> search.SearchQuery:
    """A user's full-text query, parsed (``aidtrace.storage.search``); :class:`BadFilter` when
    it holds no word."""
    try:
        return search.parse_query(q)
    except search.SearchError as error:
        raise BadFilter(f"q: {error}") from error


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with LIKE's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _json_fragment(name: str) -> str:
    """How a name appears inside a stored JSON list (non-ASCII letters are \\u-escaped)."""
    return json.dumps(name)


def _holds(column: ColumnElement[Any], value: str) -> ColumnElement[bool]:
    """A JSON list column that holds ``value``: '["UKR", "EST"]' holds '"EST"' (a bound LIKE
    pattern on the JSON text, the same on SQLite and PostgreSQL, where json keeps the text)."""
    return cast(column, String).like(_like(_json_fragment(value)), escape="\\")


def _equals_or_holds(table: Table, column: str, is_list: bool, value: str) -> ColumnElement[bool]:
    return _holds(table.c[column], value) if is_list else table.c[column] == value


def of_partner(kind: str, code: str) -> ColumnElement[bool]:
    """The facts of a kind that belong to a partner, by the column the kind names for it: a
    commitment's donor, an endorsement's actor, a quote's ``speaker_actor`` or a meeting's
    ``actors`` (whom the extractor found each person speaking for, per document)."""
    listing = KINDS[kind].listing
    return _equals_or_holds(TABLES[kind], listing.partner, listing.partner_list, code)


def of_person(kind: str, name: str) -> ColumnElement[bool]:
    """The facts of a kind that name a person (a speaker, a participant), by the name as shown."""
    listing = KINDS[kind].listing
    return _equals_or_holds(TABLES[kind], listing.person, listing.person_list, name)


def visible(table: Table) -> ColumnElement[bool]:
    """Facts that count: all but rejected ones."""
    return table.c.review_state != HIDDEN_STATE


def _conditions(kind: str, flt: FactFilter, match_last: bool = False) -> list[ColumnElement[bool]]:
    listing = KINDS[kind].listing
    table = TABLES[kind]
    where: list[ColumnElement[bool]] = []
    if flt.state in (None, ""):
        where.append(visible(table))
    elif flt.state != "all":
        where.append(table.c.review_state == flt.state)
    if flt.partner and listing.partner:
        where.append(of_partner(kind, flt.partner))
    for name, value in flt.choices.items():
        column = name if name in table.c else f"{name}s"  # the "topic" filter reads the "topics" list
        if isinstance(table.c[column].type, JSON):
            where.append(_holds(table.c[column], value))
        else:
            where.append(table.c[column] == value)
    if flt.region is not None:
        where.append(table.c[listing.region] == flt.region)
    if flt.person:
        where.append(or_(*(of_person(kind, name) for name in flt.person_names or (flt.person,))))
    date_column = table.c[listing.date]
    if flt.date_from:
        where.append(date_column >= flt.date_from)
    if flt.date_to:
        # "2023-04" as an upper bound includes every day of April.
        where.append(date_column <= flt.date_to + ("-99" if len(flt.date_to) < 10 else ""))
    if flt.q:
        where.append(search.matches(table.c.id, kind, search_query(flt.q), match_last))
    return where


def _indexed_filter(kind: str, flt: FactFilter) -> bool:
    """Whether the filter asks a column for one value that leads an index of the kind's table
    (a commitment's donor, a meeting's region ...): the rows it keeps are found without reading
    the others."""
    listing = KINDS[kind].listing
    table = TABLES[kind]
    columns = [name for name, value in ((listing.partner, flt.partner and not listing.partner_list),
                                        (listing.region, flt.region),
                                        (listing.person, flt.person and not listing.person_list)) if name and value]
    columns += [name for name in flt.choices if name in table.c and not isinstance(table.c[name].type, JSON)]
    leading = {next(iter(index.columns)).name for index in table.indexes}
    return any(name in leading for name in columns)


def _match_last(connection: Connection, kind: str, flt: FactFilter) -> bool:
    """Whether SQLite should read a search's rows through its filter's index and test each
    against the matches (a small partner's "howitzer": 2,838 rows tested instead of 35,000
    matches looked up): when an index serves the filter and the query matches many rows."""
    if not flt.q or connection.dialect.name != "sqlite" or not _indexed_filter(kind, flt):
        return False
    return search.many_matches(connection, kind, search_query(flt.q), MATCH_LAST_ABOVE)


def _order(kind: str, flt: FactFilter, dialect: str = "sqlite") -> list[ColumnElement[Any]]:
    listing = KINDS[kind].listing
    table = TABLES[kind]
    sort = flt.sort or f"-{listing.date}"
    column = table.c[sort.lstrip("-")]
    # NULLs last either way, then newest id first so pages are stable. SQLite already puts
    # NULLs last when descending, and saying nothing more lets it walk an index in order.
    if sort.startswith("-"):
        ordered = column.desc() if dialect == "sqlite" else column.desc().nulls_last()
    else:
        ordered = column.asc().nulls_last()
    return [ordered, table.c.id.desc()]


def fact_select(kind: str, flt: FactFilter, dialect: str = "sqlite", page: bool = True) -> Select:
    """The SELECT of a filtered, sorted facts listing (no paging): for one page of it, or for all
    of it (``page=False``, which lets PostgreSQL find a search's matches by its GIN index)."""
    table = TABLES[kind]
    columns = [table.c[name] for name in KINDS[kind].listing.columns]
    if flt.q and not flt.sort:
        # A search without a sort lists its matches newest first, in the index's own order: the
        # database reads one page of matches instead of sorting all of them by date.
        return search.newest_matches(select(*columns).where(*_conditions(kind, replace(flt, q=None))), table.c.id,
                                     kind, search_query(flt.q), dialect, page)
    return select(*columns).where(*_conditions(kind, flt)).order_by(*_order(kind, flt, dialect))


REJECTED_SUBTRACT_LIMIT = 5000


def count_facts(connection: Connection, kind: str, flt: FactFilter) -> int:
    """How many facts the filter matches.

    By default (everything but rejected) this is all matches minus the rejected ones among
    them. "All matches" can be counted from an index alone; the rejected facts (few: people
    reject them one by one) are found through the review-state index and checked by id.
    Asking the database for "state is not rejected" instead makes it read every matching row.
    """
    table = TABLES[kind]
    last = _match_last(connection, kind, flt)

    def number(*where: ColumnElement[bool]) -> int:
        return connection.execute(select(func.count()).select_from(table).where(*where)).scalar_one()

    if flt.state:
        return number(*_conditions(kind, flt, last))
    if _only_searched(flt):
        every = search.count(connection, kind, flt.q)  # the index counts its matches faster than a join
    else:
        every = number(*_conditions(kind, replace(flt, state="all"), last))
    rejected = connection.execute(
        select(table.c.id).where(table.c.review_state == HIDDEN_STATE).limit(REJECTED_SUBTRACT_LIMIT + 1)
    ).scalars().all()
    if not rejected:
        return every
    if len(rejected) > REJECTED_SUBTRACT_LIMIT:
        return number(*_conditions(kind, flt, last))
    return every - number(*_conditions(kind, replace(flt, state="all"), last), table.c.id.in_(rejected))


def with_person_names(connection: Connection, flt: FactFilter) -> FactFilter:
    """The filter with every name of its person (``find_person``), so a person filter finds the
    facts whichever way a document wrote the name; a name of nobody stays as given."""
    if not flt.person:
        return flt
    person = find_person(connection, flt.person)
    return replace(flt, person_names=tuple(person["aliases"]) if person else (flt.person,))


# A search with at most this many results lists them by id: the ids are found once (cached with
# its count) and each page reads its rows by primary key.
LISTED_BY_ID = 2000
# A search with a filter an index serves tests its matches last (SQLite) above this many matches.
MATCH_LAST_ABOVE = 2000


def list_facts(connection: Connection, kind: str, flt: FactFilter) -> dict[str, Any]:
    """One page of a facts listing with the total number of matches."""
    flt = with_person_names(connection, flt)
    # The same filter is counted again for every page and every sort: count it once.
    total = cached(connection, ("count", kind, flt.cache_key()), lambda: count_facts(connection, kind, flt))
    start = (flt.page - 1) * flt.per_page
    if flt.q and total <= LISTED_BY_ID:
        rows = _rows_by_id(connection, kind, flt)
    else:
        rows = connection.execute(fact_select(kind, flt, connection.dialect.name).limit(flt.per_page)
                                  .offset(start)).mappings().all()
    items = [fact_row(kind, row) for row in rows]
    if flt.q:
        _add_snippets(connection, kind, items, flt.q)
    pages = max(1, -(-total // flt.per_page))
    return {"kind": kind, "total": total, "page": flt.page, "per_page": flt.per_page, "pages": pages,
            "items": items}


def _rows_by_id(connection: Connection, kind: str, flt: FactFilter) -> list[Mapping[str, Any]]:
    """Every row of a search with few results, in the listing's order, its ids found once.

    Finding a handful of matches in a listing's order costs the database a walk over many of
    them: a small partner's matches of a common word lie far apart in the index's order, and
    a rare word beside a common one ("ambulances lot 17") makes the index read the common
    word's whole list before the rare one narrows it. Listing all matching ids (the same as
    counting them) and then reading one page of rows by primary key costs that walk once for
    every page and sort of the search, while the registry does not change.
    """
    table = TABLES[kind]

    def ordered_ids() -> list[int]:
        order = [table.c.id.desc()] if not flt.sort else _order(kind, flt, connection.dialect.name)
        where = _conditions(kind, flt, _match_last(connection, kind, flt))
        return list(connection.execute(select(table.c.id).where(*where).order_by(*order)
                                       .limit(LISTED_BY_ID + 1)).scalars())

    ids = cached(connection, ("ids", kind, flt.cache_key(), flt.sort), ordered_ids)
    return _ids_in_order(connection, kind, ids[(flt.page - 1) * flt.per_page: flt.page * flt.per_page])


def _ids_in_order(connection: Connection, kind: str, ids: list[int]) -> list[Mapping[str, Any]]:
    table = TABLES[kind]
    if not ids:
        return []
    columns = [table.c[name] for name in KINDS[kind].listing.columns]
    found = {row["id"]: row for row in connection.execute(select(*columns).where(table.c.id.in_(ids))).mappings()}
    return [found[ref_id] for ref_id in ids if ref_id in found]


def _only_searched(flt: FactFilter) -> bool:
    """Whether a filter is a full-text search and nothing else (the review state aside)."""
    return bool(flt.q) and not (flt.choices or flt.partner or flt.region or flt.person or flt.date_from
                                or flt.date_to)


def _add_snippets(connection: Connection, kind: str, items: list[dict[str, Any]], q: str) -> None:
    """Give each searched row a ``snippet``: where the query matched, with the matched words'
    offsets (``aidtrace.storage.search.snippets``). A page's snippets are remembered per registry
    version like its count: marking them copies each row's text through a scratch FTS5 table, the
    larger part of a search request."""
    ids = [item["id"] for item in items]
    found = cached(connection, ("snippets", kind, q, tuple(ids)), lambda: search.snippets(connection, kind, ids, q))
    for item in items:
        item["snippet"] = found.get(item["id"])


def iter_facts(connection: Connection, kind: str, flt: FactFilter) -> Iterator[dict[str, Any]]:
    """Every fact the filter matches, in the listing's order (for downloads)."""
    flt = with_person_names(connection, flt)
    result = connection.execution_options(stream_results=True, yield_per=1000).execute(
        fact_select(kind, flt, connection.dialect.name, page=False))
    for row in result.mappings():
        yield fact_row(kind, row)


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def fact_row(kind: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A fact row as a JSON-ready dict with a readable ``label``."""
    data = {key: _plain(value) for key, value in row.items() if key not in INTERNAL_COLUMNS}
    data["kind"] = kind
    data["label"] = KINDS[kind].describe(data)
    return data


def get_fact(connection: Connection, kind: str, fact_id: int) -> dict[str, Any] | None:
    """One fact with every column, its sources (mentions with their documents) and its review history."""
    spec_for(kind)
    table = TABLES[kind]
    row = connection.execute(select(table).where(table.c.id == fact_id)).mappings().first()
    if row is None:
        return None
    fact = fact_row(kind, row)
    fact["sources"] = fact_sources(connection, kind, fact_id)
    fact["reviews"] = review_history(connection, kind, fact_id)
    return fact


def fact_sources(connection: Connection, kind: str, fact_id: int) -> list[dict[str, Any]]:
    """The mentions behind a merged fact: document, evidence spans and the fields as extracted."""
    statement = (
        select(MENTIONS.c.id, MENTIONS.c.document_id, MENTIONS.c.fields, MENTIONS.c.evidence,
               MENTIONS.c.confidence, DOCUMENTS.c.title, DOCUMENTS.c.published, DOCUMENTS.c.url,
               DOCUMENTS.c.doc_id, func.substr(DOCUMENTS.c.text, 1, TITLE_SOURCE).label("head"))
        .join(DOCUMENTS, DOCUMENTS.c.id == MENTIONS.c.document_id)
        .where(MENTIONS.c.kind == kind, MENTIONS.c.fact_id == fact_id)
        .order_by(DOCUMENTS.c.published.desc(), MENTIONS.c.id)
    )
    return [
        {"mention_id": r.id, "document_id": r.document_id, "document_title": document_title(r.title, r.head, r.doc_id),
         "published": r.published, "url": r.url, "fields": r.fields or {},
         "evidence": [e for e in (r.evidence or []) if isinstance(e, dict)], "confidence": r.confidence}
        for r in connection.execute(statement)
    ]


def review_history(connection: Connection, kind: str | None = None, fact_id: int | None = None,
                   limit: int = 200) -> list[dict[str, Any]]:
    """Review actions, newest first: of one fact, of one kind, or all."""
    statement = select(REVIEWS).order_by(REVIEWS.c.id.desc()).limit(limit)
    if kind is not None:
        statement = statement.where(REVIEWS.c.kind == kind)
    if fact_id is not None:
        statement = statement.where(REVIEWS.c.fact_id == fact_id)
    return [{k: _plain(v) for k, v in row.items()} for row in connection.execute(statement).mappings()]


# --- overview -------------------------------------------------------------------------------

def counts(connection: Connection) -> dict[str, int]:
    """How many documents, facts of each kind (not rejected), mentions and reviews there are."""
    result = {"documents": connection.execute(select(func.count()).select_from(DOCUMENTS)).scalar_one()}
    for kind, table in TABLES.items():
        result[kind] = connection.execute(select(func.count()).select_from(table).where(visible(table))).scalar_one()
    result["reviews"] = connection.execute(select(func.count()).select_from(REVIEWS)).scalar_one()
    return result


TITLE_LENGTH = 90  # characters of an untitled document's first sentence shown as its title
TITLE_SOURCE = 400  # characters of its text read to find that sentence
# A sentence ends at . ! or ? after a word of three small letters or digits (so "Mr.", "Gen."
# and "U.S." do not end one) and before a capital or digit; a line break ends one too.
_SENTENCE_END = re.compile(r"(?<=[a-z0-9]{3}[.!?])([\"'”’)\]]*)\s+(?=[\"“‘(\[]?[A-Z0-9])|\n")


def document_title(title: str | None, text: str | None, doc_id: str | None = None) -> str:
    """A document's title; for an untitled one, its first sentence, trimmed to TITLE_LENGTH
    characters at a word boundary ("…" marks the cut); the doc id when it has no text either."""
    if title and title.strip():
        return title.strip()
    start = (text or "").strip()[:TITLE_SOURCE]
    end = _SENTENCE_END.search(start)
    head = " ".join((start[:end.start() + len(end.group(1) or "")] if end else start).split())
    if not head:
        return doc_id or "untitled document"
    if len(head) <= TITLE_LENGTH:
        return head
    cut = head[:TITLE_LENGTH - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:–- ") + "…"


def latest_documents(connection: Connection, limit: int = 10, offset: int = 0,
                     q: str | None = None) -> list[dict[str, Any]]:
    """Documents, newest publication first, optionally those whose title or text match the
    full-text query ``q`` (each then with its ``snippet``)."""
    statement = (
        select(DOCUMENTS.c.id, DOCUMENTS.c.doc_id, DOCUMENTS.c.title, DOCUMENTS.c.url, DOCUMENTS.c.published,
               DOCUMENTS.c.source, func.length(DOCUMENTS.c.text).label("length"))
        .order_by(DOCUMENTS.c.published.desc(), DOCUMENTS.c.id.desc()).limit(limit).offset(offset)
    )
    if q:
        statement = statement.where(search.matches(DOCUMENTS.c.id, search.DOCUMENTS, search_query(q)))
    rows = [dict(r) for r in connection.execute(statement).mappings()]
    if rows:
        per_doc = dict(connection.execute(
            select(MENTIONS.c.document_id, func.count()).where(MENTIONS.c.document_id.in_([r["id"] for r in rows]))
            .group_by(MENTIONS.c.document_id)).all())
        untitled = [r["id"] for r in rows if not (r["title"] or "").strip()]
        heads = dict(connection.execute(
            select(DOCUMENTS.c.id, func.substr(DOCUMENTS.c.text, 1, TITLE_SOURCE)).where(DOCUMENTS.c.id.in_(untitled))
        ).all()) if untitled else {}
        for row in rows:
            row["facts"] = per_doc.get(row["id"], 0)
            row["title"] = document_title(row["title"], heads.get(row["id"]), row["doc_id"])
        if q:
            found = search.snippets(connection, search.DOCUMENTS, [row["id"] for row in rows], q)
            for row in rows:
                row["snippet"] = found.get(row["id"])
    return rows


def count_documents(connection: Connection, q: str | None = None) -> int:
    """How many documents there are (matching the full-text query ``q`` in title or text)."""
    statement = select(func.count()).select_from(DOCUMENTS)
    if q:
        statement = statement.where(search.matches(DOCUMENTS.c.id, search.DOCUMENTS, search_query(q)))
    return connection.execute(statement).scalar_one()


def latest_commitments(connection: Connection, limit: int = 10) -> list[dict[str, Any]]:
    """The most recently reported commitments."""
    return list_facts(connection, "commitments", FactFilter(per_page=limit))["items"]


# --- totals of commitments --------------------------------------------------------------------

# The review states of facts a person has checked: what "reviewed facts only" counts.
REVIEWED_STATES = ("accepted", "corrected")
REVIEWED_HELP = "1: totals count only the facts a reviewer accepted or corrected"


def counted(table: Table, reviewed: bool = False) -> ColumnElement[bool]:
    """The facts a total counts: all but rejected ones; with ``reviewed``, only the facts a
    person accepted or corrected."""
    return table.c.review_state.in_(REVIEWED_STATES) if reviewed else visible(table)


def _totals_columns() -> list[ColumnElement[Any]]:
    """The aggregates behind every EUR figure, in the order :func:`_totals_row` reads them.

    A running total ("€200 million since February 2022", column ``cumulative``) restates
    packages counted elsewhere, so it is counted apart and never summed; a commitment without
    a EUR amount is counted as unpriced, never added as zero.
    """
    c = TABLES["commitments"].c
    running = c.cumulative.is_(True)
    summable = or_(c.cumulative.is_(None), c.cumulative.is_(False))
    columns: list[ColumnElement[Any]] = [func.count(), func.count(case((running, 1)))]
    for status in (None, "pledged", "delivered"):
        among = summable if status is None else and_(summable, c.status == status)
        summed = and_(among, c.amount_eur.is_not(None))
        columns += [func.count(case((among, 1))), func.count(case((summed, 1))), func.sum(case((summed, c.amount_eur)))]
    return columns


def _money_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def _totals_row(values: tuple[Any, ...]) -> dict[str, Any]:
    number, running, *per_status = values
    row = {"commitments": number, "cumulative": running}
    for prefix, (among, priced, eur) in zip(("", "pledged_", "delivered_"), zip(*[iter(per_status)] * 3)):
        row[f"{prefix}priced"] = priced
        row[f"{prefix}unpriced"] = among - priced
        row[f"eur_{prefix.rstrip('_') or 'total'}"] = _money_or_none(eur)
    return row


def empty_totals() -> dict[str, Any]:
    """The totals of no commitments: nothing counted, every amount unknown (None, not 0)."""
    return _totals_row((0, 0, *(0, 0, None) * 3))


def commitment_totals(connection: Connection, *where: ColumnElement[bool],
                      group: tuple[ColumnElement[Any], ...] = (), reviewed: bool = False) -> dict[Any, dict[str, Any]]:
    """What an EUR figure sums, per value of the ``group`` columns: keyed by the value for one
    column, a tuple of values for several, None for no group (one entry over everything).

    Each entry says how many commitments it covers (``commitments``), how many of them the sum
    adds (``priced``), how many have no amount (``unpriced``) and how many are running totals
    kept out of the sum (``cumulative``), beside the sum ``eur_total``, which is None, not 0,
    when nothing priced was summed; ``pledged_priced``, ``pledged_unpriced`` and ``eur_pledged``
    say the same of pledged commitments, ``delivered_*`` and ``eur_delivered`` of delivered ones.
    """
    table = TABLES["commitments"]
    statement = select(*group, *_totals_columns()).where(counted(table, reviewed), *where)
    if not group:
        return {None: _totals_row(tuple(connection.execute(statement).one()))}
    width = len(group)
    return {(row[0] if width == 1 else tuple(row[:width])): _totals_row(tuple(row[width:]))
            for row in connection.execute(statement.group_by(*group))}


def _by_value(entry: Mapping[str, Any]) -> float:
    # An unknown sum ranks below every known one, however small.
    return -1.0 if entry["eur_total"] is None else float(entry["eur_total"])


# --- partners -------------------------------------------------------------------------------

def partners(connection: Connection, limit: int | None = None, order: str = "value",
             reviewed: bool = False) -> list[dict[str, Any]]:
    """Every partner (donor, endorsing actor or patron) with its totals, best first.

    ``order`` is ``value`` (EUR committed) or ``count`` (number of commitments); ``reviewed``
    counts only accepted and corrected facts.
    """
    return cached(connection, ("partners", limit, order, reviewed),
                  lambda: _partners(connection, limit, order, reviewed))


def _partners(connection: Connection, limit: int | None, order: str, reviewed: bool) -> list[dict[str, Any]]:
    commitments = TABLES["commitments"]
    stats: dict[str, dict[str, Any]] = defaultdict(lambda: {**empty_totals(), "endorsements": 0, "patronages": 0})
    for code, totals in commitment_totals(connection, group=(commitments.c.donor,), reviewed=reviewed).items():
        stats[code].update(totals)
    for kind, column in (("endorsements", "actor"), ("patronages", "patron")):
        table = TABLES[kind]
        for code, number in connection.execute(
            select(table.c[column], func.count()).where(counted(table, reviewed)).group_by(table.c[column])
        ):
            stats[code][kind] = number
    key = (lambda item: (-_by_value(item), -item["commitments"], item["code"])) if order == "value" else (
        lambda item: (-item["commitments"], -_by_value(item), item["code"]))
    result = sorted(({"code": code, "name": actor_name(code), **values} for code, values in stats.items()), key=key)
    return result[:limit] if limit else result


def partner_code(name: str) -> str | None:
    """The actor code a partner's name, code or demonym in any case stands for ("estonia",
    "Estonian", "est" → "EST"), or None when the gazetteer knows no such actor."""
    text = name.strip()
    if not text or len(text) > 200:
        return None
    return actor_code(text) or (text.upper() if is_actor(text) else None)


def overview(connection: Connection, reviewed: bool = False) -> dict[str, Any]:
    """Everything the overview page shows (totals of reviewed facts only with ``reviewed``)."""
    return cached(connection, ("overview", reviewed), lambda: _overview(connection, reviewed))


def _overview(connection: Connection, reviewed: bool) -> dict[str, Any]:
    ranked = partners(connection, reviewed=reviewed)
    return {
        "counts": counts(connection),
        "totals": commitment_totals(connection, reviewed=reviewed)[None],
        "reviewed": reviewed,
        "latest_documents": latest_documents(connection, 8),
        "latest_commitments": latest_commitments(connection, 8),
        "top_by_value": [p for p in ranked if p["eur_total"] is not None][:10],
        "top_by_count": sorted((p for p in ranked if p["commitments"]), key=lambda p: (-p["commitments"], p["code"]))[:10],
    }


def partner_detail(connection: Connection, code: str, reviewed: bool = False) -> dict[str, Any] | None:
    """A partner's commitments over time by category, pledged/delivered totals, its running
    totals apart, endorsements, patronages, and the meetings (with their topics by month) and
    quotes of the people who speak for it (:func:`of_partner`)."""
    code = code.upper()
    return cached(connection, ("partner", code, reviewed), lambda: _partner_detail(connection, code, reviewed))


def _month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` ("2023-01" .. "2023-04": four months)."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _partner_detail(connection: Connection, code: str, reviewed: bool) -> dict[str, Any] | None:
    commitments = TABLES["commitments"]
    summary = next((p for p in partners(connection, reviewed=reviewed) if p["code"] == code), None)
    if summary is None:
        if reviewed and any(p["code"] == code for p in partners(connection)):
            summary = {"code": code, "name": actor_name(code), **empty_totals(), "endorsements": 0, "patronages": 0}
        else:
            return None
    mine = commitments.c.donor == code
    by_category = []
    for (category, status), totals in sorted(commitment_totals(
            connection, mine, group=(commitments.c.category, commitments.c.status), reviewed=reviewed).items()):
        by_category.append({"category": category, "status": status, "count": totals["commitments"],
                            "eur": totals["eur_total"], "priced": totals["priced"], "unpriced": totals["unpriced"],
                            "cumulative": totals["cumulative"]})
    month = func.substr(commitments.c.first_seen, 1, 7)
    timeline = [
        {"month": month_, "category": category, "count": totals["commitments"], "eur": totals["eur_total"],
         "priced": totals["priced"], "cumulative": totals["cumulative"]}
        for (month_, category), totals in sorted(commitment_totals(
            connection, mine, commitments.c.first_seen.is_not(None), group=(month, commitments.c.category),
            reviewed=reviewed).items())
    ]
    endorsements = TABLES["endorsements"]
    patronages = TABLES["patronages"]
    # Meetings and quotes of the people who speak for it (the extractor's per-document actors).
    quotes, meetings = TABLES["quotes"], TABLES["meetings"]
    quotes_list = [fact_row("quotes", r) for r in connection.execute(
        select(quotes).where(of_partner("quotes", code), visible(quotes))
        .order_by(quotes.c.first_seen.desc(), quotes.c.id.desc()).limit(50)).mappings()]
    meetings_list = [fact_row("meetings", r) for r in connection.execute(
        select(meetings).where(of_partner("meetings", code), visible(meetings))
        .order_by(meetings.c.date.desc(), meetings.c.id.desc()).limit(50)).mappings()]
    running = [fact_row("commitments", r) for r in connection.execute(
        select(commitments).where(mine, counted(commitments, reviewed), commitments.c.cumulative.is_(True))
        .order_by(commitments.c.first_seen.desc(), commitments.c.id.desc()).limit(50)).mappings()]
    return {
        **summary,
        "reviewed": reviewed,
        "by_category": by_category,
        "timeline": timeline,
        "months": _month_range(timeline[0]["month"], timeline[-1]["month"]) if timeline else [],
        "commitments_list": list_facts(connection, "commitments", FactFilter(partner=code, per_page=25))["items"],
        "cumulative_list": running,
        "endorsements_list": [fact_row("endorsements", r) for r in connection.execute(
            select(endorsements).where(endorsements.c.actor == code, visible(endorsements))
            .order_by(endorsements.c.first_seen)).mappings()],
        "patronages_list": [fact_row("patronages", r) for r in connection.execute(
            select(patronages).where(patronages.c.patron == code, visible(patronages))
            .order_by(patronages.c.region)).mappings()],
        "people": [{"name": name, "role": role} for name, role in people_of(code)],
        "meetings_list": meetings_list,
        "meeting_topics": meeting_topics(connection, code),
        "quotes_list": quotes_list,
    }


def meeting_topics(connection: Connection, code: str) -> list[dict[str, Any]]:
    """How often each topic came up in the partner's meetings, per month of the meeting (its
    date, else when it was first reported): rows ``{"month", "topic", "count"}`` by month."""
    meetings = TABLES["meetings"]
    counter: dict[tuple[str, str], int] = defaultdict(int)
    for day, seen, topics in connection.execute(
        select(meetings.c.date, meetings.c.first_seen, meetings.c.topics)
        .where(of_partner("meetings", code), visible(meetings))
    ):
        month = str(day or seen or "")[:7]
        for topic in topics or []:
            if month and isinstance(topic, str):
                counter[(month, topic)] += 1
    return [{"month": month, "topic": topic, "count": number} for (month, topic), number in sorted(counter.items())]


# --- the review queue -----------------------------------------------------------------------

def review_queue(connection: Connection, page: int = 1, per_page: int = DEFAULT_PER_PAGE) -> dict[str, Any]:
    """Unreviewed commitments, those behind most of a partner's EUR total first.

    Each item carries ``share``: its amount over its partner's EUR total (of every fact not
    rejected), so reviewing the first few checks most of what the totals say. Commitments a
    sum does not add (no amount, or a running total) follow, with share None.
    """
    queue = cached(connection, ("review_queue",), lambda: _review_queue(connection))
    start = (page - 1) * per_page
    return {"total": len(queue), "page": page, "per_page": per_page, "pages": max(1, -(-len(queue) // per_page)),
            "items": queue[start:start + per_page]}


def _review_queue(connection: Connection) -> list[dict[str, Any]]:
    commitments = TABLES["commitments"]
    totals = commitment_totals(connection, group=(commitments.c.donor,))
    items = []
    for row in connection.execute(select(commitments).where(commitments.c.review_state == "machine")).mappings():
        fact = fact_row("commitments", row)
        partner_total = totals.get(fact["donor"], empty_totals())["eur_total"]
        summed = fact.get("amount_eur") is not None and not fact.get("cumulative")
        fact["share"] = fact["amount_eur"] / partner_total if summed and partner_total else None
        fact["partner_eur_total"] = partner_total
        fact["partner_name"] = actor_name(fact["donor"]) if fact.get("donor") else ""
        items.append(fact)
    items.sort(key=lambda f: (f["share"] is None, -(f["share"] or 0.0), -(f.get("amount_eur") or 0.0), f["id"]))
    return items


# --- regions --------------------------------------------------------------------------------

def region_stats(connection: Connection, reviewed: bool = False) -> dict[str, dict[str, Any]]:
    """Per region: commitments (with :func:`commitment_totals`), patrons, meetings held there;
    most supported first (EUR, then commitments and patronages)."""
    return cached(connection, ("regions", reviewed), lambda: _region_stats(connection, reviewed))


def _region_stats(connection: Connection, reviewed: bool) -> dict[str, dict[str, Any]]:
    commitments = TABLES["commitments"]
    patronages = TABLES["patronages"]
    meetings = TABLES["meetings"]
    stats = {code: {"code": code, "name": region.name, **empty_totals(), "patrons": [], "meetings": 0}
             for code, region in regions().items()}
    for code, totals in commitment_totals(connection, commitments.c.region.is_not(None),
                                          group=(commitments.c.region,), reviewed=reviewed).items():
        if code in stats:
            stats[code].update(totals)
    for region, patron in connection.execute(
        select(patronages.c.region, patronages.c.patron).where(counted(patronages, reviewed))
        .order_by(patronages.c.region, patronages.c.patron)
    ):
        if region in stats:
            stats[region]["patrons"].append({"code": patron, "name": actor_name(patron)})
    for code, number in connection.execute(
        select(meetings.c.region, func.count()).where(counted(meetings, reviewed), meetings.c.region.is_not(None))
        .group_by(meetings.c.region)
    ):
        if code in stats:
            stats[code]["meetings"] = number
    for entry in stats.values():
        # Support received: commitments for the region plus its patronages.
        entry["support"] = entry["commitments"] + len(entry["patrons"])
        entry["eur"] = entry["eur_total"]
    ranked = sorted(stats.values(), key=lambda s: (-_by_value(s), -s["support"], -s["meetings"], s["code"]))
    return {entry["code"]: entry for entry in ranked}


def region_detail(connection: Connection, code: str, reviewed: bool = False) -> dict[str, Any] | None:
    """A region's totals, commitments, patrons and meetings."""
    code = code.upper()
    stats = region_stats(connection, reviewed)
    if code not in stats:
        return None
    meetings = TABLES["meetings"]
    return {
        **stats[code],
        "reviewed": reviewed,
        "commitments_list": list_facts(connection, "commitments", FactFilter(region=code, per_page=100))["items"],
        "meetings_list": [fact_row("meetings", r) for r in connection.execute(
            select(meetings).where(meetings.c.region == code, visible(meetings))
            .order_by(meetings.c.date.desc()).limit(100)).mappings()],
    }


# --- persons --------------------------------------------------------------------------------

def all_persons(connection: Connection) -> list[dict[str, Any]]:
    """Every person (``aidtrace.storage.persons``: names grouped, reviewers' links applied),
    busiest first."""
    version = person_store.links_version(connection)
    return cached(connection, ("persons", version), lambda: [
        person.as_dict() for person in person_store.persons(connection)])


def persons(connection: Connection, q: str | None = None, page: int = 1,
            per_page: int = DEFAULT_PER_PAGE) -> dict[str, Any]:
    """One page of the persons a query names (``storage.persons.matching``), with the total."""
    everyone = all_persons(connection)
    if q:
        everyone = person_store.matching(q, everyone, lambda person: person["aliases"])
    total = len(everyone)
    start = (page - 1) * per_page
    return {"total": total, "page": page, "per_page": per_page, "pages": max(1, -(-total // per_page)),
            "items": everyone[start:start + per_page]}


def find_person(connection: Connection, name: str) -> dict[str, Any] | None:
    """The person one of whose names is ``name`` (compared folded), or None."""
    key = person_store.name_key(name)
    return next((p for p in all_persons(connection) if key in {person_store.name_key(a) for a in p["aliases"]}),
                None)


PERSON_FACTS_LIMIT = 200


def person_detail(connection: Connection, name: str) -> dict[str, Any] | None:
    """A person's names, quotes and meetings, by any name the registry writes for them."""
    person = find_person(connection, name)
    if person is None:
        return None
    aliases = person["aliases"]
    quotes, meetings = TABLES["quotes"], TABLES["meetings"]
    quote_rows = [fact_row("quotes", r) for r in connection.execute(
        select(quotes).where(quotes.c.speaker.in_(aliases), visible(quotes))
        .order_by(quotes.c.first_seen.desc(), quotes.c.id.desc()).limit(PERSON_FACTS_LIMIT)).mappings()]
    meeting_rows = [fact_row("meetings", r) for r in connection.execute(
        select(meetings).where(or_(*(of_person("meetings", alias) for alias in aliases)), visible(meetings))
        .order_by(meetings.c.date.desc(), meetings.c.id.desc()).limit(PERSON_FACTS_LIMIT)).mappings()]
    # The JSON text match can see a longer name holding an alias: keep exact participants only.
    meeting_rows = [m for m in meeting_rows if set(aliases) & set(m.get("participants") or [])]
    return {**person, "quotes": quote_rows, "meetings": meeting_rows}


# --- documents ------------------------------------------------------------------------------

def document_detail(connection: Connection, document_id: int) -> dict[str, Any] | None:
    """A document, its facts (one per mention, with the merged fact) and the highlight segments."""
    row = connection.execute(select(DOCUMENTS).where(DOCUMENTS.c.id == document_id)).mappings().first()
    if row is None:
        return None
    document = {k: _plain(v) for k, v in row.items() if k != "content_hash"}
    document["title"] = document_title(document.get("title"), document.get("text"), document.get("doc_id"))
    mentions = [dict(r) for r in connection.execute(
        select(MENTIONS.c.id, MENTIONS.c.kind, MENTIONS.c.fact_id, MENTIONS.c.fields, MENTIONS.c.evidence,
               MENTIONS.c.confidence)
        .where(MENTIONS.c.document_id == document_id).order_by(MENTIONS.c.evidence_start, MENTIONS.c.id)
    ).mappings()]
    merged: dict[tuple[str, int], dict[str, Any]] = {}
    for kind in FACT_KINDS:
        ids = [m["fact_id"] for m in mentions if m["kind"] == kind]
        if ids:
            table = TABLES[kind]
            for fact in connection.execute(select(table).where(table.c.id.in_(ids))).mappings():
                merged[(kind, fact["id"])] = fact_row(kind, fact)
    text = document["text"] or ""
    facts = []
    for mention in mentions:
        spans = [e for e in (mention["evidence"] or []) if _valid_span(e, len(text))]
        fact = merged.get((mention["kind"], mention["fact_id"]))
        facts.append({
            "mention_id": mention["id"], "kind": mention["kind"], "fact_id": mention["fact_id"],
            "label": fact["label"] if fact else KINDS[mention["kind"]].describe(mention["fields"] or {}),
            "review_state": fact["review_state"] if fact else None,
            "fields": mention["fields"] or {}, "evidence": spans, "confidence": mention["confidence"],
        })
    document["facts"] = facts
    document["segments"] = highlight_segments(text, facts)
    return document


def _valid_span(span: Any, length: int) -> bool:
    return (isinstance(span, dict) and isinstance(span.get("start"), int) and isinstance(span.get("end"), int)
            and 0 <= span["start"] < span["end"] <= length)


def highlight_segments(text: str, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cut ``text`` into segments at every evidence boundary.

    Each segment says which mentions' evidence covers it, and the first segment of each
    mention carries its anchor. The template escapes every segment's text, so a document
    holding markup shows it as text.
    """
    bounds = {0, len(text)}
    spans: list[tuple[int, int, int, str]] = []
    for fact in facts:
        for span in fact["evidence"]:
            spans.append((span["start"], span["end"], fact["mention_id"], fact["kind"]))
            bounds.update((span["start"], span["end"]))
    cuts = sorted(bounds)
    anchored: set[int] = set()
    segments = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [s for s in spans if s[0] <= start and end <= s[1]]
        mention_ids = sorted({s[2] for s in covering})
        anchors = [m for m in mention_ids if m not in anchored and any(s[2] == m and s[0] == start for s in covering)]
        anchored.update(anchors)
        segments.append({"text": text[start:end], "mentions": mention_ids,
                         "kinds": sorted({s[3] for s in covering}), "anchors": anchors})
    return segments
