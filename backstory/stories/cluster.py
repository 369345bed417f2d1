"""Grouping articles into stories: similar words, shared names, close in time.

Similarity is a blend of TF-IDF cosine over the text and the overlap of named entities;
articles published further apart than the time window never join. Average-link
agglomerative clustering cuts the tree at the similarity threshold.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import date
from typing import cast

import numpy as np
from numpy.typing import NDArray
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

from backstory.models import Story
from backstory.store import ArticleFeatures

__all__ = ["StoryClusterer"]

_TEXT_WEIGHT = 0.75
_ENTITY_WEIGHT = 0.25


class StoryClusterer:
    """Clusters all stored articles into stories (recomputed as a whole for now)."""

    def __init__(self, *, threshold: float, window_days: int) -> None:
        self.threshold = threshold
        self.window_days = window_days

    def cluster(self, articles: Sequence[ArticleFeatures]) -> list[Story]:
        if not articles:
            return []
        similarity = self.similarity(articles)
        if len(articles) == 1:
            labels = np.array([1])
        else:
            distance = np.clip(1.0 - similarity, 0.0, None)
            np.fill_diagonal(distance, 0.0)
            tree = linkage(squareform(distance, checks=False), method="average")
            labels = fcluster(tree, t=1.0 - self.threshold, criterion="distance")
        groups: dict[int, list[int]] = {}
        for index, label in enumerate(labels):
            groups.setdefault(int(label), []).append(index)
        return [_story(articles, members, similarity) for members in groups.values()]

    def similarity(self, articles: Sequence[ArticleFeatures]) -> NDArray[np.float64]:
        """Pairwise similarity in [0, 1]; zero across the time window."""
        texts = [f"{a.meta.title or ''}\n{a.text}" for a in articles]
        try:
            vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1,
                                      max_df=0.5 if len(texts) > 20 else 1.0).fit_transform(texts)
            text_sim = (vectors @ vectors.T).toarray()
        except ValueError:  # no article has a content word: only names can join them
            text_sim = np.zeros((len(texts), len(texts)))
        entity_sim = _jaccard([frozenset(n.casefold() for n in a.entities) for a in articles])
        similarity = _TEXT_WEIGHT * text_sim + _ENTITY_WEIGHT * entity_sim
        days = np.array([_day(a.meta.published_at) for a in articles], dtype=np.float64)
        apart = np.abs(days[:, None] - days[None, :]) > self.window_days  # NaN compares False
        similarity[apart] = 0.0
        return cast(NDArray[np.float64], np.asarray(similarity, dtype=np.float64))


def _jaccard(sets: list[frozenset[str]]) -> NDArray[np.float64]:
    """Pairwise Jaccard overlap of name sets, computed with one sparse product."""
    vocabulary = {name: i for i, name in enumerate(sorted(set().union(*sets)))}
    rows = [i for i, names in enumerate(sets) for _ in names]
    cols = [vocabulary[name] for names in sets for name in names]
    matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sets), len(vocabulary)))
    shared = (matrix @ matrix.T).toarray()
    sizes = np.array([len(names) for names in sets], dtype=np.float64)
    union = sizes[:, None] + sizes[None, :] - shared
    overlap: NDArray[np.float64] = np.divide(shared, union, out=np.zeros_like(shared),
                                             where=union > 0)
    return overlap


def _day(published_at: str | None) -> float:
    """The publication day as an ordinal number, NaN when unknown."""
    if not published_at:
        return math.nan
    try:
        return float(date.fromisoformat(published_at[:10]).toordinal())
    except ValueError:
        return math.nan


def _story(articles: Sequence[ArticleFeatures], members: list[int],
           similarity: NDArray[np.float64]) -> Story:
    metas = [articles[i].meta for i in members]
    ordered = sorted(metas, key=lambda m: (m.published_at or "9999", m.id))
    # The most central article (closest on average to the others) names the story.
    centrality = similarity[np.ix_(members, members)].mean(axis=1)
    central = articles[members[int(np.argmax(centrality))]]
    title = central.meta.title or central.text.split("\n", 1)[0][:120]
    dates = [m.published_at for m in metas if m.published_at]
    story_id = "s" + hashlib.sha256(ordered[0].id.encode()).hexdigest()[:11]
    return Story(
        id=story_id,
        title=title,
        article_ids=tuple(m.id for m in ordered),
        first_seen=min(dates) if dates else None,
        last_seen=max(dates) if dates else None,
    )
