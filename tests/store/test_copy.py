"""`backstory copy`: a store moved from SQLite to PostgreSQL and back loses nothing."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from backstory.cli import app
from backstory.config import Settings
from backstory.pipeline import Desk
from backstory.search import SentenceEncoder
from tests.conftest import PostgresServer, sql_count, sql_rows

runner = CliRunner()
ARTICLES = [
    {"title": "Harbour wall breached", "outlet": "Lowmarsh Gazette",
     "published_at": "2025-01-06",
     "text": "Storm Edda breached the harbour wall in Lowmarsh on Sunday, flooding 40 homes. "
             "\"We lost everything on the ground floor,\" said resident Pia Holm. "
             "The council said repairs would cost at least 2 million euros."},
    {"title": "Lowmarsh counts the cost", "outlet": "Coastal Wire",
     "published_at": "2025-01-07",
     "text": "Lowmarsh council put the cost of repairing the harbour wall at 2.4 million "
             "euros on Monday, according to mayor Ilse Varga. About 40 homes were flooded."},
]
# Every row that matters to a reader, in an order that does not depend on the backend.
SNAPSHOT = {
    "articles": "SELECT id, title, published_at, text, input FROM articles ORDER BY id",
    "sentences": 'SELECT id, article_id, idx, start, "end", text FROM sentences ORDER BY id',
    "quotes": "SELECT article_id, speaker, cue, content, start FROM quotes "
              "ORDER BY article_id, start",
    "claims": "SELECT article_id, value_number, unit, start FROM claims "
              "ORDER BY article_id, start",
    "stories": "SELECT s.title, sa.article_id FROM stories s JOIN story_articles sa "
               "ON sa.story_id = s.id ORDER BY sa.article_id",
    "vectors": "SELECT s.id, v.vector FROM sentence_vectors v JOIN sentences s "
               "ON s.pk = v.sentence_pk ORDER BY s.id",
    "users": "SELECT name, password_hash FROM users ORDER BY name",
}


def _snapshot(db: str) -> dict[str, list[tuple[object, ...]]]:
    return {name: [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                   for row in sql_rows(db, sql)] for name, sql in SNAPSHOT.items()}


def test_a_store_copied_to_postgresql_and_back_is_the_same_store(
        tmp_path: Path, postgres_server: PostgresServer, encoder: SentenceEncoder) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n")
    original = str(tmp_path / "original.db")
    with Desk(Settings(db=original, sentence_vectors=True)) as desk:
        desk.ingest([str(corpus)])
        question = "How much will the harbour wall repairs cost?"
        expected = desk.ask(question)
    assert not expected.abstained
    result = runner.invoke(app, ["--db", original, "user", "add", "ana", "--password-stdin"],
                           input="correct horse battery\n")
    assert result.exit_code == 0, result.stderr

    postgres = postgres_server.new_database()
    result = runner.invoke(app, ["--db", original, "copy", postgres, "--json"])
    assert result.exit_code == 0, result.stderr
    copied = json.loads(result.stdout)["tables"]
    assert copied["articles"] == 2 and copied["sentence_vectors"] == copied["sentences"] > 0
    assert _snapshot(postgres) == _snapshot(original)
    # The copy works as a store: full text, pgvector and the answers are there.
    assert sql_count(postgres, "SELECT count(*) FROM sentence_vectors "
                               "WHERE embedding IS NOT NULL") == copied["sentences"]
    with Desk(Settings(db=postgres, retrieval="hybrid")) as desk:
        answer = desk.ask(question)
        assert answer.answer == expected.answer
        assert [c.sentence_id for c in answer.citations] == \
            [c.sentence_id for c in expected.citations]
        more = tmp_path / "more.jsonl"
        more.write_text(json.dumps({"title": "Wall repairs begin", "outlet": "Coastal Wire",
                                    "text": "Repairs to the Lowmarsh harbour wall began on "
                                            "Tuesday, the council said."}) + "\n")
        assert desk.ingest([str(more)]).added == 1  # ids carry on past the copied ones

    back = str(tmp_path / "back.db")
    result = runner.invoke(app, ["--db", postgres, "copy", back])
    assert result.exit_code == 0, result.stderr
    assert sql_count(back, "SELECT count(*) FROM articles") == 3
    with Desk(Settings(db=back)) as desk:
        assert desk.store.search_sentences(["repairs"])  # FTS5 rebuilt from the rows


def test_copying_into_a_store_that_holds_articles_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps(ARTICLES[0]) + "\n")
    source, target = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    for db in (source, target):
        assert runner.invoke(app, ["--db", db, "ingest", str(corpus)]).exit_code == 0
    before = sql_count(target, "SELECT count(*) FROM sentences")
    result = runner.invoke(app, ["--db", source, "copy", target])
    assert result.exit_code == 1
    assert "already holds articles" in result.stderr
    assert sql_count(target, "SELECT count(*) FROM sentences") == before
