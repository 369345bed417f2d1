"""Every format a newsroom has: sitemaps, WARC, news-please JSON, JSON-LD, encodings."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from backstory.pipeline import Desk

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_a_news_sitemap_gives_articles_with_its_metadata(desk: Desk, site: str) -> None:
    report = desk.ingest([f"{site}/sitemap.xml"])
    assert report.failed == []
    first, second = report.articles
    assert first.input == f"{site}/sitemap.xml#1"
    assert first.outlet == "Lowmarsh Sitemap Desk"  # the news sitemap names the publication
    assert first.published_at == "2025-03-04T07:30:00Z"
    assert second.title == "Lowmarsh council votes to replace tide gate motors"


def test_a_sitemap_index_is_followed(desk: Desk, site: str) -> None:
    report = desk.ingest([f"{site}/sitemap-index.xml"])
    assert report.added == 2
    # Records of a child sitemap are named after the input that led to them.
    assert {a.input for a in report.articles} == {f"{site}/sitemap-index.xml#1#1",
                                                  f"{site}/sitemap-index.xml#1#2"}


def test_json_ld_metadata_and_a_declared_legacy_charset(desk: Desk, site: str) -> None:
    [entry] = desk.ingest([f"{site}/jsonld-page.html"]).articles
    article = desk.article(entry.id).article
    assert article.title == "Skarholm ferry returns after storm repairs"
    assert article.outlet == "Skarholm Post"
    assert article.author == "Jonas Brekke"
    assert article.published_at == "2025-03-10T05:00:00Z"
    assert "caf\u00e9 on board" in article.text


def _warc(path: Path, pages: list[tuple[str, str, str]]) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "tests"}))
        for url, content_type, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body.encode()), http_headers=headers))


def test_warc_gz_html_responses_become_articles(desk: Desk, tmp_path: Path) -> None:
    page = (FIXTURES / "site" / "council-vote.html").read_text()
    archive = tmp_path / "crawl.warc.gz"
    _warc(archive, [("https://example.org/council", "text/html; charset=utf-8", page),
                    ("https://example.org/logo.png", "image/png", "PNG"),
                    ("https://example.org/flood", "text/html",
                     (FIXTURES / "site" / "harbour-flood.html").read_text())])
    report = desk.ingest([str(archive)])
    assert report.failed == []
    # Record 1 is the warcinfo; the image response (3) is skipped.
    assert [a.input for a in report.articles] == [f"{archive}#2", f"{archive}#4"]
    assert report.articles[0].url == "https://example.org/council"
    assert report.articles[0].title == "Lowmarsh council votes to replace tide gate motors"


def test_a_corrupt_warc_is_reported(desk: Desk, tmp_path: Path) -> None:
    archive = tmp_path / "broken.warc.gz"
    archive.write_bytes(gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n\r\ngarbage")[:40])
    report = desk.ingest([str(archive)])
    assert report.articles == []
    assert report.failed and report.failed[0].source.startswith(str(archive))


def test_news_please_json_files(desk: Desk, tmp_path: Path) -> None:
    record = {
        "title": "Skarholm votes to keep its ferry subsidy", "maintext":
        "Skarholm's council voted on Tuesday to keep paying a subsidy for the island ferry, "
        "after residents collected 1,200 signatures in a week.",
        "date_publish": "2025-03-11 09:15:00", "source_domain": "skarholmpost.example",
        "url": "https://skarholmpost.example/ferry-subsidy", "authors": ["Jonas Brekke"],
        "language": "en",
    }
    path = tmp_path / "article.json"
    path.write_text(json.dumps(record))
    [entry] = desk.ingest([str(path)]).articles
    article = desk.article(entry.id).article
    assert (article.title, article.outlet, article.author) == (
        "Skarholm votes to keep its ferry subsidy", "skarholmpost.example", "Jonas Brekke")
    assert article.published_at == "2025-03-11T09:15:00Z"


def test_language_is_detected_when_not_given(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "hafen.txt"
    path.write_text("Der Hafen von Skarholm wurde am Freitag nach einer Woche der Reparaturen "
                    "wieder ge\u00f6ffnet, teilte die Hafenbeh\u00f6rde mit.\n")
    [entry] = desk.ingest([str(path)]).articles
    assert desk.article(entry.id).article.language == "de"


def test_an_xml_file_that_is_neither_feed_nor_sitemap(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "config.xml"
    path.write_text("<?xml version='1.0'?><settings><colour>blue</colour></settings>")
    [failure] = desk.ingest([str(path)]).failed
    assert "neither an RSS/Atom feed nor a sitemap" in failure.error
