"""Fetching: the private-address guard, retries with backoff, conditional GET, size cap."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backstory.cli import app
from backstory.config import Settings
from backstory.errors import FetchError
from backstory.ingest import Fetcher
from backstory.pipeline import Desk

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ARTICLE = (FIXTURES / "site" / "council-vote.html").read_bytes()


class _Server(ThreadingHTTPServer):
    hits: dict[str, int]
    failures_left: dict[str, int]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.hits[self.path] = self.server.hits.get(self.path, 0) + 1
        if self.path == "/flaky.html" and self.server.failures_left.get(self.path, 0) > 0:
            self.server.failures_left[self.path] -= 1
            self._send(503, b"busy", [("Retry-After", "0")])
        elif self.path == "/feed.xml":
            if self.headers.get("If-None-Match") == '"v1"':
                self._send(304, b"")
                return
            host, port = self.server.server_address[:2]
            feed = (FIXTURES / "site" / "feed.xml").read_text().replace(
                "{BASE}", f"http://{host}:{port}")
            self._send(200, feed.encode(), [("ETag", '"v1"'),
                                            ("Content-Type", "application/rss+xml")])
        elif self.path == "/huge.html":
            self._send(200, b"<html><body>" + b"x" * 300_000 + b"</body></html>")
        elif self.path in ("/flaky.html", "/harbour-flood.html", "/council-vote.html"):
            self._send(200, ARTICLE, [("Content-Type", "text/html")])
        else:
            self._send(404, b"not found")

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]] = ()) -> None:  # type: ignore[assignment]
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.hits, httpd.failures_left = {}, {}
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _base(server: _Server) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


def test_private_addresses_are_refused_by_default(server: _Server, db_path: Path) -> None:
    with Desk(Settings(db=str(db_path))) as desk:
        [failure] = desk.ingest([f"{_base(server)}/council-vote.html"]).failed
    assert "non-public address 127.0.0.1" in failure.error
    assert "--allow-private" in failure.error
    assert server.hits == {}  # refused before any request left


def test_a_busy_server_is_retried(server: _Server, desk: Desk) -> None:
    server.failures_left["/flaky.html"] = 2
    report = desk.ingest([f"{_base(server)}/flaky.html"])
    assert report.failed == [] and report.added == 1
    assert server.hits["/flaky.html"] == 3


def test_retries_give_up_with_a_clear_error(server: _Server, tmp_path: Path) -> None:
    server.failures_left["/flaky.html"] = 10
    settings = Settings(db=str(tmp_path / "x.db"), allow_private=True, fetch_retries=1,
                        fetch_backoff=0.01)
    with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(f"{_base(server)}/flaky.html")
    assert "HTTP 503 (after 2 attempts)" in caught.value.message


def test_responses_over_the_size_cap_are_refused(server: _Server, tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "x.db"), allow_private=True,
                        fetch_max_bytes=100_000)
    with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(f"{_base(server)}/huge.html")
    assert "larger than 100000 bytes" in caught.value.message


def test_an_unchanged_feed_is_not_read_again(server: _Server, desk: Desk) -> None:
    feed = f"{_base(server)}/feed.xml"
    first = desk.ingest([feed])
    assert first.added == 1 and first.duplicates == 1  # both entries serve the same page
    pages = server.hits["/council-vote.html"] + server.hits["/harbour-flood.html"]
    again = desk.ingest([feed])
    assert again.articles == [] and again.failed == []
    assert server.hits["/feed.xml"] == 2
    assert server.hits["/council-vote.html"] + server.hits["/harbour-flood.html"] == pages


def test_watch_polls_feeds(server: _Server, db_path: Path) -> None:
    result = CliRunner().invoke(app, ["--db", str(db_path), "--allow-private", "watch",
                                      f"{_base(server)}/feed.xml", "--interval", "1",
                                      "--rounds", "2", "--json"])
    assert result.exit_code == 0, result.stderr
    assert server.hits["/feed.xml"] == 2
    assert '"added": 1' in result.stdout
