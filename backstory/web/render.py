"""Shaping records for the page templates."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from backstory.models import Analysis, DocumentBody, Sentence

__all__ = ["Mark", "PageSentence", "Piece", "analysis_marks", "article_paragraphs", "faq_json_ld"]


@dataclass(frozen=True, slots=True)
class Mark:
    """A highlighted span of the article text: a quote, a claim or a time expression."""

    start: int
    end: int
    kind: str  # "quote" | "claim" | "time"
    note: str  # what the analysis read there, shown on hover


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of a sentence's text with the highlights that cover it."""

    text: str
    kinds: tuple[str, ...]
    note: str


@dataclass(frozen=True, slots=True)
class PageSentence:
    """A sentence as the article page shows it: with an anchor that citations link to."""

    index: int
    text: str
    pieces: tuple[Piece, ...] = ()


def analysis_marks(analysis: Analysis) -> list[Mark]:
    """The spans the article page highlights, each with a note of what was read there."""
    marks = [Mark(q.start, q.end, "quote",
                  f"quote: {q.speaker or q.speaker_text or 'unknown speaker'}"
                  + (f", via {q.via}" if q.via else "")) for q in analysis.quotes]
    marks += [Mark(c.start, c.end, "claim",
                   f"claim: {c.qualifier + ' ' if c.qualifier else ''}{c.value}"
                   + (f" {c.object}" if c.object else "")
                   + (f", according to {c.source}" if c.source else ""))
              for c in analysis.claims]
    marks += [Mark(t.start, t.end, "time", f"date: {t.value or 'unresolved'}")
              for t in analysis.times]
    return marks


def article_paragraphs(text: str, sentences: Sequence[Sentence],
                       marks: Sequence[Mark] = ()) -> list[list[PageSentence]]:
    """The article's sentences grouped into its paragraphs (lines of the stored text), each
    cut into pieces where the highlights covering it change."""
    paragraphs: list[list[PageSentence]] = []
    last_line = -1
    for sentence in sentences:
        line = text.count("\n", 0, sentence.start)
        if line != last_line:
            paragraphs.append([])
            last_line = line
        inside = [m for m in marks if m.start < sentence.end and m.end > sentence.start]
        paragraphs[-1].append(PageSentence(index=sentence.index, text=sentence.text,
                                           pieces=_pieces(sentence, inside)))
    return paragraphs


def _pieces(sentence: Sentence, marks: Sequence[Mark]) -> tuple[Piece, ...]:
    cuts = sorted({0, len(sentence.text)} | {
        min(max(p - sentence.start, 0), len(sentence.text))
        for m in marks for p in (m.start, m.end)})
    pieces = []
    for a, b in itertools.pairwise(cuts):
        covering = [m for m in marks if m.start - sentence.start <= a
                    and m.end - sentence.start >= b]
        kinds = tuple(sorted({m.kind for m in covering}))
        pieces.append(Piece(sentence.text[a:b], kinds, "; ".join(m.note for m in covering)))
    return tuple(p for p in pieces if p.text)


def faq_json_ld(faq: DocumentBody) -> dict[str, Any]:
    """schema.org `FAQPage` markup of an FAQ: each question with its answer's text."""
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {"@type": "Question", "name": section.heading,
             "acceptedAnswer": {"@type": "Answer",
                                "text": " ".join(s.text for s in section.statements)}}
            for section in faq.sections
        ],
    }
