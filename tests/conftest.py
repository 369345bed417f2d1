"""Shared fixtures: real SQLite files, a real HTTP server on 127.0.0.1, the seed article."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from backstory.config import Settings
from backstory.pipeline import Desk
from backstory.search import SentenceEncoder

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def seed_article() -> Path:
    path = SHARED / "seed" / "article.txt"
    if not path.exists():
        pytest.skip(f"the seed article is missing: {path} (../shared/ sits beside the repo)")
    return path


@pytest.fixture(scope="session")
def encoder() -> SentenceEncoder:
    """The sentence encoder, its model loaded once for the whole run (every `Desk` in the
    process shares that model)."""
    encoder = SentenceEncoder()
    encoder.encode_one("warm up")
    return encoder


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture
def desk(db_path: Path) -> Iterator[Desk]:
    # Tests fetch from 127.0.0.1, which Backstory refuses unless allowed.
    desk = Desk(Settings(db=str(db_path), allow_private=True))
    yield desk
    desk.close()


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves tests/fixtures/site; `{BASE}` in a feed becomes the server's own address."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.endswith(".xml"):
            path = Path(self.translate_path(self.path))
            if path.exists():
                host, port = self.server.server_address[:2]
                body = path.read_text().replace("{BASE}", f"http://{host}:{port}").encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
        super().do_GET()


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    """Base URL of a real HTTP server on 127.0.0.1 serving the fixture pages and feed."""
    handler = partial(_SiteHandler, directory=str(FIXTURES / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/gone.html"
