"""Decoding raw bytes into text and cutting text into paragraphs, with clear errors."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from backstory.errors import ExtractionError

__all__ = ["declared_charset", "decode_text", "paragraphs_of", "split_title"]

_CHARSET = re.compile(rb"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
_DETECT_BYTES = 200_000
_MAX_ACCENTED_SHARE = 0.15

_BLANK_RUN = re.compile(r"\n\s*\n")
_INNER_SPACE = re.compile(r"[ \t\u00a0]+")
_MAX_TITLE = 160


def decode_text(data: bytes, *, source: str, declared: str | None = None,
                allow_nul: bool = False) -> str:
    """Decode text in whatever encoding it is in, refusing empty and binary input.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read directly; otherwise the
    declared charset (HTTP header, `<meta charset>`) is tried, then charset-normalizer
    detects legacy encodings such as Windows-1252, Latin-1 or Shift-JIS.
    """
    if not data.strip():
        raise ExtractionError("the file is empty", source=source)
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return _normalize_newlines(data.decode("utf-16", errors="replace"))
    if not allow_nul and b"\x00" in data[:8192]:
        raise ExtractionError("this is a binary file, not text (it contains NUL bytes)",
                              source=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_legacy(data, source=source, declared=declared)
    if not text.strip():
        raise ExtractionError("the file holds only whitespace", source=source)
    return _normalize_newlines(text)


def declared_charset(data: bytes, content_type: str = "") -> str | None:
    """The charset an HTTP header or an HTML `<meta>` declares, if any."""
    for place in (content_type.encode("ascii", "ignore"), data[:4096]):
        found = _CHARSET.search(place)
        if found:
            name = found.group(1).decode("ascii", "ignore").strip().lower()
            try:
                return codecs.lookup(name).name
            except LookupError:
                continue
    return None


def paragraphs_of(text: str) -> list[str]:
    """The non-empty paragraphs of a text: one per line, blank lines ignored."""
    lines = (line for block in _BLANK_RUN.split(text) for line in block.split("\n"))
    return [p for p in (_INNER_SPACE.sub(" ", line).strip() for line in lines) if p]


def _decode_legacy(data: bytes, *, source: str, declared: str | None) -> str:
    if declared and declared not in ("utf-8", "utf_8"):
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    western = _as_western(data)
    if western is not None:
        return western
    best = charset_normalizer.from_bytes(data[:_DETECT_BYTES]).best()
    if best is None or best.encoding is None:
        raise ExtractionError(
            "cannot tell the text's encoding (it is not UTF-8 and looks like no known "
            "encoding); convert it to UTF-8 first", source=source)
    return data.decode(best.encoding, errors="replace")


def _as_western(data: bytes) -> str | None:
    """Windows-1252, when the text reads as Western European text in it.

    Statistical detectors often misjudge short Western texts (café → cafи); but a
    Windows-1252 reading in which nearly all letters are ASCII, with the odd accent or
    curly quote, is what Western news in a legacy encoding looks like. Cyrillic, Greek
    or Asian text read as Windows-1252 is mostly accented letters, and fails this test.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [c for c in text if c.isalpha()]
    foreign = sum(1 for c in letters if not c.isascii())
    return text if letters and foreign / len(letters) <= _MAX_ACCENTED_SHARE else None


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
