"""Time expressions in an article, found and resolved against its publication date.

Values are TimeML TIMEX3 values ("2024-02-18", "2024-W07", "2023-11", "P3W", "PAST_REF");
`TimeExpr` lists the precisions. Detection starts from spaCy's DATE and TIME entities and
adds rules for what the small model misses; normalization is a table of our own rules
(`_time_rules`, with its context and arithmetic in `_time_values`, word lists in
`_time_words`).
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Iterator, Sequence
from typing import Any

import numpy
from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, LENGTH, LOWER
from spacy.strings import StringStore
from spacy.tokens import Doc

from backstory.models import Sentence, TimeExpr
from backstory.nlp._time_rules import resolve
from backstory.nlp._time_values import Context, Resolved
from backstory.nlp._time_words import COUNT_WORDS, CUE_WORDS, HEDGE_WORDS, QUALIFIER_WORDS

__all__ = ["resolve_time", "resolve_times"]


def resolve_times(doc: Doc, sentences: Sequence[Sentence], *,
                  anchor: datetime.date | None) -> list[TimeExpr]:
    """The article's time expressions in text order, each resolved where it can be.

    `anchor` is the publication date; without it only expressions that do not depend on
    it (absolute dates, durations, past/present/future references) get values. An
    expression relative to another time ("some three weeks after ...") is resolved against
    the most recent day-precision time before it in the article.
    """
    text = _text_of(doc, sentences)
    starts = [sentence.start for sentence in sentences]
    context = Context(anchor=anchor, sentence_starts=tuple(starts))
    found: list[TimeExpr] = []
    for start, end, (value, precision) in _readings(text, doc, context):
        index = max(bisect.bisect_right(starts, start) - 1, 0) if sentences else 0
        found.append(TimeExpr(sentence_index=index, text=text[start:end], start=start,
                              end=end, value=value, precision=precision))
        context.remember(value)
    return found


def resolve_time(text: str, *, anchor: datetime.date | None,
                 reference: datetime.date | None = None) -> Resolved:
    """The (value, precision) of one time expression, or (None, None).

    `reference` is the time that "three weeks after" or "the next day" count from. A bare
    weekday or month is read as past (the news reports what happened), unless the
    expression itself points forward ("next Friday").
    """
    context = Context(anchor=anchor, reference=reference)
    return resolve(text, context) or (None, None)


# --- detection -------------------------------------------------------------------------
#
# spaCy's DATE and TIME entities are one source of spans; cue words are the other. The
# cue words (weekdays, months, units, "today"...) are found by looking the tokens' hashes
# up in one numpy call, and small anchored patterns grow each cue into its phrase ("the
# past three months", "some three weeks after"). Scanning the text with the phrase
# patterns themselves cost several milliseconds an article.

_WEEKDAY_BEFORE = re.compile(r"\b(?:last|next|this|coming|past|early|late|each|every"
                             r"|the\s+previous)\s+$")
_PART_AFTER = re.compile(r"\s+(?:morning|afternoon|evening|night)\b")
_MONTH_BEFORE = re.compile(r"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?|(?:early|late|mid|last"
                           r"|next|this)[\s-]+)$")
_MONTH_AFTER = re.compile(r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4}\b)?|,?\s+\d{4}\b")
_MAY_BEFORE = re.compile(r"\b(?:in|since|until|by|of|from|through|during|before|after|early"
                         r"|late|mid|last|next|this)\s+$")
_UNIT_AFTER = re.compile(r"(?:\s+or\s+so)?\s+(?:ago|after|before|later|earlier|from now)\b"
                         r"|(?P<age>[\s-]+old\b)")
_THE_BEFORE = re.compile(r"\bthe\s+$")
_HOLIDAY_BEFORE = re.compile(r"\b(?:last|this|next)\s+$")
_HOLIDAY_AFTER = re.compile(r"\s+(?:eve|day|sunday)\b")
_YEAR_BEFORE = re.compile(r"\b(?:in|since|until|by|during|through|fiscal|early|late|mid)\s+$")
_DECADE_BEFORE = re.compile(r"\b(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?$")
_NUMBER_GOES_ON = re.compile(r"[,.]?\d")
# What may stand between two spans that make one expression: "Friday, Oct. 23",
# "9 a.m. EDT Tuesday".
_JOIN = re.compile(r"(?:'s)?[\s,]*(?:(?:est|edt|cst|cdt|pst|pdt|gmt|et|on|at)\b[\s,]*)?")
_SPLIT = re.compile(r"\s+(?:and|or|to|through|until|till|ended|ending|from|in|on|at|by|after"
                    r"|before|since)\s+|\s*[,;]\s*")
_EDGE_JUNK = " \t\r\n,;:!?\"'()[]“”‘’"


def _readings(text: str, doc: Doc, context: Context
              ) -> Iterator[tuple[int, int, Resolved]]:
    """(start, end, resolution) of each time expression, in text order.

    Spans that overlap or touch form one group; the group reads as one expression when
    some rule reads it so ("Friday, Oct. 23"), else its parts are read separately,
    longest first (spaCy's "the quarter ended Sept. 30" is two expressions).
    """
    lower = text.lower()
    if len(lower) != len(text):  # a few characters change length when lower-cased
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    context.text = lower
    rows = doc.to_array([LOWER, ENT_IOB, IDX, LENGTH, ENT_TYPE])
    entities = [_extended(lower, *_trimmed(text, start, end))
                for start, end in _time_entities(doc, rows)]
    entities = [(start, end) for start, end in entities if start < end]
    spans = sorted(set(entities) | set(_cue_spans(text, lower, rows)))
    group: list[tuple[int, int]] = []
    for span in spans:
        if group and (span[0] < max(e for _, e in group)
                      or _JOIN.fullmatch(lower, max(e for _, e in group), span[0])):
            group.append(span)
            continue
        yield from _read_group(text, group, set(entities), context)
        group = [span]
    yield from _read_group(text, group, set(entities), context)


def _read_group(text: str, group: list[tuple[int, int]], entities: set[tuple[int, int]],
                context: Context) -> Iterator[tuple[int, int, Resolved]]:
    if not group:
        return
    whole = (group[0][0], max(end for _, end in group))
    resolved = _resolve_at(text, *whole, context)
    if resolved is not None:
        yield (*whole, resolved)
        return
    parts = set(group)
    for start, end in group:
        if (start, end) in entities:
            offset = start
            for piece in _SPLIT.split(text[start:end]):
                begin = text.index(piece, offset)
                offset = begin + len(piece)
                parts.add(_trimmed(text, begin, offset))
    taken: list[tuple[int, int, Resolved]] = []
    for start, end in sorted(parts, key=lambda span: span[0] - span[1]):
        if start < end and all(end <= s or start >= e for s, e, _ in taken):
            resolved = _resolve_at(text, start, end, context)
            if resolved is not None:
                taken.append((start, end, resolved))
    yield from sorted(taken, key=lambda reading: reading[0])


def _resolve_at(text: str, start: int, end: int, context: Context) -> Resolved | None:
    context.place(start, end)
    return resolve(text[start:end], context)


def _text_of(doc: Doc, sentences: Sequence[Sentence]) -> str:
    """The article text, put together from its sentences, blanks between them.

    Offsets are those of `doc.text`, and nothing here reads across a sentence gap; but
    `doc.text` builds a Python object for every token, which costs more than everything
    else here together.
    """
    if not sentences:
        return doc.text
    pieces: list[str] = []
    position = 0
    for sentence in sentences:
        pieces.append(" " * (sentence.start - position))
        pieces.append(sentence.text)
        position = sentence.end
    return "".join(pieces)


def _time_entities(doc: Doc, rows: numpy.ndarray[Any, Any]) -> Iterator[tuple[int, int]]:
    """Character spans of spaCy's DATE and TIME entities.

    Read from the token arrays (columns LOWER, ENT_IOB, IDX, LENGTH, ENT_TYPE): `doc.ents`
    builds a Python object for every token of the article, which costs more than
    everything else here together.
    """
    labels = numpy.array([doc.vocab.strings[label] for label in ("DATE", "TIME")],
                         dtype=rows.dtype)
    iob = rows[:, 1].tolist()
    for first in numpy.flatnonzero((rows[:, 1] == _BEGIN) & numpy.isin(rows[:, 4], labels)):
        last = int(first)
        while last + 1 < len(iob) and iob[last + 1] == _INSIDE:
            last += 1
        yield int(rows[first, 2]), int(rows[last, 2] + rows[last, 3])


_BEGIN, _INSIDE = 3, 1  # spaCy's ENT_IOB codes


def _cue_spans(text: str, lower: str, rows: numpy.ndarray[Any, Any]
               ) -> Iterator[tuple[int, int]]:
    """Phrases grown from the cue words that spaCy's small model often misses."""
    hashes = rows[:, 0]
    for i in numpy.flatnonzero(numpy.isin(hashes, _CUE_HASHES)).tolist():
        word = _CUE_OF_HASH[int(hashes[i])]
        kind = CUE_WORDS[word]
        start = int(rows[i, 2])
        end = start + int(rows[i, 3])
        begin: int | None = start
        after: re.Match[str] | None = None
        if kind == "weekday":
            begin = _start_of(_WEEKDAY_BEFORE, lower, start, 12)
            after = _PART_AFTER.match(lower, end)
        elif kind in ("month", "holiday"):
            if not text[start].isupper():
                continue  # "may", "march", "fall": words, not months
            if kind == "holiday":
                begin = _start_of(_HOLIDAY_BEFORE, lower, start, 6)
                after = _HOLIDAY_AFTER.match(lower, end)
            else:
                begin = _start_of(_MONTH_BEFORE, lower, start, 12)
                after = _MONTH_AFTER.match(lower, end)
                if word == "may" and begin == start and after is None \
                        and not _MAY_BEFORE.search(lower, max(0, start - 10), start):
                    continue
        elif kind == "unit":
            after = _UNIT_AFTER.match(lower, end)
            if after is not None and after["age"]:
                continue  # "a 47-year-old": an age
            begin = _unit_phrase_start(lower, start, needs_qualifier=after is None)
        elif kind == "word" and word in ("future", "past"):
            begin = _start_of(_THE_BEFORE, lower, start, 5, required=True)
        elif kind == "decade":
            begin = _start_of(_DECADE_BEFORE, lower, start, 12)
        elif kind == "year":
            # A bare number is a year only after "in", "since"...: "in 1998", not "1998 cars".
            before = _YEAR_BEFORE.search(lower, max(0, start - 10), start)
            if before is None or _NUMBER_GOES_ON.match(lower, end):
                continue
            begin = before.start() if before.group().startswith("fiscal") else start
        if begin is not None:
            yield begin, after.end() if after else end


def _start_of(pattern: re.Pattern[str], lower: str, start: int, reach: int, *,
              required: bool = False) -> int | None:
    """Where the words `pattern` allows before a cue begin (at most `reach` characters back)."""
    before = pattern.search(lower, max(0, start - reach), start)
    if before is None:
        return None if required else start
    return before.start()


def _unit_phrase_start(lower: str, start: int, *, needs_qualifier: bool) -> int | None:
    """Where the words before a unit begin: "[earlier] [the] [past] [about] [three] weeks".

    Read right to left word by word (a regex searched backwards over the same words costs
    a hundred times more). None when nothing qualifies the unit and `needs_qualifier`:
    a bare "year" or "the day" says too little.
    """
    words = [(m.start(), m.group()) for m in _WORD.finditer(lower, max(0, start - 60), start)]
    begin, qualified, stage = start, False, 0
    while words:
        position, word = words[-1]
        if lower[position + len(word):begin].strip(" -\t\n") or begin - position > 40:
            break  # not adjacent: the phrase ended
        if word == "of" and not (len(words) > 1 and words[-2][1] in _OF_COUNTS):
            break  # "the 54 per cent of four years ago": the "of" is the noun's
        if stage == 0 and (word in COUNT_WORDS or word[0].isdigit()):
            qualified = True
        elif stage <= 1 and word in HEDGE_WORDS:
            stage = 1
            if word in ("than", "least") and len(words) > 1:
                words.pop()  # "more than", "at least": take the first word too
                position = words[-1][0]
        elif stage <= 2 and word in QUALIFIER_WORDS:
            stage, qualified = 3, True
        elif stage <= 3 and word == "the":
            stage = 4
        elif stage <= 4 and word in ("earlier", "later") and begin < start:
            stage = 5
        else:
            break
        begin = position
        words.pop()
    if needs_qualifier and not qualified:
        return None
    return begin


_OF_COUNTS = frozenset({"couple", "number"})  # "a couple of", "a number of"
_WORD = re.compile(r"[a-z0-9./']+")  # "1/2" is one word: "5 1/2 hours"
_CUE_OF_HASH = {StringStore().add(word): word for word in CUE_WORDS}  # spaCy's hashes
_CUE_HASHES = numpy.array(sorted(_CUE_OF_HASH), dtype=numpy.uint64)


def _extended(lower: str, start: int, end: int) -> tuple[int, int]:
    """A spaCy span with the "ago" or "after" that makes it a point in time."""
    after = _UNIT_AFTER.match(lower, end)
    return (start, after.end()) if after is not None and not after["age"] else (start, end)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding punctuation or a possessive "'s" (TimeML leaves both out)."""
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    if text[end - 2:end] in ("'s", "’s") and end - 2 > start:
        end -= 2
    # A full stop ends the span only when it ends an abbreviation ("Feb.", "p.m.").
    if end > start and text[end - 1] == "." and not _ABBREVIATION_END.search(text, start, end):
        end -= 1
    return start, end


_ABBREVIATION_END = re.compile(r"(?:\b[A-Za-z]{3,4}|\.[a-z])\.$")
