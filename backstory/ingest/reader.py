"""Turning the user's SOURCE arguments into articles: files, folders, URLs, feeds, JSONL.

`read_sources` yields one result per article-sized input, an `Article` or an
`IngestFailure`, so a caller can store the good ones and report the bad ones.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from backstory.errors import ExtractionError, IngestError
from backstory.ingest.boilerplate import split_promos
from backstory.ingest.feeds import looks_like_feed, parse_feed
from backstory.ingest.fetch import Fetcher
from backstory.ingest.html import extract_page
from backstory.ingest.jsonl import read_jsonl
from backstory.ingest.metadata import InputMeta, normalize_published
from backstory.ingest.text import decode_text, paragraphs_of, split_title
from backstory.models import Article, IngestFailure

__all__ = ["estimate_articles", "read_sources"]

LOGGER = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES

Result = Article | IngestFailure


def read_sources(sources: list[str], *, meta: InputMeta, fetcher: Fetcher) -> Iterator[Result]:
    """Yield an `Article` or an `IngestFailure` for every article found in the sources."""
    for source in sources:
        try:
            if _is_url(source):
                yield from _read_url(source, meta=meta, fetcher=fetcher)
            else:
                yield from _read_path(Path(source), meta=meta, fetcher=fetcher)
        except IngestError as exc:
            yield IngestFailure(source=exc.source, error=exc.message)


def estimate_articles(sources: list[str]) -> int:
    """About how many articles the sources hold, for a progress bar: one per file or URL,
    one per line of a JSONL file (a feed URL counts as one until it is read)."""
    return sum(_estimate(Path(s)) if not _is_url(s) else 1 for s in sources)


def _estimate(path: Path) -> int:
    if path.is_dir():
        return sum(_estimate(child) for child in _walk(path))
    if path.suffix.lower() in JSONL_SUFFIXES and path.is_file():
        with path.open("rb") as handle:
            return max(sum(1 for line in handle if line.strip()), 1)
    return 1


def _is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def _walk(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if path.is_file() and not hidden and path.suffix.lower() in KNOWN_SUFFIXES:
            yield path


def _read_path(path: Path, *, meta: InputMeta, fetcher: Fetcher) -> Iterator[Result]:
    source = str(path)
    if path.is_dir():
        for child in _walk(path):
            yield from read_sources([str(child)], meta=meta, fetcher=fetcher)
        return
    if not path.exists():
        raise IngestError("no such file or folder; check the path", source=source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read the file: {exc.strerror}", source=source) from exc
    suffix = path.suffix.lower()
    text = decode_text(data, source=source)
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(text, source=source, meta=meta)
    elif suffix in FEED_SUFFIXES or (suffix not in KNOWN_SUFFIXES and looks_like_feed(data)):
        yield from _read_feed(data, source=source, meta=meta, fetcher=fetcher)
    elif suffix in HTML_SUFFIXES or (suffix not in KNOWN_SUFFIXES and _looks_like_html(text)):
        yield _article_from_html(text, source=source, meta=meta, url=meta.url)
    else:
        yield _article_from_text(text, source=source, meta=meta,
                                 markdown=suffix in {".md", ".markdown"})


def _read_url(url: str, *, meta: InputMeta, fetcher: Fetcher) -> Iterator[Result]:
    fetched = fetcher.fetch(url)
    if looks_like_feed(fetched.body):
        yield from _read_feed(fetched.body, source=url, meta=meta, fetcher=fetcher)
        return
    html = fetched.body.decode("utf-8", errors="replace")
    yield _article_from_html(html, source=url, meta=meta, url=meta.url or fetched.url)


def _read_feed(body: bytes, *, source: str, meta: InputMeta, fetcher: Fetcher
               ) -> Iterator[Result]:
    entries = parse_feed(body)
    if not entries:
        raise ExtractionError("the feed has no entries", source=source)
    for number, entry in enumerate(entries, start=1):
        item = f"{source}#{number}"
        if not entry.link:
            yield IngestFailure(source=item, error="the feed entry has no link to an article")
            continue
        feed_meta = InputMeta(
            outlet=meta.outlet or entry.outlet,
            published_at=meta.published_at or entry.published_at,
            title=meta.title or entry.title,
            url=entry.link,
        )
        try:
            fetched = fetcher.fetch(entry.link)
            html = fetched.body.decode("utf-8", errors="replace")
            article = _article_from_html(html, source=item, meta=feed_meta, url=fetched.url,
                                         feed_author=entry.author)
        except IngestError as exc:
            yield IngestFailure(source=item, error=f"{exc.message} ({entry.link})")
            continue
        yield article


def _read_jsonl(text: str, *, source: str, meta: InputMeta) -> Iterator[Result]:
    for record in read_jsonl(text):
        item = f"{source}#{record.line}"
        if record.error is not None:
            yield IngestFailure(source=item, error=record.error)
            continue
        fields = record.fields
        line_meta = InputMeta(
            outlet=meta.outlet or fields["outlet"],
            published_at=meta.published_at or fields["published_at"],
            title=meta.title or fields["title"],
            url=meta.url or fields["url"],
        )
        try:
            if fields["text"]:
                yield _article_from_text(fields["text"], source=item, meta=line_meta,
                                         markdown=False, author=fields["author"],
                                         language=fields["language"], take_title=False)
            else:
                yield _article_from_html(fields["html"] or "", source=item, meta=line_meta,
                                         url=line_meta.url)
        except IngestError as exc:
            yield IngestFailure(source=exc.source, error=exc.message)


def _article_from_text(text: str, *, source: str, meta: InputMeta, markdown: bool,
                       author: str | None = None, language: str | None = None,
                       take_title: bool = True) -> Article:
    paragraphs = paragraphs_of(text)
    title = None
    if take_title:
        title, paragraphs = split_title(paragraphs, markdown=markdown)
    return _build(paragraphs, source=source, meta=meta, title=title, author=author,
                  language=language)


def _article_from_html(html: str, *, source: str, meta: InputMeta, url: str | None,
                       feed_author: str | None = None) -> Article:
    page = extract_page(html, source=source, url=url)
    return _build(
        page.paragraphs, source=source, meta=meta, title=page.title,
        author=page.author or feed_author, language=page.language,
        published_at=page.published_at, outlet=page.outlet, url=page.url,
    )


def _build(paragraphs: list[str], *, source: str, meta: InputMeta, title: str | None,
           author: str | None = None, language: str | None = None,
           published_at: str | None = None, outlet: str | None = None,
           url: str | None = None) -> Article:
    kept, dropped = split_promos(paragraphs)
    if not kept:
        raise ExtractionError("no article text left after removing boilerplate",
                              source=source)
    if dropped:
        LOGGER.info("%s: dropped %d promotional paragraph(s)", source, len(dropped))
    final_url = meta.url or url
    return Article.create(
        "\n".join(kept),
        input=source,
        title=meta.title or title,
        outlet=meta.outlet or outlet or (urlsplit(final_url).hostname if final_url else None),
        url=final_url,
        author=author,
        published_at=normalize_published(meta.published_at or published_at, source=source),
        language=language or "en",
        dropped=tuple(dropped),
    )


def _looks_like_html(text: str) -> bool:
    head = text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head
