"""Ask latency: p50/p95 of `Desk.ask` on SQLite stores of 10k and 100k generated articles.

Run: .venv/bin/python -m bench.ask [--sizes 10000,100000] [--questions N] [--json]
     [--rebuild] [--profile] [--cache DIR]

Analyzing 100k articles through the NLP would take hours, so the stores are generated:

1. Base set, analyzed once: BBC News (2,225 plain texts, latin-1, title on the first
   line), the giveme5w1h news_cluster (news-please JSON) and news-dev (JSONL, whose
   questions then have sources to answer from), all read from ../shared/data, analyzed
   with `Analyzer.analyze_stream(..., workers=2)` and pickled under the cache directory
   (default ~/.cache/backstory-bench). The pickle is keyed by the input texts and the
   spaCy model, not by the NLP code, which changes often: `--rebuild` analyzes again (as
   does a pickle that no longer loads into the current records).
2. Replicas: the k-th article of a store is base article k mod n, replica r = k div n.
   Its text has its digits rotated by r (a length-preserving change, so every span of
   the analysis still points at the same characters; the same rotation is applied to
   every string of the analysis) and a closing "Archive copy r." line that is not a
   sentence; the analysis is re-labelled with the new article id (as `_reassign` does).
   Each replica gets one of 40 outlets and a publication date spread over 2025. The
   replicas go straight into `SQLiteStore.write` in batches of 1,000. Rare words therefore
   occur about size/n times more often than in a real archive of that size, which makes
   their FTS5 posting lists longer: the measured latency errs on the slow side.
3. Stores are built smallest first; a larger one starts as a copy of the smaller one (the
   first articles are the same). They are kept in the cache directory with their build
   time; `--rebuild` builds them again. A build that is killed resumes where it stopped
   (every batch is one transaction).

Questions: the news-dev questions plus questions made from the base articles' names and
titles ("What happened to <name>?", "Who met <person>?", "Where is <org>?", "How many
... did <org> ...?", "What is known about <title>?") up to `--questions` (default 200),
seeded, the same on every run. A separate set of 20 warms each store up (spaCy loaded,
pages cached); then each question's `Desk.ask` is timed once, wall clock.

It prints, per size: articles, sentences, store size on disk, build seconds, p50, p95,
max and mean latency, the share of abstentions, how many answerable news-dev questions
were answered correctly (eval.ask's test: an accepted answer, cited at its evidence; a
speed-up must not cost answers at scale, where eval.ask's small stores cannot tell), the
growth factor of p50/p95 between consecutive sizes, and the load average (other work on
the machine skews wall time). The issue's target: p95 <= 150 ms at 100k. `--profile`
runs the measured questions on the largest store twice more: once timing each SQL
statement (wall time, no profiler), once under cProfile for the CPU per stage (spaCy on
the question, word counts, full-text search and its FTS5 ranking, hit rows, article
texts, mentions, analyses for facts) and the top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import itertools
import json
import os
import pickle
import pstats
import random
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from backstory.config import Settings
from backstory.models import Analysis, Article, NewArticle, Sentence
from backstory.nlp import Analyzer
from backstory.pipeline import Desk
from backstory.store import SQLiteStore
from eval.ask import GoldQuestion, is_correct

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
DEFAULT_CACHE = Path.home() / ".cache" / "backstory-bench"
BASE_VERSION = "1"  # bump when the base set's reading changes
STORE_VERSION = "1"  # bump when the replica generator changes
TARGET_P95_MS = 150.0
_WRITE_BATCH = 1000
_WARMUP = 20
_YEAR = date(2025, 1, 1)
_OUTLETS = [
    "BBC News", "Reuters", "Associated Press", "Agence France-Presse", "Xinhua",
    "The Guardian", "The New York Times", "The Washington Post", "Le Monde", "Der Spiegel",
    "Al Jazeera", "South China Morning Post", "The Times of India", "The Japan Times",
    "El País", "Corriere della Sera", "The Globe and Mail", "ABC News (Australia)",
    "Deutsche Welle", "NHK World", "The Hindu", "Daily Nation", "Mail & Guardian",
    "The Straits Times", "Yonhap", "Kyodo", "Bloomberg", "Financial Times", "Politico",
    "NPR", "CNN", "Fox News", "Sky News", "France 24", "RTÉ", "Euronews", "TASS",
    "Anadolu Agency", "The Irish Times", "Haaretz",
]
console = Console(width=160)


@dataclass(frozen=True, slots=True)
class Base:
    """An analyzed base article, the template of its replicas."""

    article: Article
    analysis: Analysis


@dataclass(slots=True)
class Result:
    size: int
    articles: int
    sentences: int
    store_mb: float
    build_seconds: float
    questions: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float
    abstained: float  # share of questions the desk abstained on
    gold_correct: int  # news-dev questions answered correctly with citation (eval.ask's test)
    gold_answerable: int
    slowest: list[tuple[float, str]]
    load: float  # 1-minute load average after the measured questions (other work skews)


# -- base set ---------------------------------------------------------------------------------


def read_base_articles() -> list[Article]:
    """The base texts as articles, deduplicated by id, in a fixed order."""
    articles: list[Article] = []
    for path in sorted((DATA / "bbc" / "bbc").glob("*/*.txt")):
        text = path.read_bytes().decode("latin-1").strip()
        articles.append(Article.create(text, input=str(path), title=text.split("\n", 1)[0],
                                       outlet="BBC News"))
    for path in sorted((DATA / "giveme5w1h" / "news_cluster" / "data").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if not (record.get("text") or "").strip():
            continue
        published = record.get("date_publish")
        articles.append(Article.create(
            record["text"].strip(), input=str(path), title=record.get("title"),
            outlet=record.get("source_domain"), url=record.get("url"),
            published_at=published[:10] if isinstance(published, str) else None))
    dev = DATA / "news-dev" / "articles.jsonl"
    if dev.exists():
        for number, line in enumerate(dev.read_text(encoding="utf-8").splitlines(), 1):
            record = json.loads(line)
            articles.append(Article.create(
                record["text"].strip(), input=f"{dev}#{number}", title=record.get("title"),
                outlet=record.get("outlet"), url=record.get("url"),
                published_at=record.get("published")))
    return list({a.id: a for a in articles}.values())


def load_base(cache: Path, settings: Settings, *, rebuild: bool) -> tuple[list[Base], str]:
    """The analyzed base set from the cache, analyzing it first when missing; and its key."""
    articles = read_base_articles()
    if not articles:
        raise SystemExit(f"no base articles found under {DATA}")
    digest = hashlib.sha256(f"{BASE_VERSION}:{settings.spacy_model}".encode())
    for article in articles:
        digest.update(article.text_hash.encode())
    key = digest.hexdigest()[:12]
    path = cache / f"base-{key}.pickle"
    if path.exists() and not rebuild:
        try:
            with path.open("rb") as handle:
                pairs = pickle.load(handle)
            bases = [Base(article, analysis) for article, analysis in pairs
                     if isinstance(article, Article) and isinstance(analysis, Analysis)]
        except (pickle.UnpicklingError, AttributeError, TypeError, ValueError, EOFError) as exc:
            console.print(f"cannot read {path} ({exc}); analyzing again")
        else:
            console.print(f"base set: {len(bases)} analyzed articles from {path}")
            return bases, key
    console.print(f"analyzing {len(articles)} base articles (workers=2; a few minutes)…")
    started = time.perf_counter()
    analyzer = Analyzer(settings.spacy_model)
    bases = [Base(article, analysis) for analysis, article in analyzer.analyze_stream(
        ((a, a) for a in articles), workers=2, expected=len(articles)) if analysis is not None]
    console.print(f"analyzed {len(bases)} in {time.perf_counter() - started:.0f} s")
    partial = path.with_suffix(".partial")
    with partial.open("wb") as handle:  # plain tuples: readable whatever module pickles them
        pickle.dump([(b.article, b.analysis) for b in bases], handle,
                    protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)
    return bases, key


# -- replicas ---------------------------------------------------------------------------------


def replicas(bases: list[Base]) -> Iterator[NewArticle]:
    """The endless, deterministic stream of replica articles (see the module docstring)."""
    seen: set[str] = set()
    k = 0
    while True:
        base = bases[k % len(bases)]
        r = k // len(bases)
        k += 1
        rng = random.Random(k)
        rotate = str.maketrans("0123456789", "".join(str((d + r) % 10) for d in range(10)))
        text = base.article.text.translate(rotate) + f"\n\nArchive copy {r}."
        published = (_YEAR + timedelta(days=rng.randrange(365))).isoformat()
        outlet = base.article.outlet if r == 0 else rng.choice(_OUTLETS)
        article = Article.create(
            text, input=f"bench:{base.article.input}#{r}",
            title=base.article.title.translate(rotate) if base.article.title else None,
            outlet=outlet, published_at=published,
            url=f"https://bench.example/{rng.randrange(40)}/{published}/{k}")
        if article.text_hash in seen:  # two bases differing only in their digits
            continue
        seen.add(article.text_hash)
        yield NewArticle(article, _replica_analysis(base.analysis, article.id, rotate), (), ())


def _replica_analysis(analysis: Analysis, article_id: str, rotate: dict[int, int]) -> Analysis:
    sentences = tuple(
        Sentence(id=f"{article_id}:{s.index}", article_id=article_id, index=s.index,
                 start=s.start, end=s.end, text=s.text.translate(rotate))
        for s in analysis.sentences)
    return replace(
        analysis, article_id=article_id, sentences=sentences,
        mentions=_rotated(analysis.mentions, rotate), roles=_rotated(analysis.roles, rotate),
        quotes=_rotated(analysis.quotes, rotate), claims=_rotated(analysis.claims, rotate),
        times=_rotated(analysis.times, rotate), events=_rotated(analysis.events, rotate))


def _rotated(records: tuple[Any, ...], rotate: dict[int, int]) -> tuple[Any, ...]:
    """Records with every string (and tuple of strings) rotated alike."""
    if not records:
        return records
    names = [f.name for f in fields(records[0])]

    def rotated(value: Any) -> Any:
        if isinstance(value, str):
            return value.translate(rotate)
        if isinstance(value, tuple):
            return tuple(v.translate(rotate) if isinstance(v, str) else v for v in value)
        return value

    return tuple(type(rec)(**{n: rotated(getattr(rec, n)) for n in names}) for rec in records)


# -- stores -----------------------------------------------------------------------------------


def build_stores(bases: list[Base], key: str, sizes: list[int], cache: Path, *,
                 rebuild: bool) -> dict[int, tuple[Path, float]]:
    """Path and build seconds of a store of each size, built (or reused) smallest first."""
    built: dict[int, tuple[Path, float]] = {}
    previous: tuple[int, Path, float] | None = None
    for size in sorted(sizes):
        path = cache / f"ask-{key}-v{STORE_VERSION}-{size}.db"
        info = path.with_suffix(".json")
        if path.exists() and info.exists() and not rebuild:
            seconds = float(json.loads(info.read_text())["build_seconds"])
            console.print(f"store of {size:,}: reusing {path} (built in {seconds:.0f} s)")
        else:
            seconds = _build(bases, path, size, previous, rebuild=rebuild)
            info.write_text(json.dumps({"size": size, "build_seconds": seconds}))
        built[size] = (path, seconds)
        previous = (size, path, seconds)
    return built


def _build(bases: list[Base], path: Path, size: int,
           previous: tuple[int, Path, float] | None, *, rebuild: bool) -> float:
    partial = path.with_suffix(".partial.db")
    progress = path.with_suffix(".partial.json")  # seconds spent on the partial file so far
    start_at, offset = 0, 0.0
    if partial.exists() and progress.exists() and not rebuild:
        # A killed build: each batch was one transaction, so the stored ones stand.
        store = SQLiteStore(f"sqlite:///{partial}")
        start_at = store.count_articles()
        store.close()
        offset = float(json.loads(progress.read_text())["seconds"])
    else:
        for leftover in (partial, progress, *_sidecars(partial)):
            leftover.unlink(missing_ok=True)
        if previous is not None and previous[0] < size:
            start_at, offset = previous[0], previous[2]
            shutil.copyfile(previous[1], partial)
    console.print(f"store of {size:,}: writing articles {start_at:,}…{size:,} to {partial}")
    started = time.perf_counter()
    store = SQLiteStore(f"sqlite:///{partial}")
    stream = replicas(bases)
    for _ in range(start_at):
        next(stream)
    written = start_at
    try:
        while written < size:
            batch = [next(stream) for _ in range(min(_WRITE_BATCH, size - written))]
            store.write(batch)
            written += len(batch)
            progress.write_text(json.dumps(
                {"articles": written, "seconds": offset + time.perf_counter() - started}))
            if written % 10_000 == 0 or written == size:
                rate = (written - start_at) / (time.perf_counter() - started)
                console.print(f"  {written:,} articles ({rate:.0f}/s)")
    finally:
        store.close()
    with sqlite3.connect(partial) as conn:  # fold the WAL in, so one file holds it all
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for sidecar in _sidecars(partial):
        sidecar.unlink(missing_ok=True)
    partial.replace(path)
    progress.unlink()
    seconds = time.perf_counter() - started
    console.print(f"  built in {seconds:.0f} s (+{offset:.0f} s before: a copied smaller store "
                  "or an interrupted build)")
    return seconds + offset


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def _store_counts(path: Path) -> tuple[int, int, float]:
    with sqlite3.connect(path) as conn:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        sentences = conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
    conn.close()
    size = sum(p.stat().st_size for p in (path, *_sidecars(path)) if p.exists())
    return int(articles), int(sentences), size / 1e6


# -- questions --------------------------------------------------------------------------------


def make_questions(bases: list[Base], count: int, *, seed: int) -> list[str]:
    """The news-dev questions, then questions made from base articles, `count` in all."""
    questions: list[str] = []
    dev = DATA / "news-dev" / "questions.jsonl"
    if dev.exists() and seed == 0:
        questions = [json.loads(line)["q"] for line in dev.read_text().splitlines() if line]
    rng = random.Random(seed)
    while len(questions) < count:
        base = rng.choice(bases)
        names = {m.type: m.name for m in base.analysis.mentions
                 if m.type in ("PERSON", "ORG", "GPE") and len(m.name) > 2}
        title = (base.article.title or "").strip()
        kind = rng.randrange(5)
        if kind == 0 and names:
            question = f"What happened to {rng.choice(list(names.values()))}?"
        elif kind == 1 and "PERSON" in names:
            question = f"Who met {names['PERSON']}?"
        elif kind == 2 and "ORG" in names:
            question = f"Where is {names['ORG']} based?"
        elif kind == 3 and "ORG" in names:
            question = f"How many jobs did {names['ORG']} cut?"
        elif title:
            question = f"What is known about {title}?"
        else:
            continue
        questions.append(question)
    return questions[:count]


# -- measuring --------------------------------------------------------------------------------


def measure(path: Path, build_seconds: float, questions: list[str], warmup: list[str],
            size: int) -> Result:
    articles, sentences, store_mb = _store_counts(path)
    with Desk(Settings(db=str(path))) as desk:
        for question in warmup:
            desk.ask(question)
        timings: list[tuple[float, str]] = []
        abstained = 0
        gold = _news_dev_gold()
        correct = 0
        for question in questions:
            started = time.perf_counter()
            answer = desk.ask(question)
            timings.append(((time.perf_counter() - started) * 1000, question))
            abstained += answer.abstained
            if question in gold:
                correct += is_correct(gold[question], answer)
    ms = sorted(t for t, _ in timings)
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return Result(size=size, articles=articles, sentences=sentences, store_mb=store_mb,
                  build_seconds=build_seconds, questions=len(ms), p50_ms=cuts[49],
                  p95_ms=cuts[94], max_ms=ms[-1], mean_ms=statistics.fmean(ms),
                  abstained=abstained / len(ms), gold_correct=correct,
                  gold_answerable=sum(q in gold for q in questions),
                  slowest=sorted(timings, reverse=True)[:5],
                  load=os.getloadavg()[0])


def _news_dev_gold() -> dict[str, GoldQuestion]:
    """The answerable news-dev questions with their gold answers and evidence: answer
    quality measured at the store's size (replicas rotate digits, so numbers and dates
    are found in the replica-0 copies only)."""
    path = DATA / "news-dev" / "questions.jsonl"
    if not path.exists():
        return {}
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    gold = [GoldQuestion(q["q"], q["answers"], [e["quote"] for e in q["evidence"]])
            for q in records]
    return {q.text: q for q in gold if q.answerable}


# The stages of `ask`, by the functions that carry them (file name fragment, function).
_STAGES = [
    ("spaCy on the question", "nlp/pipeline.py", "analyze_text"),
    ("IDF counts (one FTS5 count per word)", "store/sql.py", "sentence_frequencies"),
    ("full-text search (all passes)", "search/fulltext.py", "search_sentences"),
    ("  of which FTS5 ranking", "store/sqlite.py", "ranked_sentences"),
    ("  of which reading hit rows", "store/sql.py", "_hits"),
    ("article texts for judging", "qa/answer.py", "text"),
    ("mentions for typed answers", "qa/answer.py", "mentions_in"),
    ("analyses of the best articles (facts)", "store/sql.py", "analyses"),
    ("answer from facts", "qa/facts.py", "answer_from_facts"),
    ("coverage scoring", "search/fulltext.py", "coverage"),
]


def profile(path: Path, questions: list[str], warmup: list[str]) -> str:
    """Where `ask`'s time goes on one store: wall time per SQL statement (timed without a
    profiler), then cProfile's cumulative CPU seconds per stage and its top functions."""
    lines = [f"profile of {len(questions)} questions on {path.name}:"]
    with Desk(Settings(db=str(path))) as desk:
        for question in warmup:
            desk.ask(question)
        statements = _time_statements(desk, questions)
        asked = sum(seconds for seconds, _ in statements.values())
        lines.append(f"SQL statements (wall time, {asked:.2f} s in all):")
        for sql, (seconds, calls) in sorted(statements.items(), key=lambda kv: -kv[1][0])[:8]:
            lines.append(f"  {seconds:7.2f} s {calls:6d}×  {sql}")
        profiler = cProfile.Profile()
        profiler.enable()
        for question in questions:
            desk.ask(question)
        profiler.disable()
    raw: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(tt for (_, _, tt, _, _) in raw.values())
    lines.append(f"stages under cProfile ({total:.2f} s of CPU in all, profiler overhead "
                 "included; stages may nest):")
    for label, file_part, function in _STAGES:
        seconds = sum(v[3] for (file, _, name), v in raw.items()
                      if name == function and file_part in file)
        lines.append(f"  {label:<40} {seconds:7.2f} s  {100 * seconds / total:5.1f}%")
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(12)
    lines.append(buffer.getvalue())
    return "\n".join(lines)


def _time_statements(desk: Desk, questions: list[str]) -> dict[str, tuple[float, int]]:
    """Seconds and calls per SQL statement (its first 100 characters) over the questions."""
    engine = desk.store._engine  # type: ignore[attr-defined]  # a bench may look inside
    spent: dict[str, tuple[float, int]] = {}

    def before(_conn: Any, _cursor: Any, _sql: str, _params: Any, context: Any,
               _many: bool) -> None:
        context._bench_started = time.perf_counter()

    def after(_conn: Any, _cursor: Any, sql: str, _params: Any, context: Any,
              _many: bool) -> None:
        key = " ".join(sql.split())[:100]
        seconds, calls = spent.get(key, (0.0, 0))
        spent[key] = (seconds + time.perf_counter() - context._bench_started, calls + 1)

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        for question in questions:
            desk.ask(question)
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
    return spent


def print_results(results: list[Result]) -> None:
    table = Table("articles", "sentences", "store MB", "build s", "questions", "p50 ms",
                  "p95 ms", "max ms", "mean ms", "abstained", "news-dev correct",
                  title="Desk.ask latency")
    for r in results:
        table.add_row(f"{r.articles:,}", f"{r.sentences:,}", f"{r.store_mb:,.0f}",
                      f"{r.build_seconds:,.0f}", str(r.questions), f"{r.p50_ms:.1f}",
                      f"{r.p95_ms:.1f}", f"{r.max_ms:.1f}", f"{r.mean_ms:.1f}",
                      f"{100 * r.abstained:.0f}%", f"{r.gold_correct}/{r.gold_answerable}")
    console.print(table)
    for small, large in itertools.pairwise(results):
        console.print(f"growth {small.articles:,} → {large.articles:,} articles: "
                      f"p50 ×{large.p50_ms / small.p50_ms:.2f}, "
                      f"p95 ×{large.p95_ms / small.p95_ms:.2f}")
    last = results[-1]
    verdict = "meets" if last.p95_ms <= TARGET_P95_MS else "misses"
    console.print(f"p95 at {last.articles:,} articles: {last.p95_ms:.1f} ms — {verdict} the "
                  f"target of {TARGET_P95_MS:.0f} ms")
    for r in results:
        console.print(f"at {r.articles:,}: load average {r.load:.2f} on {os.cpu_count()} cores; "
                      "slowest " + "; ".join(
            f"{ms:.0f} ms {q!r}" for ms, q in r.slowest[:3]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="store sizes in articles, comma-separated (default 10000,100000)")
    parser.add_argument("--questions", type=int, default=200,
                        help="questions timed per store (default 200)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                        help=f"where analyses and stores are kept (default {DEFAULT_CACHE})")
    parser.add_argument("--rebuild", action="store_true",
                        help="analyze the base set and build the stores again")
    parser.add_argument("--profile", action="store_true",
                        help="profile the questions on the largest store with cProfile")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    args.cache.mkdir(parents=True, exist_ok=True)
    settings = Settings()
    bases, key = load_base(args.cache, settings, rebuild=args.rebuild)
    stores = build_stores(bases, key, sizes, args.cache, rebuild=args.rebuild)
    questions = make_questions(bases, args.questions, seed=0)
    warmup = make_questions(bases, _WARMUP, seed=1)
    results = [measure(path, seconds, questions, warmup, size)
               for size, (path, seconds) in sorted(stores.items())]
    report = profile(stores[sizes[-1]][0], questions, warmup) if args.profile else None
    if args.json:
        print(json.dumps({"results": [asdict(r) for r in results], "profile": report},
                         indent=2))
    else:
        print_results(results)
        if report:
            console.print(report, markup=False, highlight=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
