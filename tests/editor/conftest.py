"""Editor desk fixtures: a real store (each backend), cheap Argon2 parameters, a generated body."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher

from backstory.config import Settings
from backstory.editor import Accounts, Documents
from backstory.store import Store, open_store

PASSWORD = "correct horse battery"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2024, 2, 19, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def fast_hasher() -> PasswordHasher:
    """Argon2id still, with the cost lowered so the tests stay fast."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def store(db_path: str) -> Iterator[Store]:
    store = open_store(Settings(db=db_path).db_url)
    yield store
    store.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(store: Store, clock: Clock) -> Accounts:
    return Accounts(store, hasher=fast_hasher(), clock=clock)


@pytest.fixture
def documents(store: Store, clock: Clock) -> Documents:
    return Documents(store, clock=clock)


def citation(n: int, sentence: str) -> dict[str, Any]:
    return {"article_id": f"a{n}", "sentence_id": f"a{n}:0", "sentence": sentence,
            "start": 0, "end": len(sentence), "outlet": "Xinhua",
            "url": f"https://example.org/{n}", "published_at": "2024-02-19"}


def explainer_body(*, extra: str | None = None) -> dict[str, Any]:
    """An explainer in the shape compose produces; `extra` adds one more cited statement."""
    met = "Wang Xiaohong met Alejandro Mayorkas in Vienna on 18 February 2024."
    count = "At least 11 students were sent back, Xinhua reported."
    statements = [{"text": met, "citations": [citation(1, met)]},
                  {"text": count, "citations": [citation(2, count)]}]
    if extra:
        statements.append({"text": extra, "citations": [citation(3, extra)]})
    return {"title": "China and the US talk about deported students", "sections": [
        {"heading": "What happened", "statements": statements},
        {"heading": "Who is involved", "statements": [
            {"text": "Wang Xiaohong is China's minister of public security.",
             "citations": [citation(1, met)]}]},
    ]}
