"""The analysis as a user reads it from `backstory show --json`: the seed article's quotes,
claims, time values, roles and events, with spans that slice back to the text; names
completed across articles; older stores re-analyzed."""

from __future__ import annotations

import json
from pathlib import Path

from backstory.config import Settings
from backstory.pipeline import Desk
from tests.conftest import sql_rows
from tests.test_cli import run, seeded_db  # noqa: F401 - the fixture is shared

SHAPES = {
    "quotes": {"speaker", "speaker_start", "speaker_end", "via", "addressee", "cue",
               "cue_start", "cue_end", "content", "start", "end", "direct"},
    "claims": {"value", "qualifier", "unit", "object", "predicate", "place", "time", "source",
               "start", "end"},
    "times": {"text", "start", "end", "value", "precision"},
    "events": {"type", "participants", "place", "time", "precision", "citations"},
}


def shown_seed(db: Path) -> dict:
    _, stdout, _ = run(db, "articles", "--json")
    [article] = json.loads(stdout)
    code, stdout, stderr = run(db, "show", article["id"], "--json")
    assert code == 0, stderr
    return json.loads(stdout)


def test_show_json_has_the_design_shapes_and_spans_slice_back(seeded_db: Path) -> None:  # noqa: F811
    shown = shown_seed(seeded_db)
    text = shown["article"]["text"]
    for kind, keys in SHAPES.items():
        assert shown[kind], f"no {kind} in the seed article"
        for record in shown[kind]:
            assert set(record) == keys
    for quote in shown["quotes"]:
        assert text[quote["start"]:quote["end"]] == quote["content"]
        if quote["cue_start"] is not None:
            assert text[quote["cue_start"]:quote["cue_end"]].casefold() == quote["cue"].casefold() \
                or quote["cue"].casefold() in text[quote["cue_start"]:quote["cue_end"]].casefold()
    for time in shown["times"]:
        assert text[time["start"]:time["end"]] == time["text"]
    for event in shown["events"]:
        for citation in event["citations"]:
            assert text[citation["start"]:citation["end"]] == citation["sentence"]


def test_seed_attribution_keeps_who_says_so(seeded_db: Path) -> None:  # noqa: F811
    shown = shown_seed(seeded_db)
    quotes = {(q["speaker"], q["via"], q["cue"]) for q in shown["quotes"]}
    assert ("Wang Xiaohong", "Xinhua", "urged") in quotes
    assert ("Wang Xiaohong", "Xinhua", "said") in quotes  # "He also said …, Xinhua reported"
    told = [q for q in shown["quotes"] if q["cue"] == "told"]
    assert told and told[0]["addressee"] == "Alejandro Mayorkas"
    roles = {e["name"]: e["role"] for e in shown["entities"] if e["role"]}
    assert roles["Wang Xiaohong"] == "China's public security minister"
    eleven = [c for c in shown["claims"] if c["value"] == 11]
    assert eleven and eleven[0]["qualifier"] == "at least" and eleven[0]["source"] == "Xinhua"
    assert any(c["value"] == "tens" for c in shown["claims"])
    values = {t["text"]: t["value"] for t in shown["times"]}
    assert values["Sunday"] == "2024-02-18"
    meeting = [e for e in shown["events"] if e["type"] == "meeting"]
    assert meeting and meeting[0]["place"] == "Vienna" and meeting[0]["time"] == "2024-02-18"
    assert {"Wang Xiaohong", "Alejandro Mayorkas"} <= set(meeting[0]["participants"])


def test_a_surname_alone_is_named_from_an_earlier_article(desk: Desk, tmp_path: Path) -> None:
    first = tmp_path / "first.txt"
    first.write_text("Harbour master Ottilie Brandvik said the port would reopen on Monday.",
                     encoding="utf-8")
    second = tmp_path / "second.txt"
    second.write_text("The port reopened on Monday, Brandvik told reporters at the quay.",
                      encoding="utf-8")
    desk.ingest([str(first)])
    report = desk.ingest([str(second)])
    analysis = desk.article(report.articles[0].id).analysis
    assert "Ottilie Brandvik" in {m.name for m in analysis.mentions if m.text == "Brandvik"}


def test_a_store_from_before_the_analysis_records_is_analyzed_again(seeded_db: Path) -> None:  # noqa: F811
    # As a version 2 store left it: no records.
    sql_rows(seeded_db, "DELETE FROM quotes")
    sql_rows(seeded_db, "UPDATE settings_kv SET value = '1' WHERE key = 'reanalyze_pending'")
    shown = shown_seed(seeded_db)  # any command re-analyzes first
    assert shown["quotes"]
    with Desk(Settings(db=str(seeded_db))) as desk:
        assert not desk.reanalysis_pending()
