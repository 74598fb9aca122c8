"""Throughput of `aidtrace ingest --cluster` with 1 and 2 Dask workers, against `ingest --jobs 1`.

    .venv/bin/python benchmarks/cluster_ingest.py [CORPUS.jsonl] [--limit N] [--rounds R] [--pg URL]

In one run, on the same documents, each into a fresh SQLite registry:

- ``plain``: ``aidtrace ingest --jobs 1`` (one process extracts and stores);
- ``cluster1`` / ``cluster2``: a LocalCluster of 1 / 2 worker processes (one thread each) is
  started here, then ``aidtrace ingest --cluster tcp://...`` runs against it. The worker
  processes are started before the clock starts (a team's ``dask worker`` runs for days), but
  they load the pipeline inside the timed run, as the plain ingest does. The cluster runs with
  ``aidtrace.ingest.cluster.DASK_SETTINGS`` (Dask's housekeeping less often), as the README
  recommends for a team's ``dask scheduler`` and ``dask worker``.

Printed as one JSON object: documents/s of each (``docs_per_s`` over the whole command;
``steady_docs_per_s`` over the time the ingest itself reports, after start-up — for the cluster
runs that excludes loading the pipeline on the workers), the speedup (cluster2 / cluster1, of
both rates; the goal, >= 1.6 on two free cores, is checked on the steady one, as start-up is
the same for any number of workers), ``overhead`` (cluster1 time / plain time, goal <= 1.15), the
peak resident memory of each worker and of the plain ingest, and the registry's bytes per
document; and CPU seconds (client + scheduler + workers for the cluster runs), which stay
meaningful when other work shares the machine and wall times do not: ``steady`` of a cluster run
is CPU per document of the client, the scheduler's process and the workers after the first 32
documents, and ``cpu_speedup_ceiling_2_cores`` the speedup they allow on two cores (2 × one
worker's CPU per document / everyone's with two workers). With ``--pg URL`` (a PostgreSQL server where that user may create databases) the
2-worker run is repeated into a scratch PostgreSQL database, measuring its bytes per document
and documents written per second. Best of ``--rounds`` per configuration. Exits 1 when a goal is
missed. The default corpus is ../shared/corpora/president-releases.jsonl (all 980 documents;
develop with ``--limit 40``).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from itertools import islice
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "president-releases.jsonl"
SPEEDUP_GOAL = 1.6
OVERHEAD_GOAL = 1.15
CLI = [sys.executable, "-c", "from aidtrace.cli import main; main()"]
# Steady figures: from the first sample with this many documents stored to the last sample.
STEADY_FROM = 32
SAMPLE_SECONDS = 1.0
SUMMARY = re.compile(r"(\d+) documents added.*?([\d.]+) s \(")


def _timed_ingest(arguments: list[str], sampler: "_Sampler | None" = None) -> dict[str, float]:
    """Run one ingest; its wall time, the seconds it reports (after start-up) and its peak RSS
    (with ``sampler``, also the steady CPU per document of every process of the run)."""
    started = time.perf_counter()
    process = subprocess.Popen(CLI + ["ingest", *arguments, "--no-progress"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    if sampler is not None:
        sampler.processes["client"] = psutil.Process(process.pid)
        sampler.start()
    errors = process.stderr.read()
    if sampler is not None:
        sampler.done.set()
        sampler.join()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if process.returncode not in (0, 1):  # 1: some inputs failed, reported on stderr
        raise SystemExit(f"ingest {' '.join(arguments)} failed: {errors.strip()[-800:]}")
    found = SUMMARY.search(errors)
    if not found:
        raise SystemExit(f"no summary line from ingest: {errors.strip()[-800:]}")
    result = {"wall_s": elapsed, "added": int(found.group(1)), "run_s": float(found.group(2)),
              "peak_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime}
    if sampler is not None:
        result["steady"] = {key: round(value, 4) for key, value in sampler.steady().items()}
    return result


def _own_usage() -> tuple[float, float]:
    """CPU seconds used and peak resident memory (MB) of this process (a worker, or the scheduler's)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _stored(db: str) -> int:
    """Documents committed so far in a SQLite registry (0 before its schema exists)."""
    path = db.removeprefix("sqlite:///")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as connection:
            return connection.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0


class _Sampler(threading.Thread):
    """CPU seconds of every process of a cluster run, sampled with the documents stored so far.

    The steady figures are the differences between the first sample with STEADY_FROM documents
    stored (the workers' pipelines are loaded, the first batches are done) and the last one:
    CPU per document of the client (and of its main thread, which reads and stores), the
    scheduler's process (this one, which also runs the local cluster's nannies), the workers,
    and the documents per second between the two samples. CPU seconds hold up on a shared
    machine, where wall times do not.
    """

    def __init__(self, db: str, processes: dict[str, psutil.Process]) -> None:
        super().__init__(daemon=True)
        self.db, self.processes = db, processes
        self.samples: list[tuple[float, int, dict[str, float]]] = []
        self.done = threading.Event()

    def _cpu(self) -> dict[str, float]:
        found = {}
        for name, process in self.processes.items():
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            found[name] = times.user + times.system
            if name == "client":  # its main thread reads, prefilters and stores; the others talk to Dask
                try:
                    main = next(t for t in process.threads() if t.id == process.pid)
                except (psutil.Error, StopIteration):
                    continue
                found["client_main_thread"] = main.user_time + main.system_time
        return found

    def run(self) -> None:
        while not self.done.wait(SAMPLE_SECONDS):
            if self.db.startswith("sqlite:///"):
                self.samples.append((time.perf_counter(), _stored(self.db), self._cpu()))

    def steady(self) -> dict[str, float]:
        started = next((sample for sample in self.samples if sample[1] >= STEADY_FROM), None)
        if started is None or self.samples[-1][1] - started[1] < STEADY_FROM:
            return {}
        (t0, n0, cpu0), (t1, n1, cpu1) = started, self.samples[-1]
        documents = n1 - n0
        per_document = {name: (cpu1[name] - cpu0[name]) / documents for name in cpu1 if name in cpu0}
        groups = {"client": ["client"], "client_main_thread": ["client_main_thread"], "scheduler": ["scheduler"],
                  "workers": [name for name in per_document if name.startswith("worker")]}
        figures = {f"{group}_cpu_per_doc": sum(per_document[name] for name in names) for group, names in groups.items()}
        figures["all_cpu_per_doc"] = sum(value for name, value in per_document.items() if name != "client_main_thread")
        figures["docs_per_s"] = documents / (t1 - t0)
        figures["documents"] = documents
        return figures


def _cluster_run(workers: int, sample: Path, db: str) -> dict[str, float]:
    """Start ``workers`` worker processes, time an ingest through them, read their peak memory."""
    import dask
    from distributed import Client, LocalCluster

    from aidtrace.ingest.cluster import DASK_SETTINGS

    # The cluster runs with the settings docs/scaling.md recommends for `dask scheduler` and
    # `dask worker` (the ingest's client applies them to itself).
    with dask.config.set(DASK_SETTINGS), \
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        workers_before = client.run(_own_usage)
        scheduler_before = _own_usage()[0]  # the scheduler (and the workers' nannies) run in this process
        processes = {"scheduler": psutil.Process()}
        for index, pid in enumerate(sorted(client.run(os.getpid).values())):
            processes[f"worker{index}"] = psutil.Process(pid)
        sampler = _Sampler(db, processes)
        result = _timed_ingest([str(sample), "--db", db, "--cluster", cluster.scheduler_address], sampler)
        workers_after = client.run(_own_usage)
        result["worker_peak_mb"] = max(peak for _, peak in workers_after.values())
        result["client_cpu_s"] = result["cpu_s"]  # reading, prefiltering and storing
        result["worker_cpu_s"] = sum(workers_after[w][0] - workers_before[w][0] for w in workers_after)
        result["scheduler_cpu_s"] = _own_usage()[0] - scheduler_before
        result["cpu_s"] += result["worker_cpu_s"] + result["scheduler_cpu_s"]
    return result


def _best(runs: list[dict[str, float]]) -> dict[str, float]:
    best = min(runs, key=lambda run: run["wall_s"])
    return {**best, "docs_per_s": best["added"] / best["wall_s"], "steady_docs_per_s": best["added"] / best["run_s"],
            "all_wall_s": [round(r["wall_s"], 2) for r in runs]}


def _sqlite_bytes_per_document(path: Path, documents: int) -> float:
    return path.stat().st_size / documents if documents else 0.0


def _postgres_run(admin_url: str, sample: Path) -> dict[str, float]:
    """The 2-worker ingest into a scratch PostgreSQL database: its size per document and write rate."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from aidtrace.storage.database import database_url, ensure_schema, get_engine

    name = f"aidtrace_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(database_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))  # a generated identifier
    url = make_url(database_url(admin_url)).set(database=name).render_as_string(hide_password=False)
    try:
        engine = get_engine(url)
        ensure_schema(engine)
        size = "SELECT pg_database_size(current_database())"
        with engine.connect() as connection:
            empty = connection.scalar(text(size))
        engine.dispose()
        run = _cluster_run(2, sample, url)
        engine = get_engine(url)
        with engine.connect() as connection:
            full = connection.scalar(text(size))
            rows = {table: connection.scalar(text(f"SELECT count(*) FROM {table}")) for table in ("documents", "mentions")}
        engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    documents = rows["documents"] or 1
    return {"wall_s": round(run["wall_s"], 2), "steady_docs_per_s": round(run["added"] / run["run_s"], 2),
            "bytes_per_document": round((full - empty) / documents), "mentions_per_document": round(rows["mentions"] / documents, 2)}


def main() -> int:
    """Run the comparison and print the result as JSON; 1 when a goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--limit", type=int, default=0, help="first N documents of the corpus (0 = all)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--pg", metavar="URL", default=None, help="also measure a 2-worker run into PostgreSQL")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    if not corpus.exists():
        print(f"corpus {corpus} not found: nothing to measure", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        sample = Path(scratch) / "sample.jsonl"
        with corpus.open(encoding="utf-8") as source, sample.open("w", encoding="utf-8") as out:
            lines = source if args.limit <= 0 else islice(source, args.limit)
            count = sum(1 for line in lines if out.write(line))
        runs: dict[str, list[dict[str, float]]] = {"plain": [], "cluster1": [], "cluster2": []}
        for round_ in range(args.rounds):  # alternated, so a busy moment of the machine hits all three
            for name in runs:
                path = Path(scratch) / f"{name}-{round_}.db"
                db = f"sqlite:///{path}"
                if name == "plain":
                    run = _timed_ingest([str(sample), "--db", db, "--jobs", "1"])
                else:
                    run = _cluster_run(int(name[-1]), sample, db)
                run["bytes_per_document"] = _sqlite_bytes_per_document(path, run["added"])
                runs[name].append(run)
        pg = _postgres_run(args.pg, sample) if args.pg else None
    plain, one, two = (_best(runs[name]) for name in ("plain", "cluster1", "cluster2"))
    speedup = two["docs_per_s"] / one["docs_per_s"]
    # Throughput once running: the start-up (imports, connecting, loading the pipeline) is the
    # same for 1 and 2 workers and would hide the ratio on a short corpus.
    steady_speedup = two["steady_docs_per_s"] / one["steady_docs_per_s"]
    overhead = one["wall_s"] / plain["wall_s"]
    cpu_overhead = one["cpu_s"] / plain["cpu_s"]

    def shown(run: dict[str, float]) -> dict[str, float]:
        return {key: round(value, 2) if isinstance(value, float) else value for key, value in run.items()}

    # What two cores allow from CPU seconds alone: one worker runs at most at 1 / (its CPU per
    # document); two workers sharing two cores with the client, scheduler and nannies at most at
    # 2 / (everyone's CPU per document). Wall-clock independent, so it holds on a shared machine.
    one_steady, two_steady = one.get("steady") or {}, two.get("steady") or {}
    ceiling = (round(2 * one_steady["workers_cpu_per_doc"] / two_steady["all_cpu_per_doc"], 3)
               if one_steady and two_steady else None)
    ok = steady_speedup >= SPEEDUP_GOAL and overhead <= OVERHEAD_GOAL
    print(json.dumps({
        "corpus": corpus.name, "documents": count, "rounds": args.rounds, "cpus": os.cpu_count(),
        "plain": shown(plain), "cluster1": shown(one), "cluster2": shown(two),
        "speedup_2_vs_1_workers": round(speedup, 3), "steady_speedup_2_vs_1_workers": round(steady_speedup, 3),
        "speedup_goal": SPEEDUP_GOAL, "cpu_speedup_ceiling_2_cores": ceiling,
        "overhead_1_worker_vs_plain": round(overhead, 3), "overhead_goal": OVERHEAD_GOAL,
        "cpu_overhead_1_worker_vs_plain": round(cpu_overhead, 3),
        "cpu_s_per_document": {name: round(run["cpu_s"] / run["added"], 3) for name, run in
                               (("plain", plain), ("cluster1", one), ("cluster2", two))},
        "sqlite_bytes_per_document": round(plain["bytes_per_document"]), "postgresql": pg,
        "load_average_1min": round(os.getloadavg()[0], 2), "ok": ok,
    }, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
