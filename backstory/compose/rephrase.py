"""Optional rephrasing by a language model behind any OpenAI-compatible chat endpoint.

The model may only rephrase: it sees one statement and the sentences it cites, and its
version replaces the statement only when it passes the same grounding check (its names,
numbers and dates are in the cited sentences). Anything else — a refusal, an error, an
invented figure — keeps the statement as composed, and is logged.
"""

from __future__ import annotations

import logging

import httpx

from backstory.compose.grounding import Grounder
from backstory.models import Composition, Section, Statement

__all__ = ["Rephraser"]

LOGGER = logging.getLogger(__name__)
_INSTRUCTIONS = (
    "Rewrite the statement as one clear sentence for a general news reader. Use only facts "
    "from the statement and its source sentences; keep every name, number and date exactly "
    "as written; add nothing, drop no attribution such as 'according to'. Reply with the "
    "rewritten sentence only.")
_MAX_CHARS = 600


class Rephraser:
    """Rephrases statements through `{url}/chat/completions`, keeping only grounded ones."""

    def __init__(self, url: str, *, model: str, api_key: str | None = None,
                 timeout: float = 30.0, client: httpx.Client | None = None) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._endpoint = url.rstrip("/") + "/chat/completions"
        self._model = model
        self._client = client or httpx.Client(timeout=timeout, headers=headers)

    def close(self) -> None:
        self._client.close()

    def composition(self, document: Composition, grounder: Grounder) -> Composition:
        sections = tuple(Section(s.heading, tuple(self.statement(st, grounder)
                                                  for st in s.statements))
                         for s in document.sections)
        return Composition(kind=document.kind, story_id=document.story_id,
                           title=document.title, sections=sections)

    def statement(self, statement: Statement, grounder: Grounder) -> Statement:
        """The model's version if it is grounded in the same citations, else the original."""
        try:
            text = self._ask(statement)
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as exc:
            LOGGER.warning("rephrasing failed at %s, keeping the statement as composed: %s",
                           self._endpoint, exc)
            return statement
        if not text or len(text) > _MAX_CHARS:
            return statement
        candidate = Statement(text, statement.citations)
        missing = grounder.missing(candidate)
        if missing:
            LOGGER.warning("rejected a rephrasing (%s not in its sources): %r",
                           ", ".join(missing), text)
            return statement
        return candidate

    def _ask(self, statement: Statement) -> str:
        sources = "\n".join(f"- {c.sentence}" for c in statement.citations)
        response = self._client.post(self._endpoint, json={
            "model": self._model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": _INSTRUCTIONS},
                {"role": "user",
                 "content": f"Statement: {statement.text}\nSource sentences:\n{sources}"},
            ],
        })
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
        return str(content).strip().strip('"')
