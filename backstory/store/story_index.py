"""Story clustering's state in SQL: document frequencies, centroids, the key index.

Plain SQLAlchemy Core over one connection inside one transaction, like `records.py`, so
that an article's assignment, its story's new centroid and its index keys commit together.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from backstory.store import schema as t
from backstory.store.base import StoryMember, StoryState

__all__ = ["STORIES_REBUILD", "SQLStoryIndex"]

# Set when the story index is wiped for a full rebuild, cleared when it is done, so that a
# run killed in between starts the rebuild again.
STORIES_REBUILD = "stories_rebuild_pending"
_DOCUMENTS = ""  # the story_df row that counts the articles
_CHUNK = 500  # bound parameters per IN (...) list


class SQLStoryIndex:
    """A `StoryIndex` over one open transaction.

    It runs a dozen small statements for every article, so it speaks SQL to the driver
    directly, on a cursor of the transaction's own DB-API connection: compiling
    SQLAlchemy expressions cost more than running them, and so did reading rows through
    its result objects (a catch-up reads hundreds of thousands of centroid terms).
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._qmark = conn.dialect.paramstyle == "qmark"
        self._cursor = conn.connection.cursor()
        # What this transaction has read or written of the document frequencies (0 for a
        # feature never seen) and of whole story centroids (by story id). Only this index
        # writes these tables inside its transaction, so it keeps both up to date as it
        # writes: a large catch-up reads each common word's frequency and each candidate
        # story's centroid once per transaction instead of once per article (BBC's 2,225
        # articles: 27 s to 17 s).
        self._df: dict[str, int] = {}
        self._terms: dict[str, dict[str, float]] = {}

    def documents(self) -> int:
        return self.frequencies([_DOCUMENTS]).get(_DOCUMENTS, 0)

    def frequencies(self, features: Sequence[str]) -> dict[str, int]:
        wanted = sorted(set(features))
        if missing := [f for f in wanted if f not in self._df]:
            self._df.update(dict.fromkeys(missing, 0))
            self._df.update(self._in("SELECT feature, df FROM story_df WHERE feature IN ({})",
                                     missing))
        return {f: self._df[f] for f in wanted if self._df[f]}

    def count(self, article_id: str, day: int | None, features: Sequence[str]) -> None:
        counted = sorted({_DOCUMENTS, *features})
        self._run("INSERT INTO story_docs(article_id, day) VALUES (?, ?)", (article_id, day))
        self._run_many("INSERT INTO story_df(feature, df) VALUES (?, 1) "
                       "ON CONFLICT(feature) DO UPDATE SET df = story_df.df + 1",
                       [(f,) for f in counted])
        for feature in counted:
            if feature in self._df:
                self._df[feature] += 1

    def candidates(self, keys: Sequence[str], *, day: int | None, window: int
                   ) -> dict[str, set[str]]:
        # Undated articles match at any date (as the in-memory index does); two queries so
        # that each reads one range of the (key, day) index.
        select = "SELECT DISTINCT story_id, key FROM story_keys WHERE key IN ({})"
        queries: list[tuple[str, tuple[Any, ...]]] = [(select, ())] if day is None else [
            (select + " AND day BETWEEN ? AND ?", (day - window, day + window)),
            (select + " AND day IS NULL", ())]
        found: dict[str, set[str]] = {}
        for sql, extra in queries:
            for story_id, key in self._in(sql, sorted(set(keys)), extra):
                found.setdefault(story_id, set()).add(key)
        return found

    def story_states(self, story_ids: Sequence[str], features: Sequence[str] | None
                     ) -> dict[str, StoryState]:
        ids = sorted(set(story_ids))
        if not ids:
            return {}
        centroids = self._centroids(ids)
        if features is None:  # in feature order, as the table's key keeps them
            weights = {story_id: dict(sorted(centroids[story_id].items())) for story_id in ids}
        else:
            wanted = sorted(set(features))
            weights = {story_id: _restricted(centroids[story_id], wanted) for story_id in ids}
        marks = ",".join("?" * len(ids))
        rows = self._run(
            "SELECT s.id, s.title, s.first_seen, s.last_seen, st.title_score, st.size, "
            "st.text_norm2, st.entity_norm2, st.first_day, st.last_day, se.embedding "
            "FROM stories s JOIN story_state st ON st.story_id = s.id "
            "LEFT JOIN story_embeddings se ON se.story_id = s.id "
            f"WHERE s.id IN ({marks})", tuple(ids))
        return {row[0]: StoryState(
            id=row[0], title=row[1], first_seen=row[2], last_seen=row[3], title_score=row[4],
            size=row[5], text_norm2=row[6], entity_norm2=row[7], first_day=row[8],
            last_day=row[9], weights=weights[row[0]], embedding=bytes(row[10] or b""))
            for row in rows}

    def add_article(self, state: StoryState, member: StoryMember, *, keys: Sequence[str]
                    ) -> None:
        """Save the story as it is with the article (`state`), adding the article's
        weights to the centroid and its `keys` to the index."""
        self._save(state)
        self._add_terms(state.id, member.weights)
        self._run_many("INSERT INTO story_keys(key, day, story_id, article_id) "
                       "VALUES (?, ?, ?, ?)",
                       [(key, member.day, state.id, member.article_id)
                        for key in sorted(set(keys))])
        self._run("INSERT INTO story_articles(story_id, article_id) VALUES (?, ?)",
                  (state.id, member.article_id))
        self._run("INSERT INTO story_vectors(article_id, title, published_at, day, weights) "
                  "VALUES (?, ?, ?, ?, ?) ON CONFLICT(article_id) DO UPDATE SET "
                  "title = excluded.title, published_at = excluded.published_at, "
                  "day = excluded.day, weights = excluded.weights",
                  (member.article_id, member.title, member.published_at, member.day,
                   json.dumps(dict(sorted(member.weights.items())))))
        if member.embedding:
            self._run("INSERT INTO story_article_embeddings(article_id, embedding) "
                      "VALUES (?, ?) ON CONFLICT(article_id) DO UPDATE SET "
                      "embedding = excluded.embedding", (member.article_id, member.embedding))

    def merge(self, state: StoryState, *, other_id: str) -> None:
        """Fold story `other_id` into `state.id`; `state` is the merged story."""
        self._run("INSERT INTO story_terms(story_id, feature, weight) "
                  "SELECT ?, feature, weight FROM story_terms WHERE story_id = ? "
                  "ON CONFLICT(story_id, feature) DO UPDATE SET "
                  "weight = story_terms.weight + excluded.weight", (state.id, other_id))
        for table in ("story_keys", "story_articles"):
            self._run(f"UPDATE {table} SET story_id = ? WHERE story_id = ?",
                      (state.id, other_id))
        self._run("DELETE FROM stories WHERE id = ?", (other_id,))  # cascades to its state
        self._save(state)
        folded = self._terms.pop(other_id, None)
        kept = self._terms.pop(state.id, None)
        if folded is not None and kept is not None:
            for feature, weight in folded.items():
                kept[feature] = kept.get(feature, 0.0) + weight
            self._terms[state.id] = kept

    def story_members(self, story_id: str) -> list[StoryMember]:
        """The story's articles as it keeps them (those assigned before their vectors were
        kept are left out)."""
        rows = self._run("SELECT v.article_id, v.title, v.published_at, v.day, v.weights, "
                         "e.embedding FROM story_articles sa JOIN story_vectors v "
                         "ON v.article_id = sa.article_id LEFT JOIN story_article_embeddings e "
                         "ON e.article_id = sa.article_id WHERE sa.story_id = ?", (story_id,))
        return [StoryMember(article_id=row[0], title=row[1], published_at=row[2], day=row[3],
                            weights=json.loads(row[4]), embedding=bytes(row[5] or b""))
                for row in rows]

    def split(self, state: StoryState, *, moved: Sequence[str], new_state: StoryState
              ) -> None:
        """Move the articles `moved` of story `state.id` to the new story `new_state`;
        both states carry their whole centroids."""
        self._save(new_state)
        ids = sorted(set(moved))
        for table in ("story_articles", "story_keys"):
            self._in(f"UPDATE {table} SET story_id = ? WHERE story_id = ? "
                     "AND article_id IN ({})", ids, prefix=(new_state.id, state.id))
        self._run("DELETE FROM story_terms WHERE story_id = ?", (state.id,))
        self._run("DELETE FROM story_embeddings WHERE story_id = ?", (state.id,))
        self._terms.pop(state.id, None)
        self._add_terms(state.id, state.weights)
        self._add_terms(new_state.id, new_state.weights)
        self._save(state)

    def _add_terms(self, story_id: str, weights: Mapping[str, float]) -> None:
        self._run_many("INSERT INTO story_terms(story_id, feature, weight) VALUES (?, ?, ?) "
                       "ON CONFLICT(story_id, feature) DO UPDATE SET "
                       "weight = story_terms.weight + excluded.weight",
                       [(story_id, f, v) for f, v in sorted(weights.items())])
        if (cached := self._terms.get(story_id)) is not None:
            for feature, weight in weights.items():
                cached[feature] = cached.get(feature, 0.0) + weight

    def _centroids(self, story_ids: list[str]) -> dict[str, dict[str, float]]:
        """The whole centroids of these stories, read from the table once each."""
        if missing := [story_id for story_id in story_ids if story_id not in self._terms]:
            for story_id in missing:
                self._terms[story_id] = {}
            for story_id, feature, weight in self._in(
                    "SELECT story_id, feature, weight FROM story_terms WHERE story_id IN ({})",
                    missing):
                self._terms[story_id][feature] = weight
        return {story_id: self._terms[story_id] for story_id in story_ids}

    def _save(self, state: StoryState) -> None:
        numbers = (state.title_score, state.size, state.text_norm2, state.entity_norm2,
                   state.first_day, state.last_day)
        self._run("INSERT INTO stories(id, title, first_seen, last_seen) VALUES (?, ?, ?, ?) "
                  "ON CONFLICT(id) DO UPDATE SET title = excluded.title, "
                  "first_seen = excluded.first_seen, last_seen = excluded.last_seen",
                  (state.id, state.title, state.first_seen, state.last_seen))
        self._run("INSERT INTO story_state(story_id, title_score, size, text_norm2, "
                  "entity_norm2, first_day, last_day) VALUES (?, ?, ?, ?, ?, ?, ?) "
                  "ON CONFLICT(story_id) DO UPDATE SET title_score = excluded.title_score, "
                  "size = excluded.size, text_norm2 = excluded.text_norm2, "
                  "entity_norm2 = excluded.entity_norm2, first_day = excluded.first_day, "
                  "last_day = excluded.last_day", (state.id, *numbers))
        if state.embedding:
            self._run("INSERT INTO story_embeddings(story_id, embedding) VALUES (?, ?) "
                      "ON CONFLICT(story_id) DO UPDATE SET embedding = excluded.embedding",
                      (state.id, state.embedding))

    def _run(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        self._cursor.execute(self._marks(sql), params)
        return list(self._cursor.fetchall()) if self._cursor.description else []

    def _run_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self._cursor.executemany(self._marks(sql), rows)

    def _marks(self, sql: str) -> str:
        """The statement in the driver's placeholder style (written with `?`, sqlite3's)."""
        return sql if self._qmark else sql.replace("?", "%s")

    def _in(self, sql: str, values: list[Any], extra: tuple[Any, ...] = (), *,
            prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of `sql` whose one `IN ({})` list takes `values`, in chunks."""
        rows: list[tuple[Any, ...]] = []
        for i in range(0, len(values), _CHUNK):
            part = values[i:i + _CHUNK]
            rows.extend(self._run(sql.format(",".join("?" * len(part))),
                                  (*prefix, *part, *extra)))
        return rows


def _restricted(centroid: Mapping[str, float], wanted: list[str]) -> dict[str, float]:
    """The centroid's weights of the `wanted` (sorted) features, in feature order; read
    from whichever side is smaller."""
    if len(centroid) < len(wanted):
        chosen = set(wanted)
        return {f: centroid[f] for f in sorted(f for f in centroid if f in chosen)}
    return {f: centroid[f] for f in wanted if f in centroid}


def clear(conn: Connection) -> None:
    """Delete every story and the whole story index."""
    for table in (t.story_keys, t.story_terms, t.story_state, t.story_embeddings,
                  t.story_vectors, t.story_article_embeddings, t.story_articles, t.stories,
                  t.story_df, t.story_docs):
        conn.execute(table.delete())


def articles_to_count(conn: Connection, *, limit: int) -> list[str]:
    """Stored articles not yet counted into the story index, in the order they were stored.

    Only articles stored after the last counted one are read, so the cost follows the new
    articles, not the store: articles are counted in the order they were stored and new
    ones are stored after all others, so the counted ones are always the first stored.
    """
    order = t.stored_order(conn.dialect)
    after, params = _after_last(conn, "story_docs")
    query = sa.text(f"SELECT a.id FROM articles a WHERE {after} NOT EXISTS "
                    "(SELECT 1 FROM story_docs d WHERE d.article_id = a.id) "
                    f"ORDER BY a.{order} LIMIT :limit")
    return [row.id for row in conn.execute(query, {**params, "limit": limit})]


def articles_to_assign(conn: Connection, *, limit: int, by_date: bool) -> list[str]:
    """Counted articles in no story yet: in the order they were stored, or by date.

    In stored order only articles stored after the last assigned one are read (as
    `articles_to_count` reads those after the last counted one): an update assigns in
    stored order, and a rebuild, which assigns by date, leaves no article unassigned.
    """
    if by_date:
        query = sa.text("SELECT a.id FROM story_docs d JOIN articles a ON a.id = d.article_id "
                        "WHERE NOT EXISTS (SELECT 1 FROM story_articles sa "
                        "WHERE sa.article_id = d.article_id) ORDER BY a.published_at IS NULL, "
                        "a.published_at, a.id LIMIT :limit")
        return [row.id for row in conn.execute(query, {"limit": limit})]
    # Read from the articles' side, so that the database walks only the newest of them.
    order = t.stored_order(conn.dialect)
    after, params = _after_last(conn, "story_articles")
    query = sa.text(f"SELECT a.id FROM articles a WHERE {after} "
                    "EXISTS (SELECT 1 FROM story_docs d WHERE d.article_id = a.id) AND "
                    "NOT EXISTS (SELECT 1 FROM story_articles sa WHERE sa.article_id = a.id) "
                    f"ORDER BY a.{order} LIMIT :limit")
    return [row.id for row in conn.execute(query, {**params, "limit": limit})]


def _after_last(conn: Connection, table: str) -> tuple[str, dict[str, Any]]:
    """A condition (with its parameters) on articles `a` that keeps those stored after the
    last stored article that `table` holds: found by reading back from the newest article,
    so it costs as many steps as there are newer articles that `table` does not hold."""
    order = t.stored_order(conn.dialect)
    last = conn.execute(sa.text(
        f"SELECT a.{order} FROM articles a WHERE EXISTS (SELECT 1 FROM {table} x "
        f"WHERE x.article_id = a.id) ORDER BY a.{order} DESC LIMIT 1")).scalar()
    if last is None:
        return "", {}
    return f"a.{order} > :after AND", {"after": last}
