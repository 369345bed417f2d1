"""The JSON shapes of records, exactly as DESIGN.md fixes them; shared by CLI and web API."""

from __future__ import annotations

from typing import Any

from backstory.models import (
    Answer,
    ArticleMeta,
    Citation,
    Explainer,
    IngestReport,
    Story,
)
from backstory.pipeline import ArticleView, StoryView

__all__ = [
    "answer_payload",
    "article_payload",
    "article_view_payload",
    "explainer_payload",
    "ingest_payload",
    "stories_payload",
    "story_payload",
    "story_view_payload",
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
    article = view.article
    entities: dict[tuple[str, str], JSON] = {}
    for mention in view.mentions:
        entity = entities.setdefault((mention.name, mention.type), {
            "name": mention.name, "type": mention.type, "role": None, "mentions": [],
        })
        entity["mentions"].append({"start": mention.start, "end": mention.end,
                                   "text": mention.text})
    return {
        "article": {"id": article.id, "title": article.title, "outlet": article.outlet,
                    "url": article.url, "published_at": article.published_at,
                    "text": article.text},
        "sentences": [{"id": s.id, "start": s.start, "end": s.end, "text": s.text}
                      for s in view.sentences],
        "entities": list(entities.values()),
        # Quotes, claims, time values and events come with the analysis stage's next step.
        "quotes": [],
        "claims": [],
        "times": [],
        "events": [],
        "copies": [article_payload(c) for c in view.copies],
    }


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


def explainer_payload(explainer: Explainer) -> JSON:
    return {
        "story_id": explainer.story_id,
        "title": explainer.title,
        "statements": [{"text": s.text, "citations": [citation_payload(c) for c in s.citations]}
                       for s in explainer.statements],
    }


def story_view_payload(view: StoryView) -> JSON:
    return {
        **story_payload(view.story),
        "article_details": [article_payload(a) for a in view.articles],
        "outlets": sorted({a.outlet for a in view.articles if a.outlet}),
        "explainer": explainer_payload(view.explainer),
    }
