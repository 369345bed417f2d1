"""Answers built from the analysis records keep who says so, and abstain honestly."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstory.ingest.metadata import InputMeta
from backstory.pipeline import Desk


@pytest.fixture
def seeded(desk: Desk, seed_article: Path) -> Desk:
    desk.ingest([str(seed_article)], meta=InputMeta(outlet="South China Morning Post",
                                                    published_at="2024-02-19"))
    return desk


def test_a_number_comes_with_who_claims_it(seeded: Desk) -> None:
    answer = seeded.ask("How many Chinese students have been deported or had their visas "
                        "cancelled since the summit?")
    assert not answer.abstained
    assert answer.answer == "at least 11, according to Xinhua"
    assert "at least 11 Chinese students" in answer.citations[0].sentence


def test_a_role_and_an_event_answer_cite_their_sentence(seeded: Desk) -> None:
    role = seeded.ask("What is Wang Xiaohong's job?")
    assert role.answer is not None and "public security minister" in role.answer
    when = seeded.ask("When did Wang Xiaohong and Mayorkas meet?")
    assert when.answer is not None and "2024-02-18" in when.answer
    assert all(c.outlet == "South China Morning Post" for c in when.citations)


def test_who_is_someone_is_answered_with_their_role_not_another_person(seeded: Desk
                                                                       ) -> None:
    answer = seeded.ask("Who is Wang Xiaohong?")
    assert answer.answer is not None and "public security minister" in answer.answer
    assert "Mayorkas" not in answer.answer
    assert answer.citations


def test_words_of_someone_never_quoted_are_not_invented(seeded: Desk) -> None:
    answer = seeded.ask("What did Mayorkas say about the students?")
    assert answer.abstained and answer.answer is None


def test_a_quote_answer_names_speaker_and_source(seeded: Desk) -> None:
    answer = seeded.ask("What did Wang ask Washington to do about visas?")
    assert answer.answer is not None
    assert "lift visa restrictions" in answer.answer
    assert answer.answer.startswith("Wang Xiaohong") and "according to Xinhua" in answer.answer
