"""Copying a whole store to another database (SQLite to PostgreSQL, or back) without loss.

Every table is copied row for row inside one transaction of the target, so a copy that
fails or is killed leaves the target as empty as it found it. What each backend derives
by itself is rebuilt there, not copied: SQLite's FTS5 index, PostgreSQL's `tsvector` and
pgvector columns, and the order columns (`rowid`, `seq`), which follow the copy order.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from backstory.errors import StoreError
from backstory.store import schema as t
from backstory.store.sql import SQLStore

__all__ = ["CopyReport", "copy_store"]

LOGGER = logging.getLogger(__name__)
_CHUNK = 2_000
# Tables whose row order carries meaning (as stored, read back in that order).
_STORED_ORDER = {"articles", "article_paragraphs"}
# Settings that name one database: the target makes its own.
_OWN_SETTINGS = {"vectors_uid"}

ProgressCallback = Callable[[str, int], None]


@dataclass(slots=True)
class CopyReport:
    """Rows copied per table; `source` and `target` as shown (passwords hidden)."""

    source: str
    target: str
    tables: dict[str, int] = field(default_factory=dict)


def copy_store(source: SQLStore, target: SQLStore, *,
               on_rows: ProgressCallback | None = None) -> CopyReport:
    """Copy every row of `source` into `target`, which must hold no articles, stories or
    editor documents yet; then check that each table holds as many rows as the source."""
    report = CopyReport(source=source.shown_url, target=target.shown_url)
    _check_empty(target)
    try:
        with source.engine.connect() as reader, target.engine.begin() as writer:
            for table in t.metadata.sorted_tables:
                if table is t.schema_migrations:
                    continue  # both are migrated to the same version
                report.tables[table.name] = _copy_table(reader, writer, table, target,
                                                        on_rows)
            _rebuild_derived(writer)
    except SQLAlchemyError as exc:
        raise StoreError(f"copying {report.source} to {report.target} failed, and nothing "
                         f"was written: {getattr(exc, 'orig', None) or exc}",
                         url=report.target) from exc
    _check_counts(source, target, report)
    return report


def _check_empty(target: SQLStore) -> None:
    with target.engine.connect() as conn:
        for table in (t.articles, t.stories, t.documents, t.users):
            if conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                raise StoreError(
                    f"{target.shown_url} already holds {table.name}: copy into a new, empty "
                    "database (a copy never merges two stores)", url=target.shown_url)


def _copy_table(reader: Connection, writer: Connection, table: sa.Table, target: SQLStore,
                on_rows: ProgressCallback | None) -> int:
    if table is t.settings_kv:
        writer.execute(table.delete())  # the target's own, from its migrations
    order: list[Any] = ([sa.literal_column(t.stored_order(reader.dialect))]
                        if table.name in _STORED_ORDER else list(table.primary_key.columns))
    query = sa.select(table).order_by(*order)
    copied = 0
    result = reader.execution_options(yield_per=_CHUNK).execute(query)
    for part in result.partitions():
        rows = [dict(row._mapping) for row in part]
        if table is t.settings_kv:
            rows = [row for row in rows if row["key"] not in _OWN_SETTINGS]
        if table is t.sentence_vectors:
            destination, rows = target.backend.vector_rows(rows)
        else:
            destination = table
        if rows and writer.dialect.name == "postgresql":
            _copy_in(writer, destination, rows)
        elif rows:
            writer.execute(destination.insert(), rows)
        copied += len(rows)
        if on_rows is not None:
            on_rows(table.name, len(rows))
    if table is t.settings_kv:
        writer.execute(table.insert().values(key="vectors_uid", value=uuid.uuid4().hex))
    return copied


def _copy_in(writer: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Rows into a PostgreSQL table through COPY, several times faster than INSERTs."""
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    cursor = writer.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_copy_value(row[name]) for name in columns])


def _copy_value(value: Any) -> Any:
    # pgvector's text form, which COPY reads into a `vector` column.
    if isinstance(value, np.ndarray):
        return "[" + ",".join(f"{x:.7g}" for x in value.tolist()) + "]"
    return value


def _rebuild_derived(writer: Connection) -> None:
    if writer.dialect.name == "sqlite":
        writer.exec_driver_sql("INSERT INTO sentences_fts(sentences_fts) VALUES ('rebuild')")
        return
    # Rows came with their ids: move each id sequence past the highest copied (a column
    # without a sequence gives NULL, which setval passes over).
    for table in t.metadata.sorted_tables:
        [*columns] = table.primary_key.columns
        if len(columns) == 1 and isinstance(columns[0].type, sa.Integer):
            name = columns[0].name
            writer.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{name}'), "
                f"coalesce((SELECT max({name}) FROM {table.name}), 0) + 1, false)")


def _check_counts(source: SQLStore, target: SQLStore, report: CopyReport) -> None:
    with source.engine.connect() as a, target.engine.connect() as b:
        for name, copied in report.tables.items():
            if name == t.settings_kv.name:
                continue  # the target names its own vectors
            count = sa.select(sa.func.count()).select_from(t.metadata.tables[name])
            expected = a.execute(count).scalar_one()
            if (stored := b.execute(count).scalar_one()) != expected or copied != expected:
                raise StoreError(f"copy of {name} is incomplete: {expected} rows in "
                                 f"{report.source}, {stored} in {report.target}",
                                 url=report.target)
    LOGGER.info("copied %d rows of %d tables to %s", sum(report.tables.values()),
                len(report.tables), report.target)
