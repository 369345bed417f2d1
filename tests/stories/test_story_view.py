"""A story's timeline, sides and comparison, built from its articles' analysis records."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstory.ingest.metadata import InputMeta
from backstory.models import Analysis, ArticleMeta, Event, Sentence
from backstory.pipeline import Desk, StoryView
from backstory.stories.sides import SourceTable
from backstory.stories.timeline import build_timeline


def _article(article_id: str, outlet: str, published: str, events: list[Event]) -> tuple[
        ArticleMeta, Analysis]:
    sentence = Sentence(f"{article_id}:0", article_id, 0, 0, 20, "Leaders met in Oslo.")
    meta = ArticleMeta(id=article_id, title=None, outlet=outlet, url=None,
                       published_at=published)
    return meta, Analysis(article_id, (sentence,), (), events=tuple(events))


def test_one_meeting_reported_twice_is_one_entry_with_both_citations() -> None:
    a = _article("a", "Oslo Post", "2025-05-02", [
        Event("meeting", ("Ines Varga", "Tomas Lind"), "Oslo", "2025-05-01", "day", 0, "met",
              8, 11)])
    b = _article("b", "Nordic Wire", "2025-05-03", [
        Event("meeting", ("Tomas Lind",), None, "2025-05", "month", 0, "talks", 8, 13),
        Event("summit", ("Ines Varga",), "Bergen", "2024-11", "month", 0, "summit", 0, 6)])
    timeline = build_timeline({"a": a[1], "b": b[1]}, [a[0], b[0]])
    assert [(e.type, e.time) for e in timeline] == [("summit", "2024-11"),
                                                   ("meeting", "2025-05-01")]
    meeting = timeline[1]
    assert meeting.precision == "day" and meeting.place == "Oslo"
    assert {c.outlet for c in meeting.citations} == {"Oslo Post", "Nordic Wire"}


def test_sources_are_placed_by_table_name_and_role() -> None:
    table = SourceTable.shipped()
    assert (table.classify("Xinhua").kind, table.classify("Xinhua").country) == (
        "state media", "China")
    embassy = table.classify("Norwegian embassy", entity_type="ORG")
    assert (embassy.kind, embassy.country) == ("government", "Norway")
    minister = table.classify("Ines Varga", entity_type="PERSON",
                              role="Canada's fisheries minister")
    assert (minister.kind, minister.country) == ("government", "Canada")
    assert table.classify("Harbour Ledger").kind == "unknown"


@pytest.fixture
def seed_story(desk: Desk, seed_article: Path) -> StoryView:
    report = desk.ingest([str(seed_article)], meta=InputMeta(
        outlet="South China Morning Post", published_at="2024-02-19"))
    [story] = [s for s in desk.stories() if report.articles[0].id in s.article_ids]
    return desk.story(story.id)


def test_seed_story_timeline_sides_and_omission(seed_story: StoryView) -> None:
    dated = {(e.type, e.time) for e in seed_story.timeline}
    assert ("meeting", "2024-02-18") in dated
    assert ("summit", "2023-11") in dated
    meeting = next(e for e in seed_story.timeline if e.type == "meeting")
    assert meeting.place == "Vienna"
    sides = {side.name: side for side in seed_story.sides}
    assert "China" in sides
    assert any(q.speaker == "Wang Xiaohong" and q.via == "Xinhua"
               for q, _ in sides["China"].quotes)
    assert seed_story.comparison is not None
    [omission] = seed_story.comparison.omissions
    assert "Department of Homeland Security" in omission.absent_from
    assert "treatment" in omission.statement
    assert omission.citations[0].outlet == "South China Morning Post"


def _claims_article(article_id: str, outlet: str, claims: list[tuple[float, str | None, str,
                                                                     str, str | None]]
                    ) -> tuple[ArticleMeta, Analysis]:
    from backstory.models import Claim

    sentence = Sentence(f"{article_id}:0", article_id, 0, 0, 10, "Some text.")
    meta = ArticleMeta(id=article_id, title=None, outlet=outlet, url=None, published_at=None)
    records = tuple(Claim(0, value, qualifier, None, None, obj, predicate, None, None, source,
                          "Some text.", 0, 10)
                    for value, qualifier, obj, predicate, source in claims)
    return meta, Analysis(article_id, (sentence,), (), claims=records)


def test_conflicting_figures_need_the_same_thing_said_of_the_same() -> None:
    from backstory.stories.compare import compare_accounts

    a = _claims_article("a", "Oslo Post", [
        (12, None, "fishermen", "rescued from the ferry", "coastguard"),
        (8.5, "about", "million devices", "affected by the update", None)])
    b = _claims_article("b", "Nordic Wire", [
        (9, "at least", "fishermen", "rescued from the ferry", "police"),
        (8.5, "almost", "million devices", "affected by the update", None),
        (3, None, "fishermen", "missing after the storm", None)])
    comparison = compare_accounts({"a": a[1], "b": b[1]}, [a[0], b[0]])
    [conflict] = comparison.conflicts
    assert conflict.object == "fishermen"
    assert {(f.claim.value, f.claim.source) for f in conflict.figures} == {
        (12, "coastguard"), (9, "police")}
