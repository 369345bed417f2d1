"""Story clustering cost per new article as the store grows (10k and 100k articles).

Run: .venv/bin/python -m bench.stories [--sizes 5000,10000,20000] [--new 200]

The default sizes take about 2.5 minutes on two cores; filling runs at about 5.5 ms per
article (store write included), so `--sizes 10000,100000` takes about 10 minutes.

The store is filled with generated articles, no spaCy: each belongs to a generated event
(three names and a dozen words of its own drawn from a large made-up vocabulary, plus
common filler words), five articles per event from different outlets over three days, at
a steady rate of about 150 articles a day, so a store ten times larger spans ten times
as many days, as a growing archive does. Filling runs Backstory's own store writes and
incremental story update in batches of 2,000 (untimed). Then `--new` more articles are
written and the update that counts them into the word statistics and puts them into
stories is timed: milliseconds per new article.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from backstory.config import Settings
from backstory.models import Analysis, Article, Mention, NewArticle, Sentence
from backstory.store import open_store
from backstory.stories import StoryClusterer
from eval.common import print_table

_PER_DAY = 150
_PER_EVENT = 5
_START = date(2020, 1, 1)
_FILLER = ("officials", "said", "the", "plan", "would", "go", "ahead", "after", "talks",
           "with", "local", "groups", "on", "matter", "and", "a", "review", "of", "costs",
           "by", "ministry", "regional", "council")
_OUTLETS = [f"Outlet {i}" for i in range(40)]


class _Generator:
    """Seeded generated articles: event `n` is the same every time."""

    def __init__(self, seed: int = 11) -> None:
        rng = random.Random(seed)
        syllables = ["ka", "lo", "mi", "ter", "vos", "ran", "del", "qui", "bar", "zen",
                     "pol", "ust", "fir", "gan", "hob", "jex", "nor", "pra", "sil", "tov"]
        self.words = sorted({"".join(rng.choice(syllables) for _ in range(3))
                             for _ in range(30_000)})
        self.names = sorted({f"{rng.choice(self.words).title()} {rng.choice(self.words).title()}"
                             for _ in range(20_000)})

    def article(self, number: int) -> NewArticle:
        event, copy = divmod(number, _PER_EVENT)
        rng = random.Random(event)
        names = rng.sample(self.names, 3)
        words = rng.sample(self.words, 12)
        day = _START + timedelta(days=event * _PER_EVENT // _PER_DAY + copy % 3)
        mine = random.Random(number)
        sentences = []
        for _ in range(8):
            chosen = mine.sample(words, 4) + mine.sample(_FILLER, 6) + [mine.choice(self.words)]
            mine.shuffle(chosen)
            sentences.append(f"{mine.choice(names)} " + " ".join(chosen) + ".")
        text = " ".join(sentences)
        article = Article.create(text, input=f"bench#{number}", title=" ".join(words[:5]),
                                 outlet=_OUTLETS[(event + copy) % len(_OUTLETS)],
                                 published_at=day.isoformat())
        return NewArticle(article, _analysis(article), (), ())


def _analysis(article: Article) -> Analysis:
    sentences, mentions, start = [], [], 0
    for index, chunk in enumerate(article.text.split(". ")):
        end = start + len(chunk)
        sentences.append(Sentence(id=f"{article.id}:{index}", article_id=article.id,
                                  index=index, start=start, end=end, text=chunk))
        name = " ".join(chunk.split()[:2])
        mentions.append(Mention(name=name, type="PERSON", sentence_index=index, start=start,
                                end=start + len(name), text=name))
        start = end + 2
    return Analysis(article_id=article.id, sentences=tuple(sentences), mentions=tuple(mentions))


def run(sizes: list[int], new: int) -> list[list[Any]]:
    generator = _Generator()
    settings = Settings()  # the product's threshold and time window
    clusterer = StoryClusterer(threshold=settings.story_threshold,
                               window_days=settings.story_window_days)
    rows: list[list[Any]] = []
    with tempfile.TemporaryDirectory(prefix="backstory-bench-") as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'bench.db'}")
        stored = 0
        for size in sorted(sizes):
            fill_started = time.perf_counter()
            while stored < size:
                batch = range(stored, min(size, stored + 2000))
                store.write([generator.article(n) for n in batch])
                clusterer.update(store)
                stored = batch[-1] + 1
            filled = time.perf_counter() - fill_started
            # Written in one batch, as one ingest transaction would; not timed.
            store.write([generator.article(n) for n in range(stored, stored + new)])
            stored += new
            started = time.perf_counter()
            clusterer.update(store)
            elapsed = time.perf_counter() - started
            rows.append([size, new, len(store.stories()), 1000 * elapsed / new, filled])
        store.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="5000,10000,20000")
    parser.add_argument("--new", type=int, default=200)
    args = parser.parse_args()
    rows = run([int(s) for s in args.sizes.split(",")], args.new)
    print_table("Story clustering: cost per new article",
                ["stored", "new", "stories after", "ms per new article", "fill s"], rows)


if __name__ == "__main__":
    main()
