"""The served app in headless Chromium: what a reader sees and does, and that article text
holding HTML or script is shown as text, never run."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from backstory.config import Settings
from backstory.editor import Accounts
from backstory.pipeline import Desk
from backstory.web import create_app
from tests.conftest import Databases
from tests.web.browser import CHROMIUM_FLAGS, chromium_path, screenshot_path, serving

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "article.txt"
EDITOR, PASSWORD = "ana", "correct horse battery staple"
HOSTILE = ('Harbour council vote <script>window.__pwned = 1</script> ends in a tie. '
           'The clerk said the <img src="x" onerror="window.__pwned = 2"> motion '
           'would return next week. <b>Bold claims</b> were made by 12 councillors.')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser")
    db = databases.new(folder, "site")
    hostile = folder / "hostile.jsonl"
    hostile.write_text(json.dumps({"text": HOSTILE, "title": "Council <i>vote</i> ties",
                                   "outlet": "Harbour Ledger (sample)",
                                   "published_at": "2024-06-02"}) + "\n")
    with Desk(Settings(db=str(db))) as desk:
        desk.load_sample()
        desk.ingest([str(hostile)])
        vienna = next(s for s in desk.stories() if "Vienna" in s.title)
        desk.draft(vienna.id)
        Accounts(desk.store).add_user(EDITOR, PASSWORD)
    with serving(create_app(Settings(db=str(db)))) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable,
                                             args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_reader_opens_a_story_reads_the_faq_sees_charts_and_asks(site: str, page: Page
                                                                  ) -> None:
    page.goto(site + "/")
    page.screenshot(path=screenshot_path("home"), full_page=True)
    page.get_by_role("link", name=re.compile("Vienna")).first.click()
    expect(page.locator("h1")).to_contain_text("Vienna")

    faq = page.locator("details.faq-item")
    assert faq.count() >= 5
    second = faq.nth(1)
    second.locator("summary").click()
    expect(second.locator("p")).to_be_visible()
    expect(second.locator("a.cite").first).to_be_visible()

    # Each of the four charts is drawn by Vega into an SVG, with its text alternative.
    charts = page.locator(".vega")
    assert charts.count() == 4
    for i in range(4):
        expect(charts.nth(i).locator("svg").first).to_be_attached(timeout=30_000)
    assert page.locator(".vega[data-error]").count() == 0
    expect(page.locator("#chart-numbers-alt")).to_contain_text("Xinhua")
    page.screenshot(path=screenshot_path("story"), full_page=True)

    # A citation leads to the sentence it cites, highlighted on the article page.
    cite = page.locator("#explainer a.cite").first
    href = cite.get_attribute("href") or ""
    cite.click()
    anchor = href.split("#", 1)[1]
    expect(page.locator(f"#{anchor}")).to_be_visible()
    assert page.locator("mark.hl-quote, mark.hl-claim, mark.hl-time").count() > 0
    page.screenshot(path=screenshot_path("article"), full_page=True)

    page.fill("#ask-q", "Who did Wang Xiaohong meet in Vienna?")
    page.press("#ask-q", "Enter")
    expect(page.locator(".answer-text")).to_contain_text("Mayorkas")
    assert page.locator("a.cite").count() >= 1
    page.screenshot(path=screenshot_path("ask"), full_page=True)


def test_trends_page_and_a_phone_screen(site: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True)
    phone = context.new_page()
    phone.goto(site + "/trends")
    assert phone.locator("h1").count() == 1
    phone.screenshot(path=screenshot_path("trends-phone"), full_page=True)
    phone.goto(site + "/")
    # Nothing wider than the screen: the pages read without scrolling sideways.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the home page is {width}px wide on a 390px phone"
    phone.get_by_role("link", name=re.compile("Vienna")).first.click()
    expect(phone.locator(".vega svg").first).to_be_attached(timeout=30_000)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the story page is {width}px wide on a 390px phone"
    phone.screenshot(path=screenshot_path("story-phone"))
    context.close()


def test_article_text_with_html_is_shown_not_run(site: str, page: Page) -> None:
    page.goto(site + "/")
    page.get_by_role("link", name=re.compile("Council")).first.click()
    if "/stories/" in page.url:
        page.locator("table.sources a").first.click()
    expect(page.locator("article")).to_contain_text("<script>window.__pwned = 1</script>")
    expect(page.locator("article")).to_contain_text('<img src="x"')
    assert page.evaluate("window.__pwned") is None
    assert page.locator("article script, article img, article b").count() == 0
    page.screenshot(path=screenshot_path("hostile-article"), full_page=True)


def test_editor_edits_and_approves_and_the_reader_sees_it(site: str, browser: Browser
                                                          ) -> None:
    editor = browser.new_context().new_page()
    editor.goto(site + "/editor")
    expect(editor).to_have_url(re.compile(r"/editor/login"))
    editor.fill("#login-name", EDITOR)
    editor.fill("#login-password", "not the password")
    editor.click("#login-submit")
    expect(editor.locator("#login-error")).to_be_visible()
    editor.fill("#login-name", EDITOR)
    editor.fill("#login-password", PASSWORD)
    editor.click("#login-submit")
    expect(editor.locator("#queue")).to_be_visible()
    editor.screenshot(path=screenshot_path("editor-queue"), full_page=True)

    draft = editor.locator('tr.queue-item[data-kind="explainer"]').first
    story_id = draft.get_attribute("data-story-id")
    draft.locator("a.queue-link").click()
    expect(editor.locator("#status")).to_contain_text("draft")
    edited = "Edited by the desk: the two ministers met in Vienna on Sunday."
    editor.fill("#statement-0-1", edited)
    editor.click("#save-approve")
    expect(editor.locator("#status")).to_contain_text("approved")
    expect(editor.locator("#diff")).to_contain_text("Edited by the desk")
    editor.screenshot(path=screenshot_path("editor-document"), full_page=True)

    reader = browser.new_context().new_page()
    reader.goto(f"{site}/stories/{story_id}")
    explainer = reader.locator("#explainer")
    expect(explainer).to_contain_text(edited)
    expect(explainer.locator(".reviewed")).to_be_visible()
    assert explainer.locator(".unreviewed").count() == 0
    reader.screenshot(path=screenshot_path("story-approved"), full_page=True)


def test_logged_out_reader_cannot_reach_the_editor_desk(site: str, page: Page) -> None:
    for path in ("/editor", "/editor/audit", "/editor/documents/anything"):
        page.goto(site + path)
        expect(page).to_have_url(re.compile(r"/editor/login"))
    api = page.request
    assert api.get(site + "/api/v1/editor/queue").status == 401
    assert api.get(site + "/api/v1/editor/audit").status == 401
    assert api.post(site + "/api/v1/editor/documents/x/approve").status in (401, 403)
