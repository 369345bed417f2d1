"""The web app: reader pages and the JSON API over one store.

Reads run on FastAPI's thread pool (plain `def` routes), as Datasette does. The only
writes are the editor desk's (`backstory.web.editor`): small transactions through the store,
one at a time in this process; SQLite's WAL lets reads go on meanwhile, and its busy
timeout makes them and the CLI's writes (ingest) take turns, so there is one writer at a time.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from backstory.compose import CHART_KINDS
from backstory.config import Settings
from backstory.editor import Documents
from backstory.errors import NotFoundError
from backstory.models import Document, DocumentBody
from backstory.payloads import (
    answer_payload,
    article_payload,
    article_view_payload,
    chart_payload,
    composition_payload,
    stories_payload,
    story_view_payload,
    trends_payload,
)
from backstory.pipeline import Desk
from backstory.web.editor import editor_router
from backstory.web.render import analysis_marks, article_paragraphs, faq_json_ld
from backstory.web.vendor import vega_embed_script

__all__ = ["create_app"]

LOGGER = logging.getLogger(__name__)
HERE = Path(__file__).parent
_MAX_QUESTION = 500


def create_app(settings: Settings) -> FastAPI:
    """Build the app over the store named in the settings."""
    desk = Desk(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        desk.close()

    app = FastAPI(title="Backstory", version="0.1.0", docs_url="/api/docs",
                  openapi_url="/api/openapi.json", lifespan=lifespan)
    app.state.desk = desk
    documents = Documents(desk.store)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    app.include_router(editor_router(desk.store))

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status)

    @app.exception_handler(NotFoundError)
    def not_found(request: Request, exc: NotFoundError) -> HTMLResponse | JSONResponse:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.message}, status_code=404)
        return page(request, "error.html", status=404, message=exc.message)

    # -- pages ------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        stories = desk.stories()
        metas = desk.store.article_meta([a for s in stories for a in s.article_ids])
        outlets = {s.id: sorted({o for a in s.article_ids if a in metas
                                 for o in [metas[a].outlet] if o}) for s in stories}
        rising = [t for t in desk.trends(limit=5).topics if t.burst > 0]
        return page(request, "home.html", stories=stories, outlets=outlets, rising=rising,
                    article_count=desk.store.count_articles())

    @app.get("/topics/{label}", response_class=HTMLResponse)
    def topic_page(request: Request, label: str,
                   window: int = Query(7, ge=1, le=365)) -> HTMLResponse:
        topic = next((t for t in desk.trends(window_days=window, limit=10_000).topics
                      if t.label == label), None)
        if topic is None:
            raise NotFoundError(f"no topic labelled {label!r}; /trends lists them",
                                label=label)
        stories = [desk.store.story(s) for s in topic.story_ids]
        return page(request, "topic.html", topic=topic, stories=stories)

    @app.get("/entities/{name}", response_class=HTMLResponse)
    def entity_page(request: Request, name: str) -> HTMLResponse:
        entity = desk.entity(name)
        metas = desk.store.article_meta(list(entity.article_ids))
        articles = sorted((metas[a] for a in entity.article_ids if a in metas),
                          key=lambda a: a.published_at or "", reverse=True)
        roles = [(role, metas[a]) for a, role in entity.roles if a in metas]
        return page(request, "entity.html", entity=entity, articles=articles, roles=roles)

    @app.get("/stories/{story_id}", response_class=HTMLResponse)
    def story_page(request: Request, story_id: str) -> HTMLResponse:
        facts = desk.story_facts(story_id)  # read once for the documents and the charts
        shown: dict[str, DocumentBody | None] = {}
        versions: dict[str, Document | None] = {}
        for kind, build in (("explainer", desk.explain), ("faq", desk.faq),
                            ("analysis", desk.analysis)):
            version = documents.published(kind, facts.story.id,
                                          show_unreviewed=settings.show_unreviewed)
            versions[kind] = version
            if version is not None:
                shown[kind] = version.body
            elif settings.show_unreviewed:  # nothing drafted yet: composed now, unreviewed
                shown[kind] = build(facts).body
            else:
                shown[kind] = None
        faq = shown["faq"]
        return page(request, "story.html", view=facts, explainer=shown["explainer"], faq=faq,
                    analysis=shown["analysis"], versions=versions,
                    faq_ld=faq_json_ld(faq) if faq else None,
                    charts=[desk.chart(facts, kind) for kind in CHART_KINDS])

    @app.get("/vendor/vega-embed.js")
    def vega_embed() -> FileResponse:
        return FileResponse(vega_embed_script(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/articles/{article_id}", response_class=HTMLResponse)
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        view = desk.article(article_id)
        return page(request, "article.html", view=view,
                    paragraphs=article_paragraphs(view.article.text, view.sentences,
                                                  analysis_marks(view.analysis)))

    @app.get("/ask", response_class=HTMLResponse)
    def ask_page(request: Request, q: str = Query("", max_length=_MAX_QUESTION)) -> HTMLResponse:
        question = q.strip()  # a blank question is no question: show the empty form
        answer = desk.ask(question) if question else None
        return page(request, "ask.html", question=question, answer=answer)

    # -- JSON API ---------------------------------------------------------------------------

    @app.get("/api/v1/ask")
    def api_ask(q: str = Query(..., min_length=1, max_length=_MAX_QUESTION)) -> dict[str, Any]:
        return answer_payload(desk.ask(q))

    @app.get("/trends", response_class=HTMLResponse)
    def trends_page(request: Request, window: int = Query(7, ge=1, le=365)) -> HTMLResponse:
        return page(request, "trends.html", trends=trends_payload(
            desk.trends(window_days=window)))

    @app.get("/api/v1/trends")
    def api_trends(window: int = Query(7, ge=1, le=365),
                   limit: int = Query(20, ge=1, le=200)) -> dict[str, Any]:
        return trends_payload(desk.trends(window_days=window, limit=limit))

    @app.get("/api/v1/stories")
    def api_stories() -> list[dict[str, Any]]:
        return stories_payload(desk.stories())

    @app.get("/api/v1/stories/{story_id}")
    def api_story(story_id: str) -> dict[str, Any]:
        return story_view_payload(desk.story(story_id))

    @app.get("/api/v1/stories/{story_id}/explainer")
    def api_explainer(story_id: str) -> dict[str, Any]:
        return composition_payload(desk.explain(story_id))

    @app.get("/api/v1/stories/{story_id}/faq")
    def api_faq(story_id: str) -> dict[str, Any]:
        return composition_payload(desk.faq(story_id))

    @app.get("/api/v1/stories/{story_id}/analysis")
    def api_analysis(story_id: str) -> dict[str, Any]:
        return composition_payload(desk.analysis(story_id))

    @app.get("/api/v1/stories/{story_id}/charts/{kind}")
    def api_chart(story_id: str, kind: str) -> dict[str, Any]:
        if kind not in CHART_KINDS:
            raise NotFoundError(f"no chart kind {kind!r}; the kinds are "
                                f"{', '.join(CHART_KINDS)}", kind=kind)
        return chart_payload(desk.chart(story_id, kind))

    @app.get("/api/v1/articles")
    def api_articles(limit: int = Query(100, ge=1, le=1000),
                     offset: int = Query(0, ge=0)) -> list[dict[str, Any]]:
        return [article_payload(m) for m in desk.articles(limit=limit, offset=offset)]

    @app.get("/api/v1/articles/{article_id}")
    def api_article(article_id: str) -> dict[str, Any]:
        return article_view_payload(desk.article(article_id))

    return app
