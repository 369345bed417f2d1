"""Tables (SQLAlchemy Core) and the versioned migrations that create and evolve them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

__all__ = ["ANALYSIS_TABLES", "EDITOR_TABLES", "MIGRATIONS", "STORY_INDEX_TABLES", "VECTOR_BYTES",
           "VECTOR_DIMENSIONS", "metadata", "migrate", "stored_order"]

metadata = sa.MetaData()

schema_migrations = sa.Table(
    "schema_migrations", metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", sa.Text, nullable=False),
)
settings_kv = sa.Table(
    "settings_kv", metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
sources = sa.Table(
    "sources", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("domain", sa.Text),
    sa.Column("kind", sa.Text),
    sa.Column("country", sa.Text),
)
articles = sa.Table(
    "articles", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("source_id", sa.Text, sa.ForeignKey("sources.id")),
    sa.Column("url", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("author", sa.Text),
    sa.Column("published_at", sa.Text),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("text_hash", sa.Text, nullable=False, unique=True),
    sa.Column("input", sa.Text, nullable=False),
    sa.Column("ingested_at", sa.Text, nullable=False),
)
# A copy of a stored article seen again (a re-post, a syndicated copy): linked, not stored.
def _article_copies(meta: sa.MetaData, *, with_similarity: bool) -> sa.Table:
    columns = [
        sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("source_id", sa.Text, sa.ForeignKey("sources.id")),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("published_at", sa.Text),
        sa.Column("input", sa.Text, nullable=False),
        sa.Column("seen_at", sa.Text, nullable=False),
        sa.UniqueConstraint("article_id", "source_id", "url", "input"),
    ]
    if with_similarity:  # added by migration 2: 1.0 for exact copies
        columns.insert(-1, sa.Column("similarity", sa.Float))
    return sa.Table("article_copies", meta, *columns)


article_copies = _article_copies(metadata, with_similarity=True)
# Migration 1 created the table as it was then; the frozen shape lives in its own metadata.
_v1_metadata = sa.MetaData()
for _name in ("sources", "articles"):
    sa.Table(_name, _v1_metadata, sa.Column("id", sa.Text, primary_key=True))
_article_copies_v1 = _article_copies(_v1_metadata, with_similarity=False)
sentences = sa.Table(
    "sentences", metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.Text, nullable=False, unique=True),
    sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)
entities = sa.Table(
    "entities", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("type", sa.Text, nullable=False),
    sa.UniqueConstraint("name", "type"),
)
mentions = sa.Table(
    "mentions", metadata,
    sa.Column("entity_id", sa.Text, sa.ForeignKey("entities.id"), nullable=False, index=True),
    sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("sentence_id", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)
stories = sa.Table(
    "stories", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("first_seen", sa.Text),
    sa.Column("last_seen", sa.Text),
)
story_articles = sa.Table(
    "story_articles", metadata,
    sa.Column("story_id", sa.Text, sa.ForeignKey("stories.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
              nullable=False, unique=True),
)

# -- version 2: near-duplicates, learned boilerplate, feed validators ------------------------

minhash_bands = sa.Table(
    "minhash_bands", metadata,
    sa.Column("key", sa.BigInteger, nullable=False, index=True),
    sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
              nullable=False, index=True),
)
# The shape of every paragraph as first stored, counted per outlet to learn boilerplate.
article_paragraphs = sa.Table(
    "article_paragraphs", metadata,
    sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("source_id", sa.Text, nullable=False),
    sa.Column("shape", sa.Text, nullable=False),
    sa.Column("edge", sa.Boolean, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Index("ix_article_paragraphs_source_shape", "source_id", "shape"),
)
boilerplate = sa.Table(
    "boilerplate", metadata,
    sa.Column("source_id", sa.Text, primary_key=True),
    sa.Column("shape", sa.Text, primary_key=True),
    sa.Column("sample", sa.Text, nullable=False),
    sa.Column("articles", sa.Integer, nullable=False),
)
feeds = sa.Table(
    "feeds", metadata,
    sa.Column("url", sa.Text, primary_key=True),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("checked_at", sa.Text, nullable=False),
)

# -- version 3: the analysis records: roles, quotes, claims, time expressions, events -------
# Names (speaker, via, place…) are canonical entity names as text: an attribution may name
# a speaker that is not a tagged entity ("both sides"), and the name is what readers see.


def _article_fk() -> sa.Column[str]:
    return sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
                     nullable=False, index=True)


roles = sa.Table(
    "roles", metadata, _article_fk(),
    sa.Column("sentence_id", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False, index=True),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
)
quotes = sa.Table(
    "quotes", metadata, _article_fk(),
    sa.Column("sentence_id", sa.Text, nullable=False),
    sa.Column("speaker", sa.Text, index=True),
    sa.Column("speaker_text", sa.Text),
    sa.Column("speaker_start", sa.Integer),
    sa.Column("speaker_end", sa.Integer),
    sa.Column("via", sa.Text),
    sa.Column("addressee", sa.Text),
    sa.Column("cue", sa.Text),
    sa.Column("cue_start", sa.Integer),
    sa.Column("cue_end", sa.Integer),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("direct", sa.Boolean, nullable=False),
)
claims = sa.Table(
    "claims", metadata, _article_fk(),
    sa.Column("sentence_id", sa.Text, nullable=False),
    sa.Column("value_number", sa.Float),  # the value when it is a number
    sa.Column("value_text", sa.Text),  # a vague amount as written: "tens", "dozens"
    sa.Column("qualifier", sa.Text),
    sa.Column("unit", sa.Text),
    sa.Column("per", sa.Text),
    sa.Column("object", sa.Text),
    sa.Column("predicate", sa.Text),
    sa.Column("place", sa.Text),
    sa.Column("time", sa.Text),
    sa.Column("source", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
)
time_exprs = sa.Table(
    "time_exprs", metadata, _article_fk(),
    sa.Column("sentence_id", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("value", sa.Text),
    sa.Column("precision", sa.Text),
)
events = sa.Table(
    "events", metadata, _article_fk(),
    sa.Column("sentence_id", sa.Text, nullable=False),
    sa.Column("type", sa.Text, nullable=False, index=True),
    sa.Column("participants", sa.Text, nullable=False),  # JSON list of canonical names
    sa.Column("place", sa.Text),
    sa.Column("time", sa.Text),
    sa.Column("precision", sa.Text),
    sa.Column("trigger", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("topic", sa.Text),
)
ANALYSIS_TABLES = (roles, quotes, claims, time_exprs, events)

# -- version 4: incremental story clustering ---------------------------------------------
# Features are "w:word" or "e:entity name"; days are ordinal numbers (NULL: undated).

# Articles counted into the document frequencies (assigned to a story or about to be).
story_docs = sa.Table(
    "story_docs", metadata,
    sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("day", sa.Integer),
)
# In how many counted articles each feature occurs; the row for "" holds the article count.
story_df = sa.Table(
    "story_df", metadata,
    sa.Column("feature", sa.Text, primary_key=True),
    sa.Column("df", sa.Integer, nullable=False),
)
story_state = sa.Table(
    "story_state", metadata,
    sa.Column("story_id", sa.Text, sa.ForeignKey("stories.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("title_score", sa.Float, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("text_norm2", sa.Float, nullable=False),
    sa.Column("entity_norm2", sa.Float, nullable=False),
    sa.Column("first_day", sa.Integer),
    sa.Column("last_day", sa.Integer),
)
# A story's centroid: the sum of its articles' kept feature weights.
story_terms = sa.Table(
    "story_terms", metadata,
    sa.Column("story_id", sa.Text, sa.ForeignKey("stories.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("feature", sa.Text, primary_key=True),
    sa.Column("weight", sa.Float, nullable=False),
)
# The inverted index that finds candidate stories: one row per key of each article.
story_keys = sa.Table(
    "story_keys", metadata,
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("day", sa.Integer),
    sa.Column("story_id", sa.Text, sa.ForeignKey("stories.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Index("ix_story_keys_key_day", "key", "day"),
)
STORY_INDEX_TABLES = (story_docs, story_df, story_state, story_terms, story_keys)

# -- version 5: the editor desk: accounts, sessions, document versions, the audit log -------
# Names (editor, reviewed_by, user) are user names as text, so the history still reads
# after an account is gone. Documents keep no foreign key to stories: stories are rebuilt,
# a document's history is not.

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
)
# Only the SHA-256 of a session token is stored: a copy of the database logs nobody in.
sessions = sa.Table(
    "sessions", metadata,
    sa.Column("token_hash", sa.Text, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("csrf_token", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("expires_at", sa.Text, nullable=False, index=True),
)
documents = sa.Table(
    "documents", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("story_id", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # JSON: {"title", "sections": [...]}
    sa.Column("body_hash", sa.Text, nullable=False),
    sa.Column("changes", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("editor", sa.Text),
    sa.Column("reviewed_by", sa.Text),
    sa.Column("reviewed_at", sa.Text),
    sa.UniqueConstraint("kind", "story_id", "version"),
    sa.CheckConstraint("status IN ('draft', 'approved', 'rejected')",
                       name="ck_documents_status"),
    sa.Index("ix_documents_status", "status"),
)
audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Text, nullable=False),
    sa.Column("user", sa.Text),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, index=True),
    sa.Column("detail", sa.Text, nullable=False),
)
EDITOR_TABLES = (users, sessions, documents, audit_log)
# -- version 6: sentence embeddings for dense retrieval -----------------------------------
# One vector per sentence (float16, `VECTOR_BYTES` long). The vector index beside the
# database reads new rows by their ever-growing `id` and removed sentences from
# `vector_removals`, which a trigger fills, so it catches up without a full rebuild.

VECTOR_DIMENSIONS = 384
VECTOR_BYTES = VECTOR_DIMENSIONS * 2
sentence_vectors = sa.Table(
    "sentence_vectors", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sentence_pk", sa.Integer, sa.ForeignKey("sentences.pk", ondelete="CASCADE"),
              nullable=False, unique=True),
    sa.Column("vector", sa.LargeBinary, nullable=False),
    sqlite_autoincrement=True,  # ids are never reused: the index follows them
)
vector_removals = sa.Table(
    "vector_removals", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sentence_pk", sa.Integer, nullable=False),
    sqlite_autoincrement=True,
)

# -- version 7: stories that drift can split -------------------------------------------------

# Each assigned article's share of its story's centroid (JSON: feature -> weight), with its
# headline and date, so that a story can be cut in two without re-reading its articles.
story_vectors = sa.Table(
    "story_vectors", metadata,
    sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("published_at", sa.Text),
    sa.Column("day", sa.Integer),
    sa.Column("weights", sa.Text, nullable=False),
)

# -- version 9: story clustering reads sentence embeddings ------------------------------------

# A story's embedding: the sum of its articles' (each the unit mean of its lead sentences'
# vectors, float32). Stories whose articles have no sentence vectors have no row.
story_embeddings = sa.Table(
    "story_embeddings", metadata,
    sa.Column("story_id", sa.Text, sa.ForeignKey("stories.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("embedding", sa.LargeBinary, nullable=False),
)
# Each assigned article's embedding, beside its `story_vectors` row, for splits.
story_article_embeddings = sa.Table(
    "story_article_embeddings", metadata,
    sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("embedding", sa.LargeBinary, nullable=False),
)

_V1_TABLES = (settings_kv, sources, articles, article_copies, sentences, entities, mentions,
              stories, story_articles)


# Where SQLite and PostgreSQL need different SQL, a migration says both. PostgreSQL came
# after version 7, so its branches of earlier versions change no existing database.


def stored_order(dialect: sa.Dialect) -> str:
    """The column of `articles` and `article_paragraphs` that orders rows as stored."""
    return "rowid" if dialect.name == "sqlite" else "seq"


def _v1(conn: Connection) -> None:
    for table in _V1_TABLES:
        (_article_copies_v1 if table is article_copies else table).create(conn)
    if conn.dialect.name == "sqlite":
        # Porter stemming so that "meet" finds "meeting"; external content keeps one copy.
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE sentences_fts USING fts5("
            "text, content='sentences', content_rowid='pk', tokenize='porter unicode61')"
        )
    else:
        # English stemming as Porter's; the vector is kept in the row, the GIN index finds it.
        conn.exec_driver_sql(
            "ALTER TABLE sentences ADD COLUMN fts tsvector "
            "GENERATED ALWAYS AS (to_tsvector('english', text)) STORED")
        conn.exec_driver_sql("CREATE INDEX ix_sentences_fts ON sentences USING gin (fts)")
        conn.exec_driver_sql("ALTER TABLE articles ADD COLUMN seq BIGSERIAL")


def _v2(conn: Connection) -> None:
    conn.execute(sa.text("ALTER TABLE article_copies ADD COLUMN similarity FLOAT"))
    for table in (minhash_bands, article_paragraphs, boilerplate, feeds):
        table.create(conn)
    if conn.dialect.name != "sqlite":
        conn.exec_driver_sql("ALTER TABLE article_paragraphs ADD COLUMN seq BIGSERIAL")


def _v3(conn: Connection) -> None:
    for table in ANALYSIS_TABLES:
        table.create(conn)
    # Articles stored before version 3 have no records yet; the next ingest re-analyzes them.
    conn.execute(sa.text("INSERT OR REPLACE INTO settings_kv(key, value) "
                         "VALUES ('reanalyze_pending', '1')")
                 if conn.dialect.name == "sqlite" else
                 sa.text("INSERT INTO settings_kv(key, value) VALUES ('reanalyze_pending', '1') "
                         "ON CONFLICT (key) DO UPDATE SET value = '1'"))


def _v4(conn: Connection) -> None:
    for table in STORY_INDEX_TABLES:
        table.create(conn)
    # Stories built before version 4 have no index: the next update rebuilds them.
    if conn.execute(sa.select(sa.literal(1)).select_from(articles).limit(1)).first():
        conn.execute(settings_kv.delete().where(settings_kv.c.key == "stories_rebuild_pending"))
        conn.execute(settings_kv.insert().values(key="stories_rebuild_pending", value="1"))


def _v5(conn: Connection) -> None:
    for table in EDITOR_TABLES:
        table.create(conn)


def _v6(conn: Connection) -> None:
    sentence_vectors.create(conn)
    vector_removals.create(conn)
    # Deleting a sentence (a rewrite, a deleted article) cascades to its vector; the trigger
    # fires for cascaded deletes too, so the index hears of every removal.
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            "CREATE TRIGGER sentence_vectors_removed AFTER DELETE ON sentence_vectors BEGIN "
            "INSERT INTO vector_removals(sentence_pk) VALUES (old.sentence_pk); END"
        )
    else:
        _pgvector_columns(conn)
    # Names this store's vectors, so an index file left from another database is not trusted.
    conn.execute(settings_kv.insert().values(key="vectors_uid", value=uuid.uuid4().hex))
    # Sentences stored before version 6 have no vectors: the next ingest back-fills them.
    if conn.execute(sa.select(sa.literal(1)).select_from(sentences).limit(1)).first():
        conn.execute(settings_kv.delete().where(settings_kv.c.key == "vectors_pending"))
        conn.execute(settings_kv.insert().values(key="vectors_pending", value="1"))


def _v7(conn: Connection) -> None:
    story_vectors.create(conn)
    # Stories built before version 7 keep no article vectors: the next update rebuilds them.
    if conn.execute(sa.select(sa.literal(1)).select_from(articles).limit(1)).first():
        conn.execute(settings_kv.delete().where(settings_kv.c.key == "stories_rebuild_pending"))
        conn.execute(settings_kv.insert().values(key="stories_rebuild_pending", value="1"))


def _v8(conn: Connection) -> None:
    # Story clustering finds the articles stored since it last caught up by reading back
    # from the newest one. SQLite's rowid is the articles table's own key; PostgreSQL's
    # seq needs an index. (IF NOT EXISTS: tests take stores back to older versions.)
    if conn.dialect.name != "sqlite":
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_articles_seq ON articles (seq)")


def _v9(conn: Connection) -> None:
    # (checkfirst: tests take stores back to older versions.)
    story_embeddings.create(conn, checkfirst=True)
    story_article_embeddings.create(conn, checkfirst=True)
    # Stories built from articles that have sentence vectors were grouped without them: the
    # next update rebuilds them. (Without vectors, clustering is as it was.)
    if conn.execute(sa.select(sa.literal(1)).select_from(sentence_vectors).limit(1)).first():
        conn.execute(settings_kv.delete().where(settings_kv.c.key == "stories_rebuild_pending"))
        conn.execute(settings_kv.insert().values(key="stories_rebuild_pending", value="1"))


def _pgvector_columns(conn: Connection) -> None:
    """PostgreSQL keeps each vector twice: as the bytes every backend stores, and as a
    pgvector `vector` under an HNSW index, which is what it searches. (Not `halfvec`: it
    needs pgvector 0.7, and the builds on PyPI that have it fault on CPUs without AVX-512.)"""
    conn.exec_driver_sql(
        "CREATE OR REPLACE FUNCTION note_vector_removal() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN INSERT INTO vector_removals(sentence_pk) VALUES (OLD.sentence_pk); "
        "RETURN OLD; END $$")
    conn.exec_driver_sql(
        "CREATE TRIGGER sentence_vectors_removed AFTER DELETE ON sentence_vectors "
        "FOR EACH ROW EXECUTE FUNCTION note_vector_removal()")
    conn.exec_driver_sql(
        f"ALTER TABLE sentence_vectors ADD COLUMN embedding vector({VECTOR_DIMENSIONS})")
    conn.exec_driver_sql("CREATE INDEX ix_sentence_vectors_embedding ON sentence_vectors "
                         "USING hnsw (embedding vector_cosine_ops)")


# Append only: a migration, once released, never changes.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_v1, _v2, _v3, _v4, _v5, _v6, _v7,
                                                         _v8, _v9)


def migrate(conn: Connection) -> int:
    """Apply the migrations the database has not seen; return the schema version."""
    if conn.dialect.name == "postgresql":
        # Processes opening a new PostgreSQL store at once (Ray workers) take turns.
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7262361)")
    schema_migrations.create(conn, checkfirst=True)
    current = conn.execute(sa.select(sa.func.max(schema_migrations.c.version))).scalar() or 0
    for version, step in enumerate(MIGRATIONS, start=1):
        if version <= current:
            continue
        step(conn)
        conn.execute(schema_migrations.insert().values(
            version=version, applied_at=datetime.now(UTC).isoformat(timespec="seconds")
        ))
        current = version
    return current
