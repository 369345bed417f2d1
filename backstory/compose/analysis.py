"""The analysis: the sides side by side (their quotes and claims), how each outlet covered
the story and with which numbers, conflicting numbers and what one account leaves out."""

from __future__ import annotations

from backstory.compose.explainer import (
    conflict_statements,
    distinct_quotes,
    omission_statements,
    quote_statement,
)
from backstory.compose.facts import (
    StoryFacts,
    claim_phrase,
    claims_of,
    format_time,
    unique_citations,
)
from backstory.compose.grounding import Grounder
from backstory.models import ArticleMeta, Citation, Composition, Section, Statement

__all__ = ["build_analysis"]

_QUOTES_PER_SIDE = 6
_CLAIMS_PER_SIDE = 6
_FIGURES_PER_OUTLET = 3
_MAX_CITATIONS = 4


def build_analysis(facts: StoryFacts, grounder: Grounder) -> Composition:
    sections = [*_sides(facts), Section("How the outlets covered it", _coverage(facts)),
                Section("Where the numbers conflict", conflict_statements(facts)),
                Section("What an account leaves out", omission_statements(facts))]
    kept = [Section(s.heading, grounder.keep(s.statements, limit=_MAX_CITATIONS))
            for s in sections]
    return Composition(kind="analysis", story_id=facts.story.id, title=facts.story.title,
                       sections=tuple(s for s in kept if s.statements))


def _sides(facts: StoryFacts) -> list[Section]:
    claims = claims_of(facts)
    sections = []
    for side in facts.sides:
        members = {m.name for m in side.members}
        statements = [quote_statement(q, c, facts)
                      for q, c in distinct_quotes(side.quotes)[:_QUOTES_PER_SIDE]]
        seen: set[str] = set()
        for source, claim, citation in claims:
            phrase = claim_phrase(claim)
            if source in members and phrase.lower() not in seen:
                seen.add(phrase.lower())
                statements.append(Statement(f"{source}: {phrase}.", (citation,)))
            if len(seen) == _CLAIMS_PER_SIDE:
                break
        heading = ("Other voices" if side.name == "unknown"
                   else f"The {side.name} side: what it says and claims")
        sections.append(Section(heading, tuple(statements)))
    return sections


def _coverage(facts: StoryFacts) -> tuple[Statement, ...]:
    by_outlet: dict[str, list[ArticleMeta]] = {}
    for meta in facts.articles:
        by_outlet.setdefault(meta.outlet or "An unnamed outlet", []).append(meta)
    claims = claims_of(facts)
    statements = []
    for outlet, metas in sorted(by_outlet.items(),
                                key=lambda o: min(m.published_at or "9999" for m in o[1])):
        ids = {m.id for m in metas}
        first = min(metas, key=lambda m: m.published_at or "9999")
        when = format_time(first.published_at, "day")
        figures: list[tuple[str, Citation]] = []
        for _, claim, citation in claims:
            phrase = claim_phrase(claim)
            if citation.article_id in ids and phrase not in {f for f, _ in figures}:
                figures.append((phrase, citation))
        lead = facts.citation(first.id, 0)
        opening = f"{outlet} reported it" + (f" on {when}" if when else "")
        if figures:
            shown = figures[:_FIGURES_PER_OUTLET]
            text = f"{opening}, with the figures: " + "; ".join(f for f, _ in shown) + "."
            cited = [c for _, c in shown]
        elif lead is not None:
            text = f"{opening}: {_trimmed(lead.sentence)}"
            cited = []
        else:
            continue
        if lead is not None:
            cited.insert(0, lead)
        statements.append(Statement(text, unique_citations(cited)))
    return tuple(statements)


def _trimmed(sentence: str) -> str:
    sentence = sentence.strip()
    return sentence if sentence.endswith((".", "!", "?", "”", '"')) else sentence + "."
