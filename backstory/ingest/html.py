"""Article text and metadata from an HTML page, by trafilatura."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import trafilatura
from trafilatura.settings import Document

from backstory.errors import ExtractionError
from backstory.ingest.jsonld import read_jsonld
from backstory.ingest.text import paragraphs_of

__all__ = ["ExtractedPage", "extract_page"]

LOGGER = logging.getLogger(__name__)
# Fewer characters than this is a navigation page or a stub, not an article.
MIN_ARTICLE_CHARS = 80
# Pages past this size are not articles (and would stall the extractor).
MAX_HTML_CHARS = 5_000_000


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """What trafilatura found on a page: the paragraphs and the page's metadata."""

    paragraphs: list[str]
    title: str | None
    author: str | None
    published_at: str | None
    outlet: str | None
    url: str | None
    language: str | None


def extract_page(html: str, *, source: str, url: str | None = None) -> ExtractedPage:
    """Extract the main article of a page, or raise `ExtractionError` when there is none.

    JSON-LD metadata, when the page has it, wins over what trafilatura guesses from
    meta tags: publishers fill it in for search engines and keep it accurate.
    """
    if len(html) > MAX_HTML_CHARS:
        raise ExtractionError(f"the page is larger than {MAX_HTML_CHARS} characters",
                              source=source)
    linked = read_jsonld(html)
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    text = (document.text or "") if isinstance(document, Document) else ""
    if not isinstance(document, Document) or len(text.strip()) < MIN_ARTICLE_CHARS:
        raise ExtractionError(
            "no article text found in the page (it may be a front page, a login wall "
            "or rendered by JavaScript)",
            source=source,
        )
    title = linked.headline or document.title or None
    paragraphs = paragraphs_of(text)
    if title and paragraphs and paragraphs[0].strip() == title.strip():
        paragraphs = paragraphs[1:]  # trafilatura keeps the <h1> headline as the first line
    page_url = document.url or url
    outlet = linked.publisher or document.sitename or (
        urlsplit(page_url).hostname if page_url else None)
    return ExtractedPage(
        paragraphs=paragraphs,
        title=title,
        author=linked.author or document.author or None,
        published_at=linked.published_at or document.date or None,
        outlet=outlet,
        url=page_url,
        language=linked.language or document.language or None,
    )
