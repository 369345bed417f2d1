"""Backstory: a news knowledge desk whose every statement cites its sentence, outlet and date.

    >>> import backstory
    >>> desk = backstory.open("news.db")
    >>> desk.ingest(["article.txt"])
    >>> desk.ask("Who did Wang Xiaohong meet in Vienna?")
"""

from __future__ import annotations

from backstory.config import Settings
from backstory.errors import BackstoryError
from backstory.pipeline import Desk

__all__ = ["BackstoryError", "Desk", "Settings", "open"]
__version__ = "0.1.0"


def open(db: str = "backstory.db") -> Desk:
    """Open the desk over the store at `db` (an SQLite file path)."""
    return Desk(Settings.from_env(db=db))
