"""Full-text search of the registry: the index, its upkeep and its queries.

One index covers the searchable text of every fact (the columns its kind's listing names as
``text`` — a commitment's item, a quote's text ... — plus the evidence sentences of all its
mentions) and of every document (title and text):

- **SQLite**: the FTS5 table ``search_fts`` (``porter`` stemming tokenizer), migration 0006;
  rowid = ``ref_id * 16 + kind code`` so an entry is found, replaced and deleted by its rowid
  and a match is of a kind by its rowid alone (``kind`` is stored, not indexed);
- **PostgreSQL**: the table ``search_index`` with a generated ``tsvector`` of the ``english``
  configuration and a GIN index, migration 0007.

What is indexed is the *normalised* text: folded words (lower case, no diacritics) separated
by single spaces, British spellings replaced by American ones (``data/spellings.tsv``). Queries
go through the same normalisation, so "air defence" and "air defense" find the same facts.
Because the stored body is a plain word stream, its n-th word is the n-th word of the original
text: the database marks the matched words of the body (FTS5 ``highlight``, ``ts_headline``)
and :func:`snippets` carries the marks back to the original text, with the database's own
stemming.

Query syntax (:func:`parse_query`): words (all must match), ``"a phrase"``, ``prefix*``,
``OR`` between two terms, ``-word`` or ``NOT word`` to exclude. Anything else (stray quotes, operators,
punctuation) is a separator; the parsed query is rebuilt as FTS5 syntax from words that are
letters and digits only, or bound to PostgreSQL's ``tsquery`` functions as parameters. The
query text never becomes SQL.

The index follows every commit of an ORM session (store, merge, re-extraction, review): the
session's flushes record which facts and documents changed, and before the commit their
entries are rewritten (:func:`track_sessions`). ``aidtrace db reindex`` rebuilds it all.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, column as sa_column, delete, event, func, inspect as sa_inspect
from sqlalchemy import literal_column, select, table as sa_table, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from ..facts import FACT_KINDS, KINDS
from ..text import fold
from ..wordlists import table as word_table
from .schema import FACT_TABLES, Document, FactMixin, Mention

SQLITE_TABLE = "search_fts"
POSTGRES_TABLE = "search_index"
# Tables the search migrations create outside the ORM models (FTS5 keeps shadow tables).
INDEX_TABLES = frozenset({SQLITE_TABLE, POSTGRES_TABLE} | {f"{SQLITE_TABLE}_{suffix}" for suffix in (
    "data", "idx", "content", "docsize", "config")})
DOCUMENTS = "documents"
# The kind code in the low bits of an FTS5 rowid. Stored on disk: a new kind takes the next free
# number, and a number is never reused.
KIND_CODES: dict[str, int] = {DOCUMENTS: 0, "meetings": 1, "quotes": 2, "commitments": 3, "endorsements": 4,
                              "patronages": 5, "events": 6}
CODE_BITS = 4
CODE_MASK = (1 << CODE_BITS) - 1
TOKENIZER = "porter unicode61 remove_diacritics 2"  # as migration 0006 creates the index
MARKING_TABLE = "search_marks"  # a connection's own (temp) FTS5 table for highlighting
START_MARK, END_MARK = "[", "]"  # never inside a normalised body, which holds words and spaces only
OPERATORS = ("OR", "AND", "NOT")  # upper case only: "or" and "not" are words
MAX_TERMS = 16  # a longer query is cut: the index answers a few words well, not a paragraph
MIN_PREFIX = 3  # letters a prefix* needs
SNIPPET_CHARS = 180
REBUILD_BATCH = 2000
_WORD = re.compile(r"[^\W_]+")
_QUERY_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')


class SearchError(ValueError):
    """A search query that holds nothing to search for: HTTP 400 with this message."""


# ---------------------------------------------------------------------------- normalisation


def _spellings() -> dict[str, str]:
    return word_table("spellings.tsv")


@lru_cache(maxsize=1 << 16)  # words repeat: most of a text is words seen before
def normal_word(word: str) -> str:
    """A folded word in its indexed spelling ("Defence" → "defense"), always one word: the
    n-th word of a text is the n-th word of its indexed body."""
    folded = "".join(_WORD.findall(fold(word))) or word.lower()
    return _spellings().get(folded, folded)


def words(text: str | None) -> list[str]:
    """The words of a text in order, as :func:`normal_word` writes them."""
    return [normal_word(match) for match in _WORD.findall(text or "")]


def normalise(text: str | None) -> str:
    """The indexed form of a text: its normalised words separated by single spaces."""
    return " ".join(words(text))


def _word_spans(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _WORD.finditer(text)]


@lru_cache(maxsize=1024)  # a request parses its query several times; this reads every spelling
def prefix_variants(prefix: str) -> tuple[str, ...]:
    """A normalised prefix and the American forms it stands for ("defenc" → defenc, defens):
    a prefix of a British spelling also finds the words the index stores in American."""
    variants = [prefix]
    for british, american in _spellings().items():
        if british.startswith(prefix) and not american.startswith(prefix):
            variant = american[: len(prefix)]
            if variant not in variants:
                variants.append(variant)
    return tuple(variants)


# ---------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Term:
    """One searched thing: a word, a phrase (several words in a row) or a prefix."""

    words: tuple[str, ...]
    prefix: bool = False

    def fts5(self) -> str:
        """The term in FTS5 syntax: quoted words (letters and digits only), ``*`` for a prefix."""
        if self.prefix:
            variants = [f'"{variant}"*' for variant in prefix_variants(self.words[0])]
            return variants[0] if len(variants) == 1 else "(" + " OR ".join(variants) + ")"
        return '"' + " ".join(self.words) + '"'


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: every group must match (a group is terms joined by OR), no excluded
    term may."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()

    def fts5(self) -> str:
        """The MATCH expression of the body column."""
        parts = []
        for group in self.groups:
            parts.append(group[0].fts5() if len(group) == 1 else "(" + " OR ".join(t.fts5() for t in group) + ")")
        expression = " AND ".join(parts)
        for term in self.excluded:
            expression = f"({expression}) NOT {term.fts5()}"
        return expression


@lru_cache(maxsize=1024)  # parsed again by each query of a request (count, page, snippets)
def parse_query(raw: str | None) -> SearchQuery:
    """Parse a user's query; :class:`SearchError` when it holds no word to search for.

    Unbalanced quotes end at the end of the query, stray operators and punctuation are
    ignored, ``OR`` joins the terms on its sides, ``AND`` is what two terms mean anyway, a
    leading ``-`` or ``NOT`` excludes a term.
    """
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = negate_next = False
    count = 0
    for match in _QUERY_TOKEN.finditer(raw or ""):
        phrase, bare = match.group(1), match.group(2)
        negate, negate_next = negate_next, False
        if bare is not None:
            if bare in OPERATORS:
                join_next = bare == "OR" and bool(groups)
                negate_next = bare == "NOT"
                continue
            negate = negate or bare.startswith("-")
            prefix = bare.rstrip("*") != bare and bool(re.search(r"[^\W_]\*+$", bare))
            found = words(bare)
            if not found:
                continue
            if prefix and len(found[-1]) < MIN_PREFIX:
                # "a*" would read the doclists of every word starting with an a.
                raise SearchError(f"a prefix needs at least {MIN_PREFIX} letters before the *, not {bare[:40]!r}")
            # "air-defence" is the phrase it writes; "defen*" a prefix of its last word.
            terms = [Term(tuple(found), prefix=False)] if len(found) > 1 and not prefix else [
                Term((word,), prefix=prefix and index == len(found) - 1) for index, word in enumerate(found)]
        else:
            found = words(phrase)
            if not found:
                continue
            terms = [Term(tuple(found))]
        for term in terms:
            if count >= MAX_TERMS:
                break
            count += 1
            if negate:
                excluded.append(term)
            elif join_next and groups:
                groups[-1].append(term)
            else:
                groups.append([term])
            join_next = False
    if not groups:
        raise SearchError("the search holds no word to look for (words, \"phrases\" or prefix*)")
    return SearchQuery(tuple(tuple(group) for group in groups), tuple(excluded))


def _tsquery(query: SearchQuery) -> ColumnElement[Any]:
    """The PostgreSQL tsquery of a parsed query, every word a bound parameter."""

    def term(item: Term) -> ColumnElement[Any]:
        if item.prefix:
            parts = [func.to_tsquery("english", bindparam(None, f"{variant}:*")) for variant in
                     prefix_variants(item.words[0])]
            result = parts[0]
            for part in parts[1:]:
                result = result.op("||")(part)
            return result
        return func.phraseto_tsquery("english", bindparam(None, " ".join(item.words)))

    expression = None
    for group in query.groups:
        alternatives = term(group[0])
        for item in group[1:]:
            alternatives = alternatives.op("||")(term(item))
        expression = alternatives if expression is None else expression.op("&&")(alternatives)
    for item in query.excluded:
        expression = expression.op("&&")(func.tsquery_not(term(item)))  # tsquery_not is the !! operator
    return expression  # type: ignore[return-value]


# ---------------------------------------------------------------------------- the index

FTS = sa_table(SQLITE_TABLE, sa_column("rowid"), sa_column("kind"), sa_column("body"))
PG_INDEX = sa_table(POSTGRES_TABLE, sa_column("kind"), sa_column("ref_id"), sa_column("body"), sa_column("tsv"))
_IN_CHUNK = 500


def index_exists(connection: Connection) -> bool:
    """Whether the database has the search index of its dialect (migrations 0006 and 0007)."""
    if connection.dialect.name == "sqlite":
        found = connection.execute(text("SELECT 1 FROM sqlite_master WHERE name = :name"), {"name": SQLITE_TABLE})
        return found.first() is not None
    return connection.execute(text("SELECT to_regclass(:name)"), {"name": POSTGRES_TABLE}).scalar() is not None


def entry_rowid(kind: str, ref_id: int) -> int:
    """The FTS5 rowid of a fact's or document's entry."""
    return (ref_id << CODE_BITS) | KIND_CODES[kind]


def _chunks(ids: Iterable[int], size: int = _IN_CHUNK) -> Iterator[list[int]]:
    batch: list[int] = []
    for ref_id in ids:
        batch.append(ref_id)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


Pieces = list[tuple[str, str]]  # (field name, original text) in index order


def pieces_of(connection: Connection, kind: str, ids: list[int]) -> dict[int, Pieces]:
    """The searchable texts of some facts of a kind (or documents), by id, in the order their
    index body holds them: a fact's listing text columns, then its distinct evidence sentences;
    a document's title, then its text. Ids that do not exist are absent."""
    result: dict[int, Pieces] = {}
    for batch in _chunks(ids):
        if kind == DOCUMENTS:
            table = Document.__table__
            for ref_id, title, body in connection.execute(
                    select(table.c.id, table.c.title, table.c.text).where(table.c.id.in_(batch))):
                result[ref_id] = [(name, value) for name, value in (("title", title), ("text", body)) if value]
            continue
        table = FACT_TABLES[kind].__table__  # type: ignore[attr-defined]
        columns = KINDS[kind].listing.text
        for row in connection.execute(select(table.c.id, *(table.c[name] for name in columns))
                                      .where(table.c.id.in_(batch))):
            own: Pieces = []
            for name, value in zip(columns, row[1:]):
                for piece in value if isinstance(value, list) else [value]:
                    if isinstance(piece, str) and piece.strip():
                        own.append((name, piece))
            result[row[0]] = own
        mentions = Mention.__table__
        seen: dict[int, set[str]] = {}
        for fact_id, evidence in connection.execute(
                select(mentions.c.fact_id, mentions.c.evidence)
                .where(mentions.c.kind == kind, mentions.c.fact_id.in_(batch)).order_by(mentions.c.id)):
            if fact_id not in result:
                continue
            for span in evidence or []:
                sentence = span.get("text") if isinstance(span, dict) else None
                if isinstance(sentence, str) and sentence.strip() and sentence not in seen.setdefault(fact_id, set()):
                    seen[fact_id].add(sentence)
                    result[fact_id].append(("evidence", sentence))
    return result


def body_of(pieces: Pieces) -> str:
    """The indexed body of some pieces: their normalised words, in order."""
    return " ".join(filter(None, (normalise(piece) for _, piece in pieces)))


def _write(connection: Connection, kind: str, bodies: dict[int, str | None]) -> None:
    """Replace the entries of some rows (None or an empty body removes the entry)."""
    if not bodies:
        return
    fresh = [(ref_id, body) for ref_id, body in bodies.items() if body]
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"DELETE FROM {SQLITE_TABLE} WHERE rowid = :rowid"),
                           [{"rowid": entry_rowid(kind, ref_id)} for ref_id in bodies])
        if fresh:
            connection.execute(text(f"INSERT INTO {SQLITE_TABLE} (rowid, kind, body) VALUES (:rowid, :kind, :body)"),
                               [{"rowid": entry_rowid(kind, ref_id), "kind": kind, "body": body}
                                for ref_id, body in fresh])
        return
    for batch in _chunks(bodies):
        connection.execute(delete(PG_INDEX).where(PG_INDEX.c.kind == kind, PG_INDEX.c.ref_id.in_(batch)))
    if fresh:
        connection.execute(text(f"INSERT INTO {POSTGRES_TABLE} (kind, ref_id, body) VALUES (:kind, :ref_id, :body)"),
                           [{"kind": kind, "ref_id": ref_id, "body": body} for ref_id, body in fresh])


def refresh(connection: Connection, keys: Iterable[tuple[str, int]]) -> int:
    """Rewrite the entries of some (kind, id) pairs from what the registry holds now (a row
    that is gone loses its entry); returns how many were written. A no-op without an index."""
    by_kind: dict[str, set[int]] = {}
    for kind, ref_id in keys:
        if ref_id is not None and kind in KIND_CODES:
            by_kind.setdefault(kind, set()).add(int(ref_id))
    if not by_kind or not index_exists(connection):
        return 0
    for kind, ids in by_kind.items():
        pieces = pieces_of(connection, kind, sorted(ids))
        _write(connection, kind, {ref_id: body_of(pieces[ref_id]) if ref_id in pieces else None for ref_id in ids})
    return sum(len(ids) for ids in by_kind.values())


def rebuild(connection: Connection) -> dict[str, int]:
    """Empty the index and fill it from every fact and document; returns entries per kind."""
    if not index_exists(connection):
        raise SearchError("this database has no search index: run `aidtrace db upgrade` first")
    connection.execute(text(f"DELETE FROM {SQLITE_TABLE if connection.dialect.name == 'sqlite' else POSTGRES_TABLE}"))
    counts: dict[str, int] = {}
    for kind in (DOCUMENTS, *FACT_KINDS):
        table = Document.__table__ if kind == DOCUMENTS else FACT_TABLES[kind].__table__  # type: ignore[attr-defined]
        ids = connection.execute(select(table.c.id).order_by(table.c.id)).scalars().all()
        written = 0
        for batch in _chunks(ids, REBUILD_BATCH):
            pieces = pieces_of(connection, kind, batch)
            bodies = {ref_id: body_of(found) for ref_id, found in pieces.items()}
            _write_new(connection, kind, bodies)
            written += sum(1 for body in bodies.values() if body)
        counts[kind] = written
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"INSERT INTO {SQLITE_TABLE} ({SQLITE_TABLE}) VALUES ('optimize')"))
    else:
        # Rows added after the GIN index sit in its pending list, which every search scans
        # linearly until a vacuum merges it: merge it now.
        connection.execute(text("SELECT gin_clean_pending_list('ix_search_index_tsv'::regclass)"))
    return counts


def _write_new(connection: Connection, kind: str, bodies: dict[int, str]) -> None:
    """Add entries to an index known to hold none of them (the rebuild)."""
    rows = [(ref_id, body) for ref_id, body in bodies.items() if body]
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"INSERT INTO {SQLITE_TABLE} (rowid, kind, body) VALUES (:rowid, :kind, :body)"),
                           [{"rowid": entry_rowid(kind, ref_id), "kind": kind, "body": body} for ref_id, body in rows])
    else:
        connection.execute(text(f"INSERT INTO {POSTGRES_TABLE} (kind, ref_id, body) VALUES (:kind, :ref_id, :body)"),
                           [{"kind": kind, "ref_id": ref_id, "body": body} for ref_id, body in rows])


# ---------------------------------------------------------------------------- following sessions

_PENDING = "aidtrace.search.pending"


def _changed(session: Session, _flush_context: Any) -> None:
    """After a flush: remember the facts and documents it wrote (their state is still pre-flush)."""
    pending: set[tuple[str, int]] = session.info.setdefault(_PENDING, set())
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, FactMixin):
            pending.add((instance.__tablename__, instance.id))  # type: ignore[attr-defined]
        elif isinstance(instance, Mention):
            pending.add((instance.kind, instance.fact_id))
            for old in sa_inspect(instance).attrs.fact_id.history.deleted or ():
                pending.add((instance.kind, old))
        elif isinstance(instance, Document):
            pending.add((DOCUMENTS, instance.id))


def _before_commit(session: Session) -> None:
    """Before a commit: rewrite the entries of everything the transaction's flushes wrote."""
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if pending:
        refresh(session.connection(), pending)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def track_sessions() -> None:
    """Keep the index in step with every ORM session's commits (idempotent)."""
    if not event.contains(Session, "after_flush", _changed):
        event.listen(Session, "after_flush", _changed)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_rollback", _after_rollback)


track_sessions()


# ---------------------------------------------------------------------------- searching


def matching_ids(dialect: str, kind: str, query: SearchQuery) -> Select:
    """The SELECT of the ids of a kind's facts (or of documents) that match a parsed query."""
    if dialect == "sqlite":
        return select(FTS.c.rowid.op(">>")(CODE_BITS)).where(
            literal_column(SQLITE_TABLE).op("MATCH")(bindparam(None, query.fts5())),
            FTS.c.rowid.op("&")(CODE_MASK) == KIND_CODES[kind])
    return select(PG_INDEX.c.ref_id).where(PG_INDEX.c.kind == kind, PG_INDEX.c.tsv.op("@@")(_tsquery(query)))


def newest_matches(statement: Select, id_column: ColumnElement[Any], kind: str, query: SearchQuery,
                   dialect: str, page: bool = True) -> Select:
    """A SELECT of a kind's rows (``id_column`` their id) narrowed to the query's matches, newest
    (highest id) first, for a query that matches many rows (a few are best listed by id, as
    ``aidtrace.web.queries`` does): the database walks the rows in that order and stops after
    one page. SQLite follows the FTS5 rowids, so a page reads its fifty matches only.
    PostgreSQL tests each row's tsvector with ``ts_match_vq`` (``@@`` as a function, which no
    index answers) while it walks the fact table's key backwards, or a selective filter's index:
    given ``@@`` its planner takes the GIN index, reads every match and sorts them all, because
    it guesses a conjunction of common words ("air defence") to match a few hundred rows, not
    tens of thousands. Every match at once (``page=False``, a download) is the GIN index's job."""
    if dialect != "sqlite" and not page:
        return (statement.where(matches(id_column, kind, query)).order_by(id_column.desc()))
    if dialect != "sqlite":
        return (statement.join(PG_INDEX, (PG_INDEX.c.kind == kind) & (PG_INDEX.c.ref_id == id_column))
                .where(func.ts_match_vq(PG_INDEX.c.tsv, _tsquery(query))).order_by(id_column.desc()))
    return (statement.join(FTS, id_column == FTS.c.rowid.op(">>")(CODE_BITS))
            .where(literal_column(SQLITE_TABLE).op("MATCH")(bindparam(None, query.fts5())),
                   FTS.c.rowid.op("&")(CODE_MASK) == KIND_CODES[kind])
            .order_by(FTS.c.rowid.desc()))


def count(connection: Connection, kind: str, raw_query: str) -> int:
    """How many facts of a kind (or documents) match a query, from the index alone."""
    ids = matching_ids(connection.dialect.name, kind, parse_query(raw_query)).subquery()
    return connection.execute(select(func.count()).select_from(ids)).scalar_one()


def many_matches(connection: Connection, kind: str, query: SearchQuery, more_than: int) -> bool:
    """Whether a query matches more than ``more_than`` entries of a kind (a count that stops there)."""
    ids = matching_ids(connection.dialect.name, kind, query).limit(more_than + 1).subquery()
    return connection.execute(select(func.count()).select_from(ids)).scalar_one() > more_than


class _Matches(ColumnElement[bool]):
    """``column IN (ids matching the query)``, in the SQL of the dialect it is compiled for."""

    # Untyped on purpose: a Boolean expression would be written "(... IN ...) = 1" on SQLite,
    # which hides the primary key lookup from the planner.
    inherit_cache = False  # the query is part of the SQL's shape only through bound values

    def __init__(self, column: ColumnElement[Any], kind: str, query: SearchQuery, last: bool = False) -> None:
        self.column, self.kind, self.query, self.last = column, kind, query, last


@compiles(_Matches)
def _compile_matches(element: _Matches, compiler: Any, **kw: Any) -> str:
    ids = matching_ids(compiler.dialect.name, element.kind, element.query)
    if element.last and compiler.dialect.name == "sqlite":
        # "id + 0" is no column SQLite can look up by: it reads the rows another condition's
        # index finds and tests each against the matches (listed once), instead of looking up
        # every match by primary key.
        return compiler.process((element.column + 0).in_(ids), **kw)
    return compiler.process(element.column.in_(ids), **kw)


def matches(column: ColumnElement[Any], kind: str, query: SearchQuery, last: bool = False) -> ColumnElement[bool]:
    """The rows of a kind (``column`` their id) that match a parsed query, on either database.

    ``last``: the rows are found by another condition (a partner's index), then tested against
    the matches; for a query matching many rows and a filter keeping few (SQLite, which
    otherwise starts from the matches whatever their number; PostgreSQL chooses by its
    statistics)."""
    return _Matches(column, kind, query, last)


def _marked_bodies(connection: Connection, kind: str, ids: list[int], query: SearchQuery) -> dict[int, str]:
    """Each row's indexed body with the words the query matches between START_MARK and END_MARK.

    On SQLite the bodies are copied into a connection-private FTS5 table with the same
    tokenizer and marked there: ``highlight()`` on the big index would run the whole query
    once more for every row asked about.
    """
    if not ids:
        return {}
    if connection.dialect.name != "sqlite":
        options = f"HighlightAll=true, StartSel={START_MARK}, StopSel={END_MARK}"
        statement = select(PG_INDEX.c.ref_id, func.ts_headline("english", PG_INDEX.c.body, _tsquery(query),
                                                                bindparam(None, options))).where(
            PG_INDEX.c.kind == kind, PG_INDEX.c.ref_id.in_(ids))
        return {int(ref_id): marked for ref_id, marked in connection.execute(statement)}
    bodies = connection.execute(select(FTS.c.rowid, FTS.c.body).where(
        FTS.c.rowid.in_([entry_rowid(kind, ref_id) for ref_id in ids]))).all()
    connection.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{MARKING_TABLE} USING fts5(body, "
                            f"tokenize = '{TOKENIZER}')"))
    try:
        if bodies:
            connection.execute(text(f"INSERT INTO temp.{MARKING_TABLE} (rowid, body) VALUES (:rowid, :body)"),
                               [{"rowid": rowid, "body": body} for rowid, body in bodies])
        marked = connection.execute(text(
            f"SELECT rowid, highlight({MARKING_TABLE}, 0, :start, :end) FROM temp.{MARKING_TABLE} "
            f"WHERE {MARKING_TABLE} MATCH :query"), {"start": START_MARK, "end": END_MARK, "query": query.fts5()})
        return {int(rowid) >> CODE_BITS: body for rowid, body in marked}
    finally:
        connection.execute(text(f"DELETE FROM temp.{MARKING_TABLE}"))


def _marked_words(marked: str) -> list[bool]:
    """Which words of a marked body are marked (a mark may cover a whole phrase)."""
    flags: list[bool] = []
    inside = False
    for token in marked.split():
        opened = START_MARK in token
        inside = inside or opened
        flags.append(inside or opened)
        if END_MARK in token:
            inside = False
    return flags


def snippets(connection: Connection, kind: str, ids: list[int], raw_query: str) -> dict[int, dict[str, Any]]:
    """Where the query matched each row, by id: ``{"field", "text", "marks"}``, ``marks`` being
    [start, end] character offsets of matched words in ``text`` (a part of the original text).
    Pages escape the text and then wrap each mark in ``<mark>``."""
    query = parse_query(raw_query)
    marked = _marked_bodies(connection, kind, ids, query)
    pieces = pieces_of(connection, kind, list(marked))
    result: dict[int, dict[str, Any]] = {}
    for ref_id, body in marked.items():
        found = _piece_marks(pieces.get(ref_id, []), _marked_words(body))
        if found:
            result[ref_id] = found
    return result


def _piece_marks(pieces: Pieces, flags: list[bool]) -> dict[str, Any] | None:
    """The snippet of the best marked piece: an evidence sentence or document text before
    the columns a table shows anyway."""
    position = 0
    candidates = []
    for name, piece in pieces:
        spans = _word_spans(piece)
        own = flags[position: position + len(spans)]
        position += len(spans)
        marks = [list(span) for span, flag in zip(spans, own) if flag]
        if marks:
            candidates.append((name in ("evidence", "text"), name, piece, marks))
    if position != len(flags) or not candidates:
        return None  # the index is older than the row: no marks rather than wrong ones
    _, name, piece, marks = max(candidates, key=lambda item: item[0])
    return {"field": name, **_window(piece, marks)}


def _window(piece: str, marks: list[list[int]]) -> dict[str, Any]:
    """At most SNIPPET_CHARS of a text around its first mark, cut at spaces, with the marks in it."""
    if len(piece) <= SNIPPET_CHARS * 2:
        return {"text": piece, "marks": marks}
    start = max(0, marks[0][0] - SNIPPET_CHARS // 3)
    end = min(len(piece), start + SNIPPET_CHARS)
    if start > 0:
        space = piece.find(" ", start)
        start = space + 1 if 0 <= space < marks[0][0] else start
    if end < len(piece):
        space = piece.rfind(" ", start, end)
        end = space if space > marks[0][1] else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(piece) else ""
    shift = len(prefix) - start
    kept = [[s + shift, e + shift] for s, e in marks if s >= start and e <= end]
    return {"text": prefix + piece[start:end] + suffix, "marks": kept}

