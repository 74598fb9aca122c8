"""Two `aidtrace ingest` processes on the same database at the same time (a team sharing a
registry): every document is stored once and every merged fact exists once."""
from __future__ import annotations

import subprocess
import sys

from sqlalchemy import func, select

from aidtrace.storage.database import get_engine, session_scope
from aidtrace.storage.schema import FACT_TABLES, Document, Mention
from test_kill import snapshot, write_corpus


def _counts(url: str) -> tuple[int, int, dict[str, int]]:
    engine = get_engine(url)
    with session_scope(engine) as session:
        documents = session.scalar(select(func.count()).select_from(Document))
        mentions = session.scalar(select(func.count()).select_from(Mention))
        keys = {}
        for kind in ("endorsements", "patronages"):
            table = FACT_TABLES[kind]
            keys[kind] = session.scalar(select(func.count()).select_from(table))
    engine.dispose()
    return documents, mentions, keys


def test_two_ingests_at_once_store_each_document_once(tmp_path, db_url):
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, 80, seed=11)
    serial = f"sqlite:///{tmp_path / 'serial.db'}"
    command = [sys.executable, "-c", "from aidtrace.cli import main; main()", "ingest", str(corpus), "--no-progress"]
    subprocess.run(command + ["--db", serial], check=True, capture_output=True, timeout=600)
    # Create the schema first: two processes racing to create it is not what this test is about.
    subprocess.run([sys.executable, "-c", "from aidtrace.cli import main; main()", "db", "upgrade", "--db", db_url],
                   check=True, capture_output=True, timeout=120)
    processes = [subprocess.Popen(command + ["--db", db_url], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    for process in processes:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err[-2000:]
    documents, mentions, keys = _counts(db_url)
    assert (documents, mentions, keys) == _counts(serial)
    # Endorsements and patronages do not depend on merge order: they are exactly the serial ones.
    shared, alone = snapshot(db_url), snapshot(serial)
    for kind in ("endorsements", "patronages"):
        assert [row[:2] for row in shared["facts"][kind]] == [row[:2] for row in alone["facts"][kind]]
    assert shared["documents"] == alone["documents"]
