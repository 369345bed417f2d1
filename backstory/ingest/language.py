"""Language identification of article text, by py3langid (its model ships in the package)."""

from __future__ import annotations

import py3langid

__all__ = ["detect_language"]

# A few sentences decide the language; longer samples only cost time.
_SAMPLE_CHARS = 600


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's language, e.g. "en"."""
    language, _score = py3langid.classify(text[:_SAMPLE_CHARS])
    return str(language)
