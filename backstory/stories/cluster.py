"""Grouping articles into stories, one article at a time: similar words, shared names,
close in time.

Each new article is compared with the stories that share a name or a key word with it
within the time window (found through an inverted index, not a scan of all stories); it
joins the most similar one if the similarity reaches the threshold, else it starts a new
story. Similarity blends the cosine of TF-IDF words (title words count more) with that of
entity names, and, when sentence vectors are stored, with that of the embeddings of the
lead sentences, against the story's centroid. An article close to two stories whose
centroids turn out to be alike merges them.

A story whose articles drift apart splits: when it grows past 6, 12, 24… articles, its
articles are cut in two by 2-means on their vectors, and the parts become two stories if
each keeps at least two articles and their centroids are less alike than `threshold`, the
same test merging uses, so a split is never merged back by the next article. The check
reads only that story's articles, and as the sizes double it costs O(1) per article.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from backstory.models import Story
from backstory.search.embeddings import from_bytes
from backstory.store import (
    STORIES_REBUILD,
    ArticleFeatures,
    Store,
    StoryIndex,
    StoryMember,
    StoryState,
)
from backstory.stories.memory_index import MemoryStoryIndex
from backstory.stories.vectors import (
    added,
    centroid_of,
    centroid_similarity,
    dots,
    embedding_sum,
    norm2,
    similarity,
    strongest,
    two_means,
    unit,
)

__all__ = ["LEAD_SENTENCES", "StoryClusterer", "short_title"]

# An article's embedding is the mean of its first sentences' (where the news is told).
LEAD_SENTENCES = 3

_TITLE_BOOST = 3  # a title word counts as this many words of the body
_KEEP_WORDS = 40  # an article's strongest words kept in its story's centroid
_KEEP_NAMES = 15
_KEY_WORDS = 8  # words (besides names) an article can be found by
_CANDIDATES = 20  # stories compared in full with each new article
_COMMON = 0.5  # words in more than this share of articles say nothing about the story
_CHUNK = 256  # articles per transaction
_TITLE_CHARS = 90
_SPLIT_FIRST = 6  # a story is checked for drift at this size, then each time it doubles
_SPLIT_PART = 2  # articles each part of a split keeps at least
_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]")
_STOP = frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "told", "according", "also", "new",
                                         "year", "years", "just", "like", "people"}
_OUTLET_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,40}$")


@dataclass(frozen=True, slots=True)
class _Vector:
    """An article as clustering sees it: unit-length word and name weights, its keys."""

    article_id: str
    day: int | None
    published_at: str | None
    title: str
    weights: dict[str, float]
    kept: dict[str, float]  # the part added to its story's centroid
    keys: tuple[str, ...]
    embedding: bytes  # unit length, float32; empty without sentence vectors


class StoryClusterer:
    """Assigns articles to stories incrementally, over a store or in memory."""

    def __init__(self, *, threshold: float, window_days: int) -> None:
        self.threshold = threshold
        self.window_days = window_days

    # -- over a store --------------------------------------------------------------------

    def update(self, store: Store) -> int:
        """Put every stored article that is in no story yet into one, in the order they
        were stored; returns how many. Finishes a full rebuild that was cut short."""
        if store.get_setting(STORIES_REBUILD) == "1":
            return self.rebuild(store)
        return self._catch_up(store, by_date=False)

    def rebuild(self, store: Store) -> int:
        """Regroup all stored articles from scratch, in order of publication."""
        store.clear_story_index(rebuilding=True)
        return self._catch_up(store, by_date=True)

    def _catch_up(self, store: Store, *, by_date: bool) -> int:
        # Every article is counted into the word statistics before any is assigned, so
        # that the first articles of a large ingest are weighed like the last ones.
        while ids := store.articles_to_count(limit=_CHUNK):
            features = store.story_features(ids)
            with store.story_index() as index:
                for article in features:
                    self.count(index, article)
        assigned = 0
        while ids := store.articles_to_assign(limit=_CHUNK, by_date=by_date):
            features = store.story_features(ids, lead_sentences=LEAD_SENTENCES)
            with store.story_index() as index:
                for article in features:
                    self.assign(index, article)
            assigned += len(ids)
        store.finish_stories()
        return assigned

    # -- in memory -----------------------------------------------------------------------

    def cluster(self, articles: Sequence[ArticleFeatures], *, in_order: bool = False
                ) -> list[Story]:
        """Group the articles into stories without a store: in order of publication (as a
        rebuild does), or in the given order with `in_order` (as ingest would)."""
        if not in_order:
            articles = sorted(articles, key=_publication_order)
        index = MemoryStoryIndex()
        for article in articles:
            self.count(index, article)
        for article in articles:
            self.assign(index, article)
        return index.stories({a.meta.id: _publication_order(a) for a in articles})

    # -- one article ---------------------------------------------------------------------

    def count(self, index: StoryIndex, article: ArticleFeatures) -> None:
        """Count the article into the word statistics (before any article is assigned)."""
        index.count(article.meta.id, _day(article.meta.published_at),
                    list(_raw_features(article)))

    def assign(self, index: StoryIndex, article: ArticleFeatures) -> str:
        """Put one article (already counted) into the best story, or a new one; returns
        the story's id."""
        vector = _vectorize(article, index)
        found = index.candidates(vector.keys, day=vector.day, window=self.window_days)
        key_weights = _idf(index, sorted({k for keys in found.values() for k in keys}))
        ranked = sorted(found, key=lambda s: (-sum(key_weights[k] for k in found[s]), s))
        states = index.story_states(ranked[:_CANDIDATES], list(vector.weights))
        scores = {s: similarity(vector.weights, vector.embedding, state)
                  for s, state in states.items()
                  if _within(state, vector.day, self.window_days)}
        close = sorted((s for s in scores if scores[s] >= self.threshold),
                       key=lambda s: (-scores[s], s))
        member = StoryMember(article_id=vector.article_id, title=vector.title,
                             published_at=vector.published_at, day=vector.day,
                             weights=vector.kept, embedding=vector.embedding)
        if not close:
            state = _new_story(vector)
            index.add_article(state, member, keys=vector.keys)
            return state.id
        best = states[close[0]]
        state = self._joined(index, best, vector)
        index.add_article(state, member, keys=vector.keys)
        for other_id in close[1:]:
            state = self._merged(index, state, other_id)
        if _checkpoint_passed(best.size, state.size):
            return self._split(index, state.id).get(vector.article_id, state.id)
        return state.id

    def split_drifted(self, index: StoryIndex, story_id: str) -> list[str]:
        """Split the story in two, and its parts again, as long as its articles fall into
        two groups whose centroids merging would keep apart; returns the new stories' ids
        (none when the story holds together). The part with most articles keeps the id."""
        return sorted(set(self._split(index, story_id).values()))

    def _split(self, index: StoryIndex, story_id: str) -> dict[str, str]:
        """Split as `split_drifted` does; returns the story id of every article moved."""
        state = index.story_states([story_id], None)[story_id]
        members = sorted(index.story_members(story_id), key=_member_order)
        if len(members) != state.size or len(members) < 2 * _SPLIT_PART:
            return {}  # too small, or assigned before articles' vectors were kept
        groups = two_means(members)
        if groups is None or min(len(g) for g in groups) < _SPLIT_PART:
            return {}
        # The larger part keeps the id (on a tie, the part with the earliest article).
        kept, leaving = sorted(groups, key=lambda g: (-len(g), _member_order(g[0])))
        moved = [m.article_id for m in leaving]
        new_id = "s" + hashlib.sha256("\n".join(sorted(moved)).encode()).hexdigest()[:11]
        kept_state = _part_state(state, kept)
        new_state = _part_state(replace(state, id=new_id), leaving)
        if centroid_similarity(kept_state, new_state) >= self.threshold:
            return {}
        index.split(kept_state, moved=moved, new_state=new_state)
        story_of = {a: new_id for a in moved}
        story_of.update(self._split(index, new_id))
        story_of.update(self._split(index, story_id))
        return story_of

    def _joined(self, index: StoryIndex, story: StoryState, vector: _Vector) -> StoryState:
        """The story as it is once the article joins it."""
        centroid = added(story.weights, vector.kept)
        text_dot, entity_dot = dots(story.weights, vector.kept)
        text_norm2 = story.text_norm2 + 2 * text_dot + norm2(vector.kept, "w:")
        entity_norm2 = story.entity_norm2 + 2 * entity_dot + norm2(vector.kept, "e:")
        # The title is the headline whose words weigh most in the centroid.
        title_words = [f for f in _title_features(story.title) if f not in centroid]
        if title_words:
            extra = index.story_states([story.id], title_words)[story.id].weights
            centroid = {**centroid, **extra}
        old_score = _title_score(story.title, centroid)
        new_score = _title_score(vector.title, centroid)
        title, title_score = (vector.title, new_score) if new_score > old_score else \
            (story.title, old_score)
        joined = replace(story, title=title, title_score=title_score, size=story.size + 1,
                         text_norm2=text_norm2, entity_norm2=entity_norm2, weights={},
                         embedding=embedding_sum(story.embedding, vector.embedding))
        return _spanned(joined, vector.published_at, vector.day)

    def _merged(self, index: StoryIndex, state: StoryState, other_id: str) -> StoryState:
        """`state` with story `other_id` folded in if their centroids are alike."""
        both = index.story_states([state.id, other_id], None)
        mine, other = both[state.id], both[other_id]
        if centroid_similarity(mine, other) < self.threshold:
            return state
        keep, fold = (mine, other) if (mine.size, -(mine.first_day or 0), other.id) >= \
            (other.size, -(other.first_day or 0), mine.id) else (other, mine)
        weights = added(keep.weights, fold.weights)
        titles = sorted(((_title_score(s.title, weights), s.title) for s in (keep, fold)),
                        key=lambda pair: -pair[0])
        merged = replace(
            keep, title=titles[0][1], title_score=titles[0][0], size=keep.size + fold.size,
            text_norm2=norm2(weights, "w:"), entity_norm2=norm2(weights, "e:"), weights={},
            embedding=embedding_sum(keep.embedding, fold.embedding))
        merged = _spanned(_spanned(merged, fold.first_seen, fold.first_day),
                          fold.last_seen, fold.last_day)
        index.merge(merged, other_id=fold.id)
        return merged


def short_title(title: str | None, text: str) -> str:
    """A story title: the headline without its outlet suffix, cut at a word boundary."""
    line = (title or "").strip() or text.strip().split("\n", 1)[0].strip() or "Untitled"
    line = _OUTLET_SUFFIX.sub("", line) or line
    if len(line) <= _TITLE_CHARS:
        return line
    return line[:_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


# -- features -------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return [feature for word in _WORD.findall(text.casefold())
            if (feature := _word_feature(word)) is not None]


@functools.lru_cache(maxsize=1 << 16)
def _word_feature(word: str) -> str | None:
    """The feature of one casefolded word ("w:flood" for "floods"); None for stop words
    and words under three letters. Cached: news repeats its words."""
    word = word.replace("’", "'").removesuffix("'s").strip("'")
    if len(word) < 3 or word in _STOP:
        return None
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    return "w:" + word


def _raw_features(article: ArticleFeatures) -> Counter[str]:
    """Word and name counts; title words count `_TITLE_BOOST` times."""
    counts = Counter(_words(article.text))
    for word in _words(article.meta.title or ""):
        counts[word] += _TITLE_BOOST
    counts.update("e:" + name.casefold() for name in article.entities)
    return counts


def _vectorize(article: ArticleFeatures, index: StoryIndex) -> _Vector:
    counts = _raw_features(article)
    documents = max(index.documents(), 1)
    frequencies = index.frequencies(list(counts))
    weights: dict[str, float] = {}
    for feature, count in counts.items():
        df = frequencies.get(feature, 1)
        if feature.startswith("w:") and documents > 20 and df > _COMMON * documents:
            continue
        weights[feature] = (1 + math.log(count)) * (math.log((1 + documents) / (1 + df)) + 1)
    weights = {**unit(weights, "w:"), **unit(weights, "e:")}
    words = strongest(weights, "w:", _KEEP_WORDS)
    names = strongest(weights, "e:", _KEEP_NAMES)
    kept = {f: weights[f] for f in words + names}
    return _Vector(
        article_id=article.meta.id, day=_day(article.meta.published_at),
        published_at=article.meta.published_at,
        title=short_title(article.meta.title, article.text), weights=weights, kept=kept,
        keys=tuple(names + words[:_KEY_WORDS]), embedding=_embedding(article.lead_vectors),
    )


def _embedding(lead_vectors: Sequence[bytes]) -> bytes:
    """The unit mean of the lead sentences' stored embeddings (float32 bytes)."""
    if not lead_vectors:
        return b""
    mean = from_bytes(lead_vectors).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm).astype(np.float32).tobytes() if norm else b""


def _idf(index: StoryIndex, features: Sequence[str]) -> dict[str, float]:
    documents = max(index.documents(), 1)
    frequencies = index.frequencies(features)
    return {f: math.log((1 + documents) / (1 + frequencies.get(f, 1))) + 1 for f in features}


def _title_features(title: str) -> list[str]:
    return sorted(set(_words(title)))


def _title_score(title: str, centroid: Mapping[str, float]) -> float:
    words = _title_features(title)
    return sum(centroid.get(w, 0.0) for w in words) / math.sqrt(len(words)) if words else 0.0


# -- stories --------------------------------------------------------------------------------


def _new_story(vector: _Vector) -> StoryState:
    return StoryState(
        id="s" + hashlib.sha256(vector.article_id.encode()).hexdigest()[:11],
        title=vector.title, title_score=_title_score(vector.title, vector.kept), size=1,
        text_norm2=norm2(vector.kept, "w:"), entity_norm2=norm2(vector.kept, "e:"),
        first_seen=vector.published_at, last_seen=vector.published_at,
        first_day=vector.day, last_day=vector.day, embedding=vector.embedding,
    )


def _spanned(story: StoryState, published_at: str | None, day: int | None) -> StoryState:
    """The story with its first and last dates widened to a date that joins it."""
    seen = [d for d in (story.first_seen, story.last_seen, published_at) if d]
    days = [d for d in (story.first_day, story.last_day, day) if d is not None]
    return replace(story, first_seen=min(seen, default=None),
                   last_seen=max(seen, default=None), first_day=min(days, default=None),
                   last_day=max(days, default=None))


def _checkpoint_passed(before: int, after: int) -> bool:
    """Whether a story that grew from `before` to `after` articles passed 6, 12, 24…"""
    checkpoint = _SPLIT_FIRST
    while checkpoint <= after:
        if checkpoint > before:
            return True
        checkpoint *= 2
    return False


def _part_state(story: StoryState, members: Sequence[StoryMember]) -> StoryState:
    """The story made of `members` alone: their summed weights as its whole centroid,
    their dates, and the headline whose words weigh most in it (as joining titles it)."""
    centroid = centroid_of(members)
    scored = [(_title_score(m.title, centroid.weights), m.title) for m in members]
    title_score, title = max(scored, key=lambda pair: pair[0])  # the first of equals
    dates = [m.published_at for m in members if m.published_at]
    days = [m.day for m in members if m.day is not None]
    return replace(
        centroid, id=story.id, title=title, title_score=title_score,
        first_seen=min(dates, default=None), last_seen=max(dates, default=None),
        first_day=min(days, default=None), last_day=max(days, default=None))


def _member_order(member: StoryMember) -> tuple[str, str]:
    return member.published_at or "9999", member.article_id


def _within(story: StoryState, day: int | None, window: int) -> bool:
    if day is None or story.first_day is None or story.last_day is None:
        return True
    return story.first_day - window <= day <= story.last_day + window


def _day(published_at: str | None) -> int | None:
    """The publication day as an ordinal number, None when unknown."""
    if not published_at:
        return None
    try:
        return date.fromisoformat(published_at[:10]).toordinal()
    except ValueError:
        return None


def _publication_order(article: ArticleFeatures) -> tuple[str, str]:
    return article.meta.published_at or "9999", article.meta.id
