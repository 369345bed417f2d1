"""The SQL store that SQLite and PostgreSQL share: SQLAlchemy Core throughout, with the
little SQL that differs between them (full text, vector columns) behind `BackendSQL`."""

from __future__ import annotations

import hashlib
import logging
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import SQLAlchemyError

from backstory.errors import NotFoundError, StoreError
from backstory.models import (
    Analysis,
    Article,
    ArticleMeta,
    FeedValidators,
    LearnedBoilerplate,
    Mention,
    NewArticle,
    NewCopy,
    Rewrite,
    Sentence,
    SentenceHit,
    ShapeSeen,
    Story,
)
from backstory.store import schema as t
from backstory.store import story_index
from backstory.store.base import ArticleFeatures, VectorChanges
from backstory.store.documents import EditorTables
from backstory.store.records import delete_records, insert_records, read_records

__all__ = ["MAX_RANKED", "BackendSQL", "SQLStore", "Transaction", "fts_phrase"]

LOGGER = logging.getLogger(__name__)
FTS_TOKEN = re.compile(r"\w+", re.UNICODE)
_FREQUENCY_CACHE = 50_000
# Full-text ranking scores every sentence a query matches (BM25 costs a few microseconds a
# sentence in FTS5), so a query matching more than this many ranks only the newest of them.
MAX_RANKED = 5_000
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_THE = re.compile(r"^the\s+", re.I)
# Set in the transaction that adds or rewrites articles; cleared when stories are rebuilt
# (and when a round of boilerplate learning has run), so that a run killed in between
# finishes that work on its next start.
STORIES_STALE = "stories_stale"
LEARNING_PENDING = "learning_pending"
# Set by migration 3 (stored articles predate the analysis records); cleared when every
# stored article has been analyzed again.
REANALYZE_PENDING = "reanalyze_pending"
# Set by migration 6 and by rewrites (sentences stored without vectors); cleared when every
# sentence has its vector again.
VECTORS_PENDING = "vectors_pending"
_VECTORS_UID = "vectors_uid"
_STORY_ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP")


class BackendSQL(Protocol):
    """The SQL a backend writes its own way: the full-text index over sentences and the
    rows of the vector table. Each method runs inside the caller's transaction."""

    # Whether `ranked_sentences` needs the tokens' IDF from the store.
    needs_idf: bool

    def take_write_turn(self, conn: Connection) -> None:
        """Wait until no other transaction is writing articles, so that articles are
        numbered in the order they commit (story clustering reads new articles as those
        numbered after the last one it placed)."""
    def index_sentences(self, conn: Connection, article_ids: Sequence[str]) -> None:
        """Add the articles' stored sentences to the full-text index."""
    def unindex_sentences(self, conn: Connection, article_id: str) -> None:
        """Take the article's stored sentences out of the full-text index."""
    def ranked_sentences(self, conn: Connection, phrases: Sequence[str], *, limit: int,
                         match_all: bool, with_any: Sequence[str], max_ranked: int | None,
                         idf: Mapping[str, float]) -> list[tuple[int, float]]:
        """(sentence pk, score) of the sentences holding any phrase (all of them when
        `match_all`) and, if `with_any` is given, one of those too; best (highest) first,
        every phrase counting in the score; only the newest `max_ranked` matches are
        ranked (all of them when None). `idf` weighs each phrase by its rarity in the
        store, for a backend whose ranking does not."""
    def sentences_holding(self, conn: Connection, phrase: str) -> int:
        """How many sentences hold the phrase (its words, lowercased, space-separated)."""
    def vector_rows(self, rows: list[dict[str, Any]]) -> tuple[sa.Table, list[dict[str, Any]]]:
        """The table to insert `sentence_vectors` rows into, and the rows as it takes them."""


class SQLStore(EditorTables):
    """A `Store` in an SQL database, opened (and migrated) at a SQLAlchemy URL; the
    backends (`SQLiteStore`, `PostgresStore`) make the engine and say their own SQL."""

    backend: BackendSQL
    # The most sentences one full-text query ranks (see `search_sentences`).
    max_ranked = MAX_RANKED
    # Whether the database searches sentence vectors itself (`nearest_sentences`), or a
    # vector index beside it does.
    native_vectors = False

    def __init__(self, url: str) -> None:
        self.url = url
        # Sentence counts of words already asked about: (count, store size then).
        self._frequencies: dict[str, tuple[int, int]] = {}
        try:
            self._engine = self._create_engine(url)
            with self._engine.begin() as conn:
                self._prepare(conn)
                version = t.migrate(conn)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the database {self.shown_url}: "
                             f"{getattr(exc, 'orig', None) or exc}", url=self.shown_url) from exc
        LOGGER.debug("opened %s at schema version %d", self.shown_url, version)

    @property
    def shown_url(self) -> str:
        """The URL without its password, fit for messages and logs."""
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)

    def _create_engine(self, url: str) -> Engine:
        raise NotImplementedError

    def _prepare(self, conn: Connection) -> None:
        """What the database needs before its migrations run."""

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for copying a whole store, see `backstory.store.copy`)."""
        return self._engine

    def close(self) -> None:
        self._engine.dispose()

    # -- articles ---------------------------------------------------------------------------

    def find_by_hash(self, text_hash: str) -> ArticleMeta | None:
        with self._engine.connect() as conn:
            row = conn.execute(_meta_query().where(t.articles.c.text_hash == text_hash)).first()
        return _meta(row) if row else None

    def add_article(self, article: Article, analysis: Analysis) -> None:
        self.write([NewArticle(article, analysis, (), ())])

    def write(self, items: Sequence[NewArticle | NewCopy]) -> None:
        """Store articles (with their sentence vectors, when given) and link copies, all in
        one transaction, in the given order."""
        if not items:
            return
        with self._write() as conn:
            self.backend.take_write_turn(conn)
            # The new articles first, each statement for all of them (a copy may link to
            # an article of the same batch), then the copies in order.
            _insert_articles(conn, [i for i in items if isinstance(i, NewArticle)],
                             self.backend)
            for item in items:
                if isinstance(item, NewCopy):
                    _insert_copy(conn, item)
            _set_setting(conn, STORIES_STALE, "1")
            _set_setting(conn, LEARNING_PENDING, "1")
            if any(isinstance(i, NewArticle) and i.analysis.sentences and not i.vectors
                   for i in items):
                _set_setting(conn, VECTORS_PENDING, "1")

    def near_candidates(self, band_keys: Sequence[int]) -> list[str]:
        """Stored articles sharing at least one MinHash band with the given keys."""
        if not band_keys:
            return []
        query = sa.select(t.minhash_bands.c.article_id).where(
            t.minhash_bands.c.key.in_(list(band_keys))).distinct()
        with self._engine.connect() as conn:
            return [row.article_id for row in conn.execute(query)]

    def original_texts(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Articles' texts as first stored, before any learned boilerplate was removed."""
        p = t.article_paragraphs.c
        query = sa.select(p.article_id, p.text).where(p.article_id.in_(list(article_ids))
                                                      ).order_by(p.article_id,
                                                                 sa.literal_column(
                                                                     t.stored_order(
                                                                         self._engine.dialect)))
        paragraphs: dict[str, list[str]] = {}
        with self._engine.connect() as conn:
            for row in conn.execute(query):
                paragraphs.setdefault(row.article_id, []).append(row.text)
        texts = {a: "\n".join(ps) for a, ps in paragraphs.items()}
        missing = [a for a in article_ids if a not in texts]
        return {**texts, **self.texts(missing)} if missing else texts

    def texts(self, article_ids: Sequence[str]) -> dict[str, str]:
        query = sa.select(t.articles.c.id, t.articles.c.text).where(
            t.articles.c.id.in_(list(article_ids)))
        with self._engine.connect() as conn:
            return {row.id: row.text for row in conn.execute(query)}

    # -- learned boilerplate ----------------------------------------------------------------

    def outlets(self) -> list[str]:
        with self._engine.connect() as conn:
            return [row.name for row in conn.execute(sa.select(t.sources.c.name)
                                                     .order_by(t.sources.c.name))]

    def learned_shapes(self, outlet: str) -> set[str]:
        query = sa.select(t.boilerplate.c.shape).where(
            t.boilerplate.c.source_id == _source_id(outlet))
        with self._engine.connect() as conn:
            return {row.shape for row in conn.execute(query)}

    def recurring_shapes(self, outlets: Sequence[str], *, min_articles: int) -> list[ShapeSeen]:
        """Paragraph shapes not yet learned that recur in `min_articles` of an outlet's
        articles, with a sample of each occurrence and whether it sat at an edge."""
        ids = {_source_id(o): o for o in outlets}
        p = t.article_paragraphs.c
        counted = sa.select(p.source_id, p.shape).where(p.source_id.in_(list(ids))).group_by(
            p.source_id, p.shape).having(sa.func.count(sa.distinct(p.article_id)) >= min_articles)
        learned = sa.select(t.boilerplate.c.source_id, t.boilerplate.c.shape)
        query = sa.select(p.source_id, p.shape, p.text, p.edge, p.article_id).where(
            sa.tuple_(p.source_id, p.shape).in_(counted.except_(learned).subquery().select())
        ).order_by(p.source_id, p.shape, p.article_id)
        found: dict[tuple[str, str], tuple[list[str], list[bool], set[str]]] = {}
        with self._engine.connect() as conn:
            for row in conn.execute(query):
                samples, edges, seen = found.setdefault((row.source_id, row.shape),
                                                        ([], [], set()))
                if row.article_id not in seen:
                    seen.add(row.article_id)
                    samples.append(row.text)
                    edges.append(bool(row.edge))
        return [ShapeSeen(outlet=ids[source], shape=shape, samples=tuple(samples),
                          edges=tuple(edges))
                for (source, shape), (samples, edges, _) in found.items()]

    def articles_with_shapes(self, outlet: str, shapes: Sequence[str]) -> list[str]:
        p = t.article_paragraphs.c
        query = sa.select(p.article_id).where(
            p.source_id == _source_id(outlet), p.shape.in_(list(shapes))
        ).distinct().order_by(p.article_id)
        with self._engine.connect() as conn:
            return [row.article_id for row in conn.execute(query)]

    def apply_boilerplate(self, learned: Sequence[LearnedBoilerplate],
                          rewrites: Sequence[Rewrite]) -> None:
        """Record learned boilerplate and rewrite the stored articles it occurs in, at once."""
        with self._write() as conn:
            for item in learned:
                conn.execute(t.boilerplate.insert().values(
                    source_id=_source_id(item.outlet), shape=item.shape, sample=item.sample,
                    articles=item.articles))
            _rewrite(conn, rewrites, self.backend)
            _set_setting(conn, LEARNING_PENDING, "0")

    def replace_analyses(self, rewrites: Sequence[Rewrite], *, finished: bool = False) -> None:
        """Store new analyses of stored articles; `finished` clears the mark that a
        re-analysis of the whole store is pending."""
        with self._write() as conn:
            _rewrite(conn, rewrites, self.backend)
            if finished:
                _set_setting(conn, REANALYZE_PENDING, "0")

    # -- feeds ------------------------------------------------------------------------------

    def feed_validators(self, url: str) -> FeedValidators | None:
        query = sa.select(t.feeds).where(t.feeds.c.url == url)
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return FeedValidators(etag=row.etag, last_modified=row.last_modified) if row else None

    def remember_feed(self, url: str, validators: FeedValidators) -> None:
        with self._write() as conn:
            conn.execute(t.feeds.delete().where(t.feeds.c.url == url))
            conn.execute(t.feeds.insert().values(url=url, etag=validators.etag,
                                                 last_modified=validators.last_modified,
                                                 checked_at=_now()))

    def article(self, article_id: str) -> Article:
        query = sa.select(t.articles, t.sources.c.name.label("outlet")).select_from(
            t.articles.outerjoin(t.sources, t.articles.c.source_id == t.sources.c.id)
        ).where(t.articles.c.id == article_id)
        with self._engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            raise NotFoundError(f"no article with id {article_id!r}; `backstory articles` "
                                "lists them", article_id=article_id)
        return Article(
            id=row["id"], text=row["text"], text_hash=row["text_hash"], input=row["input"],
            title=row["title"], outlet=row["outlet"], url=row["url"], author=row["author"],
            published_at=row["published_at"], language=row["language"],
        )

    def article_meta(self, article_ids: Sequence[str]) -> dict[str, ArticleMeta]:
        with self._engine.connect() as conn:
            rows = conn.execute(_meta_query().where(t.articles.c.id.in_(list(article_ids))))
            return {row.id: _meta(row) for row in rows}

    def articles(self, *, limit: int = 100, offset: int = 0) -> list[ArticleMeta]:
        query = _meta_query().order_by(
            t.articles.c.published_at.desc().nulls_last(), t.articles.c.id
        ).limit(limit).offset(offset)
        with self._engine.connect() as conn:
            return [_meta(row) for row in conn.execute(query)]

    def count_articles(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.articles))
                       .scalar_one())

    def copies(self, article_id: str) -> list[ArticleMeta]:
        query = sa.select(
            t.article_copies.c.article_id.label("id"), t.article_copies.c.title,
            t.sources.c.name.label("outlet"), t.article_copies.c.url,
            t.article_copies.c.published_at,
        ).select_from(t.article_copies.outerjoin(
            t.sources, t.article_copies.c.source_id == t.sources.c.id
        )).where(t.article_copies.c.article_id == article_id)
        with self._engine.connect() as conn:
            return [ArticleMeta(id=r.id, title=r.title, outlet=r.outlet, url=r.url,
                                published_at=r.published_at) for r in conn.execute(query)]

    def sentences(self, article_id: str) -> list[Sentence]:
        query = sa.select(t.sentences).where(t.sentences.c.article_id == article_id
                                             ).order_by(t.sentences.c.idx)
        with self._engine.connect() as conn:
            return [_sentence(row) for row in conn.execute(query)]

    def mentions(self, article_id: str) -> list[Mention]:
        with self._engine.connect() as conn:
            return _mentions(conn, [article_id]).get(article_id, [])

    def analysis(self, article_id: str) -> Analysis:
        """The stored analysis of an article: sentences, mentions and every record."""
        found = self.analyses([article_id])
        if article_id not in found:
            raise NotFoundError(f"no article with id {article_id!r}; `backstory articles` "
                                "lists the stored ones", article_id=article_id)
        return found[article_id]

    def analyses(self, article_ids: Sequence[str]) -> dict[str, Analysis]:
        """The stored analyses of several articles (unknown ids are left out), read with
        a handful of queries however many articles are asked for."""
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return {}
        a, s = t.articles.c, t.sentences.c
        with self._engine.connect() as conn:
            known = {row.id for row in conn.execute(sa.select(a.id).where(a.id.in_(ids)))}
            sentences: dict[str, list[Sentence]] = {i: [] for i in ids if i in known}
            query = sa.select(t.sentences).where(s.article_id.in_(list(sentences))
                                                 ).order_by(s.article_id, s.idx)
            for row in conn.execute(query):
                sentences[row.article_id].append(_sentence(row))
            mentions = _mentions(conn, list(sentences), {
                sentence.id: sentence.index for found in sentences.values() for sentence in found})
            records = read_records(conn, sentences)
        return {
            article_id: Analysis(
                article_id=article_id, sentences=tuple(sentences[article_id]),
                mentions=tuple(mentions.get(article_id, ())), roles=roles, quotes=quotes,
                claims=claims, times=times, events=events)
            for article_id, (roles, quotes, claims, times, events) in records.items()
        }

    def entity_aliases(self, name: str) -> list[str]:
        """The other ways articles name an entity ("Beijing", "China's") — all its
        mention texts, without possessives, the canonical name first."""
        query = sa.select(t.mentions.c.text).distinct().select_from(
            t.mentions.join(t.entities, t.mentions.c.entity_id == t.entities.c.id)
        ).where(t.entities.c.name == name)
        with self._engine.connect() as conn:
            texts = {_POSSESSIVE.sub("", _THE.sub("", row.text)).strip()
                     for row in conn.execute(query)}
        return [name, *sorted(texts - {name, ""})]

    def find_entities(self, name: str) -> list[tuple[str, str]]:
        """Entities (name, type) called `name`, as their canonical name or in any mention,
        ignoring case; the most mentioned first."""
        e, m = t.entities.c, t.mentions.c
        folded = name.strip().casefold()
        query = sa.select(e.name, e.type, sa.func.count().label("n")).select_from(
            t.mentions.join(t.entities, m.entity_id == e.id)
        ).where(sa.or_(sa.func.lower(e.name) == folded, sa.func.lower(m.text) == folded)
                ).group_by(e.name, e.type).order_by(sa.desc("n"), e.name)
        with self._engine.connect() as conn:
            return [(row.name, row.type) for row in conn.execute(query)]

    def entity_articles(self, name: str) -> list[str]:
        """Ids of the articles that mention an entity, newest first."""
        query = sa.select(t.articles.c.id).where(t.articles.c.id.in_(
            sa.select(t.mentions.c.article_id).join(
                t.entities, t.mentions.c.entity_id == t.entities.c.id
            ).where(t.entities.c.name == name))
        ).order_by(t.articles.c.published_at.desc().nulls_last(), t.articles.c.id)
        with self._engine.connect() as conn:
            return [row.id for row in conn.execute(query)]

    def roles_of(self, name: str) -> list[tuple[str, str]]:
        """(article id, role) for every role articles give an entity."""
        query = sa.select(t.roles.c.article_id, t.roles.c.role).where(
            t.roles.c.name == name).order_by(t.roles.c.article_id, t.roles.c.start)
        with self._engine.connect() as conn:
            return [(row.article_id, row.role) for row in conn.execute(query)]

    def person_names(self) -> list[str]:
        """The stored people known by more than one word ("Alejandro Mayorkas")."""
        query = sa.select(t.entities.c.name).where(t.entities.c.type == "PERSON",
                                                   t.entities.c.name.contains(" "))
        with self._engine.connect() as conn:
            return [row.name for row in conn.execute(query)]

    def article_features(self, *, lead_sentences: int = 0) -> Iterator[ArticleFeatures]:
        """What story clustering reads of every article, with the stored vectors of its
        first `lead_sentences` sentences."""
        names: dict[str, list[str]] = {}
        entity_query = sa.select(t.mentions.c.article_id, t.entities.c.name).select_from(
            t.mentions.join(t.entities, t.mentions.c.entity_id == t.entities.c.id)
        ).where(t.entities.c.type.in_(_STORY_ENTITY_TYPES))
        query = sa.select(*_meta_columns(), t.articles.c.text).select_from(_meta_from()
                                                                           ).order_by(t.articles.c.id)
        with self._engine.connect() as conn:
            for article_id, name in conn.execute(entity_query):
                names.setdefault(article_id, []).append(name)
            leads = _lead_vectors(conn, None, lead_sentences)
            for row in conn.execute(query):
                yield ArticleFeatures(meta=_meta(row), text=row.text,
                                      entities=tuple(names.get(row.id, ())),
                                      lead_vectors=leads.get(row.id, ()))

    # -- search -----------------------------------------------------------------------------

    def search_sentences(self, terms: Sequence[str], *, limit: int = 50,
                         match_all: bool = False, with_any: Sequence[str] = ()
                         ) -> list[SentenceHit]:
        """Sentences holding any of the terms (all of them when `match_all`) and, if
        `with_any` is given, at least one of its terms too; best first by BM25 (SQLite) or
        by the IDF of the terms they hold (PostgreSQL) over all the terms; score: higher
        is better. See `rank_sentences`."""
        ranked = self.rank_sentences(terms, limit=limit, match_all=match_all,
                                     with_any=with_any)
        return self.sentence_hits([pk for pk, _ in ranked], scores=dict(ranked))

    def rank_sentences(self, terms: Sequence[str], *, limit: int = 50,
                       match_all: bool = False, with_any: Sequence[str] = ()
                       ) -> list[tuple[int, float]]:
        """(pk, score) of the sentences `search_sentences` finds, best first, without
        reading them. A term of several words ("O'Brien") is matched as a phrase. When
        more than `max_ranked` sentences may match, only the newest `max_ranked` matches
        are ranked, which bounds the time a query of common words takes."""
        phrases = sorted({p for p in map(fts_phrase, terms) if p})
        others = sorted({p for p in map(fts_phrase, with_any) if p} - set(phrases))
        if not phrases:
            return []
        # Counts are cached, and asking a question has just counted its words.
        total, counts = self.sentence_frequencies([*phrases, *others])
        sizes = [counts.get(phrase, 0) for phrase in phrases]
        most = min(sizes) if match_all else sum(sizes)  # at most this many match
        idf: dict[str, float] = {}
        if self.backend.needs_idf:
            idf = {phrase: math.log(1 + (total - n + 0.5) / (n + 0.5))
                   for phrase, n in counts.items()}
        with self._engine.connect() as conn:
            return self.backend.ranked_sentences(
                conn, phrases, limit=limit, match_all=match_all, with_any=others,
                max_ranked=self.max_ranked if most > self.max_ranked else None, idf=idf)

    def sentence_frequencies(self, tokens: Sequence[str]) -> tuple[int, dict[str, int]]:
        """The number of sentences, and for each token (or phrase of several) the number
        of sentences holding it."""
        counts: dict[str, int] = {}
        with self._engine.connect() as conn:
            # The highest pk stands for the count (ids are never reused): exact enough for
            # IDF weights, and constant-time where count(*) scans the table.
            total = int(conn.execute(sa.select(sa.func.max(t.sentences.c.pk))).scalar() or 0)
            for token in tokens:
                phrase = fts_phrase(token)
                if not phrase:
                    continue
                cached = self._frequencies.get(phrase)
                # A count stays good while the store has grown by less than 1%.
                if cached is not None and total <= cached[1] * 1.01:
                    counts[token] = cached[0]
                    continue
                counts[token] = self.backend.sentences_holding(conn, phrase)
                if len(self._frequencies) >= _FREQUENCY_CACHE:
                    self._frequencies.clear()
                self._frequencies[phrase] = (counts[token], total)
        return total, counts

    def article_sentences(self, article_ids: Sequence[str]) -> list[SentenceHit]:
        with self._engine.connect() as conn:
            hits = self._hits(conn, t.sentences.c.article_id.in_(list(article_ids)), {})
        return sorted(hits.values(), key=lambda hit: (hit.article.id, hit.sentence.index))

    def sentence_hits(self, sentence_pks: Sequence[int], *,
                      scores: Mapping[int, float] | None = None) -> list[SentenceHit]:
        """The sentences with these pks (vector index keys, or ranked by full text), in
        the given order, each with its score if `scores` holds one; pks no longer stored
        are left out."""
        with self._engine.connect() as conn:
            hits = self._hits(conn, t.sentences.c.pk.in_(list(sentence_pks)), scores or {})
        return [hits[pk] for pk in sentence_pks if pk in hits]

    # -- sentence vectors -------------------------------------------------------------------

    def nearest_sentences(self, query: Sequence[float], *, limit: int
                          ) -> list[tuple[int, float]]:
        raise StoreError(f"{self.shown_url} does not search vectors itself; the vector index "
                         "beside it does (backstory.search.SentenceVectorIndex)",
                         url=self.shown_url)

    def count_vectors(self) -> int:
        """How many sentence vectors are stored."""
        with self._engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.sentence_vectors)
                                    ).scalar_one())

    def vectors_of(self, sentence_ids: Sequence[str]) -> dict[str, bytes]:
        """The stored vectors of these sentences (by sentence id); those without are left out."""
        v, s = t.sentence_vectors.c, t.sentences.c
        query = sa.select(s.id, v.vector).select_from(
            t.sentence_vectors.join(t.sentences, v.sentence_pk == s.pk)
        ).where(s.id.in_(list(sentence_ids)))
        with self._engine.connect() as conn:
            return {row.id: row.vector for row in conn.execute(query)}

    def vector_changes(self, *, after_vector: int, after_removal: int, limit: int
                       ) -> VectorChanges:
        """Up to `limit` vectors stored after row `after_vector`, and every removal after
        `after_removal`, in one read."""
        v, r = t.sentence_vectors.c, t.vector_removals.c
        with self._engine.connect() as conn:
            uid = conn.execute(sa.select(t.settings_kv.c.value).where(
                t.settings_kv.c.key == _VECTORS_UID)).scalar() or ""
            added = [(row.id, row.sentence_pk, row.vector) for row in conn.execute(
                sa.select(v.id, v.sentence_pk, v.vector).where(v.id > after_vector)
                .order_by(v.id).limit(limit))]
            removed = [(row.id, row.sentence_pk) for row in conn.execute(
                sa.select(r.id, r.sentence_pk).where(r.id > after_removal).order_by(r.id))]
        return VectorChanges(uid=uid, added=added, removed=removed)

    def sentences_without_vectors(self, *, after_pk: int, limit: int) -> list[tuple[int, str]]:
        """(pk, text) of up to `limit` sentences past `after_pk` that have no vector yet."""
        s, v = t.sentences.c, t.sentence_vectors.c
        query = sa.select(s.pk, s.text).where(
            s.pk > after_pk, ~sa.exists().where(v.sentence_pk == s.pk)
        ).order_by(s.pk).limit(limit)
        with self._engine.connect() as conn:
            return [(row.pk, row.text) for row in conn.execute(query)]

    def add_vectors(self, vectors: Sequence[tuple[int, bytes]], *, finished: bool) -> None:
        """Store vectors of stored sentences, (pk, bytes) each, skipping sentences deleted
        meanwhile; `finished` clears the mark that sentences are waiting for vectors."""
        with self._write() as conn:
            if vectors:
                pks = [pk for pk, _ in vectors]
                live = {row.pk for row in conn.execute(
                    sa.select(t.sentences.c.pk).where(t.sentences.c.pk.in_(pks)))}
                rows = [{"sentence_pk": pk, "vector": _checked_vector(blob)}
                        for pk, blob in vectors if pk in live]
                if rows:
                    table, values = self.backend.vector_rows(rows)
                    conn.execute(insert_or_skip(conn, table), values)
            if finished:
                _set_setting(conn, VECTORS_PENDING, "0")

    @staticmethod
    def _hits(conn: Connection, where: Any, scores: Mapping[int, float]
              ) -> dict[int, SentenceHit]:
        """The sentences matching `where` with their articles, by pk."""
        query = sa.select(t.sentences, *_meta_columns(prefix="a_")).select_from(
            t.sentences.join(_meta_from(), t.sentences.c.article_id == t.articles.c.id)
        ).where(where)
        return {
            row.pk: SentenceHit(
                sentence=_sentence(row),
                article=ArticleMeta(id=row.a_id, title=row.a_title, outlet=row.a_outlet,
                                    url=row.a_url, published_at=row.a_published_at,
                                    author=row.a_author, language=row.a_language),
                score=scores.get(row.pk, 0.0),
            )
            for row in conn.execute(query)
        }

    # -- stories ----------------------------------------------------------------------------

    def replace_stories(self, stories: Sequence[Story]) -> None:
        """Replace all stories; the store no longer needs its stories rebuilt."""
        with self._write() as conn:
            _set_setting(conn, STORIES_STALE, "0")
            conn.execute(t.story_articles.delete())
            conn.execute(t.stories.delete())
            if stories:
                conn.execute(t.stories.insert(), [
                    {"id": s.id, "title": s.title, "first_seen": s.first_seen,
                     "last_seen": s.last_seen} for s in stories
                ])
                conn.execute(t.story_articles.insert(), [
                    {"story_id": s.id, "article_id": a} for s in stories for a in s.article_ids
                ])

    def stories(self) -> list[Story]:
        return self._stories(None)

    def story(self, story_id: str) -> Story:
        found = self._stories(story_id)
        if not found:
            raise NotFoundError(f"no story with id {story_id!r}; `backstory stories` lists "
                                "them", story_id=story_id)
        return found[0]

    def _stories(self, story_id: str | None) -> list[Story]:
        query = sa.select(t.stories, t.story_articles.c.article_id).select_from(
            t.stories.join(t.story_articles, t.stories.c.id == t.story_articles.c.story_id)
            .join(t.articles, t.articles.c.id == t.story_articles.c.article_id)
        ).order_by(t.articles.c.published_at.nulls_last(), t.articles.c.id)
        if story_id is not None:
            query = query.where(t.stories.c.id == story_id)
        grouped: dict[str, tuple[Row[Any], list[str]]] = {}
        with self._engine.connect() as conn:
            for row in conn.execute(query):
                grouped.setdefault(row.id, (row, []))[1].append(row.article_id)
        stories = [Story(id=row.id, title=row.title, article_ids=tuple(ids),
                         first_seen=row.first_seen, last_seen=row.last_seen)
                   for row, ids in grouped.values()]
        # Most covered first, then most recent.
        stories.sort(key=lambda s: s.last_seen or "", reverse=True)
        stories.sort(key=lambda s: len(s.article_ids), reverse=True)
        return stories

    @contextmanager
    def story_index(self) -> Iterator[story_index.SQLStoryIndex]:
        """The story index inside one transaction: all it writes commits, or nothing."""
        with self._write() as conn:
            yield story_index.SQLStoryIndex(conn)

    def story_features(self, article_ids: Sequence[str], *, lead_sentences: int = 0
                       ) -> list[ArticleFeatures]:
        """What story clustering reads of the given articles, in the given order, with the
        stored vectors of their first `lead_sentences` sentences."""
        names: dict[str, list[str]] = {}
        entity_query = sa.select(t.mentions.c.article_id, t.entities.c.name).select_from(
            t.mentions.join(t.entities, t.mentions.c.entity_id == t.entities.c.id)
        ).where(t.entities.c.type.in_(_STORY_ENTITY_TYPES),
                t.mentions.c.article_id.in_(list(article_ids))).order_by(t.mentions.c.start)
        query = sa.select(*_meta_columns(), t.articles.c.text).select_from(_meta_from()
                                                                           ).where(
            t.articles.c.id.in_(list(article_ids)))
        with self._engine.connect() as conn:
            for article_id, name in conn.execute(entity_query):
                names.setdefault(article_id, []).append(name)
            leads = _lead_vectors(conn, article_ids, lead_sentences)
            found = {row.id: ArticleFeatures(meta=_meta(row), text=row.text,
                                             entities=tuple(names.get(row.id, ())),
                                             lead_vectors=leads.get(row.id, ()))
                     for row in conn.execute(query)}
        return [found[a] for a in article_ids if a in found]

    def articles_to_count(self, *, limit: int) -> list[str]:
        with self._engine.connect() as conn:
            return story_index.articles_to_count(conn, limit=limit)

    def articles_to_assign(self, *, limit: int, by_date: bool) -> list[str]:
        with self._engine.connect() as conn:
            return story_index.articles_to_assign(conn, limit=limit, by_date=by_date)

    def clear_story_index(self, *, rebuilding: bool) -> None:
        """Delete every story and the story index; `rebuilding` marks a full rebuild as
        started (`finish_stories` clears the mark)."""
        with self._write() as conn:
            story_index.clear(conn)
            _set_setting(conn, story_index.STORIES_REBUILD, "1" if rebuilding else "0")

    def finish_stories(self) -> None:
        """Every stored article is in a story: nothing is stale or half rebuilt."""
        with self._write() as conn:
            _set_setting(conn, story_index.STORIES_REBUILD, "0")
            _set_setting(conn, STORIES_STALE, "0")

    # -- settings ---------------------------------------------------------------------------

    def get_setting(self, key: str) -> str | None:
        with self._engine.connect() as conn:
            return conn.execute(sa.select(t.settings_kv.c.value)
                                .where(t.settings_kv.c.key == key)).scalar()

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as conn:
            _set_setting(conn, key, value)

    # -- internals --------------------------------------------------------------------------

    def _write(self) -> Any:
        """A transaction that commits on success and rolls back on any error."""
        return Transaction(self._engine, self.shown_url)


class Transaction:
    """`engine.begin()` that turns database errors into `StoreError`."""

    def __init__(self, engine: Engine, url: str) -> None:
        self._context = engine.begin()
        self._url = url

    def __enter__(self) -> Connection:
        return self._context.__enter__()

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self._context.__exit__(exc_type, exc, tb)
        if isinstance(exc, SQLAlchemyError):
            raise StoreError(f"cannot write to {self._url}: {getattr(exc, 'orig', exc)}",
                             url=self._url) from exc


def fts_phrase(term: str) -> str:
    """A search term as the full-text index holds it: its words, lowercased, one space
    apart ("CrowdStrike's" -> "crowdstrike s"); empty when it has no word."""
    return " ".join(FTS_TOKEN.findall(term.lower()))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _stable_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _set_setting(conn: Connection, key: str, value: str) -> None:
    conn.execute(t.settings_kv.delete().where(t.settings_kv.c.key == key))
    conn.execute(t.settings_kv.insert().values(key=key, value=value))


def _source_id(outlet: str) -> str:
    return _stable_id("source", outlet)


def insert_or_skip(conn: Connection, table: sa.Table) -> Any:
    """An INSERT that skips rows whose key is already stored, in the connection's dialect."""
    insert = sqlite_insert if conn.dialect.name == "sqlite" else postgresql_insert
    return insert(table).on_conflict_do_nothing()


def _insert_articles(conn: Connection, items: Sequence[NewArticle], backend: BackendSQL
                     ) -> None:
    """Insert new articles with their analyses, vectors and paragraph records, one
    statement per table for all of them, in the given order."""
    a = t.articles.c
    stored = conn.execute(sa.select(a.id, a.text_hash).where(sa.or_(
        a.id.in_([i.article.id for i in items]),
        a.text_hash.in_([i.article.text_hash for i in items])))).all() if items else []
    if stored:
        # Already stored (by another writer since this one looked): writes are idempotent.
        known = {value for row in stored for value in row}
        LOGGER.debug("%d article(s) already stored; skipped", len(stored))
        items = [i for i in items
                 if i.article.id not in known and i.article.text_hash not in known]
    if not items:
        return
    # One source row per outlet, its domain from the first article that names it.
    first_url: dict[str | None, str | None] = {}
    for item in items:
        first_url.setdefault(item.article.outlet, item.article.url)
    sources = {outlet: _ensure_source(conn, outlet, url) for outlet, url in first_url.items()}
    now = _now()
    conn.execute(t.articles.insert(), [
        {"id": article.id, "source_id": sources[article.outlet], "url": article.url,
         "title": article.title, "author": article.author,
         "published_at": article.published_at, "language": article.language,
         "text": article.text, "text_hash": article.text_hash, "input": article.input,
         "ingested_at": now}
        for article in (i.article for i in items)])
    _insert_analyses(conn, [(i.article.id, i.analysis, i.band_keys) for i in items], backend)
    with_vectors = [i for i in items if i.vectors]
    if with_vectors:
        _insert_vectors(conn, with_vectors, backend)
    paragraphs = [{"article_id": i.article.id, "source_id": sources[i.article.outlet],
                   "shape": p.shape, "edge": p.edge, "text": p.text}
                  for i in items if sources[i.article.outlet] is not None
                  for p in i.paragraphs]
    if paragraphs:
        conn.execute(t.article_paragraphs.insert(), paragraphs)


def _insert_analyses(conn: Connection,
                     analyses: Sequence[tuple[str, Analysis, Sequence[int]]],
                     backend: BackendSQL) -> None:
    """Insert the analyses (article id, analysis, MinHash band keys) of stored articles."""
    sentences = [{"id": s.id, "article_id": s.article_id, "idx": s.index, "start": s.start,
                  "end": s.end, "text": s.text}
                 for _, analysis, _ in analyses for s in analysis.sentences]
    if sentences:
        conn.execute(t.sentences.insert(), sentences)
    backend.index_sentences(conn, [article_id for article_id, _, _ in analyses])
    entities = {(m.name, m.type) for _, analysis, _ in analyses for m in analysis.mentions}
    if entities:
        conn.execute(insert_or_skip(conn, t.entities), [
            {"id": _entity_id(name, type_), "name": name, "type": type_}
            for name, type_ in sorted(entities)
        ])
    mentions = [
        {"entity_id": _entity_id(m.name, m.type), "article_id": article_id,
         "sentence_id": analysis.sentences[m.sentence_index].id,
         "start": m.start, "end": m.end, "text": m.text}
        for article_id, analysis, _ in analyses for m in analysis.mentions
    ]
    if mentions:
        conn.execute(t.mentions.insert(), mentions)
    insert_records(conn, [(article_id, analysis) for article_id, analysis, _ in analyses])
    bands = [{"key": key, "article_id": article_id}
             for article_id, _, band_keys in analyses for key in set(band_keys)]
    if bands:
        conn.execute(t.minhash_bands.insert(), bands)


def _insert_vectors(conn: Connection, items: Sequence[NewArticle], backend: BackendSQL
                    ) -> None:
    for item in items:
        if len(item.vectors) != len(item.analysis.sentences):
            raise StoreError(f"article {item.article.id} has {len(item.analysis.sentences)} "
                             f"sentences but {len(item.vectors)} vectors",
                             article_id=item.article.id)
    s = t.sentences.c
    pks = {(row.article_id, row.idx): row.pk for row in conn.execute(
        sa.select(s.article_id, s.idx, s.pk).where(
            s.article_id.in_([i.article.id for i in items])))}
    table, rows = backend.vector_rows([
        {"sentence_pk": pks[item.article.id, sentence.index], "vector": _checked_vector(blob)}
        for item in items
        for sentence, blob in zip(item.analysis.sentences, item.vectors, strict=True)
    ])
    conn.execute(table.insert(), rows)


def _checked_vector(blob: bytes) -> bytes:
    if len(blob) != t.VECTOR_BYTES:
        raise StoreError(f"a sentence vector must be {t.VECTOR_BYTES} bytes, not {len(blob)}",
                         length=len(blob))
    return blob


def _rewrite(conn: Connection, rewrites: Sequence[Rewrite], backend: BackendSQL) -> None:
    for rewrite in rewrites:
        _delete_analysis(conn, rewrite.article_id, backend)
        conn.execute(t.articles.update().where(t.articles.c.id == rewrite.article_id)
                     .values(text=rewrite.text))
        # MinHash bands stay those of the text as first read (see the planner).
        _insert_analyses(conn, [(rewrite.article_id, rewrite.analysis, ())], backend)
    if rewrites:
        conn.execute(t.entities.delete().where(~sa.exists().where(
            t.mentions.c.entity_id == t.entities.c.id)))
        _set_setting(conn, STORIES_STALE, "1")
        _set_setting(conn, VECTORS_PENDING, "1")  # the new sentences have no vectors yet


def _delete_analysis(conn: Connection, article_id: str, backend: BackendSQL) -> None:
    backend.unindex_sentences(conn, article_id)
    delete_records(conn, article_id)
    for table in (t.mentions, t.sentences):
        conn.execute(table.delete().where(table.c.article_id == article_id))


def _insert_copy(conn: Connection, item: NewCopy) -> None:
    copy = item.copy
    original = conn.execute(sa.select(t.articles.c.input, t.articles.c.url,
                                      t.articles.c.source_id)
                            .where(t.articles.c.id == item.original_id)).first()
    if original is not None and (original.input, original.url) == (copy.input, copy.url) \
            and original.source_id == (_source_id(copy.outlet) if copy.outlet else None):
        return  # the same input read again: not a copy, just already stored
    source_id = _ensure_source(conn, copy.outlet, copy.url)
    c = t.article_copies.c
    exists = conn.execute(sa.select(sa.literal(1)).where(
        c.article_id == item.original_id,
        c.source_id.is_(None) if source_id is None else c.source_id == source_id,
        c.url.is_(None) if copy.url is None else c.url == copy.url,
        c.input == copy.input,
    )).first()
    if not exists:
        conn.execute(t.article_copies.insert().values(
            article_id=item.original_id, source_id=source_id, url=copy.url, title=copy.title,
            published_at=copy.published_at, input=copy.input, seen_at=_now(),
            similarity=round(item.similarity, 4),
        ))


def _ensure_source(conn: Connection, outlet: str | None, url: str | None) -> str | None:
    if not outlet:
        return None
    source_id = _source_id(outlet)
    domain = urlsplit(url).hostname if url else None
    conn.execute(insert_or_skip(conn, t.sources),
                 {"id": source_id, "name": outlet, "domain": domain})
    return source_id


def _entity_id(name: str, type_: str) -> str:
    return _stable_id("entity", type_, name)


def _lead_vectors(conn: Connection, article_ids: Sequence[str] | None, lead_sentences: int
                  ) -> dict[str, tuple[bytes, ...]]:
    """The stored vectors of the first `lead_sentences` sentences of these articles (all
    articles for None), in sentence order; articles without vectors are left out."""
    if lead_sentences <= 0:
        return {}
    s, v = t.sentences.c, t.sentence_vectors.c
    query = sa.select(s.article_id, v.vector).select_from(
        t.sentence_vectors.join(t.sentences, v.sentence_pk == s.pk)
    ).where(s.idx < lead_sentences).order_by(s.article_id, s.idx)
    if article_ids is not None:
        query = query.where(s.article_id.in_(list(article_ids)))
    found: dict[str, list[bytes]] = {}
    for article_id, vector in conn.execute(query):
        found.setdefault(article_id, []).append(bytes(vector))
    return {article_id: tuple(vectors) for article_id, vectors in found.items()}


def _meta_columns(prefix: str = "") -> list[Any]:
    a = t.articles.c
    return [a.id.label(f"{prefix}id"), a.title.label(f"{prefix}title"),
            t.sources.c.name.label(f"{prefix}outlet"), a.url.label(f"{prefix}url"),
            a.published_at.label(f"{prefix}published_at"), a.author.label(f"{prefix}author"),
            a.language.label(f"{prefix}language")]


def _meta_from() -> Any:
    return t.articles.outerjoin(t.sources, t.articles.c.source_id == t.sources.c.id)


def _meta_query() -> sa.Select[Any]:
    return sa.select(*_meta_columns()).select_from(_meta_from())


def _meta(row: Any) -> ArticleMeta:
    return ArticleMeta(id=row.id, title=row.title, outlet=row.outlet, url=row.url,
                       published_at=row.published_at, author=row.author, language=row.language)


def _mentions(conn: Connection, article_ids: Sequence[str],
              sentence_index: Mapping[str, int] | None = None) -> dict[str, list[Mention]]:
    """The entity mentions of several articles, by article, in text order. A caller that
    has read the articles' sentences passes their indexes by sentence id, which spares a
    join (a lookup per mention)."""
    m = t.mentions.c
    joined = t.mentions.join(t.entities, m.entity_id == t.entities.c.id)
    if sentence_index is None:
        joined = joined.join(t.sentences, m.sentence_id == t.sentences.c.id)
    query = sa.select(
        m.article_id, t.entities.c.name, t.entities.c.type,
        m.sentence_id if sentence_index is not None else t.sentences.c.idx,
        m.start, m.end, m.text,
    ).select_from(joined).where(m.article_id.in_(list(article_ids))
                                ).order_by(m.article_id, m.start)
    found: dict[str, list[Mention]] = {}
    for article_id, name, type_, sentence, start, end, text in conn.execute(query):
        found.setdefault(article_id, []).append(Mention(
            name=name, type=type_,
            sentence_index=sentence if sentence_index is None else sentence_index[sentence],
            start=start, end=end, text=text))
    return found


def _sentence(row: Any) -> Sentence:
    return Sentence(id=row.id, article_id=row.article_id, index=row.idx, start=row.start,
                    end=row.end, text=row.text)
