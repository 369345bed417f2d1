"""The SQLite store: WAL, migrations, FTS5 search and atomic writes, on a real file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from backstory.errors import NotFoundError, StoreError
from backstory.models import Analysis, Article, Mention, Sentence
from backstory.store import SQLiteStore
from backstory.store.schema import MIGRATIONS


def _article(text: str = "The harbour reopened on Friday. Crews repaired the gates.") -> Article:
    return Article.create(text, input="test", outlet="Test Gazette", title="Harbour reopens",
                          published_at="2025-03-07")


def _analysis(article: Article) -> Analysis:
    first = article.text.index(".") + 1
    sentences = (
        Sentence(f"{article.id}:0", article.id, 0, 0, first, article.text[:first]),
        Sentence(f"{article.id}:1", article.id, 1, first + 1, len(article.text),
                 article.text[first + 1:]),
    )
    mention = Mention("Friday", "DATE", 0, article.text.index("Friday"),
                      article.text.index("Friday") + 6, "Friday")
    return Analysis(article.id, sentences, (mention,))


@pytest.fixture
def store(db_path: Path) -> SQLiteStore:
    return SQLiteStore(f"sqlite:///{db_path}")


def test_the_file_is_in_wal_mode_at_the_latest_schema(store: SQLiteStore, db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("SELECT max(version) FROM schema_migrations").fetchone() == (
            len(MIGRATIONS),)


def test_reopening_does_not_migrate_twice(store: SQLiteStore, db_path: Path) -> None:
    store.add_article(_article(), _analysis(_article()))
    store.close()
    reopened = SQLiteStore(f"sqlite:///{db_path}")
    assert reopened.count_articles() == 1
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone() == (
            len(MIGRATIONS),)


def test_full_text_search_stems_and_ranks(store: SQLiteStore) -> None:
    article = _article()
    store.add_article(article, _analysis(article))
    hits = store.search_sentences(["repairing", "gate"])
    assert [h.sentence.text for h in hits] == ["Crews repaired the gates."]
    assert hits[0].article.outlet == "Test Gazette"
    assert hits[0].score > 0


def test_a_failed_write_leaves_nothing_behind(store: SQLiteStore) -> None:
    article = _article()
    analysis = _analysis(article)
    broken = Analysis(article.id, (*analysis.sentences, analysis.sentences[0]), ())
    with pytest.raises(StoreError):
        store.add_article(article, broken)  # the repeated sentence id violates uniqueness
    assert store.count_articles() == 0
    assert store.search_sentences(["harbour"]) == []
    store.add_article(article, analysis)
    assert store.count_articles() == 1


def test_unknown_ids_raise_not_found(store: SQLiteStore) -> None:
    with pytest.raises(NotFoundError):
        store.article("nope")
    with pytest.raises(NotFoundError):
        store.story("nope")


def test_an_unopenable_path_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        SQLiteStore(f"sqlite:///{tmp_path}/no/such/folder/x.db")
    assert "cannot open the database" in caught.value.message
