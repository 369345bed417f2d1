"""The FAQ: questions a reader would ask, drawn from the story's facts (events, roles,
numbers, quotes, omissions), each answered by the ask engine; a question the sources do
not answer, or answer from outside the story, is not listed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from backstory.compose.explainer import main_event
from backstory.compose.facts import StoryFacts, by_thing, join_names
from backstory.compose.grounding import Grounder
from backstory.models import Answer, Composition, Section, Statement

__all__ = ["MAX_QUESTIONS", "build_faq", "faq_questions"]

LOGGER = logging.getLogger(__name__)
MAX_QUESTIONS = 12
_CANDIDATES = 24
_PEOPLE = 3
_NUMBERS = 4
_SPEAKERS = 3

Ask = Callable[[str], Answer]


def build_faq(facts: StoryFacts, grounder: Grounder, ask: Ask) -> Composition:
    story_articles = set(facts.story.article_ids)
    sections: list[Section] = []
    answers: set[str] = set()
    for question in faq_questions(facts):
        answer = ask(question)
        if answer.abstained or not answer.answer:
            LOGGER.info("FAQ: the sources do not answer %r", question)
            continue
        citations = tuple(c for c in answer.citations if c.article_id in story_articles)
        if not citations or answer.answer.casefold() in answers:
            continue
        statement = Statement(answer.answer, citations)
        if not grounder.keep([statement]):
            continue
        answers.add(answer.answer.casefold())
        sections.append(Section(question, (statement,)))
        if len(sections) == MAX_QUESTIONS:
            break
    return Composition(kind="faq", story_id=facts.story.id, title=facts.story.title,
                       sections=tuple(sections))


def faq_questions(facts: StoryFacts) -> list[str]:
    """Candidate questions, the most central facts first, without repeats."""
    return list(dict.fromkeys(_questions(facts)))[:_CANDIDATES]


def _questions(facts: StoryFacts) -> Iterator[str]:
    event = main_event(facts.timeline)
    if event is not None:
        names = [p for p in event.participants if p != event.place]
        if event.type == "meeting" and len(names) >= 2:
            yield f"When did {join_names(names)} meet?"
            yield f"Where did {join_names(names)} meet?"
        else:
            what = f"the {event.type}" + (f" in {event.place}" if event.place else "")
            yield f"When did {what} take place?"
            if names:
                yield f"Who took part in {what}?"
    counts = facts.mention_counts()
    people = sorted({r.name for a in facts.analyses.values() for r in a.roles
                     if counts.get((r.name, "PERSON"))}, key=lambda n: -counts[(n, "PERSON")])
    for name in people[:_PEOPLE]:
        yield f"Who is {name}?"
    for _, _, items in by_thing(facts)[:_NUMBERS]:
        claim = items[0][0]
        if claim.object and not claim.unit:  # "10 hours" answers "how long", not "how many"
            verb = f" {_were(claim.predicate)}{claim.predicate}" if claim.predicate else ""
            yield f"How many {claim.object}{verb}?"
    speakers: dict[str, int] = {}
    for side in facts.sides:
        for quote, _ in side.quotes:
            if quote.speaker:
                speakers[quote.speaker] = speakers.get(quote.speaker, 0) + 1
    for speaker in sorted(speakers, key=lambda s: -speakers[s])[:_SPEAKERS]:
        yield f"What did {speaker} say?"
    for omission in facts.comparison.omissions:
        yield f"What did the {omission.absent_from.removeprefix('the ')} focus on?"
    for conflict in facts.comparison.conflicts:
        yield f"How many {conflict.object} were there?"


def _were(predicate: str) -> str:
    """"were " before a participle ("deported", "refused entry"), nothing before a verb that
    carries its own tense ("took place", "had their visas cancelled")."""
    first = predicate.split()[0].lower()
    if first in {"had", "have", "has", "were", "was", "are", "is", "took", "came", "went"}:
        return ""
    return "were " if first.endswith(("ed", "en")) else ""
