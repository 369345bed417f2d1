"""The explainer: what happened, why it matters, who is involved, the key numbers and who
gives them, what each side says, the timeline, and what is disputed or left out.

Every statement is either a source sentence as it stands or a phrase built from an analysis
record (an event, a role, a claim, a quote), and it cites the sentences it stands on.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from backstory.compose.facts import (
    StoryFacts,
    by_thing,
    claim_phrase,
    format_time,
    join_names,
    unique_citations,
)
from backstory.compose.grounding import Grounder
from backstory.models import (
    Citation,
    Composition,
    Quote,
    Section,
    Sentence,
    Statement,
    TimelineEntry,
)
from backstory.nlp.dateline import without_dateline

__all__ = ["build_explainer", "central_sentences", "conflict_statements", "distinct_quotes",
           "event_phrase", "main_event", "omission_statements", "quote_statement", "side_heading"]

_MIN_CHARS = 40
_LEAD = 2
_CONTEXT = 2
_PEOPLE = 6
_NUMBERS = 6
_QUOTES_PER_SIDE = 3
_TIMELINE = 8
_MAX_CITATIONS = 4
# Words that mark a sentence as background: what came before, what it is part of, why.
_CONTEXT_MARKERS = re.compile(
    r"\b(first|since|part of|follow(?:s|ing|ed)?|after|amid|comes as|marks?|because|"
    r"tensions?|relations|ties|renewed|latest|background|dispute)\b", re.IGNORECASE)


def build_explainer(facts: StoryFacts, grounder: Grounder) -> Composition:
    central = central_sentences(facts)
    used: set[str] = set()
    sections = [
        Section("What happened", _what_happened(facts, central, used)),
        Section("Why it matters", _why_it_matters(central, used)),
        Section("Who is involved", _who_is_involved(facts)),
        Section("Key numbers", _key_numbers(facts)),
        *(Section(side_heading(side.name), tuple(
            quote_statement(q, c, facts)
            for q, c in distinct_quotes(side.quotes)[:_QUOTES_PER_SIDE]))
          for side in facts.sides if side.name != "unknown"),
        Section("Timeline", tuple(_timeline_statement(e) for e in _dated(facts.timeline))),
        Section("Disputed or not yet known", _disputed(facts)),
    ]
    kept = [Section(s.heading, grounder.keep(s.statements, limit=_MAX_CITATIONS))
            for s in sections]
    return Composition(kind="explainer", story_id=facts.story.id, title=facts.story.title,
                       sections=tuple(s for s in kept if s.statements))


def central_sentences(facts: StoryFacts) -> list[Citation]:
    """The story's sentences, most central first (TF-IDF cosine to the story's centroid)."""
    pool: list[tuple[Sentence, Citation]] = []
    for meta, analysis in facts.analyzed():
        for sentence in analysis.sentences:
            text = sentence.text.strip()
            if len(text) >= _MIN_CHARS and not text.endswith("?"):
                pool.append((sentence, Citation.of(sentence, meta)))
    if not pool:
        return []
    try:
        vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
            [s.text for s, _ in pool])
    except ValueError:  # no content words at all: keep the sentences in their order
        return [c for _, c in pool]
    centroid = np.asarray(vectors.mean(axis=0))
    centrality = np.asarray(vectors @ centroid.T).ravel()
    # A lead sentence says what happened; later ones add detail.
    lead = np.array([1.0 if s.index < 3 else 0.8 for s, _ in pool])
    order = np.argsort(-(centrality * lead), kind="stable")
    return [pool[int(i)][1] for i in order]


def main_event(timeline: Sequence[TimelineEntry]) -> TimelineEntry | None:
    """The event most articles report, the latest on a tie."""
    dated = [e for e in timeline if e.time]
    if not dated:
        return None
    return max(dated, key=lambda e: (len({c.article_id for c in e.citations}), e.time or ""))


def event_phrase(entry: TimelineEntry) -> str:
    """"Meeting of Wang Xiaohong and Alejandro Mayorkas in Vienna on 18 February 2024"."""
    names = [p for p in entry.participants if p != entry.place]
    words = [entry.type.capitalize()]
    if names:
        words.append(f"of {join_names(names)}")
    if entry.place:
        words.append(f"in {entry.place}")
    when = format_time(entry.time, entry.precision)
    if when:
        words.append(f"on {when}" if entry.precision == "day" else f"in {when}")
    return " ".join(words)


def side_heading(side: str) -> str:
    return f"What the {side} side says"


def quote_statement(quote: Quote, citation: Citation, facts: StoryFacts) -> Statement:
    """"Wang Xiaohong urged: …" citing every sentence the quote spans."""
    who = quote.speaker or quote.speaker_text or "A source"
    if quote.via and quote.via != quote.speaker:
        who += f" (via {quote.via})"
    said = quote.shown
    words = quote.cue_words
    cue = f" {words}" if words and words.lower() != "according to" else ""
    spanned = facts.span_citations(citation.article_id, min(quote.start, quote.speaker_start
                                                             or quote.start),
                                   max(quote.end, quote.speaker_end or quote.end))
    return Statement(text=f"{who}{cue}: {said}", citations=spanned or (citation,))


# -- sections ------------------------------------------------------------------------------


def _what_happened(facts: StoryFacts, central: list[Citation], used: set[str]
                   ) -> tuple[Statement, ...]:
    statements = []
    event = main_event(facts.timeline)
    if event is not None:
        statements.append(Statement(text=event_phrase(event) + ".",
                                    citations=event.citations))
    seen_articles: set[str] = set()
    for citation in central:
        if citation.article_id in seen_articles:
            continue
        statements.append(_sentence_statement(citation))
        seen_articles.add(citation.article_id)
        used.add(citation.sentence_id)
        if len(seen_articles) == _LEAD:
            break
    return tuple(statements)


def _why_it_matters(central: list[Citation], used: set[str]) -> tuple[Statement, ...]:
    chosen = []
    for citation in central:
        if citation.sentence_id in used or not _CONTEXT_MARKERS.search(citation.sentence):
            continue
        chosen.append(_sentence_statement(citation))
        used.add(citation.sentence_id)
        if len(chosen) == _CONTEXT:
            break
    return tuple(chosen)


def _who_is_involved(facts: StoryFacts) -> tuple[Statement, ...]:
    counts = facts.mention_counts()
    roles: dict[str, Counter[str]] = {}
    where: dict[tuple[str, str], Citation] = {}
    for meta, analysis in facts.analyzed():
        for role in analysis.roles:
            text = role.role.strip()
            roles.setdefault(role.name, Counter())[text] += 1
            citation = facts.citation(meta.id, role.sentence_index)
            if citation is not None:
                where.setdefault((role.name, text), citation)
    people = sorted((name for name in roles if counts.get((name, "PERSON"), 0)),
                    key=lambda n: -counts[(n, "PERSON")])
    # "Xi" where another article names "Xi Jinping": the fuller name stands for both.
    people = [n for n in people if not any(o != n and o.endswith(" " + n) for o in people)]
    statements = []
    for name in people[:_PEOPLE]:
        title = _fullest(roles[name]).most_common(1)[0][0]
        citation = where.get((name, title))
        if citation is not None:
            statements.append(Statement(text=f"{name}: {title}.", citations=(citation,)))
    return tuple(statements)


def _fullest(titles: Counter[str]) -> Counter[str]:
    """"Secretary" where another mention says "Homeland Security Secretary": the fuller
    title stands for both, and counts for both."""
    merged: Counter[str] = Counter()
    for title, count in titles.items():
        longer = [other for other in titles
                  if other != title and other.lower().endswith(" " + title.lower())]
        merged[max(longer, key=len) if longer else title] += count
    return merged


def _key_numbers(facts: StoryFacts) -> tuple[Statement, ...]:
    statements = []
    for source, _, items in by_thing(facts)[:_NUMBERS]:
        claim = items[0][0]
        outlets = {c.outlet for _, c in items}
        phrase = claim_phrase(claim)
        if source in outlets:
            text = f"{phrase}, as reported by {source}"
        else:
            text = f"{phrase}, according to {source}"
        statements.append(Statement(
            text=text[:1].upper() + text[1:] + ".",
            citations=unique_citations([c for _, c in items])))
    return tuple(statements)


def _timeline_statement(entry: TimelineEntry) -> Statement:
    return Statement(text=event_phrase(entry) + ".", citations=entry.citations)


def _dated(timeline: Sequence[TimelineEntry]) -> list[TimelineEntry]:
    return [e for e in timeline if e.time][:_TIMELINE]


def _disputed(facts: StoryFacts) -> tuple[Statement, ...]:
    return (*conflict_statements(facts), *omission_statements(facts))


def conflict_statements(facts: StoryFacts) -> tuple[Statement, ...]:
    """"Figures for X differ: 11 … according to A; 8 … according to B."."""
    statements = []
    for conflict in facts.comparison.conflicts:
        figures = "; ".join(
            f"{claim_phrase(f.claim)} according to "
            f"{f.claim.source or f.citation.outlet or 'an unnamed source'}"
            for f in conflict.figures)
        statements.append(Statement(f"Figures for {conflict.object} differ: {figures}.",
                                    unique_citations([f.citation for f in conflict.figures])))
    return tuple(statements)


def omission_statements(facts: StoryFacts) -> tuple[Statement, ...]:
    """"The readout leaves out X, as reported by Outlet."."""
    statements = []
    for omission in facts.comparison.omissions:
        outlets = list(dict.fromkeys(c.outlet for c in omission.citations if c.outlet))
        where = omission.absent_from
        statements.append(Statement(
            f"{where[:1].upper() + where[1:]} leaves out {omission.statement}, as reported by "
            f"{', '.join(outlets) or 'an unnamed outlet'}.", omission.citations))
    return tuple(statements)


def distinct_quotes(quotes: Sequence[tuple[Quote, Citation]]) -> list[tuple[Quote, Citation]]:
    """One of each thing said: the same words reported by several outlets count once, and
    the halves of a quotation the speaker's name interrupts are shown as one."""
    seen: set[tuple[str | None, tuple[str, ...]]] = set()
    distinct = []
    for quote, citation in _halves_joined(quotes):
        key = (quote.speaker, tuple(re.findall(r"\w+", quote.content.lower()))[:6])
        if key not in seen:
            seen.add(key)
            distinct.append((quote, citation))
    return distinct


def _halves_joined(quotes: Sequence[tuple[Quote, Citation]]) -> list[tuple[Quote, Citation]]:
    """ '“The water rose fast,” said Holm, “and we lost everything.”' is two quotes with one
    cue in one sentence; a reader gets “The water rose fast … and we lost everything.”"""
    joined: list[tuple[Quote, Citation]] = []
    for quote, citation in quotes:
        if joined:
            before, cited = joined[-1]
            if (cited.article_id == citation.article_id and before.direct and quote.direct
                    and before.sentence_index == quote.sentence_index
                    and before.cue_start is not None and before.cue_start == quote.cue_start
                    and before.end <= quote.start):
                content = f"{before.content.rstrip(' ,')} … {quote.content}"
                joined[-1] = (dataclasses.replace(before, content=content, end=quote.end), cited)
                continue
        joined.append((quote, citation))
    return joined


def _sentence_statement(citation: Citation) -> Statement:
    # "VIENNA, Feb 18 (Northgate Wire) - ": the dateline, not news.
    text = without_dateline(citation.sentence.strip())
    return Statement(text=text[:1].upper() + text[1:], citations=(citation,))
