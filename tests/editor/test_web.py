"""The editor desk's pages and API through FastAPI's TestClient on a real SQLite file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from backstory.config import Settings
from backstory.editor import Accounts, Documents
from backstory.models import Document
from backstory.store import Store, open_store
from backstory.web import create_app
from backstory.web.editor import CSRF_HEADER, SESSION_COOKIE, editor_router
from tests.editor.conftest import PASSWORD, explainer_body, fast_hasher

EDITED = "At least 11 students were deported, Xinhua reported."
PUBLIC = {("GET", "/editor/login"), ("POST", "/editor/login")}


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    store = open_store(Settings(db=db_path).db_url)
    Accounts(store, hasher=fast_hasher()).add_user("ana", PASSWORD)
    yield store
    store.close()


@pytest.fixture
def draft(store: Store) -> Document:
    document = Documents(store).save_draft("explainer", "s1", explainer_body())
    assert document is not None
    return document


@pytest.fixture
def client(store: Store, db_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=str(db_path))), follow_redirects=False) as client:
        yield client


def log_in(client: TestClient, name: str = "ana", password: str = PASSWORD,
           next: str = "/editor") -> str:
    """Log in through the form; return the session's CSRF token."""
    form = client.get("/editor/login", params={"next": next})
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, form.text
    response = client.post("/editor/login", data={"name": name, "password": password,
                                                  "csrf_token": token[1], "next": next})
    assert response.status_code == 303, response.text
    return str(client.get("/api/v1/editor/session").json()["csrf_token"])


def editor_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every route of the editor router but the login form, as (method, path)."""
    store = client.app.state.desk.store  # type: ignore[attr-defined]
    routes = [(method, route.path) for route in editor_router(store).routes
              if isinstance(route, APIRoute) for method in sorted(route.methods)]
    # ...and the app serves each of them.
    served = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    assert all(method.lower() in served[path] for method, path in routes)
    return [r for r in routes if r not in PUBLIC]


def test_every_editor_route_refuses_a_logged_out_user(client: TestClient,
                                                      draft: Document) -> None:
    routes = editor_routes(client)
    assert len(routes) >= 14  # the enumeration found the router's routes
    for method, path in routes:
        url = path.replace("{document_id}", draft.id)
        response = client.request(method, url, headers={CSRF_HEADER: "x"},
                                  data={"csrf_token": "x"} if method == "POST" else None)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path)
        else:
            assert response.status_code == 303, (method, path)
            assert response.headers["location"].startswith("/editor/login"), (method, path)
    # A forged cookie is no better than none.
    client.cookies.set(SESSION_COOKIE, "forged")
    assert client.get("/api/v1/editor/queue").status_code == 401
    assert client.get("/editor").status_code == 303


def test_every_write_needs_the_csrf_token(client: TestClient, draft: Document) -> None:
    log_in(client)
    writes = [(m, p) for m, p in editor_routes(client) if m == "POST"]
    assert len(writes) >= 6
    for _, path in writes:
        url = path.replace("{document_id}", draft.id)
        if path.startswith("/api/"):
            missing = client.post(url, json=explainer_body())
            wrong = client.post(url, json=explainer_body(), headers={CSRF_HEADER: "wrong"})
        else:
            missing = client.post(url, data={"statement-0-0": "changed"})
            wrong = client.post(url, data={"statement-0-0": "changed", "csrf_token": "wrong"})
        assert (missing.status_code, wrong.status_code) == (403, 403), path
    assert [d.version for d in Documents(client.app.state.desk.store)  # type: ignore[attr-defined]
            .history("explainer", "s1")] == [1]
    assert client.get("/editor").status_code == 200  # still logged in


def test_login_form_needs_its_own_token_and_the_right_password(client: TestClient) -> None:
    refused = client.post("/editor/login", data={"name": "ana", "password": PASSWORD})
    assert refused.status_code == 403 and SESSION_COOKIE not in refused.cookies
    form = client.get("/editor/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    wrong = client.post("/editor/login", data={"name": "ana", "password": "guess again!",
                                               "csrf_token": token[1]})
    assert wrong.status_code == 401 and "Wrong name or password" in wrong.text
    assert SESSION_COOKIE not in client.cookies


def test_session_cookie_is_httponly_and_samesite_lax(client: TestClient) -> None:
    form = client.get("/editor/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    response = client.post("/editor/login", data={"name": "ana", "password": PASSWORD,
                                                  "csrf_token": token[1]})
    [cookie] = [c for c in response.headers.get_list("set-cookie")
                if c.startswith(SESSION_COOKIE + "=")]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(client: TestClient,
                                                                  draft: Document) -> None:
    asked = client.get(f"/editor/documents/{draft.id}")
    assert asked.headers["location"] == f"/editor/login?next=/editor/documents/{draft.id}"
    form = client.get(asked.headers["location"])
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token and f'name="next" value="/editor/documents/{draft.id}"' in form.text
    for target, landing in [("https://evil.example/", "/editor"),
                            ("//evil.example", "/editor"),
                            (f"/editor/documents/{draft.id}", f"/editor/documents/{draft.id}")]:
        client.cookies.clear()
        form = client.get("/editor/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token
        response = client.post("/editor/login", data={"name": "ana", "password": PASSWORD,
                                                      "csrf_token": token[1], "next": target})
        assert response.headers["location"] == landing


def test_editor_edits_and_approves_and_readers_get_the_edited_text(
        client: TestClient, store: Store, draft: Document) -> None:
    csrf = log_in(client)
    queue = client.get("/editor")
    assert f'id="open-{draft.id}"' in queue.text
    page = client.get(f"/editor/documents/{draft.id}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    for field in ("title", "heading-0", "statement-0-0", "statement-0-1", "heading-1",
                  "statement-1-0"):
        assert f'id="{field}" name="{field}"' in page.text
    assert 'id="approve"' in page.text and 'id="reject"' in page.text
    saved = client.post(f"/editor/documents/{draft.id}/save",
                        data={"csrf_token": csrf, "statement-0-1": EDITED,
                              "statement-1-0": "", "action": "save"})
    assert saved.status_code == 303
    edited_id = saved.headers["location"].split("/")[-1].split("?")[0]
    assert edited_id != draft.id
    edited_page = client.get(saved.headers["location"])
    assert "Saved as a new version." in edited_page.text
    assert "1 heading removed" in edited_page.text  # the emptied section went with it
    assert f"+- {EDITED}" in edited_page.text  # the diff against version 1
    assert client.post(f"/editor/documents/{edited_id}/approve",
                       data={"csrf_token": csrf}).status_code == 303
    shown = Documents(store).published("explainer", "s1", show_unreviewed=False)
    assert shown is not None and shown.id == edited_id and shown.reviewed
    assert shown.body.sections[0].statements[1].text == EDITED
    assert shown.body.sections[0].statements[1].citations == \
        draft.body.sections[0].statements[1].citations
    assert client.get("/api/v1/editor/queue").json() == []
    actions = [e["action"] for e in client.get("/api/v1/editor/audit").json()]
    assert actions[:3] == ["approve", "edit", "login"]


def test_api_reviews_with_the_csrf_header(client: TestClient, draft: Document) -> None:
    csrf = log_in(client)
    [queued] = client.get("/api/v1/editor/queue").json()
    assert queued["id"] == draft.id and queued["status"] == "draft"
    detail = client.get(f"/api/v1/editor/documents/{draft.id}").json()
    assert detail["document"]["body"] == explainer_body()
    assert detail["previous_id"] is None and detail["diff"].startswith("--- nothing")
    body = explainer_body()
    body["title"] = "Deported students"
    edited = client.post(f"/api/v1/editor/documents/{draft.id}/edit", json=body,
                         headers={CSRF_HEADER: csrf}).json()
    assert (edited["version"], edited["editor"]) == (2, "ana")
    stale = client.post(f"/api/v1/editor/documents/{draft.id}/edit", json=explainer_body(),
                        headers={CSRF_HEADER: csrf})
    assert stale.status_code == 409 and "not the latest" in stale.json()["detail"]
    rejected = client.post(f"/api/v1/editor/documents/{edited['id']}/reject",
                           params={"note": "title too short"}, headers={CSRF_HEADER: csrf})
    assert rejected.json()["status"] == "rejected"
    again = client.post(f"/api/v1/editor/documents/{edited['id']}/reject",
                        headers={CSRF_HEADER: csrf})
    assert again.status_code == 409
    assert client.get("/api/v1/editor/documents/d0").status_code == 404


def test_logout_ends_the_session(client: TestClient) -> None:
    csrf = log_in(client)
    assert client.get("/editor").status_code == 200
    assert client.post("/editor/logout", data={"csrf_token": csrf}).status_code == 303
    assert client.get("/editor").status_code == 303
    assert client.get("/api/v1/editor/queue").status_code == 401


def test_stored_text_is_shown_as_text_never_as_markup(client: TestClient,
                                                      store: Store) -> None:
    body = explainer_body(extra='<script>alert("x")</script><img src=x onerror=alert(1)>')
    body["title"] = "<b>Bold</b> claims"
    document = Documents(store).save_draft("analysis", "s2", body)
    assert document is not None
    log_in(client)
    for url in ("/editor", f"/editor/documents/{document.id}", "/editor/audit"):
        page = client.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>Bold" not in page
    page = client.get(f"/editor/documents/{document.id}").text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "&lt;b&gt;Bold&lt;/b&gt; claims" in page
