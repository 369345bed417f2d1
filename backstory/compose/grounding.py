"""The grounding check: a statement is shown only if its names, numbers and dates appear in
the sentences it cites.

What a cited sentence vouches for is its own words, the canonical names of the entities it
mentions ("Mayorkas" vouches for "Alejandro Mayorkas"), the ISO values of its time
expressions ("Sunday" in an article of 19 February 2024 vouches for 18 February 2024), the
outlet that published it and that article's date.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from backstory.models import Analysis, Citation, Statement
from backstory.nlp.events import EVENT_TYPES

__all__ = ["Evidence", "Grounder", "GroundingError", "evidence_of"]

LOGGER = logging.getLogger(__name__)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_MONTH = "|".join(MONTHS)
_DAY_DATE = re.compile(rf"\b(\d{{1,2}}) ({_MONTH}) (\d{{4}})\b")
_MONTH_DATE = re.compile(rf"\b({_MONTH}) (\d{{4}})\b")
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}(?:-\d{2})?)\b")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_CAPITALIZED = re.compile(r"\b[A-Z][\w'’.-]*")
_WORD = re.compile(r"[\w'’.-]+")
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "dozen": 12,
}
# Capitalized words that carry no name: sentence openers, our own connecting words.
_NOT_NAMES = frozenset([
    "a", "an", "and", "as", "at", "according", "after", "before", "both", "but", "by",
    "for", "from", "he", "her", "his", "how", "i", "if", "in", "it", "its", "more", "most",
    "no", "not", "of", "on", "or", "our", "she", "so", "some", "than", "that", "the",
    "their", "them", "there", "these", "they", "this", "those", "to", "up", "was", "we",
    "were", "what", "when", "where", "which", "who", "why", "with", "yet", "less", "fewer",
    "about", "nearly", "almost", "over", "under", "around", "roughly", "least",
]) | EVENT_TYPES | {m.lower() for m in MONTHS} | {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


class GroundingError(ValueError):
    """A statement names, counts or dates something its cited sentences do not."""

    def __init__(self, message: str, *, statement: str, missing: Sequence[str]) -> None:
        super().__init__(message)
        self.statement = statement
        self.missing = tuple(missing)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one sentence can vouch for."""

    words: frozenset[str]  # lower-cased words of the sentence and of the names it mentions
    numbers: frozenset[str]  # numbers written as digits or as words, normalized
    times: tuple[str, ...]  # ISO values of its time expressions


def evidence_of(analyses: Mapping[str, Analysis]) -> dict[str, Evidence]:
    """Evidence for every sentence of the given analyses, keyed by sentence id."""
    found: dict[str, Evidence] = {}
    for analysis in analyses.values():
        names: dict[int, set[str]] = {}
        for mention in analysis.mentions:
            names.setdefault(mention.sentence_index, set()).add(mention.name)
        for quote in analysis.quotes:
            for name in (quote.speaker, quote.via, quote.addressee):
                if name:
                    names.setdefault(quote.sentence_index, set()).add(name)
        for event in analysis.events:
            names.setdefault(event.sentence_index, set()).update(event.participants)
        times: dict[int, list[str]] = {}
        for expr in analysis.times:
            if expr.value:
                times.setdefault(expr.sentence_index, []).append(expr.value)
        for event in analysis.events:
            if event.time:
                times.setdefault(event.sentence_index, []).append(event.time)
        for sentence in analysis.sentences:
            text = sentence.text + " " + " ".join(sorted(names.get(sentence.index, ())))
            found[sentence.id] = Evidence(
                words=frozenset(_words(text)),
                numbers=frozenset(_numbers_in(sentence.text)),
                times=tuple(times.get(sentence.index, ())),
            )
    return found


class Grounder:
    """Checks statements against the evidence of the sentences they cite."""

    def __init__(self, evidence: Mapping[str, Evidence]) -> None:
        self._evidence = evidence

    def missing(self, statement: Statement) -> list[str]:
        """The names, numbers and dates of `statement` that no cited sentence vouches for
        (everything, when it cites nothing or cites sentences the store does not hold)."""
        known = [self._evidence[c.sentence_id] for c in statement.citations
                 if c.sentence_id in self._evidence]
        if not known:
            return ["(no citation to a stored sentence)"]
        words = set().union(*(e.words for e in known))
        words |= {w for c in statement.citations for w in _words(c.outlet or "")}
        numbers = set().union(*(e.numbers for e in known))
        times = [t for e in known for t in e.times]
        times += [c.published_at[:10] for c in statement.citations if c.published_at]
        text = statement.text
        missing: list[str] = []
        for iso, shown in _dates_in(text):
            if not any(t.startswith(iso) for t in times):
                missing.append(shown)
        text = _without_dates(text)
        for number in _numbers_in_digits(text):
            if number not in numbers and not any(t.startswith(number) for t in times):
                missing.append(number)
        for token in _CAPITALIZED.findall(text):
            word = _fold(token)
            if word and word not in _NOT_NAMES and word not in words and word not in numbers:
                missing.append(token.rstrip("."))
        return missing

    def check(self, statement: Statement) -> None:
        """Raise `GroundingError` naming what is not in the cited sentences."""
        missing = self.missing(statement)
        if missing:
            raise GroundingError(
                f"statement not grounded in its citations: {', '.join(missing)} "
                f"not found in the cited sentences: {statement.text!r}",
                statement=statement.text, missing=missing)

    def cited(self, statement: Statement, limit: int) -> Statement:
        """The statement with at most `limit` citations: first the ones that vouch for
        something the others do not, then the rest in their order."""
        if len(statement.citations) <= limit:
            return statement
        chosen: list[Citation] = []
        lacking = len(self.missing(Statement(statement.text, ())))
        for citation in statement.citations:
            trial = self.missing(Statement(statement.text, (*chosen, citation)))
            if len(trial) < lacking or not chosen:
                chosen.append(citation)
                lacking = len(trial)
            if not lacking or len(chosen) == limit:
                break
        rest = [c for c in statement.citations if c not in chosen]
        return Statement(statement.text, tuple(chosen + rest)[:limit])

    def keep(self, statements: Iterable[Statement], *, limit: int | None = None
             ) -> tuple[Statement, ...]:
        """The statements that pass, each with at most `limit` citations (those that vouch
        for it first); each dropped one is logged with what it lacked."""
        kept = []
        for statement in statements:
            if limit is not None:
                statement = self.cited(statement, limit)
            missing = self.missing(statement)
            if missing:
                LOGGER.warning("dropped an ungrounded statement (%s not in its sources): %r",
                               ", ".join(missing), statement.text)
            else:
                kept.append(statement)
        return tuple(kept)


# -- helpers -------------------------------------------------------------------------------


def _fold(token: str) -> str:
    word = token.lower().replace("’", "'").replace(".", "")  # "U.S." is "us"
    return word.removesuffix("'s").strip("'-")


def _words(text: str) -> list[str]:
    return [_fold(w) for w in _WORD.findall(text)]


def _normal_number(text: str) -> str:
    text = text.replace(",", "")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _numbers_in_digits(text: str) -> list[str]:
    return [_normal_number(m) for m in _NUMBER.findall(text)]


def _numbers_in(text: str) -> set[str]:
    numbers = set(_numbers_in_digits(text))
    for word in map(_fold, _WORD.findall(text)):
        value = _NUMBER_WORDS.get(word.rstrip("s")) if word not in {"tens", "dozens"} else None
        if value is not None:
            numbers.add(str(value))
    return numbers


def _dates_in(text: str) -> list[tuple[str, str]]:
    dates = [(f"{y}-{MONTHS.index(m) + 1:02d}-{int(d):02d}", f"{d} {m} {y}")
             for d, m, y in _DAY_DATE.findall(text)]
    rest = _DAY_DATE.sub(" ", text)
    dates += [(f"{y}-{MONTHS.index(m) + 1:02d}", f"{m} {y}") for m, y in _MONTH_DATE.findall(rest)]
    dates += [(iso, iso) for iso in _ISO_DATE.findall(rest)]
    return dates


def _without_dates(text: str) -> str:
    return _ISO_DATE.sub(" ", _MONTH_DATE.sub(" ", _DAY_DATE.sub(" ", text)))
