"""The PostgreSQL store: full text in a `tsvector` column, vectors in pgvector (HNSW), a
pool of connections; for servers and for stores that outgrow one file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import sqlalchemy as sa
from pgvector.sqlalchemy import Vector
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from backstory.errors import StoreError
from backstory.store import schema as t
from backstory.store.sql import SQLStore

__all__ = ["PostgresStore", "postgres_url"]

_POOL_SIZE = 5
_POOL_OVERFLOW = 10
# HNSW candidates kept while searching; pgvector's default (40) loses recall past 100k rows.
_EF_SEARCH = 100
_WRITE_LOCK = 7262362  # advisory lock key of article writes (7262361: migrations)

# `sentence_vectors` as PostgreSQL holds it: the shared columns plus the pgvector copy.
_vectors = sa.Table(
    "sentence_vectors", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sentence_pk", sa.Integer, nullable=False),
    sa.Column("vector", sa.LargeBinary, nullable=False),
    sa.Column("embedding", Vector(t.VECTOR_DIMENSIONS)),
)


def postgres_url(url: str) -> str:
    """The SQLAlchemy URL for PostgreSQL through psycopg 3, whichever way it is spelled."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    raise StoreError(f"not a PostgreSQL URL: {url!r}", url=url)


class TsVector:
    """Full text in PostgreSQL: a generated `tsvector` column under a GIN index, queried
    with `websearch_to_tsquery`. PostgreSQL's own rankings count matches but know nothing
    of how rare a word is, so a sentence ranks by the summed IDF of the words it holds
    (BM25 without its length and frequency terms, which matter little for sentences),
    `ts_rank_cd` breaking ties."""

    needs_idf = True

    def take_write_turn(self, conn: Connection) -> None:
        # Held to the end of the transaction: writers of articles take turns, as SQLite's
        # do, so that `seq` (drawn inside the transaction) follows the commit order.
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK})")

    def index_sentences(self, conn: Connection, article_ids: Sequence[str]) -> None:
        pass  # the column is generated from the sentence text

    def unindex_sentences(self, conn: Connection, article_id: str) -> None:
        pass  # deleting the sentence deletes its vector

    def ranked_sentences(self, conn: Connection, phrases: Sequence[str], *, limit: int,
                         match_all: bool, with_any: Sequence[str], max_ranked: int | None,
                         idf: Mapping[str, float]) -> list[tuple[int, float]]:
        # Quoted phrases, joined by websearch's "or" (or side by side: "and"): punctuation
        # in a question never becomes an operator, and a stop word alone drops out.
        params: dict[str, Any] = {
            "query": (" " if match_all else " or ").join(f'"{p}"' for p in phrases),
            "with_any": " or ".join(f'"{p}"' for p in with_any),
            "limit": limit, "max_ranked": max_ranked}
        query = "websearch_to_tsquery('english', :query)"
        if with_any:
            query += " && websearch_to_tsquery('english', :with_any)"
        held = []
        for i, phrase in enumerate([*phrases, *with_any]):
            params[f"t{i}"], params[f"w{i}"] = phrase, idf.get(phrase, 0.0)
            held.append(f"CASE WHEN m.fts @@ phraseto_tsquery('english', :t{i}) "
                        f"THEN :w{i} ELSE 0 END")
        # Scoring every match of common words costs as much as in SQLite: only the newest
        # `max_ranked` matches are scored.
        newest = "" if max_ranked is None else "ORDER BY s.pk DESC LIMIT :max_ranked"
        rows = conn.execute(sa.text(
            f"SELECT m.pk, ({' + '.join(held)}) AS score, ts_rank_cd(m.fts, m.q, 1) AS rank "
            f"FROM (SELECT s.pk, s.fts, w.q FROM sentences s, (SELECT {query} AS q) w "
            f"WHERE s.fts @@ w.q {newest}) m "
            "ORDER BY score DESC, rank DESC, m.pk LIMIT :limit"),
            params).all()
        return [(int(pk), float(score) + float(rank) * 1e-3) for pk, score, rank in rows]

    def sentences_holding(self, conn: Connection, phrase: str) -> int:
        return int(conn.execute(sa.text(
            "SELECT count(*) FROM sentences WHERE fts @@ phraseto_tsquery('english', :phrase)"),
            {"phrase": phrase}).scalar_one())

    def vector_rows(self, rows: list[dict[str, Any]]) -> tuple[sa.Table, list[dict[str, Any]]]:
        return _vectors, [{**row, "embedding": np.frombuffer(row["vector"], dtype=np.float16
                                                               ).astype(np.float32)}
                          for row in rows]


class PostgresStore(SQLStore):
    """A `Store` in a PostgreSQL database with the pgvector extension; safe to share
    between threads and processes (each transaction takes a pooled connection)."""

    backend = TsVector()
    native_vectors = True

    def _create_engine(self, url: str) -> Engine:
        return sa.create_engine(postgres_url(url), pool_size=_POOL_SIZE,
                                max_overflow=_POOL_OVERFLOW, pool_pre_ping=True)

    def _prepare(self, conn: Connection) -> None:
        if conn.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'vector'").first():
            return
        try:
            with conn.begin_nested():
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS vector")
        except SQLAlchemyError as exc:
            raise StoreError(
                f"the database {self.shown_url} lacks the pgvector extension and this user "
                "cannot add it: install pgvector on the server and run `CREATE EXTENSION "
                "vector;` as a superuser in that database (see docs/SCALING.md)",
                url=self.shown_url) from exc

    def nearest_sentences(self, query: Sequence[float], *, limit: int
                          ) -> list[tuple[int, float]]:
        """(sentence pk, cosine similarity) of the `limit` stored sentences nearest to a
        query vector, through the HNSW index."""
        vector = np.asarray(query, dtype=np.float32)
        with self._engine.connect() as conn:
            conn.exec_driver_sql(f"SET LOCAL hnsw.ef_search = {max(_EF_SEARCH, limit)}")
            rows = conn.execute(
                sa.select(_vectors.c.sentence_pk,
                          _vectors.c.embedding.cosine_distance(vector).label("distance"))
                .order_by(sa.text("distance")).limit(limit)).all()
        return [(int(pk), 1.0 - float(distance)) for pk, distance in rows]
