"""Datelines: the place that opens an article's first sentence."""

from __future__ import annotations

import pytest

from backstory.compose.explainer import _sentence_statement
from backstory.models import Citation
from backstory.nlp.dateline import dateline_place


@pytest.mark.parametrize(("text", "place"), [
    ("LAKEVIEW, Ore. \u2013 The crew won.", "Lakeview, Ore."),
    ("OSLO (Northgate Wire) - Harbor chief Per Dahl said", "Oslo"),
    ("NEW YORK, N.Y. -- Stocks rose.", "New York, N.Y."),
    ("MILLBROOK, March 3 (Valley Wire) \u2014 Governors met.", "Millbrook"),  # a date
    ("The council - once again - met.", None),
    ("US - China talks resumed.", None),
])
def test_the_place_a_dateline_names(text: str, place: str | None) -> None:
    found = dateline_place(text)
    assert (found[0] if found else None) == place
    if found:
        assert text[:found[1]].casefold().endswith(found[0].split(",")[-1].strip().casefold())


def test_an_explainer_statement_drops_its_dateline() -> None:
    for text in ("LAKEVIEW, Ore. \u2013 the crew won.", "MILLBROOK, March 3 -- the crew won."):
        cited = Citation("a1", "a1:0", text, 0, len(text), None, None, None)
        assert _sentence_statement(cited).text == "The crew won."
