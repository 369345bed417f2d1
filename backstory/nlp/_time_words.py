"""Word lists for time expressions, and the canonical form their values are read from.

Detection (`times`) grows spans from `CUE_WORDS`; normalization (`_time_rules`) matches
`canonical` text against patterns built from `MONTHS`, `WEEKDAYS` and the other tables.
"""

from __future__ import annotations

import functools
import re

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "dozen": 12,
}

# Cue words that start a candidate span in `times`, and the words that may stand in front
# of a unit there ("the past three weeks").
COUNT_WORDS = frozenset([*NUMBER_WORDS, "a", "an", "few", "several", "many", "some", "couple",
                         "number", "of"])
HEDGE_WORDS = frozenset(["some", "about", "around", "nearly", "almost", "roughly",
                         "approximately", "over", "just", "only", "another", "than", "least"])
QUALIFIER_WORDS = frozenset(["this", "last", "next", "past", "previous", "coming", "following",
                             "first", "recent", "each", "every", "per"])
CUE_WORDS: dict[str, str] = {
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

# Tables that normalization reads the canonical words with.
MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
WEEKDAYS = {name: number for number, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
DAY_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
             "tonight": "NI", "overnight": "NI"}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
            "fourth": 4, "4th": 4}
# Unit -> (TimeML duration letter, multiplier, whether it takes the "T" time designator).
UNITS = {"second": ("S", 1, True), "minute": ("M", 1, True), "hour": ("H", 1, True),
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
REF_OF = {words: ref for ref, phrases in _REFS.items() for words in phrases}

@functools.lru_cache(maxsize=4096)
def canonical(text: str) -> str:
    """Lower-case words with numbers as digits and value-neutral words dropped."""
    s = text.lower().replace("’", "'").replace("'s", "")
    s = re.sub(r"(?<=[a-z])\.", "", s)  # "a.m." -> "am", "sept." -> "sept"
    s = re.sub(r"[^\w:/'.]+|(?<!\d)\.|\.(?!\d)|'(?!\d)", " ", s)
    s = _ZONE.sub("", " ".join(_digits_for_numbers(s.split())))
    s = _HALF.sub(r"\1.5 \2", _SLASH_HALF.sub(r"\1.5", s))
    return _vague(_FILLER.sub("", _LEADING.sub("", s)))


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


def _digits_for_numbers(words: list[str]) -> list[str]:
    """["twenty", "four", "hours"] -> ["24", "hours"]; "a"/"an" before a unit -> "1"."""
    out: list[str] = []
    total: int | None = None
    for i, word in enumerate(words):
        number = NUMBER_WORDS.get(word)
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


_VAGUE_NUMBERS = ("a few", "several", "few", "many", "some", "a number of")
_VAGUE = re.compile(r"\b(?:" + "|".join(_VAGUE_NUMBERS) + r")\b")
_COUPLE = re.compile(r"\b(?:a )?couple of\b")  # "a couple of years" is two, roughly


def _vague(words: str) -> str:
    return _VAGUE.sub("x", _COUPLE.sub("2", words))
