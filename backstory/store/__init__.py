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
from backstory.store.postgres import PostgresStore
from backstory.store.sql import (
    LEARNING_PENDING,
    REANALYZE_PENDING,
    STORIES_STALE,
    VECTORS_PENDING,
    SQLStore,
)
from backstory.store.sqlite import SQLiteStore
from backstory.store.story_index import STORIES_REBUILD

__all__ = ["LEARNING_PENDING", "REANALYZE_PENDING", "STORIES_REBUILD", "STORIES_STALE",
           "VECTORS_PENDING", "ArticleFeatures", "PostgresStore", "SQLStore", "SQLiteStore",
           "Store", "StoryIndex", "StoryMember", "StoryState", "VectorChanges", "open_store"]


def open_store(url: str) -> Store:
    """Open (and migrate) the store at a SQLAlchemy URL."""
    if url.startswith("sqlite:"):
        return SQLiteStore(url)
    if url.startswith(("postgresql:", "postgresql+psycopg:", "postgres:")):
        return PostgresStore(url)
    raise ConfigError(
        f"unsupported database {url!r}: pass --db PATH/TO/FILE.db for SQLite or "
        "--db postgresql://USER@HOST/NAME for PostgreSQL", url=url)
