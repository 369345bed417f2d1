"""Story clustering groups articles on the same event and keeps other events apart."""

from __future__ import annotations

from backstory.models import ArticleMeta
from backstory.store import ArticleFeatures
from backstory.stories import StoryClusterer


def _features(article_id: str, text: str, published: str | None,
              entities: tuple[str, ...]) -> ArticleFeatures:
    return ArticleFeatures(ArticleMeta(article_id, None, None, None, published), text, entities)


FLOOD_A = _features("a", "The storm surge flooded Lowmarsh harbour and the tide gates failed, "
                         "the harbour master said.", "2025-03-04", ("Lowmarsh",))
FLOOD_B = _features("b", "Lowmarsh council votes to replace the tide gates that failed in the "
                         "storm surge at the harbour.", "2025-03-07", ("Lowmarsh",))
ELECTION = _features("c", "Voters in Skarholm elected a new mayor after a close count of "
                          "ballots on Sunday.", "2025-03-05", ("Skarholm",))
FLOOD_LATER = _features("d", "A storm surge flooded Lowmarsh harbour again as the tide gates "
                             "failed once more.", "2025-09-30", ("Lowmarsh",))


def test_same_event_joins_and_others_stay_apart() -> None:
    stories = StoryClusterer(threshold=0.12, window_days=10).cluster(
        [FLOOD_A, ELECTION, FLOOD_B])
    groups = sorted(sorted(s.article_ids) for s in stories)
    assert groups == [["a", "b"], ["c"]]


def test_articles_months_apart_are_different_stories() -> None:
    stories = StoryClusterer(threshold=0.12, window_days=10).cluster(
        [FLOOD_A, FLOOD_B, FLOOD_LATER])
    assert sorted(sorted(s.article_ids) for s in stories) == [["a", "b"], ["d"]]


def test_story_spans_its_articles_dates_and_keeps_them_in_order() -> None:
    [story] = StoryClusterer(threshold=0.12, window_days=10).cluster([FLOOD_B, FLOOD_A])
    assert story.article_ids == ("a", "b")
    assert (story.first_seen, story.last_seen) == ("2025-03-04", "2025-03-07")


def test_story_ids_do_not_depend_on_input_order() -> None:
    clusterer = StoryClusterer(threshold=0.12, window_days=10)
    forward = {s.id for s in clusterer.cluster([FLOOD_A, FLOOD_B, ELECTION])}
    backward = {s.id for s in clusterer.cluster([ELECTION, FLOOD_B, FLOOD_A])}
    assert forward == backward
