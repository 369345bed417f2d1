"""The normalization rule table: canonical time words to TimeML values.

Each rule is a pattern over `canonical` text and a function that reads the match in its
`Context`; `resolve` tries them in the order they are registered here, which is the order
of precedence: the catch-all duration and reference rules come last.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

from backstory.nlp._time_values import (
    UNRECOGNIZED,
    Context,
    Resolved,
    duration,
    iso_date,
    precision_of,
    valid_date,
    year_of_period,
    yearly,
)
from backstory.nlp._time_words import (
    DAY_PARTS,
    MONTHS,
    ORDINALS,
    REF_OF,
    SEASON_START,
    SEASONS,
    UNITS,
    WEEKDAYS,
    canonical,
)


def resolve(text: str, context: Context) -> Resolved | None:
    """(value, precision) for an expression, or None when no rule recognizes it."""
    for rule, match in _matching_rules(canonical(text)):
        value = rule(match, context)
        if value is not UNRECOGNIZED:
            return (value, precision_of(value)) if value is not None else (None, None)
    return None


@functools.lru_cache(maxsize=4096)
def _matching_rules(words: str) -> tuple[tuple[Rule, re.Match[str]], ...]:
    """The rules whose patterns fit `words`, in order (news repeats its time words)."""
    if not words:
        return ()
    return tuple((rule, match) for pattern, rule in _RULES
                 if (match := pattern.fullmatch(words)) is not None)


Rule = Callable[[re.Match[str], Context], str | None]
_RULES: list[tuple[re.Pattern[str], Rule]] = []


def _rule(pattern: str) -> Callable[[Rule], Rule]:
    """Register a rule for canonical expressions that fully match `pattern`."""
    expanded = (pattern.replace("{N}", r"(?P<n>\d+(?:\.\d+)?|x)")
                .replace("{U}", r"(?P<unit>second|minute|hour|day|night|week|fortnight|month"
                                r"|quarter|year|decade|centur(?:y|ie))s?")
                .replace("{M}", r"(?P<month>" + "|".join(MONTHS) + ")")
                .replace("{D}", r"(?P<day>\d{1,2})(?:st|nd|rd|th)?")
                .replace("{Y}", r"(?P<year>1\d{3}|20\d\d)")
                .replace("{Y2}", r"(?P<year2>1\d{3}|20\d\d)")
                .replace("{W}", r"(?P<weekday>" + "|".join(WEEKDAYS) + ")")
                .replace("{P}", r"(?P<part>morning|afternoon|evening|night)"))

    def register(rule: Rule) -> Rule:
        _RULES.append((re.compile(expanded), rule))
        return rule
    return register


@_rule(r"(?:the )?(?:fiscal )?(?:year )?{Y}(?: fiscal year)?")
def _year(match: re.Match[str], context: Context) -> str | None:
    return match["year"]


@_rule(r"(?:{W} )?{M} {D}(?: {Y})?")
@_rule(r"(?:{W} )?{D} {M}(?: {Y})?")
def _month_day(match: re.Match[str], context: Context) -> str | None:
    month, day = MONTHS[match["month"]], int(match["day"])
    if match["year"]:
        return iso_date(int(match["year"]), month, day)
    if context.anchor is None:
        return None
    value = yearly(context, lambda year: valid_date(year, month, day), None)
    return value.isoformat() if value else UNRECOGNIZED


@_rule(r"(?:(?P<rel>last|this|next) )?(?P<holiday>christmas eve|christmas day|christmas"
       r"|new year day|new year eve|easter sunday|easter|thanksgiving day|thanksgiving|halloween"
       r"|independence day)(?: {Y})?")
def _holiday(match: re.Match[str], context: Context) -> str | None:
    make = _HOLIDAYS[match["holiday"].removesuffix(" day").removesuffix(" sunday")]
    if match["year"]:
        return make(int(match["year"])).isoformat()
    value = yearly(context, make, match["rel"])
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
def _month_year(match: re.Match[str], context: Context) -> str | None:
    if "rel" in match.groupdict():
        if context.anchor is None:
            return None
        year = context.anchor.year + {"last": -1, "this": 0, "next": 1}[match["rel"]]
        return f"{year}-{MONTHS[match['month']]:02d}"
    return f"{match['year']}-{MONTHS[match['month']]:02d}"


@_rule(r"(?:(?P<rel>last|this|next|past|coming) )?{M}")
def _month(match: re.Match[str], context: Context) -> str | None:
    if context.anchor is None:
        return None
    month, rel = MONTHS[match["month"]], match["rel"]
    # News rarely reaches back eleven months with a bare month name, but often announces
    # what happens next month: the coming month is read as future even in a past sentence.
    future = context.is_future() or month == context.anchor.month % 12 + 1
    return f"{year_of_period(context.anchor, month, rel, future):04d}-{month:02d}"


@_rule(r"(?:{W} )?(?:(?P<hour>\d{1,2})(?::(?P<minute>\d\d))? ?(?P<ampm>am|pm)|(?P<noon>noon|midday"
       r"|midnight)|(?P<hour2>\d{1,2}) in the (?P<when>morning|afternoon|evening))"
       r"(?: (?P<rest>.+))?")
def _clock(match: re.Match[str], context: Context) -> str | None:
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
    day = resolve(day_words, context)
    if day is None or day[1] not in ("day", None):
        return UNRECOGNIZED
    return f"{day[0]}T{clock}" if day[0] else None


@_rule(r"(?P<words>.+) {P}|(?P<first>morning|afternoon|evening|night) (?P<after>.+)"
       r"|(?P<alone>tonight|overnight)|(?P<bare>morning|afternoon|evening)")
def _day_part(match: re.Match[str], context: Context) -> str | None:
    words = match["words"] or match["after"]
    part = match["part"] or match["first"] or match["alone"] or match["bare"]
    if words in ("the", "that") and context.reference is not None:
        words = context.reference.isoformat()  # "that night": the day just talked about
    elif words in (None, "this", "the", "that"):
        words = "today"
    elif words == "last" and part == "night":
        words = "yesterday"
    day = resolve(words, context)
    if day is None or day[1] not in ("day", None):
        return UNRECOGNIZED
    return f"{day[0]}T{DAY_PARTS[part]}" if day[0] else None


@_rule(r"(?:the )?(?P<word>today|this day|yesterday|tomorrow|the day before yesterday"
       r"|day before yesterday|the day after tomorrow)")
def _named_day(match: re.Match[str], context: Context) -> str | None:
    if context.anchor is None:
        return None
    word = match["word"].replace("the ", "")
    shift = {"yesterday": -1, "tomorrow": 1, "day before yesterday": -2,
             "day after tomorrow": 2}.get(word, 0)
    return (context.anchor + datetime.timedelta(days=shift)).isoformat()


@_rule(r"(?:(?P<rel>last|this|next|past|coming|this past|the previous) )?{W}")
def _weekday(match: re.Match[str], context: Context) -> str | None:
    if context.anchor is None:
        return None
    anchor, weekday, rel = context.anchor, WEEKDAYS[match["weekday"]], match["rel"]
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
def _relative_period(match: re.Match[str], context: Context) -> str | None:
    rel, period = match["rel"].removeprefix("the "), match["period"]
    if match["rel"] in ("the past", "the coming"):
        return UNRECOGNIZED  # "the past year" is a duration: a later rule reads it
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
def _season(match: re.Match[str], context: Context) -> str | None:
    season = SEASONS[match["season"]]
    if match["year"]:
        return f"{match['year']}-{season}"
    if context.anchor is None:
        return None
    if match["rel"] == "this":
        return f"{context.anchor.year}-{season}"
    year = year_of_period(context.anchor, SEASON_START[season], match["rel"],
                          context.is_future())
    return f"{year}-{season}"


@_rule(r"(?:the )?(?:{Y} |(?P<rel>this|last|next) year )?(?:fiscal )?(?P<ordinal>first|second"
       r"|third|fourth|1st|2nd|3rd|4th) (?:fiscal )?quarter(?: (?:of )?(?:fiscal )?{Y2})?")
def _quarter(match: re.Match[str], context: Context) -> str | None:
    """ "The third quarter": the latest one begun, whatever the tense, as news of quarters
    is mostly of results just reported ("third-quarter profit fell")."""
    quarter = ORDINALS[match["ordinal"]]
    if match["year"] or match["year2"]:
        return f"{match['year'] or match['year2']}-Q{quarter}"
    if context.anchor is None:
        return None
    if match["rel"]:
        shift = {"this": 0, "last": -1, "next": 1}[match["rel"]]
        return f"{context.anchor.year + shift}-Q{quarter}"
    return f"{year_of_period(context.anchor, quarter * 3 - 2, None, False)}-Q{quarter}"


@_rule(r"(?:the )?(?:{Y} )?(?P<ordinal>first|second) half(?: (?:of )?{Y2})?")
def _half(match: re.Match[str], context: Context) -> str | None:
    half = ORDINALS[match["ordinal"]]
    if match["year"] or match["year2"]:
        return f"{match['year'] or match['year2']}-H{half}"
    if context.anchor is None:
        return None
    return f"{year_of_period(context.anchor, half * 6 - 5, None, False)}-H{half}"


@_rule(r"(?:the )?(?:latest|current|same|that|comparable|corresponding|(?P<ago>year ago|year"
       r" earlier)|{Y}| )*(?:quarter|period)")
def _the_quarter(match: re.Match[str], context: Context) -> str | None:
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
def _decade(match: re.Match[str], context: Context) -> str | None:
    if match["century"]:
        return match["century"] + match["decade"]
    return f"19{match['short']}"


@_rule(r"(?:the )?(?P<ordinal>\d\d?)(?:st|nd|rd|th) century")
def _century(match: re.Match[str], context: Context) -> str | None:
    return f"{int(match['ordinal']) - 1:02d}"


@_rule(r"(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)|(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{2}"
       r"|\d{4})")
def _numeric_date(match: re.Match[str], context: Context) -> str | None:
    if match["year"]:
        value = valid_date(int(match["year"]), int(match["month"]), int(match["day"]))
    else:
        year = int(match["y"]) + (1900 if len(match["y"]) == 2 else 0)
        value = valid_date(year, int(match["m"]), int(match["d"]))
    return value.isoformat() if value else UNRECOGNIZED


@_rule(r"'(?P<short>\d\d)")
def _short_year(match: re.Match[str], context: Context) -> str | None:
    century = 19 if context.anchor is None or int(match["short"]) > context.anchor.year % 100 \
        else context.anchor.year // 100
    return f"{century}{match['short']}"


@_rule(r"(?:1 )?(?:year|yr) (?P<dir>earlier|ago|before|previously)")
def _year_earlier(match: re.Match[str], context: Context) -> str | None:
    # Financial news compares with "a year earlier": the same quarter one year before.
    if context.quarter is not None:
        context.derived = True
        return f"{int(context.quarter[:4]) - 1}{context.quarter[4:]}"
    return UNRECOGNIZED


@_rule(r"{N} {U} (?P<dir>ago|after|later|afterwards|before|earlier|previously|prior|from now"
       r"|hence)")
def _shifted(match: re.Match[str], context: Context) -> str | None:
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
    letter, multiple, _ = UNITS[match["unit"].replace("ie", "y")]
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
def _weekend(match: re.Match[str], context: Context) -> str | None:
    if context.anchor is None:
        return None
    saturday = (5 - context.anchor.weekday()) % 7 if context.is_future() \
        else -((context.anchor.weekday() - 5) % 7)
    year, week, _ = (context.anchor + datetime.timedelta(days=saturday)).isocalendar()
    return f"{year}-W{week:02d}-WE"


@_rule(r"(?:the )?(?P<which>next|following|previous|same) day|(?:the )?day (?P<dir>after|before)"
       r"|(?:that|the) (?:same )?day|(?:the )?eve")
def _reference_day(match: re.Match[str], context: Context) -> str | None:
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
def _set(match: re.Match[str], context: Context) -> str | None:
    unit = match["unit"] or {"daily": "day", "nightly": "day", "weekly": "week",
                             "monthly": "month", "quarterly": "quarter", "annually": "year",
                             "yearly": "year", "hourly": "hour"}[match["adverb"]]
    return duration("1", unit)


@_rule(r"(?:each|every) {W}")
def _weekly(match: re.Match[str], context: Context) -> str | None:
    return f"XXXX-WXX-{WEEKDAYS[match['weekday']] + 1}"


@_rule(r"(?:the )?(?:(?:past|last|next|coming|previous|following|first|final|initial|other|"
       r"latest|full|entire|whole|remaining|same|recent) )*(?:{N} )?{U}(?: long| old)?")
def _span(match: re.Match[str], context: Context) -> str | None:
    words = match.group()
    if words in REF_OF:
        return REF_OF[words]
    if words.endswith(" old"):
        return UNRECOGNIZED  # an age, not a time
    amount = match["n"]
    if amount is None:
        plural = words.endswith("s") and not words.endswith("ss")
        bare = words.replace("the ", "") == match["unit"]
        if bare and not plural:
            return UNRECOGNIZED  # "year", "month": too vague to be a duration on its own
        amount = "x" if plural else "1"
    return duration(amount, match["unit"].replace("ie", "y"))


@_rule(r".+")
def _reference_word(match: re.Match[str], context: Context) -> str | None:
    words = match.group()
    ref = REF_OF.get(words)
    if ref is not None:
        return ref
    if re.fullmatch(r"(?:the )?(?:coming|next|few|x) (?:few |x )?(?:days|weeks|months|years)",
                    words):
        return "FUTURE_REF"
    return UNRECOGNIZED
