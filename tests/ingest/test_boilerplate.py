"""The promo filter drops the outlet advertising itself and keeps the news."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backstory.ingest import is_promo

SHARED = Path(__file__).resolve().parents[3] / "shared"


def test_the_seed_articles_promo_paragraph_is_a_promo() -> None:
    gold = SHARED / "seed" / "gold.json"
    if not gold.exists():
        pytest.skip(f"seed gold is missing: {gold}")
    for paragraph in json.loads(gold.read_text())["boilerplate"]:
        assert is_promo(paragraph)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Sign up for our free morning newsletter and get the day's news in your inbox.",
        "Download our app to follow every story as it breaks.",
        "Enjoying this article? Subscribe to our premium journalism for unlimited access.",
    ],
)
def test_calls_to_action_are_promos(paragraph: str) -> None:
    assert is_promo(paragraph)


@pytest.mark.parametrize(
    "paragraph",
    [
        # Second person inside a quotation is the speaker talking, not the outlet.
        '"If you live near the river, get out now and follow the police," the mayor said.',
        "The ministry said the new app had been downloaded 2 million times since March.",
        "Wang urged the US to lift visa restrictions on relevant Chinese institutions.",
        "Subscribers to the water utility will see bills rise by 4 per cent next year.",
    ],
)
def test_news_paragraphs_are_kept(paragraph: str) -> None:
    assert not is_promo(paragraph)
