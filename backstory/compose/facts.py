"""What composition starts from: a story's articles, their analysis records and what the
stories stage made of them; and the few wording rules every document shares."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from backstory.compose.grounding import MONTHS, Evidence
from backstory.models import (
    Analysis,
    ArticleMeta,
    Citation,
    Claim,
    Comparison,
    Side,
    SourceInfo,
    Story,
    TimelineEntry,
    readable_value,
)

__all__ = ["StoryFacts", "by_thing", "claim_phrase", "claims_of", "format_time",
           "join_names", "unique_citations"]


@dataclass(frozen=True, slots=True)
class StoryFacts:
    """A story with everything the analysis and stories stages know about it."""

    story: Story
    articles: tuple[ArticleMeta, ...]
    analyses: Mapping[str, Analysis]
    timeline: tuple[TimelineEntry, ...]
    sides: tuple[Side, ...]
    sources: Mapping[str, SourceInfo]
    comparison: Comparison
    evidence: Mapping[str, Evidence] = field(default_factory=dict)  # by sentence id

    def analyzed(self) -> Iterator[tuple[ArticleMeta, Analysis]]:
        """The story's articles with their analyses, in the story's order."""
        for meta in self.articles:
            analysis = self.analyses.get(meta.id)
            if analysis is not None:
                yield meta, analysis

    def meta(self, article_id: str) -> ArticleMeta | None:
        return next((a for a in self.articles if a.id == article_id), None)

    def citation(self, article_id: str, sentence_index: int) -> Citation | None:
        analysis = self.analyses.get(article_id)
        meta = self.meta(article_id)
        if analysis is None or meta is None or not 0 <= sentence_index < len(
                analysis.sentences):
            return None
        return Citation.of(analysis.sentences[sentence_index], meta)

    def span_citations(self, article_id: str, start: int, end: int) -> tuple[Citation, ...]:
        """Citations of every sentence of an article that overlaps [start, end)."""
        analysis = self.analyses.get(article_id)
        meta = self.meta(article_id)
        if analysis is None or meta is None:
            return ()
        return tuple(Citation.of(s, meta) for s in analysis.sentences
                     if s.start < end and s.end > start)

    def mention_counts(self) -> Counter[tuple[str, str]]:
        """How often each (name, type) is mentioned across the story."""
        return Counter((m.name, m.type) for a in self.analyses.values() for m in a.mentions)


_TIME_UNITS = {"seconds", "minutes", "hours", "days", "weeks", "months", "years"}
_VAGUE = {"tens", "dozens", "hundreds", "thousands", "millions", "scores"}


def format_time(value: str | None, precision: str | None = None) -> str | None:
    """An ISO value as a reader writes it: "18 February 2024", "November 2023", "2024"."""
    if not value:
        return None
    parts = value[:10].split("-")
    try:
        if len(parts) >= 3 and precision not in {"month", "year"}:
            return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) >= 2 and precision != "year":
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return None
    return parts[0] if parts[0].isdigit() else None


def join_names(names: Sequence[str]) -> str:
    names = list(dict.fromkeys(n for n in names if n))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def claim_phrase(claim: Claim) -> str:
    """A claim in a few words: "at least 11 Chinese students deported or had their visas
    cancelled on arrival"."""
    value = readable_value(claim.value)
    if value.lower() in _VAGUE and claim.object:
        value += " of"
    if claim.unit and claim.unit.split()[-1] in _TIME_UNITS and claim.object:
        # "students detained for more than 10 hours", not "more than 10 hours students …"
        words = [claim.object, claim.predicate, "for", claim.qualifier, value, claim.unit]
        return " ".join(w for w in words if w)
    words = [claim.qualifier, value]
    if claim.unit and claim.unit not in (claim.object or ""):
        words.append(claim.unit)
    words += [claim.object, claim.predicate]
    return " ".join(w for w in words if w)


def claims_of(facts: StoryFacts) -> list[tuple[str, Claim, Citation]]:
    """Every claim of the story with who makes it (the outlet when nobody else does)."""
    found = []
    for source, items in facts.comparison.claims_by_source:
        for item in items:
            found.append((source, item.claim, item.citation))
    return found


def by_thing(facts: StoryFacts) -> list[tuple[str, str, list[tuple[Claim, Citation]]]]:
    """Claims grouped by who makes them and the figure they give, most reported first."""
    groups: dict[tuple[str, str, str], list[tuple[Claim, Citation]]] = {}
    for source, claim, citation in claims_of(facts):
        key = (source, readable_value(claim.value).lower(), (claim.object or claim.unit or "")
               .lower())
        groups.setdefault(key, []).append((claim, citation))
    ranked = sorted(groups.items(), key=lambda g: (-len({c.article_id for _, c in g[1]}),
                                                   g[0]))
    return [(source, value, items) for (source, value, _), items in ranked]


def unique_citations(citations: Sequence[Citation]) -> tuple[Citation, ...]:
    seen: dict[str, Citation] = {}
    for citation in citations:
        seen.setdefault(citation.sentence_id, citation)
    return tuple(seen.values())

