"""Article metadata from schema.org JSON-LD (`NewsArticle` and kin) embedded in a page."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["JsonLdArticle", "read_jsonld"]

_SCRIPT = re.compile(
    r"<script[^>]+type\s*=\s*[\"']application/ld\+json[\"'][^>]*>(.*?)</script>",
    re.I | re.S,
)
_ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
                  "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle",
                  "blogposting", "liveblogposting"}


@dataclass(frozen=True, slots=True)
class JsonLdArticle:
    """What a page's JSON-LD says about its article (any field may be missing)."""

    headline: str | None = None
    published_at: str | None = None
    author: str | None = None
    publisher: str | None = None
    language: str | None = None


def read_jsonld(html: str) -> JsonLdArticle:
    """The first article-typed JSON-LD object of a page; malformed blocks are skipped."""
    for block in _SCRIPT.findall(html):
        try:
            data = json.loads(block.strip())
        except (json.JSONDecodeError, RecursionError):
            continue
        for node in _nodes(data):
            if _is_article(node):
                return JsonLdArticle(
                    headline=_text(node.get("headline") or node.get("name")),
                    published_at=_text(node.get("datePublished")),
                    author=_name(node.get("author")),
                    publisher=_name(node.get("publisher")),
                    language=_text(node.get("inLanguage")),
                )
    return JsonLdArticle()


def _nodes(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    if depth > 5:
        return []
    if isinstance(data, list):
        return [n for item in data for n in _nodes(item, depth + 1)]
    if isinstance(data, dict):
        return [data, *_nodes(data.get("@graph", []), depth + 1)]
    return []


def _is_article(node: dict[str, Any]) -> bool:
    kinds = node.get("@type", [])
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds)


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
