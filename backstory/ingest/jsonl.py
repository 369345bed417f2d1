"""Articles from JSON Lines: one object per line with `text` or `html` and metadata."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["JsonlRecord", "read_jsonl"]

FIELDS = ("text", "html", "url", "title", "outlet", "published_at", "language", "author")


@dataclass(frozen=True, slots=True)
class JsonlRecord:
    """One line of a JSONL input: its fields, or why it could not be read."""

    line: int
    fields: dict[str, str | None]
    error: str | None = None


def read_jsonl(text: str) -> Iterator[JsonlRecord]:
    """Parse each non-blank line on its own, so one malformed line spoils only itself."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if "\x00" in line:
            yield JsonlRecord(number, {}, f"line {number} contains NUL bytes")
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield JsonlRecord(number, {}, f"line {number} is not valid JSON ({exc.msg} "
                                          f"at column {exc.colno})")
            continue
        except RecursionError:
            yield JsonlRecord(number, {}, f"line {number} is nested too deeply to read")
            continue
        if not isinstance(value, dict):
            yield JsonlRecord(number, {}, f"line {number} is a JSON {type(value).__name__}, "
                                          "expected an object with a `text` or `html` field")
            continue
        bad = [k for k in FIELDS if value.get(k) is not None and not isinstance(value[k], str)]
        if bad:
            yield JsonlRecord(number, {}, f"line {number}: field(s) {', '.join(bad)} must be "
                                          "strings")
            continue
        if not (value.get("text") or value.get("html")):
            yield JsonlRecord(number, {}, f"line {number} has neither a `text` nor an `html` "
                                          "field")
            continue
        yield JsonlRecord(number, {k: value.get(k) for k in FIELDS})
