"""Composing a story of 50 articles: explainer + FAQ + analysis + the four charts.

Run: .venv/bin/python -m bench.compose [--articles 50] [--repeat 5] [--json]

The store holds the bundled sample corpus and news-dev's 36 real articles (read from
../shared/data), analyzed by the real pipeline. The story measured is the sample's Vienna
story plus other stored articles up to `--articles`, so that every stage has real quotes,
claims, events and questions to work on. Timed, wall clock, median of `--repeat` runs:

- baseline: each of the seven outputs asked for on its own (`Desk.explain(story)`,
  `faq`, `analysis`, `chart` x4), each reading the story's records from the store again;
- ours: the story's records read once (`Desk.story_facts`), the seven built from them.

Also timed: exporting the four charts to SVG with vl-convert (the CLI's `chart --out`;
the web page draws the specs in the browser instead). The issue's target: under 2 s.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from backstory.compose import CHART_KINDS, StoryFacts, export_chart
from backstory.config import Settings
from backstory.models import Story
from backstory.pipeline import Desk
from eval.common import print_table

ROOT = Path(__file__).resolve().parent.parent
NEWS_DEV = ROOT.parent / "shared" / "data" / "news-dev"
TARGET_SECONDS = 2.0


def build_store(path: Path) -> Desk:
    desk = Desk(Settings(db=str(path)))
    desk.load_sample()
    articles = NEWS_DEV / "articles.jsonl"
    if articles.exists():
        desk.ingest([str(articles)])
    return desk


def story_of(desk: Desk, size: int) -> Story:
    vienna = next(s for s in desk.stories() if "Vienna" in s.title)
    others = [a.id for a in desk.articles(limit=1000) if a.id not in vienna.article_ids]
    ids = (*vienna.article_ids, *others)[:size]
    return Story(id="bench", title=vienna.title, article_ids=tuple(ids),
                 first_seen=vienna.first_seen, last_seen=vienna.last_seen)


def compose_all(desk: Desk, story: Story, *, shared: bool) -> int:
    """The seven outputs of a story; `shared` reads its records once for all seven."""
    source: Story | StoryFacts = desk.story_facts(story) if shared else story
    statements = 0
    for document in (desk.explain(source), desk.faq(source), desk.analysis(source)):
        statements += len(document.statements)
    for kind in CHART_KINDS:
        desk.chart(source, kind)
    return statements


def timed(run: Any, repeat: int) -> tuple[float, int]:
    times, result = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    logging.basicConfig(level=logging.ERROR)  # dropped statements are logged as warnings
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        desk = build_store(Path(tmp) / "compose.db")
        build = time.perf_counter() - started
        story = story_of(desk, args.articles)
        desk.ask("Who met whom in Vienna?")  # load the question pipeline once, untimed
        baseline, _ = timed(lambda: compose_all(desk, story, shared=False), args.repeat)
        ours, statements = timed(lambda: compose_all(desk, story, shared=True), args.repeat)
        facts = desk.story_facts(story)
        charts = [desk.chart(facts, kind) for kind in CHART_KINDS]

        def export() -> int:
            for chart in charts:
                export_chart(chart, Path(tmp) / f"{chart.kind}.svg")
            return len(charts)

        svg, _ = timed(export, args.repeat)
        desk.close()
    result = {"articles": len(story.article_ids), "statements": statements,
              "store_build_seconds": round(build, 1), "baseline_seconds": round(baseline, 3),
              "seconds": round(ours, 3), "speedup": round(baseline / ours, 2),
              "svg_export_seconds": round(svg, 3), "target_seconds": TARGET_SECONDS,
              "met": ours < TARGET_SECONDS}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print_table(f"Composing a story of {result['articles']} articles "
                f"(median of {args.repeat}; store built in {result['store_build_seconds']} s)",
                ["run", "seconds", "statements"],
                [["baseline: each output reads the story again", baseline, ""],
                 ["Backstory: records read once", ours, statements],
                 ["export 4 charts to SVG (CLI)", svg, ""]])
    print(f"speed-up {result['speedup']}x; target < {TARGET_SECONDS} s: "
          f"{'met' if result['met'] else 'missed'}")


if __name__ == "__main__":
    main()
