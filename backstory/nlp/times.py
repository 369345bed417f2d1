"""Time expressions in an article, found and resolved against its publication date.

Values are TimeML TIMEX3 values ("2024-02-18", "2024-W07", "2023-11", "P3W", "PAST_REF");
`TimeExpr` lists the precisions. Detection starts from spaCy's DATE and TIME entities and
adds rules for what the small model misses; normalization is a table of our own rules.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
from dateutil.easter import easter
from dateutil.relativedelta import relativedelta
from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, LENGTH, LOWER
from spacy.strings import StringStore
from spacy.tokens import Doc

from backstory.models import Sentence, TimeExpr

__all__ = ["resolve_time", "resolve_times"]

Resolved = tuple[str | None, str | None]


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
    context = _Context(anchor=anchor)
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
    context = _Context(anchor=anchor, reference=reference)
    return _resolve(text, context) or (None, None)


# --- detection -------------------------------------------------------------------------
#
# spaCy's DATE and TIME entities are one source of spans; cue words are the other. The
# cue words (weekdays, months, units, "today"...) are found by looking the tokens' hashes
# up in one numpy call, and small anchored patterns grow each cue into its phrase ("the
# past three months", "some three weeks after"). Scanning the text with the phrase
# patterns themselves cost several milliseconds an article.

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "dozen": 12,
}
_VAGUE_NUMBERS = ("a few", "a couple of", "several", "few", "many", "some", "a number of")

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


def _readings(text: str, doc: Doc, context: _Context
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
                context: _Context) -> Iterator[tuple[int, int, Resolved]]:
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


def _resolve_at(text: str, start: int, end: int, context: _Context) -> Resolved | None:
    context.place(start, end)
    return _resolve(text[start:end], context)


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
        kind = _CUE_WORDS[word]
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
        if stage == 0 and (word in _COUNT_WORDS or word[0].isdigit()):
            qualified = True
        elif stage <= 1 and word in _HEDGE_WORDS:
            stage = 1
            if word in ("than", "least") and len(words) > 1:
                words.pop()  # "more than", "at least": take the first word too
                position = words[-1][0]
        elif stage <= 2 and word in _QUALIFIER_WORDS:
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


_WORD = re.compile(r"[a-z0-9.']+")
_COUNT_WORDS = frozenset([*_NUMBER_WORDS, "a", "an", "few", "several", "many", "some", "couple",
                          "number", "of"])
_HEDGE_WORDS = frozenset(["some", "about", "around", "nearly", "almost", "roughly",
                          "approximately", "over", "just", "only", "another", "than", "least"])
_QUALIFIER_WORDS = frozenset(["this", "last", "next", "past", "previous", "coming", "following",
                              "first", "recent", "each", "every", "per"])
_CUE_WORDS: dict[str, str] = {
    **dict.fromkeys(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                     "sunday"], "weekday"),
    **dict.fromkeys(["january", "february", "march", "april", "may", "june", "july", "august",
                     "september", "october", "november", "december", "jan.", "feb.", "mar.",
                     "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec."],
                    "month"),
    **dict.fromkeys([form for unit in ("second", "minute", "hour", "day", "night", "week",
                                       "weekend", "fortnight", "month", "quarter", "year",
                                       "decade", "spring", "summer", "autumn", "fall", "winter")
                     for form in (unit, unit + "s")] + ["century", "centuries"], "unit"),
    **dict.fromkeys(["today", "tonight", "yesterday", "tomorrow", "now", "currently",
                     "recently", "lately", "nowadays", "overnight", "future", "past"], "word"),
    **dict.fromkeys(["christmas", "easter", "thanksgiving", "halloween"], "holiday"),
    **dict.fromkeys([str(year) for year in range(1600, 2100)], "year"),
    **dict.fromkeys([f"{decade}0s" for decade in range(160, 210)], "decade"),
}
_CUE_OF_HASH = {StringStore().add(word): word for word in _CUE_WORDS}  # spaCy's hashes
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
_FUTURE = re.compile(r"\b(?:will|won't|shall|'ll|would|could|might|going to|plans? to|planned to"
                     r"|planning to|scheduled|expected to|due to|set to|is to|are to|as soon as"
                     r"|as early as|until|next|upcoming|tomorrow)\b")
# A past verb right before the expression ("said Friday"), or a past auxiliary or "since"
# in the clause ("had been due to expire Friday"), outweighs any forward-looking word.
_PAST_BEFORE = re.compile(r"\b(?:said|says|told|announced|reported|\w+ed)\s+(?:on\s+)?$"
                          r"|\b(?:since|was|were|had)\b")


def _looks_future(lower: str, start: int, end: int) -> bool:
    """Whether the words around an expression point forward (no POS tags: cue words only).

    "said Friday" reads as past however the sentence goes on; otherwise a modal or a cue
    such as "scheduled" in the clause before it, or just after it, makes it future.
    """
    if not lower:
        return False
    since = max(start - 60, lower.rfind(".", max(0, start - 60), start) + 1, 0)
    if _PAST_BEFORE.search(lower, since, start):
        return False
    stop = lower.find(".", end, end + 15)
    return bool(_FUTURE.search(lower, since, start)
                or _FUTURE.search(lower, end, stop if stop >= 0 else end + 15))


# --- normalization ---------------------------------------------------------------------

@dataclass(slots=True)
class _Context:
    """What an expression is resolved against: the anchor and earlier times in the text."""

    anchor: datetime.date | None
    reference: datetime.date | None = None
    quarter: str | None = None  # the last quarter named ("1989-Q3"), for "a year earlier"
    text: str = ""  # the article, lower-cased, and the expression being read in it
    start: int = 0
    end: int = 0
    future: bool | None = None  # whether the expression's sentence looks ahead, once asked
    derived: bool = False  # whether the expression was read from the quarter last named

    def place(self, start: int, end: int) -> None:
        self.start, self.end, self.future, self.derived = start, end, None, False

    def is_future(self) -> bool:
        if self.future is None:
            self.future = _looks_future(self.text, self.start, self.end)
        return self.future

    def remember(self, value: str | None) -> None:
        if value is None:
            return
        if _DAY.fullmatch(value[:10]) and (len(value) == 10 or value[10] == "T"):
            self.reference = datetime.date.fromisoformat(value[:10])
        elif _QUARTER_VALUE.fullmatch(value) and not self.derived:
            self.quarter = value


_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_QUARTER_VALUE = re.compile(r"\d{4}-Q[1-4]")

_MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
_WEEKDAYS = {name: number for number, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_DAY_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
              "tonight": "NI", "overnight": "NI"}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
             "fourth": 4, "4th": 4}
# Unit -> (TimeML duration letter, multiplier, whether it takes the "T" time designator).
_UNITS = {"second": ("S", 1, True), "minute": ("M", 1, True), "hour": ("H", 1, True),
          "day": ("D", 1, False), "night": ("D", 1, False), "week": ("W", 1, False),
          "fortnight": ("W", 2, False), "month": ("M", 1, False), "quarter": ("Q", 1, False),
          "year": ("Y", 1, False), "decade": ("Y", 10, False), "century": ("Y", 100, False)}
_REFS = {
    "PRESENT_REF": ("now", "right now", "currently", "current", "present", "at present",
                    "nowadays", "these days", "already", "the present"),
    # "Recent years" names an era; "recent weeks" (a span) is read as a duration.
    "PAST_REF": ("recently", "recent", "lately", "previously", "formerly", "past", "the past",
                 "recent years", "recent decades"),
    "FUTURE_REF": ("future", "the future", "soon", "eventually", "someday"),
}
_REF_OF = {words: ref for ref, phrases in _REFS.items() for words in phrases}

# Words in front of an expression that do not change its value: prepositions, hedges and
# the TimeML "mod" words (early, late, mid...).
_LEADING = re.compile(
    r"^(?:(?:in|on|at|for|during|since|by|until|till|from|of|as of|to|within|through|over"
    r"|about|around|approximately|nearly|almost|roughly|some(?= \d)|under|just|only|barely"
    r"|fully|more than|less than|fewer than|no more than|at least|at most|up to|another"
    r"|early|late|mid|earlier|later|the (?:end|beginning|start|middle|rest|close|turn) of"
    r"|end of|beginning of|start of|middle of|that|this(?= same))\s+)+")
_SLASH_HALF = re.compile(r"\b(\d+) 1/2\b")  # "5 1/2 hours"
_HALF = re.compile(r"\b(\d+) (\w+) and (?:a|1) half\b")  # "1 minute and a half"
_FILLER = re.compile(r" or so\b|(?<=\d) more\b")  # "a week or so ago", "20 more years"
_ZONE = re.compile(r" (?:est|edt|cst|cdt|pst|pdt|gmt|utc|et|local time)\b")


def _resolve(text: str, context: _Context) -> Resolved | None:
    """(value, precision) for an expression, or None when no rule recognizes it."""
    for rule, match in _matching_rules(_canonical(text)):
        value = rule(match, context)
        if value is not _UNRECOGNIZED:
            return (value, _precision_of(value)) if value is not None else (None, None)
    return None


@functools.lru_cache(maxsize=4096)
def _matching_rules(words: str) -> tuple[tuple[Rule, re.Match[str]], ...]:
    """The rules whose patterns fit `words`, in order (news repeats its time words)."""
    if not words:
        return ()
    return tuple((rule, match) for pattern, rule in _RULES
                 if (match := pattern.fullmatch(words)) is not None)


@functools.lru_cache(maxsize=4096)
def _canonical(text: str) -> str:
    """Lower-case words with numbers as digits and value-neutral words dropped."""
    s = text.lower().replace("’", "'").replace("'s", "")
    s = re.sub(r"(?<=[a-z])\.", "", s)  # "a.m." -> "am", "sept." -> "sept"
    s = re.sub(r"[^\w:/'.]+|(?<!\d)\.|\.(?!\d)|'(?!\d)", " ", s)
    s = _ZONE.sub("", " ".join(_digits_for_numbers(s.split())))
    s = _HALF.sub(r"\1.5 \2", _SLASH_HALF.sub(r"\1.5", s))
    return _vague(_FILLER.sub("", _LEADING.sub("", s)))


def _digits_for_numbers(words: list[str]) -> list[str]:
    """["twenty", "four", "hours"] -> ["24", "hours"]; "a"/"an" before a unit -> "1"."""
    out: list[str] = []
    total: int | None = None
    for i, word in enumerate(words):
        number = _NUMBER_WORDS.get(word)
        if number is None and word in ("a", "an") and i + 1 < len(words) \
                and re.match(r"(?:second|minute|hour|day|night|week|month|quarter|year|decade"
                             r"|century|half|dozen|hundred)", words[i + 1]):
            number = 1
        if number is not None:
            if total is None:
                total = number
            elif number in (100, 1000) or word == "dozen":
                total *= number
            elif (number < 10 and total % 10 == 0) or (number < 100 and total % 100 == 0):
                total += number  # "twenty four", "nineteen ninety six", "two thousand ten"
            elif 10 <= total < 100 and 10 <= number < 100:  # "nineteen ninety"
                total = total * 100 + number
            else:
                out.append(str(total))
                total = number
            continue
        if total is not None:
            out.append(str(total))
            total = None
        out.append(word)
    if total is not None:
        out.append(str(total))
    return out


def _precision_of(value: str) -> str | None:
    for pattern, precision in _PRECISIONS:
        if pattern.fullmatch(value):
            return precision
    return None


_PRECISIONS = tuple((re.compile(pattern), precision) for pattern, precision in (
    (r"\d{4}-\d\d-\d\dT.+", "time"), (r"\d{4}-\d\d-\d\d", "day"),
    (r"\d{4}-W\d\d(?:-WE)?", "week"), (r"\d{4}-\d\d", "month"), (r"\d{4}-Q\d", "quarter"),
    (r"\d{4}-(?:SP|SU|FA|WI)", "season"), (r"\d{4}(?:-H\d)?", "year"), (r"\d{3}", "decade"),
    (r"\d\d", "century"), (r"[A-Z]+_REF", "ref"), (r"P.+|XXXX-WXX-\d", "duration"),
))

_UNRECOGNIZED = "?"  # a rule's way to say "not mine after all": try the next one
Rule = Callable[[re.Match[str], _Context], str | None]
_RULES: list[tuple[re.Pattern[str], Rule]] = []


def _rule(pattern: str) -> Callable[[Rule], Rule]:
    """Register a rule for canonical expressions that fully match `pattern`."""
    expanded = (pattern.replace("{N}", r"(?P<n>\d+(?:\.\d+)?|x)")
                .replace("{U}", r"(?P<unit>second|minute|hour|day|night|week|fortnight|month"
                                r"|quarter|year|decade|centur(?:y|ie))s?")
                .replace("{M}", r"(?P<month>" + "|".join(_MONTHS) + ")")
                .replace("{D}", r"(?P<day>\d{1,2})(?:st|nd|rd|th)?")
                .replace("{Y}", r"(?P<year>1\d{3}|20\d\d)")
                .replace("{Y2}", r"(?P<year2>1\d{3}|20\d\d)")
                .replace("{W}", r"(?P<weekday>" + "|".join(_WEEKDAYS) + ")")
                .replace("{P}", r"(?P<part>morning|afternoon|evening|night)"))

    def register(rule: Rule) -> Rule:
        _RULES.append((re.compile(expanded), rule))
        return rule
    return register


_VAGUE = re.compile(r"\b(?:" + "|".join(_VAGUE_NUMBERS) + r")\b")


def _vague(words: str) -> str:
    return _VAGUE.sub("x", words)


@_rule(r"(?:the )?(?:fiscal )?(?:year )?{Y}(?: fiscal year)?")
def _year(match: re.Match[str], context: _Context) -> str | None:
    return match["year"]


@_rule(r"(?:{W} )?{M} {D}(?: {Y})?")
@_rule(r"(?:{W} )?{D} {M}(?: {Y})?")
def _month_day(match: re.Match[str], context: _Context) -> str | None:
    month, day = _MONTHS[match["month"]], int(match["day"])
    if match["year"]:
        return _iso(int(match["year"]), month, day)
    if context.anchor is None:
        return None
    value = _yearly(context, lambda year: _date(year, month, day), None)
    return value.isoformat() if value else _UNRECOGNIZED


@_rule(r"(?:(?P<rel>last|this|next) )?(?P<holiday>christmas eve|christmas day|christmas"
       r"|new year day|new year eve|easter sunday|easter|thanksgiving day|thanksgiving|halloween"
       r"|independence day)(?: {Y})?")
def _holiday(match: re.Match[str], context: _Context) -> str | None:
    make = _HOLIDAYS[match["holiday"].removesuffix(" day").removesuffix(" sunday")]
    if match["year"]:
        return make(int(match["year"])).isoformat()
    value = _yearly(context, make, match["rel"])
    return value.isoformat() if value else None


_HOLIDAYS: dict[str, Callable[[int], datetime.date]] = {
    "christmas": lambda year: datetime.date(year, 12, 25),
    "christmas eve": lambda year: datetime.date(year, 12, 24),
    "new year": lambda year: datetime.date(year, 1, 1),
    "new year eve": lambda year: datetime.date(year, 12, 31),
    "easter": easter,
    "thanksgiving": lambda year: datetime.date(year, 11, 22 + (3 - datetime.date(
        year, 11, 22).weekday()) % 7),  # the fourth Thursday of November (US)
    "halloween": lambda year: datetime.date(year, 10, 31),
    "independence": lambda year: datetime.date(year, 7, 4),
}


@_rule(r"{M}(?: of)? {Y}")
@_rule(r"{Y} {M}")
@_rule(r"{M} (?:of )?(?P<rel>last|this|next) year")
def _month_year(match: re.Match[str], context: _Context) -> str | None:
    if "rel" in match.groupdict():
        if context.anchor is None:
            return None
        year = context.anchor.year + {"last": -1, "this": 0, "next": 1}[match["rel"]]
        return f"{year}-{_MONTHS[match['month']]:02d}"
    return f"{match['year']}-{_MONTHS[match['month']]:02d}"


@_rule(r"(?:(?P<rel>last|this|next|past|coming) )?{M}")
def _month(match: re.Match[str], context: _Context) -> str | None:
    if context.anchor is None:
        return None
    month, rel = _MONTHS[match["month"]], match["rel"]
    # News rarely reaches back eleven months with a bare month name, but often announces
    # what happens next month: the coming month is read as future even in a past sentence.
    future = context.is_future() or month == context.anchor.month % 12 + 1
    return f"{_year_of_period(context.anchor, month, rel, future):04d}-{month:02d}"


@_rule(r"(?:{W} )?(?:(?P<hour>\d{1,2})(?::(?P<minute>\d\d))? ?(?P<ampm>am|pm)|(?P<noon>noon|midday"
       r"|midnight)|(?P<hour2>\d{1,2}) in the (?P<when>morning|afternoon|evening))"
       r"(?: (?P<rest>.+))?")
def _clock(match: re.Match[str], context: _Context) -> str | None:
    if match["noon"]:
        clock = "24:00" if match["noon"] == "midnight" else "12:00"
    else:
        hour = int(match["hour"] or match["hour2"])
        if (match["ampm"] == "pm" or match["when"] in ("afternoon", "evening")) and hour < 12:
            hour += 12
        clock = f"{hour:02d}:{match['minute'] or '00'}"
    day_words = match["rest"] or (match["weekday"] or "today")
    if match["rest"] and match["weekday"]:
        day_words = f"{match['weekday']} {match['rest']}"
    day = _resolve(day_words, context)
    if day is None or day[1] not in ("day", None):
        return _UNRECOGNIZED
    return f"{day[0]}T{clock}" if day[0] else None


@_rule(r"(?P<words>.+) {P}|(?P<first>morning|afternoon|evening|night) (?P<after>.+)"
       r"|(?P<alone>tonight|overnight)|(?P<bare>morning|afternoon|evening)")
def _day_part(match: re.Match[str], context: _Context) -> str | None:
    words = match["words"] or match["after"]
    part = match["part"] or match["first"] or match["alone"] or match["bare"]
    if words in ("the", "that") and context.reference is not None:
        words = context.reference.isoformat()  # "that night": the day just talked about
    elif words in (None, "this", "the", "that"):
        words = "today"
    elif words == "last" and part == "night":
        words = "yesterday"
    day = _resolve(words, context)
    if day is None or day[1] not in ("day", None):
        return _UNRECOGNIZED
    return f"{day[0]}T{_DAY_PARTS[part]}" if day[0] else None


@_rule(r"(?:the )?(?P<word>today|this day|yesterday|tomorrow|the day before yesterday"
       r"|day before yesterday|the day after tomorrow)")
def _named_day(match: re.Match[str], context: _Context) -> str | None:
    if context.anchor is None:
        return None
    word = match["word"].replace("the ", "")
    shift = {"yesterday": -1, "tomorrow": 1, "day before yesterday": -2,
             "day after tomorrow": 2}.get(word, 0)
    return (context.anchor + datetime.timedelta(days=shift)).isoformat()


@_rule(r"(?:(?P<rel>last|this|next|past|coming|this past|the previous) )?{W}")
def _weekday(match: re.Match[str], context: _Context) -> str | None:
    if context.anchor is None:
        return None
    anchor, weekday, rel = context.anchor, _WEEKDAYS[match["weekday"]], match["rel"]
    if rel == "this":
        return (anchor + datetime.timedelta(days=weekday - anchor.weekday())).isoformat()
    back = (anchor.weekday() - weekday) % 7
    forward = (weekday - anchor.weekday()) % 7
    if rel in ("last", "past", "this past"):
        return (anchor - datetime.timedelta(days=back or 7)).isoformat()
    if rel == "the previous":  # the one before the day last named
        start = context.reference or anchor
        return (start - datetime.timedelta(days=(start.weekday() - weekday) % 7 or 7)).isoformat()
    if rel in ("next", "coming"):
        return (anchor + datetime.timedelta(days=forward or 7)).isoformat()
    # A bare weekday on its own weekday is the day of publication itself.
    shift = forward if context.is_future() else -back
    return (anchor + datetime.timedelta(days=shift)).isoformat()


@_rule(r"(?P<rel>this|current|last|past|previous|next|coming|following|this past|the past"
       r"|the previous|the current|the following|the coming) (?P<period>week|weekend|month"
       r"|year|quarter|decade|century)")
def _relative_period(match: re.Match[str], context: _Context) -> str | None:
    rel, period = match["rel"].removeprefix("the "), match["period"]
    if match["rel"] in ("the past", "the coming"):
        return _UNRECOGNIZED  # "the past year" is a duration: a later rule reads it
    # "The following month" follows the time last named, "next month" the publication.
    anchor = context.reference or context.anchor if match["rel"] in (
        "the following", "the previous") else context.anchor
    if anchor is None:
        return None
    shift = {"last": -1, "past": -1, "previous": -1, "this past": -1, "next": 1, "coming": 1,
             "following": 1}.get(rel, 0)
    if period in ("week", "weekend"):
        year, week, _ = (anchor + datetime.timedelta(weeks=shift)).isocalendar()
        return f"{year}-W{week:02d}" + ("-WE" if period == "weekend" else "")
    if period == "month":
        day = anchor + relativedelta(months=shift)
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        index = anchor.year * 4 + (anchor.month - 1) // 3 + shift
        return f"{index // 4}-Q{index % 4 + 1}"
    if period == "decade":
        return str(anchor.year // 10 + shift)
    if period == "century":
        return f"{anchor.year // 100 + shift:02d}"
    return str(anchor.year + shift)


@_rule(r"(?:(?P<rel>last|this|next|past|coming) )?(?P<season>spring|summer|autumn|fall|winter)"
       r"(?: (?:of )?{Y})?")
def _season(match: re.Match[str], context: _Context) -> str | None:
    season = _SEASONS[match["season"]]
    if match["year"]:
        return f"{match['year']}-{season}"
    if context.anchor is None:
        return None
    if match["rel"] == "this":
        return f"{context.anchor.year}-{season}"
    year = _year_of_period(context.anchor, _SEASON_START[season], match["rel"],
                           context.is_future())
    return f"{year}-{season}"


@_rule(r"(?:the )?(?:{Y} |(?P<rel>this|last|next) year )?(?:fiscal )?(?P<ordinal>first|second"
       r"|third|fourth|1st|2nd|3rd|4th) (?:fiscal )?quarter(?: (?:of )?(?:fiscal )?{Y2})?")
def _quarter(match: re.Match[str], context: _Context) -> str | None:
    """ "The third quarter": the latest one begun, whatever the tense, as news of quarters
    is mostly of results just reported ("third-quarter profit fell")."""
    quarter = _ORDINALS[match["ordinal"]]
    if match["year"] or match["year2"]:
        return f"{match['year'] or match['year2']}-Q{quarter}"
    if context.anchor is None:
        return None
    if match["rel"]:
        shift = {"this": 0, "last": -1, "next": 1}[match["rel"]]
        return f"{context.anchor.year + shift}-Q{quarter}"
    return f"{_year_of_period(context.anchor, quarter * 3 - 2, None, False)}-Q{quarter}"


@_rule(r"(?:the )?(?:{Y} )?(?P<ordinal>first|second) half(?: (?:of )?{Y2})?")
def _half(match: re.Match[str], context: _Context) -> str | None:
    half = _ORDINALS[match["ordinal"]]
    if match["year"] or match["year2"]:
        return f"{match['year'] or match['year2']}-H{half}"
    if context.anchor is None:
        return None
    return f"{_year_of_period(context.anchor, half * 6 - 5, None, False)}-H{half}"


@_rule(r"(?:the )?(?:latest|current|same|that|comparable|corresponding|(?P<ago>year ago|year"
       r" earlier)|{Y}| )*(?:quarter|period)")
def _the_quarter(match: re.Match[str], context: _Context) -> str | None:
    """ "The quarter", "the year-ago period": the quarter last named, or the last one ended."""
    quarter = context.quarter
    if quarter is None:
        if context.anchor is None:
            return None
        index = context.anchor.year * 4 + (context.anchor.month - 1) // 3 - 1
        quarter = f"{index // 4}-Q{index % 4 + 1}"
    else:
        context.derived = True
    if match["year"]:
        return f"{match['year']}{quarter[4:]}"
    if match["ago"]:
        return f"{int(quarter[:4]) - 1}{quarter[4:]}"
    return quarter


@_rule(r"(?:the )?(?:(?P<century>1[5-9]|20)(?P<decade>\d)0|(?P<short>[2-9])0)s")
def _decade(match: re.Match[str], context: _Context) -> str | None:
    if match["century"]:
        return match["century"] + match["decade"]
    return f"19{match['short']}"


@_rule(r"(?:the )?(?P<ordinal>\d\d?)(?:st|nd|rd|th) century")
def _century(match: re.Match[str], context: _Context) -> str | None:
    return f"{int(match['ordinal']) - 1:02d}"


@_rule(r"(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)|(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{2}"
       r"|\d{4})")
def _numeric_date(match: re.Match[str], context: _Context) -> str | None:
    if match["year"]:
        value = _date(int(match["year"]), int(match["month"]), int(match["day"]))
    else:
        year = int(match["y"]) + (1900 if len(match["y"]) == 2 else 0)
        value = _date(year, int(match["m"]), int(match["d"]))
    return value.isoformat() if value else _UNRECOGNIZED


@_rule(r"'(?P<short>\d\d)")
def _short_year(match: re.Match[str], context: _Context) -> str | None:
    century = 19 if context.anchor is None or int(match["short"]) > context.anchor.year % 100 \
        else context.anchor.year // 100
    return f"{century}{match['short']}"


@_rule(r"(?:1 )?(?:year|yr) (?P<dir>earlier|ago|before|previously)")
def _year_earlier(match: re.Match[str], context: _Context) -> str | None:
    # Financial news compares with "a year earlier": the same quarter one year before.
    if context.quarter is not None:
        context.derived = True
        return f"{int(context.quarter[:4]) - 1}{context.quarter[4:]}"
    return _UNRECOGNIZED


@_rule(r"{N} {U} (?P<dir>ago|after|later|afterwards|before|earlier|previously|prior|from now"
       r"|hence)")
def _shifted(match: re.Match[str], context: _Context) -> str | None:
    """ "Three days ago", "a year later", and "three weeks after <something>".

    "N after <something>" names the time of the something, which the article has just
    placed relative to its latest time: "the talks came three weeks after the protest"
    puts the protest three weeks before the talks. "N later" counts forward from that time.
    """
    direction = match["dir"]
    if match["n"] == "x":  # "a few years ago"
        return "PAST_REF" if direction in ("ago", "before", "earlier", "previously", "prior") \
            else "FUTURE_REF"
    if match["unit"] in ("second", "minute", "hour"):
        return None
    start = context.anchor if direction in ("ago", "from now", "hence") \
        else context.reference or context.anchor
    if start is None:
        return None
    letter, multiple, _ = _UNITS[match["unit"].replace("ie", "y")]
    amount = float(match["n"]) * multiple
    if not amount.is_integer():
        return None
    sign = 1 if direction in ("before", "later", "afterwards", "from now", "hence") else -1
    step = {"D": relativedelta(days=1), "W": relativedelta(weeks=1),
            "M": relativedelta(months=1), "Q": relativedelta(months=3),
            "Y": relativedelta(years=1)}[letter]
    day: datetime.date = start + step * int(amount) * sign
    if letter == "D" or (letter == "W" and direction != "ago"):
        return day.isoformat()
    if letter == "W":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if letter in ("M", "Q"):
        return f"{day.year}-{day.month:02d}"
    return str(day.year)


@_rule(r"(?:the )?weekend")
def _weekend(match: re.Match[str], context: _Context) -> str | None:
    if context.anchor is None:
        return None
    saturday = (5 - context.anchor.weekday()) % 7 if context.is_future() \
        else -((context.anchor.weekday() - 5) % 7)
    year, week, _ = (context.anchor + datetime.timedelta(days=saturday)).isocalendar()
    return f"{year}-W{week:02d}-WE"


@_rule(r"(?:the )?(?P<which>next|following|previous|same) day|(?:the )?day (?P<dir>after|before)"
       r"|(?:that|the) (?:same )?day|(?:the )?eve")
def _reference_day(match: re.Match[str], context: _Context) -> str | None:
    start = context.reference or context.anchor
    if start is None:
        return None
    shift = {"next": 1, "following": 1, "after": 1, "previous": -1, "before": -1}.get(
        match["which"] or match["dir"] or "", 0)
    if match.group().endswith("eve"):
        shift = -1
    return (start + datetime.timedelta(days=shift)).isoformat()


@_rule(r"(?:each|every|per|a) (?P<unit>second|minute|hour|day|night|week|month|quarter|year)"
       r"|(?P<adverb>daily|nightly|weekly|monthly|quarterly|annually|yearly|hourly)")
def _set(match: re.Match[str], context: _Context) -> str | None:
    unit = match["unit"] or {"daily": "day", "nightly": "day", "weekly": "week",
                             "monthly": "month", "quarterly": "quarter", "annually": "year",
                             "yearly": "year", "hourly": "hour"}[match["adverb"]]
    return _duration("1", unit)


@_rule(r"(?:each|every) {W}")
def _weekly(match: re.Match[str], context: _Context) -> str | None:
    return f"XXXX-WXX-{_WEEKDAYS[match['weekday']] + 1}"


@_rule(r"(?:the )?(?:(?:past|last|next|coming|previous|following|first|final|initial|other|"
       r"latest|full|entire|whole|remaining|same|recent) )*(?:{N} )?{U}(?: long| old)?")
def _span(match: re.Match[str], context: _Context) -> str | None:
    words = match.group()
    if words in _REF_OF:
        return _REF_OF[words]
    if words.endswith(" old"):
        return _UNRECOGNIZED  # an age, not a time
    amount = match["n"]
    if amount is None:
        plural = words.endswith("s") and not words.endswith("ss")
        bare = words.replace("the ", "") == match["unit"]
        if bare and not plural:
            return _UNRECOGNIZED  # "year", "month": too vague to be a duration on its own
        amount = "x" if plural else "1"
    return _duration(amount, match["unit"].replace("ie", "y"))


@_rule(r".+")
def _reference_word(match: re.Match[str], context: _Context) -> str | None:
    words = match.group()
    ref = _REF_OF.get(words)
    if ref is not None:
        return ref
    if re.fullmatch(r"(?:the )?(?:coming|next|few|x) (?:few |x )?(?:days|weeks|months|years)",
                    words):
        return "FUTURE_REF"
    return _UNRECOGNIZED


# --- small pieces ----------------------------------------------------------------------

def _duration(amount: str, unit: str) -> str:
    """ "P3W", "PT5H30M", "P2Y6M", "PXY": a TimeML duration of `amount` units."""
    letter, multiple, clock = _UNITS[unit]
    designator = "PT" if clock else "P"
    if amount == "x":
        return f"{designator}X{letter}"
    number = float(amount) * multiple
    whole = int(number)
    if number == whole:
        return f"{designator}{whole}{letter}"
    # A fraction goes into the next smaller unit: 2.5 years are P2Y6M.
    smaller = _SMALLER.get((letter, clock))
    if smaller is None:
        return f"{designator}{number:g}{letter}"
    rest = round((number - whole) * smaller[1])
    time_mark = "T" if smaller[2] and not clock else ""
    return f"{designator}{whole}{letter}{time_mark}{rest}{smaller[0]}"


_SMALLER = {("Y", False): ("M", 12, False), ("W", False): ("D", 7, False),
            ("D", False): ("H", 24, True), ("H", True): ("M", 60, True),
            ("M", True): ("S", 60, True)}


def _yearly(context: _Context, make: Callable[[int], datetime.date | None],
            rel: str | None) -> datetime.date | None:
    """Which year's occurrence of a yearly date ("Feb. 18", "Christmas") is meant.

    The latest one, unless the next is at most two months ahead (news announces dates) or
    half a year ahead in a sentence that looks ahead; "last" and "next" say which.
    """
    anchor = context.anchor
    if anchor is None:
        return None
    dates = [d for d in (make(anchor.year + shift) for shift in (-1, 0, 1)) if d is not None]
    past = [d for d in dates if d <= anchor]
    ahead = [d for d in dates if d > anchor]
    if rel == "last":
        return max((d for d in past if d < anchor), default=None)
    if rel == "this":
        return next((d for d in dates if d.year == anchor.year), None)
    if ahead and (rel == "next" or (ahead[0] - anchor).days <= 62 or not past
                  or ((ahead[0] - anchor).days <= 183 and context.is_future())):
        return ahead[0]
    return past[-1] if past else None


def _year_of_period(anchor: datetime.date, first_month: int, rel: str | None,
                    future: bool) -> int:
    """The year of a month, season or quarter named without one.

    The latest one that has begun by the publication date ("in November", published in
    February, is last November); "next" or a future-tense sentence takes the one under way
    or the next.
    """
    if rel in ("next", "coming"):
        return anchor.year if first_month > anchor.month else anchor.year + 1
    if rel in ("last", "past"):
        return anchor.year if first_month < anchor.month else anchor.year - 1
    if rel == "this":
        return anchor.year
    if future:  # the one under way or the next
        return anchor.year if first_month >= anchor.month else anchor.year + 1
    return anchor.year if first_month <= anchor.month else anchor.year - 1


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _iso(year: int, month: int, day: int) -> str | None:
    value = _date(year, month, day)
    return value.isoformat() if value else _UNRECOGNIZED
