"""Story vectors: articles and centroids as sparse feature weights (and, when sentence
vectors are stored, a dense embedding), how alike they are, and how a story's articles fall
into two groups.

Features are "w:word" or "e:entity name"; word and name parts are normalized apart and
their cosines blended, so that a story's names weigh the same however long its texts are.
An article's embedding is the unit mean of its lead sentences' embeddings, a story's the
sum of its articles'; where both sides have one, its cosine joins the blend.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from backstory.store import StoryMember, StoryState

__all__ = ["added", "centroid_of", "centroid_similarity", "dots", "embedding_cosine",
           "embedding_sum", "norm2", "similarity", "strongest", "two_means", "unit"]

_TEXT_WEIGHT = 0.75
_ENTITY_WEIGHT = 0.25
# Where both sides have an embedding, its cosine above the floor (rescaled to 0..1) takes
# this share of the score. Lead embeddings of articles on different events have a cosine
# of 0.1-0.15 on average (0.2-0.3 at the 90th percentile), of the same event 0.5-0.6.
# Both chosen in the middle of the plateau of a sweep on development data only (news-dev,
# the sample corpus and the dev half of news_cluster; BENCHMARKS.md).
_EMBEDDING_WEIGHT = 0.25
_EMBEDDING_FLOOR = 0.4
_ROUNDS = 10  # 2-means rounds at most


def similarity(weights: Mapping[str, float], embedding: bytes, story: StoryState) -> float:
    """How alike a unit-length article (its weights and embedding) and a centroid are."""
    text_dot, names_dot = dots(weights, story.weights)
    text = text_dot / math.sqrt(story.text_norm2) if story.text_norm2 > 0 else 0.0
    names = names_dot / math.sqrt(story.entity_norm2) if story.entity_norm2 > 0 else 0.0
    return _blend(text, names, embedding_cosine(embedding, story.embedding))


def centroid_similarity(a: StoryState, b: StoryState) -> float:
    """How alike two centroids are: whether stories merge, and whether the parts of one
    split."""
    parts = []
    for product, norms in zip(dots(a.weights, b.weights),
                              ((a.text_norm2, b.text_norm2), (a.entity_norm2, b.entity_norm2)),
                              strict=True):
        denominator = math.sqrt(norms[0] * norms[1])
        parts.append(product / denominator if denominator else 0.0)
    return _blend(parts[0], parts[1], embedding_cosine(a.embedding, b.embedding))


def embedding_cosine(a: bytes, b: bytes) -> float | None:
    """The cosine of two embeddings (float32 bytes, either a sum of unit vectors); None
    when either side has none."""
    if not a or not b:
        return None
    left, right = _array(a), _array(b)
    denominator = float(np.linalg.norm(left) * np.linalg.norm(right))
    return float(left @ right) / denominator if denominator else 0.0


def embedding_sum(a: bytes, b: bytes) -> bytes:
    """The sum of two embeddings (float32 bytes); either may be empty."""
    if not a or not b:
        return a or b
    return (_array(a) + _array(b)).tobytes()


def dots(a: Mapping[str, float], b: Mapping[str, float]) -> tuple[float, float]:
    """The dot products of the word ("w:") parts and of the name ("e:") parts, in one
    pass over the smaller mapping."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    words = names = 0.0
    for feature, value in small.items():
        if (other := large.get(feature)) is not None:
            if feature.startswith("w:"):
                words += value * other
            elif feature.startswith("e:"):
                names += value * other
    return words, names


def norm2(weights: Mapping[str, float], prefix: str) -> float:
    return sum(v * v for f, v in weights.items() if f.startswith(prefix))


def unit(weights: Mapping[str, float], prefix: str) -> dict[str, float]:
    norm = math.sqrt(norm2(weights, prefix))
    return {f: v / norm for f, v in weights.items() if f.startswith(prefix)} if norm else {}


def strongest(weights: Mapping[str, float], prefix: str, limit: int) -> list[str]:
    ranked = sorted((f for f in weights if f.startswith(prefix)),
                    key=lambda f: (-weights[f], f))
    return ranked[:limit]


def added(a: Mapping[str, float], b: Mapping[str, float]) -> dict[str, float]:
    total = dict(a)
    for feature, weight in b.items():
        total[feature] = total.get(feature, 0.0) + weight
    return total


def centroid_of(members: Sequence[StoryMember]) -> StoryState:
    """The summed weights of `members` as an unnamed story's whole centroid."""
    weights: dict[str, float] = {}
    embedding = b""
    for member in members:
        for feature, weight in member.weights.items():
            weights[feature] = weights.get(feature, 0.0) + weight
        embedding = embedding_sum(embedding, member.embedding)
    return StoryState(id="", title="", title_score=0.0, size=len(members),
                      text_norm2=norm2(weights, "w:"), entity_norm2=norm2(weights, "e:"),
                      first_seen=None, last_seen=None, first_day=None, last_day=None,
                      weights=weights, embedding=embedding)


def two_means(members: Sequence[StoryMember]
              ) -> tuple[list[StoryMember], list[StoryMember]] | None:
    """The members cut in two by 2-means under the clustering's own similarity, seeded
    with the member least like the whole story and the member least like that one."""
    whole = centroid_of(members)
    first = min(members, key=lambda m: similarity(m.weights, m.embedding, whole))
    alone = centroid_of([first])
    second = min(members, key=lambda m: similarity(m.weights, m.embedding, alone))
    if second is first:
        return None
    centroids = (alone, centroid_of([second]))
    sides: list[bool] = []  # True: the member is nearer the first centroid
    for _ in range(_ROUNDS):
        new_sides = [similarity(m.weights, m.embedding, centroids[0])
                     >= similarity(m.weights, m.embedding, centroids[1]) for m in members]
        if all(new_sides) or not any(new_sides):
            return None
        if new_sides == sides:
            break
        sides = new_sides
        centroids = (centroid_of([m for m, near in zip(members, sides, strict=True) if near]),
                     centroid_of([m for m, near in zip(members, sides, strict=True)
                                  if not near]))
    return ([m for m, near in zip(members, sides, strict=True) if near],
            [m for m, near in zip(members, sides, strict=True) if not near])


def _blend(text: float, names: float, embedding: float | None) -> float:
    lexical = _TEXT_WEIGHT * text + _ENTITY_WEIGHT * names
    if embedding is None:
        return lexical
    above = max(0.0, embedding - _EMBEDDING_FLOOR) / (1 - _EMBEDDING_FLOOR)
    return (1 - _EMBEDDING_WEIGHT) * lexical + _EMBEDDING_WEIGHT * above


def _array(embedding: bytes) -> npt.NDArray[np.float32]:
    return np.frombuffer(embedding, dtype=np.float32)
