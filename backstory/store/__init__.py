"""Store: the one shared state of Backstory, behind the `Store` interface."""

from __future__ import annotations

from backstory.errors import ConfigError
from backstory.store.base import (
    ArticleFeatures,
    Store,
    StoryIndex,
    StoryMember,
    StoryState,
    VectorChanges,
)
from backstory.store.sqlite import (
    LEARNING_PENDING,
    REANALYZE_PENDING,
    STORIES_STALE,
    VECTORS_PENDING,
    SQLiteStore,
)
from backstory.store.story_index import STORIES_REBUILD

__all__ = ["LEARNING_PENDING", "REANALYZE_PENDING", "STORIES_REBUILD", "STORIES_STALE",
           "VECTORS_PENDING", "ArticleFeatures", "SQLiteStore", "Store", "StoryIndex",
           "StoryMember", "StoryState", "VectorChanges", "open_store"]


def open_store(url: str) -> Store:
    """Open (and migrate) the store at a SQLAlchemy URL."""
    if url.startswith("sqlite:"):
        return SQLiteStore(url)
    raise ConfigError(
        f"unsupported database {url!r}: this version stores to SQLite files only; "
        "pass --db PATH/TO/FILE.db",
        url=url,
    )
