"""Deciding, article by article, what an ingest stores: new articles, copies, failures.

The planner sits between reading and analysis. For each article read it checks for an
exact copy (same normalized text) and a near copy (MinHash candidates verified by
shingle containment) among stored articles and among those still in flight in this run,
and removes the paragraphs its outlet is known to repeat (learned boilerplate).

With a look-ahead, the planner also learns boilerplate itself before analysis: it holds
back `lookahead` new articles that have an outlet, counts their paragraph shapes
together with everything planned before them in the run, and takes every shape that
recurs in `MIN_ARTICLES` articles and reads like furniture (`is_learnable`) out of the
held articles before they go on. The writer records those shapes (`take_learned`)
before it stores any article cleaned of them. Without it, such paragraphs are found
only after the articles are stored, and every article holding one is analyzed twice.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from backstory.ingest.dedup import Fingerprint, NearDuplicateIndex, best_match, fingerprint
from backstory.ingest.learned import MIN_ARTICLES, is_learnable, shape_of
from backstory.models import (
    Article,
    ArticleMeta,
    IngestFailure,
    LearnedBoilerplate,
    ParagraphRecord,
)

__all__ = ["IngestPlanner", "Planned", "paragraph_records", "remove_shapes"]

_FINGERPRINT_CACHE = 4096
# Paragraph shapes the look-ahead keeps counts of. Past this, the rarest are forgotten
# (a long run's one-off paragraphs first) until at most half are left, which only makes
# it learn a little later.
_MAX_TALLIES = 200_000


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


@dataclass(slots=True)
class _Tally:
    """How often the run has planned a paragraph shape of one outlet so far."""

    sample: str
    edges: list[bool] = field(default_factory=list)


class IngestPlanner:
    """Plans one ingest run against a store."""

    def __init__(self, store: DedupStore, *, lookahead: int = 0) -> None:
        self._store = store
        self._lookahead = lookahead
        self._in_flight = NearDuplicateIndex()
        self._hashes: dict[str, str] = {}
        self._learned: dict[str, set[str]] = {}
        self._tallies: dict[tuple[str, str], _Tally] = {}
        self._ripe: set[tuple[str, str]] = set()  # recurring, and counted since a release
        self._taken: set[tuple[str, str]] = set()  # learned here
        self._new: list[LearnedBoilerplate] = []
        self._lost: set[str] = set()  # new articles whose write failed

    def plan(self, results: Iterable[Article | IngestFailure]) -> Iterator[Planned]:
        if self._lookahead <= 0:
            for item in results:
                yield self._plan_one(item)
            return
        held: list[Planned] = []
        waiting = 0  # held new articles with an outlet
        for item in results:
            planned = self._plan_one(item)
            held.append(planned)
            if planned.fresh is not None and planned.fresh.outlet:
                waiting += 1
                self._count(planned.fresh.outlet, planned.paragraphs)
            if waiting >= self._lookahead or not waiting:
                yield from self._released(held)
                held, waiting = [], 0
        yield from self._released(held)

    def take_learned(self) -> list[LearnedBoilerplate]:
        """The boilerplate this planner learned since the last call. It is already gone
        from the articles it planned since; the caller records it before storing them."""
        new, self._new = self._new, []
        return new

    def failed(self, article_id: str) -> None:
        """A new article of this run could not be stored: it is no original for what
        follows, and the copies already planned against it are planned again."""
        self._in_flight.remove(article_id)
        self._hashes = {h: a for h, a in self._hashes.items() if a != article_id}
        self._lost.add(article_id)

    def lost(self, article_id: str) -> bool:
        return article_id in self._lost

    def replanned(self, plan: Planned) -> Planned:
        """A copy of an article that could not be stored, planned again: as a copy of
        another copy stored in its place, or as a new article."""
        return self._plan_one(plan.item)

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
        text = remove_shapes(article.text, self._shapes_of(article.outlet))
        return article if text == article.text else replace(article, text=text)

    def _shapes_of(self, outlet: str) -> set[str]:
        """The outlet's learned shapes: stored ones, and those this planner learned."""
        if outlet not in self._learned:
            self._learned[outlet] = self._store.learned_shapes(outlet) | {
                shape for taken_outlet, shape in self._taken if taken_outlet == outlet}
        return self._learned[outlet]

    def _count(self, outlet: str, paragraphs: Sequence[ParagraphRecord]) -> None:
        for shape in {p.shape: p for p in paragraphs}.values():
            key = (outlet, shape.shape)
            tally = self._tallies.setdefault(key, _Tally(shape.text))
            tally.edges.append(shape.edge)
            if len(tally.edges) >= MIN_ARTICLES and key not in self._taken:
                self._ripe.add(key)
        if len(self._tallies) >= _MAX_TALLIES:
            for fewest in (2, MIN_ARTICLES, None):  # None: forget them all
                self._tallies = {key: tally for key, tally in self._tallies.items()
                                 if fewest is not None and len(tally.edges) >= fewest}
                if len(self._tallies) <= _MAX_TALLIES // 2:
                    break
            self._ripe &= self._tallies.keys()

    def _released(self, held: list[Planned]) -> Iterator[Planned]:
        """The held plans, their new articles cleaned of the boilerplate learned from
        everything planned so far."""
        learned_now = set()
        for outlet, shape in sorted(self._ripe):
            tally = self._tallies[outlet, shape]
            if (shape not in self._shapes_of(outlet)
                    and is_learnable([tally.sample] * len(tally.edges), tally.edges)):
                self._new.append(LearnedBoilerplate(outlet=outlet, shape=shape,
                                                    sample=tally.sample,
                                                    articles=len(tally.edges)))
                learned_now.add(outlet)
                self._taken.add((outlet, shape))
                self._learned.pop(outlet, None)
        self._ripe.clear()
        for planned in held:
            fresh = planned.fresh
            if fresh is not None and fresh.outlet in learned_now:
                yield replace(planned, item=self._without_learned(fresh))
            else:
                yield planned

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
