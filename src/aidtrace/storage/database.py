"""Database URLs to SQLAlchemy engines, sessions and schema upgrades.

    engine = get_engine()                  # $AIDTRACE_DB or sqlite:///./aidtrace.db
    upgrade(engine)                        # create or upgrade the schema (Alembic, shipped in the package)
    with session_scope(engine) as session: ...

SQLite files run in WAL mode with foreign keys on, so readers (the web) never block the
ingest and a killed writer leaves the last committed transaction intact.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

DEFAULT_URL = "sqlite:///./aidtrace.db"
ENV_VAR = "AIDTRACE_DB"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class DatabaseError(RuntimeError):
    """The database cannot be opened or its schema is not usable; str() is one line."""


def database_url(url: str | None = None) -> str:
    """The URL to use: the explicit one, else ``$AIDTRACE_DB``, else ``./aidtrace.db``.

    A bare file path is accepted as a SQLite database; ``postgresql://`` URLs are routed to
    psycopg 3 (the driver that ships with aidtrace).
    """
    url = url or os.environ.get(ENV_VAR) or DEFAULT_URL
    if "://" not in url:
        url = f"sqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 (DBAPI objects)
    cursor = dbapi_connection.cursor()
    # WAL: readers don't block the writer; synchronous=NORMAL is durable at each checkpoint
    # and, in WAL mode, never corrupts the database on a crash (only the last commits may be lost).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # pysqlite would BEGIN only before DML, leaving DDL (the migrations) outside transactions;
    # taking over BEGIN makes every transaction, schema creation included, atomic — a kill -9
    # in the middle of `db upgrade` leaves the database as it was.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection) -> None:  # noqa: ANN001 (SQLAlchemy Connection)
    connection.exec_driver_sql("BEGIN")


def get_engine(url: str | None = None, echo: bool = False) -> Engine:
    """An engine for ``url`` (see :func:`database_url`), with SQLite set up for WAL and foreign keys."""
    resolved = make_url(database_url(url))
    if resolved.get_backend_name() == "sqlite":
        database = resolved.database
        if database and database != ":memory:":
            parent = Path(database).expanduser().resolve().parent
            if not parent.is_dir():
                raise DatabaseError(f"cannot open {database}: directory {parent} does not exist")
        engine = create_engine(resolved, echo=echo)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(resolved, echo=echo, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` (objects stay usable after commit)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on an exception."""
    session = make_sessionmaker(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine) -> "Config":
    """An Alembic configuration built in code: no alembic.ini is needed at run time."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # '%' must be doubled for ConfigParser interpolation.
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create the schema or bring it up to ``revision`` (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, or None for an empty database."""
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest schema revision shipped with this version of aidtrace."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()  # type: ignore[return-value]


def ensure_schema(engine: Engine) -> None:
    """Upgrade the schema when it is missing or older than this aidtrace; a no-op otherwise."""
    try:
        if current_revision(engine) != head_revision():
            upgrade(engine)
    except Exception as error:  # noqa: BLE001 (any driver error becomes one clear line)
        raise DatabaseError(f"cannot open database {engine.url.render_as_string()}: {_one_line(error)}") from error


def table_names(engine: Engine) -> list[str]:
    """The tables present in the database (for diagnostics and tests)."""
    return sorted(inspect(engine).get_table_names())


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
