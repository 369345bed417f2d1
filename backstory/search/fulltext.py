"""Full-text sentence search: content words of a query, weighted by how rare they are."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from backstory.models import SentenceHit
from backstory.store import Store

__all__ = ["QueryTerms", "query_terms", "search_sentences", "stem"]

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
# Question words and auxiliaries say what is asked, not what to look for.
_QUERY_STOP = STOP_WORDS | {"did", "does", "do", "happen", "happened", "say", "said"}
# A question names a handful of things. Each word costs a count query and an FTS5 term, so a
# pasted page (the CLI and Python API take any length) is searched on its first words only.
_MAX_QUERY_WORDS = 32
_COMMON_SHARE = 0.005
_MIN_SEARCH_WORDS = 3
_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly")


def stem(word: str) -> str:
    """A light suffix-stripping stem, enough to match "meet"/"meeting", "deport"/"deported"."""
    word = word.lower().replace("’", "'").removesuffix("'s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """The content words of a query, each with a weight (its inverse sentence frequency)."""

    words: tuple[str, ...]
    weights: dict[str, float]  # keyed by stem
    # Share of the store's sentences holding each word (lowercased), for choosing what to
    # match; empty when unknown.
    shares: dict[str, float] = field(default_factory=dict)

    def search_words(self) -> tuple[str, ...]:
        """The words worth matching: the rare ones. A word in one sentence of 200 or more
        makes FTS5 score most of the store for little gain in ranking (the answer engine
        still weighs every word when it judges the candidates); the three rarest words are
        always kept."""
        if not self.shares:
            return self.words
        by_rarity = sorted(self.words, key=lambda w: self.shares.get(w.lower(), 0.0))
        rare = [w for w in by_rarity if self.shares.get(w.lower(), 0.0) < _COMMON_SHARE]
        return tuple(rare if len(rare) >= _MIN_SEARCH_WORDS else by_rarity[:_MIN_SEARCH_WORDS])

    def coverage(self, text: str) -> float:
        """The weighted share of the query's words that a text contains."""
        total = sum(self.weights.values())
        if not total:
            return 0.0
        present = {stem(w) for w in _WORD.findall(text)}
        return sum(w for s, w in self.weights.items() if s in present) / total


def query_terms(store: Store, text: str) -> QueryTerms:
    """Content words of a query (the first `_MAX_QUERY_WORDS`) with IDF weights measured on
    the store's sentences."""
    words = tuple(dict.fromkeys(
        w for w in _WORD.findall(text) if w.lower() not in _QUERY_STOP and len(w) > 1
    ))[:_MAX_QUERY_WORDS]
    total, counts = store.sentence_frequencies([w.lower() for w in words])
    weights: dict[str, float] = {}
    for word in words:
        seen = counts.get(word.lower(), 0)
        weights[stem(word)] = math.log(1 + (total + 1) / (seen + 1))
    shares = {w.lower(): counts.get(w.lower(), 0) / max(total, 1) for w in words}
    return QueryTerms(words=words, weights=weights, shares=shares)


def search_sentences(store: Store, terms: QueryTerms, *, limit: int = 50) -> list[SentenceHit]:
    """The sentences best matching the query's words, by BM25."""
    return store.search_sentences(terms.search_words(), limit=limit)
