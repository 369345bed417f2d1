"""A `StoryIndex` in dictionaries: clustering without a store (tests, threshold sweeps)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from backstory.models import Story
from backstory.store import StoryMember, StoryState

__all__ = ["MemoryStoryIndex"]


class MemoryStoryIndex:
    """The same state as the store's story index, held in memory."""

    def __init__(self) -> None:
        self._df: dict[str, int] = {}
        self._documents = 0
        self._states: dict[str, StoryState] = {}
        self._terms: dict[str, dict[str, float]] = {}
        self._keys: dict[str, list[tuple[int | None, str]]] = {}  # key -> (day, article)
        self._story_of: dict[str, str] = {}  # article -> story
        self._members: dict[str, list[str]] = {}
        self._vectors: dict[str, StoryMember] = {}  # article -> how its story keeps it

    def documents(self) -> int:
        return self._documents

    def frequencies(self, features: Sequence[str]) -> dict[str, int]:
        return {f: self._df[f] for f in features if f in self._df}

    def count(self, article_id: str, day: int | None, features: Sequence[str]) -> None:
        self._documents += 1
        for feature in set(features):
            self._df[feature] = self._df.get(feature, 0) + 1

    def candidates(self, keys: Sequence[str], *, day: int | None, window: int
                   ) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for key in set(keys):
            for key_day, article_id in self._keys.get(key, ()):
                if day is None or key_day is None or abs(key_day - day) <= window:
                    found.setdefault(self._story_of[article_id], set()).add(key)
        return found

    def story_states(self, story_ids: Sequence[str], features: Sequence[str] | None
                     ) -> dict[str, StoryState]:
        found = {}
        for story_id in story_ids:
            terms = self._terms[story_id]
            weights = dict(terms) if features is None else \
                {f: terms[f] for f in features if f in terms}
            found[story_id] = replace(self._states[story_id], weights=weights)
        return found

    def add_article(self, state: StoryState, member: StoryMember, *, keys: Sequence[str]
                    ) -> None:
        self._states[state.id] = replace(state, weights={})
        terms = self._terms.setdefault(state.id, {})
        for feature, weight in member.weights.items():
            terms[feature] = terms.get(feature, 0.0) + weight
        for key in set(keys):
            self._keys.setdefault(key, []).append((member.day, member.article_id))
        self._story_of[member.article_id] = state.id
        self._members.setdefault(state.id, []).append(member.article_id)
        self._vectors[member.article_id] = member

    def merge(self, state: StoryState, *, other_id: str) -> None:
        terms = self._terms[state.id]
        for feature, weight in self._terms.pop(other_id).items():
            terms[feature] = terms.get(feature, 0.0) + weight
        for article_id in self._members.pop(other_id):
            self._story_of[article_id] = state.id
            self._members[state.id].append(article_id)
        del self._states[other_id]
        self._states[state.id] = replace(state, weights={})

    def story_members(self, story_id: str) -> list[StoryMember]:
        return [self._vectors[a] for a in self._members[story_id]]

    def split(self, state: StoryState, *, moved: Sequence[str], new_state: StoryState
              ) -> None:
        leaving = set(moved)
        self._members[state.id] = [a for a in self._members[state.id] if a not in leaving]
        self._members[new_state.id] = sorted(leaving)
        for article_id in leaving:
            self._story_of[article_id] = new_state.id
        for part in (state, new_state):
            self._terms[part.id] = dict(part.weights)
            self._states[part.id] = replace(part, weights={})

    def stories(self, order: Mapping[str, tuple[str, str]]) -> list[Story]:
        """The stories, their articles sorted by `order` (article -> sort key)."""
        return [Story(id=s.id, title=s.title,
                      article_ids=tuple(sorted(self._members[s.id], key=order.__getitem__)),
                      first_seen=s.first_seen, last_seen=s.last_seen)
                for s in self._states.values()]
