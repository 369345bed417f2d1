"""Story clustering groups articles on the same event and keeps other events apart."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from backstory.config import Settings
from backstory.models import Analysis, Article, ArticleMeta, Mention, NewArticle, Sentence
from backstory.store import STORIES_STALE, ArticleFeatures, Store, open_store
from backstory.store import sql as sql_store
from backstory.stories import StoryClusterer
from backstory.stories.cluster import short_title


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


# -- incremental, over a real store ------------------------------------------------------------


def _stored(text: str, published: str, names: tuple[str, ...], title: str) -> NewArticle:
    article = Article.create(text, input=f"test#{title}", title=title, published_at=published)
    sentence = Sentence(id=f"{article.id}:0", article_id=article.id, index=0, start=0,
                        end=len(text), text=text)
    mentions = tuple(Mention(name=n, type="GPE", sentence_index=0, start=text.index(n),
                             end=text.index(n) + len(n), text=n) for n in names)
    return NewArticle(article, Analysis(article.id, (sentence,), mentions), (), ())


def _groups(store: Store) -> list[list[str]]:
    return sorted(sorted(s.article_ids) for s in store.stories())


def _four_stored() -> list[NewArticle]:
    """Two flood articles of one story, an election, and a later flood outside the window."""
    return [_stored(f.text, f.meta.published_at or "", f.entities, title)
            for f, title in ((FLOOD_A, "Lowmarsh harbour flooded"),
                             (FLOOD_B, "Lowmarsh to replace tide gates"),
                             (ELECTION, "Skarholm elects a mayor"),
                             (FLOOD_LATER, "Lowmarsh floods again"))]


def test_new_articles_join_stored_stories_and_a_rebuild_agrees(db_path: str) -> None:
    store = open_store(Settings(db=db_path).db_url)
    clusterer = StoryClusterer(threshold=0.12, window_days=10)
    flood_a, flood_b, election, flood_later = _four_stored()
    store.write([flood_a, election])
    assert clusterer.update(store) == 2
    store.write([flood_b, flood_later])
    assert clusterer.update(store) == 2  # only the new ones are placed
    expected = sorted([sorted([flood_a.article.id, flood_b.article.id]),
                       [election.article.id], [flood_later.article.id]])
    assert _groups(store) == expected
    assert store.get_setting(STORIES_STALE) == "0"
    titles = {s.title for s in store.stories()}
    assert "Skarholm elects a mayor" in titles
    clusterer.rebuild(store)
    assert _groups(store) == expected
    store.close()


def test_an_update_cut_short_is_finished_by_the_next_with_what_came_since(db_path: str
                                                                           ) -> None:
    store = open_store(Settings(db=db_path).db_url)
    clusterer = StoryClusterer(threshold=0.12, window_days=10)
    flood_a, flood_b, election, flood_later = _four_stored()
    store.write([flood_a])
    assert clusterer.update(store) == 1
    # An update that stopped after counting the new articles, before placing them.
    store.write([election, flood_b])
    with store.story_index() as index:
        for article in store.story_features(store.articles_to_count(limit=10)):
            clusterer.count(index, article)
    store.write([flood_later])
    assert clusterer.update(store) == 3
    assert clusterer.update(store) == 0
    assert _groups(store) == sorted([sorted([flood_a.article.id, flood_b.article.id]),
                                     [election.article.id], [flood_later.article.id]])
    store.close()


def test_story_titles_are_short_headlines() -> None:
    assert short_title("Fed cuts rates by half a point - Reuters", "") == \
        "Fed cuts rates by half a point"
    assert short_title(None, "First line of the text\nSecond line") == "First line of the text"
    long = short_title("word " * 40, "")
    assert len(long) <= 91 and long.endswith("…")


def test_articles_committed_by_two_writers_at_once_all_find_a_story(
        db_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The story update reads new articles as those numbered after the last one it placed,
    # so a writer that commits later must not hold lower numbers: writers take turns.
    store = open_store(Settings(db=db_path).db_url)
    clusterer = StoryClusterer(threshold=0.12, window_days=10)
    first, second = (_stored(f.text, f.meta.published_at or "", f.entities, title)
                     for f, title in ((FLOOD_A, "Lowmarsh harbour flooded"),
                                      (ELECTION, "Skarholm elects a mayor")))
    entered, release = threading.Event(), threading.Event()
    insert = sql_store._insert_analyses

    def held(conn: Any, analyses: Any, *args: Any) -> None:
        if analyses[0][0] == first.article.id:  # the first writer stops inside its transaction
            entered.set()
            release.wait(10)
        insert(conn, analyses, *args)

    monkeypatch.setattr(sql_store, "_insert_analyses", held)
    writer = threading.Thread(target=store.write, args=([first],))
    writer.start()
    assert entered.wait(10)
    other = threading.Thread(target=store.write, args=([second],))
    other.start()
    other.join(0.5)
    assert other.is_alive(), "the second writer committed while the first was writing"
    release.set()
    writer.join(10)
    other.join(10)
    clusterer.update(store)
    assert sorted(a for s in store.stories() for a in s.article_ids) == sorted(
        [first.article.id, second.article.id])
    store.close()
