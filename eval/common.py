"""Shared pieces of the evaluation scripts: where the data is, temporary stores, tables."""

from __future__ import annotations

import dataclasses
import json
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from backstory.config import Settings
from backstory.pipeline import Desk

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
console = Console(width=150)


def require(path: Path) -> Path:
    """The path, or exit with a clear reason when the evaluation data is missing."""
    if not path.exists():
        console.print(f"[yellow]skipped[/yellow]: {path} is missing (evaluation data lives in "
                      "../shared/data beside the repository)")
        sys.exit(0)
    return path


@contextmanager
def temporary_desk(*, sentence_vectors: bool | None = None) -> Iterator[Desk]:
    """A desk over a throw-away store, with the settings of the environment (and sentence
    vectors stored at ingest when asked, for scoring hybrid retrieval)."""
    with tempfile.TemporaryDirectory(prefix="backstory-eval-") as folder:
        settings = Settings.from_env(db=str(Path(folder) / "eval.db"))
        if sentence_vectors is not None:
            settings = dataclasses.replace(settings, sentence_vectors=sentence_vectors)
        desk = Desk(settings)
        try:
            yield desk
        finally:
            desk.close()


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def print_table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row))
    console.print(table)
