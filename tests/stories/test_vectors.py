"""The 2-means split compares every member with a centroid in array operations; what it
computes must be the clustering's own `similarity` against `centroid_of` the chosen
members, with and without embeddings."""

from __future__ import annotations

import random

import numpy as np
import pytest

from backstory.store import StoryMember
from backstory.stories.vectors import _MemberRows, centroid_of, similarity, two_means

WORDS = [f"w:{w}" for w in ("harbour", "ferry", "strike", "wage", "crane", "dock", "union",
                            "council", "budget", "vote", "school", "roof")]
NAMES = [f"e:{n}" for n in ("ines ward", "olaf berg", "port of tarvel", "dock union")]


def _members(seed: int, *, embeddings: str) -> list[StoryMember]:
    rng = random.Random(seed)
    members = []
    for i in range(rng.randint(4, 12)):
        features = rng.sample(WORDS, rng.randint(1, 8)) + rng.sample(NAMES, rng.randint(0, 3))
        embedding = b""
        if embeddings == "all" or (embeddings == "some" and rng.random() < 0.5):
            vector = np.array([rng.gauss(0, 1) for _ in range(8)], dtype=np.float32)
            embedding = (vector / np.linalg.norm(vector)).astype(np.float32).tobytes()
        members.append(StoryMember(article_id=f"a{i}", title="", published_at=None, day=None,
                                   weights={f: rng.random() for f in features},
                                   embedding=embedding))
    return members


@pytest.mark.parametrize("embeddings", ["none", "some", "all"])
@pytest.mark.parametrize("seed", range(20))
def test_every_member_is_compared_as_similarity_against_centroid_of(seed: int,
                                                                     embeddings: str) -> None:
    members = _members(seed, embeddings=embeddings)
    rows = _MemberRows(members)
    rng = random.Random(seed)
    for _ in range(5):
        chosen = np.array([rng.random() < 0.5 for _ in members], dtype=bool)
        chosen[rng.randrange(len(members))] = True
        centroid = centroid_of([m for m, c in zip(members, chosen, strict=True) if c])
        expected = [similarity(m.weights, m.embedding, centroid) for m in members]
        assert rows.similarities(chosen) == pytest.approx(expected, rel=1e-6, abs=1e-9)


def test_two_groups_of_members_come_apart_and_one_group_does_not() -> None:
    def member(i: int, features: list[str], axis: int) -> StoryMember:
        vector = np.zeros(8, dtype=np.float32)
        vector[axis] = 1.0
        return StoryMember(article_id=f"a{i}", title="", published_at=None, day=None,
                           weights={f: 0.5 for f in features}, embedding=vector.tobytes())

    strike = [member(i, ["w:strike", "w:dock", "e:dock union"], 0) for i in range(4)]
    budget = [member(i + 4, ["w:budget", "w:school", "e:olaf berg"], 1) for i in range(3)]
    groups = two_means(strike + budget)
    assert groups is not None
    assert sorted(len(g) for g in groups) == [3, 4]
    assert {m.article_id for m in min(groups, key=len)} == {"a4", "a5", "a6"}
    assert two_means(strike) is None  # identical members: nothing to cut
