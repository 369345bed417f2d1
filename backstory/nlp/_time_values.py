"""What the time rules share: the context an expression is read in, and calendar arithmetic.

`Context` carries the publication date, the latest day and quarter named, and whether the
words around the expression look ahead; the functions below turn counts and dates into
TimeML values.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from backstory.nlp._time_words import UNITS

# (value, precision), as `resolve_time` returns it.
Resolved = tuple[str | None, str | None]
UNRECOGNIZED = "?"  # a rule's way to say "not mine after all": try the next one


@dataclass(slots=True)
class Context:
    """What an expression is resolved against: the anchor and earlier times in the text."""

    anchor: datetime.date | None
    reference: datetime.date | None = None
    quarter: str | None = None  # the last quarter named ("1989-Q3"), for "a year earlier"
    text: str = ""  # the article, lower-cased, and the expression being read in it
    start: int = 0
    end: int = 0
    sentence_starts: tuple[int, ...] = ()  # where the article's sentences begin, in order
    future: bool | None = None  # whether the expression's sentence looks ahead, once asked
    derived: bool = False  # whether the expression was read from the quarter last named

    def place(self, start: int, end: int) -> None:
        self.start, self.end, self.future, self.derived = start, end, None, False

    def is_future(self) -> bool:
        if self.future is None:
            at = bisect.bisect_right(self.sentence_starts, self.start) - 1
            sentence_start = self.sentence_starts[at] if at >= 0 else 0
            self.future = _looks_future(self.text, self.start, self.end, sentence_start)
        return self.future

    def remember(self, value: str | None) -> None:
        if value is None:
            return
        if _DAY.fullmatch(value[:10]) and (len(value) == 10 or value[10] == "T"):
            self.reference = datetime.date.fromisoformat(value[:10])
        elif _QUARTER_VALUE.fullmatch(value) and not self.derived:
            self.quarter = value


def precision_of(value: str) -> str | None:
    """The precision of a TimeML value: "day" for "2024-02-18", "duration" for "P3W"."""
    for pattern, precision in _PRECISIONS:
        if pattern.fullmatch(value):
            return precision
    return None


def duration(amount: str, unit: str) -> str:
    """ "P3W", "PT5H30M", "P2Y6M", "PXY": a TimeML duration of `amount` units."""
    letter, multiple, clock = UNITS[unit]
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


def yearly(context: Context, make: Callable[[int], datetime.date | None],
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


def year_of_period(anchor: datetime.date, first_month: int, rel: str | None,
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


def valid_date(year: int, month: int, day: int) -> datetime.date | None:
    """The date, or None when there is no such day (February 30)."""
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def iso_date(year: int, month: int, day: int) -> str | None:
    """The date as a value for a rule to return; no such day is not the rule's to read."""
    value = valid_date(year, month, day)
    return value.isoformat() if value else UNRECOGNIZED


_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_QUARTER_VALUE = re.compile(r"\d{4}-Q[1-4]")

_PRECISIONS = tuple((re.compile(pattern), precision) for pattern, precision in (
    (r"\d{4}-\d\d-\d\dT.+", "time"), (r"\d{4}-\d\d-\d\d", "day"),
    (r"\d{4}-W\d\d(?:-WE)?", "week"), (r"\d{4}-\d\d", "month"), (r"\d{4}-Q\d", "quarter"),
    (r"\d{4}-(?:SP|SU|FA|WI)", "season"), (r"\d{4}(?:-H\d)?", "year"), (r"\d{3}", "decade"),
    (r"\d\d", "century"), (r"[A-Z]+_REF", "ref"), (r"P.+|XXXX-WXX-\d", "duration"),
))

_SMALLER = {("Y", False): ("M", 12, False), ("W", False): ("D", 7, False),
            ("D", False): ("H", 24, True), ("H", True): ("M", 60, True),
            ("M", True): ("S", 60, True)}

_FUTURE = re.compile(r"\b(?:will|won't|shall|'ll|would|could|might|going to|plans? to|planned to"
                     r"|planning to|scheduled|expected to|due to|set to|is to|are to|as soon as"
                     r"|as early as|until|next(?! to\b)|upcoming|tomorrow|effective)\b")
# A past verb right before the expression ("said Friday"), or a past auxiliary or "since"
# in the clause ("had been due to expire Friday"), outweighs any forward-looking word.
_PAST_BEFORE = re.compile(r"\b(?:said|says|told|announced|reported|\w+ed)\s+(?:on\s+)?$"
                          r"|\b(?:since|was|were|had)\b")


_REACH = 60  # characters looked back at, within the expression's sentence


def _looks_future(lower: str, start: int, end: int, sentence_start: int = 0) -> bool:
    """Whether the words around an expression point forward (no POS tags: cue words only).

    "said Friday" reads as past however the sentence goes on; otherwise a modal or a cue
    such as "scheduled" in the words before it, or just after it, makes it future. The look
    back stops at the sentence's start, not at any full stop: in "Mr. Ruiz will succeed
    Ana P. Lee Feb. 1" the "will" is the date's ("next to the pier" looks nowhere), and
    "effective Feb. 1" announces when something begins.
    """
    if not lower:
        return False
    since = max(start - _REACH, sentence_start, 0)
    if _PAST_BEFORE.search(lower, since, start):
        return False
    stop = lower.find(".", end, end + 15)
    return bool(_FUTURE.search(lower, since, start)
                or _FUTURE.search(lower, end, stop if stop >= 0 else end + 15))
