"""Near-duplicate detection against a labelled fixture set: precision and recall by kind.

Run: .venv/bin/python -m eval.duplicates [--thresholds 0.3,0.4,0.5,...]
The fixture (eval/fixtures/duplicates.jsonl, written for Backstory) has originals and
their syndicated, re-headlined, truncated and reworded copies, plus independent reports
of the same events (hard negatives). Articles arrive in file order, as in an ingest: each
is linked to the best earlier article above the threshold, or kept as new. A link is
right when both share a group. Exact copies are caught earlier by hash, so this measures
the MinHash + containment stage alone.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any

from backstory.ingest import dedup
from backstory.ingest.dedup import NearDuplicateIndex, best_match, containment, fingerprint
from eval.common import ROOT, print_table

FIXTURE = ROOT / "eval" / "fixtures" / "duplicates.jsonl"


def evaluate(records: list[dict[str, Any]], threshold: float) -> list[Any]:
    dedup.CONTAINMENT_THRESHOLD = threshold  # the stage reads it at call time
    index = NearDuplicateIndex()
    seen_groups: set[str] = set()
    group_of: dict[str, str] = {}
    linked = right = should = 0
    missed: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    for number, record in enumerate(records):
        item_id = str(number)
        print_ = fingerprint(f"{record['title']}\n{record['text']}")
        is_copy = record["group"] in seen_groups
        candidates = ((c, index.fingerprint_of(c)) for c in index.candidates(print_))
        match = best_match(print_, candidates)
        if is_copy:
            should += 1
        if match is not None:
            linked += 1
            if group_of[match[0]] == record["group"]:
                right += 1
                caught[record["kind"]] += 1
        elif is_copy:
            missed[record["kind"]] += 1
        if match is None:
            index.add(item_id, print_)
            group_of[item_id] = record["group"]
        seen_groups.add(record["group"])
    precision = right / linked if linked else 0.0
    recall = right / should if should else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    by_kind = ", ".join(f"{k} {caught[k]}/{caught[k] + missed[k]}"
                        for k in sorted(set(caught) | set(missed)))
    return [threshold, should, linked, right, precision, recall, f1, by_kind]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--thresholds", default="",
                        help="comma-separated containment thresholds (default: the setting)")
    args = parser.parse_args()
    records = [json.loads(line) for line in FIXTURE.read_text().splitlines() if line.strip()]
    thresholds = [float(t) for t in args.thresholds.split(",") if t] or \
        [dedup.CONTAINMENT_THRESHOLD]
    rows = [evaluate(records, threshold) for threshold in thresholds]
    copies, others = margins(records)
    print_table("Near-duplicates (eval/fixtures/duplicates.jsonl)",
                ["threshold", "copies", "linked", "right", "precision", "recall", "F1",
                 "recall by kind"], rows)
    print(f"containment of true copies: lowest {copies:.3f}; of any other pair: highest "
          f"{others:.3f}")


def margins(records: list[dict[str, Any]]) -> tuple[float, float]:
    """The lowest containment of a true copy pair and the highest of any other pair."""
    prints = [fingerprint(f"{r['title']}\n{r['text']}") for r in records]
    copies, others = 1.0, 0.0
    for i, later in enumerate(prints):
        for j in range(i):
            score = containment(later, prints[j])
            if records[i]["group"] == records[j]["group"]:
                copies = min(copies, score)
            else:
                others = max(others, score)
    return copies, others


if __name__ == "__main__":
    main()
