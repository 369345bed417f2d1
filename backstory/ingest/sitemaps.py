"""XML sitemaps, news sitemaps included: the article URLs they list, with their metadata."""

from __future__ import annotations

import gzip
from dataclasses import dataclass

from lxml import etree

__all__ = ["SitemapEntry", "looks_like_sitemap", "parse_sitemap"]

_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          recover=True)


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """A URL listed by a sitemap; `is_sitemap` marks the child sitemaps of an index."""

    url: str
    is_sitemap: bool = False
    title: str | None = None
    published_at: str | None = None
    outlet: str | None = None


def looks_like_sitemap(body: bytes) -> bool:
    """True when a body is a `<urlset>` or `<sitemapindex>` document (gzip or not)."""
    head = _maybe_gunzip(body)[:2048].lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def parse_sitemap(body: bytes) -> list[SitemapEntry]:
    """The entries of a sitemap or sitemap index, in document order."""
    root = etree.fromstring(_maybe_gunzip(body), parser=_PARSER)
    if root is None:
        return []
    if etree.QName(root).localname == "sitemapindex":
        return [SitemapEntry(url=loc.strip(), is_sitemap=True)
                for loc in root.xpath("//*[local-name()='sitemap']/*[local-name()='loc']/text()")]
    entries = []
    for node in root.xpath("//*[local-name()='url']"):
        loc = node.xpath("./*[local-name()='loc']/text()")
        if not loc:
            continue
        news = node.xpath("./*[local-name()='news']")
        title = published = outlet = None
        if news:
            title = _first(news[0], "./*[local-name()='title']/text()")
            published = _first(news[0], "./*[local-name()='publication_date']/text()")
            outlet = _first(news[0], "./*[local-name()='publication']/*[local-name()='name']"
                                     "/text()")
        entries.append(SitemapEntry(url=loc[0].strip(), title=title, published_at=published,
                                    outlet=outlet))
    return entries


def _first(node: etree._Element, path: str) -> str | None:
    found = node.xpath(path)
    return str(found[0]).strip() or None if found else None


def _maybe_gunzip(body: bytes) -> bytes:
    if body[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(body)
        except (OSError, EOFError):
            return b""
    return body
