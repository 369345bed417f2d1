"""The command line, end to end on a real store (each backend): the walking skeleton's
promises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backstory.cli import app
from tests.conftest import sql_count, sql_rows

runner = CliRunner()


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def seeded_db(db_path: Path, seed_article: Path) -> Path:
    code, stdout, stderr = run(db_path, "ingest", str(seed_article), "--outlet",
                               "South China Morning Post", "--published", "2024-02-19", "--json")
    assert code == 0, stderr
    report = json.loads(stdout)
    assert report["added"] == 1 and report["failed"] == []
    return db_path


def test_seed_article_is_stored_without_its_promo(seeded_db: Path) -> None:
    code, stdout, _ = run(seeded_db, "articles", "--json")
    assert code == 0
    [article] = json.loads(stdout)
    assert article["outlet"] == "South China Morning Post"
    assert article["published_at"] == "2024-02-19"
    code, stdout, _ = run(seeded_db, "show", article["id"], "--json")
    shown = json.loads(stdout)
    text = shown["article"]["text"]
    assert "SCMP Knowledge" not in text
    assert "Wang Xiaohong, China's public security minister" in text
    for sentence in shown["sentences"]:
        assert text[sentence["start"]:sentence["end"]] == sentence["text"]
    people = {e["name"] for e in shown["entities"] if e["type"] == "PERSON"}
    assert {"Wang Xiaohong", "Alejandro Mayorkas", "Xi Jinping", "Joe Biden"} <= people
    for entity in shown["entities"]:
        for mention in entity["mentions"]:
            assert text[mention["start"]:mention["end"]] == mention["text"]


def test_ask_names_mayorkas_and_cites_the_article(seeded_db: Path) -> None:
    code, stdout, _ = run(seeded_db, "ask", "Who did Wang Xiaohong meet in Vienna?", "--json")
    assert code == 0
    answer = json.loads(stdout)
    assert set(answer) == {"question", "answer", "abstained", "confidence", "citations"}
    assert answer["abstained"] is False
    assert "Alejandro Mayorkas" in answer["answer"]
    assert answer["citations"], "an answer must cite its sentences"
    cited = answer["citations"][0]
    assert set(cited) == {"article_id", "outlet", "url", "published_at", "sentence", "start",
                          "end"}
    assert cited["outlet"] == "South China Morning Post"
    assert any("Mayorkas" in c["sentence"] for c in answer["citations"])
    _, stdout, _ = run(seeded_db, "show", cited["article_id"], "--json")
    text = json.loads(stdout)["article"]["text"]
    assert text[cited["start"]:cited["end"]] == cited["sentence"]


def test_ask_abstains_when_the_sources_do_not_say(seeded_db: Path) -> None:
    question = "How many Chinese students were deported at Los Angeles airport?"
    code, stdout, _ = run(seeded_db, "ask", question, "--json")
    assert code == 0
    answer = json.loads(stdout)
    assert answer["abstained"] is True
    assert answer["answer"] is None
    assert answer["citations"] == []


def test_ask_on_an_empty_store_abstains(db_path: Path) -> None:
    code, stdout, _ = run(db_path, "ask", "Who won the election?", "--json")
    assert code == 0
    assert json.loads(stdout)["abstained"] is True


def test_exact_duplicate_is_linked_not_stored_twice(seeded_db: Path, seed_article: Path,
                                                    tmp_path: Path) -> None:
    copy = tmp_path / "syndicated.txt"
    # Same text with different spacing, carried by another outlet.
    copy.write_text(seed_article.read_text().replace(". ", ".  "))
    code, stdout, _ = run(seeded_db, "ingest", str(copy), "--outlet", "Wire Copy Desk",
                          "--json")
    assert code == 0
    report = json.loads(stdout)
    assert (report["added"], report["duplicates"]) == (0, 1)
    original_id = report["articles"][0]["id"]
    _, stdout, _ = run(seeded_db, "articles", "--json")
    assert [a["id"] for a in json.loads(stdout)] == [original_id]
    _, stdout, _ = run(seeded_db, "show", original_id, "--json")
    assert [c["outlet"] for c in json.loads(stdout)["copies"]] == ["Wire Copy Desk"]


def test_reingesting_the_same_input_adds_nothing(seeded_db: Path, seed_article: Path) -> None:
    code, stdout, _ = run(seeded_db, "ingest", str(seed_article), "--outlet",
                          "South China Morning Post", "--published", "2024-02-19", "--json")
    assert code == 0
    assert json.loads(stdout)["added"] == 0
    assert sql_count(seeded_db, "SELECT count(*) FROM articles") == 1
    # The same input read again is not a copy of itself.
    assert sql_count(seeded_db, "SELECT count(*) FROM article_copies") == 0


def test_bad_inputs_fail_one_by_one_and_the_good_ones_are_stored(
    db_path: Path, tmp_path: Path, site: str, closed_port_url: str
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Harbour reopens after storm\nThe harbour of Lowmarsh reopened on Friday "
                    "after a week of repairs, the port authority said.\n")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    latin = tmp_path / "latin1.txt"  # a legacy encoding is detected, not refused
    latin.write_bytes("Le caf\u00e9 du port a rouvert vendredi apr\u00e8s deux jours de "
                      "r\u00e9parations, a dit la capitainerie.".encode("latin-1"))
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(bytes(range(0x80, 0x100)) * 8)
    no_text = tmp_path / "front-page.html"
    no_text.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    records = tmp_path / "records.jsonl"
    records.write_text(
        json.dumps({"text": "The ferry to Skarholm resumed service on Monday, the operator "
                            "said, after two days of high winds.",
                    "title": "Ferry resumes", "outlet": "Test Gazette",
                    "published_at": "2025-03-10"}) + "\n"
        + '{"text": "broken line\n'
    )
    missing = tmp_path / "missing.txt"
    sources = [str(good), str(missing), str(empty), str(binary), str(latin), str(garbage),
               str(no_text), closed_port_url, str(records)]
    code, stdout, stderr = run(db_path, "--allow-private", "ingest", *sources, "--json")
    assert code == 1
    report = json.loads(stdout)
    failed = {f["source"]: f["error"] for f in report["failed"]}
    assert set(failed) == {str(missing), str(empty), str(binary), str(garbage), str(no_text),
                           closed_port_url, f"{records}#2"}
    assert "no such file" in failed[str(missing)]
    assert "empty" in failed[str(empty)]
    assert "binary" in failed[str(binary)]
    assert "encoding" in failed[str(garbage)]
    assert "no article text" in failed[str(no_text)]
    assert "could not connect" in failed[closed_port_url]
    assert "not valid JSON" in failed[f"{records}#2"]
    for source in failed:  # one line per failed input, naming it
        assert sum(source in line for line in stderr.splitlines()) == 1
    assert report["added"] == 3
    assert sorted(a["input"] for a in report["articles"]) == sorted(
        [str(good), str(latin), f"{records}#1"])
    # No half-stored article: every article has sentences, every sentence an article.
    assert sql_count(db_path, "SELECT count(*) FROM articles") == 3
    [(text,)] = sql_rows(db_path, "SELECT text FROM articles WHERE input = :input",
                         input=str(latin))
    assert text.startswith("Le caf\u00e9 du port")
    assert sql_count(db_path, "SELECT count(*) FROM articles a WHERE NOT EXISTS "
                     "(SELECT 1 FROM sentences s WHERE s.article_id = a.id)") == 0
    assert sql_count(db_path, "SELECT count(*) FROM sentences s WHERE NOT EXISTS "
                     "(SELECT 1 FROM articles a WHERE a.id = s.article_id)") == 0


def test_invalid_published_date_is_a_usage_error(db_path: Path, seed_article: Path) -> None:
    code, _, stderr = run(db_path, "ingest", str(seed_article), "--published", "last tuesday")
    assert code == 2
    assert "--published" in stderr and "YYYY-MM-DD" in stderr


def test_unknown_story_and_article_say_how_to_find_one(db_path: Path) -> None:
    code, _, stderr = run(db_path, "story", "s000000000000")
    assert code == 1 and "backstory stories" in stderr
    code, _, stderr = run(db_path, "show", "0000000000000000")
    assert code == 1 and "backstory articles" in stderr


def test_trends_json_and_table(seeded_db: Path) -> None:
    code, stdout, _ = run(seeded_db, "trends", "--json")
    assert code == 0
    trends = json.loads(stdout)
    assert trends["as_of"] == "2024-02-19"
    names = {e["name"] for e in trends["entities"]}
    assert {"Wang Xiaohong", "China"} <= names
    code, stdout, _ = run(seeded_db, "trends")
    assert code == 0 and "Topics" in stdout and "Wang Xiaohong" in stdout


def test_entity_by_any_of_its_names(seeded_db: Path) -> None:
    code, stdout, _ = run(seeded_db, "entity", "Beijing", "--json")
    assert code == 0
    china = json.loads(stdout)
    assert china["name"] == "China" and "Beijing" in china["aliases"]
    code, stdout, _ = run(seeded_db, "entity", "mayorkas", "--json")
    mayorkas = json.loads(stdout)
    assert mayorkas["name"] == "Alejandro Mayorkas"
    assert {r["role"] for r in mayorkas["roles"]} == {"Homeland Security Secretary"}
    code, _, stderr = run(seeded_db, "entity", "Nobody Atall")
    assert code == 1 and "no entity named" in stderr
