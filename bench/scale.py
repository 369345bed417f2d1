"""Ingest throughput of the Ray engine (1 and 2 actors) against the local engine.

Run: .venv/bin/python -m bench.scale [--limit N] [--db-url URL] [--data FOLDER] [--json]

On the same input (default: BBC News, 2,225 plain-text articles in ../shared/data/bbc;
`--limit N` copies the first N to a temporary folder), each run ingests into a fresh
store, in one process:

- local: `Desk.ingest([folder])`, Backstory's single-process path (spaCy in its worker
  processes on long runs, `settings.workers` of them);
- ray-1, ray-2: `ingest_with_ray(desk, [folder], workers=N)` with a pool of N analyzing
  actors on a local Ray instance of 2 CPUs, started once before these runs (its start-up
  is timed apart and not counted).

Every desk is opened and the driver's spaCy model loaded before the clock starts; the
clock then covers the whole `ingest` call: for Ray that includes starting the actors
(each imports Backstory and loads its models), which the "first" column shows as the
time to the first stored article. It prints articles, seconds, articles/s, the ratio of
articles/s to the local run's, the time to the first stored article, this process's peak
RSS during the run and the largest RSS seen of one analyzing actor (sampled every 0.2 s
from /proc). Notes give the CPU time of each run and the load average, since other work
on the machine skews wall-clock rates.

`--db-url URL` stores each run at URL with `{run}` replaced by the run's name (`local`,
`ray-1`, `ray-2`): each run needs an empty store of its own, e.g.
`postgresql://bench@/scale_{run}` with three empty databases made beforehand. Without
it each run gets a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from resource import RUSAGE_CHILDREN, RUSAGE_SELF

import ray
from rich.console import Console
from rich.table import Table

from backstory.config import Settings
from backstory.ingest import list_inputs
from backstory.models import IngestReport
from backstory.pipeline import Desk
from backstory.ray_ingest import ingest_with_ray
from bench.common import cpu_seconds, peak_mb, reset_peak

ROOT = Path(__file__).resolve().parent.parent
BBC = ROOT.parent / "shared" / "data" / "bbc" / "bbc"
RAY_CPUS = 2
ACTOR_TITLE = "ray::MapWorker(MapBatches(_AnalyzingWorker))"
console = Console(width=160, stderr=True)


@dataclass(slots=True)
class Run:
    system: str
    articles: int
    added: int
    seconds: float
    first_seconds: float | None  # until the first article was stored
    peak_mb: float | None  # this process, during the run
    actor_mb: float | None  # the largest RSS seen of one analyzing actor
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


class ActorMemory(threading.Thread):
    """Samples the resident memory of the analyzing actors' processes until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.largest_mb = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.2):
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    self.largest_mb = max(self.largest_mb, _actor_rss_mb(entry))

    def stop(self) -> float | None:
        self._done.set()
        self.join()
        return self.largest_mb or None


def run_one(system: str, source: Path, db: str, *, workers: int | None) -> Run:
    """Ingest `source` into the empty store `db`; `workers` None runs the local engine."""
    settings = Settings.from_env(db=db)
    desk = Desk(settings)
    try:
        _ = desk.analyzer.nlp  # the driver's model, loaded before the clock starts
        gc.collect()
        can_reset = reset_peak()
        cpu_self, cpu_children = cpu_seconds(RUSAGE_SELF), cpu_seconds(RUSAGE_CHILDREN)
        first: list[float] = []
        memory = ActorMemory()
        memory.start()
        start = time.perf_counter()

        def stored(_input: str) -> None:
            if not first:
                first.append(time.perf_counter() - start)

        try:
            if workers is None:
                report = desk.ingest([str(source)], on_result=stored)
            else:
                report = ingest_with_ray(desk, [str(source)], on_result=stored,
                                         workers=workers)
            seconds = time.perf_counter() - start
        finally:
            actor_mb = memory.stop()
    finally:
        desk.close()
    cpu_self = cpu_seconds(RUSAGE_SELF) - cpu_self
    cpu_children = cpu_seconds(RUSAGE_CHILDREN) - cpu_children
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return Run(system, _count(report), report.added, seconds, first[0] if first else None,
               peak_mb(True) if can_reset else None, actor_mb, notes=[
                   f"{report.added} stored, {report.duplicates} duplicates, "
                   f"{len(report.failed)} failed ("
                   + (f"spaCy worker processes: settings.workers={settings.workers}"
                      if workers is None else f"analyzing actors: {workers}")
                   + f", write_batch={settings.write_batch})",
                   f"CPU {cpu_self:.1f}s in this process + {cpu_children:.1f}s in its child "
                   f"processes (Ray actors are not its children: not counted); load "
                   f"average after {load} on {os.cpu_count()} CPUs"])


def print_results(runs: list[Run], title: str) -> None:
    table = Table("system", "articles", "seconds", "articles/s", "ratio", "first (s)",
                  "peak RSS MB", "actor RSS MB", title=title)
    base = next((r for r in runs if r.system == "local"), None)
    for run in runs:
        ratio = f"{run.rate / base.rate:.2f}" if base and base.rate else "-"
        table.add_row(run.system, str(run.articles), f"{run.seconds:.1f}", f"{run.rate:.2f}",
                      ratio, _number(run.first_seconds), _number(run.peak_mb, 0),
                      _number(run.actor_mb, 0))
    console.print(table)
    console.print("ratio: articles/s of the row / articles/s of the local run on the same "
                  "input. first: seconds until the first article was stored. peak RSS: this "
                  "process (the driver) during the run; actor RSS: the largest seen of one "
                  "analyzing Ray actor.")
    for run in runs:
        for note in run.notes:
            console.print(f"  {run.system}: {note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--limit", type=int, default=None,
                        help="ingest the first N articles only (copied to a temp folder)")
    parser.add_argument("--data", type=Path, default=BBC,
                        help="folder of articles (default: ../shared/data/bbc/bbc)")
    parser.add_argument("--db-url", default=None,
                        help="store URL of each run, {run} replaced by the run's name "
                             "(default: a temporary SQLite file per run)")
    parser.add_argument("--json", action="store_true", help="print the runs as JSON")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    if args.db_url is not None and "{run}" not in args.db_url:
        parser.error("--db-url needs {run} in it: each run ingests into an empty store")
    if not args.data.is_dir():
        console.print(f"no data: {args.data} is not a folder (benchmark data lives in "
                      "../shared/data beside the repository)")
        return 1
    with tempfile.TemporaryDirectory(prefix="backstory-scale-") as folder:
        tmp = Path(folder)
        source = _input(args.data, args.limit, tmp / "input")
        files = list_inputs([str(source)])  # the article files Backstory reads there
        for path in files:  # warm the page cache so no run pays for a cold disk
            Path(path).read_bytes()
        runs = []
        for system, workers in (("local", None), ("ray-1", 1), ("ray-2", 2)):
            if workers is not None and not ray.is_initialized():
                started = time.perf_counter()
                ray.init(address="local", num_cpus=RAY_CPUS, include_dashboard=False,
                         log_to_driver=False, logging_level="ERROR")
                logging.getLogger("ray.data").setLevel(logging.ERROR)  # no plans and stats
                ray_start = time.perf_counter() - started
                console.log(f"Ray started in {ray_start:.1f}s ({RAY_CPUS} CPUs)")
            db = (args.db_url.format(run=system) if args.db_url
                  else str(tmp / f"{system}.db"))
            console.log(f"{system}: ingest of {source} ({len(files)} files) into {db}")
            run = run_one(system, source, db, workers=workers)
            if workers is not None:
                run.notes.append(f"Ray start-up before the runs: {ray_start:.1f}s")
            runs.append(run)
        ray.shutdown()
    scope = f"first {args.limit} articles" if args.limit else "all articles"
    if args.json:
        sys.stdout.write(json.dumps([asdict(r) | {"rate": r.rate} for r in runs],
                                    indent=2) + "\n")
    print_results(runs, f"Ingest throughput, local vs Ray ({args.data.name}, {scope})")
    return 0


def _input(data: Path, limit: int | None, target: Path) -> Path:
    """The folder to ingest: `data` itself, or a copy of its first `limit` article files
    (their paths below `data` kept: BBC file names repeat across topics)."""
    if limit is None:
        return data
    files = sorted(p for p in data.rglob("*.txt")
                   if p.is_file() and not p.name.upper().startswith("README"))[:limit]
    for path in files:
        copy = target / path.relative_to(data)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
    return target


def _count(report: IngestReport) -> int:
    return len(report.articles) + len(report.failed)


def _actor_rss_mb(process: Path) -> float:
    try:
        title = (process / "cmdline").read_bytes().split(b"\0")[0].decode()
        if not title.startswith(ACTOR_TITLE):
            return 0.0
        for line in (process / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, UnicodeDecodeError, ValueError):
        pass
    return 0.0


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


if __name__ == "__main__":
    sys.exit(main())
