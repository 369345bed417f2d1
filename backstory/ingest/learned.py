"""Boilerplate learned per outlet: paragraphs and paragraph shapes that keep recurring.

An outlet wraps its journalism in the same furniture: newsletter and app promos,
copyright lines, disclaimers, "Read more: …" links, bylines and credits. A paragraph is
learned as boilerplate for an outlet when its *shape* (the paragraph with names, numbers
and the text after a "Label:" masked) recurs in at least `MIN_ARTICLES` of the outlet's
articles and it does not read like reporting: it sits at the top or bottom of the
articles, has no sentence of reporting ("said", past-tense news verbs), or is short and
labelled. Stock news sentences ("The company did not respond to a request for comment.")
recur too, but in the body and phrased as reporting, so they are kept.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from backstory.ingest.boilerplate import promo_score
from backstory.models import normalize_for_hash

__all__ = ["MIN_ARTICLES", "ParagraphShape", "is_learnable", "shape_of"]

MIN_ARTICLES = 3
_LABEL = re.compile(r"^\s*([A-Za-z][\w' ]{0,30}?)\s*[:|–—-]\s+\S")
_CAPITALIZED = re.compile(r"\b[A-Z][\w'’.-]*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SPACE = re.compile(r"\s+")
# Reporting verbs and news phrasing: a recurring paragraph with these is news, not furniture.
_REPORTING = re.compile(
    r"\b(said|says|told|according to|asked|declined|did not respond|expected|confirmed|"
    r"announced|reported|injured|killed|arrested|charged|voted|will be|was|were|had)\b",
    re.I,
)
_SHORT_WORDS = 14
# "He said: …" introduces a quote, not a section label.
_NOT_LABEL_WORDS = {"he", "she", "they", "it", "i", "we", "you", "said", "says", "told",
                    "added", "explained", "wrote", "asked", "stated", "warned", "insisted"}


def _label(paragraph: str) -> str | None:
    """The short label a paragraph opens with ("Read more:", "Photo |"), if it is one."""
    found = _LABEL.match(paragraph)
    if not found:
        return None
    words = found.group(1).casefold().split()
    if len(words) > 3 or any(w in _NOT_LABEL_WORDS for w in words):
        return None
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class ParagraphShape:
    """A paragraph's recurrence key, and where it sits in its article."""

    key: str
    edge: bool  # first or last paragraph of the article


def shape_of(paragraph: str, *, position: int, count: int) -> ParagraphShape:
    """The key under which a paragraph's recurrences across articles are counted."""
    if paragraph.isupper():  # "THIS STORY HAS BEEN UPDATED." recurs as "This story…" too
        paragraph = paragraph.capitalize()
    label = _label(paragraph)
    if label:
        masked = "label:" + label
    else:
        masked = _NUMBER.sub("#", _CAPITALIZED.sub("X", paragraph))
        masked = normalize_for_hash(masked)
    key = hashlib.sha256(_SPACE.sub(" ", masked).encode("utf-8")).hexdigest()[:16]
    return ParagraphShape(key=key, edge=position == 0 or position == count - 1)


def is_learnable(samples: Sequence[str], edges: Sequence[bool]) -> bool:
    """Whether paragraphs of one shape, seen in `len(samples)` articles, are boilerplate."""
    if len(samples) < MIN_ARTICLES:
        return False
    text = samples[0]
    words = len(text.split())
    if promo_score(text) >= 1.0:
        return True
    if _label(text) and words <= _SHORT_WORDS * 2:
        return True
    reporting = bool(_REPORTING.search(text))
    at_edge = sum(edges) * 2 >= len(edges)
    return not reporting and (at_edge or words <= _SHORT_WORDS)
