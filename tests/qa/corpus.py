"""A store of articles written for a test module, ingested once."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from backstory.config import Settings
from backstory.pipeline import Desk


@contextmanager
def ingested(folder: Path, articles: Sequence[Mapping[str, str]]) -> Iterator[Desk]:
    """A desk over a fresh SQLite store in `folder` holding `articles` (JSONL records)."""
    corpus = folder / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in articles))
    with Desk(Settings(db=str(folder / "store.db"))) as desk:
        desk.ingest([str(corpus)])
        yield desk
