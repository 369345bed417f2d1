"""Ingesting files and folders: plain text, Markdown, HTML and JSON Lines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from backstory.ingest import InputMeta
from backstory.pipeline import Desk

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_a_folder_is_read_recursively_by_file_type(desk: Desk, tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    (folder / "2025" / "march").mkdir(parents=True)
    shutil.copy(FIXTURES / "site" / "council-vote.html", folder / "2025" / "council.html")
    (folder / "2025" / "march" / "ferry.md").write_text(
        "# Ferry to Skarholm resumes\n\nThe ferry to Skarholm resumed service on Monday "
        "after two days of high winds, the operator said.\n")
    (folder / "notes.csv").write_text("not,an,article\n")
    (folder / ".hidden.txt").write_text("A hidden draft that should never be ingested.\n")
    report = desk.ingest([str(folder)])
    assert report.failed == []
    titles = sorted(a.title or "" for a in report.articles)
    assert titles == ["Ferry to Skarholm resumes",
                      "Lowmarsh council votes to replace tide gate motors"]


def test_options_set_the_metadata_of_a_plain_text_input(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("The ferry to Skarholm resumed service on Monday, the operator said.\n")
    meta = InputMeta(outlet="Skarholm Post", published_at="2025-03-10",
                     title="Ferry resumes", url="https://example.org/ferry")
    [entry] = desk.ingest([str(path)], meta=meta).articles
    article = desk.article(entry.id).article
    assert (article.outlet, article.published_at, article.title, article.url) == (
        "Skarholm Post", "2025-03-10", "Ferry resumes", "https://example.org/ferry")


def test_jsonl_takes_text_or_html_and_reports_bad_lines(desk: Desk, tmp_path: Path) -> None:
    html = (FIXTURES / "site" / "council-vote.html").read_text()
    lines = [
        json.dumps({"text": "Skarholm's ferry resumed service on Monday after two days of "
                            "high winds, the operator said.", "outlet": "Skarholm Post",
                    "published_at": "2025-03-10T08:00:00+01:00", "title": "Ferry resumes"}),
        "",
        json.dumps({"html": html, "url": "https://example.org/council"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "No body"}),
        json.dumps({"text": "A dated article.", "published_at": "sometime"}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n")
    report = desk.ingest([str(path)])
    assert [a.input for a in report.articles] == [f"{path}#1", f"{path}#3"]
    first, second = (desk.article(a.id).article for a in report.articles)
    assert first.published_at == "2025-03-10T07:00:00Z"
    assert second.title == "Lowmarsh council votes to replace tide gate motors"
    assert second.url == "https://example.org/council"
    errors = {f.source: f.error for f in report.failed}
    assert "expected an object" in errors[f"{path}#4"]
    assert "neither a `text` nor an `html`" in errors[f"{path}#5"]
    assert "not a date" in errors[f"{path}#6"]


def test_control_characters_leave_the_text_and_the_copy_links_to_a_stored_article(
        desk: Desk, tmp_path: Path) -> None:
    words = ("The Skarholm ferry resumed service on Monday after two days of high winds, "
             "the operator said, and the first crossing left the harbour at seven.")
    path = tmp_path / "batch.jsonl"
    path.write_text(json.dumps({"text": "\x00\x01\x02 " + words}) + "\n"
                    + json.dumps({"text": words}) + "\n")
    report = desk.ingest([str(path)])
    assert not report.failed
    first, second = report.articles
    assert desk.article(first.id).article.text.strip() == words
    assert second.duplicate_of == first.id
