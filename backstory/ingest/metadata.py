"""Metadata supplied with an input, and normalizing published dates to ISO 8601."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from backstory.errors import IngestError

__all__ = ["InputMeta", "normalize_published"]


@dataclass(frozen=True, slots=True)
class InputMeta:
    """Metadata given by the user (`--outlet`, `--published`…); it overrides what is found."""

    outlet: str | None = None
    published_at: str | None = None
    title: str | None = None
    url: str | None = None


def normalize_published(value: str | None, *, source: str) -> str | None:
    """An ISO date (`2024-02-19`) or UTC datetime for a published date, or a clear error."""
    if value is None or not value.strip():
        return None
    raw = value.strip()
    parsed: date | datetime
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(raw)  # RFC 2822, as in RSS
        except (TypeError, ValueError, IndexError) as exc:
            raise IngestError(
                f"published date {raw!r} is not a date; use YYYY-MM-DD or ISO 8601",
                source=source,
            ) from exc
    if len(raw) == 10 or ((parsed.hour, parsed.minute, parsed.second) == (0, 0, 0) \
            and parsed.tzinfo is None):
        return parsed.date().isoformat()
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        except OverflowError as exc:
            raise IngestError(f"published date {raw!r} is out of range", source=source) from exc
    return parsed.isoformat(timespec="seconds") + "Z"
