"""Shaping records for the page templates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from backstory.models import Sentence

__all__ = ["PageSentence", "article_paragraphs"]


@dataclass(frozen=True, slots=True)
class PageSentence:
    """A sentence as the article page shows it: with an anchor that citations link to."""

    index: int
    text: str


def article_paragraphs(text: str, sentences: Sequence[Sentence]) -> list[list[PageSentence]]:
    """The article's sentences grouped into its paragraphs (lines of the stored text)."""
    paragraphs: list[list[PageSentence]] = []
    last_line = -1
    for sentence in sentences:
        line = text.count("\n", 0, sentence.start)
        if line != last_line:
            paragraphs.append([])
            last_line = line
        paragraphs[-1].append(PageSentence(index=sentence.index, text=sentence.text))
    return paragraphs
