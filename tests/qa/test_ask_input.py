"""Odd questions — empty, huge, full of FTS5 syntax or SQL — get an answer or a clear error.

Through the Python API (`Desk.ask`), the CLI (`backstory ask`) and the web API
(`GET /api/v1/ask?q=`), over one real SQLite store holding two short articles written for
this test. A clear error is a `BackstoryError` with a message (API), a non-zero exit with
an "error:" line and no traceback (CLI), or a 4xx JSON reply (web); never a crash, a 500
or a raw SQL error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from backstory.cli import app
from backstory.config import Settings
from backstory.errors import BackstoryError
from backstory.models import Answer
from backstory.pipeline import Desk
from backstory.web import create_app
from tests.conftest import Databases, sql_count

ARTICLES = [
    {"title": "Harbour council approves flood wall",
     "outlet": "Northport Courier", "published_at": "2025-03-04",
     "url": "https://courier.example/flood-wall",
     "text": "The Northport harbour council approved a 12 million euro flood wall on Monday.\n"
             "Mayor Ingrid Solberg chaired the vote, which passed by 9 votes to 4.\n"
             "\"The water will not wait for us,\" Solberg told reporters in Northport.\n"
             "Construction is due to start in June and to take 18 months."},
    {"title": "Fishermen protest harbour closure",
     "outlet": "Coastal Times", "published_at": "2025-03-06",
     "url": "https://coastal.example/protest",
     "text": "About 200 fishermen protested outside Northport town hall on Wednesday.\n"
             "They said the flood wall works would close the harbour for two seasons.\n"
             "Union leader Tomas Berg said the council had not consulted them."},
]
ANSWERABLE = "Who chaired the harbour council vote?"

# Each a question a user (or a script) might send; the ids name them in test output.
ODD_QUESTIONS = {
    "empty": "",
    "spaces": "   \t\n  ",
    "double quote": 'Who said "the water will not wait"?',
    "lone quote": '"',
    "unbalanced quote": 'flood "wall',
    "star": "flood* wall*",
    "lone star": "*",
    "near": "NEAR(flood wall, 5)",
    "near unclosed": "NEAR(flood",
    "boolean words": "flood AND wall OR harbour NOT fishermen",
    "boolean only": "AND OR NOT",
    "caret": "^flood ^wall",
    "column filter": "text: flood",
    "unknown column": "title:Northport",
    "braces": "{text}: flood",
    "parentheses": "((Northport)) harbour ( council",
    "closing paren": ")",
    "plus minus": "+flood -wall",
    "sql injection": "'; DROP TABLE articles; --",
    "sql comment": "flood /* wall */ OR 1=1",
    "fts command": "sentences_fts MATCH 'x'",
    "unicode": "Qui a présidé le conseil portuaire de Northport ? 北港 Øresund ß",
    "emoji": "🌊🏗️ flood wall 👍🏽",
    "control chars": "flood\x00wall\x1b[31m\x7f",
    "invisible characters": "\u200b\u202e\ufeffflood\u00a0wall",
    "rich markup": "[bold red]flood[/] [/bold] [link=file:///etc/passwd]wall",
    "html": "<script>alert('flood')</script> wall",
    "syntax mix": 'Who "chaired" the (harbour) council* vote NEAR(Solberg) ^AND: OR -- ?',
}
ODD = list(ODD_QUESTIONS.values())
IDS = list(ODD_QUESTIONS)
# 100 kB: the question of interest, then thousands of different words (each could cost a
# count query and an FTS5 term). The CLI gets 10 kB of it (the same `Desk.ask` behind it);
# the web 20 kB (httpx, like most servers, refuses URLs over 64 kB), past its 500-char cap.
HUGE = (ANSWERABLE + " " + " ".join(f"w{i}x" for i in range(20_000)))[:100_000]

runner = CliRunner()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> str:
    """A store holding the two articles, ingested once for the module."""
    root = tmp_path_factory.mktemp("ask-input")
    source = root / "harbour.jsonl"
    source.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    path = databases.new(root)
    with Desk(Settings(db=path)) as desk:
        report = desk.ingest([str(source)])
    assert report.failed == [] and len(report.articles) == 2
    return path


@pytest.fixture(scope="module")
def module_desk(store_path: str) -> Iterator[Desk]:
    with Desk(Settings(db=str(store_path))) as desk:
        yield desk


@pytest.fixture(scope="module")
def client(store_path: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=str(store_path))),
                    raise_server_exceptions=False) as client:
        yield client


def _ask_or_clear_error(desk: Desk, question: str) -> Answer | None:
    """The answer, or None after a `BackstoryError` with a message; anything else fails."""
    try:
        answer = desk.ask(question)
    except BackstoryError as exc:
        assert exc.message.strip(), f"an error without a message for {question[:80]!r}"
        return None
    assert answer.question == question
    assert 0.0 <= answer.confidence <= 1.0
    assert answer.abstained == (answer.answer is None)
    assert answer.abstained or answer.citations, "an answer must carry its citations"
    return answer


def _articles_intact(path: str) -> None:
    assert sql_count(path, "SELECT count(*) FROM articles") == 2
    assert sql_count(path, "SELECT count(DISTINCT article_id) FROM sentences") == 2


def test_the_store_answers_a_plain_question(module_desk: Desk) -> None:
    answer = module_desk.ask(ANSWERABLE)
    assert not answer.abstained
    assert "Solberg" in (answer.answer or "")


def test_the_desk_fixture_answers_after_ingesting(desk: Desk, tmp_path: Path) -> None:
    source = tmp_path / "wall.txt"
    source.write_text(ARTICLES[0]["text"], encoding="utf-8")
    assert desk.ingest([str(source)]).failed == []
    for question in ('"', "NEAR(", "'; DROP TABLE articles; --", ANSWERABLE):
        _ask_or_clear_error(desk, question)
    assert desk.store.count_articles() == 1


@pytest.mark.parametrize("question", [*ODD, HUGE], ids=[*IDS, "huge"])
def test_api_answers_or_errors_clearly(module_desk: Desk, store_path: str,
                                       question: str) -> None:
    _ask_or_clear_error(module_desk, question)
    _articles_intact(store_path)


@pytest.mark.parametrize("question", [
    'Who "chaired" the harbour council vote?',
    "Who chaired the (harbour) council* vote?",
    "Who chaired the harbour council vote? NEAR( AND OR NOT ^ :",
], ids=["quotes", "parens and star", "trailing syntax"])
def test_fts5_syntax_does_not_change_the_answer(module_desk: Desk, question: str) -> None:
    plain = module_desk.ask(ANSWERABLE)
    answer = module_desk.ask(question)
    assert (answer.answer, answer.abstained) == (plain.answer, plain.abstained)


@pytest.mark.parametrize("question", [*ODD, HUGE[:10_000]], ids=[*IDS, "huge"])
def test_cli_answers_or_errors_clearly(store_path: str, question: str) -> None:
    result = runner.invoke(app, ["--db", str(store_path), "ask", "--json", "--", question])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit), result.exception
    if result.exit_code == 0:
        payload = json.loads(result.stdout)
        assert payload["question"] == question
        assert set(payload) >= {"answer", "abstained", "confidence", "citations"}
    else:
        assert "error" in result.stderr.lower() and "Traceback" not in result.stderr
    _articles_intact(store_path)


def test_cli_prints_a_human_answer_for_syntax(store_path: str) -> None:
    result = runner.invoke(app, ["--db", str(store_path), "ask", 'NEAR("flood* ^wall'])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()


@pytest.mark.parametrize("question", [*ODD, HUGE[:20_000]], ids=[*IDS, "huge"])
def test_web_api_answers_or_errors_clearly(client: TestClient, store_path: str,
                                           question: str) -> None:
    response = client.get("/api/v1/ask", params={"q": question})
    assert response.status_code < 500, response.text
    body = response.json()
    if response.status_code == 200:
        assert body["question"] == question
        assert isinstance(body["abstained"], bool)
    else:
        assert response.status_code == 422  # FastAPI's check of `q`: empty or too long
        assert body["detail"]
    _articles_intact(store_path)


@pytest.mark.parametrize("question", [
    pytest.param(q, id=name)
    for name, q in [*ODD_QUESTIONS.items(), ("huge", HUGE[:20_000])]
])
def test_ask_page_answers_or_errors_clearly(client: TestClient, question: str) -> None:
    page = client.get("/ask", params={"q": question})
    assert page.status_code < 500, page.text
    if page.status_code == 200:
        assert "The sources do not answer" in page.text or 'class="answer-text"' in page.text \
            or not question.strip()
        assert "<script>alert" not in page.text  # the question is shown escaped
    else:
        assert page.status_code == 422 and page.json()["detail"]


_SYNTAX = ['"', "*", "NEAR(", "NEAR", "OR", "AND", "NOT", "^", ":", "(", ")", "{", "}",
           "-", "+", "'", ";", "--", "/*", "\\", "%", "_", "\x00", "🌊", "é", "北港",
           "flood", "wall", "Northport", "Solberg", "who", "how many", "?"]


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(_SYNTAX), max_size=25).map(" ".join),
    st.lists(st.sampled_from(_SYNTAX), max_size=25).map("".join),
))
def test_random_questions_never_crash(module_desk: Desk, question: str) -> None:
    _ask_or_clear_error(module_desk, question)


def test_a_pasted_page_is_refused_with_the_limit(module_desk: Desk) -> None:
    from backstory.errors import QuestionError
    from backstory.qa.answer import MAX_QUESTION_CHARS

    with pytest.raises(QuestionError, match=f"at most {MAX_QUESTION_CHARS:,}"):
        module_desk.ask(HUGE)
