"""Deciding, article by article, what an ingest stores: new articles, copies, failures.

The planner sits between reading and analysis. For each article read it checks for an
exact copy (same normalized text) and a near copy (MinHash candidates verified by
shingle containment) among stored articles and among those still in flight in this run,
and removes the paragraphs its outlet is known to repeat (learned boilerplate).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from backstory.ingest.dedup import Fingerprint, NearDuplicateIndex, best_match, fingerprint
from backstory.ingest.learned import shape_of
from backstory.models import Article, ArticleMeta, IngestFailure, ParagraphRecord

__all__ = ["IngestPlanner", "Planned", "paragraph_records", "remove_shapes"]

_FINGERPRINT_CACHE = 4096


class DedupStore(Protocol):
    """What the planner asks of the store."""

    def find_by_hash(self, text_hash: str) -> ArticleMeta | None: ...
    def near_candidates(self, band_keys: Sequence[int]) -> list[str]: ...
    def original_texts(self, article_ids: Sequence[str]) -> dict[str, str]: ...
    def learned_shapes(self, outlet: str) -> set[str]: ...


@dataclass(frozen=True, slots=True)
class Planned:
    """One read result and what to do with it.

    A new article carries its fingerprint and paragraph records; a copy names the
    stored (or in-flight) original and how similar it is; a failure is passed on.
    """

    item: Article | IngestFailure
    duplicate_of: str | None = None
    similarity: float = 1.0
    fingerprint: Fingerprint | None = None
    paragraphs: tuple[ParagraphRecord, ...] = ()

    @property
    def fresh(self) -> Article | None:
        """The article to analyze and store, if this is a new one."""
        if isinstance(self.item, Article) and self.duplicate_of is None:
            return self.item
        return None


class IngestPlanner:
    """Plans one ingest run against a store."""

    def __init__(self, store: DedupStore) -> None:
        self._store = store
        self._in_flight = NearDuplicateIndex()
        self._hashes: dict[str, str] = {}
        self._learned: dict[str, set[str]] = {}

    def plan(self, results: Iterable[Article | IngestFailure]) -> Iterator[Planned]:
        for item in results:
            yield self._plan_one(item)

    def committed(self, article_ids: Iterable[str]) -> None:
        """Articles now in the store need no in-flight entry (the store answers for them)."""
        for article_id in article_ids:
            self._in_flight.remove(article_id)

    def forget_learned(self, outlet: str) -> None:
        """The outlet's learned boilerplate changed; read it again next time."""
        self._learned.pop(outlet, None)

    def _plan_one(self, item: Article | IngestFailure) -> Planned:
        if isinstance(item, IngestFailure):
            return Planned(item)
        original = self._hashes.get(item.text_hash)
        if original is None:
            stored = self._store.find_by_hash(item.text_hash)
            original = stored.id if stored else None
        if original is not None:
            return Planned(item, duplicate_of=original)
        records = paragraph_records(item.text)
        # Copies are compared as read, before learned boilerplate is removed, so that the
        # decision and its similarity do not depend on when the learning happened.
        print_ = fingerprint(item.text)
        match = best_match(print_, self._candidates(print_))
        if match is not None:
            return Planned(item, duplicate_of=match[0], similarity=match[1])
        self._in_flight.add(item.id, print_)
        self._hashes[item.text_hash] = item.id
        return Planned(self._without_learned(item), fingerprint=print_, paragraphs=records)

    def _without_learned(self, article: Article) -> Article:
        if not article.outlet:
            return article
        if article.outlet not in self._learned:
            self._learned[article.outlet] = self._store.learned_shapes(article.outlet)
        text = remove_shapes(article.text, self._learned[article.outlet])
        return article if text == article.text else replace(article, text=text)

    def _candidates(self, print_: Fingerprint) -> Iterator[tuple[str, Fingerprint]]:
        for article_id in self._in_flight.candidates(print_):
            yield article_id, self._in_flight.fingerprint_of(article_id)
        stored = [a for a in self._store.near_candidates(list(print_.band_keys))
                  if a not in self._in_flight]
        if stored:
            for article_id, text in self._store.original_texts(stored).items():
                yield article_id, _stored_fingerprint(text)


def paragraph_records(text: str) -> tuple[ParagraphRecord, ...]:
    """Shapes and positions of an article's paragraphs, as boilerplate learning counts them."""
    paragraphs = text.split("\n")
    return tuple(
        ParagraphRecord(shape=shape.key, edge=shape.edge, text=paragraph)
        for index, paragraph in enumerate(paragraphs)
        for shape in [shape_of(paragraph, position=index, count=len(paragraphs))]
    )


def remove_shapes(text: str, shapes: set[str]) -> str:
    """The text without paragraphs of the given shapes (never emptied completely)."""
    if not shapes:
        return text
    paragraphs = text.split("\n")
    kept = [p for i, p in enumerate(paragraphs)
            if shape_of(p, position=i, count=len(paragraphs)).key not in shapes]
    return "\n".join(kept) if kept else text


@functools.lru_cache(maxsize=_FINGERPRINT_CACHE)
def _stored_fingerprint(text: str) -> Fingerprint:
    return fingerprint(text)
