"""kill -9 in the middle of `aidtrace ingest`, then run it again: the database must end with
exactly the documents, mentions and merged facts of an uninterrupted run (SQLite and PostgreSQL).

The corpus is synthetic (sentences written here, combined by a seeded generator): many short
documents with commitments, meetings, endorsements and patronages that repeat across days, so
that merging is exercised and the run lasts a few seconds.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from aidtrace.storage import merge
from aidtrace.storage.database import get_engine, session_scope
from aidtrace.storage.schema import FACT_TABLES, Document, Mention

DONORS = [("Estonia", "Kaja Kallas", "Prime Minister"), ("Latvia", "Krisjanis Karins", "Prime Minister"),
          ("Lithuania", "Gitanas Nauseda", "President"), ("Poland", "Andrzej Duda", "President"),
          ("Denmark", "Mette Frederiksen", "Prime Minister"), ("Canada", "Justin Trudeau", "Prime Minister")]
ITEMS = ["mobile military hospital", "power generators", "armoured vehicles", "ambulances", "howitzers", "transformers"]
PLACES = ["Zhytomyr", "Kharkiv", "Odesa", "Chernihiv", "Mykolaiv", "Kyiv"]
SENTENCES = [
    "{donor} has handed over {n} {item} to Ukraine, the government in its capital said.",
    "{donor} will provide {n} {item} to Ukraine next month, officials announced.",
    "President Volodymyr Zelensky met {role} {leader} of {donor} in {place} on {day}.",
    "{donor} supports Ukraine's membership in the European Union.",
    "{donor} supports new sanctions against Russia.",
    "{donor} will help rebuild {place} Oblast after the war.",
    "The weather in {place} was cold and the talks lasted two hours.",
]
MONTHS = ["January", "February", "March", "April", "May", "June"]


def write_corpus(path: Path, count: int, seed: int = 7) -> None:
    """A JSONL corpus of ``count`` short synthetic news items."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            month = rng.randrange(6)
            day = rng.randrange(1, 28)
            donor, leader, role = rng.choice(DONORS)
            values = {"donor": donor, "leader": leader, "role": role, "item": rng.choice(ITEMS),
                      "n": rng.choice([2, 3, 5, 12]), "place": rng.choice(PLACES), "day": f"{MONTHS[month]} {day}"}
            text = " ".join(rng.sample(SENTENCES, 3)).format(**values) + f" Report number {i}."
            out.write(json.dumps({"id": f"syn-{i}", "published": f"2023-{month + 1:02d}-{day:02d}",
                                  "title": f"Report {i}", "source": "synthetic", "text": text}) + "\n")


def snapshot(url: str) -> dict[str, Any]:
    """The whole registry as plain data, without surrogate ids and timestamps."""
    engine = get_engine(url)
    with session_scope(engine) as session:
        documents = session.scalars(select(Document)).all()
        hashes = {d.id: d.content_hash for d in documents}
        docs = sorted((d.doc_id, d.url, d.title, d.published, d.source, d.content_hash, d.extractor_version, d.text)
                      for d in documents)
        facts: dict[str, list] = {}
        for kind, table in FACT_TABLES.items():
            mentions_of: dict[int, list] = {}
            for mention in session.scalars(select(Mention).where(Mention.kind == kind)):
                key = (hashes[mention.document_id], mention.position, json.dumps(mention.fields, sort_keys=True),
                       json.dumps(mention.evidence), mention.confidence, mention.extractor_version)
                mentions_of.setdefault(mention.fact_id, []).append(key)
            rows = []
            for fact in session.scalars(select(table)):
                values = merge.fact_values(kind, fact)
                rows.append((json.dumps(values, sort_keys=True), fact.merge_key, fact.first_seen, fact.last_seen,
                             fact.mention_count, fact.confidence, fact.review_state,
                             sorted(mentions_of.get(fact.id, []))))
            facts[kind] = sorted(rows)
    engine.dispose()
    return {"documents": docs, "facts": facts}


def _count_documents(url: str) -> int:
    engine = get_engine(url)
    try:
        with session_scope(engine) as session:
            return session.scalar(select(func.count()).select_from(Document)) or 0
    except Exception:  # noqa: BLE001 (the schema may not exist yet in the first second)
        return 0
    finally:
        engine.dispose()


def _ingest_command(corpus: Path, url: str) -> list[str]:
    return [sys.executable, "-c", "from aidtrace.cli import main; main()", "ingest", str(corpus), "--db", url,
            "--jobs", "2", "--no-progress"]


def _run(corpus: Path, url: str) -> None:
    result = subprocess.run(_ingest_command(corpus, url), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]


def _kill_when(corpus: Path, url: str, documents: int) -> int:
    """Start an ingest, SIGKILL its whole process group once ``documents`` are stored; returns the count then."""
    process = subprocess.Popen(_ingest_command(corpus, url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 300
    try:
        while _count_documents(url) < documents:
            assert process.poll() is None, "the ingest ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the ingest and its extraction workers
        process.wait()
    assert process.returncode == -signal.SIGKILL
    return _count_documents(url)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_kill_9_and_rerun_equals_an_uninterrupted_run(backend, tmp_path, request):
    corpus = tmp_path / "corpus.jsonl"
    total = 160
    write_corpus(corpus, total)
    if backend == "sqlite":
        clean, killed = (f"sqlite:///{tmp_path / name}" for name in ("clean.db", "killed.db"))
    else:
        clean = request.getfixturevalue("pg_url")
        # A second scratch database on the same server for the interrupted run.
        killed = _second_pg_database(clean, request)
    _run(corpus, clean)
    expected = snapshot(clean)
    assert len(expected["documents"]) == total
    assert sum(len(rows) for rows in expected["facts"].values()) > 30  # merging had something to do
    assert any(row[4] > 1 for rows in expected["facts"].values() for row in rows)

    first = _kill_when(corpus, killed, total // 4)
    second = _kill_when(corpus, killed, (total * 2) // 3)
    assert 0 < first < second < total  # really interrupted, twice
    _run(corpus, killed)
    assert snapshot(killed) == expected


def _second_pg_database(url: str, request) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from aidtrace.storage.database import database_url

    name = make_url(database_url(url)).database + "_k"
    admin = create_engine(database_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))  # derived from a generated name

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    request.addfinalizer(drop)
    return make_url(database_url(url)).set(database=name).render_as_string(hide_password=False)
