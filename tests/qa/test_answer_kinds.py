"""Answers beyond the wh-word: a range is two figures, "which software" asks for a named
thing, and accounts that agree at different grain (a year and a month, a town and a
venue) are one answer, at the finest.

Our own small corpus; answers are asked for with no abstention threshold (these tests
are about which answer wins; eval/ask.py measures calibration).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from backstory.models import Answer, Citation
from backstory.pipeline import Desk
from backstory.qa.answer import _follow_up, _joined, _parts, _referent
from backstory.qa.question import Question, read_question
from tests.qa.corpus import ingested

ARTICLES = [
    {"url": "https://ledger.example/fees", "outlet": "Valley Ledger",
     "published_at": "2025-06-12", "title": "Council raises parking fees",
     "text": "The city council raised parking fees on Wednesday. The new parking fees, "
             "backed by 7 council members, will cost between 3 and 4 dollars an hour. The "
             "fees had not changed since 2016."},
    {"url": "https://ledger.example/dam", "outlet": "Valley Ledger",
     "published_at": "2025-06-10", "title": "Reservoir spills over",
     "text": "The Elm Creek reservoir spilled over on Monday. The Elm Creek dam was "
             "finished in 1962, the water board said."},
    {"url": "https://riverpost.example/dam", "outlet": "River Post",
     "published_at": "2025-06-11", "title": "Old dam holds",
     "text": "Engineers inspected the old dam on Tuesday. Work on the dam ended in May 1962."},
    {"url": "https://ledger.example/governors", "outlet": "Valley Ledger",
     "published_at": "2025-06-14", "title": "Governors meet over the river",
     "text": "Governors Ana Ruiz and Ben Cole met in Millbrook on Friday to discuss the "
             "river. Ruiz and Cole met in Millbrook for three hours."},
    {"url": "https://riverpost.example/governors", "outlet": "River Post",
     "published_at": "2025-06-14", "title": "A lodge for the river talks",
     "text": "Ana Ruiz and Ben Cole held their meeting at the Harlow Lodge on Friday."},
    {"url": "https://riverpost.example/harbor", "outlet": "River Post",
     "published_at": "2025-06-15", "title": "Harbor stays shut",
     "text": "Port director Lena Ortiz said the harbor would stay closed through the "
             "weekend. \u201cWe cannot open it because the channel is still full of "
             "debris,\u201d Ortiz said."},
    {"url": "https://ledger.example/kettles", "outlet": "Valley Ledger",
     "published_at": "2025-06-13", "title": "Kettles go cold",
     "text": "Brightware said a faulty update to its Nimbus software stopped the kettles "
             "from heating. Customers in the valley reported cold kettles all morning."},
    {"url": "https://riverpost.example/vote", "outlet": "River Post",
     "published_at": "2025-06-12", "title": "One councillor dissents",
     "text": "The fee rise passed with one dissent, from councillor Maya Brandt. She "
             "preferred a smaller rise of 50 cents an hour."},
    {"url": "https://riverpost.example/regatta", "outlet": "River Post",
     "published_at": "2025-06-17", "title": "Regatta ends in a photo finish",
     "text": "LAKEVIEW, Ore. \u2013 The Blue Heron crew won the summer regatta final by a bow "
             "length on Sunday. Thousands watched from the shore."},
    {"url": "https://ledger.example/tax", "outlet": "Valley Ledger",
     "published_at": "2025-06-16", "title": "County sets sales tax",
     "text": "The county set its sales tax between 6.5 percent and 7 percent on Monday."},
    {"url": "https://riverpost.example/tax", "outlet": "River Post",
     "published_at": "2025-06-16", "title": "Sales tax rises",
     "text": "Shoppers will pay more: the sales tax is 6.5%-7.0%, the county said."},
    {"url": "https://ledger.example/flood-crews", "outlet": "Valley Ledger",
     "published_at": "2025-06-18", "title": "Mayor thanks flood crews",
     "text": "At a ceremony in the town hall, Mayor Oskar Lind credited the flood crews "
             "with saving the levee. \u201cThey held the river back for three nights,"
             "\u201d he said."},
    {"url": "https://riverpost.example/cup", "outlet": "River Post",
     "published_at": "2025-06-16", "title": "Riverton lift the county cup",
     "text": "Riverton beat Kessling 2-1 in the county cup final at Harbour Park on Saturday. "
             "Kessling had led until the last ten minutes."},
]


@pytest.fixture(scope="module")
def valley(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    with ingested(tmp_path_factory.mktemp("valley"), ARTICLES) as desk:
        yield desk


def test_what_is_the_range_asks_for_two_figures(valley: Desk) -> None:
    question = read_question(valley.analyzer.analyze_text(
        "What is the new range of parking fees?"))
    assert question.answer_type == "range"
    answer = valley.ask("What is the new range of parking fees?", threshold=0.0)
    assert answer.answer is not None
    assert "3" in answer.answer and "4" in answer.answer and "7" not in answer.answer


def test_what_was_the_score_asks_for_a_figure(valley: Desk) -> None:
    question = read_question(valley.analyzer.analyze_text("What was the score of the vote?"))
    assert question.answer_type == "number"
    question = read_question(valley.analyzer.analyze_text("What did the council say?"))
    assert question.answer_type is None


def test_figures_that_agree_are_one_answer_in_the_plainest_words(valley: Desk) -> None:
    answer = valley.ask("What is the sales tax range?", threshold=0.0)
    assert answer.answer is not None and answer.answer.startswith("6.5%-7.0%")
    cited = " ".join(c.sentence for c in answer.citations)
    assert "between 6.5 percent and 7 percent" in cited and "6.5%-7.0%" in cited


def test_a_dateline_says_where_the_story_happened(valley: Desk) -> None:
    answer = valley.ask("Where was the regatta final rowed?", threshold=0.0)
    assert answer.answer is not None and answer.answer.startswith("Lakeview, Ore.")
    assert "regatta final" in answer.citations[0].sentence


def test_a_two_part_question_is_answered_in_two_parts(valley: Desk) -> None:
    answer = valley.ask("Which councillor dissented, and what did she prefer?", threshold=0.0)
    assert answer.answer is not None
    assert answer.answer.startswith("Maya Brandt") and "smaller rise" in answer.answer
    cited = " ".join(c.sentence for c in answer.citations)
    assert "one dissent" in cited and "She preferred a smaller rise" in cited


def test_only_a_new_wh_clause_starts_a_second_part() -> None:
    assert _parts("Which councillor dissented, and what did she prefer?") == (
        "Which councillor dissented?", "what did she prefer?")
    assert _parts("Who met in Millbrook and Harlow?") == ("Who met in Millbrook and Harlow?",
                                                         None)


def test_passive_question_is_not_asking_for_someones_words(valley: Desk) -> None:
    passive = read_question(valley.analyzer.analyze_text("How was the fee rise decided?"))
    assert passive.kind != "quote"
    spoken = read_question(valley.analyzer.analyze_text("What did Ortiz say about the harbor?"))
    assert spoken.kind == "quote"


def test_agreeing_times_are_given_at_the_finest(valley: Desk) -> None:
    answer = valley.ask("When was the Elm Creek dam finished?", threshold=0.0)
    assert answer.answer is not None and answer.answer.startswith("May 1962")
    cited = " ".join(c.sentence for c in answer.citations)
    assert "finished in 1962" in cited and "May 1962" in cited



def test_which_software_asks_for_a_named_thing(valley: Desk) -> None:
    question = "Which Brightware software's update stopped the kettles?"
    assert read_question(valley.analyzer.analyze_text(question)).answer_type == "product"
    answer = valley.ask(question, threshold=0.0)
    assert answer.answer is not None and answer.answer.startswith("Nimbus")


def test_a_venue_and_its_town_are_one_place(valley: Desk) -> None:
    answer = valley.ask("Where did Ana Ruiz and Ben Cole meet?", threshold=0.0)
    assert answer.answer is not None
    assert "Harlow Lodge" in answer.answer and "Millbrook" in answer.answer
    outlets = {c.outlet for c in answer.citations}
    assert outlets == {"Valley Ledger", "River Post"}
    # Who says so stays in the answer itself, each outlet with its date.
    assert "River Post, 2025-06-14" in answer.answer
    assert "Valley Ledger, 2025-06-14" in answer.answer


def test_a_match_is_an_event_with_a_ground_and_a_day(valley: Desk) -> None:
    # The final's record dates it ("Saturday" before 16 June is the 14th) and places it.
    answer = valley.ask("When was the county cup final played?", threshold=0.0)
    assert answer.answer is not None and "14 June 2025" in answer.answer
    answer = valley.ask("Where was the county cup final played?", threshold=0.0)
    assert answer.answer == "Harbour Park (according to River Post, 2025-06-16)"
    assert "county cup final" in answer.citations[0].sentence


def test_why_did_someone_say_is_answered_by_their_stated_cause(valley: Desk) -> None:
    answer = valley.ask("Why did Lena Ortiz say the harbor would stay closed?", threshold=0.0)
    assert answer.answer is not None and "because the channel is still full of debris" \
        in answer.answer
    assert answer.answer.startswith("Lena Ortiz")


def test_a_second_part_the_sources_do_not_answer_is_said_so() -> None:
    cited = Citation(article_id="a1", sentence_id="a1:0", sentence="Ann Lee dissented.",
                     start=0, end=18, outlet="River Post", url=None, published_at=None)
    first = Answer(question="Who dissented?", answer="Ann Lee", abstained=False,
                   confidence=0.7, citations=(cited,))
    silent = Answer(question="what did Ann Lee eat?", answer=None, abstained=True,
                    confidence=0.05)
    joined = _joined("Who dissented, and what did she eat?", first, silent,
                     "what did she eat?")
    assert joined.answer == "Ann Lee. The sources do not answer the rest: “what did she eat?”"
    assert (joined.confidence, joined.citations) == (0.7, (cited,))
    same = Answer(question="what did Ann Lee do?", answer="Ann Lee dissented.",
                  abstained=False, confidence=0.4, citations=(cited,))
    sentence = dataclasses.replace(first, answer="Ann Lee dissented.")
    assert _joined("Who dissented, and what did she do?", sentence, same,
                   "what did she do?").answer == "Ann Lee dissented."


def test_a_follow_up_pronoun_means_the_answer_or_the_named_subject() -> None:
    asked_subject = Question(text="Which councillor dissented?", answer_type="person", names=())
    assert _referent(asked_subject, "Maya Brandt") == "Maya Brandt"
    asked_object = Question(text="Whom did Ana Ruiz meet in Millbrook?", answer_type="person",
                            names=("Ana Ruiz", "Millbrook"))
    assert _referent(asked_object, "Ben Cole") == "Ana Ruiz"
    assert _follow_up("what did she say?", "Ana Ruiz", first_answer()) == "what did Ana Ruiz say?"


def first_answer() -> Answer:
    return Answer(question="Whom did Ana Ruiz meet?", answer="Ben Cole", abstained=False,
                  confidence=0.5)


def test_a_quote_answers_what_the_paraphrase_before_it_asks(valley: Desk) -> None:
    answer = valley.ask("How did Oskar Lind credit the flood crews at the ceremony?",
                        threshold=0.0)
    assert answer.answer is not None and "held the river back" in answer.answer
    assert any("held the river back" in c.sentence for c in answer.citations)
