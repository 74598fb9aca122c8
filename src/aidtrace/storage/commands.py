"""Click commands of the registry itself: its schema, counts, review and export.

    aidtrace db upgrade|current|reindex [--db URL]
    aidtrace stats [--db URL] [--json]
    aidtrace review list|show|accept|reject|correct|reset|history ...
    aidtrace export --kind KIND --format csv|jsonl [--db URL] [--output FILE] [--include-rejected]
    aidtrace persons list [--q NAME] | merge NAME NAME | split NAME NAME | links

``--db`` takes a SQLAlchemy URL (``sqlite:///path.db``, ``postgresql://user:pw@host/db``) or a
file path; without it ``$AIDTRACE_DB`` is used, else ``./aidtrace.db``.
"""
from __future__ import annotations

import json
import sys

import click

from ..clitools import KindChoice, db_option, open_registry
from . import REVIEW_STATES


@click.group()
def db() -> None:
    """Manage the registry database schema."""


@db.command()
@db_option
def upgrade(db_url: str | None) -> None:
    """Create the schema, or upgrade it to this version of aidtrace."""
    from .database import current_revision, get_engine, upgrade as run_upgrade

    try:
        engine = get_engine(db_url)
        before = current_revision(engine)
        run_upgrade(engine)
        after = current_revision(engine)
    except Exception as error:  # noqa: BLE001 (driver errors of any kind become one line)
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise click.ClickException(f"cannot upgrade {engine_url(db_url)}: {first}") from error
    if before == after:
        click.echo(f"schema is up to date (revision {after})")
    else:
        click.echo(f"schema upgraded from {before or 'empty'} to {after}")
    if before is not None and before < SEARCH_REVISION <= (after or ""):
        # The search index was created empty by this upgrade: fill it from what is stored.
        _reindex(engine)


SEARCH_REVISION = "0006"  # the first revision with a full-text index


def _reindex(engine) -> None:  # noqa: ANN001 (a SQLAlchemy Engine)
    from .search import rebuild

    with engine.begin() as connection:
        counts = rebuild(connection)
    click.echo("search index rebuilt: " + ", ".join(f"{number} {kind}" for kind, number in counts.items()))


@db.command()
@db_option
def reindex(db_url: str | None) -> None:
    """Rebuild the full-text search index from every stored fact and document."""
    from .search import SearchError

    try:
        _reindex(open_registry(db_url))
    except SearchError as error:
        raise click.ClickException(str(error)) from error


def engine_url(db_url: str | None) -> str:
    """The database URL with its password hidden, for messages."""
    from sqlalchemy.engine import make_url

    from .database import database_url

    return make_url(database_url(db_url)).render_as_string(hide_password=True)


@db.command()
@db_option
def current(db_url: str | None) -> None:
    """Print the schema revision of the database and the newest one this aidtrace ships."""
    from .database import current_revision, get_engine, head_revision

    engine = get_engine(db_url)
    click.echo(f"database {engine_url(db_url)}: revision {current_revision(engine) or 'none'} "
               f"(newest: {head_revision()})")


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats(db_url: str | None, as_json: bool) -> None:
    """Documents, mentions and merged facts per kind (rejected facts not counted as facts)."""
    from .database import session_scope
    from .export import format_stats, stats as collect

    engine = open_registry(db_url)
    with session_scope(engine) as session:
        data = collect(session)
    click.echo(json.dumps(data, indent=1) if as_json else format_stats(data))


@click.command(name="export")
@click.option("--kind", type=KindChoice(), required=True)
@click.option("--format", "output_format", type=click.Choice(("csv", "jsonl")), default="jsonl", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write here instead of stdout.")
@click.option("--include-rejected", is_flag=True, help="Also export facts a reviewer rejected.")
@db_option
def export(kind: str, output_format: str, output: str | None, include_rejected: bool, db_url: str | None) -> None:
    """Export merged facts of one kind with their sources (documents and evidence)."""
    from .database import session_scope
    from .export import export_rows, write_csv, write_jsonl

    engine = open_registry(db_url)
    out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        with session_scope(engine) as session:
            rows = export_rows(session, kind, include_rejected=include_rejected)
            count = write_csv(kind, rows, out) if output_format == "csv" else write_jsonl(rows, out)
    finally:
        if output:
            out.close()
    click.echo(f"aidtrace: exported {count} {kind}", err=True)


# ---------------------------------------------------------------------------- review


@click.group()
def review() -> None:
    """Review merged facts: accept, reject or correct them (the history is kept)."""


def _reviewer_option(function):
    function = click.option("--by", "reviewer", metavar="NAME", default=None,
                            help="Reviewer name (default: $AIDTRACE_REVIEWER, else the login name).")(function)
    return click.option("--note", default=None, help="Why (kept in the history).")(function)


def _fact_line(kind: str, fact) -> str:  # noqa: ANN001 (any fact row)
    from ..facts import KINDS

    values = []
    for name in KINDS[kind].field_names:
        value = getattr(fact, name)
        if value in (None, "", []):
            continue
        values.append(f"{name}={', '.join(value) if isinstance(value, list) else value}")
    seen = f"{fact.first_seen or '?'}..{fact.last_seen or '?'}"
    return f"{kind}/{fact.id} [{fact.review_state}] {' '.join(values)} ({fact.mention_count} mentions, {seen})"


@review.command(name="list")
@click.option("--kind", type=KindChoice(), required=True)
@click.option("--state", type=click.Choice(REVIEW_STATES), default=None)
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@db_option
def review_list(kind: str, state: str | None, limit: int, db_url: str | None) -> None:
    """List merged facts of a kind, most mentioned first."""
    from . import review as reviews
    from .database import session_scope

    with session_scope(open_registry(db_url)) as session:
        for fact in reviews.most_mentioned(session, kind, state, limit):
            click.echo(_fact_line(kind, fact))


@review.command(name="show")
@click.argument("kind", type=KindChoice())
@click.argument("fact_id", type=int)
@db_option
def review_show(kind: str, fact_id: int, db_url: str | None) -> None:
    """Show a fact, its sources with evidence, and its review history."""
    from . import review as reviews
    from .database import session_scope
    from .export import fact_sources

    with session_scope(open_registry(db_url)) as session:
        try:
            fact = reviews.get_fact(session, kind, fact_id)
        except reviews.ReviewError as error:
            raise click.ClickException(str(error)) from error
        click.echo(_fact_line(kind, fact))
        for source in fact_sources(session, kind, [fact_id])[fact_id]:
            where = source["url"] or source["doc_id"]
            for evidence in source["evidence"][:1]:
                click.echo(f"  {source['published'] or '?'} {where}: \u201c{' '.join(evidence['text'].split())}\u201d")
        for entry in reviews.history(session, kind, fact_id):
            click.echo(f"  review {entry.created_at:%Y-%m-%d %H:%M} {entry.reviewer}: {entry.action} "
                       f"{entry.old_state}->{entry.new_state} {entry.old_values or ''} {entry.new_values or ''}")


def _review_action(action: str, kind: str, fact_id: int, reviewer: str | None, note: str | None,
                   db_url: str | None, changes: dict | None = None) -> None:
    from . import review as reviews
    from .database import session_scope

    with session_scope(open_registry(db_url)) as session:
        try:
            if action == "correct":
                entry = reviews.correct(session, kind, fact_id, changes or {}, reviewer, note)
            else:
                entry = getattr(reviews, action)(session, kind, fact_id, reviewer, note)
        except reviews.ReviewError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"{kind}/{fact_id}: {entry.old_state} -> {entry.new_state} by {entry.reviewer}")


@review.command(name="accept")
@click.argument("kind", type=KindChoice())
@click.argument("fact_id", type=int)
@_reviewer_option
@db_option
def review_accept(kind: str, fact_id: int, reviewer: str | None, note: str | None, db_url: str | None) -> None:
    """Accept a fact as it is."""
    _review_action("accept", kind, fact_id, reviewer, note, db_url)


@review.command(name="reject")
@click.argument("kind", type=KindChoice())
@click.argument("fact_id", type=int)
@_reviewer_option
@db_option
def review_reject(kind: str, fact_id: int, reviewer: str | None, note: str | None, db_url: str | None) -> None:
    """Reject a fact: hidden from exports and stats, and it stays rejected when found again."""
    _review_action("reject", kind, fact_id, reviewer, note, db_url)


@review.command(name="reset")
@click.argument("kind", type=KindChoice())
@click.argument("fact_id", type=int)
@_reviewer_option
@db_option
def review_reset(kind: str, fact_id: int, reviewer: str | None, note: str | None, db_url: str | None) -> None:
    """Hand a fact back to the machine (its fields are rebuilt from its mentions)."""
    _review_action("reset", kind, fact_id, reviewer, note, db_url)


@review.command(name="correct")
@click.argument("kind", type=KindChoice())
@click.argument("fact_id", type=int)
@click.argument("changes", nargs=-1, required=True, metavar="FIELD=VALUE...")
@_reviewer_option
@db_option
def review_correct(kind: str, fact_id: int, changes: tuple[str, ...], reviewer: str | None, note: str | None,
                   db_url: str | None) -> None:
    """Correct fields of a fact, e.g. ``quantity=12 item="155 mm shells"`` (null clears a field;
    participants are separated by ';'). Values are checked as the web checks them."""
    parsed = {}
    for change in changes:
        if "=" not in change:
            raise click.BadParameter(f"{change!r} is not FIELD=VALUE", param_hint="FIELD=VALUE")
        name, value = change.split("=", 1)
        parsed[name.strip()] = value
    _review_action("correct", kind, fact_id, reviewer, note, db_url, parsed)


@review.command(name="history")
@click.argument("kind", type=KindChoice())
@click.argument("fact_id", type=int)
@db_option
def review_history(kind: str, fact_id: int, db_url: str | None) -> None:
    """The review history of a fact, oldest first."""
    from . import review as reviews
    from .database import session_scope

    with session_scope(open_registry(db_url)) as session:
        for entry in reviews.history(session, kind, fact_id):
            click.echo(json.dumps({
                "at": entry.created_at.isoformat(), "reviewer": entry.reviewer, "action": entry.action,
                "old_state": entry.old_state, "new_state": entry.new_state,
                "old": entry.old_values, "new": entry.new_values, "note": entry.note,
            }, ensure_ascii=False, default=str))


# ---------------------------------------------------------------------------- persons


@click.group()
def persons() -> None:
    """People as entities: list them, merge two persons or split one (kept after re-extraction)."""


@persons.command(name="list")
@click.option("--q", "name", default=None,
              help="Only the persons this names: a surname in any romanisation, or part of any name.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@db_option
def persons_list(name: str | None, limit: int, db_url: str | None) -> None:
    """Persons, busiest first, with every name the registry writes for them."""
    from .persons import matching, persons as all_persons

    with open_registry(db_url).connect() as connection:
        found = all_persons(connection)
    if name:
        found = matching(name, found, lambda person: person.aliases)
    for person in found[:limit]:
        others = sorted(alias for alias in person.aliases if alias != person.name)
        click.echo(f"{person.name}: {person.quotes} quotes, {person.meetings} meetings"
                   + (f" (also: {'; '.join(others)})" if others else ""))
    click.echo(f"{len(found)} persons", err=True)


def _link(action: str, name_a: str, name_b: str, reviewer: str | None, note: str | None, db_url: str | None) -> None:
    from .database import session_scope
    from .persons import PersonError, names, persons as all_persons, record
    from .review import default_reviewer

    engine = open_registry(db_url)
    with session_scope(engine) as session:
        try:
            record(session, action, name_a, name_b, reviewer or default_reviewer(), note, names(session.connection()))
        except PersonError as error:
            raise click.ClickException(str(error)) from error
    with engine.connect() as connection:
        for person in all_persons(connection):
            if {name_a, name_b} & set(person.aliases):
                click.echo(f"{person.name}: {'; '.join(sorted(person.aliases))}")


@persons.command(name="merge")
@click.argument("name_a")
@click.argument("name_b")
@_reviewer_option
@db_option
def persons_merge(name_a: str, name_b: str, reviewer: str | None, note: str | None, db_url: str | None) -> None:
    """Say NAME_A and NAME_B are one person."""
    _link("merge", name_a, name_b, reviewer, note, db_url)


@persons.command(name="split")
@click.argument("name_a")
@click.argument("name_b")
@_reviewer_option
@db_option
def persons_split(name_a: str, name_b: str, reviewer: str | None, note: str | None, db_url: str | None) -> None:
    """Say NAME_A is not the person NAME_B is (NAME_A is taken out of that person)."""
    _link("split", name_a, name_b, reviewer, note, db_url)


@persons.command(name="links")
@db_option
def persons_links(db_url: str | None) -> None:
    """Every reviewed merge and split, oldest first."""
    from .persons import links

    with open_registry(db_url).connect() as connection:
        for action, name_a, name_b in links(connection):
            click.echo(f"{action}\t{name_a}\t{name_b}")


COMMANDS = (db, stats, review, export, persons)
