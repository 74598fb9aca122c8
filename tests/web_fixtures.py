"""Fixtures of the web tests: a real SQLite registry filled by a real ``aidtrace ingest`` of
``tests/data/web_documents.jsonl`` (our own press-release-like texts, one of them hostile
HTML), API tokens made by ``aidtrace token create``, and ``aidtrace serve`` running as a real
HTTP server on 127.0.0.1.

Import the fixtures into a test module with ``from web_fixtures import *``.
"""
from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

DOCUMENTS = Path(__file__).parent / "data" / "web_documents.jsonl"
# Documents for the totals: a running total, unpriced items, an untitled document, commitments
# months apart, and patrons of Kyiv city and of Kyiv Oblast (whose map labels would collide).
TOTALS_DOCUMENTS = Path(__file__).parent / "data" / "web_totals.jsonl"
CLI = [sys.executable, "-c", "import sys; from aidtrace.cli import main; sys.exit(main())"]
# The same click command ``aidtrace serve`` runs, without loading the extraction pipeline that
# the top-level CLI imports: a server starts in about a second instead of five.
SERVE = [sys.executable, "-c", "import sys; from aidtrace.web.commands import serve; sys.exit(serve())"]

__all__ = ["DOCUMENTS", "TOTALS_DOCUMENTS", "totals_db", "totals_server", "Server", "aidtrace", "copy_db", "ingested_db", "fresh_db", "make_token", "revoke", "start_server",
           "server", "writable_server", "free_port", "_stop"]


def aidtrace(*args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the ``aidtrace`` command line in a child process."""
    result = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"aidtrace {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


def copy_db(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite registry (the backup API also copies what sits in the WAL)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


@pytest.fixture(scope="session")
def ingested_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The registry after ``aidtrace ingest`` of the web test documents (do not modify: copy it)."""
    path = tmp_path_factory.mktemp("webdb") / "registry.db"
    aidtrace("ingest", "--db", str(path), "--no-progress", str(DOCUMENTS))
    return path


@pytest.fixture(scope="session")
def totals_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The registry after ``aidtrace ingest`` of tests/data/web_totals.jsonl (do not modify)."""
    path = tmp_path_factory.mktemp("totalsdb") / "registry.db"
    aidtrace("ingest", "--db", str(path), "--no-progress", str(TOTALS_DOCUMENTS))
    return path


@pytest.fixture
def fresh_db(ingested_db: Path, tmp_path: Path) -> Path:
    """A private copy of the ingested registry for a test that writes."""
    return copy_db(ingested_db, tmp_path / "registry.db")


def make_token(db: Path | str, name: str) -> str:
    """A new API token, stored as ``aidtrace token create`` stores it (in-process: the command
    itself is tested in test_web_api.test_token_commands)."""
    from aidtrace.storage.database import get_engine
    from aidtrace.web.security import create_token

    engine = get_engine(str(db))
    try:
        return create_token(engine, name)
    finally:
        engine.dispose()


def revoke(db: Path, name: str) -> None:
    """Revoke a token as ``aidtrace token revoke`` does."""
    from aidtrace.storage.database import get_engine
    from aidtrace.web.security import revoke_token

    engine = get_engine(str(db))
    try:
        assert revoke_token(engine, name)
    finally:
        engine.dispose()


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running ``aidtrace serve``."""

    url: str
    db: Path | str  # a SQLite file, or a database URL
    process: subprocess.Popen

    def client(self, **kwargs) -> httpx.Client:
        """An HTTP client for this server."""
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)


def start_server(db: Path | str, log: Path) -> Server:
    """Start ``aidtrace serve --db DB`` on a free port and wait until it answers."""
    port = free_port()
    handle = open(log, "w")  # noqa: SIM115 (lives as long as the server)
    process = subprocess.Popen([*SERVE, "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=handle, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"aidtrace serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url + "/api/overview", timeout=2).status_code == 200:
                return Server(url, db, process)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise AssertionError(f"aidtrace serve did not answer within 60 s:\n{log.read_text()}")


def _stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="module")
def server(ingested_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``aidtrace serve`` over a read-only copy of the ingested registry (one per test module)."""
    folder = tmp_path_factory.mktemp("serve")
    running = start_server(copy_db(ingested_db, folder / "registry.db"), folder / "serve.log")
    yield running
    _stop(running)


@pytest.fixture(scope="module")
def totals_server(totals_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``aidtrace serve`` over a read-only copy of the totals registry (one per test module)."""
    folder = tmp_path_factory.mktemp("serve-totals")
    running = start_server(copy_db(totals_db, folder / "registry.db"), folder / "serve.log")
    yield running
    _stop(running)


@pytest.fixture
def writable_server(fresh_db: Path, tmp_path: Path) -> Iterator[Server]:
    """``aidtrace serve`` over a private copy of the registry, for tests that review facts."""
    running = start_server(fresh_db, tmp_path / "serve.log")
    yield running
    _stop(running)
