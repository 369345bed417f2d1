"""Datelines: "LAKEVIEW, Ore. (Northgate Wire) – " opening an article's first sentence."""

from __future__ import annotations

import re

__all__ = ["DATELINE", "dateline_place", "without_dateline"]

# The town in capitals, perhaps a region or date after a comma, perhaps "(Agency)", a dash.
DATELINE = re.compile(
    r"[A-Z][A-Z .,'-]+(?:,[^—–(]{0,20})?\s*(?:\([^)]{1,30}\))?\s*[—–-]+\s*")
_TOWN = re.compile(r"[A-Z][A-Z.'’ -]*[A-Z.]")
_REGION = re.compile(r",\s+([A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)(?=\s*[(—–-])")


def dateline_place(text: str) -> tuple[str, int] | None:
    """The place named by a dateline opening `text`, in a name's case ("LAKEVIEW, Ore." →
    "Lakeview, Ore."), and the offset where that place ends; None without a dateline or
    when it names a date rather than a place."""
    dateline = DATELINE.match(text)
    town = _TOWN.match(text)
    if dateline is None or town is None or len(town.group().strip()) < 3:
        return None
    place, end = town.group().strip().title(), town.end()
    if region := _REGION.match(text, end):  # "Ore." but not "Feb." of "Feb. 18"
        place, end = f"{place}, {region.group(1)}", region.end(1)
    return (place, end) if end <= dateline.end() else None


def without_dateline(text: str) -> str:
    """`text` after the dateline that opens it, if one names a place; else `text`."""
    dateline = DATELINE.match(text)
    return text[dateline.end():] if dateline and dateline_place(text) else text
