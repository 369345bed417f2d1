"""The optional language model may only rephrase: through a real OpenAI-compatible HTTP
endpoint on 127.0.0.1, a grounded rephrasing replaces the statement and one that invents
a figure or a name is rejected."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from backstory.compose import Grounder, Rephraser
from backstory.models import Analysis, Citation, Composition, Section, Sentence, Statement

SENTENCE = Sentence("a1:0", "a1", 0, 0, 83,
                    "At least 11 Chinese students were sent home since November, Xinhua said.")
CITATION = Citation("a1", "a1:0", SENTENCE.text, 0, 83, "Harbour Ledger", None, "2024-02-19")


class _ChatServer(ThreadingHTTPServer):
    reply: Callable[[str], str] = staticmethod(lambda text: text)
    seen: list[dict[str, object]]


class _ChatHandler(BaseHTTPRequestHandler):
    server: _ChatServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        if self.path != "/v1/chat/completions":
            self.send_error(404)
            return
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.seen.append(request)
        statement = request["messages"][-1]["content"].split("\n", 1)[0]
        content = self.server.reply(statement.removeprefix("Statement: "))
        body = json.dumps({"choices": [{"message": {"role": "assistant",
                                                    "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def chat() -> Iterator[_ChatServer]:
    server = _ChatServer(("127.0.0.1", 0), _ChatHandler)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _grounder() -> Grounder:
    from backstory.compose import evidence_of

    return Grounder(evidence_of({"a1": Analysis("a1", (SENTENCE,), ())}))


def _document(text: str) -> Composition:
    return Composition("explainer", "s1", "Title", (Section("Key numbers", (
        Statement(text, (CITATION,)),)),))


def test_a_grounded_rephrasing_replaces_the_statement(chat: _ChatServer) -> None:
    chat.reply = lambda _text: "Xinhua said at least 11 Chinese students were sent home."
    url = f"http://127.0.0.1:{chat.server_address[1]}/v1"
    rephraser = Rephraser(url, model="local")
    result = rephraser.composition(_document("At least 11 Chinese students, according to "
                                             "Xinhua."), _grounder())
    rephraser.close()
    [statement] = result.statements
    assert statement.text == "Xinhua said at least 11 Chinese students were sent home."
    assert statement.citations == (CITATION,)
    [request] = chat.seen
    assert request["model"] == "local"


@pytest.mark.parametrize("invented", [
    "At least 15 Chinese students were sent home, Xinhua said.",  # a number
    "At least 11 Chinese students were sent home, Reuters said.",  # a name
    "At least 11 students were sent home on 3 March 2024.",  # a date
])
def test_an_invented_fact_keeps_the_statement_as_composed(chat: _ChatServer,
                                                          invented: str) -> None:
    chat.reply = lambda _text: invented
    url = f"http://127.0.0.1:{chat.server_address[1]}/v1"
    original = "At least 11 Chinese students, according to Xinhua."
    rephraser = Rephraser(url, model="local")
    [statement] = rephraser.composition(_document(original), _grounder()).statements
    rephraser.close()
    assert statement.text == original


def test_an_unreachable_model_keeps_the_statement(closed_port_url: str) -> None:
    rephraser = Rephraser(closed_port_url, model="local", timeout=2)
    original = "At least 11 Chinese students, according to Xinhua."
    [statement] = rephraser.composition(_document(original), _grounder()).statements
    rephraser.close()
    assert statement.text == original
