"""Answering a question from the stored sentences, with citations, or abstaining.

Retrieval ranks sentences by BM25 fused with sentence-embedding neighbours; each candidate
sentence is then judged on how much of the question it covers (words weighted by rarity,
or the embeddings' cosine similarity when that is higher) and whether it names what the
question names. A typed question ("who", "where", "how many") is answered by the entity of that
type that the best sentences agree on; any other question by the best sentence itself.
"""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from backstory.errors import QuestionError
from backstory.models import Analysis, Answer, Mention, SentenceHit
from backstory.nlp import Analyzer
from backstory.qa.facts import FactAnswer, answer_from_facts
from backstory.qa.question import Question, read_question
from backstory.search import HybridSearcher, QueryTerms, query_terms, search_sentences
from backstory.store import Store

__all__ = ["MAX_QUESTION_CHARS", "AnswerEngine"]

MAX_QUESTION_CHARS = 2000

LOGGER = logging.getLogger(__name__)
_CANDIDATES = 40
_MAX_CITATIONS = 3
# A sentence whose article never names something the question names cannot answer it.
_MISSING_NAME_PENALTY = 0.25
# A typed question whose best sentences hold no entity of that type is answered only weakly.
_UNTYPED_PENALTY = 0.6
_TYPED_POOL = 10  # how many of the best sentences typed answers are drawn from
_FACT_POOL = 10  # the articles of this many best sentences lend their records
_NAMED = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"}
_PLACE_PREPS = {"in", "at", "near", "outside", "inside", "from"}
_NO_PREP_FIT = 0.5
_AGREEMENT_BONUS = 0.05
_QUESTION_PENALTY = 0.3
# How much of a sentence's support comes from keeping the question's phrases rather than
# holding its words anywhere.
_PHRASE_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class _Judged:
    hit: SentenceHit
    support: float  # 0..1: how well the sentence covers and matches the question


class AnswerEngine:
    """Answers questions over one store."""

    def __init__(self, store: Store, analyzer: Analyzer, *, threshold: float,
                 searcher: HybridSearcher | None = None) -> None:
        self._store = store
        self._analyzer = analyzer
        self._threshold = threshold
        self._searcher = searcher  # None: BM25 alone (`Settings.retrieval`)

    def ask(self, text: str, *, threshold: float | None = None) -> Answer:
        if len(text) > MAX_QUESTION_CHARS:
            # Reading a pasted page as a question would hold the shared NLP pipeline for
            # seconds; a question is a sentence or two.
            raise QuestionError(
                f"the question is {len(text):,} characters long; ask in at most "
                f"{MAX_QUESTION_CHARS:,} (one or two sentences)", length=len(text))
        limit = self._threshold if threshold is None else threshold
        question = read_question(self._analyzer.analyze_text(text.strip()))
        terms = query_terms(self._store, question.text)
        if self._searcher is None:
            hits = search_sentences(self._store, terms, limit=_CANDIDATES)
        else:
            hits = self._searcher.search(question.text, terms, limit=_CANDIDATES)
        reader = _ArticleReader(self._store, hits)
        judged = sorted((_judge(hit, question, terms, reader) for hit in hits),
                        key=lambda j: j.support, reverse=True)
        if not judged:
            return Answer(question=text, answer=None, abstained=True, confidence=0.0)
        facts = _from_facts(question, terms, judged, reader)
        if facts is not None and facts.speaker_silent:
            # Asked for someone's words that no stored quote of theirs gives: a sentence
            # about them is not their words, so say the sources do not answer.
            return Answer(question=text, answer=None, abstained=True, confidence=0.0)
        if question.entity_types:
            answer, confidence, support = _typed_answer(question, judged, reader)
        else:
            best = judged[0]
            answer, confidence, support = best.hit.sentence.text, best.support, [best]
        # A role asked for by name ("Who is X?") is what the records hold; a sentence that
        # merely names X is not an answer to it.
        if facts is not None and facts.answer and (facts.confidence >= confidence
                                                   or question.kind == "role"):
            if facts.confidence < limit:
                return Answer(question=text, answer=None, abstained=True,
                              confidence=round(facts.confidence, 3))
            return Answer(question=text, answer=facts.answer, abstained=False,
                          confidence=round(facts.confidence, 3), citations=facts.citations)
        if confidence < limit or answer is None:
            return Answer(question=text, answer=None, abstained=True,
                          confidence=round(confidence, 3))
        lead = support[0].hit.article
        attribution = ", ".join(p for p in (lead.outlet, lead.published_at) if p)
        if question.entity_types and attribution:
            answer = f"{answer} (according to {attribution})"
        return Answer(
            question=text, answer=answer, abstained=False, confidence=round(confidence, 3),
            citations=tuple(j.hit.citation() for j in support[:_MAX_CITATIONS]),
        )




def _from_facts(question: Question, terms: QueryTerms, judged: list[_Judged],
                reader: _ArticleReader) -> FactAnswer | None:
    """An answer from the analysis records of the best sentences' articles."""
    articles = {j.hit.article.id: j.hit.article for j in judged[:_FACT_POOL]}
    return answer_from_facts(question, terms, reader.analyses(list(articles)), articles)


class _ArticleReader:
    """Reads the retrieved articles' text and analyses from the store, in batches, each at
    most once per question."""

    def __init__(self, store: Store, hits: Sequence[SentenceHit]) -> None:
        self._store = store
        self._ids = list(dict.fromkeys(hit.article.id for hit in hits))
        self._texts: dict[str, str] | None = None
        self._analyses: dict[str, Analysis] = {}

    def text(self, article_id: str) -> str:
        if self._texts is None:  # the first name check reads every retrieved article
            self._texts = self._store.texts(self._ids)
        return self._texts[article_id]

    def analyses(self, article_ids: Sequence[str]) -> dict[str, Analysis]:
        missing = [a for a in article_ids if a not in self._analyses]
        if missing:
            self._analyses.update(self._store.analyses(missing))
        return {a: self._analyses[a] for a in article_ids if a in self._analyses}

    def mentions_in(self, hit: SentenceHit) -> list[Mention]:
        analysis = self.analyses([hit.article.id]).get(hit.article.id)
        if analysis is None:
            return []
        return [m for m in analysis.mentions if m.sentence_index == hit.sentence.index]


def _judge(hit: SentenceHit, question: Question, terms: QueryTerms, reader: _ArticleReader
       ) -> _Judged:
    support = (1 - _PHRASE_SHARE) * terms.coverage(hit.sentence.text) \
        + _PHRASE_SHARE * terms.phrase_coverage(hit.sentence.text, names=question.names)
    if hit.similarity is not None:
        # A paraphrase shares few words with the question but sits near it in meaning.
        support = max(support, hit.similarity)
    if hit.sentence.text.rstrip(" ”\"'’").endswith("?"):
        support *= _QUESTION_PENALTY  # a sentence that asks does not answer
    if question.names:
        article_text = reader.text(hit.article.id).casefold()
        missing = sum(1 for name in question.names if name.casefold() not in article_text)
        support *= _MISSING_NAME_PENALTY ** missing
    return _Judged(hit=hit, support=support)

def _typed_answer(question: Question, judged: list[_Judged], reader: _ArticleReader
                  ) -> tuple[str | None, float, list[_Judged]]:
    """The entity of the expected type that the best sentences support.

    A candidate is scored by its best sentence's support times how well its type fits;
    places named after "in"/"at" fit a "where" question better. Each further sentence
    that names it adds a little (agreement across sentences and outlets).
    """
    asked = [name.casefold() for name in question.names]
    reader.analyses([item.hit.article.id for item in judged[:_TYPED_POOL]])  # one batch
    fits = question.entity_types
    scores: dict[str, float] = {}
    holders: dict[str, list[_Judged]] = defaultdict(list)
    for item in judged[:_TYPED_POOL]:
        sentence = item.hit.sentence
        for mention in reader.mentions_in(item.hit):
            fit = fits.get(mention.type)
            if fit is None:
                continue
            key = mention.name if mention.type in _NAMED else mention.text
            folded = key.casefold()
            if any(folded in name or name in folded for name in asked):
                continue  # the question's own names are not its answer
            if question.answer_type == "place":
                before = sentence.text[: mention.start - sentence.start].split()[-1:]
                if not (before and before[0].lower() in _PLACE_PREPS):
                    fit *= _NO_PREP_FIT
            score = item.support * fit
            if item not in holders[key]:
                holders[key].append(item)
                scores[key] = max(scores.get(key, 0.0), score) + _AGREEMENT_BONUS * (
                    len(holders[key]) > 1)
    if not scores:
        best = judged[0]
        return None, best.support * _UNTYPED_PENALTY, [best]
    winner = max(scores, key=lambda k: scores[k])
    best = holders[winner][0]
    return _with_partners(winner, best, reader), best.support, holders[winner]


def _with_partners(winner: str, item: _Judged, reader: _ArticleReader) -> str:
    """The answer with the names its sentence joins to it: "Katalin Karikó and Drew
    Weissman" won, not Karikó alone."""
    sentence = item.hit.sentence
    mentions = sorted(reader.mentions_in(item.hit), key=lambda m: m.start)
    names = [winner]
    for first, second in itertools.pairwise(mentions):
        if first.type != second.type or first.name not in names or second.name in names:
            continue
        between = sentence.text[first.end - sentence.start:second.start - sentence.start]
        if between.strip(" ,") in ("and", "") and between.strip():
            names.append(second.name)
    return " and ".join(names) if len(names) <= 3 else winner
