"""Ask latency on PostgreSQL against SQLite: the same questions, the same 100k-article store.

Run: .venv/bin/python -m bench.scale_ask [--size 100000] [--questions 200] [--json]

The SQLite store is `bench.ask`'s generated store of that size (built there, or here on
first use, and kept in ~/.cache/backstory-bench). It is copied once into a PostgreSQL
database with `backstory.store.copy` (the same code as `backstory copy`), on a server
from the `pgserver` package kept in the cache folder, and the copy is kept for later
runs. Then both stores are warmed with the same 20 questions and timed on the same
`--questions`, in alternating order (question k on SQLite, then on PostgreSQL), so
that whatever else the machine is doing weighs on both alike. Printed: p50, p95, max and
mean per backend and the ratio PostgreSQL/SQLite; `--json` for the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from backstory.config import Settings
from backstory.pipeline import Desk
from backstory.store import PostgresStore, SQLiteStore
from backstory.store.copy import copy_store
from bench.ask import DEFAULT_CACHE, build_stores, load_base, make_questions

console = Console()
progress = Console(stderr=True)
_WARMUP = 20


@dataclass(frozen=True, slots=True)
class Latency:
    backend: str
    questions: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float
    abstained: float


def postgres_copy(sqlite_path: Path, cache: Path) -> tuple[str, float]:
    """The URL of the PostgreSQL copy of the store (made on first use) and the seconds
    the copy took (0 when it was already there)."""
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="runtime-"))
    import pgserver

    folder = cache / "postgres"
    folder.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(folder), cleanup_mode=None)
    name = "ask_" + sqlite_path.stem.replace("-", "_")
    url = f"postgresql://postgres@/{name}?host={folder}"
    marker = folder / f"{name}.copied"
    if marker.exists():
        return url, 0.0
    server.psql(f"DROP DATABASE IF EXISTS {name};")
    server.psql(f"CREATE DATABASE {name};")
    started = time.perf_counter()
    source, target = SQLiteStore(f"sqlite:///{sqlite_path}"), PostgresStore(url)
    try:
        rows = 0

        def tick(table: str, count: int) -> None:
            nonlocal rows
            rows += count
            if rows % 200_000 < count:
                progress.print(f"  copied {rows:,} rows (now {table})", highlight=False)

        copy_store(source, target, on_rows=tick)
        with target.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    finally:
        source.close()
        target.close()
    seconds = time.perf_counter() - started
    marker.write_text(f"{seconds:.1f}\n")
    return url, seconds


def measure(stores: dict[str, str], questions: list[str], warmup: list[str]
            ) -> list[Latency]:
    desks = {name: Desk(Settings(db=db)) for name, db in stores.items()}
    try:
        for desk in desks.values():
            for question in warmup:
                desk.ask(question)
        timings: dict[str, list[float]] = {name: [] for name in desks}
        abstained = dict.fromkeys(desks, 0)
        for question in questions:
            for name, desk in desks.items():
                started = time.perf_counter()
                answer = desk.ask(question)
                timings[name].append((time.perf_counter() - started) * 1000)
                abstained[name] += answer.abstained
    finally:
        for desk in desks.values():
            desk.close()
    results = []
    for name, ms in timings.items():
        cuts = statistics.quantiles(sorted(ms), n=100, method="inclusive")
        results.append(Latency(backend=name, questions=len(ms), p50_ms=cuts[49],
                               p95_ms=cuts[94], max_ms=max(ms), mean_ms=statistics.fmean(ms),
                               abstained=abstained[name] / len(ms)))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="articles in the store")
    parser.add_argument("--questions", type=int, default=200, help="questions timed")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    bases, key = load_base(args.cache, Settings(), rebuild=False)
    [(sqlite_path, _)] = build_stores(bases, key, [args.size], args.cache,
                                      rebuild=False).values()
    url, copy_seconds = postgres_copy(sqlite_path, args.cache)
    questions = make_questions(bases, args.questions, seed=0)
    warmup = make_questions(bases, _WARMUP, seed=1)
    results = measure({"sqlite": str(sqlite_path), "postgresql": url}, questions, warmup)
    ratio = results[1].p95_ms / results[0].p95_ms
    if args.json:
        print(json.dumps({"size": args.size, "copy_seconds": copy_seconds,
                          "results": [asdict(r) for r in results],
                          "p95_ratio_postgresql_to_sqlite": ratio}, indent=2))
        return 0
    table = Table("backend", "questions", "p50 ms", "p95 ms", "max ms", "mean ms",
                  "abstained", title=f"ask latency at {args.size:,} articles")
    for r in results:
        table.add_row(r.backend, str(r.questions), f"{r.p50_ms:.0f}", f"{r.p95_ms:.0f}",
                      f"{r.max_ms:.0f}", f"{r.mean_ms:.0f}", f"{r.abstained:.0%}")
    console.print(table)
    console.print(f"p95 PostgreSQL / SQLite: {ratio:.2f}x"
                  + (f"; copy took {copy_seconds:.0f}s" if copy_seconds else ""))
    load = os.getloadavg()[0]
    console.print(f"load average while measuring: {load:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
