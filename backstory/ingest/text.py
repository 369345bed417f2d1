"""Decoding raw bytes into text and cutting text into paragraphs, with clear errors."""

from __future__ import annotations

import re

from backstory.errors import ExtractionError

__all__ = ["decode_text", "paragraphs_of", "split_title"]

_BLANK_RUN = re.compile(r"\n\s*\n")
_INNER_SPACE = re.compile(r"[ \t\u00a0]+")
_MAX_TITLE = 160


def decode_text(data: bytes, *, source: str) -> str:
    """Decode UTF-8 text, refusing empty, binary and non-UTF-8 input with a clear reason."""
    if not data.strip():
        raise ExtractionError("the file is empty", source=source)
    if b"\x00" in data[:8192]:
        raise ExtractionError("this is a binary file, not text (it contains NUL bytes)",
                              source=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 1].hex()
        raise ExtractionError(
            f"the text is not UTF-8 (byte 0x{bad} at offset {exc.start}); "
            "convert it to UTF-8 first, e.g. `iconv -f latin1 -t utf-8`",
            source=source,
        ) from exc
    if not text.strip():
        raise ExtractionError("the file holds only whitespace", source=source)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def paragraphs_of(text: str) -> list[str]:
    """The non-empty paragraphs of a text: one per line, blank lines ignored."""
    lines = (line for block in _BLANK_RUN.split(text) for line in block.split("\n"))
    return [p for p in (_INNER_SPACE.sub(" ", line).strip() for line in lines) if p]


def split_title(paragraphs: list[str], *, markdown: bool) -> tuple[str | None, list[str]]:
    """Take a leading headline off the paragraphs: a `# heading`, or a short unpunctuated line."""
    if len(paragraphs) < 2:
        return None, paragraphs
    first = paragraphs[0]
    if markdown and first.startswith("#"):
        return first.lstrip("#").strip() or None, paragraphs[1:]
    if len(first) <= _MAX_TITLE and not first.endswith((".", "!", "?", ":", ";", ",", '"', "”")):
        return first, paragraphs[1:]
    return None, paragraphs
