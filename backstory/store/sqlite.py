"""The SQLite store: one file, WAL mode, FTS5 over sentences; the embedded default."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from backstory.store import schema as t
from backstory.store.sql import SQLStore

__all__ = ["SQLiteStore"]

_CACHE_KIB = 64 * 1024  # per connection
_MMAP_BYTES = 1 << 30
_IN_CHUNK = 500  # bound parameters per IN (...) list


class FTS5:
    """Full text in SQLite's FTS5: an external-content table whose rowid is the sentence
    pk, ranked by BM25."""

    needs_idf = False  # BM25 weighs each token by its rarity already

    def take_write_turn(self, conn: Connection) -> None:
        pass  # SQLite has one writer at a time: rowids follow commits already

    def index_sentences(self, conn: Connection, article_ids: Sequence[str]) -> None:
        for start in range(0, len(article_ids), _IN_CHUNK):
            chunk = tuple(article_ids[start:start + _IN_CHUNK])
            marks = ",".join("?" * len(chunk))
            conn.exec_driver_sql("INSERT INTO sentences_fts(rowid, text) SELECT pk, text "
                                 f"FROM sentences WHERE article_id IN ({marks})", chunk)

    def unindex_sentences(self, conn: Connection, article_id: str) -> None:
        # External-content FTS5 rows are removed by repeating their content with 'delete'.
        conn.exec_driver_sql("INSERT INTO sentences_fts(sentences_fts, rowid, text) "
                             "SELECT 'delete', pk, text FROM sentences WHERE article_id = ?",
                             (article_id,))

    def ranked_sentences(self, conn: Connection, phrases: Sequence[str], *, limit: int,
                         match_all: bool, with_any: Sequence[str], max_ranked: int | None,
                         idf: Mapping[str, float]) -> list[tuple[int, float]]:
        match = _joined(phrases, " AND " if match_all else " OR ")
        if with_any:
            match = f"({match}) AND ({_joined(with_any, ' OR ')})"
        # bm25() costs a few microseconds a matched row and FTS5 scores every row before
        # it sorts, so the rows ranked are bounded: walking the matches newest first
        # without scoring them is cheap, and finds the pk of the `max_ranked`-th newest.
        floor = None if max_ranked is None else conn.exec_driver_sql(
            "SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ? "
            "ORDER BY rowid DESC LIMIT 1 OFFSET ?", (match, max_ranked - 1)).scalar()
        # The FTS rowid is the sentence's pk, so no join is needed to rank.
        ranked = conn.exec_driver_sql(
            "SELECT rowid, bm25(sentences_fts) AS rank FROM sentences_fts "
            "WHERE sentences_fts MATCH ? AND rowid >= ? ORDER BY rank LIMIT ?",
            (match, floor or 0, limit)).all()
        return [(pk, -rank) for pk, rank in ranked]  # FTS5's bm25() is lower-is-better

    def sentences_holding(self, conn: Connection, phrase: str) -> int:
        return int(conn.exec_driver_sql(
            "SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH ?", (f'"{phrase}"',)
        ).scalar_one())

    def vector_rows(self, rows: list[dict[str, Any]]) -> tuple[sa.Table, list[dict[str, Any]]]:
        return t.sentence_vectors, rows


def _joined(phrases: Sequence[str], operator: str) -> str:
    """An FTS5 query of the phrases, each quoted so that nothing a reader types becomes an
    FTS5 operator."""
    return operator.join(f'"{phrase}"' for phrase in phrases)


class SQLiteStore(SQLStore):
    """A `Store` in one SQLite file; safe to read from many threads, written by one.

    Writers take turns: WAL lets reads go on during a write, and a writer that finds the
    file locked (by another thread or by the CLI) waits up to 30 seconds for its turn.
    """

    backend = FTS5()

    def _create_engine(self, url: str) -> Engine:
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # SQLite's default page cache is 2 MB; a store of 100k articles has indexes of
            # hundreds of MB, read at random by clustering and search. A larger cache and
            # memory-mapped reads keep hot pages in this process instead of re-reading them.
            cursor.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
            cursor.execute(f"PRAGMA mmap_size={_MMAP_BYTES}")
            cursor.close()

        return engine
