"""Ingesting pages and feeds from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from backstory.pipeline import Desk

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_a_page_url_becomes_an_article_with_its_metadata(desk: Desk, site: str) -> None:
    report = desk.ingest([f"{site}/harbour-flood.html"])
    assert report.failed == []
    [entry] = report.articles
    article = desk.article(entry.id).article
    assert article.title == "Tide gates fail as storm surge floods Lowmarsh harbour"
    assert article.outlet == "Test Gazette"
    assert article.published_at == "2025-03-04"
    assert article.author == "Ines Varga"
    assert article.url == f"{site}/harbour-flood.html"
    assert "Piet Okonjo" in article.text
    assert "newsletter" not in article.text  # the promo paragraph is dropped
    assert "Sport" not in article.text  # navigation is not article text


def test_a_feed_url_ingests_each_entry_page(desk: Desk, site: str) -> None:
    report = desk.ingest([f"{site}/feed.xml"])
    assert [a.input for a in report.articles] == [f"{site}/feed.xml#1", f"{site}/feed.xml#2"]
    assert [a.title for a in report.articles] == [
        "Tide gates fail as storm surge floods Lowmarsh harbour",
        "Lowmarsh council votes to replace tide gate motors",
    ]
    assert all(a.outlet == "Test Gazette" for a in report.articles)
    [failure] = report.failed
    assert failure.source == f"{site}/feed.xml#3"
    assert "404" in failure.error and "removed-story.html" in failure.error


def test_reading_the_feed_again_adds_nothing(desk: Desk, site: str) -> None:
    first = desk.ingest([f"{site}/feed.xml"])
    again = desk.ingest([f"{site}/feed.xml"])
    assert first.added == 2
    assert (again.added, again.duplicates) == (0, 2)
    assert desk.store.count_articles() == 2


def test_a_page_without_article_text_is_refused(desk: Desk, site: str) -> None:
    report = desk.ingest([f"{site}/front-page.html"])
    assert report.articles == []
    [failure] = report.failed
    assert failure.source == f"{site}/front-page.html"
    assert "no article text" in failure.error


def test_an_http_error_names_the_status(desk: Desk, site: str) -> None:
    report = desk.ingest([f"{site}/no-such-page.html"])
    [failure] = report.failed
    assert "HTTP 404" in failure.error


def test_an_atom_feed_works_like_rss(desk: Desk, site: str) -> None:
    report = desk.ingest([f"{site}/atom.xml"])
    assert report.failed == []
    [entry] = report.articles
    assert entry.input == f"{site}/atom.xml#1"
    assert entry.title == "Lowmarsh council votes to replace tide gate motors"
    assert entry.url == f"{site}/council-vote.html"


def test_a_saved_feed_file_fetches_its_entries(desk: Desk, site: str, tmp_path: Path) -> None:
    feed = tmp_path / "saved.rss"
    text = (FIXTURES / "site" / "feed.xml").read_text().replace("{BASE}", site)
    feed.write_text(text)
    report = desk.ingest([str(feed)])
    assert report.added == 2
    assert [f.source for f in report.failed] == [f"{feed}#3"]
