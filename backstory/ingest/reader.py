"""Turning the user's SOURCE arguments into articles.

Files (plain text, Markdown, HTML, JSON Lines, news-please JSON, WARC, feeds, sitemaps),
folders of them (recursively), and http(s) URLs of pages, feeds and sitemaps.
`read_sources` yields one result per article-sized input, an `Article` or an
`IngestFailure`, so a caller can store the good ones and report the bad ones.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from backstory.errors import ExtractionError, FetchError, IngestError
from backstory.ingest.boilerplate import split_promos
from backstory.ingest.feeds import FeedEntry, looks_like_feed, parse_feed
from backstory.ingest.fetch import Fetched, Fetcher
from backstory.ingest.html import extract_page
from backstory.ingest.jsonl import read_jsonl
from backstory.ingest.language import detect_language
from backstory.ingest.metadata import InputMeta, normalize_published
from backstory.ingest.sitemaps import SitemapEntry, looks_like_sitemap, parse_sitemap
from backstory.ingest.text import declared_charset, decode_text, paragraphs_of, split_title
from backstory.ingest.warc import read_warc
from backstory.models import Article, FeedValidators, IngestFailure

__all__ = ["FeedMemory", "estimate_articles", "list_inputs", "read_sources"]

LOGGER = logging.getLogger(__name__)
# C0 control characters and DEL, except tab, line feed, vertical tab, form feed and return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
XML_SUFFIXES = {".rss", ".atom", ".xml"}
WARC_ENDINGS = (".warc", ".warc.gz", ".arc.gz")
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | XML_SUFFIXES
_MAX_SITEMAP_DEPTH = 2
MAX_TEXT_CHARS = 1_000_000  # spaCy's own limit; a text this long is not one article
# Files that describe a folder rather than hold an article (a file named explicitly is
# still read).
_FOLDER_NOTES = {"readme", "license", "licence", "copying", "changelog", "source", "notice"}

Result = Article | IngestFailure


class FeedMemory(Protocol):
    """Where the validators (ETag, Last-Modified) of fetched feeds are remembered."""

    def feed_validators(self, url: str) -> FeedValidators | None: ...
    def remember_feed(self, url: str, validators: FeedValidators) -> None: ...


def read_sources(sources: list[str], *, meta: InputMeta, fetcher: Fetcher,
                 feeds: FeedMemory | None = None) -> Iterator[Result]:
    """Yield an `Article` or an `IngestFailure` for every article found in the sources."""
    reader = _Reader(meta=meta, fetcher=fetcher, feeds=feeds)
    for source in sources:
        try:
            if _is_url(source):
                yield from reader.url(source)
            else:
                yield from reader.path(Path(source))
        except IngestError as exc:
            yield IngestFailure(source=exc.source, error=exc.message)


def list_inputs(sources: list[str]) -> list[str]:
    """The sources with each folder replaced by the article files in it, in the order
    `read_sources` reads them, so that an engine can hand the inputs to workers one by one
    and still read each as `read_sources` would (same input names, same results)."""
    inputs: list[str] = []
    for source in sources:
        path = Path(source)
        if not _is_url(source) and path.is_dir():
            inputs.extend(str(child) for child in _walk(path))
        else:
            inputs.append(source)
    return inputs


def estimate_articles(sources: list[str]) -> int:
    """About how many articles the sources hold, for a progress bar: one per file or URL,
    one per line of a JSONL file (a feed or WARC counts as one until it is read)."""
    return sum(_estimate(Path(s)) if not _is_url(s) else 1 for s in sources)


class _Reader:
    def __init__(self, *, meta: InputMeta, fetcher: Fetcher, feeds: FeedMemory | None) -> None:
        self.meta = meta
        self.fetcher = fetcher
        self.feeds = feeds

    # -- sources --------------------------------------------------------------------------

    def url(self, url: str) -> Iterator[Result]:
        known = self.feeds.feed_validators(url) if self.feeds else None
        fetched = self.fetcher.fetch(url, validators=known)
        if fetched.not_modified:
            LOGGER.info("%s: not modified since it was last read", url)
            return
        if looks_like_feed(fetched.body):
            yield from self.feed(fetched.body, source=url)
            if self.feeds and (fetched.validators.etag or fetched.validators.last_modified):
                self.feeds.remember_feed(url, fetched.validators)
        elif looks_like_sitemap(fetched.body):
            yield from self.sitemap(fetched.body, source=url, depth=0)
        else:
            yield self.page(fetched, source=url, meta=self.meta)

    def path(self, path: Path) -> Iterator[Result]:
        source = str(path)
        if path.is_dir():
            for child in _walk(path):
                try:
                    yield from self.path(child)
                except IngestError as exc:
                    yield IngestFailure(source=exc.source, error=exc.message)
            return
        if not path.exists():
            raise IngestError("no such file or folder; check the path", source=source)
        name = path.name.lower()
        if name.endswith(WARC_ENDINGS):
            yield from self.warc(path)
            return
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(f"cannot read the file: {exc.strerror}", source=source) from exc
        suffix = path.suffix.lower()
        if suffix in XML_SUFFIXES or name.endswith(".xml.gz") or suffix not in KNOWN_SUFFIXES:
            if looks_like_sitemap(data):
                yield from self.sitemap(data, source=source, depth=0)
                return
            if looks_like_feed(data):
                yield from self.feed(data, source=source)
                return
            if suffix in XML_SUFFIXES:
                raise ExtractionError("this XML file is neither an RSS/Atom feed nor a "
                                      "sitemap", source=source)
        # In JSON Lines a NUL byte spoils only its own line (read_jsonl reports it).
        text = decode_text(data, source=source, declared=declared_charset(data),
                           allow_nul=suffix in JSONL_SUFFIXES)
        if suffix in JSONL_SUFFIXES:
            yield from self.jsonl(text, source=source)
        elif suffix in JSON_SUFFIXES:
            yield from self.news_please(text, source=source)
        elif suffix in HTML_SUFFIXES or (suffix not in KNOWN_SUFFIXES and _looks_like_html(text)):
            yield self.html(text, source=source, meta=self.meta, url=self.meta.url)
        else:
            yield self.text(text, source=source, meta=self.meta,
                            markdown=suffix in {".md", ".markdown"})

    def feed(self, body: bytes, *, source: str) -> Iterator[Result]:
        entries = parse_feed(body)
        if not entries:
            raise ExtractionError("the feed has no entries", source=source)
        links = [e.link for e in entries if e.link]
        pages = dict(self.fetcher.fetch_many(links))
        for number, entry in enumerate(entries, start=1):
            item = f"{source}#{number}"
            if not entry.link:
                yield IngestFailure(source=item, error="the feed entry has no link to an article")
                continue
            yield self._page_or_failure(pages[entry.link], item=item, link=entry.link,
                                        meta=self._entry_meta(entry, url=entry.link),
                                        author=entry.author)

    def sitemap(self, body: bytes, *, source: str, depth: int) -> Iterator[Result]:
        try:
            entries = parse_sitemap(body)
        except ValueError as exc:
            raise ExtractionError(f"the sitemap cannot be parsed: {exc}", source=source) from exc
        if not entries:
            raise ExtractionError("the sitemap lists no URLs", source=source)
        for number, entry in enumerate(entries, start=1):
            if not entry.is_sitemap:
                continue
            item = f"{source}#{number}"
            if depth >= _MAX_SITEMAP_DEPTH:
                yield IngestFailure(source=item, error="sitemap indexes nested too deep")
                continue
            try:
                child = self.fetcher.fetch(entry.url)
                # Records of a child sitemap are named after the input: index.xml#2#5.
                yield from self.sitemap(child.body, source=item, depth=depth + 1)
            except IngestError as exc:
                yield IngestFailure(source=item, error=f"{exc.message} ({entry.url})")
        pages_wanted = [e for e in entries if not e.is_sitemap]
        pages = dict(self.fetcher.fetch_many([e.url for e in pages_wanted]))
        for number, entry in enumerate(entries, start=1):
            if entry.is_sitemap:
                continue
            yield self._page_or_failure(pages[entry.url], item=f"{source}#{number}",
                                        link=entry.url, meta=self._entry_meta(entry,
                                                                              url=entry.url))

    def warc(self, path: Path) -> Iterator[Result]:
        source = str(path)
        for page in read_warc(path, source=source):
            item = f"{source}#{page.record}"
            if page.error:
                yield IngestFailure(source=item, error=page.error)
                continue
            fetched = Fetched(url=page.url or "", content_type=page.content_type, body=page.body)
            try:
                yield self.page(fetched, source=item, meta=self.meta)
            except IngestError as exc:
                yield IngestFailure(source=item, error=exc.message)

    def jsonl(self, text: str, *, source: str) -> Iterator[Result]:
        for record in read_jsonl(text):
            item = f"{source}#{record.line}"
            if record.error is not None:
                yield IngestFailure(source=item, error=record.error)
                continue
            yield self._record(record.fields, source=item)

    def news_please(self, text: str, *, source: str) -> Iterator[Result]:
        """A news-please JSON file: one article object, or a list of them."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise ExtractionError(f"not valid JSON: {exc}", source=source) from exc
        records = data if isinstance(data, list) else [data]
        if not records:
            raise ExtractionError("the JSON file holds no articles", source=source)
        for number, record in enumerate(records, start=1):
            item = source if len(records) == 1 else f"{source}#{number}"
            if not isinstance(record, dict):
                yield IngestFailure(source=item, error="expected a JSON object per article")
                continue
            yield self._record(_news_please_fields(record), source=item)

    # -- one article ------------------------------------------------------------------------

    def _entry_meta(self, entry: FeedEntry | SitemapEntry, *, url: str) -> InputMeta:
        """A feed or sitemap entry's metadata, under what the user gave for the whole call."""
        return InputMeta(
            outlet=self.meta.outlet or entry.outlet,
            published_at=self.meta.published_at or entry.published_at,
            title=self.meta.title or entry.title,
            url=url,
        )

    def _record(self, fields: dict[str, str | None], *, source: str) -> Result:
        meta = InputMeta(
            outlet=self.meta.outlet or fields.get("outlet"),
            published_at=self.meta.published_at or fields.get("published_at"),
            title=self.meta.title or fields.get("title"),
            url=self.meta.url or fields.get("url"),
        )
        try:
            if fields.get("text"):
                return self.text(fields["text"] or "", source=source, meta=meta, markdown=False,
                                 author=fields.get("author"), language=fields.get("language"),
                                 take_title=False)
            if fields.get("html"):
                return self.html(fields["html"] or "", source=source, meta=meta, url=meta.url)
            return IngestFailure(source=source, error="the record has no article text")
        except IngestError as exc:
            return IngestFailure(source=exc.source, error=exc.message)

    def _page_or_failure(self, fetched: Fetched | FetchError, *, item: str, link: str,
                         meta: InputMeta, author: str | None = None) -> Result:
        if isinstance(fetched, FetchError):
            return IngestFailure(source=item, error=f"{fetched.message} ({link})")
        try:
            return self.page(fetched, source=item, meta=meta, author=author)
        except IngestError as exc:
            return IngestFailure(source=item, error=f"{exc.message} ({link})")

    def page(self, fetched: Fetched, *, source: str, meta: InputMeta,
             author: str | None = None) -> Article:
        declared = declared_charset(fetched.body, fetched.content_type)
        html = decode_text(fetched.body, source=source, declared=declared)
        return self.html(html, source=source, meta=meta, url=meta.url or fetched.url or None,
                         feed_author=author)

    def text(self, text: str, *, source: str, meta: InputMeta, markdown: bool,
             author: str | None = None, language: str | None = None,
             take_title: bool = True) -> Article:
        paragraphs = paragraphs_of(text)
        title = None
        if take_title:
            title, paragraphs = split_title(paragraphs, markdown=markdown)
        return _build(paragraphs, source=source, meta=meta, title=title, author=author,
                      language=language)

    def html(self, html: str, *, source: str, meta: InputMeta, url: str | None,
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
    paragraphs = [_valid_unicode(p) for p in paragraphs]
    title, author, outlet = (_valid_unicode(v) if v else v for v in (title, author, outlet))
    meta = InputMeta(*(_valid_unicode(v) if v else v for v in (
        meta.outlet, meta.published_at, meta.title, meta.url)))
    if sum(len(p) + 1 for p in paragraphs) > MAX_TEXT_CHARS:
        raise ExtractionError(f"the text is longer than {MAX_TEXT_CHARS:,} characters; "
                              "that is not one article", source=source)
    kept, dropped = split_promos(paragraphs)
    if not kept:
        raise ExtractionError("no article text left after removing boilerplate",
                              source=source)
    if dropped:
        LOGGER.info("%s: dropped %d promotional paragraph(s)", source, len(dropped))
    text = "\n".join(kept)
    final_url = meta.url or url
    return Article.create(
        text,
        input=source,
        title=meta.title or title,
        outlet=meta.outlet or outlet or (urlsplit(final_url).hostname if final_url else None),
        url=final_url,
        author=author,
        published_at=normalize_published(meta.published_at or published_at, source=source),
        language=(language or detect_language(text)).lower()[:2],
        dropped=tuple(dropped),
    )


def _valid_unicode(text: str) -> str:
    """Text with lone surrogates (from JSON escapes such as "\\ud800") replaced and control
    characters other than whitespace removed: no article says anything with them, and
    PostgreSQL refuses a NUL in text, so an article holding one could not be stored
    (with every later copy of it, each linked to an article that is not there)."""
    return _CONTROL.sub("", text.encode("utf-8", "replace").decode("utf-8"))


def _news_please_fields(record: dict[str, Any]) -> dict[str, str | None]:
    authors = record.get("authors")
    if isinstance(authors, str) and authors.startswith("["):
        authors = None if authors == "[]" else authors.strip("[]").replace("'", "")
    elif isinstance(authors, list):
        authors = ", ".join(str(a) for a in authors) or None

    def text_field(*names: str) -> str | None:
        for name in names:
            value = record.get(name)
            if isinstance(value, str) and value.strip() and value != "None":
                return value
        return None

    return {
        "text": text_field("maintext", "text"),
        "html": None,
        "title": text_field("title", "title_page", "title_rss"),
        "url": text_field("url"),
        "outlet": text_field("source_domain"),
        "published_at": text_field("date_publish"),
        "language": text_field("language"),
        "author": authors if isinstance(authors, str) else None,
    }


def _is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def _walk(folder: Path) -> Iterator[Path]:
    """Article files under a folder: known types, not hidden, not the folder's own notes."""
    for path in sorted(folder.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        name = path.name.lower()
        known = path.suffix.lower() in KNOWN_SUFFIXES or name.endswith(WARC_ENDINGS)
        notes = path.stem.lower() in _FOLDER_NOTES
        if path.is_file() and not hidden and known and not notes:
            yield path


def _estimate(path: Path) -> int:
    if path.is_dir():
        return sum(_estimate(child) for child in _walk(path))
    if path.suffix.lower() in JSONL_SUFFIXES and path.is_file():
        with path.open("rb") as handle:
            return max(sum(1 for line in handle if line.strip()), 1)
    return 1


def _looks_like_html(text: str) -> bool:
    head = text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head
