"""Latency of the web API's main queries on a synthetic registry of one million facts.

    .venv/bin/python benchmarks/api_load.py [--facts 1000000] [--db PATH|postgresql://...] [--seconds 5] [--clients 4]

1. Builds (or reuses, with ``--db`` of an existing file, or of a PostgreSQL database that holds
   commitments already) a registry with the real schema
   (``ensure_schema``: the Alembic migrations and their indexes) holding ``--facts`` merged facts
   (70 % commitments, 15 % meetings, 15 % quotes, plus every endorsement/patronage pair the
   unique keys allow), one mention each, and one document per ten facts. Donors follow a
   Zipf-like spread over 40 partners, dates span 2022-02 to 2025-12. SQLite is filled by
   ``executemany`` batches, PostgreSQL (``--db postgresql://user:pw@host/db``, an existing
   database: create it first) by ``COPY``; the same seed gives both the same rows.
2. Starts ``aidtrace serve`` on 127.0.0.1 in its own process.
3. From this (second) process, ``--clients`` threads call each endpoint for ``--seconds`` and
   record every latency; prints p50/p95/p99 per query and one JSON line per query (stderr).
   The server caches counts and totals per registry version; ``--cold`` turns that off, so
   every request pays its full queries (what the first visitor of a new filter sees).

The indexes the filtered lists need (partner, category+status and region of commitments by
first_seen, partner by EUR, meetings by region and date, quotes by speaker) are part of the
schema since revision 0002. A database reused with ``--db`` is brought to the current schema
first (``ensure_schema``, then ANALYZE when an index of a fact table has no statistics yet), so
one built by an older aidtrace is measured with them too.

The registry's full-text index (``aidtrace.storage.search``) is filled after the build, as
``aidtrace db reindex`` fills it; the search queries (words, a British spelling, an American
phrase, a prefix, search within a partner, documents) count toward the goal too.

The goal is p95 under 50 ms for the filtered fact lists and searches on either backend; exits 1 when a
query marked as a goal misses it.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy import text

GOAL_MS = 50.0
SERVE = [sys.executable, "-c", "import sys; from aidtrace.web.commands import serve; sys.exit(serve())"]
DONORS = ["USA", "DEU", "GBR", "EU", "POL", "CAN", "FRA", "NLD", "JPN", "DNK", "SWE", "NOR", "ITA", "EST", "LTU",
          "LVA", "FIN", "CZE", "BEL", "ESP", "AUS", "AUT", "CHE", "IRL", "PRT", "SVK", "ROU", "BGR", "HRV", "SVN",
          "GRC", "KOR", "NZL", "ISL", "LUX", "IMF", "WB", "EIB", "EBRD", "UN"]
CATEGORIES = ["military", "financial", "humanitarian", "medical", "reconstruction", "energy"]
SUBJECTS = ["nato_membership", "eu_membership", "sanctions", "territorial_integrity", "accountability",
            "peace_formula"]
REGIONS = ["UA-05", "UA-07", "UA-09", "UA-12", "UA-14", "UA-18", "UA-21", "UA-23", "UA-26", "UA-30", "UA-32",
           "UA-35", "UA-40", "UA-43", "UA-46", "UA-48", "UA-51", "UA-53", "UA-56", "UA-59", "UA-61", "UA-63",
           "UA-65", "UA-68", "UA-71", "UA-74", "UA-77"]
ITEMS = ["howitzers", "155 mm shells", "armoured vehicles", "air defence systems", "generators", "transformers",
         "budget support", "macro-financial assistance", "ambulances", "medicines", "mobile hospital",
         "food parcels", "shelter kits", "demining equipment", "school reconstruction", "bridge repairs",
         "winter clothing", "drones", "rifles", "training of soldiers"]
PEOPLE = [f"{first} {last}" for first in ("Anna", "Olaf", "Maria", "Jens", "Ursula", "Petr", "Ingrid", "Karl")
          for last in ("Berg", "Novak", "Lind", "Weber", "Costa", "Horvat", "Smith", "Tamm")]
START = date(2022, 2, 24)
DAYS = (date(2025, 12, 31) - START).days
BATCH = 20_000


def _day(rng: random.Random) -> str:
    return (START + timedelta(days=rng.randrange(DAYS))).isoformat()


def _donor(rng: random.Random) -> str:
    # Zipf-like: the first partners report far more than the last.
    return DONORS[min(len(DONORS) - 1, int(rng.paretovariate(1.1)) - 1)]


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://", "postgresql+"))


class _Writer:
    """Appends rows to the tables of a new registry: ``executemany`` batches on SQLite, ``COPY``
    on PostgreSQL (a million rows in a minute rather than an hour of round trips)."""

    def __init__(self, target: str) -> None:
        self.postgres = is_postgres(target)
        if self.postgres:
            import psycopg

            self.connection = psycopg.connect("postgresql://" + target.split("://", 1)[1])
        else:
            self.connection = sqlite3.connect(target)
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=OFF")

    def write(self, table: str, columns: str, rows) -> None:
        if self.postgres:
            with self.connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" * len(columns.split(",")))
        statement = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                self.connection.executemany(statement, batch)
                batch.clear()
        if batch:
            self.connection.executemany(statement, batch)

    def finish(self) -> None:
        self.connection.commit()
        if self.postgres:
            # The documents came with their ids: move the sequence past them.
            self.connection.execute("SELECT setval(pg_get_serial_sequence('documents', 'id'), "
                                    "(SELECT max(id) FROM documents))")
            self.connection.commit()
            self.connection.autocommit = True
            self.connection.execute("VACUUM ANALYZE")
        else:
            self.connection.execute("ANALYZE")
        self.connection.close()


def build(target: str, facts: int, seed: int = 7) -> dict[str, int]:
    """Fill a new registry (a SQLite file or an empty PostgreSQL database) with ``facts``
    synthetic facts; returns the row counts. Both backends get the same rows from the same seed."""
    from aidtrace.storage.database import ensure_schema, get_engine

    engine = get_engine(target)
    ensure_schema(engine)
    engine.dispose()
    rng = random.Random(seed)
    writer = _Writer(target)
    now = "2026-01-01 00:00:00"
    pairs = [(a, s) for a in DONORS for s in SUBJECTS] + [(f"X{i:02d}", s) for i in range(200) for s in SUBJECTS]
    patron_pairs = [(a, r) for a in DONORS for r in REGIONS]
    endorsements = min(len(pairs), facts // 100)
    patronages = min(len(patron_pairs), facts // 1000)
    rest = facts - endorsements - patronages
    commitments, meetings = int(rest * 0.70), int(rest * 0.15)
    quotes = rest - commitments - meetings
    documents = max(1, facts // 10)
    doc_rows = ((i + 1, f"synthetic-{i}", f"https://example.org/{i}", f"Synthetic release {i}", _day(rng),
                 "synthetic", f"Synthetic document {i}. " * 20, f"{i:064x}", now) for i in range(documents))
    writer.write("documents", "id, doc_id, url, title, published, source, text, content_hash, fetched_at", doc_rows)
    common = "merge_key, first_seen, last_seen, mention_count, confidence, review_state, created_at, updated_at"

    def fact_common(rng: random.Random, key: str) -> tuple:
        day = _day(rng)
        return (key, day, day, 1, round(rng.uniform(0.4, 0.95), 2), "machine", now, now)

    def insert(table: str, columns: str, rows) -> None:
        writer.write(table, f"{common}, {columns}", rows)

    def commitment_rows():
        for i in range(commitments):
            amount = rng.choice([None, None, None, rng.randrange(1, 2000) * 1e6])
            currency = rng.choice(["EUR", "USD", "GBP"]) if amount else None
            status = rng.choice(["pledged", "delivered"])
            region = rng.choice(REGIONS) if rng.random() < 0.3 else None
            base = fact_common(rng, f"c{i}")
            yield base + (_donor(rng), "UKR", rng.choice(CATEGORIES), f"{rng.choice(ITEMS)} lot {i % 997}", status,
                          rng.choice([None, rng.randrange(1, 500)]), region,
                          base[1] if status == "pledged" else None, base[1] if status == "delivered" else None,
                          amount, currency, amount * 0.95 if amount else None, amount * 1.05 if amount else None)

    insert("commitments", "donor, recipient, category, item, status, quantity, region, pledged_date, delivered_date, "
           "amount, currency, amount_eur, amount_usd", commitment_rows())

    def meeting_rows():
        for i in range(meetings):
            base = fact_common(rng, f"m{i}")
            region = rng.choice(REGIONS) if rng.random() < 0.4 else None
            yield base + (json.dumps(rng.sample(PEOPLE, 2)), rng.choice(["in_person", "phone", "video"]),
                          "Kyiv" if region else None, region, "UKR" if region else None, base[1])

    insert("meetings", "participants, mode, place, region, country, date", meeting_rows())
    insert("quotes", "speaker, text", (fact_common(rng, f"q{i}") + (
        rng.choice(PEOPLE), f"We will keep supporting Ukraine with everything it needs, statement {i}.")
        for i in range(quotes)))
    insert("endorsements", "actor, subject", (fact_common(rng, f"e{i}") + pairs[i] for i in range(endorsements)))
    insert("patronages", "patron, region", (fact_common(rng, f"p{i}") + patron_pairs[i] for i in range(patronages)))

    def mention_rows():
        for kind, number in (("commitments", commitments), ("meetings", meetings), ("quotes", quotes),
                             ("endorsements", endorsements), ("patronages", patronages)):
            for fact_id in range(1, number + 1):
                document = rng.randrange(1, documents + 1)
                yield (document, kind, fact_id, fact_id, "{}", json.dumps([{"start": 0, "end": 19,
                                                                             "text": "Synthetic document "}]),
                       0, 19, 0.7, now)

    writer.write("mentions", "document_id, kind, fact_id, position, fields, evidence, evidence_start, evidence_end, "
                 "confidence, created_at", mention_rows())
    writer.finish()
    index_for_search(target)
    return {"commitments": commitments, "meetings": meetings, "quotes": quotes, "endorsements": endorsements,
            "patronages": patronages, "documents": documents, "facts": facts}


def index_for_search(target: str) -> None:
    """Fill the full-text index of a registry built by direct inserts (``aidtrace db reindex``)."""
    from aidtrace.storage.database import get_engine
    from aidtrace.storage.search import rebuild

    started = time.perf_counter()
    engine = get_engine(target)
    with engine.begin() as connection:
        counts = rebuild(connection)
    if is_postgres(target):
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE search_index"))
    engine.dispose()
    print(f"search index built in {time.perf_counter() - started:.0f} s: {counts}", file=sys.stderr)


def holds_facts(target: str) -> bool:
    """Whether a registry was built already: a SQLite file that exists, a PostgreSQL database
    whose commitments table has rows (a new or empty database is built)."""
    if not is_postgres(target):
        return Path(target).exists()
    from aidtrace.storage.database import get_engine

    engine = get_engine(target)
    try:
        with engine.connect() as connection:
            if connection.execute(text("SELECT to_regclass('commitments')")).scalar() is None:
                return False
            return connection.execute(text("SELECT EXISTS (SELECT 1 FROM commitments)")).scalar()
    finally:
        engine.dispose()


def upgrade_reused(target: str) -> None:
    """Bring a reused registry to the current schema (new indexes included) and refresh its statistics.

    Done here rather than left to the server's own ``ensure_schema``: building indexes on a
    million rows takes longer than the server's start is waited for, and SQLite's planner
    needs ANALYZE statistics for the new indexes (also after a plain ``aidtrace db upgrade``)
    to choose them as it would on a fresh build. PostgreSQL is analysed after an upgrade.
    """
    from aidtrace.storage.database import current_revision, ensure_schema, get_engine

    engine = get_engine(target)
    before = current_revision(engine)
    started = time.perf_counter()
    ensure_schema(engine)
    after = current_revision(engine)
    if after != before:
        print(f"schema upgraded from {before} to {after} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        if is_postgres(target):
            with engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    engine.dispose()
    if is_postgres(target):
        return
    with sqlite3.connect(target) as connection:
        # Indexes of the (filled) fact tables that ANALYZE has not seen yet.
        analysed = "SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL" if connection.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() else "SELECT NULL WHERE 0"
        unanalysed = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' "
            f"AND tbl_name IN ('commitments', 'meetings', 'quotes') AND name NOT IN ({analysed})").fetchall()
        if unanalysed:
            started = time.perf_counter()
            connection.execute("ANALYZE")
            print(f"analysed for {', '.join(name for (name,) in unanalysed)} in "
                  f"{time.perf_counter() - started:.0f} s", file=sys.stderr)


# (name, path, params, counts toward the goal)
QUERIES = [
    ("commitments by partner", "/api/facts/commitments", {"partner": "DEU"}, True),
    ("commitments by small partner", "/api/facts/commitments", {"partner": "EST"}, True),
    ("commitments by category+status", "/api/facts/commitments", {"category": "energy", "status": "delivered"}, True),
    ("commitments by region", "/api/facts/commitments", {"region": "UA-48"}, True),
    ("commitments by partner+dates", "/api/facts/commitments",
     {"partner": "POL", "date_from": "2023-01", "date_to": "2023-06"}, True),
    ("commitments by partner, by EUR", "/api/facts/commitments", {"partner": "GBR", "sort": "-amount_eur"}, True),
    ("meetings by region", "/api/facts/meetings", {"region": "UA-30"}, True),
    ("quotes by person", "/api/facts/quotes", {"person": "Anna Berg"}, True),
    ("commitments, no filter", "/api/facts/commitments", {}, False),
    ("commitments, page 200", "/api/facts/commitments", {"partner": "USA", "page": 200}, False),
    # Full-text search (storage/search.py): stems, both spellings, phrases, prefixes, with filters.
    ("search commitments: words", "/api/facts/commitments", {"q": "generators"}, True),
    ("search commitments: UK spelling", "/api/facts/commitments", {"q": "air defence"}, True),
    ("search commitments: US phrase", "/api/facts/commitments", {"q": '"air defense"'}, True),
    ("search commitments: prefix", "/api/facts/commitments", {"q": "defen*"}, True),
    ("search commitments + partner", "/api/facts/commitments", {"q": "howitzer", "partner": "EST"}, True),
    ("search commitments: rare word", "/api/facts/commitments", {"q": "ambulances lot 17"}, True),
    ("search quotes", "/api/facts/quotes", {"q": "statement 4242"}, True),
    ("search documents", "/api/documents", {"q": '"release 4242"'}, True),
    ("search documents: every one", "/api/documents", {"q": "synthetic"}, False),
    ("fact detail", "/api/facts/commitments/{middle}", {}, False),
    ("overview", "/api/overview", {}, False),
    ("regions", "/api/regions", {}, False),
    ("partner detail", "/api/partners/EST", {}, False),
]


def measure(base: str, path: str, params: dict, seconds: float, clients: int) -> list[float]:
    """Latencies (ms) of repeated GETs from ``clients`` threads for ``seconds``."""
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = client.get(path, params=params)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{path} {params}: HTTP {response.status_code} {response.text[:200]}")
                with lock:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=1_000_000)
    parser.add_argument("--db", help="registry to build, or to reuse when it holds facts: a SQLite file, or a "
                        "postgresql:// URL of an existing (empty or already built) database")
    parser.add_argument("--seconds", type=float, default=5.0, help="load per query")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--cold", action="store_true",
                        help="run the server with its aggregate/count cache off (AIDTRACE_WEB_CACHE_SECONDS=0)")
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    target = args.db or str(Path(scratch.name) / "load.db")
    shown = target.split("@", 1)[-1] if is_postgres(target) else target
    if not holds_facts(target):
        started = time.perf_counter()
        counts = build(target, args.facts)
        print(f"built {shown} in {time.perf_counter() - started:.0f} s: {counts}", file=sys.stderr)
    else:
        print(f"reusing {shown}", file=sys.stderr)
        upgrade_reused(target)
    from aidtrace.storage.database import get_engine

    engine = get_engine(target)
    with engine.connect() as connection:
        middle = connection.execute(text("SELECT max(id) / 2 FROM commitments")).scalar() or 1
        expected = connection.execute(text("SELECT count(*) FROM commitments")).scalar()
    engine.dispose()
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    log = open(Path(scratch.name) / "serve.log", "w")  # noqa: SIM115
    environment = {**os.environ, "AIDTRACE_WEB_CACHE_SECONDS": "0"} if args.cold else None
    server = subprocess.Popen([*SERVE, "--db", target, "--port", str(args.port)], stdout=log, stderr=log,
                              env=environment)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(300):
            if server.poll() is not None:
                raise SystemExit(f"the server exited with {server.returncode}")
            try:
                if httpx.get(base + "/api/regions", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not start")
        # Make sure the server answering is ours, on this database.
        served = httpx.get(base + "/api/facts/commitments", params={"state": "all", "per_page": 1}).json()["total"]
        if served != expected:
            raise SystemExit(f"the server on port {args.port} serves {served} commitments, not {expected}")
        failed = []
        print(f"{'query':34} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  goal")
        for name, route, params, goal in QUERIES:
            route = route.format(middle=middle)
            measure(base, route, params, 0.5, 1)  # warm the page cache
            latencies = measure(base, route, params, args.seconds, args.clients)
            p50, p95, p99 = (percentile(latencies, s) for s in (0.5, 0.95, 0.99))
            verdict = ("ok" if p95 < GOAL_MS else "MISSED") if goal else "-"
            if goal and p95 >= GOAL_MS:
                failed.append(name)
            print(f"{name:34} {len(latencies):6d} {p50:8.1f} {p95:8.1f} {p99:8.1f}  {verdict}")
            print(json.dumps({"query": name, "path": route, "params": params, "n": len(latencies),
                              "mean_ms": round(statistics.fmean(latencies), 2), "p50_ms": round(p50, 2),
                              "p95_ms": round(p95, 2), "p99_ms": round(p99, 2), "goal": goal}), file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=10)
        scratch.cleanup()
    if failed:
        print(f"p95 over {GOAL_MS:.0f} ms: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
