"""Rule-based detection of promotional paragraphs inside article text.

A paragraph is a promo when it speaks to the reader about the outlet's own products:
second-person address, the outlet's "our" products, calls to action and product words.
Quoted speech is ignored, so a quoted "you" in a news paragraph never counts.
"""

from __future__ import annotations

import re

__all__ = ["is_promo", "split_promos"]

# Each signal is a pattern and a weight; a paragraph scoring PROMO_SCORE or more is a promo.
_SIGNALS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"\b(you|your|you're|yours)\b", re.I), 1.0),
    (re.compile(r"\bour ([\w-]+ ){0,2}"
                r"(platform|newsletters?|app|team|journalists|podcasts?|site|website|"
                r"subscribers?|subscription|coverage|reporting|content|journalism|editors)\b",
                re.I), 1.5),
    (re.compile(r"(^|[.!?:]\s+)(get|sign up|subscribe|download|join|follow|click|tap|try|"
                r"register|read more|listen|watch|support|don't miss|see more|enter|book|"
                r"find out|tell us|nominate|shop|claim|win)\b", re.I), 1.5),
    (re.compile(r"\b(newsletters?|subscribe|subscription|premium|podcast|sign[- ]up|"
                r"inbox|app store|google play|curated content|paywall|special offer|"
                r"advertisement|sponsored|competition|terms apply|careers page|vacancies|"
                r"is hiring|discount|with the code|tickets)\b", re.I), 1.0),
    # A web address in the text is the outlet sending readers somewhere.
    (re.compile(r"\b[\w-]+\.(?:example|com|org|net|co\.uk|news)/\S*", re.I), 1.5),
    (re.compile(r"\bbrought to you by\b", re.I), 1.5),
)
PROMO_SCORE = 3.0
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")


def promo_score(paragraph: str) -> float:
    """How strongly a paragraph reads like the outlet advertising itself."""
    unquoted = _QUOTED.sub(" ", paragraph)
    return sum(weight for pattern, weight in _SIGNALS if pattern.search(unquoted))


def is_promo(paragraph: str) -> bool:
    """True when the paragraph is a promo for the outlet rather than news."""
    return promo_score(paragraph) >= PROMO_SCORE


def split_promos(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Split paragraphs into (kept, dropped promos), keeping order."""
    kept: list[str] = []
    dropped: list[str] = []
    for paragraph in paragraphs:
        (dropped if is_promo(paragraph) else kept).append(paragraph)
    return kept, dropped
