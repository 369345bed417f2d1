"""A first explainer: the story's most central sentences, one per article, in time order."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from backstory.models import Explainer, SentenceHit, Statement, Story

__all__ = ["build_explainer"]

_MIN_CHARS = 40
_MAX_STATEMENTS = 5


def build_explainer(story: Story, sentences: Sequence[SentenceHit]) -> Explainer:
    """Pick the sentences closest to the story's centroid, at most one per article.

    Each statement is a source sentence quoted as it stands, so it cites itself.
    """
    pool = [h for h in sentences if len(h.sentence.text) >= _MIN_CHARS
            and not h.sentence.text.endswith("?")]
    if not pool:
        return Explainer(story_id=story.id, title=story.title, statements=())
    try:
        vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
            [h.sentence.text for h in pool])
    except ValueError:  # no content words at all: keep the sentences in their order
        vectors = None
    if vectors is None:
        return Explainer(story_id=story.id, title=story.title, statements=tuple(
            Statement(text=h.sentence.text, citations=(h.citation(),))
            for h in pool[:_MAX_STATEMENTS]))
    centroid = np.asarray(vectors.mean(axis=0))
    centrality = np.asarray(vectors @ centroid.T).ravel()
    chosen: list[SentenceHit] = []
    seen_articles: set[str] = set()
    for index in np.argsort(-centrality, kind="stable"):
        hit = pool[int(index)]
        if hit.article.id in seen_articles:
            continue
        chosen.append(hit)
        seen_articles.add(hit.article.id)
        if len(chosen) == _MAX_STATEMENTS:
            break
    chosen.sort(key=lambda h: (h.article.published_at or "", h.article.id, h.sentence.index))
    return Explainer(
        story_id=story.id,
        title=story.title,
        statements=tuple(Statement(text=h.sentence.text, citations=(h.citation(),))
                         for h in chosen),
    )
