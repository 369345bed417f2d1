"""Records the extractor tests build by hand."""

from __future__ import annotations

from backstory.models import TimeExpr


def time_at(text: str, phrase: str, value: str, precision: str, sentence: int = 0) -> TimeExpr:
    """A resolved time expression over the first `phrase` in `text`."""
    start = text.index(phrase)
    return TimeExpr(sentence_index=sentence, text=phrase, start=start,
                    end=start + len(phrase), value=value, precision=precision)
