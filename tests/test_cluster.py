"""`aidtrace ingest --cluster`: extraction on a real Dask cluster (worker processes on this host),
storage by the client, and a registry identical to a plain ingest — also when a worker is
SIGKILLed mid-run, or the whole run (client, scheduler and workers) is, and then run again.

The corpus is test_kill's synthetic one (sentences invented there), plus input errors and a
document repeated under another id, so that the order in which results are stored matters.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dask
import distributed
import pytest
from click.testing import CliRunner

from aidtrace.cli import main
from aidtrace.ingest.cluster import (DASK_SETTINGS, WORKER_CALLBACK_MS, ClusterError, ClusterSpec, cluster_extractor,
                                     connect, extract_on_cluster, parse_cluster)
from aidtrace.ingest.run import ingest, reextract_all
from aidtrace.model import Document
from aidtrace.storage.database import get_engine
from test_kill import _count_documents, _second_pg_database, snapshot, write_corpus

CLI = [sys.executable, "-c", "from aidtrace.cli import main; main()"]


# Kill tests need work left when the kill comes: several times the client's window of batches in
# flight (3 batches of 16 documents per worker thread), and a kill after only a few are stored.
KILL_CORPUS = 320
KILL_AFTER = 8


def _corpus(path: Path, count: int, seed: int = 5) -> Path:
    """The synthetic corpus, then a broken line and the first document again under a new id."""
    write_corpus(path, count, seed=seed)
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    with path.open("a", encoding="utf-8") as out:
        out.write("{this line is not JSON\n")
        out.write(json.dumps({**first, "id": "syn-again"}) + "\n")
    return path


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.LocalCluster]:
    """Two worker processes of one thread each, shared by the tests of this module."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster) -> Iterator[distributed.Client]:
    with connect(cluster.scheduler_address) as connected:
        yield connected


def _pair(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[str, str]:
    """Two empty registries of one backend: for the plain ingest and for the cluster's."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'plain.db'}", f"sqlite:///{tmp_path / 'cluster.db'}"
    plain = request.getfixturevalue("pg_url")
    return plain, _second_pg_database(plain, request)


def _plain_ingest(corpus: Path, url: str):
    engine = get_engine(url)
    try:
        return ingest([str(corpus)], engine, jobs=1, progress=False)
    finally:
        engine.dispose()


def _cluster_ingest(corpus: Path, url: str, client) -> object:
    engine = get_engine(url)
    try:
        return ingest([str(corpus)], engine, progress=False, extract=cluster_extractor(client))
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------- the --cluster value


def test_cluster_names_a_scheduler_or_a_local_cluster():
    assert parse_cluster("tcp://10.0.0.5:8786") == ClusterSpec(address="tcp://10.0.0.5:8786")
    assert parse_cluster(" local:3 ") == ClusterSpec(local_workers=3)
    for bad in ("10.0.0.5:8786", "local:0", "local:two", "local:", "tcp://", "http://host:8786", ""):
        with pytest.raises(ClusterError, match="--cluster"):
            parse_cluster(bad)


def test_a_bad_cluster_is_a_one_line_error(tmp_path):
    corpus = _corpus(tmp_path / "corpus.jsonl", 3)
    db = f"sqlite:///{tmp_path / 'registry.db'}"
    result = CliRunner().invoke(main, ["ingest", str(corpus), "--db", db, "--cluster", "local:none"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["Error: --cluster 'local:none': local:N needs a number of workers N >= 1"]
    result = CliRunner().invoke(main, ["ingest", str(corpus), "--db", db, "--cluster", "local:2", "--jobs", "2"])
    assert result.exit_code == 2 and "--jobs" in result.output
    # The environment names the cluster when the option does not.
    result = CliRunner().invoke(main, ["ingest", str(corpus), "--db", db], env={"AIDTRACE_CLUSTER": "nowhere"})
    assert result.exit_code == 1 and "Error: --cluster 'nowhere'" in result.output


# ---------------------------------------------------------------------------- same registry


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_cluster_ingest_equals_a_plain_ingest(backend, tmp_path, request, client):
    corpus = _corpus(tmp_path / "corpus.jsonl", 60)
    plain_url, cluster_url = _pair(backend, tmp_path, request)
    plain = _plain_ingest(corpus, plain_url)
    report = _cluster_ingest(corpus, cluster_url, client)
    assert (report.added, report.duplicates, report.failed, report.mentions, report.new_facts) == \
        (plain.added, plain.duplicates, plain.failed, plain.mentions, plain.new_facts) == \
        (60, 1, 1, plain.mentions, plain.new_facts)
    expected = snapshot(plain_url)
    assert any(row[4] > 1 for rows in expected["facts"].values() for row in rows)  # facts really merged
    assert snapshot(cluster_url) == expected
    # The duplicate is the second copy in input order, as in the plain ingest: syn-0 is stored.
    assert "syn-0" in {row[0] for row in expected["documents"]}
    assert "syn-again" not in {row[0] for row in snapshot(cluster_url)["documents"]}
    # Run again: everything is already stored, nothing is sent to the workers.
    again = _cluster_ingest(corpus, cluster_url, client)
    assert (again.added, again.duplicates, again.mentions) == (0, 61, 0)
    assert snapshot(cluster_url) == expected


def test_reextract_on_the_cluster_replaces_every_mention_with_the_same(tmp_path, client):
    corpus = _corpus(tmp_path / "corpus.jsonl", 24, seed=23)
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    _cluster_ingest(corpus, url, client)
    before = snapshot(url)
    engine = get_engine(url)
    try:
        report = reextract_all(engine, progress=False, extract=cluster_extractor(client))
    finally:
        engine.dispose()
    assert (report.reextracted, report.failed) == (24, 0) and report.mentions > 24
    assert snapshot(url) == before


def test_results_come_back_in_input_order_with_errors_in_place(client):
    items: list[Document | Exception] = [ValueError("unreadable input")]
    items += [Document(id=f"d{i}", text=f"Estonia supports new sanctions against Russia. Item {i}.",
                       published="2023-05-0{}".format(1 + i % 9)) for i in range(9)]
    items.insert(5, ValueError("another"))
    items.append(Document(id="huge", text="x " * 600_000))  # over the pipeline's length limit
    results = list(extract_on_cluster(client, items, batch_size=2, window=2))
    assert [type(r).__name__ for r in results[:1]] == ["ValueError"] and str(results[5]) == "another"
    ids = [r.doc_id for r in results if hasattr(r, "doc_id")]
    assert ids == [f"d{i}" for i in range(9)]
    assert all(r.endorsements for r in results if hasattr(r, "doc_id"))
    assert type(results[-1]).__name__ == "ExtractionError" and "huge" in str(results[-1])


def test_workers_load_the_pipeline_once_each(client):
    def pipeline_cache_size() -> int:
        from aidtrace.pipeline import load_pipeline

        return load_pipeline.cache_info().currsize

    before = client.run(pipeline_cache_size)
    assert len(before) == 2 and set(before.values()) == {1}  # loaded by the plugin at registration
    items = [Document(id=f"d{i}", text="Latvia will provide 3 ambulances to Ukraine.", published="2023-02-01")
             for i in range(8)]
    assert len(list(extract_on_cluster(client, items, batch_size=1))) == 8
    assert client.run(pipeline_cache_size) == before


# ---------------------------------------------------------------------------- kill -9


def _wait_until_stored(url: str, running) -> None:
    """Wait until KILL_AFTER documents are stored; ``running()`` is True while the ingest runs,
    else the reason to fail (it ended before the kill could come)."""
    deadline = time.monotonic() + 300
    while _count_documents(url) < KILL_AFTER:
        state = running()
        assert state is True, state
        assert time.monotonic() < deadline
        time.sleep(0.05)


def _worker_pids(client) -> dict[str, int]:
    return client.run(os.getpid)


def test_a_worker_killed_mid_run_changes_nothing(tmp_path, client):
    corpus = _corpus(tmp_path / "corpus.jsonl", KILL_CORPUS, seed=9)
    plain_url, cluster_url = _pair("sqlite", tmp_path, None)
    _plain_ingest(corpus, plain_url)
    pids = _worker_pids(client)
    victim = sorted(pids.values())[0]
    outcome: list[object] = []
    thread = threading.Thread(target=lambda: outcome.append(_cluster_ingest(corpus, cluster_url, client)))
    thread.start()
    _wait_until_stored(cluster_url, lambda: thread.is_alive() or "the ingest ended before a worker could be killed")
    os.kill(victim, signal.SIGKILL)
    stored_at_kill = _count_documents(cluster_url)
    thread.join(timeout=300)
    assert not thread.is_alive()
    report = outcome[0]
    assert stored_at_kill < KILL_CORPUS  # the worker died mid-run
    assert (report.added, report.failed) == (KILL_CORPUS, 1)  # only the broken line failed
    assert victim not in _worker_pids(client).values()
    assert snapshot(cluster_url) == snapshot(plain_url)


def _run_cli(corpus: Path, url: str, cluster: str) -> subprocess.Popen:
    return subprocess.Popen(CLI + ["ingest", str(corpus), "--db", url, "--cluster", cluster, "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)


def test_a_whole_local_cluster_killed_then_run_again_equals_an_uninterrupted_run(tmp_path):
    """SIGKILL to the process group of `ingest --cluster local:2`: client, scheduler and workers."""
    corpus = _corpus(tmp_path / "corpus.jsonl", KILL_CORPUS, seed=13)
    plain_url, cluster_url = _pair("sqlite", tmp_path, None)
    _plain_ingest(corpus, plain_url)
    process = _run_cli(corpus, cluster_url, "local:2")
    try:
        _wait_until_stored(cluster_url, lambda: process.poll() is None or process.stderr.read()[-2000:])
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert 0 < _count_documents(cluster_url) < KILL_CORPUS
    rerun = _run_cli(corpus, cluster_url, "local:2")
    _, errors = rerun.communicate(timeout=300)
    assert rerun.returncode == 1, errors[-2000:]  # the broken line, reported again
    assert "aidtrace: error:" in errors and "Traceback" not in errors
    assert snapshot(cluster_url) == snapshot(plain_url)


def test_a_client_killed_mid_run_leaves_the_cluster_usable(tmp_path, cluster, client):
    corpus = _corpus(tmp_path / "corpus.jsonl", KILL_CORPUS, seed=17)
    plain_url, cluster_url = _pair("sqlite", tmp_path, None)
    _plain_ingest(corpus, plain_url)
    process = _run_cli(corpus, cluster_url, cluster.scheduler_address)
    try:
        _wait_until_stored(cluster_url, lambda: process.poll() is None or process.stderr.read()[-2000:])
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert 0 < _count_documents(cluster_url) < KILL_CORPUS
    _cluster_ingest(corpus, cluster_url, client)
    assert snapshot(cluster_url) == snapshot(plain_url)


def _start_scheduler_and_workers(tmp_path: Path) -> tuple[str, list[subprocess.Popen]]:
    """`dask scheduler` and `dask worker --nworkers 2`, as a team runs them (here on 127.0.0.1)."""
    scheduler_file = tmp_path / "scheduler.json"
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                  "--port", "0", "--no-dashboard", "--scheduler-file", str(scheduler_file)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not scheduler_file.exists() or not scheduler_file.read_text(encoding="utf-8").strip():
        assert scheduler.poll() is None and time.monotonic() < deadline, "the scheduler did not start"
        time.sleep(0.1)
    time.sleep(0.2)  # the file is written in one go, but give the writer a moment to close it
    address = json.loads(scheduler_file.read_text(encoding="utf-8"))["address"]
    workers = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "2",
                                "--nthreads", "1", "--no-dashboard"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    return address, [scheduler, workers]


def test_a_scheduler_killed_mid_run_is_one_line_and_a_rerun_completes(tmp_path, client):
    corpus = _corpus(tmp_path / "corpus.jsonl", KILL_CORPUS, seed=19)
    plain_url, cluster_url = _pair("sqlite", tmp_path, None)
    _plain_ingest(corpus, plain_url)
    address, processes = _start_scheduler_and_workers(tmp_path)
    scheduler = processes[0]
    try:
        ingesting = _run_cli(corpus, cluster_url, address)
        _wait_until_stored(cluster_url, lambda: ingesting.poll() is None or ingesting.stderr.read()[-2000:])
        os.kill(scheduler.pid, signal.SIGKILL)
        _, errors = ingesting.communicate(timeout=300)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert ingesting.returncode == 1
    assert "Traceback" not in errors
    assert errors.strip().splitlines()[-1].startswith("Error: lost the Dask cluster")
    assert 0 < _count_documents(cluster_url) < KILL_CORPUS
    _cluster_ingest(corpus, cluster_url, client)  # run again, on another cluster: the registry does not mind
    assert snapshot(cluster_url) == snapshot(plain_url)


def test_the_client_of_a_cluster_never_imports_spacy(tmp_path, cluster):
    """With --cluster this process only reads and stores: the pipeline lives on the workers."""
    corpus = _corpus(tmp_path / "corpus.jsonl", 5)
    code = ("import sys, runpy\n"
            f"sys.argv = ['aidtrace', 'ingest', {str(corpus)!r}, '--db', {'sqlite:///' + str(tmp_path / 'r.db')!r}, "
            f"'--cluster', {cluster.scheduler_address!r}, '--no-progress']\n"
            "try:\n    runpy.run_module('aidtrace', run_name='__main__')\nexcept SystemExit as end:\n    print(end.code)\n"
            "print(sorted(m for m in sys.modules if m == 'spacy' or m.startswith(('spacy.', 'thinc'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.stdout.split("\n")[:2] == ["1", "[]"], result.stderr[-2000:]  # 1: the broken line
    assert "5 documents added" in result.stderr


def test_workers_stop_the_statistical_profiler(client):
    """Extraction workers sample no stacks: that costs the extracting thread and nobody reads it."""
    def profiling(dask_worker) -> list[str]:  # noqa: ANN001 (distributed passes its Worker)
        return sorted(name for name in dask_worker.periodic_callbacks if name.startswith("profile"))

    assert set(map(tuple, client.run(profiling).values())) == {()}
    assert "heartbeat" in next(iter(client.run(lambda dask_worker: list(dask_worker.periodic_callbacks)).values()))


def test_workers_check_their_event_loop_and_the_host_less_often(client):
    """Housekeeping slowed on workers started without aidtrace's Dask settings (this module's
    cluster): every callback still runs, at the plugin's intervals, not every 20 ms / 500 ms."""
    def intervals(dask_worker) -> dict[str, float]:  # noqa: ANN001 (distributed passes its Worker)
        return {name: dask_worker.periodic_callbacks[name].callback_time for name in WORKER_CALLBACK_MS}

    assert list(client.run(intervals).values()) == [WORKER_CALLBACK_MS] * 2


def test_a_local_cluster_runs_with_the_slower_housekeeping():
    """local:N starts its scheduler and workers with DASK_SETTINGS; the caller's config is left as it was."""
    tick = dask.config.get("distributed.admin.tick.interval")
    with connect("local:1") as connected:
        worker_tick = connected.run(lambda dask_worker: dask_worker._tick_interval)
        scheduler_tick = connected.run_on_scheduler(lambda dask_scheduler: dask_scheduler._tick_interval)
        memory = connected.run(lambda: dask.config.get("distributed.worker.memory.monitor-interval"))
    assert list(worker_tick.values()) == [1.0] and scheduler_tick == 1.0
    assert list(memory.values()) == [DASK_SETTINGS["distributed.worker.memory.monitor-interval"]]
    assert dask.config.get("distributed.admin.tick.interval") == tick
