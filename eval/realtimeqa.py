"""RealTimeQA: weekly multiple-choice news-quiz questions asked of that week's search pool.

Run: .venv/bin/python -m eval.realtimeqa [--weeks 20220617 20220624] [--json] [--details]
Each week's search-result pool (`*_gcs.jsonl`) and gold articles (`*_gold.jsonl`) go into a
fresh store; each quiz question is asked as written, without its choices, and a choice is
picked by the support the reply finds for it (see `pick_choice`). Beside Backstory the
same run scores the top BM25 sentence with the same picking rule, and the chance rate.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from spacy.lang.en.stop_words import STOP_WORDS

from backstory.models import Answer
from backstory.pipeline import Desk
from backstory.search import query_terms, search_sentences
from backstory.search.fulltext import stem
from eval.ask import baseline, fold
from eval.common import DATA, console, print_table, require, temporary_desk, write_jsonl

CORPUS = DATA / "realtimeqa"
WEEKS = ("20220617", "20220624")

# How much each place a choice can be found in counts: the reply itself, the sentences it
# cites, then the articles those sentences come from (a weak tie-breaker).
ANSWER_WEIGHT = 4.0
CITED_WEIGHT = 2.0
ARTICLE_WEIGHT = 1.0
# A choice whose words are all present but not as one phrase counts for less than the phrase.
LOOSE_MATCH = 0.8
FALLBACK_SENTENCES = 5  # top retrieved sentences read when Backstory abstains
RETRIEVAL_DEPTH = 40  # as many sentences as Backstory's answer engine considers
FALLBACK = "backstory, abstentions picked from top sentences"
# Why a question went wrong, checked in this order; "named" means every distinctive word
# of the right choice is present (`choice_match` of at least LOOSE_MATCH).
CAUSES = (
    "not stored: no stored article names the right choice",
    "retrieval: stored, but none of the top 40 sentences names it",
    "abstained: a top-40 sentence names it",
    "extraction: a top-40 sentence names it, the reply does not",
)

_TAG = re.compile(r"<[^>]+>")
_HREF = re.compile(r"""href=["']([^"']+)["']""")
_ATTRIBUTION = re.compile(r"\s*\(according to [^)]*\)$")


@dataclass(frozen=True, slots=True)
class QuizQuestion:
    """One quiz question with its choices, the right one, and the quiz's evidence note."""

    id: str
    date: str
    source: str
    text: str
    choices: tuple[str, ...]
    correct: int
    evidence: str
    evidence_urls: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Week:
    """A week's questions, the articles to ingest, and which question each gold one answers."""

    name: str
    questions: list[QuizQuestion]
    records: list[dict[str, Any]]
    gold_urls: dict[str, set[str]]  # question id -> urls of its gold articles that have text
    urls: frozenset[str]  # every ingested url, normalized by `_url_key`


@dataclass(frozen=True, slots=True)
class Pick:
    """What one system replied to one question and which choice that reply supports."""

    week: str
    question_id: str
    system: str
    choice: int | None  # None: abstained, or no choice found more support than the others
    correct: bool
    abstained: bool
    reply: str | None
    scores: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """Why Backstory got a question wrong: was the evidence stored and was it retrieved."""

    week: str
    question_id: str
    question: str
    right: str
    picked: str | None
    reply: str | None
    gold_article_stored: bool
    evidence_link_ingested: bool  # an article the quiz's evidence note links to
    answer_in_store: bool
    answer_in_retrieved: bool
    cause: str


def pick_choice(question: QuizQuestion, answer: Answer, texts: dict[str, str]
                ) -> tuple[int | None, tuple[float, ...]]:
    """The choice the reply supports most, with every choice's score.

    score = 4 x match(reply) + 2 x best match(cited sentence) + 1 x best match(cited
    article), where match is 1 for the folded choice as a phrase, else 0.8 x the weighted
    share of its words present (see `choice_match`). No pick on an abstention, when no
    choice scores above zero, or when the best score is shared.
    """
    if answer.abstained or not answer.answer:
        return None, tuple(0.0 for _ in question.choices)
    reply = _ATTRIBUTION.sub("", answer.answer)
    sentences = [c.sentence for c in answer.citations]
    articles = [texts[a] for a in dict.fromkeys(c.article_id for c in answer.citations)
                if a in texts]
    scores = []
    for index in range(len(question.choices)):
        scores.append(
            ANSWER_WEIGHT * choice_match(question, index, reply)
            + CITED_WEIGHT * max((choice_match(question, index, s) for s in sentences),
                                 default=0.0)
            + ARTICLE_WEIGHT * max((choice_match(question, index, a) for a in articles),
                                   default=0.0))
    return _unique_best(scores), tuple(round(s, 3) for s in scores)


def pick_from_retrieval(question: QuizQuestion, desk: Desk) -> tuple[int | None,
                                                                      tuple[float, ...]]:
    """The choice best supported by the top retrieved sentences, each weighted 1/rank."""
    hits = search_sentences(desk.store, query_terms(desk.store, question.text),
                            limit=FALLBACK_SENTENCES)
    scores = [sum(choice_match(question, index, hit.sentence.text) / rank
                  for rank, hit in enumerate(hits, start=1))
              for index in range(len(question.choices))]
    return _unique_best(scores), tuple(round(s, 3) for s in scores)


def choice_match(question: QuizQuestion, index: int, text: str) -> float:
    """How strongly a text names one choice: 1 for the folded phrase, else partly by words.

    A choice's words are its content words (stop words and words of the question itself
    dropped, unless nothing would be left), lightly stemmed; one is present when a word of
    the text is it or, for words of four letters or more, begins with it ("Europe" in
    "European"). Each weighs 1 / the number of choices holding it, so words that all
    choices share decide little.
    """
    folded = fold(text)
    phrase = fold(question.choices[index]).strip()
    if phrase and f" {phrase} " in folded:
        return 1.0
    words = _choice_words(question)
    mine = words[index]
    if not mine:
        return 0.0
    present = {stem(w) for w in folded.split()}
    weight = {w: 1 / sum(w in other for other in words) for w in mine}
    found = sum(weight[w] for w in mine if w in present or _begins_a_word(w, present))
    return LOOSE_MATCH * found / sum(weight.values())


def load_week(name: str) -> Week:
    """A week's questions and the deduplicated articles to ingest (gold first, by url)."""
    questions = [_quiz_question(json.loads(line)) for line in
                 require(CORPUS / f"{name}_qa.jsonl").read_text().splitlines() if line.strip()]
    records: dict[str, dict[str, Any]] = {}
    gold_urls: dict[str, set[str]] = {}
    for kind in ("gold", "gcs"):
        for line in require(CORPUS / f"{name}_{kind}.jsonl").read_text().splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            for result in row["search_result"]:
                text = (result.get("text") or "").strip()
                if not text:
                    continue
                if kind == "gold":
                    gold_urls.setdefault(row["question_id"], set()).add(_url_key(result["url"]))
                records.setdefault(_url_key(result["url"]), _record(result, text))
    return Week(name=name, questions=questions, records=list(records.values()),
                gold_urls=gold_urls, urls=frozenset(records))


def run_week(week: Week) -> tuple[list[Pick], list[Diagnosis], dict[str, Any]]:
    """Ingest the week into a fresh store, ask every question, pick choices, diagnose misses."""
    picks: list[Pick] = []
    diagnoses: list[Diagnosis] = []
    with temporary_desk() as desk, tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        report = desk.ingest([str(write_jsonl(week.records, Path(tmp) / f"{week.name}.jsonl"))],
                             expected=len(week.records))
        ingest_seconds = time.perf_counter() - started
        texts = _stored_texts(desk)
        folded_store = {article_id: fold(text) for article_id, text in texts.items()}
        started = time.perf_counter()
        for question in week.questions:
            answer = desk.ask(question.text)
            choice, scores = pick_choice(question, answer, texts)
            picks.append(_pick(week, question, "backstory", answer, choice, scores))
            if answer.abstained:
                choice, scores = pick_from_retrieval(question, desk)
            picks.append(_pick(week, question, FALLBACK, answer,
                               choice, scores))
            if choice != question.correct:
                diagnoses.append(_diagnose(week, question, answer, choice, desk, folded_store))
            top = baseline(desk, question.text)
            choice, scores = pick_choice(question, top, texts)
            picks.append(_pick(week, question, "baseline: top BM25 sentence", top, choice,
                               scores))
        ask_seconds = time.perf_counter() - started
    stats = {"records": len(week.records), "stored": report.added,
             "duplicates": report.duplicates, "failed": len(report.failed),
             "ingest_seconds": round(ingest_seconds, 1), "ask_seconds": round(ask_seconds, 1)}
    return picks, diagnoses, stats


def summary_rows(label: str, questions: Sequence[QuizQuestion], picks: Sequence[Pick]
                 ) -> list[list[Any]]:
    rows = []
    for system in dict.fromkeys(p.system for p in picks):
        mine = [p for p in picks if p.system == system]
        answered = mine if system == FALLBACK else [p for p in mine if not p.abstained]
        abstained = len(mine) - len(answered)
        unpicked = sum(p.choice is None for p in answered)
        right = sum(p.correct for p in mine)
        rows.append([label, system, len(mine), abstained, unpicked,
                     f"{right}/{len(mine)} ({right / max(len(mine), 1):.0%})",
                     _rate(sum(p.correct for p in answered), len(answered))])
    chance = sum(1 / len(q.choices) for q in questions)
    rows.append([label, "chance (1 / choices)", len(questions), 0, 0,
                 f"{chance:.1f}/{len(questions)} ({chance / max(len(questions), 1):.0%})",
                 _rate(chance, len(questions))])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", nargs="+", default=list(WEEKS),
                        help="weeks to run, by file prefix (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("--details", action="store_true",
                        help="also list the questions Backstory got wrong, with a diagnosis")
    args = parser.parse_args()
    require(CORPUS)
    weeks = [load_week(name) for name in args.weeks]
    rows: list[list[Any]] = []
    every_pick: list[Pick] = []
    every_diagnosis: list[Diagnosis] = []
    stats: dict[str, dict[str, Any]] = {}
    for week in weeks:
        picks, diagnoses, stats[week.name] = run_week(week)
        rows += summary_rows(week.name, week.questions, picks)
        every_pick += picks
        every_diagnosis += diagnoses
    if len(weeks) > 1:
        rows += summary_rows("all", [q for w in weeks for q in w.questions], every_pick)
    columns = ["week", "system", "questions", "abstained", "no pick", "accuracy over all",
               "accuracy when answered"]
    if args.json:
        console.print_json(json.dumps({
            "summary": [dict(zip(columns, row, strict=True)) for row in rows],
            "ingest": stats,
            "picks": [asdict(p) for p in every_pick],
            "wrong": [asdict(d) for d in every_diagnosis],
        }))
        return
    for name, numbers in stats.items():
        console.print(f"{name}: {numbers}")
    print_table("RealTimeQA: multiple-choice accuracy, choices picked by the reply's support",
                columns, rows)
    causes: dict[str, int] = {}
    for diagnosis in every_diagnosis:
        causes[diagnosis.cause] = causes.get(diagnosis.cause, 0) + 1
    print_table("Backstory (abstentions picked from top sentences) wrong: why",
                ["cause", "questions"], [[c, causes.get(c, 0)] for c in CAUSES])
    if args.details:
        print_table("Backstory wrong, question by question (gold: the question has a gold "
                    "article; linked: the quiz's evidence link was ingested)", [
            "id", "question", "right", "picked", "reply", "gold", "linked", "cause"], [
            [d.question_id, d.question[:70], d.right[:22], (d.picked or "-")[:22],
             (d.reply or "(abstained)")[:70], "yes" if d.gold_article_stored else "no",
             "yes" if d.evidence_link_ingested else "no", d.cause.split(":")[0]]
            for d in every_diagnosis])


def _quiz_question(row: dict[str, Any]) -> QuizQuestion:
    evidence = row.get("evidence") or ""
    return QuizQuestion(
        id=row["question_id"], date=row["question_date"], source=row["question_source"],
        text=row["question_sentence"], choices=tuple(row["choices"]),
        correct=int(row["answer"][0]),
        evidence=html.unescape(_TAG.sub("", evidence)),
        evidence_urls=tuple(_url_key(u) for u in _HREF.findall(evidence)))


def _record(result: dict[str, Any], text: str) -> dict[str, Any]:
    host = urlsplit(result["url"]).hostname or ""
    published = result.get("publish_date")
    return {"text": text, "title": result.get("title"), "url": result["url"],
            "outlet": host.removeprefix("www.") or None,
            "published_at": published.replace("/", "-") if published else None}


def _url_key(url: str) -> str:
    parts = urlsplit(html.unescape(url))
    return f"{(parts.hostname or '').removeprefix('www.')}{parts.path.rstrip('/')}"


def _choice_words(question: QuizQuestion) -> list[set[str]]:
    asked = {stem(w) for w in fold(question.text).split()}
    words = []
    for choice in question.choices:
        every = {stem(w) for w in fold(choice).split()}
        content = {w for w in every if w not in STOP_WORDS and w not in asked}
        words.append(content or every)
    return words


def _begins_a_word(word: str, present: set[str]) -> bool:
    return len(word) >= 4 and any(p.startswith(word) for p in present)


def _unique_best(scores: Sequence[float]) -> int | None:
    best = max(scores, default=0.0)
    if best <= 0 or sum(abs(s - best) < 1e-9 for s in scores) > 1:
        return None
    return scores.index(best)


def _rate(right: float, total: int) -> str:
    return f"{right / total:.0%}" if total else "n/a"


def _pick(week: Week, question: QuizQuestion, system: str, answer: Answer,
          choice: int | None, scores: tuple[float, ...]) -> Pick:
    return Pick(week=week.name, question_id=question.id, system=system, choice=choice,
                correct=choice == question.correct, abstained=answer.abstained,
                reply=answer.answer, scores=scores)


def _stored_texts(desk: Desk) -> dict[str, str]:
    texts: dict[str, str] = {}
    while batch := desk.articles(limit=500, offset=len(texts)):
        texts.update((meta.id, desk.store.article(meta.id).text) for meta in batch)
    return texts


def _diagnose(week: Week, question: QuizQuestion, answer: Answer, choice: int | None,
              desk: Desk, folded_store: dict[str, str]) -> Diagnosis:
    def names_right(text: str) -> bool:
        return choice_match(question, question.correct, text) >= LOOSE_MATCH

    in_store = any(map(names_right, folded_store.values()))
    hits = search_sentences(desk.store, query_terms(desk.store, question.text),
                            limit=RETRIEVAL_DEPTH)
    in_retrieved = any(names_right(hit.sentence.text) for hit in hits)
    if not in_store:
        cause = CAUSES[0]
    elif not in_retrieved:
        cause = CAUSES[1]
    elif answer.abstained:
        cause = CAUSES[2]
    else:
        cause = CAUSES[3]
    return Diagnosis(
        week=week.name, question_id=question.id, question=question.text,
        right=question.choices[question.correct],
        picked=question.choices[choice] if choice is not None else None,
        reply=answer.answer, gold_article_stored=bool(week.gold_urls.get(question.id)),
        evidence_link_ingested=any(u in week.urls for u in question.evidence_urls),
        answer_in_store=in_store, answer_in_retrieved=in_retrieved, cause=cause)


if __name__ == "__main__":
    main()
