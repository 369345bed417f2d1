"""RSS and Atom feeds: recognizing them and listing their entries, by feedparser."""

from __future__ import annotations

import time
from dataclasses import dataclass

import feedparser

__all__ = ["FeedEntry", "looks_like_feed", "parse_feed"]

_FEED_STARTS = (b"<rss", b"<feed", b"<rdf:rdf")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed item: the link to its page and the metadata the feed gives for it."""

    link: str | None
    title: str | None
    author: str | None
    published_at: str | None
    outlet: str | None


def looks_like_feed(body: bytes) -> bool:
    """True when a body is an RSS/Atom document rather than a web page."""
    head = body[:4096].lstrip().lower()
    while head.startswith((b"<?", b"<!--")):  # XML declaration, stylesheets, comments
        closing = b"?>" if head.startswith(b"<?") else b"-->"
        end = head.find(closing)
        if end < 0:
            return False
        head = head[end + len(closing):].lstrip()
    return head.startswith(_FEED_STARTS)


def parse_feed(body: bytes) -> list[FeedEntry]:
    """The entries of a feed, in feed order."""
    parsed = feedparser.parse(body)
    outlet = parsed.feed.get("title") or None
    entries = []
    for entry in parsed.entries:
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        entries.append(FeedEntry(
            link=entry.get("link") or None,
            title=entry.get("title") or None,
            author=entry.get("author") or None,
            published_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", stamp) if stamp else None,
            outlet=outlet,
        ))
    return entries
