"""Typed answers: hedges kept, bounds and kinds of figure respected, speakers found.

The answers are asked for with no abstention threshold: these tests are about which answer
wins, not about calibration (eval/ask.py measures that).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backstory.pipeline import Desk
from backstory.qa.answer import _does
from backstory.qa.facts import names_match
from backstory.qa.question import read_question
from tests.qa.corpus import ingested

ARTICLES = [
    {"url": "https://harbor.example/ferry", "outlet": "Harbor Daily",
     "published_at": "2025-03-04", "title": "Ferry strikes pier at Port Milton",
     "text": "The ferry Aster struck the main pier at Port Milton around 6:40 a.m. Tuesday, "
             "the port authority said. Twelve passengers were treated for minor injuries. "
             "Repairs to the pier will cost about $4 million, according to the port "
             "authority. The harbor last closed in 2019, after a winter storm, and before "
             "that in 2025 for a week of dredging."},
    {"url": "https://coastwire.example/pier", "outlet": "Coast Wire",
     "published_at": "2025-03-05", "title": "Harbor master blames speed for pier crash",
     "text": "Harbor master Paul Grant spoke to reporters at the pier on Wednesday. "
             "\u201cThe ferry came in far too fast,\u201d Grant said. Divers inspected the "
             "damaged pilings for most of the afternoon."},
    {"url": "https://harbor.example/wall", "outlet": "Harbor Daily",
     "published_at": "2025-03-06", "title": "Mayor promises a sea wall",
     "text": "Mayor Ines Wolff met residents of the old town on Thursday evening. Wolff "
             "said: \u201cWe heard every complaint tonight. The new sea wall will be "
             "finished by June.\u201d Residents applauded."},
]


@pytest.fixture(scope="module")
def harbor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    with ingested(tmp_path_factory.mktemp("harbor"), ARTICLES) as desk:
        yield desk


def test_a_clock_time_keeps_its_hedge(harbor: Desk) -> None:
    answer = harbor.ask("At what time did the ferry strike the pier?", threshold=0.0)
    assert answer.answer is not None and answer.answer.startswith("around 6:40 a.m.")
    assert "6:40 a.m." in answer.citations[0].sentence


def test_how_much_is_answered_by_a_sum_not_a_head_count(harbor: Desk) -> None:
    answer = harbor.ask("How much will the pier repairs cost?", threshold=0.0)
    assert answer.answer is not None and "4 million" in answer.answer
    assert "12" not in answer.answer and "Twelve" not in answer.answer


def test_how_old_without_an_age_in_the_sources_abstains(harbor: Desk) -> None:
    answer = harbor.ask("How old is Paul Grant?", threshold=0.0)
    assert answer.abstained and answer.answer is None


def test_which_official_said_finds_the_speaker(harbor: Desk) -> None:
    answer = harbor.ask("Which official said the ferry came in too fast?", threshold=0.0)
    assert answer.answer is not None and answer.answer.endswith("Grant")


def test_when_had_it_last_happened_is_before_the_news(harbor: Desk) -> None:
    answer = harbor.ask("When had the pier last been struck?", threshold=0.0)
    question = read_question(harbor.analyzer.analyze_text("When had the pier last been struck?"))
    assert question.earlier
    assert answer.answer is None or "Tuesday" not in answer.answer


def test_a_year_bound_rules_out_later_times(harbor: Desk) -> None:
    answer = harbor.ask("When had the harbor last closed before 2020?", threshold=0.0)
    assert answer.answer is not None and answer.answer.startswith("2019")


@pytest.mark.parametrize(("text", "answer_type", "bounds"), [
    ("How much will the repairs cost?", "amount", (None, None)),
    ("How old is the captain?", "age", (None, None)),
    ("How many passengers were hurt?", "number", (None, None)),
    ("Which Fed official dissented?", "person", (None, None)),
    ("What did the CEO say about the outage?", None, (None, None)),
    ("When had Argentina last won the World Cup before 2022?", "time", ("2022", None)),
    ("What has changed since 2020?", None, (None, "2020")),
])
def test_reading_the_question(harbor: Desk, text: str, answer_type: str | None,
                              bounds: tuple[str | None, str | None]) -> None:
    question = read_question(harbor.analyzer.analyze_text(text))
    assert question.answer_type == answer_type
    assert (question.before, question.after) == bounds


def test_a_name_given_only_as_the_outlet_is_held(harbor: Desk) -> None:
    answer = harbor.ask("According to Coast Wire, what did Grant say about the ferry?",
                        threshold=0.0)
    assert answer.answer is not None and "far too fast" in answer.answer
    assert answer.citations[0].outlet == "Coast Wire"


def test_a_long_quotation_is_cited_at_the_sentence_that_answers(harbor: Desk) -> None:
    answer = harbor.ask("What did Wolff say about the sea wall?", threshold=0.0)
    assert answer.answer is not None and "sea wall will be finished" in answer.answer
    assert "sea wall will be finished" in answer.citations[0].sentence


@pytest.mark.parametrize(("asked", "stored", "same"), [
    ("Fed", "Federal Reserve", True),
    ("Penn", "University of Pennsylvania", True),
    ("Xi", "Xi Jinping", True),
    ("Wolff", "Paul Grant", False),
])
def test_a_short_form_names_the_entity(asked: str, stored: str, same: bool) -> None:
    assert names_match(asked, stored) is same


MATCH = [
    {"url": "https://valleysport.example/cup-final", "outlet": "Valley Sport",
     "published_at": "2025-05-11", "title": "Dunmore win the county cup on penalties",
     "text": "Dunmore won the county cup on penalties on Saturday after Tomas Brandt "
             "scored twice in a 2-2 draw with Feltham. Brandt scored first from a corner. "
             "In the shootout, goalkeeper Ida Park saved twice, setting the stage for "
             "substitute Ola Reyes to score the deciding penalty. Brandt scored his penalty "
             "too."},
    {"url": "https://fieldnews.example/cup", "outlet": "Field News",
     "published_at": "2025-05-11", "title": "Brandt double takes final to penalties",
     "text": "Tomas Brandt scored twice for Dunmore before the final went to penalties. "
             "Brandt scored again in the shootout, which Dunmore won 4-3."},
]


@pytest.fixture(scope="module")
def cup_final(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    with ingested(tmp_path_factory.mktemp("cup"), MATCH) as desk:
        yield desk


def test_who_did_it_is_the_one_the_sentence_says_did_it(cup_final: Desk) -> None:
    # Brandt stands next to "scored" in every sentence and Reyes in one; but only Reyes
    # is said to score the deciding penalty.
    answer = cup_final.ask("Who scored the deciding penalty in the shootout?", threshold=0.0)
    assert answer.answer is not None and answer.answer.startswith("Ola Reyes")


@pytest.mark.parametrize(("text", "action"), [
    ("Who kicked the deciding goal in the final?", ("kicked", "goal")),
    ("Who won the 2024 county cup in Holmfirth?", ("won", "cup")),
    ("Who was the coach?", None),
    ("Who resigned?", None),
    ("Which official said the ferry was late?", None),
])
def test_what_who_did_to_what(harbor: Desk, text: str,
                              action: tuple[str, str] | None) -> None:
    assert read_question(harbor.analyzer.analyze_text(text)).action == action


@pytest.mark.parametrize(("text", "name", "does"), [
    ("setting the stage for Ola Reyes to score the deciding penalty", "Ola Reyes", True),
    ("the deciding penalty, scored by Ola Reyes, ended it", "Ola Reyes", True),
    ("Ola Reyes scored twice before the penalty", "Ola Reyes", False),
    ("Ola Reyes missed the deciding penalty", "Ola Reyes", False),
])
def test_a_name_does_the_action_to_its_object(text: str, name: str, does: bool) -> None:
    start = text.index(name)
    assert _does(text, start, start + len(name), ("scored", "penalty")) is does
