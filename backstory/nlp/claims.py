"""Numeric claims: how many of what, said by whom, in which clause of the article.

Token rules over the NER doc: an amount (a number entity or a vague "dozens"), its
qualifier, unit and per-period, the counted object and what is said of it; dates, years,
ages, ordinals, times of day, list numbers and phone numbers are not claims.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy
from spacy.attrs import LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from backstory.models import Claim, Mention, Quote, Sentence, TimeExpr
from backstory.nlp.events import (
    COMMON_VERBS,
    FUNCTION_WORDS,
    OPENERS,
    dated_times,
    place_before,
    since_time,
)

__all__ = ["QUALIFIERS", "extract_claims", "needs_parse"]

_AMOUNT_LABELS = {"CARDINAL", "MONEY", "PERCENT", "QUANTITY"}
QUALIFIERS = sorted((
    "at least", "at most", "more than", "less than", "fewer than", "no more than",
    "no fewer than", "no less than", "up to", "as many as", "as much as", "as few as",
    "upwards of", "in excess of", "close to", "nearly", "almost", "about", "around",
    "approximately", "roughly", "some", "over", "under", "just over", "just under",
    "an estimated", "estimated", "only", "exactly", "more", "above", "below"),
    key=lambda q: -len(q.split()))
_VAGUE = {"tens", "dozens", "hundreds", "thousands", "millions", "billions", "scores",
          "handful"}
_VAGUE_KEYS = numpy.array([get_string_id(word) for word in sorted(_VAGUE)], dtype="uint64")
_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_WORDS = {w: i for i, w in enumerate(_ONES)} | {w: 10 * (i + 2) for i, w in enumerate(_TENS)}
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
           "dozen": 12, "bn": 1e9, "m": 1e6, "k": 1e3}
_CURRENCIES = {"$": "$", "us$": "$", "£": "£", "€": "€", "¥": "¥", "dollars": "$",
               "euros": "€", "pounds": "£", "yuan": "yuan", "yen": "yen", "rupees": "rupees",
               "francs": "francs", "roubles": "roubles", "rubles": "roubles"}
_UNITS = {"%", "percent", "seconds", "minutes", "hours", "days", "weeks", "months", "years",
          "decades", "second", "minute", "hour", "day", "week", "month", "year", "km",
          "kilometres", "kilometers", "miles", "metres", "meters", "feet", "cm", "mm", "kg",
          "kilograms", "tonnes", "tons", "acres", "hectares", "litres", "liters", "gallons",
          "barrels", "mph", "degrees", "points", "votes", "times"} | set(_CURRENCIES)
_TWO_WORD_UNITS = {("basis", "points"): "basis points", ("basis", "point"): "basis points",
                   ("percentage", "points"): "percentage points",
                   ("percentage", "point"): "percentage points"}
_PERIODS = {"second", "minute", "hour", "day", "night", "week", "month", "quarter", "year",
            "annum", "capita", "person", "head"}
_ADVERB_PERIODS = {"annually": "year", "yearly": "year", "monthly": "month",
                   "weekly": "week", "daily": "day", "hourly": "hour"}
_AUXILIARIES = {"had", "has", "have", "been", "being", "be", "were", "was", "are", "is",
                "will", "would", "could", "can", "may", "might", "must", "should", "reportedly",
                "also", "still", "now", "already", "allegedly"}
_DETERMINERS = {"some", "the", "a", "an", "many", "several", "all", "these", "those", "its",
                "their", "his", "her", "of", "them", "which", "other", "another", "total",
                "further", "additional"}
# Prepositions beyond the common function words: they end a counted object too.
_PREPOSITIONS = {"against", "across", "through", "toward", "towards", "among", "per", "via",
                 "within", "like", "behind", "beyond", "between", "upon", "onto", "alongside",
                 "inside", "outside", "around", "including", "following", "amid", "despite",
                 "each", "every"}
_QUOTES = "\"'“”‘’"
_DURATION_VERBS = {"for", "lasted", "lasting", "spent", "waited", "served"}
_PHONE = re.compile(r"^\+?\(?\d[\d\s().-]{6,}\d$")
# Thousands separated by commas, one decimal point: "1,200", "2.5"; not "3.817.69".
_NUMBER = re.compile(r"^(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<scale>bn|m|k)?$",
                     re.I)


def needs_parse(sentence: Span) -> bool:
    """Claims read the NER doc alone: no sentence needs a parse for them."""
    return False


def extract_claims(doc: Doc, sentences: Sequence[Sentence], parsed: Mapping[int, Doc], *,
                   mentions: Sequence[Mention], times: Sequence[TimeExpr],
                   quotes: Sequence[Quote]) -> list[Claim]:
    """The article's numeric claims, each with its evidence span and who makes it."""
    claims: list[Claim] = []
    times = dated_times(times, mentions)
    starts = [s.start for s in sentences]
    ents: dict[int, list[Span]] = {}  # read doc.ents once: each read walks the whole doc
    for ent in doc.ents:
        if ent.label_ in _AMOUNT_LABELS or ent.label_ in {"TIME", "DATE"}:
            index = bisect.bisect_right(starts, ent.start_char) - 1
            ents.setdefault(index, []).append(ent)
    # Read from the doc's array: spaCy builds a Python object for every token read.
    vague = set(numpy.flatnonzero(numpy.isin(doc.to_array(LOWER), _VAGUE_KEYS)).tolist())
    for sentence in sentences:
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is None or not (sentence.index in ents
                                or vague.intersection(range(span.start, span.end))):
            continue
        verbs = _verbs_from_parse(parsed.get(sentence.index), sentence.start)
        for amount in _amounts(span, ents.get(sentence.index, []), vague):
            if _not_a_claim(amount, span, mentions):
                continue
            claim = _claim(amount, span, sentence, verbs, sentences=sentences,
                           mentions=mentions, times=times, quotes=quotes)
            if claim.unit or claim.object:  # a bare "two" counts nothing we can name
                claims.append(claim)
    return claims


@dataclass(frozen=True, slots=True)
class _Amount:
    start: int  # doc token index of the amount, its qualifier included
    end: int  # past the amount and its unit
    value: float | str
    qualifier: str | None
    unit: str | None


def _amounts(span: Span, ents: list[Span], vague: set[int]) -> list[_Amount]:
    found: list[_Amount] = []
    taken: set[int] = set()
    for ent in ents:
        label = ent.label_
        duration = label in {"TIME", "DATE"} and any(t.lower_ in _UNITS for t in ent) and (
            ent.start > span.start and ent.doc[ent.start - 1].lower_ in _DURATION_VERBS)
        if label in _AMOUNT_LABELS or duration:
            amount = _read_amount(span, ent.start, ent.end)
            if amount is not None:
                found.append(amount)
                taken.update(range(ent.start, ent.end))
    for i in sorted(vague.intersection(range(span.start, span.end)) - taken):
        amount = _read_amount(span, i, i + 1)  # vague amounts the model does not tag
        if amount is not None:
            found.append(amount)
    return sorted(found, key=lambda a: a.start)


def _read_amount(span: Span, start: int, end: int) -> _Amount | None:
    doc = span.doc
    while start > span.start and end - start < 8:  # a qualifier just before the entity
        words = [t.lower_ for t in doc[max(span.start, start - 2):start]]
        for size in (2, 1):
            if " ".join(words[-size:]) in QUALIFIERS and len(words) >= size:
                start -= size
                break
        else:
            break
    tokens = [t for t in doc[start:end] if t.text not in _QUOTES]
    words = [t.lower_ for t in tokens]
    qualifier = next((q for q in QUALIFIERS if words[:len(q.split())] == q.split()), None)
    rest = tokens[len(qualifier.split()):] if qualifier else tokens
    unit = None
    if rest and rest[0].lower_ in _CURRENCIES:
        unit, rest = _CURRENCIES[rest[0].lower_], rest[1:]
    while end < span.end and doc[end].text in _QUOTES:
        end += 1
    pair = (doc[end].lower_, doc[end + 1].lower_) if end + 1 < span.end else None
    if pair in _TWO_WORD_UNITS and not (rest and rest[-1].lower_ in _UNITS):
        unit, end = _TWO_WORD_UNITS[pair], end + 2  # "50 basis points"
    elif end < span.end and doc[end].lower_ in _UNITS and not (
            rest and rest[-1].lower_ in _UNITS):
        rest, end = [*rest, doc[end]], end + 1
    if end + 1 < span.end and (doc[end].lower_, doc[end + 1].lower_) == ("per", "cent"):
        unit, end = "%", end + 2
    if [t.lower_ for t in rest[-2:]] == ["per", "cent"]:  # inside the entity: "4 per cent"
        unit, rest = "%", rest[:-2]
    if rest and rest[-1].lower_ in _UNITS:
        last = rest.pop().lower_
        unit = "%" if last in {"%", "percent"} else _CURRENCIES.get(last, last)
    value = _value([t.text for t in rest])
    if value is None:
        return None
    return _Amount(start, end, value, qualifier, unit)


def _value(words: list[str]) -> float | str | None:
    """11, 1,200, 2.5 million, eight, twenty-five, $5bn → numbers; "tens of thousands" as is."""
    lowered = [w.lower() for w in words if w.lower() not in {"a", "an", "of"}]
    if not lowered:
        return None
    if lowered[0] in _VAGUE:
        return " ".join(w for w in words).lower()
    total, current = 0.0, None
    for word in lowered:
        match = _NUMBER.match(word)
        if match:
            current = float(match["num"].replace(",", ""))
            if match["scale"]:
                current *= _SCALES[match["scale"].lower()]
        elif word in _WORDS or ("-" in word and all(p in _WORDS for p in word.split("-"))):
            current = (current or 0) + sum(_WORDS[p] for p in word.split("-"))
        elif word in _SCALES:
            current = (current or 1) * _SCALES[word]
            if word != "hundred":
                total, current = total + current, None
        else:
            return None
    number = total + (current or 0)
    return int(number) if number.is_integer() else number


def _not_a_claim(amount: _Amount, span: Span, mentions: Sequence[Mention]) -> bool:
    """Years, ages, list numbers, phone numbers, "Game 7", "one of them"."""
    doc = span.doc
    text = doc[amount.start:amount.end].text
    before = doc[amount.start - 1] if amount.start > span.start else None
    after = doc[amount.end] if amount.end < span.end else None
    value = amount.value
    if _PHONE.match(text) and sum(c.isdigit() for c in text) >= 7:
        return True
    if isinstance(value, int) and 1500 <= value <= 2100 and amount.unit is None and (
            after is None or not after.is_alpha or (before and before.lower_ in
                                                    {"in", "since", "by", "of", "until"})):
        return True
    if before is None and after is not None and after.text in {".", ")"}:
        return True  # "1. First item"
    if after is not None and after.lower_.startswith(("-year", "year-old", "st", "nd", "th")):
        return True  # "62-year-old", "1st"
    if before is not None and before.lower_ in {"aged", "age", "no", "no."}:
        return True
    if before is not None and before.lower_ in {"the", "these", "those", "both", "all"} and (
            isinstance(value, int) and value <= 3):
        return True  # "the two men met": naming people already counted, not a count
    if (before is not None and after is not None and before.text == "," == after.text
            and any(m.type == "PERSON" and m.end == before.idx for m in mentions)):
        return True  # "Donald Collett, 62, from Croydon"
    if before is not None and before.is_title and not before.is_sent_start and (
            before.lower_ not in FUNCTION_WORDS | OPENERS):
        return True  # a number in a name: "Game 7", "Boeing 737"
    return doc[amount.start].lower_ == "one" and (after is None or not after.is_alpha
                                                   or after.lower_ in {"of", "another"})


def _claim(amount: _Amount, span: Span, sentence: Sentence, verbs: set[int], *,
           sentences: Sequence[Sentence], mentions: Sequence[Mention],
           times: Sequence[TimeExpr], quotes: Sequence[Quote]) -> Claim:
    doc = span.doc
    left = _clause_start(span, amount.start)
    subject = all(t.lower_ in _DETERMINERS or t.text in _QUOTES
                  for t in doc[left:amount.start])
    obj_start = amount.end
    if (obj_start < span.end and doc[obj_start].lower_ == "of"  # "Eight of those cases"
            and not (obj_start + 1 < span.end and _in_time(doc[obj_start + 1], times))):
        # (not "the 54 per cent of four years ago": a time is not what is counted)
        obj_start += 1
        while obj_start < span.end and doc[obj_start].lower_ in _DETERMINERS:
            obj_start += 1
    obj_end = obj_start
    while (obj_end < span.end and obj_end - obj_start < 5
           and _in_object(doc[obj_end], verbs, first=obj_end == obj_start)):
        obj_end += 1
    while obj_end > obj_start and doc[obj_end - 1].text == "-":
        obj_end -= 1  # "30 ship-to-ship transfers" stops at "to": "ship", not "ship-"
    right = _clause_end(span, max(obj_end, amount.end), coordination=not subject)
    per, per_start = _per(doc, amount.end, right)
    predicate_end = per_start if per_start is not None else right
    for t in doc[obj_end:predicate_end]:
        if t.lower_ == "since":
            predicate_end = t.i
            break
    lo = amount.start if subject else left
    while lo > span.start and doc[lo - 1].text in _QUOTES and subject:
        lo -= 1  # the quote that opens '"tens" of Chinese nationals'
    if obj_end > obj_start:
        obj: str | None = doc[obj_start:obj_end].text
        pred_start = obj_end
        while pred_start < predicate_end and doc[pred_start].lower_ in _AUXILIARIES:
            pred_start += 1
        predicate = doc[pred_start:predicate_end].text if subject else _trimmed(doc[left:lo])
        hi = right
    else:  # a measure: what it measures comes before it ("students detained for 10 hours")
        head = amount.start
        while head > left and doc[head - 1].lower_ in _DURATION_VERBS | FUNCTION_WORDS:
            head -= 1
        obj = _trimmed(doc[max(left, head - 6):head]) if amount.unit else None
        predicate = None
        hi = per_start + 2 if per_start is not None else amount.end
    evidence = doc[lo:max(hi, amount.end)]
    return Claim(
        sentence_index=sentence.index, value=amount.value, qualifier=amount.qualifier,
        unit=amount.unit, per=per, object=obj or None, predicate=predicate or None,
        place=_place(span, evidence, mentions), time=_time(doc, evidence, span, per_start,
                                                           sentences=sentences, times=times),
        source=_source(doc[amount.start].idx, quotes),
        text=evidence.text, start=evidence.start_char, end=evidence.end_char)


def _clause_start(span: Span, at: int) -> int:
    doc = span.doc
    for i in range(at - 1, span.start - 1, -1):
        if doc[i].text in {",", ";", ":", "—", "–", "("} or doc[i].lower_ in OPENERS:
            return i + 1
    return span.start


def _clause_end(span: Span, at: int, *, coordination: bool) -> int:
    """A comma or an opener ends a clause; so does "and" after a measure ("detained for
    10 hours and barred…"), but not after a counted subject ("11 were deported or…")."""
    doc = span.doc
    stops = {"and", "or", "but"} if coordination else set()
    for i in range(at, span.end):
        token = doc[i]
        if token.text in {",", ";", ":", "—", "–", "("} or token.lower_ in stops or (
                token.lower_ in OPENERS - {"with", "as", "that", "after", "before"}):
            return i
    end = span.end
    while end > at and doc[end - 1].is_punct and doc[end - 1].text not in _QUOTES:
        end -= 1
    return end


def _in_time(token: Token, times: Sequence[TimeExpr]) -> bool:
    """Whether the token stands inside a time expression."""
    return any(t.start <= token.idx < t.end for t in times)


def _in_object(token: Token, verbs: set[int], *, first: bool) -> bool:
    lower = token.lower_
    if not first and (_joining_hyphen(token) or (
            token.is_alpha and token.i > 0 and _joining_hyphen(token.nbor(-1)))):
        return True  # "two water-bombing aircraft", "112 ferry-related accidents"
    if not token.is_alpha or lower in FUNCTION_WORDS or lower in OPENERS or lower in COMMON_VERBS \
            or lower in _PREPOSITIONS:
        return False
    if token.idx in verbs or (lower in _UNITS and not first):
        return False
    return first or not lower.endswith(("ed", "ly"))


def _joining_hyphen(token: Token) -> bool:
    """A hyphen inside a word ("water-bombing"), with no space on either side."""
    return (token.text == "-" and not token.whitespace_ and token.i > 0
            and not token.nbor(-1).whitespace_)


def _per(doc: Doc, start: int, end: int) -> tuple[str | None, int | None]:
    """The period of a rate: "each month", "a year", "per capita", "annually"."""
    for i in range(start, end):
        lower = doc[i].lower_
        if lower in _ADVERB_PERIODS:
            return _ADVERB_PERIODS[lower], i
        if lower in {"each", "every", "per", "a", "an"} and i + 1 < end:
            noun = doc[i + 1].lower_
            if noun in _PERIODS:
                return noun, i
    return None, None


def _trimmed(span: Span) -> str:
    words = [t for t in span if t.text not in _QUOTES]
    while words and words[0].lower_ in _DETERMINERS:
        words.pop(0)
    while words and (words[-1].lower_ in FUNCTION_WORDS or words[-1].is_punct):
        words.pop()
    return span.doc[words[0].i:words[-1].i + 1].text if words else ""


def _place(span: Span, evidence: Span, mentions: Sequence[Mention]) -> str | None:
    for m in mentions:
        if m.type in {"GPE", "LOC", "FAC"} and evidence.start_char <= m.start < evidence.end_char:
            m_span = span.doc.char_span(m.start, m.end, alignment_mode="expand")
            if m_span is not None and place_before(span.doc, span, m_span):
                return m.name
    return None


def _time(doc: Doc, evidence: Span, span: Span, per_start: int | None, *,
          sentences: Sequence[Sentence], times: Sequence[TimeExpr]) -> str | None:
    """A "since …" scope first, then a time in the clause, then one in the sentence."""
    for t in evidence:
        if t.lower_ == "since":
            scope = since_time(doc, t.i, sentences=sentences, times=times)
            if scope is not None and scope.value:
                return scope.value
    per_char = doc[per_start].idx if per_start is not None else None
    dated = [t for t in times if span.start_char <= t.start < span.end_char and t.value
             and t.precision != "duration" and t.start != per_char
             and not (per_char is not None and t.start <= per_char < t.end)]
    inside = [t for t in dated if evidence.start_char <= t.start < evidence.end_char]
    before = [t for t in dated if t.start < evidence.start_char]
    chosen = inside[:1] or before[-1:]
    return chosen[0].value if chosen else None


def _source(at: int, quotes: Sequence[Quote]) -> str | None:
    """Who makes a claim inside a quote; None is the outlet speaking for itself."""
    for quote in quotes:
        if quote.start <= at < quote.end:
            return quote.speaker or quote.speaker_text
    return None


def _verbs_from_parse(parsed: Doc | None, offset: int) -> set[int]:
    """Article offsets of verbs, where some extractor had the sentence parsed."""
    if parsed is None:
        return set()
    return {offset + t.idx for t in parsed if t.pos_ in {"VERB", "AUX"}}
