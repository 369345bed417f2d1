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
    rows = _MemberRows(members)
    everyone = np.ones(len(members), dtype=bool)
    first = int(np.argmin(rows.similarities(everyone)))
    alone = rows.similarities(_only(first, len(members)))
    second = int(np.argmin(alone))
    if second == first:
        return None
    to_first, to_second = alone, rows.similarities(_only(second, len(members)))
    sides = None  # True: the member is nearer the first centroid
    for _ in range(_ROUNDS):
        new_sides = to_first >= to_second
        if new_sides.all() or not new_sides.any():
            return None
        if sides is not None and np.array_equal(new_sides, sides):
            break
        sides = new_sides
        to_first, to_second = rows.similarities(sides), rows.similarities(~sides)
    assert sides is not None
    return ([m for m, near in zip(members, sides, strict=True) if near],
            [m for m, near in zip(members, sides, strict=True) if not near])


class _MemberRows:
    """A story's members as sparse rows of their weights (and a matrix of their
    embeddings), so that every member is compared with a centroid of some of them in a
    few array operations: `similarity` for all members at once."""

    def __init__(self, members: Sequence[StoryMember]) -> None:
        columns: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        for row, member in enumerate(members):
            for feature, value in member.weights.items():
                rows.append(row)
                cols.append(columns.setdefault(feature, len(columns)))
                values.append(value)
        self._size = len(members)
        self._rows = np.array(rows, dtype=np.intp)
        self._cols = np.array(cols, dtype=np.intp)
        self._values = np.array(values, dtype=np.float64)
        self._width = len(columns)
        self._is_word = np.array([f.startswith("w:") for f in columns], dtype=bool)
        self._is_name = np.array([f.startswith("e:") for f in columns], dtype=bool)
        self._word_entries = self._is_word[self._cols]
        self._name_entries = self._is_name[self._cols]
        self._has_embedding = np.array([bool(m.embedding) for m in members], dtype=bool)
        dimension = max((len(m.embedding) // 4 for m in members), default=0)
        self._embeddings = np.zeros((len(members), dimension), dtype=np.float32)
        for row, member in enumerate(members):
            if member.embedding:
                self._embeddings[row] = _array(member.embedding)
        self._embedding_norms = np.linalg.norm(self._embeddings, axis=1)

    def similarities(self, chosen: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
        """`similarity` of every member to the centroid of the `chosen` members."""
        taken = chosen[self._rows]
        centroid = np.bincount(self._cols[taken], weights=self._values[taken],
                               minlength=self._width)
        products = self._values * centroid[self._cols]
        parts = []
        for entries, features in ((self._word_entries, self._is_word),
                                  (self._name_entries, self._is_name)):
            norm2_ = float(np.dot(centroid[features], centroid[features]))
            dot = np.bincount(self._rows, weights=np.where(entries, products, 0.0),
                              minlength=self._size)
            parts.append(dot / math.sqrt(norm2_) if norm2_ > 0 else np.zeros(self._size))
        lexical = _TEXT_WEIGHT * parts[0] + _ENTITY_WEIGHT * parts[1]
        with_embedding = chosen & self._has_embedding
        if not with_embedding.any():
            return lexical
        summed = self._embeddings[with_embedding].sum(axis=0)
        denominators = self._embedding_norms * np.float32(np.linalg.norm(summed))
        cosines = np.divide(self._embeddings @ summed, denominators,
                            out=np.zeros(self._size, dtype=np.float32),
                            where=denominators != 0).astype(np.float64)
        above = np.maximum(0.0, cosines - _EMBEDDING_FLOOR) / (1 - _EMBEDDING_FLOOR)
        blended = (1 - _EMBEDDING_WEIGHT) * lexical + _EMBEDDING_WEIGHT * above
        return np.where(self._has_embedding, blended, lexical)


def _only(index: int, size: int) -> npt.NDArray[np.bool_]:
    chosen = np.zeros(size, dtype=bool)
    chosen[index] = True
    return chosen


def _blend(text: float, names: float, embedding: float | None) -> float:
    lexical = _TEXT_WEIGHT * text + _ENTITY_WEIGHT * names
    if embedding is None:
        return lexical
    above = max(0.0, embedding - _EMBEDDING_FLOOR) / (1 - _EMBEDDING_FLOOR)
    return (1 - _EMBEDDING_WEIGHT) * lexical + _EMBEDDING_WEIGHT * above


def _array(embedding: bytes) -> npt.NDArray[np.float32]:
    return np.frombuffer(embedding, dtype=np.float32)
