"""Ingest: turn files, folders, URLs, feeds and JSONL into clean `Article` records."""

from backstory.ingest.boilerplate import is_promo, split_promos
from backstory.ingest.fetch import Fetcher
from backstory.ingest.metadata import InputMeta, normalize_published
from backstory.ingest.reader import estimate_articles, list_inputs, read_sources

__all__ = [
    "Fetcher",
    "InputMeta",
    "estimate_articles",
    "is_promo",
    "list_inputs",
    "normalize_published",
    "read_sources",
    "split_promos",
]
