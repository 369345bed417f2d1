"""Infographics as Vega-Lite (built with Altair): the timeline, the key numbers with their
sources, who said what on which side, and coverage by outlet over time.

Every data row carries the article and sentence it comes from; every chart has a text
alternative that says what it shows. `export_chart` renders SVG or PNG offline with
vl-convert.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import altair as alt

from backstory.compose.explainer import distinct_quotes, event_phrase
from backstory.compose.facts import StoryFacts, claim_phrase, claims_of, format_time
from backstory.errors import BackstoryError
from backstory.models import Chart, Citation, readable_value

__all__ = ["CHART_KINDS", "build_chart", "export_chart"]

CHART_KINDS = ("timeline", "numbers", "speakers", "coverage")
_WIDTH = 560
_MAX_BARS = 12


def build_chart(facts: StoryFacts, kind: str) -> Chart:
    """The chart of `kind` for a story; `BackstoryError` names the kinds for an unknown one."""
    builders = {"timeline": _timeline, "numbers": _numbers, "speakers": _speakers,
                "coverage": _coverage}
    if kind not in builders:
        raise BackstoryError(f"unknown chart kind {kind!r}; choose one of "
                             f"{', '.join(CHART_KINDS)}", kind=kind)
    title, chart, description = builders[kind](facts)
    spec = chart.properties(title=title, width=_WIDTH).to_dict()
    spec["description"] = description
    return Chart(kind=kind, story_id=facts.story.id, title=title, spec=spec,
                 description=description)


def export_chart(chart: Chart, path: Path) -> None:
    """Write the chart as SVG, PNG or the Vega-Lite JSON, by the file's suffix."""
    import vl_convert

    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(json.dumps(chart.spec, indent=2), encoding="utf-8")
    elif suffix == ".svg":
        path.write_text(vl_convert.vegalite_to_svg(chart.spec), encoding="utf-8")
    elif suffix == ".png":
        path.write_bytes(vl_convert.vegalite_to_png(chart.spec, scale=2))
    else:
        raise BackstoryError(f"cannot write a chart to {path}: use a .svg, .png or .json file",
                             path=str(path))


# -- the four charts -----------------------------------------------------------------------


def _timeline(facts: StoryFacts) -> tuple[str, Any, str]:
    rows = [{"date": (e.time or "")[:10], "when": format_time(e.time, e.precision),
             "event": event_phrase(e), "type": e.type, "reports": len(e.citations),
             **_cite(e.citations[0])}
            for e in facts.timeline if e.time and e.citations]
    base = alt.Chart(_data(rows))
    chart = base.mark_circle(opacity=0.85).encode(
        x=alt.X("date:T", title="Date"),
        y=alt.Y("type:N", title=None),
        size=alt.Size("reports:Q", title="Reports", scale=alt.Scale(range=[60, 400])),
        color=alt.Color("type:N", legend=None),
        tooltip=["when:N", "event:N", "reports:Q", "outlet:N"],
        href="href:N",
    ).properties(height=max(80, 40 * len({r["type"] for r in rows})))
    described = "; ".join(f"{r['when']}: {r['event']} ({r['reports']} reports)" for r in rows)
    return "Timeline", chart, f"Timeline of {len(rows)} events. {described}." if rows else (
        "Timeline: no dated events were found in the articles.")


def _numbers(facts: StoryFacts) -> tuple[str, Any, str]:
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for source, claim, citation in claims_of(facts):
        if not isinstance(claim.value, float) or len(rows) == _MAX_BARS:
            continue
        label = claim_phrase(claim)
        if (source, label.lower()) in seen:
            continue
        seen.add((source, label.lower()))
        rows.append({"figure": label, "value": claim.value, "source": source,
                     "row": f"{_short(label)} — {source}", "label": readable_value(claim.value),
                     **_cite(citation)})
    # One bar per figure and source: two sources giving 8 are two bars of 8, never one of 16.
    base = alt.Chart(_data(rows)).encode(
        y=alt.Y("row:N", title=None, sort="-x", axis=alt.Axis(labelLimit=420)),
        x=alt.X("value:Q", title="Figure as reported", stack=None),
        tooltip=["figure:N", "value:Q", "source:N", "outlet:N", "sentence:N"],
    )
    bars = base.mark_bar().encode(color=alt.Color("source:N", title="Source"), href="href:N")
    labels = base.mark_text(align="left", dx=4).encode(text="label:N")
    chart = alt.layer(bars, labels).properties(height=max(60, 28 * len(rows)))
    described = "; ".join(f"{r['figure']}: {readable_value(r['value'])}, according to {r['source']}"
                          for r in rows)
    return "Key numbers and who gives them", chart, (
        f"Bar chart of {len(rows)} figures. {described}." if rows
        else "Key numbers: no numeric claims were found in the articles.")


def _speakers(facts: StoryFacts) -> tuple[str, Any, str]:
    """Sides on the left, speakers on the right, a line for each side a speaker speaks for,
    the speaker's dot sized by how many distinct things they said."""
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    sides = [s for s in facts.sides if s.quotes]
    speakers = [(side.name, speaker, count) for side in sides for speaker, count in Counter(
        q.speaker for q, _ in distinct_quotes(side.quotes) if q.speaker).most_common()]
    rows = max(len(sides), len(speakers), 1)
    for i, side in enumerate(sides):
        level = (i + 0.5) * rows / max(len(sides), 1)
        nodes.append({"x": 0, "y": level, "name": side.name, "side": side.name, "count": 0,
                      "kind": "side"})
        for j, (name, _, _) in enumerate(speakers):
            if name == side.name:
                edges.append({"x": 0, "y": level, "x2": 1, "y2": j + 0.5, "side": side.name})
    for j, (side_name, speaker, count) in enumerate(speakers):
        nodes.append({"x": 1, "y": j + 0.5, "name": speaker, "side": side_name,
                      "count": count, "kind": "speaker"})
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[-0.35, 1.6]))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[rows, 0]))
    lines = alt.Chart(_data(edges)).mark_rule(opacity=0.5).encode(
        x=x, y=y, x2="x2:Q", y2="y2:Q", color=alt.Color("side:N", title="Side"))
    dots = alt.Chart(_data(nodes)).mark_circle().encode(
        x=x, y=y, color="side:N", size=alt.Size("count:Q", legend=None,
                                                 scale=alt.Scale(range=[80, 500])),
        tooltip=["name:N", "side:N", alt.Tooltip("count:Q", title="Distinct statements")])
    names = alt.Chart(_data(nodes)).mark_text(align="left", dx=10).encode(
        x=x, y=y, text="name:N")
    chart = alt.layer(lines, dots, names).properties(height=max(80, 32 * rows))
    described = "; ".join(
        f"the {side.name} side: " + ", ".join(f"{s} ({c})" for n, s, c in speakers
                                              if n == side.name) for side in sides)
    return "Who said what, by side", chart, (
        f"Graph of {len(speakers)} speakers grouped into {len(sides)} sides, with the number "
        f"of distinct statements each made: {described}." if speakers
        else "Who said what: no attributed quotes were found in the articles.")


def _coverage(facts: StoryFacts) -> tuple[str, Any, str]:
    rows = [{"date": (a.published_at or "")[:10], "outlet": a.outlet or "unnamed outlet",
             "title": a.title or "", "href": f"/articles/{a.id}"}
            for a in facts.articles if a.published_at]
    chart = alt.Chart(_data(rows)).mark_bar().encode(
        x=alt.X("yearmonthdate(date):O", title="Published"),
        y=alt.Y("count():Q", title="Articles"),
        color=alt.Color("outlet:N", title="Outlet"),
        tooltip=["outlet:N", "date:N", "title:N"],
        href="href:N",
    ).properties(height=200)
    per_outlet = Counter(r["outlet"] for r in rows)
    described = "; ".join(f"{o}: {n}" for o, n in per_outlet.most_common())
    return "Coverage by outlet over time", chart, (
        f"Stacked bars of {len(rows)} articles by publication day and outlet. "
        f"Articles per outlet: {described}." if rows else "Coverage: no dated articles.")


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _data(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"values": rows}


def _cite(citation: Citation) -> dict[str, Any]:
    return {"article_id": citation.article_id, "sentence_id": citation.sentence_id,
            "sentence": citation.sentence, "outlet": citation.outlet,
            "published_at": citation.published_at,
            "href": f"/articles/{citation.article_id}#s-{citation.sentence_id.rsplit(':')[-1]}"}
