"""Time `aidtrace ingest` (into a fresh SQLite file) against `aidtrace extract` on the same corpus.

    .venv/bin/python benchmarks/ingest_speed.py [CORPUS.jsonl] [--limit N] [--jobs N] [--rounds R] [--db URL]

Both commands run as subprocesses (same start-up cost), alternately, ``--rounds`` times; the best
time of each is compared. The goal: ingest at most 1.3 x extract on SQLite. Prints one JSON
object; exits 1 when the ratio is over the goal. The default corpus is
../shared/corpora/president-releases.jsonl (skipped with a message when absent).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "president-releases.jsonl"
GOAL = 1.3
CLI = [sys.executable, "-c", "from aidtrace.cli import main; main()"]


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):  # 1: some inputs failed, reported on stderr
        raise SystemExit(f"{' '.join(command[3:])} failed: {result.stderr.strip()[-500:]}")
    return elapsed


def main() -> int:
    """Run the comparison and print the result as JSON; 1 when ingest is over the goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--limit", type=int, default=300, help="first N documents of the corpus (0 = all)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--db", default=None, help="database URL for ingest (default: a fresh SQLite file per round)")
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
        extract_times, ingest_times = [], []
        for round_ in range(args.rounds):
            extract_times.append(_timed(CLI + ["extract", str(sample), "--format", "jsonl", "--jobs", str(args.jobs)]))
            db = args.db or f"sqlite:///{Path(scratch) / f'round{round_}.db'}"
            ingest_times.append(_timed(CLI + ["ingest", str(sample), "--db", db, "--jobs", str(args.jobs), "--no-progress"]))
    best_extract, best_ingest = min(extract_times), min(ingest_times)
    ratio = best_ingest / best_extract
    print(json.dumps({
        "corpus": corpus.name, "documents": count, "jobs": args.jobs, "rounds": args.rounds,
        "extract_s": round(best_extract, 2), "ingest_s": round(best_ingest, 2), "ratio": round(ratio, 3),
        "goal": GOAL, "ok": ratio <= GOAL, "cpus": os.cpu_count(),
        "all_extract_s": [round(t, 2) for t in extract_times], "all_ingest_s": [round(t, 2) for t in ingest_times],
    }))
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
