"""Question answering against gold: correct with citation, abstention, false abstention.

Run: .venv/bin/python -m eval.ask
Beside Backstory's answers (with the retrieval of its settings, BM25 by default), the same
run scores them with hybrid retrieval (BM25 fused with sentence embeddings) and a baseline
that answers every question with the top BM25 sentence. An answer is correct when it
contains an accepted answer after case and punctuation folding and, where the gold gives
evidence, one of its citations holds the evidence (or lies inside it). Unanswerable
questions are correct only when the system abstains.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backstory.ingest import InputMeta
from backstory.models import Answer
from backstory.pipeline import Desk
from backstory.qa import AnswerEngine
from backstory.search import query_terms
from eval.common import DATA, SHARED, print_table, temporary_desk, write_jsonl

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Case, accents and punctuation folded away, words separated by single spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " " + _NON_WORD.sub(" ", text.casefold()).strip() + " "


@dataclass(frozen=True, slots=True)
class GoldQuestion:
    text: str
    answers: list[str]
    evidence: list[str]

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


def is_correct(question: GoldQuestion, answer: Answer) -> bool:
    if not question.answerable:
        return answer.abstained
    if answer.abstained or not answer.answer:
        return False
    if not any(fold(a) in fold(answer.answer) for a in question.answers):
        return False
    if not answer.citations:
        return False
    if not question.evidence:
        return True
    cited = [fold(c.sentence) for c in answer.citations]
    evidence = [fold(e) for e in question.evidence]
    return any(e in c or c in e for e in evidence for c in cited)


def baseline(desk: Desk, question: str) -> Answer:
    """The top BM25 sentence as the answer, never abstaining (except on no hit at all)."""
    # Classic BM25 over every content word of the question (no pruning of common words).
    hits = desk.store.search_sentences(query_terms(desk.store, question).words, limit=1)
    if not hits:
        return Answer(question=question, answer=None, abstained=True, confidence=0.0)
    return Answer(question=question, answer=hits[0].sentence.text, abstained=False,
                  confidence=1.0, citations=(hits[0].citation(),))


def score(desk: Desk, questions: list[GoldQuestion], name: str) -> list[list[Any]]:
    rows = []
    threshold = desk.settings.answer_threshold
    unthresholded = [(q, desk.ask(q.text, threshold=0.0)) for q in questions]
    SWEEPS.append((name, unthresholded))
    hybrid_engine = AnswerEngine(desk.store, desk.analyzer, threshold=threshold,
                                 searcher=desk.searcher)
    hybrid = [(q, hybrid_engine.ask(q.text, threshold=0.0)) for q in questions]
    SWEEPS.append((f"{name} (hybrid)", hybrid))
    for system, results in (
            (f"backstory ({desk.settings.retrieval})",
             [(q, _at(a, threshold)) for q, a in unthresholded]),
            ("backstory, hybrid retrieval", [(q, _at(a, threshold)) for q, a in hybrid]),
            ("baseline: top BM25 sentence", [(q, baseline(desk, q.text)) for q in questions])):
        answerable = [q for q in questions if q.answerable]
        unanswerable = [q for q in questions if not q.answerable]
        correct = sum(is_correct(q, a) for q, a in results if q.answerable)
        abstained_right = sum(a.abstained for q, a in results if not q.answerable)
        false_abstentions = sum(a.abstained for q, a in results if q.answerable)
        rows.append([
            name, system, len(questions),
            f"{correct}/{len(answerable)} ({correct / max(len(answerable), 1):.0%})",
            f"{abstained_right}/{len(unanswerable)}" if unanswerable else "n/a",
            f"{false_abstentions}/{len(answerable)} "
            f"({false_abstentions / max(len(answerable), 1):.0%})",
        ])
    return rows


# Each data set's answers with no threshold, kept to choose the threshold (calibration).
SWEEPS: list[tuple[str, list[tuple[GoldQuestion, Answer]]]] = []


def _at(answer: Answer, threshold: float) -> Answer:
    """The answer as the engine gives it at `threshold`: abstained below it."""
    if answer.abstained or answer.confidence >= threshold:
        return answer
    return Answer(question=answer.question, answer=None, abstained=True,
                  confidence=answer.confidence)


def sweep_rows(thresholds: list[float]) -> list[list[Any]]:
    """Correct answers, right abstentions and false abstentions at each threshold."""
    rows = []
    for name, results in SWEEPS:
        answerable = sum(q.answerable for q, _ in results)
        unanswerable = len(results) - answerable
        for threshold in thresholds:
            at = [(q, _at(a, threshold)) for q, a in results]
            rows.append([name, threshold,
                         sum(is_correct(q, a) for q, a in at if q.answerable),
                         f"{sum(a.abstained for q, a in at if not q.answerable)}/{unanswerable}",
                         f"{sum(a.abstained for q, a in at if q.answerable)}/{answerable}",
                         sum(not a.abstained and not is_correct(q, a) for q, a in at)])
    return rows


def detail_rows() -> list[list[Any]]:
    rows = []
    for name, results in SWEEPS:
        for q, a in results:
            rows.append([name, q.text[:60], "yes" if is_correct(q, a) else "no",
                         f"{a.confidence:.2f}", (a.answer or "(abstained)")[:70]])
    return rows


def seed_rows() -> list[list[Any]]:
    gold_path = SHARED / "seed" / "gold.json"
    if not gold_path.exists():
        print(f"skipped seed: {gold_path} is missing")
        return []
    gold = json.loads(gold_path.read_text())
    questions = [GoldQuestion(q["q"], q["answers"], []) for q in gold["questions"]]
    with temporary_desk(sentence_vectors=True) as desk:
        meta = InputMeta(outlet=gold["article"]["outlet"],
                         published_at=gold["article"]["published_at"])
        desk.ingest([str(SHARED / "seed" / "article.txt")], meta=meta)
        return score(desk, questions, "seed")


def news_dev_rows() -> list[list[Any]]:
    folder = DATA / "news-dev"
    if not folder.exists():
        print(f"skipped news-dev: {folder} is missing")
        return []
    rows = [json.loads(line) for line in (folder / "articles.jsonl").read_text().splitlines()
            if line.strip()]
    records = [{"text": r["text"], "title": r.get("title"), "url": r.get("url"),
                "outlet": r.get("outlet"), "published_at": r.get("published")} for r in rows]
    questions = [GoldQuestion(q["q"], q["answers"], [e["quote"] for e in q["evidence"]])
                 for q in map(json.loads, (folder / "questions.jsonl").read_text().splitlines())]
    with temporary_desk(sentence_vectors=True) as desk, tempfile.TemporaryDirectory() as tmp:
        desk.ingest([str(write_jsonl(records, Path(tmp) / "news-dev.jsonl"))])
        return score(desk, questions, "news-dev")


def main() -> None:
    parser = argparse.ArgumentParser(description="Score ask against gold questions.")
    parser.add_argument("--thresholds", default="0.2,0.25,0.3,0.35,0.4,0.5,0.6",
                        help="confidence thresholds to sweep (calibration on news-dev)")
    parser.add_argument("--details", action="store_true", help="print every question")
    args = parser.parse_args()
    rows = seed_rows() + news_dev_rows()
    print_table("Ask: answers against gold", [
        "data", "system", "questions", "correct with citation", "abstained on unanswerable",
        "false abstention"], rows)
    print_table("Ask: the abstention threshold swept (choose it on news-dev)", [
        "data", "threshold", "correct", "abstained on unanswerable", "false abstention",
        "wrong answers"], sweep_rows([float(t) for t in args.thresholds.split(",")]))
    if args.details:
        print_table("Ask: every question (no threshold)",
                    ["data", "question", "correct", "confidence", "answer"], detail_rows())


if __name__ == "__main__":
    main()
