"""The JSON shapes of records, exactly as DESIGN.md fixes them; shared by CLI and web API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from backstory.models import (
    Answer,
    Article,
    ArticleMeta,
    Chart,
    Citation,
    Claim,
    Composition,
    EntityProfile,
    Event,
    IngestReport,
    Quote,
    Sentence,
    SourcedClaim,
    Statement,
    Story,
)
from backstory.pipeline import ArticleView, StoryView
from backstory.stories.trends import Trends

__all__ = [
    "answer_payload",
    "article_payload",
    "article_view_payload",
    "chart_payload",
    "claim_payload",
    "composition_payload",
    "entity_payload",
    "event_payload",
    "ingest_payload",
    "quote_payload",
    "sourced_claim_payload",
    "statement_payload",
    "stories_payload",
    "story_payload",
    "story_view_payload",
    "trends_payload",
]

JSON = dict[str, Any]


def ingest_payload(report: IngestReport) -> JSON:
    return {
        "added": report.added,
        "duplicates": report.duplicates,
        "failed": [{"source": f.source, "error": f.error} for f in report.failed],
        "articles": [
            {"id": a.id, "title": a.title, "outlet": a.outlet, "published_at": a.published_at,
             "url": a.url, "input": a.input, "duplicate": a.duplicate_of is not None}
            for a in report.articles
        ],
    }


def article_payload(meta: ArticleMeta) -> JSON:
    return {"id": meta.id, "title": meta.title, "outlet": meta.outlet, "url": meta.url,
            "published_at": meta.published_at}


def article_view_payload(view: ArticleView) -> JSON:
    article, analysis = view.article, view.analysis
    roles: dict[str, str] = {}
    for role in analysis.roles:
        roles.setdefault(role.name, role.role)
    entities: dict[tuple[str, str], JSON] = {}
    for mention in analysis.mentions:
        entity = entities.setdefault((mention.name, mention.type), {
            "name": mention.name, "type": mention.type, "role": roles.get(mention.name),
            "mentions": [],
        })
        entity["mentions"].append({"start": mention.start, "end": mention.end,
                                   "text": mention.text})
    return {
        "article": {"id": article.id, "title": article.title, "outlet": article.outlet,
                    "url": article.url, "published_at": article.published_at,
                    "text": article.text},
        "sentences": [{"id": s.id, "start": s.start, "end": s.end, "text": s.text}
                      for s in analysis.sentences],
        "entities": list(entities.values()),
        "quotes": [quote_payload(q) for q in analysis.quotes],
        "claims": [claim_payload(c) for c in analysis.claims],
        "times": [{"text": x.text, "start": x.start, "end": x.end, "value": x.value,
                   "precision": x.precision} for x in analysis.times],
        "events": [event_payload(e, article, analysis.sentences) for e in analysis.events],
        "copies": [article_payload(c) for c in view.copies],
    }


def quote_payload(quote: Quote) -> JSON:
    return {"speaker": quote.speaker, "speaker_start": quote.speaker_start,
            "speaker_end": quote.speaker_end, "via": quote.via, "addressee": quote.addressee,
            "cue": quote.cue, "cue_start": quote.cue_start, "cue_end": quote.cue_end,
            "content": quote.content, "start": quote.start, "end": quote.end,
            "direct": quote.direct}


def claim_payload(claim: Claim) -> JSON:
    # DESIGN's claim shape has no `per`: a rate reads as its unit ("per month").
    unit = " ".join(part for part in (claim.unit, f"per {claim.per}" if claim.per else None)
                    if part) or None
    return {"value": claim.value, "qualifier": claim.qualifier, "unit": unit,
            "object": claim.object, "predicate": claim.predicate, "place": claim.place,
            "time": claim.time, "source": claim.source, "start": claim.start, "end": claim.end}


def event_payload(event: Event, article: Article, sentences: Sequence[Sentence]) -> JSON:
    citation = Citation.of(sentences[event.sentence_index], article)
    return {"type": event.type, "participants": list(event.participants), "place": event.place,
            "time": event.time, "precision": event.precision,
            "citations": [citation_payload(citation)]}


def answer_payload(answer: Answer) -> JSON:
    return {
        "question": answer.question,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "confidence": answer.confidence,
        "citations": [
            {"article_id": c.article_id, "outlet": c.outlet, "url": c.url,
             "published_at": c.published_at, "sentence": c.sentence, "start": c.start,
             "end": c.end}
            for c in answer.citations
        ],
    }


def story_payload(story: Story) -> JSON:
    return {"id": story.id, "title": story.title, "articles": list(story.article_ids),
            "first_seen": story.first_seen, "last_seen": story.last_seen}


def stories_payload(stories: list[Story]) -> list[JSON]:
    return [story_payload(s) for s in stories]


def citation_payload(citation: Citation) -> JSON:
    return {"article_id": citation.article_id, "sentence_id": citation.sentence_id,
            "sentence": citation.sentence, "start": citation.start, "end": citation.end,
            "outlet": citation.outlet, "url": citation.url,
            "published_at": citation.published_at}


def statement_payload(statement: Statement) -> JSON:
    return {"text": statement.text,
            "citations": [citation_payload(c) for c in statement.citations]}


def composition_payload(document: Composition) -> JSON:
    """An explainer, FAQ or analysis: headed sections of statements, each with citations (in
    an FAQ each section is a question and its answer)."""
    return {
        "story_id": document.story_id,
        "kind": document.kind,
        "title": document.title,
        "sections": [{"heading": s.heading,
                      "statements": [statement_payload(st) for st in s.statements]}
                     for s in document.sections],
    }


def chart_payload(chart: Chart) -> JSON:
    return {"story_id": chart.story_id, "kind": chart.kind, "title": chart.title,
            "description": chart.description, "spec": chart.spec}


def story_view_payload(view: StoryView) -> JSON:
    comparison = view.comparison
    return {
        **story_payload(view.story),
        "article_details": [article_payload(a) for a in view.articles],
        "outlets": sorted({a.outlet for a in view.articles if a.outlet}),
        "explainer": composition_payload(view.explainer),
        "timeline": [
            {"type": e.type, "time": e.time, "precision": e.precision,
             "participants": list(e.participants), "place": e.place, "topic": e.topic,
             "citations": [citation_payload(c) for c in e.citations]}
            for e in view.timeline
        ],
        "sources": [{"name": s.name, "kind": s.kind, "country": s.country}
                    for s in view.sources.values()],
        "sides": [
            {"side": side.name,
             "members": [{"name": m.name, "kind": m.kind, "country": m.country}
                         for m in side.members],
             "quotes": [{**quote_payload(q), "citations": [citation_payload(c)]}
                        for q, c in side.quotes]}
            for side in view.sides
        ],
        "comparison": {
            "claims_by_source": [
                {"source": source, "claims": [sourced_claim_payload(c) for c in claims]}
                for source, claims in comparison.claims_by_source
            ],
            "conflicts": [{"object": c.object,
                           "figures": [sourced_claim_payload(f) for f in c.figures]}
                          for c in comparison.conflicts],
            "omissions": [{"statement": o.statement, "absent_from": o.absent_from,
                           "citations": [citation_payload(c) for c in o.citations]}
                          for o in comparison.omissions],
        } if comparison is not None else None,
    }


def sourced_claim_payload(item: SourcedClaim) -> JSON:
    return {**claim_payload(item.claim), "citations": [citation_payload(item.citation)]}


def trends_payload(trends: Trends) -> JSON:
    return {
        "as_of": trends.as_of,
        "window_days": trends.window_days,
        "topics": [{"label": t.label, "entities": list(t.entities), "stories": list(t.story_ids),
                    "articles": t.articles, "by_day": t.by_day, "burst": t.burst}
                   for t in trends.topics],
        "entities": [{"name": e.name, "mentions": e.mentions, "by_day": e.by_day,
                      "burst": e.burst} for e in trends.entities],
    }


def entity_payload(entity: EntityProfile) -> JSON:
    return {"name": entity.name, "type": entity.type, "aliases": list(entity.aliases),
            "roles": [{"article_id": a, "role": r} for a, r in entity.roles],
            "articles": list(entity.article_ids)}
