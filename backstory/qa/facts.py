"""Answers from the analysis records first: roles, events, quotes and numeric claims.

Each record already says who says so, so an answer built from one keeps its attribution:
"at least 11, according to Xinhua". A question about someone's words that no stored quote
of theirs answers is reported as such, so the engine can abstain rather than put words in
a speaker's mouth.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from backstory.models import Analysis, ArticleMeta, Citation, Claim, Quote, readable_value
from backstory.nlp.cues import PERSONAL_PRONOUNS, SPEECH_LEMMAS
from backstory.qa.question import CAUSAL, REASON_BOOST, Question
from backstory.search import QueryTerms

__all__ = ["AGE", "FactAnswer", "answer_from_facts", "names_match"]

_WORD = re.compile(r"\w+")
# How much a fact answer trusts the speaker or participant match against the wording match.
_NAME_WEIGHT = 0.5
# A quote or claim must share at least this weighted share of the question's words.
_MIN_COVERAGE = 0.3
# A record that leaves out a name the question asks about ("at Los Angeles airport") is
# weaker evidence for each name it misses.
_MISSING_NAME = 0.25
_MAX_CITATIONS = 3
# A word of three letters or more may stand for a longer one it begins ("Fed", "Penn").
_MIN_SHORT_FORM = 3
# Of two quotes that answer equally well, the direct one (the speaker's own words) wins.
_DIRECT_BONUS = 0.05
# How many sentences from the words asked about a speaker's stated cause may stand.
_CAUSE_REACH = 2
# An age as news gives it: "the 61-year-old", "aged 68", "68 years old", "at age 68".
AGE = re.compile(r"\b(\d+|\w+)[- ]years?[- ]old\b|\baged? \d+|\bat (the )?age of \d+", re.I)
# Two quotes of one speaker sharing this share of the shorter one's words say the same.
_ECHO_SHARE = 0.6
# Each other article that gives the same figure adds this much confidence.
_AGREEMENT = 0.05
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@dataclass(frozen=True, slots=True)
class FactAnswer:
    """An answer built from records, with its confidence (0..1) and the sentences it
    stands on. `speaker_silent` is set when the question asks for the words of someone
    the sources quote nowhere."""

    answer: str | None
    confidence: float
    citations: tuple[Citation, ...] = ()
    speaker_silent: bool = False


@dataclass
class _Facts:
    """The records of the articles retrieved for one question."""

    analyses: Mapping[str, Analysis]
    articles: Mapping[str, ArticleMeta]

    def outlet(self, article_id: str) -> str:
        """The outlet that published an article ("according to CNN" names it), or ""."""
        return self.articles[article_id].outlet or ""

    def citation(self, article_id: str, sentence_index: int) -> Citation:
        sentence = self.analyses[article_id].sentences[sentence_index]
        return Citation.of(sentence, self.articles[article_id])


def answer_from_facts(question: Question, terms: QueryTerms, analyses: Mapping[str, Analysis],
                      articles: Mapping[str, ArticleMeta]) -> FactAnswer | None:
    """The best answer the records give, or None when they hold nothing of the kind."""
    facts = _Facts(analyses, articles)
    if question.kind == "role":
        return _role(question, facts)
    if question.event and question.kind in ("place", "time", "person", "topic"):
        found = _event(question, terms, facts)
        if found is not None:
            return found
    if question.kind in ("number", "duration", "amount", "age"):
        return _number(question, terms, facts)
    if question.kind == "quote" or (question.kind == "person" and question.cue) or (
            question.kind == "reason" and question.cue and question.names):
        # "Why did Ortiz say …?" is answered by Ortiz's words that give a cause.
        return _quote(question, terms, facts)
    return None


def names_match(asked: str, name: str) -> bool:
    """Whether a name in a question denotes a stored name: "Mayorkas" matches
    "Alejandro Mayorkas", "Xi" matches "Xi Jinping", "the Fed" matches "Federal Reserve"."""
    a, n = _words(asked), _words(name)
    return bool(a) and bool(n) and (_within(a, n) or _within(n, a))


def _within(words: set[str], others: set[str]) -> bool:
    """Whether every word is among the others, as itself or as a short form of one of
    them ("fed" of "federal", "penn" of "pennsylvania")."""
    return all(any(_short_for(w, o) for o in others) for w in words)


def _short_for(word: str, other: str) -> bool:
    return word == other or (len(word) >= _MIN_SHORT_FORM and other.startswith(word))


def _role(question: Question, facts: _Facts) -> FactAnswer | None:
    for asked in question.names:
        for article_id, analysis in facts.analyses.items():
            for role in analysis.roles:
                if names_match(asked, role.name):
                    return FactAnswer(f"{role.role} ({role.name})", 0.9,
                                      (facts.citation(article_id, role.sentence_index),))
    return None


def _event(question: Question, terms: QueryTerms, facts: _Facts) -> FactAnswer | None:
    """Where, when, with whom or about what an event the question names happened.

    An event counts the question's names among its participants or in its sentence; of
    the answers the events give, each further article giving the same one adds
    `_AGREEMENT` (agreement across outlets outweighs one odd account).
    """
    found: dict[str, tuple[float, list[Citation]]] = {}
    for article_id, analysis in facts.analyses.items():
        for event in analysis.events:
            if event.type != question.event:
                continue
            sentence = analysis.sentences[event.sentence_index].text
            matched = sum(any(names_match(n, p) for p in event.participants)
                          or names_match(n, sentence) for n in question.names)
            if question.names and not matched:
                continue
            answer = _event_answer(question, event.place, event.time, event.topic,
                                   [p for p in event.participants
                                    if not any(names_match(n, p) for n in question.names)])
            if answer is None:
                continue
            # Scored as quotes are: the question's words the event's sentence holds, and
            # the question's names among those it involves.
            coverage = _coverage(question, terms, sentence, facts.outlet(article_id))
            if coverage < _MIN_COVERAGE:
                continue
            score = (1 - _NAME_WEIGHT) * coverage + _NAME_WEIGHT * (
                matched / len(question.names) if question.names else 1.0)
            citation = facts.citation(article_id, event.sentence_index)
            best, citations = found.get(answer, (0.0, []))
            if all(c.article_id != article_id for c in citations):
                citations.append(citation)
            found[answer] = (max(best, score), citations)
    if not found:
        return None
    ranked = sorted(found.items(), reverse=True,
                    key=lambda item: item[1][0] + _AGREEMENT * (len(item[1][1]) - 1))
    answer, (score, citations) = ranked[0]
    if question.kind == "place":
        answer, citations = _venue_in_town(answer, citations, ranked, facts)
    confidence = min(1.0, score + _AGREEMENT * (len(citations) - 1))
    shown = tuple(citations[:_MAX_CITATIONS])
    return FactAnswer(reported_by(answer, shown), confidence, shown)


def reported_by(answer: str, citations: Sequence[Citation]) -> str:
    """The answer with who reports it: "Harbour Park (according to River Post,
    2025-06-16; Valley Ledger, 2025-06-15)", each outlet and date once, in the citations'
    order."""
    sources = dict.fromkeys(", ".join(p for p in (c.outlet, c.published_at) if p)
                            for c in citations)
    named = "; ".join(source for source in sources if source)
    return f"{answer} (according to {named})" if named else answer


def _venue_in_town(place: str, citations: list[Citation],
                   ranked: Sequence[tuple[str, tuple[float, list[Citation]]]],
                   facts: _Facts) -> tuple[str, list[Citation]]:
    """Where an event was held, at the finest grain the accounts give: one names the
    town ("Millbrook"), another the venue ("the Harlow Lodge"), so the answer is "Harlow
    Lodge in Millbrook", standing on both (the best account's sentence first)."""
    kinds = {m.name: m.type for a in facts.analyses.values() for m in a.mentions}
    wanted = {"GPE": ("FAC",), "LOC": ("FAC",), "FAC": ("GPE", "LOC")}.get(
        kinds.get(place, ""), ())
    other = next((item for item in ranked[1:] if kinds.get(item[0]) in wanted), None)
    if other is None:
        return place, citations
    name, (_, other_citations) = other
    venue, town = (place, name) if kinds[place] == "FAC" else (name, place)
    return f"{venue} in {town}", [*citations[:1], *other_citations[:1], *citations[1:],
                                  *other_citations[1:]]


def _event_answer(question: Question, place: str | None, time: str | None, topic: str | None,
                  others: Sequence[str]) -> str | None:
    if question.kind == "place":
        return place
    if question.kind == "time":
        return _readable_time(time) if time else None
    if question.kind == "topic":
        return topic
    return " and ".join(others) or None


def _quote(question: Question, terms: QueryTerms, facts: _Facts) -> FactAnswer | None:
    """The stored words that answer a question about what someone said, or who said it."""
    scored: list[tuple[float, Quote, str]] = []
    quoted_asked = False  # whether anyone the question names is quoted at all
    for article_id, analysis in facts.analyses.items():
        for quote in analysis.quotes:
            who = " ".join(filter(None, (quote.speaker, quote.speaker_text)))
            by_asked = [n for n in question.names if names_match(n, who)
                        or names_match(n, quote.via or "")]
            quoted_asked |= bool(by_asked)
            if question.kind in ("quote", "reason") and question.names and not by_asked:
                continue
            said = f"{quote.content} {quote.cue_words or ''} {who} {quote.via or ''}"
            if (question.kind == "quote" and quote.direct
                    and (quote.speaker_text or "").lower() in PERSONAL_PRONOUNS):
                # "“They held the line,” he said." follows the sentence that says what he
                # did ("Lind credited the crews …"): the words answer what that one asks.
                said += " " + analysis.sentences[max(quote.sentence_index - 1, 0)].text
            # Names may sit outside the quoted words ("Washington should …", he said).
            sentence = analysis.sentences[quote.sentence_index].text
            coverage = _coverage(question, terms, said,
                                 f"{sentence} {facts.outlet(article_id)}")
            if coverage < _MIN_COVERAGE:
                continue
            if question.kind == "person":
                # "Who said the Coast Guard …?": the names asked about are in the words,
                # and the speaker is what is asked for, so only the words count.
                score = coverage
            else:
                score = (1 - _NAME_WEIGHT) * coverage + _NAME_WEIGHT * (
                    1.0 if by_asked or not question.names else 0.0)
            if quote.direct:  # the speaker's own words before a paraphrase
                score = min(1.0, score + _DIRECT_BONUS)
            scored.append((score, quote, article_id))
    if not scored:
        # Only a question about someone's words ("what did X say") makes their silence the
        # answer; what X wanted or preferred a sentence may tell without quoting them.
        silent = (question.kind == "quote" and question.cue in SPEECH_LEMMAS
                  and bool(question.names) and not quoted_asked)
        return FactAnswer(None, 0.0, speaker_silent=silent)
    score, quote, article_id = max(scored, key=lambda s: s[0])
    if question.kind == "reason":
        # The words that match what was said are seldom the ones giving the cause: the
        # speaker's nearest quote that does ("… because the channel is full of debris").
        cause = _cause_beside(quote, facts.analyses[article_id])
        if cause is None:
            return None
        quote = cause
        score = min(1.0, score * REASON_BOOST)
    citation = facts.citation(article_id, quote.sentence_index)
    if question.kind == "person":
        speaker = quote.speaker or quote.speaker_text
        return FactAnswer(speaker, score, (citation,)) if speaker else None
    # A quote running over several sentences is cited at the one that answers, then at the
    # one naming the speaker; other outlets carrying the same words back the answer up.
    answering = facts.citation(article_id, _answering_sentence(
        quote, facts.analyses[article_id], terms, question.names))
    echoes = [facts.citation(other_id, other.sentence_index) for _, other, other_id in scored
              if other_id != article_id and _same_words(quote, other)]
    citations = tuple(dict.fromkeys([answering, citation, *echoes]))[:_MAX_CITATIONS]
    return FactAnswer(_attributed(quote), score, citations)


def _cause_beside(quote: Quote, analysis: Analysis) -> Quote | None:
    """The quote of the same speaker, in the same or a nearby sentence, that gives a cause."""
    if not quote.speaker:
        return quote if CAUSAL.search(quote.content) else None
    causes = [other for other in analysis.quotes
              if CAUSAL.search(other.content) and names_match(quote.speaker or "",
                                                              other.speaker or "")
              and abs(other.sentence_index - quote.sentence_index) <= _CAUSE_REACH]
    return min(causes, key=lambda q: abs(q.sentence_index - quote.sentence_index),
               default=None)


def _answering_sentence(quote: Quote, analysis: Analysis, terms: QueryTerms,
                        names: Sequence[str]) -> int:
    """The index of the quote's sentence that holds most of the question's words besides
    its names (the cue's sentence when the quote has only one, or on a tie)."""
    inside = [s for s in analysis.sentences if s.start < quote.end and s.end > quote.start]
    best = quote.sentence_index
    best_coverage = -1.0
    for sentence in sorted(inside, key=lambda s: s.index != quote.sentence_index):
        coverage = terms.coverage(sentence.text, ignoring=names)
        if coverage > best_coverage:
            best, best_coverage = sentence.index, coverage
    return best


def _same_words(quote: Quote, other: Quote) -> bool:
    """Whether two quotes give the same speaker's same words (most of them, at least)."""
    if not names_match(quote.speaker or "", other.speaker or ""):
        return False
    mine, theirs = _words(quote.content), _words(other.content)
    return len(mine & theirs) >= _ECHO_SHARE * min(len(mine), len(theirs))


def _number(question: Question, terms: QueryTerms, facts: _Facts) -> FactAnswer | None:
    """The figure a claim gives; where outlets or sources give different figures for the
    same thing, each with who gives it."""
    scored: list[tuple[float, Claim, str]] = []
    for article_id, analysis in facts.analyses.items():
        for claim in analysis.claims:
            if question.kind == "duration" and not _is_duration(claim):
                continue
            if question.kind == "amount" and claim.unit is None:
                continue  # "six workers" answers "how many", not "how much"
            if question.kind == "age" and not AGE.search(claim.text):
                continue
            evidence = " ".join(filter(None, (
                claim.text, claim.object, claim.predicate, claim.source, claim.place)))
            coverage = _coverage(question, terms, evidence, facts.outlet(article_id))
            if coverage >= _MIN_COVERAGE:
                scored.append((coverage, claim, article_id))
    if not scored:
        return None
    scored.sort(key=lambda s: s[0], reverse=True)
    best_score, best, best_article = scored[0]
    figures = [(best, best_article)]
    for score, claim, article_id in scored[1:]:
        same_thing = _words(claim.object or "") == _words(best.object or "")
        if score >= best_score - 0.05 and same_thing and claim.value != best.value \
                and claim.source != best.source and len(figures) < 3:
            figures.append((claim, article_id))
    answer = "; ".join(_figure(claim, facts.articles[article_id]) for claim, article_id
                       in figures)
    # Other accounts giving the same figure for the same thing back it up (and are cited).
    agreeing = [(claim, article_id) for score, claim, article_id in scored[1:]
                if claim.value == best.value and score >= _MIN_COVERAGE
                and _words(claim.object or "") & _words(best.object or "")]
    citations = tuple(dict.fromkeys(
        facts.citation(article_id, claim.sentence_index)
        for claim, article_id in [*figures, *agreeing]))[:_MAX_CITATIONS]
    confidence = min(1.0, best_score + _AGREEMENT * len({a for _, a in agreeing}))
    return FactAnswer(answer, confidence, citations)


def _coverage(question: Question, terms: QueryTerms, text: str, context: str = "") -> float:
    """The weighted share of the question's words a record's text holds, times
    `_MISSING_NAME` for each name of the question that neither it nor its context (the
    sentence around a quote, the outlet that published it) names. A name the text itself
    gives in a short form ("Penn" for the University of Pennsylvania) counts as held,
    words and all."""
    held = _names_held(question, text)
    missing = len(question.names) - len(held | _names_held(question, context))
    return terms.coverage(" ".join([text, *held])) * _MISSING_NAME ** missing


def _names_held(question: Question, text: str) -> set[str]:
    words = _words(text)
    return {name for name in question.names
            if any(_short_for(w, n) or _short_for(n, w) for w in words for n in _words(name))}


def _figure(claim: Claim, article: ArticleMeta) -> str:
    value = readable_value(claim.value)
    amount = " ".join(filter(None, (claim.qualifier, value, claim.unit)))
    if claim.per:
        amount += f" per {claim.per}"
    source = claim.source or article.outlet
    return f"{amount}, according to {source}" if source else amount


def _attributed(quote: Quote) -> str:
    speaker = quote.speaker or quote.speaker_text or "An unnamed source"
    words = quote.shown
    said = f"{speaker} {quote.cue_words or 'said'}"
    if quote.addressee:
        said += f" ({quote.addressee})"
    return f"{said}: {words}" + (f", according to {quote.via}" if quote.via else "")


def _is_duration(claim: Claim) -> bool:
    unit = (claim.unit or "").lower()
    return any(u in unit for u in ("second", "minute", "hour", "day", "week", "month", "year"))


def _readable_time(value: str) -> str:
    """"2024-02-18" → "18 February 2024 (2024-02-18)"; "2023-11" → "November 2023"."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return f"{day.day} {_MONTHS[day.month - 1]} {day.year} ({value})"
        if len(value) == 7 and value[4] == "-":
            return f"{_MONTHS[int(value[5:]) - 1]} {value[:4]} ({value})"
    except (ValueError, IndexError):
        pass
    return value


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if w not in ("the", "of", "s")}

