"""Ingesting files and folders: plain text, Markdown, HTML and JSON Lines."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from backstory.config import Settings
from backstory.errors import StoreError
from backstory.ingest import InputMeta
from backstory.models import NewArticle, NewCopy
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


@pytest.mark.parametrize("write_batch", [64, 1], ids=["same-batch", "later-batches"])
def test_copies_of_an_article_the_store_refused_are_stored_in_its_place(
        db_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_batch: int
) -> None:
    desk = Desk(Settings(db=db_path, write_batch=write_batch))
    words = ("The Skarholm ferry resumed service on Monday after two days of high winds, "
             "the operator said, and the first crossing left the harbour at seven.")
    rows = [{"text": words, "url": "https://example.org/refused"},
            {"text": words, "url": "https://example.org/exact"},
            {"text": words + " Cafe staff on board said bookings were already full.",
             "url": "https://example.org/near"},
            {"text": "Allotment rents in Quayside rise by a fifth from April, the parish "
                     "council decided on Tuesday after a long debate.",
             "url": "https://example.org/other"}]
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    write = desk.store.write

    def refusing(items: Sequence[NewArticle | NewCopy]) -> None:
        if any(isinstance(i, NewArticle) and i.article.url == rows[0]["url"] for i in items):
            raise StoreError("the disk refused this article")
        write(items)

    monkeypatch.setattr(desk.store, "write", refusing)
    report = desk.ingest([str(path)])
    assert [f.source for f in report.failed] == [f"{path}#1"]
    assert "the disk refused this article" in report.failed[0].error
    exact, near, other = report.articles
    assert exact.duplicate_of is None and exact.url == rows[1]["url"]  # stored in its place
    assert desk.article(exact.id).article.text == words
    assert desk.article(exact.id).sentences  # analyzed, as every stored article is
    assert near.duplicate_of == exact.id
    assert other.duplicate_of is None
    assert desk.store.count_articles() == 2
    desk.close()
