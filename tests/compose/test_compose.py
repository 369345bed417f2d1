"""Explainer, FAQ, analysis and charts of the seed story: what must be said, who says it,
and that every statement stands on a stored sentence that vouches for it."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from backstory.compose import Grounder, GroundingError, evidence_of
from backstory.compose.explainer import _fullest, distinct_quotes
from backstory.compose.render import to_html, to_markdown
from backstory.config import Settings
from backstory.editor import Documents
from backstory.ingest.metadata import InputMeta
from backstory.models import Citation, Composition, Quote, Statement
from backstory.payloads import composition_payload
from backstory.pipeline import Desk
from tests.conftest import Databases

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "article.txt"


@pytest.fixture(scope="module")
def seed_desk(tmp_path_factory: pytest.TempPathFactory, databases: Databases
              ) -> Iterator[tuple[Desk, str]]:
    if not SEED.exists():
        pytest.skip(f"the seed article is missing: {SEED}")
    desk = Desk(Settings(db=databases.new(tmp_path_factory.mktemp("compose"), "seed")))
    desk.load_sample()
    vienna = next(s for s in desk.stories() if "Vienna" in s.title)
    assert {d.kind for d in desk.draft(vienna.id)} == {"explainer", "faq", "analysis"}
    report = desk.ingest([str(SEED)], meta=InputMeta(outlet="South China Morning Post",
                                                     published_at="2024-02-19"))
    [story] = [s for s in desk.stories() if report.articles[0].id in s.article_ids]
    assert story.id == vienna.id, "the seed article joins the sample's Vienna story"
    yield desk, story.id
    desk.close()


@pytest.fixture(scope="module")
def documents(seed_desk: tuple[Desk, str]) -> dict[str, Composition]:
    desk, story_id = seed_desk
    facts = desk.story_facts(story_id)
    return {"explainer": desk.explain(facts), "faq": desk.faq(facts),
            "analysis": desk.analysis(facts)}


def _section(document: Composition, heading: str) -> list[Statement]:
    return [s for section in document.sections if section.heading == heading
            for s in section.statements]


def test_explainer_names_the_people_with_their_roles(documents: dict[str, Composition]) -> None:
    people = {s.text.split(":")[0]: s.text for s in
              _section(documents["explainer"], "Who is involved")}
    assert "minister" in people["Wang Xiaohong"].lower()
    assert "public security" in people["Wang Xiaohong"].lower()
    assert "Homeland Security Secretary" in people["Alejandro Mayorkas"]


def test_explainer_dates_and_places_the_meeting(documents: dict[str, Composition]) -> None:
    happened = " ".join(s.text for s in _section(documents["explainer"], "What happened"))
    assert re.search(r"Meeting of Wang Xiaohong and Alejandro Mayorkas in Vienna "
                     r"on 18 February 2024", happened)
    timeline = " ".join(s.text for s in _section(documents["explainer"], "Timeline"))
    assert "San Francisco in November 2023" in timeline


def test_explainer_gives_each_count_with_its_source(documents: dict[str, Composition]
                                                    ) -> None:
    numbers = [s.text for s in _section(documents["explainer"], "Key numbers")]
    assert any(t.startswith("At least 11 Chinese students") and "according to Xinhua" in t
               for t in numbers), numbers
    assert any(t.startswith("8 cases") and "Dulles" in t and "according to Chinese embassy"
               in t for t in numbers), numbers


def test_analysis_shows_what_the_us_readout_leaves_out(documents: dict[str, Composition]
                                                       ) -> None:
    left_out = " ".join(s.text for s in _section(documents["analysis"],
                                                 "What an account leaves out"))
    assert "readout leaves out" in left_out and "treatment" in left_out
    sides = [s.heading for s in documents["analysis"].sections]
    assert "The China side: what it says and claims" in sides


def test_faq_lists_answered_questions_only(documents: dict[str, Composition]) -> None:
    faq = documents["faq"]
    assert 5 <= len(faq.sections) <= 12
    for section in faq.sections:
        assert section.heading.endswith("?")
        [answer] = section.statements
        assert answer.text and answer.citations
    answers = {s.heading: s.statements[0].text for s in faq.sections}
    where = next(a for q, a in answers.items() if q.startswith("Where did"))
    assert "Vienna" in where


def test_every_statement_cites_a_stored_sentence(seed_desk: tuple[Desk, str],
                                                 documents: dict[str, Composition]) -> None:
    desk, story_id = seed_desk
    story = desk.store.story(story_id)
    for document in documents.values():
        payload = composition_payload(document)
        statements = [st for sec in payload["sections"] for st in sec["statements"]]
        assert statements, document.kind
        for statement in statements:
            assert set(statement) == {"text", "citations"}
            assert statement["citations"], statement["text"]
            for c in statement["citations"]:
                assert set(c) == {"article_id", "sentence_id", "sentence", "start", "end",
                                  "outlet", "url", "published_at"}
                assert c["article_id"] in story.article_ids
                stored = {s.id: s.text for s in desk.store.sentences(c["article_id"])}
                assert stored[c["sentence_id"]] == c["sentence"]


def test_a_number_not_in_the_cited_sentence_is_rejected(seed_desk: tuple[Desk, str]) -> None:
    desk, story_id = seed_desk
    facts = desk.story_facts(story_id)
    grounder = Grounder(evidence_of(facts.analyses))
    def vouches(text: str) -> bool:
        return "at least 11" in text and "Xinhua" in text

    analysis = next(a for a in facts.analyses.values() if any(vouches(s.text)
                                                             for s in a.sentences))
    sentence = next(s for s in analysis.sentences if vouches(s.text))
    meta = facts.meta(analysis.article_id)
    assert meta is not None
    citation = Citation.of(sentence, meta)
    honest = Statement("At least 11 Chinese students were sent home, according to Xinhua.",
                       (citation,))
    grounder.check(honest)
    injected = Statement("At least 15 Chinese students were sent home, according to Xinhua.",
                         (citation,))
    with pytest.raises(GroundingError, match="15"):
        grounder.check(injected)
    assert grounder.keep([honest, injected]) == (honest,)
    renamed = Statement("At least 11 Chinese students were sent home, according to Reuters.",
                        (citation,))
    assert grounder.missing(renamed) == ["Reuters"]
    misdated = Statement("The meeting took place on 19 March 2024.", (citation,))
    assert grounder.missing(misdated) == ["19 March 2024"]
    uncited = Statement("Nothing cites this.", ())
    assert grounder.missing(uncited)


def test_relative_dates_vouch_for_their_resolved_day(seed_desk: tuple[Desk, str]) -> None:
    desk, story_id = seed_desk
    facts = desk.story_facts(story_id)
    grounder = Grounder(evidence_of(facts.analyses))
    for analysis in facts.analyses.values():
        for expr in analysis.times:
            if expr.value == "2024-02-18" and expr.text.lower() == "sunday":
                meta = facts.meta(analysis.article_id)
                assert meta is not None
                citation = Citation.of(analysis.sentences[expr.sentence_index], meta)
                assert grounder.missing(Statement("They met on 18 February 2024.",
                                                  (citation,))) == []
                return
    pytest.fail("no sentence of the seed story resolves 'Sunday' to 18 February 2024")


def test_markdown_and_html_keep_every_citation(documents: dict[str, Composition]) -> None:
    explainer = documents["explainer"]
    markdown = to_markdown(explainer)
    html = to_html(explainer)
    cited = {c.sentence for s in explainer.statements for c in s.citations}
    notes = re.findall(r"^\[\^\d+\]: .*?“(.*)”$", markdown, flags=re.MULTILINE)
    assert set(notes) == cited
    assert html.count('<li id="ref-') == len(cited)


def test_charts_carry_data_citations_and_a_text_alternative(seed_desk: tuple[Desk, str],
                                                            tmp_path: Path) -> None:
    desk, story_id = seed_desk
    facts = desk.story_facts(story_id)
    for kind in ("timeline", "numbers", "speakers", "coverage"):
        chart = desk.chart(facts, kind)
        assert chart.spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        assert len(chart.description) > 40
        json.dumps(chart.spec)  # plain JSON, nothing Python-only
    numbers = desk.chart(facts, "numbers")
    datasets = numbers.spec["datasets"]
    assert isinstance(datasets, dict)
    rows = [r for values in datasets.values() for r in values]
    assert any(r["value"] == 11 and r["source"] == "Xinhua" for r in rows)
    assert all(r["sentence_id"] and r["outlet"] for r in rows)
    assert "11" in numbers.description and "Xinhua" in numbers.description


def test_new_articles_in_a_drafted_story_make_new_drafts(seed_desk: tuple[Desk, str]
                                                         ) -> None:
    desk, story_id = seed_desk
    documents = Documents(desk.store)
    for kind in ("explainer", "faq", "analysis"):
        versions = documents.history(kind, story_id)
        assert [v.version for v in versions] == [1, 2], kind
        assert versions[1].status == "draft" and versions[1].changes
        assert "+" in documents.diff(versions[0], versions[1])
    assert desk.draft(story_id) == []  # nothing new since: no new version


def test_cli_explain_faq_analysis_and_chart(seed_desk: tuple[Desk, str], tmp_path: Path
                                            ) -> None:
    from typer.testing import CliRunner

    from backstory.cli import app

    desk, story_id = seed_desk
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--db", desk.settings.db, *args])
        assert result.exit_code == 0, result.output
        return result.output

    explained = json.loads(run("explain", story_id, "--format", "json"))
    assert explained["kind"] == "explainer" and explained["sections"]
    assert run("explain", story_id).startswith("# ")
    assert "<h1>" in run("explain", story_id, "--format", "html")
    for command in ("faq", "analysis"):
        payload = json.loads(run(command, story_id, "--json"))
        assert payload["kind"] == command
        assert all(st["citations"] for sec in payload["sections"] for st in sec["statements"])
    for suffix in ("svg", "png", "json"):
        out = tmp_path / f"numbers.{suffix}"
        run("chart", story_id, "numbers", "--out", str(out))
        assert out.stat().st_size > 500
    assert (tmp_path / "numbers.svg").read_text().lstrip().startswith("<svg")
    assert (tmp_path / "numbers.png").read_bytes()[:4] == b"\x89PNG"
    bad = runner.invoke(app, ["--db", desk.settings.db, "chart", story_id, "pie",
                              "--out", str(tmp_path / "x.svg")])
    assert bad.exit_code != 0
    assert "timeline, numbers, speakers, coverage" in " ".join(bad.output.split())


def test_the_fuller_title_stands_for_a_bare_one() -> None:
    titles = Counter({"Secretary": 2, "Homeland Security Secretary": 1, "envoy": 1})
    assert _fullest(titles) == Counter({"Homeland Security Secretary": 3, "envoy": 1})


def test_the_halves_of_an_interrupted_quotation_are_shown_as_one() -> None:
    text = "“The water rose fast,” said Holm, “and we lost everything.” “Never again.”"
    citation = Citation(article_id="a", sentence_id="s", sentence=text, start=0,
                        end=len(text), outlet=None, url=None, published_at=None)

    def quote(words: str, sentence: int = 0) -> Quote:
        at = text.index(words)
        return Quote(sentence_index=sentence, speaker="Tereza Holm", speaker_text="Holm",
                     speaker_start=text.index("Holm"), speaker_end=text.index("Holm") + 4,
                     cue="said", cue_start=text.index("said"), cue_end=text.index("said") + 4,
                     content=words, start=at, end=at + len(words), direct=True)

    quotes = [(quote("The water rose fast"), citation),
              (quote("and we lost everything."), citation),
              (quote("Never again.", sentence=1), citation)]  # a sentence of its own
    shown = [q.shown for q, _ in distinct_quotes(quotes)]
    assert shown == ["“The water rose fast … and we lost everything.”", "“Never again.”"]
