"""Boilerplate detection against a labelled fixture set: precision and recall.

Run: .venv/bin/python -m eval.boilerplate
The fixture (eval/fixtures/boilerplate.jsonl, written for Backstory) labels every
paragraph of 45 articles from 6 fictional outlets. Each outlet's articles are ingested in
order; a paragraph counts as dropped when the rule-based promo filter drops it or the
outlet's learned boilerplate covers it once all its articles are in. Rows: the rules
alone, learning alone, and both (what ingest does).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from backstory.ingest.boilerplate import is_promo
from backstory.ingest.learned import is_learnable, shape_of
from eval.common import ROOT, print_table

FIXTURE = ROOT / "eval" / "fixtures" / "boilerplate.jsonl"


def predictions(articles: list[dict[str, Any]]) -> dict[str, list[list[bool]]]:
    """For each method, per article, per paragraph: predicted boilerplate."""
    shapes: dict[tuple[str, str], list[tuple[str, bool]]] = defaultdict(list)
    article_shapes = []
    for article in articles:
        paragraphs = [p["text"] for p in article["paragraphs"]]
        kept = [p for p in paragraphs if not is_promo(p)]
        row = []
        for paragraph in paragraphs:
            if is_promo(paragraph):
                row.append(None)
                continue
            shape = shape_of(paragraph, position=kept.index(paragraph), count=len(kept))
            shapes[(article["outlet"], shape.key)].append((paragraph, shape.edge))
            row.append((article["outlet"], shape.key))
        article_shapes.append(row)
    learned = {key for key, seen in shapes.items()
               if is_learnable([t for t, _ in seen], [e for _, e in seen])}
    rules = [[is_promo(p["text"]) for p in a["paragraphs"]] for a in articles]
    learned_only = [[key is not None and key in learned for key in row] for row in article_shapes]
    both = [[r or learn for r, learn in zip(rr, ll, strict=True)]
            for rr, ll in zip(rules, learned_only, strict=True)]
    return {"rules only": rules, "learned only": learned_only, "rules + learned": both}


def main() -> None:
    articles = [json.loads(line) for line in FIXTURE.read_text().splitlines() if line.strip()]
    gold = [[p["boilerplate"] for p in a["paragraphs"]] for a in articles]
    rows = []
    for method, predicted in predictions(articles).items():
        pairs = [(p, g) for pa, ga in zip(predicted, gold, strict=True)
                 for p, g in zip(pa, ga, strict=True)]
        tp = sum(p and g for p, g in pairs)
        fp = sum(p and not g for p, g in pairs)
        fn = sum(g and not p for p, g in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append([method, len(pairs), tp + fn, tp, fp, fn, precision, recall, f1])
    print_table("Boilerplate paragraphs (eval/fixtures/boilerplate.jsonl)",
                ["method", "paragraphs", "boilerplate", "TP", "FP", "FN", "precision",
                 "recall", "F1"], rows)


if __name__ == "__main__":
    main()
