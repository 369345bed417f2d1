"""Entity mentions with canonical names, resolved within one article.

A short mention that repeats a part of a person's full name mentioned in the same article
("Wang" after "Wang Xiaohong", "Mayorkas" after "Alejandro Mayorkas") takes the full name.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence

from spacy.tokens import Span

from backstory.models import Mention, Sentence

__all__ = ["canonical_mentions", "clean_name"]

# Entity types Backstory keeps; the rest (ORDINAL, LAW, LANGUAGE…) are noise for now.
KEPT_TYPES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "DATE", "TIME",
              "CARDINAL", "QUANTITY", "MONEY", "PERCENT"}
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_LEADING_THE = re.compile(r"^the\s+", re.I)


def clean_name(text: str) -> str:
    """The name a mention stands for: without a leading "the" or a trailing possessive."""
    return _LEADING_THE.sub("", _POSSESSIVE.sub("", text.strip())).strip()


def canonical_mentions(ents: Iterable[Span], sentences: Sequence[Sentence]) -> Iterator[Mention]:
    """Mentions of the kept types, each with its canonical name and sentence index."""
    spans = [e for e in ents if e.label_ in KEPT_TYPES]
    people = _people(spans)
    full_names = _person_names(spans, people)
    starts = [s.start for s in sentences]
    for span in spans:
        name = clean_name(span.text)
        if not name:
            continue
        label = "PERSON" if name in people else span.label_
        if " " not in name and label in ("PERSON", "ORG"):
            expansion = full_names.get(name)
            if expansion:
                name, label = expansion, "PERSON"
        sentence = max(bisect.bisect_right(starts, span.start_char) - 1, 0)
        yield Mention(name=name, type=label, sentence_index=sentence,
                      start=span.start_char, end=span.end_char, text=span.text)


def _people(spans: Sequence[Span]) -> set[str]:
    """Names to treat as people: PERSON spans, and multi-word ORG spans whose last word
    is elsewhere tagged as a person on its own (the small model often calls a full name
    an ORG and its surname a PERSON)."""
    people = {clean_name(s.text) for s in spans if s.label_ == "PERSON"}
    surnames = {name for name in people if " " not in name}
    for span in spans:
        name = clean_name(span.text)
        if span.label_ == "ORG" and " " in name and name.split()[-1] in surnames:
            people.add(name)
    return people


def _person_names(spans: Iterable[Span], people: set[str]) -> dict[str, str]:
    """Map each part of a multi-word person name to the name, when the part is unambiguous."""
    owners: dict[str, set[str]] = {}
    for span in spans:
        name = clean_name(span.text)
        if name in people and " " in name:
            for part in name.split():
                owners.setdefault(part, set()).add(name)
    return {part: names.pop() for part, names in owners.items() if len(names) == 1}
