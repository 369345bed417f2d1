"""Story clustering reads the embeddings of articles' lead sentences when they are stored,
and groups by words and names alone when they are not."""

from __future__ import annotations

import numpy as np

from backstory.config import Settings
from backstory.models import Analysis, Article, ArticleMeta, Mention, NewArticle, Sentence
from backstory.store import ArticleFeatures, open_store
from backstory.stories import StoryClusterer

DIMENSIONS = 384
RESCUE = ("Tarvel earthquake: rescuers dig",
          "Rescuers pulled survivors from collapsed homes in Tarvel after the earthquake.",
          ("Tarvel",))
AID = ("Convoys reach Tarvel province",
       "Red Crescent convoys reached Tarvel Province, where the tremor flattened hillside "
       "villages.",
       ("Tarvel Province", "Red Crescent"))


def _vector(axis: int) -> bytes:
    """A unit embedding (float16 bytes, as the store keeps them) along one axis."""
    vector = np.zeros(DIMENSIONS, dtype=np.float16)
    vector[axis] = 1.0
    return vector.tobytes()


def _features(article_id: str, item: tuple[str, str, tuple[str, ...]], lead: tuple[bytes, ...]
              ) -> ArticleFeatures:
    title, text, names = item
    return ArticleFeatures(ArticleMeta(article_id, title, None, None, "2025-05-02"), text,
                           names, lead_vectors=lead)


def _groups(clusterer: StoryClusterer, articles: list[ArticleFeatures]) -> list[list[str]]:
    return sorted(sorted(s.article_ids) for s in clusterer.cluster(articles))


def test_articles_that_share_few_words_join_when_their_leads_mean_the_same() -> None:
    clusterer = StoryClusterer(threshold=0.12, window_days=10)
    apart = [["a"], ["b"]]
    # Words and names alone keep them apart (one shared word), as without sentence vectors.
    assert _groups(clusterer, [_features("a", RESCUE, ()), _features("b", AID, ())]) == apart
    assert _groups(clusterer, [_features("a", RESCUE, (_vector(0),)),
                               _features("b", AID, (_vector(0),))]) == [["a", "b"]]
    assert _groups(clusterer, [_features("a", RESCUE, (_vector(0),)),
                               _features("b", AID, (_vector(1),))]) == apart
    # One side without an embedding: words and names decide.
    assert _groups(clusterer, [_features("a", RESCUE, (_vector(0),)),
                               _features("b", AID, ())]) == apart


def _stored(item: tuple[str, str, tuple[str, ...]], axis: int | None) -> NewArticle:
    title, text, names = item
    article = Article.create(text, input=f"test#{title}", title=title,
                             published_at="2025-05-02")
    sentence = Sentence(id=f"{article.id}:0", article_id=article.id, index=0, start=0,
                        end=len(text), text=text)
    mentions = tuple(Mention(name=n, type="GPE", sentence_index=0, start=text.index(n),
                             end=text.index(n) + len(n), text=n) for n in names)
    vectors = () if axis is None else (_vector(axis),)
    return NewArticle(article, Analysis(article.id, (sentence,), mentions), (), (),
                      vectors=vectors)


def test_stored_sentence_vectors_group_articles_and_a_rebuild_agrees(db_path: str) -> None:
    store = open_store(Settings(db=db_path).db_url)
    clusterer = StoryClusterer(threshold=0.12, window_days=10)
    rescue, aid = _stored(RESCUE, 0), _stored(AID, 0)
    store.write([rescue])
    clusterer.update(store)
    store.write([aid])
    clusterer.update(store)
    [story] = store.stories()
    assert sorted(story.article_ids) == sorted([rescue.article.id, aid.article.id])
    with store.story_index() as index:
        state = index.story_states([story.id], [])[story.id]
        members = index.story_members(story.id)
    summed = np.frombuffer(state.embedding, dtype=np.float32)
    assert summed[0] == 2.0 and len(summed) == DIMENSIONS  # both articles' embeddings
    assert all(len(m.embedding) == 4 * DIMENSIONS for m in members)
    clusterer.rebuild(store)
    assert [sorted(s.article_ids) for s in store.stories()] == [sorted(story.article_ids)]
    store.close()


def test_without_sentence_vectors_stored_articles_are_grouped_by_words_and_names(
        db_path: str) -> None:
    store = open_store(Settings(db=db_path).db_url)
    store.write([_stored(RESCUE, None), _stored(AID, None)])
    StoryClusterer(threshold=0.12, window_days=10).update(store)
    assert len(store.stories()) == 2
    store.close()
