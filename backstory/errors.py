"""Backstory's exception tree; every error carries what the user needs to act on it.

    BackstoryError
    ├── ConfigError          a setting is missing or invalid
    ├── IngestError          an input could not be turned into an article
    │   ├── FetchError       a URL could not be fetched
    │   └── ExtractionError  the input was read but holds no usable article
    ├── AnalysisError        the NLP pipeline could not be loaded or failed
    ├── StoreError           the database could not be opened or written
    ├── ClusterError         the Ray cluster of a batch ingest could not run it
    ├── NotFoundError        an id names nothing in the store
    ├── EditorError          an account or document cannot be changed as asked
    │   └── AuthError        a login or session is refused
    └── QuestionError        a question cannot be asked as given
"""

from __future__ import annotations

__all__ = [
    "AnalysisError",
    "AuthError",
    "BackstoryError",
    "ClusterError",
    "ConfigError",
    "EditorError",
    "ExtractionError",
    "FetchError",
    "IngestError",
    "NotFoundError",
    "QuestionError",
    "StoreError",
]


class BackstoryError(Exception):
    """Base of every error Backstory raises on purpose."""

    def __init__(self, message: str, **context: object) -> None:
        super().__init__(message)
        self.message = message
        self.context = context


class ConfigError(BackstoryError):
    """A setting is missing or has a value Backstory cannot use."""


class IngestError(BackstoryError):
    """An input could not be turned into an article; `source` names the input."""

    def __init__(self, message: str, *, source: str, **context: object) -> None:
        super().__init__(message, source=source, **context)
        self.source = source


class FetchError(IngestError):
    """A URL could not be fetched (unreachable, refused, HTTP error, too large)."""


class ExtractionError(IngestError):
    """The input was read but holds no article text Backstory can use."""


class AnalysisError(BackstoryError):
    """The NLP pipeline could not be loaded or failed on an article."""


class StoreError(BackstoryError):
    """The database could not be opened, migrated or written."""


class ClusterError(BackstoryError):
    """The Ray cluster of `ingest --engine ray` could not be started or joined, or gave
    up on the run (a worker kept dying); what was written before stays written."""


class NotFoundError(BackstoryError):
    """An id (article, story) names nothing in the store."""


class QuestionError(BackstoryError):
    """A question cannot be asked as given (too long to be one question)."""


class EditorError(BackstoryError):
    """An editor account or a document cannot be changed as asked (a name taken, an edit
    that drops citations, a stale version)."""


class AuthError(EditorError):
    """A login is refused (wrong name or password) or a session is missing or expired."""
