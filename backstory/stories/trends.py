"""Topics and trends: stories grouped into topics by their key entities, mentions counted
per day, and what is rising scored by how far its recent days exceed its usual level.

The burst score compares the mean daily count over the last `window` days with the mean
over the `baseline` days before them, in units of the baseline's Poisson spread:
(recent − usual) / √(usual + 1). Days are publication days, so an archive ingested today
shows the trends of its own time.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from backstory.models import Story
from backstory.store.base import ArticleFeatures

__all__ = ["EntityTrend", "TopicTrend", "Trends", "build_trends"]

_TOP_ENTITIES = 3  # a story's key entities: its most mentioned names
_SHARED_FOR_TOPIC = 2  # stories sharing this many key entities belong to one topic


@dataclass(frozen=True, slots=True)
class EntityTrend:
    name: str
    mentions: int
    by_day: dict[str, int]
    burst: float


@dataclass(frozen=True, slots=True)
class TopicTrend:
    """Stories about the same key entities, labelled by them."""

    label: str
    entities: tuple[str, ...]
    story_ids: tuple[str, ...]
    articles: int
    by_day: dict[str, int]
    burst: float


@dataclass(frozen=True, slots=True)
class Trends:
    as_of: str | None  # the latest publication day in the store
    window_days: int
    topics: tuple[TopicTrend, ...]  # rising first
    entities: tuple[EntityTrend, ...]  # rising first


def build_trends(features: Iterable[ArticleFeatures], stories: Sequence[Story], *,
                 window_days: int = 7, baseline_days: int = 28, limit: int = 20) -> Trends:
    articles = {f.meta.id: f for f in features}
    days = sorted({d for f in articles.values() if (d := _day(f.meta.published_at))})
    as_of = days[-1] if days else None
    entity_days: dict[str, Counter[str]] = {}
    for feature in articles.values():
        day = _day(feature.meta.published_at)
        if day is None:
            continue
        for name in feature.entities:
            entity_days.setdefault(name, Counter())[day] += 1
    entities = [EntityTrend(name, sum(counts.values()), dict(sorted(counts.items())),
                            _burst(counts, as_of, window_days, baseline_days))
                for name, counts in entity_days.items()]
    entities.sort(key=lambda e: (-e.burst, -e.mentions, e.name))
    topics = _topics(stories, articles, as_of, window_days, baseline_days)
    return Trends(as_of=as_of, window_days=window_days, topics=tuple(topics[:limit]),
                  entities=tuple(entities[:limit]))


def _topics(stories: Sequence[Story], articles: dict[str, ArticleFeatures], as_of: str | None,
            window_days: int, baseline_days: int) -> list[TopicTrend]:
    """Stories joined into topics when they share key entities (single link)."""
    keys = {s.id: _key_entities(s, articles) for s in stories}
    parent = {s.id: s.id for s in stories}

    def root(story_id: str) -> str:
        while parent[story_id] != story_id:
            parent[story_id] = parent[parent[story_id]]
            story_id = parent[story_id]
        return story_id

    ordered = sorted(stories, key=lambda s: s.id)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1:]:
            if len(set(keys[first.id]) & set(keys[second.id])) >= _SHARED_FOR_TOPIC:
                parent[root(second.id)] = root(first.id)
    groups: dict[str, list[Story]] = {}
    for story in ordered:
        groups.setdefault(root(story.id), []).append(story)
    topics = []
    for members in groups.values():
        counts: Counter[str] = Counter()
        named: Counter[str] = Counter()
        article_ids = {a for s in members for a in s.article_ids if a in articles}
        for article_id in article_ids:
            feature = articles[article_id]
            named.update(set(feature.entities))
            day = _day(feature.meta.published_at)
            if day:
                counts[day] += 1
        label_entities = tuple(name for name, _ in named.most_common(_TOP_ENTITIES))
        topics.append(TopicTrend(
            label=" · ".join(label_entities) or members[0].title,
            entities=label_entities, story_ids=tuple(s.id for s in members),
            articles=len(article_ids), by_day=dict(sorted(counts.items())),
            burst=_burst(counts, as_of, window_days, baseline_days)))
    topics.sort(key=lambda t: (-t.burst, -t.articles, t.label))
    return topics


def _key_entities(story: Story, articles: dict[str, ArticleFeatures]) -> list[str]:
    named: Counter[str] = Counter()
    for article_id in story.article_ids:
        if article_id in articles:
            named.update(set(articles[article_id].entities))
    return [name for name, _ in named.most_common(_TOP_ENTITIES)]


def _burst(counts: Counter[str], as_of: str | None, window_days: int,
           baseline_days: int) -> float:
    if as_of is None:
        return 0.0
    end = date.fromisoformat(as_of)
    recent = sum(counts.get(str(end - timedelta(days=i)), 0) for i in range(window_days))
    usual = sum(counts.get(str(end - timedelta(days=window_days + i)), 0)
                for i in range(baseline_days))
    recent_rate, usual_rate = recent / window_days, usual / baseline_days
    return round((recent_rate - usual_rate) / math.sqrt(usual_rate + 1), 3)


def _day(published_at: str | None) -> str | None:
    if not published_at or len(published_at) < 10:
        return None
    try:
        return str(date.fromisoformat(published_at[:10]))
    except ValueError:
        return None
