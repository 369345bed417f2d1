"""Score the analysis of the seed article against its hand-made gold annotations.

    .venv/bin/python -m eval.seed [--json]

Ingests ../shared/seed/article.txt through the whole pipeline (with its outlet and date, as
a user would) and compares what `backstory show` reports with ../shared/seed/gold.json:
entities with type and role, quotes with speaker / via / cue / addressee, claims, time
values and events. Prints one table per kind and a summary.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from backstory.ingest.metadata import InputMeta
from backstory.payloads import article_view_payload
from eval.common import SHARED, console, print_table, require, temporary_desk

JSON = dict[str, Any]
_WORD = re.compile(r"\w+")


@dataclass
class Score:
    """How many gold items of one kind were found, and each field's hits."""

    kind: str
    total: int = 0
    found: int = 0
    fields: dict[str, list[int]] = field(default_factory=dict)  # field -> [right, asked]
    misses: list[str] = field(default_factory=list)

    def check(self, name: str, ok: bool) -> bool:
        right_asked = self.fields.setdefault(name, [0, 0])
        right_asked[0] += ok
        right_asked[1] += 1
        return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    seed = require(SHARED / "seed")
    gold = json.loads((seed / "gold.json").read_text(encoding="utf-8"))
    shown = analyze_seed(seed / "article.txt", gold["article"])
    scores = [score_entities(gold["entities"], shown), score_quotes(gold["quotes"], shown),
              score_claims(gold["claims"], shown), score_times(gold["times"], shown),
              score_events(gold["events"], shown)]
    if args.json:
        console.print_json(data=[{"kind": s.kind, "found": s.found, "total": s.total,
                                  "fields": {k: {"right": v[0], "of": v[1]}
                                             for k, v in s.fields.items()},
                                  "misses": s.misses} for s in scores])
        return 0
    for score in scores:
        rows = [[name, f"{right}/{asked}"] for name, (right, asked) in score.fields.items()]
        print_table(f"seed {score.kind}: {score.found}/{score.total} found with every field",
                    ["field", "right"], rows)
        for miss in score.misses:
            console.print(f"  [yellow]miss[/yellow] {miss}")
    print_table("seed summary", ["kind", "fully right", "of"],
                [[s.kind, s.found, s.total] for s in scores])
    return 0


def analyze_seed(path: Any, article: JSON) -> JSON:
    with temporary_desk() as desk:
        meta = InputMeta(outlet=article["outlet"], published_at=article["published_at"],
                         title=None, url=article.get("url"))
        report = desk.ingest([str(path)], meta=meta)
        if report.failed or not report.articles:
            sys.exit(f"the seed article did not ingest: {report.failed}")
        return article_view_payload(desk.article(report.articles[0].id))


def score_entities(gold: list[JSON], shown: JSON) -> Score:
    score = Score("entities", total=len(gold))
    by_name = {(e["name"].casefold(), e["type"]): e for e in shown["entities"]}
    for item in gold:
        entity = by_name.get((item["name"].casefold(), item["type"]))
        ok = score.check("name and type", entity is not None)
        if entity is not None:
            texts = {_name_fold(m["text"]) for m in entity["mentions"]}
            ok &= score.check("mentions", all(_name_fold(g) in texts for g in item["mentions"]))
        if "role" in item:
            role = (entity or {}).get("role") or ""
            ok &= score.check("role", _fold(role) == _fold(item["role"]))
        score.found += ok
        if not ok:
            score.misses.append(f"{item['name']} ({item['type']}): shown as "
                                f"{_brief(entity, 'type', 'role')}")
    return score


def score_quotes(gold: list[JSON], shown: JSON) -> Score:
    score = Score("quotes", total=len(gold))
    text = shown["article"]["text"]
    for item in gold:
        quote = _best_overlap(item["content"], shown["quotes"], "content")
        ok = score.check("content found", quote is not None)
        if quote is not None:
            speaker_text = text[quote["speaker_start"]:quote["speaker_end"]] \
                if quote["speaker_start"] is not None else ""
            ok &= score.check("speaker", _fold(item["speaker"]) in
                              (_fold(quote["speaker"] or ""), _fold(speaker_text)))
            ok &= score.check("via", _fold(item["via"] or "") == _fold(quote["via"] or ""))
            ok &= score.check("cue", _fold(item["cue"]) == _fold(quote["cue"] or ""))
            ok &= score.check("direct", bool(item["direct"]) == bool(quote["direct"]))
            if "addressee" in item:
                ok &= score.check("addressee",
                                  _fold(item["addressee"]) == _fold(quote["addressee"] or ""))
        score.found += ok
        if not ok:
            score.misses.append(f"{item['speaker']} {item['cue']} “{item['content'][:50]}…”: "
                                f"shown as {_brief(quote, 'speaker', 'via', 'cue', 'direct')}")
    return score


def score_claims(gold: list[JSON], shown: JSON) -> Score:
    score = Score("claims", total=len(gold))
    text = shown["article"]["text"]
    for item in gold:
        candidates = [c for c in shown["claims"] if _same_value(c["value"], item["value"])]
        claim = _best_overlap(item["evidence"], [
            {**c, "evidence": text[c["start"]:c["end"]]} for c in candidates], "evidence")
        ok = score.check("value and evidence", claim is not None)
        if claim is not None:
            ok &= score.check("qualifier", _fold(item.get("qualifier") or "")
                              == _fold(claim["qualifier"] or ""))
            # Where gold folds the predicate into the object ("Chinese nationals denied
            # entry"), the shown object is read with its predicate.
            shown_object = claim["object"] or "" if "predicate" in item else \
                f"{claim['object'] or ''} {claim['predicate'] or ''}"
            ok &= score.check("object", _overlaps(item["object"], shown_object))
            ok &= score.check("source", _fold(item["source"] or "")
                              == _fold(claim["source"] or ""))
            for key in ("unit", "per"):
                if key in item:
                    ok &= score.check(key, _fold(item[key]) in _fold(claim["unit"] or ""))
            if "place" in item:
                ok &= score.check("place", _fold(item["place"]) == _fold(claim["place"] or ""))
            for key in ("time", "since"):
                if key in item:
                    ok &= score.check("time", (claim["time"] or "").startswith(item[key]))
        score.found += ok
        if not ok:
            score.misses.append(f"{item['value']} {item['object']}: shown as "
                                f"{_brief(claim, 'value', 'qualifier', 'object', 'source')}")
    return score


def score_times(gold: list[JSON], shown: JSON) -> Score:
    score = Score("times", total=len(gold))
    for item in gold:
        found = [t for t in shown["times"] if _fold(item["text"]) in _fold(t["text"])
                 or _fold(t["text"]) in _fold(item["text"])]
        ok = score.check("detected", bool(found))
        if found:
            ok &= score.check("value", any(
                _same_time(t["value"], item["value"], item.get("tolerance_days", 0))
                for t in found))
        score.found += ok
        if not ok:
            score.misses.append(f"{item['text']} = {item['value']}: shown as "
                                f"{[(t['text'], t['value']) for t in found]}")
    return score


def score_events(gold: list[JSON], shown: JSON) -> Score:
    score = Score("events", total=len(gold))
    for item in gold:
        events = [e for e in shown["events"] if e["type"] == item["type"]]
        ok = score.check("type", bool(events))
        if events:
            event = max(events, key=lambda e: len(
                {_fold(p) for p in e["participants"]} & {_fold(p) for p in item["participants"]}))
            ok &= score.check("participants", {_fold(p) for p in item["participants"]}
                              <= {_fold(p) for p in event["participants"]})
            if "place" in item:
                ok &= score.check("place", _fold(item["place"]) == _fold(event["place"] or ""))
            when = item.get("date") or item.get("date_from")
            if when:
                ok &= score.check("time", _same_time(event["time"], when,
                                                     item.get("tolerance_days", 0)))
        else:
            event = None
        score.found += ok
        if not ok:
            score.misses.append(f"{item['type']} {item['participants']}: shown as "
                                f"{_brief(event, 'participants', 'place', 'time')}")
    return score


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _name_fold(text: str) -> str:
    """A mention as a name: without a leading "the" or a possessive "'s"."""
    words = _fold(text).split()
    if words[:1] == ["the"]:
        words = words[1:]
    if words[-1:] == ["s"]:
        words = words[:-1]
    return " ".join(words)


def _overlaps(gold: str, found: str) -> bool:
    g, f = set(_fold(gold).split()), set(_fold(found).split())
    return bool(g) and len(g & f) / len(g) >= 0.5


def _best_overlap(gold: str, items: list[JSON], key: str) -> JSON | None:
    """The item whose `key` text shares the most words with `gold` (at least half)."""
    words = set(_fold(gold).split())
    best, best_share = None, 0.5
    for item in items:
        share = len(words & set(_fold(item[key] or "").split())) / max(len(words), 1)
        if share >= best_share:
            best, best_share = item, share
    return best


def _same_value(shown: Any, gold: Any) -> bool:
    if isinstance(gold, str) or isinstance(shown, str):
        return _fold(str(shown)) == _fold(str(gold))
    return shown is not None and abs(float(shown) - float(gold)) < 1e-9


def _same_time(shown: str | None, gold: str, tolerance_days: int) -> bool:
    if not shown:
        return False
    if shown == gold:
        return True
    if tolerance_days and len(shown) == len(gold) == 10:
        try:
            delta = date.fromisoformat(shown) - date.fromisoformat(gold)
        except ValueError:
            return False
        return abs(delta.days) <= tolerance_days
    return False


def _brief(item: JSON | None, *keys: str) -> str:
    if item is None:
        return "nothing"
    return ", ".join(f"{k}={item.get(k)!r}" for k in keys)


if __name__ == "__main__":
    raise SystemExit(main())
