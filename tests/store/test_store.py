"""The store on each backend: migrations, full-text search and atomic writes; and what
is SQLite's or PostgreSQL's own (WAL, clear errors for a store that cannot be opened)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from backstory.config import Settings
from backstory.errors import ConfigError, NotFoundError, StoreError
from backstory.models import Analysis, Article, Mention, NewArticle, Sentence
from backstory.store import SQLiteStore, Store, open_store
from backstory.store.schema import MIGRATIONS
from tests.conftest import sql_count


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
def store(db_path: str) -> Iterator[Store]:
    store = open_store(Settings(db=db_path).db_url)
    yield store
    store.close()


def test_an_sqlite_file_is_in_wal_mode_at_the_latest_schema(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    SQLiteStore(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("SELECT max(version) FROM schema_migrations").fetchone() == (
            len(MIGRATIONS),)


def test_reopening_does_not_migrate_twice(store: Store, db_path: str) -> None:
    store.add_article(_article(), _analysis(_article()))
    store.close()
    reopened = open_store(Settings(db=db_path).db_url)
    assert reopened.count_articles() == 1
    reopened.close()
    assert sql_count(db_path, "SELECT count(*) FROM schema_migrations") == len(MIGRATIONS)
    assert sql_count(db_path, "SELECT max(version) FROM schema_migrations") == len(MIGRATIONS)


def test_full_text_search_stems_and_ranks(store: Store) -> None:
    article = _article()
    store.add_article(article, _analysis(article))
    hits = store.search_sentences(["repairing", "gate"])
    assert [h.sentence.text for h in hits] == ["Crews repaired the gates."]
    assert hits[0].article.outlet == "Test Gazette"
    assert hits[0].score > 0


def test_writing_an_article_again_is_a_no_op(store: Store, db_path: str) -> None:
    # Two writers (two ingests, a re-run on Ray) may both find an article new.
    article = _article()
    store.add_article(article, _analysis(article))
    store.write([NewArticle(article, _analysis(article), (), ())])
    assert store.count_articles() == 1
    assert sql_count(db_path, "SELECT count(*) FROM sentences") == 2
    assert len(store.search_sentences(["harbour"])) == 1


def test_a_failed_write_leaves_nothing_behind(store: Store) -> None:
    article = _article()
    analysis = _analysis(article)
    broken = Analysis(article.id, (*analysis.sentences, analysis.sentences[0]), ())
    with pytest.raises(StoreError):
        store.add_article(article, broken)  # the repeated sentence id violates uniqueness
    assert store.count_articles() == 0
    assert store.search_sentences(["harbour"]) == []
    store.add_article(article, analysis)
    assert store.count_articles() == 1


def test_unknown_ids_raise_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.article("nope")
    with pytest.raises(NotFoundError):
        store.story("nope")


def test_an_unopenable_path_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        SQLiteStore(f"sqlite:///{tmp_path}/no/such/folder/x.db")
    assert "cannot open the database" in caught.value.message


def test_an_unreachable_postgresql_is_a_store_error_without_the_password(
        tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(f"postgresql://news:s3cret@/news?host={tmp_path}/nothing-listens")
    assert "cannot open the database postgresql://news:***@/news" in caught.value.message
    assert "s3cret" not in caught.value.message


def test_an_unknown_database_kind_says_what_is_accepted() -> None:
    with pytest.raises(ConfigError, match="--db postgresql://"):
        open_store("mysql://news@localhost/news")


def test_analysis_records_round_trip_and_go_with_a_rewrite(store: Store) -> None:
    from dataclasses import replace

    from backstory.models import Claim, Event, Quote, Rewrite, Role, TimeExpr

    article = _article("Mayor Ines Varga said the harbour reopened on Friday. "
                       "Crews repaired at least 12 gates.")
    base = _analysis(article)
    text = article.text
    records = replace(
        base,
        roles=(Role("Ines Varga", "Mayor", 0, 0, 5),),
        quotes=(Quote(0, "Ines Varga", "Ines Varga", 6, 16, "said", 17, 21,
                      "the harbour reopened on Friday", 22, 52, False, via="Test Gazette"),),
        claims=(Claim(1, 12.0, "at least", None, None, "gates", "repaired", None, None, None,
                      text[54:], 54, len(text)),
                Claim(1, "dozens", None, None, "day", "gates", None, None, None, None,
                      text[54:], 54, len(text))),
        times=(TimeExpr(0, "Friday", 46, 52, "2025-03-07", "day"),),
        events=(Event("reopening", ("Ines Varga",), "harbour", "2025-03-07", "day", 0,
                      "reopened", 30, 38),),
    )
    store.add_article(article, records)
    stored = store.analysis(article.id)
    assert stored.roles == records.roles
    assert stored.quotes == records.quotes
    assert stored.claims == records.claims  # numbers stay numbers, vague amounts stay words
    assert stored.times == records.times
    assert stored.events == records.events
    store.replace_analyses([Rewrite(article.id, text, base)], finished=True)
    assert store.analysis(article.id).quotes == ()
    assert store.get_setting("reanalyze_pending") == "0"


def test_analysis_of_an_unknown_article_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.analysis("0000")
