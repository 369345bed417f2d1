"""Dense retrieval end to end: vectors stored at ingest, the index file beside the database,
fused search finding a paraphrase, and stores made before vectors existed back-filled."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from backstory.config import Settings
from backstory.errors import ConfigError
from backstory.models import ArticleMeta, Sentence, SentenceHit
from backstory.pipeline import Desk
from backstory.search import (
    SentenceEncoder,
    SentenceVectorIndex,
    fuse,
    index_path_for,
    query_terms,
    search_sentences,
)
from backstory.store import open_store
from tests.conftest import sql_count, sql_rows

ARTICLES = [
    {"title": "Minister steps down", "outlet": "Daily Ledger", "published_at": "2024-03-01",
     "text": "The cabinet minister resigned after the corruption scandal. "
             "Opposition parties welcomed the news on Friday."},
    {"title": "Harvest report", "outlet": "Farm Weekly", "published_at": "2024-03-02",
     "text": "Wheat farmers expect a record harvest this year. "
             "Government inspectors visited several farms in the north."},
    {"title": "Cup final", "outlet": "Sports Desk", "published_at": "2024-03-03",
     "text": "The home team won the cup final in extra time. "
             "Their coach praised the job his players did."},
]
# Shares no word with "The cabinet minister resigned after the corruption scandal."
PARAPHRASE_QUESTION = "Why did a government official quit his job?"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n")
    return path


@pytest.fixture
def ingested(db_path: str, corpus: Path, encoder: SentenceEncoder) -> Iterator[Desk]:
    with Desk(Settings(db=db_path, sentence_vectors=True)) as desk:
        desk.ingest([str(corpus)])
        yield desk


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    """An SQLite store: only SQLite keeps its vector index in a file beside it."""
    return tmp_path / "vectors.db"


@pytest.fixture
def ingested_file(sqlite_file: Path, corpus: Path, encoder: SentenceEncoder
                  ) -> Iterator[Desk]:
    with Desk(Settings(db=str(sqlite_file), sentence_vectors=True)) as desk:
        desk.ingest([str(corpus)])
        yield desk


_count = sql_count


def test_ingest_stores_a_vector_for_every_sentence(ingested: Desk, db_path: str) -> None:
    sentences = _count(db_path, "SELECT count(*) FROM sentences")
    assert sentences == 6
    assert _count(db_path, "SELECT count(*) FROM sentence_vectors") == sentences
    assert ingested.store.get_setting("vectors_pending") in (None, "0")


def test_the_index_is_saved_beside_the_database_and_reloaded(ingested_file: Desk,
                                                               sqlite_file: Path,
                                                               encoder: SentenceEncoder) -> None:
    ingested, db_path = ingested_file, sqlite_file
    path = Path(str(db_path) + ".usearch")
    assert path.exists()
    assert json.loads(Path(str(path) + ".json").read_text())["count"] == 6
    query = encoder.encode_one("a politician left office")
    before = ingested.vectors.search(query, limit=3)
    store = open_store(f"sqlite:///{db_path}")
    try:
        reloaded = SentenceVectorIndex(store, path).search(query, limit=3)
        path.unlink()  # a missing file is rebuilt from the store's vectors
        rebuilt = SentenceVectorIndex(store, path).search(query, limit=3)
    finally:
        store.close()
    assert [m.sentence_pk for m in reloaded] == [m.sentence_pk for m in before]
    assert [m.sentence_pk for m in rebuilt] == [m.sentence_pk for m in before]
    assert before[0].similarity > 0.3


def test_an_index_file_of_another_database_is_not_trusted(ingested_file: Desk,
                                                         sqlite_file: Path,
                                                         tmp_path: Path) -> None:
    other = Desk(Settings(db=str(tmp_path / "other.db")))
    try:
        index = Path(str(sqlite_file) + ".usearch")
        for suffix in ("", ".json"):  # the other store's (empty) index takes the file's place
            Path(str(tmp_path / "other.db.usearch") + suffix).write_bytes(
                Path(str(index) + suffix).read_bytes())
        assert other.vectors.sync() == 0
    finally:
        other.close()


def test_fused_search_finds_a_paraphrase_that_shares_no_word(ingested: Desk) -> None:
    terms = query_terms(ingested.store, PARAPHRASE_QUESTION)
    target = "The cabinet minister resigned after the corruption scandal."
    lexical = [hit.sentence.text for hit in search_sentences(ingested.store, terms, limit=10)]
    assert target not in lexical
    fused = ingested.searcher.search(PARAPHRASE_QUESTION, terms, limit=10)
    assert target in [hit.sentence.text for hit in fused[:3]]
    assert _most_similar(fused) == target


def test_hybrid_retrieval_answers_a_paraphrased_question(db_path: str, corpus: Path,
                                                         encoder: SentenceEncoder) -> None:
    with Desk(Settings(db=db_path, retrieval="hybrid")) as desk:
        desk.ingest([str(corpus)])
        answer = desk.ask(PARAPHRASE_QUESTION)
    assert not answer.abstained
    assert "corruption scandal" in answer.citations[0].sentence


def test_a_store_made_before_vectors_is_back_filled(ingested: Desk, db_path: str,
                                                    tmp_path: Path) -> None:
    ingested.close()
    _downgrade_to_before_vectors(db_path)
    assert _count(db_path, "SELECT count(*) FROM sentences") == 6
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"title": "Bridge opens", "outlet": "City News",
                                "text": "A new bridge opened to traffic on Monday."}) + "\n")
    with Desk(Settings(db=str(db_path), sentence_vectors=True)) as desk:
        assert desk.store.get_setting("vectors_pending") == "1"
        desk.ingest([str(more)])
        assert desk.store.get_setting("vectors_pending") == "0"
        terms = query_terms(desk.store, PARAPHRASE_QUESTION)
        fused = desk.searcher.search(PARAPHRASE_QUESTION, terms, limit=5)
    assert _count(db_path, "SELECT count(*) FROM sentence_vectors") == 7
    assert _most_similar(fused).startswith("The cabinet minister resigned")


def test_vectors_switched_off_are_back_filled_when_switched_on(db_path: str, corpus: Path,
                                                              encoder: SentenceEncoder) -> None:
    db = db_path
    with Desk(Settings(db=str(db), sentence_vectors=False)) as desk:
        desk.ingest([str(corpus)])
    assert _count(db, "SELECT count(*) FROM sentence_vectors") == 0
    with Desk(Settings(db=str(db), sentence_vectors=True)) as desk:
        assert desk.embed_pending() == 6
    assert _count(db, "SELECT count(*) FROM sentence_vectors") == 6
    with pytest.raises(ConfigError, match="sentence vectors"):
        Settings(retrieval="hybrid", sentence_vectors=False)


def test_rewritten_articles_get_new_vectors(ingested: Desk, db_path: str) -> None:
    assert ingested.reanalyze() == 3
    assert _count(db_path, "SELECT count(*) FROM sentence_vectors") == 6
    assert _count(db_path, "SELECT count(*) FROM vector_removals") == 6
    assert ingested.vectors.sync() == 6
    terms = query_terms(ingested.store, PARAPHRASE_QUESTION)
    fused = ingested.searcher.search(PARAPHRASE_QUESTION, terms, limit=3)
    assert _most_similar(fused).startswith("The cabinet minister resigned")


def test_an_in_memory_database_keeps_its_index_in_memory() -> None:
    assert index_path_for("sqlite:///:memory:") is None
    assert index_path_for("sqlite://") is None
    assert index_path_for("sqlite:////data/news.db") == Path("/data/news.db.usearch")


def test_reciprocal_rank_fusion_rewards_agreement() -> None:
    a, b, c = (_hit(name) for name in "abc")
    fused = fuse([[a, b], [c, b]], limit=3)
    assert [hit.sentence.id for hit in fused] == ["b", "a", "c"]
    assert fused[0].score == pytest.approx(1 / 62 + 1 / 62)


def test_an_unknown_retrieval_setting_is_refused() -> None:
    with pytest.raises(ConfigError, match="retrieval"):
        Settings(retrieval="dense")


def _most_similar(hits: list[SentenceHit]) -> str:
    assert all(hit.similarity is not None for hit in hits)
    return max(hits, key=lambda hit: hit.similarity or 0.0).sentence.text


def _hit(sentence_id: str) -> SentenceHit:
    return SentenceHit(sentence=Sentence(id=sentence_id, article_id="x", index=0, start=0,
                                         end=1, text=sentence_id),
                       article=ArticleMeta(id="x", title=None, outlet=None, url=None,
                                           published_at=None),
                       score=0.0)


def _downgrade_to_before_vectors(db: str) -> None:
    """Make the database what a store of the previous schema version looked like."""
    # The removal trigger goes with its table.
    for statement in ("DROP TABLE sentence_vectors", "DROP TABLE vector_removals",
                      # Migration 6 added sentence vectors; later ones (7: story vectors,
                      # 9: story embeddings) go with it.
                      "DROP TABLE story_vectors", "DROP TABLE story_embeddings",
                      "DROP TABLE story_article_embeddings",
                      "DELETE FROM schema_migrations WHERE version >= 6"):
        sql_rows(db, statement)
    sql_rows(db, "DELETE FROM settings_kv WHERE key LIKE 'vectors_%'")
    for suffix in (".usearch", ".usearch.json"):
        Path(str(db) + suffix).unlink(missing_ok=True)  # SQLite's index file


def test_vectors_are_off_by_default_and_on_for_hybrid() -> None:
    assert not Settings().embeds
    assert Settings(retrieval="hybrid").embeds
    assert Settings(sentence_vectors=True).embeds
