"""Story clustering against gold: B-cubed precision, recall and F1.

Run: .venv/bin/python -m eval.stories [--thresholds 0.1,0.15,...]
Data sets: the sample corpus (gold in eval/gold/sample_stories.json), news-dev (gold
`story`) and giveme5w1h news_cluster (gold `newsCluster.EventId`), each ingested with
sentence vectors in chronological and in shuffled order. news_cluster is also scored by
halves of its gold events (`dev_half`): constants are chosen on news-dev, the sample corpus
and the development half only; the other half is held out.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import random
import tempfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from backstory.ingest import InputMeta
from backstory.stories import LEAD_SENTENCES, StoryClusterer
from eval.common import DATA, ROOT, print_table, temporary_desk, write_jsonl

Dataset = tuple[str, list[dict[str, Any]], list[str]]  # name, JSONL records, gold labels


def bcubed(predicted: list[str], gold: list[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering (item i: predicted[i], gold[i])."""
    by_pred: dict[str, set[int]] = defaultdict(set)
    by_gold: dict[str, set[int]] = defaultdict(set)
    for i, (p, g) in enumerate(zip(predicted, gold, strict=True)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    precision = recall = 0.0
    for p, g in zip(predicted, gold, strict=True):
        overlap = len(by_pred[p] & by_gold[g])
        precision += overlap / len(by_pred[p])
        recall += overlap / len(by_gold[g])
    n = len(gold)
    precision, recall = precision / n, recall / n
    return precision, recall, 2 * precision * recall / (precision + recall)


def sample_dataset() -> Dataset:
    gold = json.loads((ROOT / "eval" / "gold" / "sample_stories.json").read_text())
    corpus = ROOT / "backstory" / "sample" / "corpus.jsonl"
    records = [json.loads(line) for line in corpus.read_text().splitlines() if line.strip()]
    return "sample corpus", records, [str(gold[r["url"]]) for r in records]


def news_dev_dataset() -> Dataset | None:
    path = DATA / "news-dev" / "articles.jsonl"
    if not path.exists():
        return None
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    records = [{"text": r["text"], "title": r.get("title"), "url": r.get("url"),
                "outlet": r.get("outlet"), "published_at": r.get("published")} for r in rows]
    return "news-dev", records, [r["story"] for r in rows]


def news_cluster_dataset() -> Dataset | None:
    folder = DATA / "giveme5w1h" / "news_cluster" / "data"
    if not folder.exists():
        return None
    records, gold = [], []
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text())
        cluster = doc["newsCluster"]
        cluster = ast.literal_eval(cluster) if isinstance(cluster, str) else cluster
        records.append({"text": doc["text"], "title": doc.get("title"), "url": doc.get("url"),
                        "outlet": doc.get("source_domain"),
                        "published_at": (doc.get("date_publish") or "")[:10] or None})
        gold.append(str(cluster["EventId"]))
    return "news_cluster", records, gold


def dev_half(event: str) -> bool:
    """Whether a gold event of news_cluster is in its development half (the other half is
    held out): the SHA-256 of its id is even. Constants may be chosen on this half only."""
    return int(hashlib.sha256(event.encode()).hexdigest(), 16) % 2 == 0


def evaluate(dataset: Dataset, thresholds: list[float], *, seed: int = 7,
             halves: bool = False) -> list[list[Any]]:
    """Ingest the data set (with sentence vectors) in each order; score the stories ingest
    built, and those the same incremental clustering builds in memory, in the same order,
    at the setting's threshold and the others, with embeddings and without (words and
    names alone, as when sentence vectors are off). With `halves`, also each half of the
    gold events (`dev_half`) clustered alone."""
    name, records, gold = dataset
    rows = []
    for order in ("chronological", "shuffled"):
        indices = sorted(range(len(records)),
                         key=lambda i: (records[i].get("published_at") or "", i))
        if order == "shuffled":
            random.Random(seed).shuffle(indices)
        with temporary_desk(sentence_vectors=True) as desk, \
                tempfile.TemporaryDirectory() as folder:
            path = write_jsonl((records[i] for i in indices), Path(folder) / "input.jsonl")
            report = desk.ingest([str(path)], meta=InputMeta())
            # Input "#N" is the Nth line, i.e. records[indices[N - 1]].
            id_of = {int(a.input.rsplit("#", 1)[1]) - 1: a.id for a in report.articles}
            truth = [gold[indices[line]] for line in range(len(indices))]
            stored = {a: s.id for s in desk.stories() for a in s.article_ids}
            setting = desk.settings.story_threshold
            p, r, f = bcubed([stored[id_of[line]] for line in range(len(indices))], truth)
            rows.append([name, "all", order, "ingest", f"{setting:.3f}",
                         len(set(stored.values())), len(set(truth)), p, r, f])
            features = {f.meta.id: f for f in
                        desk.store.article_features(lead_sentences=LEAD_SENTENCES)}
            in_ingest_order = [features[a.id] for a in report.articles
                               if a.duplicate_of is None and a.id in features]
            subsets = [("all", lambda event: True)]
            if halves:
                subsets += [("dev half", dev_half),
                            ("held-out half", lambda event: not dev_half(event))]
            for subset, keep in subsets:
                lines = [line for line in range(len(indices)) if keep(truth[line])]
                ids = {id_of[line] for line in lines}
                articles = [a for a in in_ingest_order if a.meta.id in ids]
                for similarity, chosen in (("embeddings", articles),
                                           ("words+names", [replace(a, lead_vectors=())
                                                            for a in articles])):
                    for threshold in [setting, *thresholds]:
                        clusterer = StoryClusterer(
                            threshold=threshold, window_days=desk.settings.story_window_days)
                        story_of = {a: s.id for s in clusterer.cluster(chosen, in_order=True)
                                    for a in s.article_ids}
                        predicted = [story_of[id_of[line]] for line in lines]
                        subset_truth = [truth[line] for line in lines]
                        p, r, f = bcubed(predicted, subset_truth)
                        rows.append([name, subset, order, similarity, f"{threshold:.3f}",
                                     len(set(predicted)), len(set(subset_truth)), p, r, f])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--thresholds", default="",
                        help="comma-separated thresholds to compare besides the setting's")
    args = parser.parse_args()

    thresholds = [float(t) for t in args.thresholds.split(",") if t]
    rows: list[list[Any]] = []
    for make in (sample_dataset, news_dev_dataset, news_cluster_dataset):
        dataset = make()
        if dataset is None:
            print(f"skipped {make.__name__}: data missing under {DATA}")
            continue
        rows.extend(evaluate(dataset, thresholds, halves=make is news_cluster_dataset))
    print_table("Story clustering, B-cubed", ["data", "articles", "order", "similarity",
                                              "threshold", "stories", "gold", "precision",
                                              "recall", "F1"], rows)


if __name__ == "__main__":
    main()
