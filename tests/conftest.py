"""Shared fixtures: stores on both backends (real SQLite files, a real PostgreSQL with
pgvector started by the test run), a real HTTP server on 127.0.0.1, the seed article.

Every test that takes `db_path` (or `desk`, or `databases`) runs once per backend;
`BACKSTORY_TEST_BACKENDS=sqlite` narrows a local run to one.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from backstory.config import Settings
from backstory.pipeline import Desk
from backstory.search import SentenceEncoder
from backstory.store import open_store
from backstory.store.postgres import postgres_url

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


BACKENDS = tuple(os.environ.get("BACKSTORY_TEST_BACKENDS", "sqlite,postgresql").split(","))


class Databases:
    """New, empty stores on one backend: a file in a folder for SQLite, a database made
    from a migrated template for PostgreSQL. `new` returns what `--db` takes."""

    def __init__(self, backend: str, server: PostgresServer | None) -> None:
        self.backend = backend
        self._server = server

    def new(self, folder: Path, name: str = "store") -> str:
        if self._server is None:
            return str(folder / f"{name}.db")
        return self._server.new_database()

    def drop(self, db: str) -> None:
        """Free a PostgreSQL test database (SQLite files go with their folder)."""
        if self._server is not None:
            self._server.drop_database(db)


class PostgresServer:
    """A PostgreSQL server with pgvector (from the `pgserver` package) for the test run,
    listening on a Unix socket in a temporary folder."""

    _TEMPLATE = "backstory_template"

    def __init__(self) -> None:
        # pgserver asks platformdirs for a runtime folder, which warns when it is unset.
        os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="runtime-"))
        import pgserver  # only runs that test PostgreSQL need it

        self._folder = tempfile.mkdtemp(prefix="backstory-pg-")
        self._server = pgserver.get_server(self._folder, cleanup_mode="stop")
        self._admin = sa.create_engine(postgres_url(self.url("postgres")),
                                       isolation_level="AUTOCOMMIT")
        self._numbers = itertools.count(1)
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {self._TEMPLATE}")
        open_store(self.url(self._TEMPLATE)).close()  # migrated once, copied per test

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self._folder}"

    def new_database(self) -> str:
        name = f"store_{os.getpid()}_{next(self._numbers)}"
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {self._TEMPLATE}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a test database, closing whatever connections a test left open."""
        name = sa.engine.make_url(url).database
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        self._admin.dispose()
        self._server.cleanup()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def databases(backend: str, request: pytest.FixtureRequest) -> Databases:
    server = request.getfixturevalue("postgres_server") if backend == "postgresql" else None
    return Databases(backend, server)


@pytest.fixture
def db_path(databases: Databases, tmp_path: Path) -> Iterator[str]:
    """A new, empty store: a file path (SQLite) or a URL (PostgreSQL), as `--db` takes."""
    db = databases.new(tmp_path)
    yield db
    databases.drop(db)


def sql_rows(db: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Rows of one SQL statement (`:name` parameters) run on a store, either backend."""
    url = Settings(db=str(db)).db_url
    engine = sa.create_engine(url if url.startswith("sqlite") else postgres_url(url))
    try:
        with engine.begin() as conn:
            result = conn.execute(sa.text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def sql_count(db: str, sql: str, **params: Any) -> int:
    return int(sql_rows(db, sql, **params)[0][0])


@pytest.fixture
def desk(db_path: str) -> Iterator[Desk]:
    # Tests fetch from 127.0.0.1, which Backstory refuses unless allowed.
    desk = Desk(Settings(db=db_path, allow_private=True))
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
