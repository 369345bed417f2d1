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

__all__ = ["WORD", "MatchPlan", "QueryTerms", "query_terms", "search_sentences", "stem"]

WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")  # a word of a query or sentence
# "CrowdStrike's" is searched as "CrowdStrike": the index splits the possessive into a word
# "s" of its own, which nearly every sentence holds.
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
# Question words and auxiliaries say what is asked, not what to look for.
_QUERY_STOP = STOP_WORDS | {"did", "does", "do", "happen", "happened", "say", "said"}
# A question names a handful of things. Each word costs a count query and an FTS5 term, so a
# pasted page (the CLI and Python API take any length) is searched on its first words only.
_MAX_QUERY_WORDS = 32
# Common words are matched together ("New" and "York"), dropping the most common one at a
# time while too few sentences hold them all, down to this many (one when no word is rare).
_MIN_TOGETHER = 2
_STEMMER = Stemmer.Stemmer("english")  # Snowball (Porter 2): "scored"/"score", "rates"/"rate"


def stem(word: str) -> str:
    """The Snowball stem of a word, lowercased: "meeting" and "meet", "deported" and
    "deport" share one."""
    word = word.lower().replace("’", "'").removesuffix("'s")
    return str(_STEMMER.stemWord(word))


@dataclass(frozen=True, slots=True)
class MatchPlan:
    """The words a full-text search matches: sentences holding any of the `rare` ones,
    and when those are too few, sentences holding all of the `common` ones (rarest
    first)."""

    rare: tuple[str, ...]
    common: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """The content words of a query, each with a weight (its inverse sentence frequency)."""

    words: tuple[str, ...]
    weights: dict[str, float]  # keyed by stem
    # How many of the store's sentences hold each word (lowercased), for choosing what to
    # match; empty when unknown.
    counts: dict[str, int] = field(default_factory=dict)

    def match_plan(self, *, max_ranked: int) -> MatchPlan:
        """Which words full-text search matches, given that it may rank about `max_ranked`
        sentences: the rarest words whose sentences add up to no more (any of them), and
        the rest, each held by about that many sentences or more, to be matched together.
        BM25 weighs a word by its rarity, so the rare words find the best candidates, and
        a common word's long posting list costs more to score than it adds to ranking
        (the answer engine still weighs every word when it judges the candidates). A
        small store matches every word as one."""
        by_rarity = sorted(self.words, key=lambda w: self.counts.get(w.lower(), 0))
        rare: list[str] = []
        ranked = 0
        for word in by_rarity:
            ranked += self.counts.get(word.lower(), 0)
            if ranked > max_ranked:
                break
            rare.append(word)
        return MatchPlan(rare=tuple(rare), common=tuple(by_rarity[len(rare):]))

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
        the words of `names` are set aside: "who kicked the deciding goal" →
        kicked-deciding, deciding-goal) that stand side by side in the text too, in
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
        w for w in (_POSSESSIVE.sub("", w) for w in WORD.findall(text))
        if w.lower() not in _QUERY_STOP and len(w) > 1
    ))[:_MAX_QUERY_WORDS]
    total, counts = store.sentence_frequencies([w.lower() for w in words])
    weights: dict[str, float] = {}
    for word in words:
        seen = counts.get(word.lower(), 0)
        weights[stem(word)] = math.log(1 + (total + 1) / (seen + 1))
    held = {w.lower(): counts.get(w.lower(), 0) for w in words}
    return QueryTerms(words=words, weights=weights, counts=held)


def search_sentences(store: Store, terms: QueryTerms, *, limit: int = 50) -> list[SentenceHit]:
    """The sentences best matching the query's words by BM25, ranking a bounded number of
    sentences however large the store (see `QueryTerms.match_plan`).

    A sentence's BM25 score is a sum over the words it holds, so the best sentences
    among those holding a rare word are found exactly, without scoring every sentence
    that holds a common one: those holding rare words only are ranked by the rare words,
    those holding a rare and a common word by all of them. Sentences holding all the
    common words together ("New York", not every "new") join them; while too few are
    found, the most common word is dropped from that group.
    """
    plan = terms.match_plan(max_ranked=store.max_ranked)
    scores: dict[int, float] = {}  # by sentence pk

    def add(ranked: list[tuple[int, float]]) -> None:
        for pk, score in ranked:
            scores[pk] = max(score, scores.get(pk, score))

    if plan.rare:
        add(store.rank_sentences(plan.rare, limit=limit))
        if plan.common:
            add(store.rank_sentences(plan.rare, limit=limit, with_any=plan.common))
    together = list(plan.common)
    while len(together) >= _MIN_TOGETHER or (together and not plan.rare):
        add(store.rank_sentences(together, limit=limit, match_all=True))
        if len(scores) >= limit:
            break
        together.pop()
    best = sorted(scores, key=lambda pk: -scores[pk])[:limit]
    return store.sentence_hits(best, scores=scores)
