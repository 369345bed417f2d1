"""Answering a question from the stored sentences, with citations, or abstaining.

Retrieval ranks sentences by BM25 (fused with sentence-embedding neighbours when hybrid
retrieval is on); each candidate sentence is then judged on how much of the question it
covers (words weighted by rarity, with credit for keeping the question's phrases, or half
the embeddings' cosine similarity when that is higher) and whether its article names
what the question names. A typed question ("who", "where", "how many") is answered by the
entity of that type, near the question's words, that the best sentences agree on; any other
question by the best sentence itself, or by the records (quotes, claims, events, roles)
first when they answer it.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from backstory.errors import QuestionError
from backstory.models import Analysis, Answer, Mention, Sentence, SentenceHit
from backstory.nlp import Analyzer
from backstory.nlp.claims import QUALIFIERS
from backstory.nlp.dateline import dateline_place
from backstory.qa.facts import AGE as _AGE
from backstory.qa.facts import FactAnswer, answer_from_facts, reported_by
from backstory.qa.question import CAUSAL, REASON_BOOST, Question, read_question
from backstory.search import HybridSearcher, QueryTerms, query_terms, search_sentences
from backstory.search.fulltext import WORD as _WORD
from backstory.search.fulltext import stem
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
# "Who kicked the deciding goal?": a person the sentence says did it ("Ruiz to kick the
# deciding goal", "the goal kicked by Ruiz") fits better than one merely near the words.
_DOER_FIT = 1.25
_DOER_REACH = 3  # words from the name to the verb ("Ruiz then went on to score")
_OBJECT_REACH = 4  # words from the verb to the object's head ("scored the late winning goal")
_OBJECT_ENDS = frozenset({"in", "on", "at", "for", "from", "with", "by", "to", "of", "before",
                          "after", "as", "and", "but", "while", "when", "that", "than"})
# A lead sentence's dateline ("LAKEVIEW, Ore. – …") names where the story was reported
# from: a place answer as good as one named after "in" or "at".
_LEAD_SENTENCES = 2  # a dateline opens one of an article's first sentences
# Qualifiers kept before a typed figure or time; "some", "only" and "more" are left out, as
# before a time or a name they are seldom hedges ("some Tuesdays", "only Paris").
_HEDGES = frozenset(QUALIFIERS) - {"some", "only", "more"}
_AGREEMENT_BONUS = 0.05
# A clock-time question ("at what time") answered by a time without digits ("morning")
# fits no better than one answered by a date.
_NO_DIGIT_FIT = 0.3
# Likewise a range question ("what is the new range of fees") answered by one figure.
_ONE_FIGURE_FIT = 0.3
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_PERCENT = re.compile(r"%|\bper\s*cent\b|\bpercent\b", re.IGNORECASE)
# Words that join the ends of a range ("between 4 and 5", "4 to 5"), not part of its unit.
_RANGE_WORDS = frozenset({"between", "and", "to", "from"})
# Nearness of a typed answer to the question's words: at `_NEAR_WORDS` words away it
# keeps half of the `_NEARNESS_SHARE` of its score that nearness decides.
_NEAR_WORDS = 4
_NEARNESS_SHARE = 0.4
_QUESTION_PENALTY = 0.3
# How much of a sentence's support comes from keeping the question's phrases rather than
# holding its words anywhere.
_PHRASE_SHARE = 0.3
# What a sentence's embedding cosine to the question counts for, against the share of the
# question's words it holds: sentences on the same story sit at cosines of 0.5-0.7 to a
# question about it whether or not they answer it, so a cosine counts half (chosen on
# news-dev, see BENCHMARKS.md).
_SIMILARITY_WEIGHT = 0.5
# A question in two parts: "…, and what/how/who … ?" after the first.
_SECOND_PART = re.compile(
    r",?\s+and\s+(?=(?:what|how|why|who|whom|when|where|which)\b)", re.IGNORECASE)
# A pronoun in the second part that refers back to the first part's answer.
_BACK_REFERENCE = re.compile(r"\b(?:she|he|they|her|him|them)\b", re.IGNORECASE)
# "Whom did Ann Lee meet": "did" after the wh-phrase (at most this many words) means the
# question asks about what its named subject did, not for the subject.
_DO_SUPPORT = frozenset({"did", "does", "do"})
_WH_PHRASE = 4


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
        first, second = _parts(text.strip())
        answer, named = self._answer(first, limit)
        if second is None or answer.abstained:
            return dataclasses.replace(answer, question=text)
        follow, _ = self._answer(_follow_up(second, named, answer), limit)
        return _joined(text, answer, follow, second)

    def _answer(self, text: str, limit: float) -> tuple[Answer, str | None]:
        """The answer to one question, and whom a "he" or "she" in a question that follows
        it would mean (see `_referent`)."""
        question = read_question(self._analyzer.analyze_text(text))
        terms = query_terms(self._store, question.text)
        if self._searcher is None:
            hits = search_sentences(self._store, terms, limit=_CANDIDATES)
        else:
            hits = self._searcher.search(question.text, terms, limit=_CANDIDATES)
        reader = _ArticleReader(self._store, hits)
        judged = sorted((_judge(hit, question, terms, reader) for hit in hits),
                        key=lambda j: j.support, reverse=True)
        if not judged:
            return _abstain(text, 0.0), None
        facts = _from_facts(question, terms, judged, reader)
        if facts is not None and facts.speaker_silent:
            # Asked for someone's words that no stored quote of theirs gives: a sentence
            # about them is not their words, so say the sources do not answer.
            return _abstain(text, 0.0), None
        if question.entity_types:
            answer, confidence, support = _typed_answer(question, terms, judged, reader)
        else:
            best = judged[0]
            answer, confidence, support = best.hit.sentence.text, best.support, [best]
        # A role asked for by name ("Who is X?") is what the records hold; a sentence that
        # merely names X is not an answer to it.
        if facts is not None and facts.answer and (facts.confidence >= confidence
                                                   or question.kind == "role"):
            if facts.confidence < limit:
                return _abstain(text, facts.confidence), None
            return Answer(question=text, answer=facts.answer, abstained=False,
                          confidence=round(facts.confidence, 3),
                          citations=facts.citations), _referent(question, None)
        if confidence < limit or answer is None:
            return _abstain(text, confidence), None
        named = _referent(question, answer if question.entity_types else None)
        citations = tuple(j.hit.citation() for j in support[:_MAX_CITATIONS])
        if question.entity_types:
            answer = reported_by(answer, citations[:1])  # the sentence that won
        return Answer(
            question=text, answer=answer, abstained=False, confidence=round(confidence, 3),
            citations=citations,
        ), named


def _abstain(question: str, confidence: float) -> Answer:
    return Answer(question=question, answer=None, abstained=True,
                  confidence=round(confidence, 3))


def _parts(text: str) -> tuple[str, str | None]:
    """A question in two parts ("Who dissented, and what did she prefer?") split in two;
    any other question whole, with None."""
    match = _SECOND_PART.search(text)
    if match is None:
        return text, None
    first = text[:match.start()].rstrip(" ,;")
    return f"{first}?", text[match.end():].strip()


def _referent(question: Question, answer: str | None) -> str | None:
    """Whom a pronoun in a follow-up question means: the answer when the question asked
    for its subject ("Which official dissented, and what did she prefer?"), the person
    it names when it asked about what they did ("Whom did Ann Lee meet, and what did she
    say?" means Ann Lee)."""
    words = question.text.casefold().split()
    does = any(w in _DO_SUPPORT for w in words[1:1 + _WH_PHRASE])
    if answer is not None and not does:
        return answer
    return question.names[0] if question.names else None


def _follow_up(second: str, named: str | None, answer: Answer) -> str:
    """The second part made to stand alone: a pronoun that refers back to the first part
    becomes whom it means ("what did she prefer?" → "what did Ann Lee prefer?"); any other
    second part keeps the first part's words beside it."""
    if named is not None and _BACK_REFERENCE.search(second):
        return _BACK_REFERENCE.sub(named, second, count=1)
    return f"{second.rstrip(' ?')} ({answer.question.rstrip(' ?')})?"


def _joined(text: str, first: Answer, second: Answer, asked: str) -> Answer:
    """One answer to a two-part question: the first part's answer, then the second's or a
    plain word that the sources do not answer it. Confidence is that of the weaker part
    answered; the citations are both parts', the first part's first."""
    lead = first.answer or ""
    if not lead.endswith((".", "?", "!", "”", '"')):
        lead += "."
    if second.abstained or second.answer is None:
        return dataclasses.replace(
            first, question=text,
            answer=f"{lead} The sources do not answer the rest: “{asked}”")
    if second.answer in lead:  # the first part's sentence answers both
        return dataclasses.replace(first, question=text)
    citations = tuple(dict.fromkeys(first.citations + second.citations))
    return Answer(question=text, answer=f"{lead} {second.answer}", abstained=False,
                  confidence=min(first.confidence, second.confidence), citations=citations)


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

    def time_of(self, hit: SentenceHit, mention: Mention) -> str | None:
        """The resolved value of the time expression a mention names, if the analysis has
        one over it."""
        analysis = self.analyses([hit.article.id]).get(hit.article.id)
        if analysis is None:
            return None
        return next((t.value for t in analysis.times
                     if t.start < mention.end and t.end > mention.start and t.value), None)

    def mentions_in(self, hit: SentenceHit) -> list[Mention]:
        analysis = self.analyses([hit.article.id]).get(hit.article.id)
        if analysis is None:
            return []
        return [m for m in analysis.mentions if m.sentence_index == hit.sentence.index]


def _judge(hit: SentenceHit, question: Question, terms: QueryTerms, reader: _ArticleReader
       ) -> _Judged:
    text = hit.sentence.text
    # The question's names count for less than its other words: the article must name
    # them (below), but the answering sentence often refers back to them ("he", "the firm").
    words = (terms.coverage(text) + terms.coverage(text, ignoring=question.names)) / 2
    support = (1 - _PHRASE_SHARE) * words \
        + _PHRASE_SHARE * terms.phrase_coverage(text, names=question.names)
    if hit.similarity is not None:
        # A paraphrase shares few words with the question but sits near it in meaning.
        support = max(support, _SIMILARITY_WEIGHT * hit.similarity)
    if text.rstrip(" ”\"'’").endswith("?"):
        support *= _QUESTION_PENALTY  # a sentence that asks does not answer
    if question.kind == "reason" and CAUSAL.search(text):
        support = min(1.0, support * REASON_BOOST)  # "why" is answered by a "because"
    if question.names:
        # "According to CNN" names the outlet, which the article need not name itself.
        article_text = f"{reader.text(hit.article.id)} {hit.article.outlet or ''}".casefold()
        missing = sum(1 for name in question.names if name.casefold() not in article_text)
        support *= _MISSING_NAME_PENALTY ** missing
    return _Judged(hit=hit, support=support)

def _typed_answer(question: Question, terms: QueryTerms, judged: list[_Judged],
                  reader: _ArticleReader) -> tuple[str | None, float, list[_Judged]]:
    """The entity of the expected type that the best sentences support.

    A candidate is scored by its best sentence's support times how well its type fits and
    how near it stands to the question's words in that sentence ("Okafor to kick the
    winning goal" answers who kicked it; "Brandt kicked twice", further from "winning
    goal", less so); places named after "in"/"at" fit a "where" question better, and
    a time must meet the question's bounds ("before 2022"). Each further sentence that
    names it adds a little (agreement across sentences and outlets).
    """
    asked = [name.casefold() for name in question.names]
    # Words of the question, for names its own reading missed ("Which Acme software …").
    question_words = {w.casefold() for w in _WORD.findall(question.text)}
    reader.analyses([item.hit.article.id for item in judged[:_TYPED_POOL]])  # one batch
    fits = question.entity_types
    scores: dict[str, float] = {}
    holders: dict[str, list[_Judged]] = defaultdict(list)
    values: dict[str, str] = {}  # a time answer's resolved value ("1962-05")
    for item in judged[:_TYPED_POOL]:
        sentence = item.hit.sentence
        near = _Nearness(sentence.text, terms, question.names)
        for mention in reader.mentions_in(item.hit):
            fit = fits.get(mention.type)
            if fit is None:
                continue
            key = mention.name if mention.type in _NAMED else _hedged(mention, sentence)
            folded = key.casefold()
            if any(folded in name or name in folded for name in asked) or (
                    mention.type in _NAMED
                    and set(_WORD.findall(folded)) <= question_words):
                continue  # the question's own names are not its answer
            if question.action and _does(sentence.text, mention.start - sentence.start,
                                         mention.end - sentence.start, question.action):
                fit *= _DOER_FIT
            if question.answer_type == "place":
                before = sentence.text[: mention.start - sentence.start].split()[-1:]
                if not (before and before[0].lower() in _PLACE_PREPS):
                    fit *= _NO_PREP_FIT
            if question.answer_type == "age" and not _AGE.search(
                    sentence.text[mention.start - sentence.start:]):
                continue  # "How old" is answered by an age, not by any number near the name
            if question.answer_type == "clock" and not any(c.isdigit() for c in mention.text):
                fit *= _NO_DIGIT_FIT  # "1:30 a.m." tells the time better than "morning"
            if question.answer_type == "range" and len(_FIGURE.findall(mention.text)) < 2:
                fit *= _ONE_FIGURE_FIT
            if question.answer_type == "time":
                value = reader.time_of(item.hit, mention)
                if not _within_bounds(question, value, item.hit.article.published_at):
                    continue
                if value:
                    values.setdefault(key, value)
            score = item.support * fit * near.factor(mention.start - sentence.start,
                                                     mention.end - sentence.start)
            _hold(scores, holders, key, item, score)
        if question.answer_type == "place" and (dateline := _dateline(item.hit.sentence)):
            key, end = dateline
            _hold(scores, holders, key, item, item.support * near.factor(0, end))
    if not scores:
        best = judged[0]
        return None, best.support * _UNTYPED_PENALTY, [best]
    _merge_same_figures(scores, holders)
    _merge_into_precise(scores, holders, values)
    winner = max(scores, key=lambda k: scores[k])
    best = holders[winner][0]
    named = max((_with_partners(winner, item, reader) for item in holders[winner]), key=len)
    return named, best.support, holders[winner]


def _hold(scores: dict[str, float], holders: dict[str, list[_Judged]], key: str,
          item: _Judged, score: float) -> None:
    """Count a sentence's support for a candidate answer."""
    if item in holders[key]:
        return
    holders[key].append(item)
    # Agreement counts as far as the agreeing sentence answers the question.
    scores[key] = max(scores.get(key, 0.0), score) + _AGREEMENT_BONUS * (
        len(holders[key]) > 1) * item.support


def _dateline(sentence: Sentence) -> tuple[str, int] | None:
    """The place a lead sentence's dateline names, and where it ends in the sentence."""
    return dateline_place(sentence.text) if sentence.index < _LEAD_SENTENCES else None


def _merge_same_figures(scores: dict[str, float], holders: dict[str, list[_Judged]]) -> None:
    """Figures that say the same are one answer, in the plainest of their wordings:
    "2.5%-3%", "2.5 percent to 3 percent" and "between 2.5 and 3.0 percent" answer
    "2.5%-3%", standing on the sentences of all three; each agreeing wording adds the
    agreement bonus as a further sentence does."""
    same: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key in scores:
        if (value := _figure_value(key)) is not None:
            same[value].append(key)
    for keys in same.values():
        if len(keys) < 2:
            continue
        plainest = min(keys, key=lambda k: (len(k), -scores[k]))
        best = max(scores[k] for k in keys)
        merged = list(holders[plainest])
        for key in keys:
            if key != plainest:
                del scores[key]
                merged += [j for j in holders.pop(key) if j not in merged]
        scores[plainest] = best + _AGREEMENT_BONUS * (len(keys) - 1)
        holders[plainest] = sorted(merged, key=lambda j: j.support, reverse=True)


def _figure_value(key: str) -> tuple[str, ...] | None:
    """What a figure says apart from its wording: its numbers, then its other words (unit,
    hedge) with "%", "per cent" and "percent" as one; None for words without digits."""
    figures = _FIGURE.findall(key)
    if not figures:
        return None
    numbers = [f"{float(f.replace(',', '')):g}" for f in figures]
    rest = _PERCENT.sub(" % ", _FIGURE.sub(" ", key.casefold()))
    words = {w for w in re.findall(r"[^\W\d_]+|%", rest) if w not in _RANGE_WORDS}
    return (*numbers, "|", *sorted(words))


def _merge_into_precise(scores: dict[str, float], holders: dict[str, list[_Judged]],
                        values: Mapping[str, str]) -> None:
    """Times that agree are one answer, given in the finest and plainest words: "1962" (a
    headline's "first spill since 1962"), "six decades" ("the first spill in six
    decades", resolved to 1962) and "May 1962" (the report's body) answer "May 1962",
    standing on the sentences of all three."""
    def finer(key: str, other: str) -> bool:
        value, more = values[key], values[other]
        return more.startswith(value) and (len(more) > len(value) or (
            more[:4] in other and value[:4] not in key))  # "1962" reads better than "six decades"

    for key in list(values):
        better = [other for other in values
                  if other != key and other in scores and finer(key, other)]
        if key not in scores or not better:
            continue  # merged already, or nothing finer agrees
        target = max(better, key=lambda k: (len(values[k]), scores[k]))
        scores[target] = max(scores[target], scores.pop(key)) + _AGREEMENT_BONUS
        merged = holders[target] + [j for j in holders.pop(key) if j not in holders[target]]
        holders[target] = sorted(merged, key=lambda j: j.support, reverse=True)


def _hedged(mention: Mention, sentence: Sentence) -> str:
    """A figure or time with the hedge the sentence puts before it ("around 1:30 a.m.",
    "more than 10 hours"): dropping it would claim a precision the source does not."""
    before = sentence.text[:mention.start - sentence.start].lower().split()
    for size in (3, 2, 1):
        hedge = " ".join(before[-size:])
        if len(before) >= size and hedge in _HEDGES:
            return f"{hedge} {mention.text}"
    return mention.text


class _Nearness:
    """How near a span of a sentence stands to the question's words (its names aside)."""

    def __init__(self, text: str, terms: QueryTerms, names: Sequence[str]) -> None:
        named = {stem(w) for name in names for w in _WORD.findall(name)}
        wanted = {s for s in terms.weights if s not in named}
        words = list(_WORD.finditer(text))
        self._tokens = [(m.start(), m.end()) for m in words]
        self._hits = [i for i, m in enumerate(words) if stem(m.group()) in wanted]

    def factor(self, start: int, end: int) -> float:
        """1.0 next to a question word, falling towards 1 - `_NEARNESS_SHARE` far away."""
        if not self._hits:
            return 1.0
        inside = [i for i, (a, b) in enumerate(self._tokens) if a < end and b > start]
        if not inside:
            return 1.0
        first, last = inside[0], inside[-1]
        gap = min(first - i if i < first else i - last if i > last else 0 for i in self._hits)
        near = _NEAR_WORDS / (_NEAR_WORDS + max(gap - 1, 0))
        return 1 - _NEARNESS_SHARE + _NEARNESS_SHARE * near


def _does(text: str, start: int, end: int, action: tuple[str, str]) -> bool:
    """Whether the name at text[start:end] does the action to its object: the verb within
    a few words after the name and the object's head a few words after the verb, before
    any preposition ("Ruiz to kick the deciding goal"; "Ruiz kicked twice before the
    penalty" scored no penalty), or, in the passive, the object, the verb and "by" just
    before the name ("the deciding goal, kicked by Ruiz")."""
    verb, head = stem(action[0]), stem(action[1])
    after = [w.lower() for w in _WORD.findall(text[end:])][:_DOER_REACH + _OBJECT_REACH + 1]
    stems = [stem(w) for w in after]
    if verb in stems[:_DOER_REACH]:
        at = stems.index(verb) + 1
        reach = itertools.takewhile(lambda i: after[i] not in _OBJECT_ENDS,
                                    range(at, min(at + _OBJECT_REACH, len(after))))
        if any(stems[i] == head for i in reach):
            return True
    before = [stem(w) for w in _WORD.findall(text[:start])][-(_OBJECT_REACH + 2):]
    return before[-1:] == ["by"] and verb in before[-3:-1] and head in before[:-2]


def _within_bounds(question: Question, value: str | None, published_at: str | None) -> bool:
    """Whether a time value meets the question's bounds: "before 2022" rules out 2022 and
    later, "after 2020"/"since 2020" rules out 2020 and earlier, and "when had … last"
    rules out the article's own day and later (the time of the news itself). An
    unresolved time meets no bound."""
    if question.before is None and question.after is None and not question.earlier:
        return True
    if not value or not value[:4].isdigit():
        return False
    year = value[:4]
    if question.earlier and published_at and value[:10] >= published_at[:len(value[:10])]:
        return False
    return (question.before is None or year < question.before) and (
        question.after is None or year > question.after)


def _with_partners(winner: str, item: _Judged, reader: _ArticleReader) -> str:
    """The answer with the names its sentence joins to it: "Katalin Karikó and Drew
    Weissman" won, not Karikó alone (whichever of the two won)."""
    sentence = item.hit.sentence
    mentions = sorted(reader.mentions_in(item.hit), key=lambda m: m.start)
    joined = [mention.name == winner for mention in mentions]
    changed = True
    while changed:  # spread from the winner to its neighbours joined by "and" or a comma
        changed = False
        for i, (first, second) in enumerate(itertools.pairwise(mentions)):
            if first.type != second.type or joined[i] == joined[i + 1]:
                continue
            between = sentence.text[first.end - sentence.start:second.start - sentence.start]
            if between.strip(" ,") in ("and", "") and between.strip():
                joined[i] = joined[i + 1] = changed = True
    names = list(dict.fromkeys(m.name for m, j in zip(mentions, joined, strict=True) if j))
    if winner not in names or len(names) > 3:
        return winner
    return " and ".join(names)
