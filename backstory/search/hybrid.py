"""Hybrid sentence search: BM25 hits and embedding neighbours, fused by reciprocal rank.

BM25 finds sentences that share the question's rare words; the embedding index finds
sentences that say the same thing in other words. Reciprocal rank fusion (Cormack et al.,
2009) merges the two rankings without comparing their incomparable scores: each sentence
scores the sum of 1 / (k + rank) over the lists it appears in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from backstory.models import SentenceHit
from backstory.search.embeddings import SentenceEncoder, from_bytes
from backstory.search.fulltext import QueryTerms, search_sentences
from backstory.search.vectors import VectorIndex
from backstory.store import Store

__all__ = ["RRF_K", "HybridSearcher", "fuse"]

# The constant of reciprocal rank fusion; 60 is the value of the original paper, which
# damps the difference between the first few ranks of either list.
RRF_K = 60


class HybridSearcher:
    """Ranks a store's sentences for a question by BM25 and by embedding, fused."""

    def __init__(self, store: Store, index: VectorIndex, encoder: SentenceEncoder
                 ) -> None:
        self._store = store
        self._index = index
        self._encoder = encoder

    def search(self, text: str, terms: QueryTerms, *, limit: int) -> list[SentenceHit]:
        """The best `limit` sentences of both rankings, each with its fused score and its
        cosine similarity to the question."""
        lexical = search_sentences(self._store, terms, limit=limit)
        query = self._encoder.encode_one(text)
        matches = self._index.search(query, limit=limit)
        dense = self._store.sentence_hits([m.sentence_pk for m in matches])
        fused = fuse([lexical, dense], limit=limit)
        # Every candidate gets its similarity, the BM25-only ones too (from the store).
        stored = self._store.vectors_of([hit.sentence.id for hit in fused])
        ids = [hit.sentence.id for hit in fused if hit.sentence.id in stored]
        cosines = (from_bytes([stored[i] for i in ids]) @ query).tolist()
        similarity = dict(zip(ids, cosines, strict=True))
        return [replace(hit, similarity=similarity.get(hit.sentence.id)) for hit in fused]


def fuse(rankings: Sequence[Sequence[SentenceHit]], *, limit: int, k: int = RRF_K
         ) -> list[SentenceHit]:
    """Reciprocal rank fusion of several rankings of sentences (best first in each); the
    fused score replaces each hit's score."""
    scores: dict[str, float] = {}
    first: dict[str, SentenceHit] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking, start=1):
            key = hit.sentence.id
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
            first.setdefault(key, hit)
    order = sorted(scores, key=lambda key: -scores[key])[:limit]
    return [replace(first[key], score=scores[key]) for key in order]
