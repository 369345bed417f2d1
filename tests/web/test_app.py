"""Reader pages and the JSON API over the sample corpus, through FastAPI's TestClient."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from backstory.config import Settings
from backstory.pipeline import Desk, sample_corpus_path
from backstory.web import create_app
from tests.conftest import Databases


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> str:
    path = databases.new(tmp_path_factory.mktemp("web"), "sample")
    with Desk(Settings(db=path)) as desk:
        report = desk.load_sample()
        assert report is not None and report.failed == []
    return path


@pytest.fixture(scope="module")
def client(sample_db: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=str(sample_db)))) as client:
        yield client


def test_home_lists_the_sample_stories(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    links = set(re.findall(r'href="/stories/(s[0-9a-f]+)"', response.text))
    assert len(links) >= 6
    assert 'action="/ask"' in response.text


def test_story_page_cites_each_statement(client: TestClient) -> None:
    [story] = [s for s in client.get("/api/v1/stories").json() if "Vienna" in s["title"]]
    page = client.get(f"/stories/{story['id']}")
    assert page.status_code == 200
    citations = re.findall(r'class="cite" href="/articles/([0-9a-f]+)#s-(\d+)"', page.text)
    assert citations, "the explainer must link its statements to their sentences"
    assert {a for a, _ in citations} <= set(story["articles"])
    for article_id, index in citations:
        article = client.get(f"/articles/{article_id}")
        assert f'id="s-{index}"' in article.text
    assert "Homeland Security readout (sample)" in page.text  # the sources table


def test_story_api_gives_articles_outlets_and_explainer(client: TestClient) -> None:
    stories = client.get("/api/v1/stories").json()
    assert all(set(s) == {"id", "title", "articles", "first_seen", "last_seen"}
               for s in stories)
    detail = client.get(f"/api/v1/stories/{stories[0]['id']}").json()
    assert len(detail["outlets"]) >= 3
    statements = [st for section in detail["explainer"]["sections"]
                  for st in section["statements"]]
    assert statements
    for statement in statements:
        assert statement["citations"], statement["text"]
        for citation in statement["citations"]:
            assert citation["article_id"] in detail["articles"]
            article = client.get(f"/api/v1/articles/{citation['article_id']}").json()
            assert citation["sentence"] in {s["text"] for s in article["sentences"]}


def test_ask_page_shows_the_answer_and_its_sources(client: TestClient) -> None:
    page = client.get("/ask", params={"q": "Who did Wang Xiaohong meet in Vienna?"})
    assert page.status_code == 200
    assert "Alejandro Mayorkas" in page.text
    assert re.search(r'href="/articles/[0-9a-f]+#s-\d+"', page.text)


def test_ask_api_has_the_designed_shape(client: TestClient) -> None:
    answer = client.get("/api/v1/ask", params={"q": "Which central bank cut its rate?"}).json()
    assert set(answer) == {"question", "answer", "abstained", "confidence", "citations"}
    unanswerable = client.get("/api/v1/ask", params={
        "q": "How many Chinese students were deported at Los Angeles airport?"}).json()
    assert unanswerable["abstained"] is True and unanswerable["citations"] == []


def test_unknown_ids_are_404_pages_and_json(client: TestClient) -> None:
    page = client.get("/stories/s000000000000")
    assert page.status_code == 404 and "backstory stories" in page.text
    api = client.get("/api/v1/articles/0000000000000000")
    assert api.status_code == 404 and "error" in api.json()


def test_the_ask_api_refuses_an_empty_question(client: TestClient) -> None:
    assert client.get("/api/v1/ask", params={"q": ""}).status_code == 422


def test_the_sample_corpus_is_ours_and_well_formed() -> None:
    records = [json.loads(line) for line in sample_corpus_path().read_text().splitlines()]
    assert len(records) >= 30
    assert len({r["outlet"] for r in records}) >= 4
    assert all("(sample" in r["outlet"] for r in records)
    assert all(r["url"].startswith("https://example.org/") for r in records)


def test_trends_page_and_api_rank_rising_topics(client: TestClient) -> None:
    trends = client.get("/api/v1/trends", params={"window": 7}).json()
    assert trends["as_of"] and trends["window_days"] == 7
    assert trends["topics"] and trends["entities"]
    bursts = [t["burst"] for t in trends["topics"]]
    assert bursts == sorted(bursts, reverse=True)
    for topic in trends["topics"]:
        assert topic["label"] and topic["stories"] and sum(topic["by_day"].values()) > 0
    page = client.get("/trends")
    assert page.status_code == 200
    assert trends["topics"][0]["label"] in page.text
    assert 'href="/trends"' in client.get("/").text


def test_story_page_shows_timeline_sides_and_what_is_left_out(client: TestClient) -> None:
    stories = client.get("/api/v1/stories").json()
    vienna = next(s for s in stories if "Vienna" in s["title"])
    story = client.get(f"/api/v1/stories/{vienna['id']}").json()
    assert any(e["type"] == "meeting" and e["time"] == "2024-02-18" for e in story["timeline"])
    assert any(side["side"] == "China" for side in story["sides"])
    page = client.get(f"/stories/{vienna['id']}").text
    for heading in ("Timeline", "What the China side says", "Questions and answers",
                    "How the sides and outlets tell it", "Infographics"):
        assert heading in page
    [ld] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    faq = json.loads(ld)
    assert faq["@type"] == "FAQPage" and faq["mainEntity"]
    assert all(q["@type"] == "Question" and q["acceptedAnswer"]["text"]
               for q in faq["mainEntity"])
    assert page.count('class="chart-alt"') == 4


def test_topic_and_entity_pages(client: TestClient) -> None:
    trends = client.get("/api/v1/trends", params={"window": 365}).json()
    assert trends["topics"], "the sample corpus has topics"
    topic = trends["topics"][0]
    page = client.get(f"/topics/{topic['label']}", params={"window": 365})
    assert page.status_code == 200
    assert topic["label"] in page.text
    assert re.search(r'href="/stories/s[0-9a-f]+"', page.text)
    entity = client.get("/entities/Wang Xiaohong")
    assert entity.status_code == 200
    assert "minister" in entity.text.lower()
    assert re.search(r'href="/articles/[0-9a-f]+"', entity.text)
    assert client.get("/entities/Nobody Atall").status_code == 404
    assert client.get("/topics/no such topic").status_code == 404


def test_unreviewed_documents_stay_hidden_when_the_setting_says_so(sample_db: str) -> None:
    settings = Settings(db=str(sample_db), show_unreviewed=False)
    with TestClient(create_app(settings)) as hidden:
        [story] = [s for s in hidden.get("/api/v1/stories").json() if "Vienna" in s["title"]]
        page = hidden.get(f"/stories/{story['id']}").text
    assert page.count("Not yet published") == 3
    assert "Questions and answers" in page and 'class="cite"' not in page.split(
        'id="charts"')[0]
