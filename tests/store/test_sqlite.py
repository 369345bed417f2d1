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


def test_analysis_records_round_trip_and_go_with_a_rewrite(store: SQLiteStore) -> None:
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


def test_analysis_of_an_unknown_article_is_not_found(store: SQLiteStore) -> None:
    with pytest.raises(NotFoundError):
        store.analysis("0000")
