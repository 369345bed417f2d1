"""Full-text sentence search: content words of a query, weighted by how rare they are."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field

import Stemmer
from spacy.lang.en.stop_words import STOP_WORDS

from backstory.models import SentenceHit
from backstory.store import Store

__all__ = ["WORD", "QueryTerms", "query_terms", "search_sentences", "stem"]

WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")  # a word of a query or sentence
# Question words and auxiliaries say what is asked, not what to look for.
_QUERY_STOP = STOP_WORDS | {"did", "does", "do", "happen", "happened", "say", "said"}
# A question names a handful of things. Each word costs a count query and an FTS5 term, so a
# pasted page (the CLI and Python API take any length) is searched on its first words only.
_MAX_QUERY_WORDS = 32
# A word held by more sentences than this is left out of the full-text match (see
# `QueryTerms.search_words`): its posting list costs more to score than it adds to ranking.
_COMMON_SENTENCES = 5000
_MIN_SEARCH_WORDS = 3
_STEMMER = Stemmer.Stemmer("english")  # Snowball (Porter 2): "scored"/"score", "rates"/"rate"


def stem(word: str) -> str:
    """The Snowball stem of a word, lowercased: "meeting" and "meet", "deported" and
    "deport" share one."""
    word = word.lower().replace("’", "'").removesuffix("'s")
    return str(_STEMMER.stemWord(word))


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """The content words of a query, each with a weight (its inverse sentence frequency)."""

    words: tuple[str, ...]
    weights: dict[str, float]  # keyed by stem
    # How many of the store's sentences hold each word (lowercased), for choosing what to
    # match; empty when unknown.
    counts: dict[str, int] = field(default_factory=dict)

    def search_words(self) -> tuple[str, ...]:
        """The words worth matching. A word held by thousands of sentences makes FTS5
        score a long posting list for little gain in ranking (the answer engine still
        weighs every word when it judges the candidates), so such words are left out of
        large stores' matches, keeping at least the three rarest words. A small store
        matches every word: there, rarity says little, and its lists are short."""
        if not self.counts:
            return self.words
        by_rarity = sorted(self.words, key=lambda w: self.counts.get(w.lower(), 0))
        rare = [w for w in by_rarity if self.counts.get(w.lower(), 0) <= _COMMON_SENTENCES]
        return tuple(rare if len(rare) >= _MIN_SEARCH_WORDS else by_rarity[:_MIN_SEARCH_WORDS])

    def coverage(self, text: str, *, ignoring: Collection[str] = ()) -> float:
        """The weighted share of the query's words that a text contains, leaving out the
        words of the names `ignoring` (to ask what a text says besides naming them)."""
        left_out = {stem(w) for name in ignoring for w in WORD.findall(name)}
        weights = {s: w for s, w in self.weights.items() if s not in left_out}
        total = sum(weights.values())
        if not total:
            return 0.0
        present = {stem(w) for w in WORD.findall(text)}
        return sum(w for s, w in weights.items() if s in present) / total

    def phrase_coverage(self, text: str, *, names: Collection[str] = ()) -> float:
        """The weighted share of the query's word pairs (neighbours once stop words and
        the words of `names` are set aside: "who scored the winning penalty" →
        scored-winning, winning-penalty) that stand side by side in the text too, in
        either order. A text that keeps the query's phrases says what the query asks more
        surely than one that scatters its words. Names are left out because a text
        refers back to them in other words ("he", "the two leaders"). With fewer than two
        such words, the plain coverage."""
        named = {w.casefold() for name in names for w in WORD.findall(name)}
        stems = [stem(w) for w in self.words if w.casefold() not in named]
        pairs = list(itertools.pairwise(stems))
        if not pairs:
            return self.coverage(text)
        content = [stem(w) for w in WORD.findall(text) if w.lower() not in _QUERY_STOP]
        held = set(itertools.pairwise(content))
        held |= {(b, a) for a, b in held}
        weight = {pair: self.weights.get(pair[0], 0.0) + self.weights.get(pair[1], 0.0)
                  for pair in pairs}
        total = sum(weight.values())
        return sum(w for pair, w in weight.items() if pair in held) / total if total else 0.0


def query_terms(store: Store, text: str) -> QueryTerms:
    """Content words of a query (the first `_MAX_QUERY_WORDS`) with IDF weights measured on
    the store's sentences."""
    words = tuple(dict.fromkeys(
        w for w in WORD.findall(text) if w.lower() not in _QUERY_STOP and len(w) > 1
    ))[:_MAX_QUERY_WORDS]
    total, counts = store.sentence_frequencies([w.lower() for w in words])
    weights: dict[str, float] = {}
    for word in words:
        seen = counts.get(word.lower(), 0)
        weights[stem(word)] = math.log(1 + (total + 1) / (seen + 1))
    held = {w.lower(): counts.get(w.lower(), 0) for w in words}
    return QueryTerms(words=words, weights=weights, counts=held)


def search_sentences(store: Store, terms: QueryTerms, *, limit: int = 50) -> list[SentenceHit]:
    """The sentences best matching the query's words, by BM25."""
    return store.search_sentences(terms.search_words(), limit=limit)
