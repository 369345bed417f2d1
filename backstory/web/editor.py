"""The editor desk on the web: login, the review queue, editing and review, and its JSON API.

Every route but the login form needs a live session: pages send a logged-out visitor to
the login form, the API answers 401. Every write also needs the session's CSRF token (a
form field on pages, the `X-CSRF-Token` header on the API), else 403. Writes go through
the store one at a time in this process; SQLite (WAL, busy timeout) makes them take turns
with other processes such as the CLI.
"""

# No `from __future__ import annotations` here: FastAPI reads the routes' annotations at
# run time, and the session dependencies they name are local to `editor_router`.
import hmac
import secrets
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from backstory.editor import (
    Accounts,
    Documents,
    audit_payload,
    csrf_valid,
    diff_documents,
    document_payload,
)
from backstory.errors import AuthError, EditorError
from backstory.models import Document, DocumentBody, EditorSession, Section, Statement
from backstory.store import Store

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "LOGIN_COOKIE", "SESSION_COOKIE", "editor_router"]

SESSION_COOKIE = "backstory_session"
LOGIN_COOKIE = "backstory_login_csrf"  # double-submit token of the login form
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
# Editor pages are private and carry buttons that change what readers see.
_PRIVATE_HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY"}
_DONE = {"saved": "Saved as a new version.", "approved": "Approved: readers see this version.",
         "rejected": "Rejected: readers do not see this version.",
         "unchanged": "Nothing changed, so no new version was made."}

Form = dict[str, str]


def editor_router(store: Store, *, accounts: Accounts | None = None,
                  documents: Documents | None = None) -> APIRouter:
    """The editor desk's pages and API over one store."""
    accounts = accounts or Accounts(store)
    documents = documents or Documents(store)
    desk = _Desk(accounts, documents)
    router = APIRouter()

    # -- who is asking ----------------------------------------------------------------------

    def page_session(request: Request) -> EditorSession:
        try:
            return accounts.session(request.cookies.get(SESSION_COOKIE))
        except AuthError:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            location = "/editor/login" + (f"?next={quote(target)}"
                                          if request.method == "GET" else "")
            raise HTTPException(303, "log in first", headers={"Location": location}) from None

    async def form_fields(request: Request) -> Form:
        form = await request.form()
        return {key: value for key, value in form.multi_items() if isinstance(value, str)}

    def page_write_session(request: Request, form: Annotated[Form, Depends(form_fields)]
                           ) -> EditorSession:
        session = page_session(request)
        if not csrf_valid(session, form.get(CSRF_FIELD)):
            raise HTTPException(403, "the form's CSRF token is missing or out of date: "
                                     "reload the page and try again")
        return session

    def api_session(request: Request) -> EditorSession:
        try:
            return accounts.session(request.cookies.get(SESSION_COOKIE))
        except AuthError as exc:
            raise HTTPException(401, exc.message,
                                headers={"WWW-Authenticate": 'Cookie realm="editor"'}) from None

    def api_write_session(request: Request) -> EditorSession:
        session = api_session(request)
        if not csrf_valid(session, request.headers.get(CSRF_HEADER)):
            raise HTTPException(403, f"the {CSRF_HEADER} header is missing or wrong: "
                                     "GET /api/v1/editor/session gives the token")
        return session

    PageSession = Annotated[EditorSession, Depends(page_session)]
    PageWrite = Annotated[EditorSession, Depends(page_write_session)]
    ApiSession = Annotated[EditorSession, Depends(api_session)]
    ApiWrite = Annotated[EditorSession, Depends(api_write_session)]
    FormFields = Annotated[Form, Depends(form_fields)]

    # -- login and logout (the only routes open to a logged-out visitor) -----------------------

    @router.get("/editor/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/editor") -> Response:
        try:
            accounts.session(request.cookies.get(SESSION_COOKIE))
            return RedirectResponse(_safe_next(next), status_code=303)
        except AuthError:
            pass
        return _login_page(request, next=_safe_next(next))

    @router.post("/editor/login", response_class=HTMLResponse)
    def login(request: Request, form: FormFields) -> Response:
        target = _safe_next(form.get("next", ""))
        expected = request.cookies.get(LOGIN_COOKIE, "")
        given = form.get(CSRF_FIELD, "")
        if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
            return _login_page(request, next=target, status=403,
                               error="The login form was out of date; please try again.")
        try:
            with desk.writing():
                done = accounts.login(form.get("name", ""), form.get("password", ""))
        except AuthError as exc:
            return _login_page(request, next=target, status=401, error=exc.message.capitalize()
                               + ".", name=form.get("name", ""))
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(SESSION_COOKIE, done.token, httponly=True, samesite="lax",
                            secure=request.url.scheme == "https", path="/",
                            max_age=int(accounts.session_ttl.total_seconds()))
        response.delete_cookie(LOGIN_COOKIE, path="/editor/login")
        return response

    @router.post("/editor/logout")
    def logout(request: Request, session: PageWrite) -> Response:
        with desk.writing():
            accounts.logout(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/editor/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # -- pages ------------------------------------------------------------------------------

    @router.get("/editor", response_class=HTMLResponse)
    def queue_page(request: Request, session: PageSession) -> Response:
        return _page(request, "editor_queue.html", session, queue=documents.review_queue())

    @router.get("/editor/documents/{document_id}", response_class=HTMLResponse)
    def document_page(request: Request, document_id: str, session: PageSession,
                      against: str | None = None, done: str | None = None) -> Response:
        return desk.document_page(request, session, documents.document(document_id),
                                  against=against, notice=_DONE.get(done or ""))

    @router.post("/editor/documents/{document_id}/save")
    def save(request: Request, document_id: str, session: PageWrite,
             form: FormFields) -> Response:
        document = documents.document(document_id)
        try:
            with desk.writing():
                edited = documents.edit(document_id, body_from_form(document.body, form),
                                        session.user)
                if form.get("action") == "save-approve" and not edited.reviewed:
                    edited = documents.approve(edited.id, session.user)
        except EditorError as exc:
            return desk.document_page(request, session, document, error=exc.message,
                                      status=409)
        if edited.id == document_id and form.get("action") != "save-approve":
            done = "unchanged"
        else:
            done = "approved" if edited.reviewed else "saved"
        return RedirectResponse(f"/editor/documents/{edited.id}?done={done}", status_code=303)

    @router.post("/editor/documents/{document_id}/approve")
    def approve(request: Request, document_id: str, session: PageWrite,
                form: FormFields) -> Response:
        return desk.review_from_page(request, session, document_id, approve=True,
                                     note=form.get("note", ""))

    @router.post("/editor/documents/{document_id}/reject")
    def reject(request: Request, document_id: str, session: PageWrite,
               form: FormFields) -> Response:
        return desk.review_from_page(request, session, document_id, approve=False,
                                     note=form.get("note", ""))

    @router.get("/editor/audit", response_class=HTMLResponse)
    def audit_page(request: Request, session: PageSession,
                   offset: int = Query(0, ge=0)) -> Response:
        return _page(request, "editor_audit.html", session, offset=offset,
                     entries=store.audit_log(limit=100, offset=offset))

    # -- JSON API ---------------------------------------------------------------------------

    @router.get("/api/v1/editor/session")
    def api_session_info(session: ApiSession) -> dict[str, Any]:
        return {"user": session.user, "csrf_token": session.csrf_token,
                "expires_at": session.expires_at}

    @router.get("/api/v1/editor/queue")
    def api_queue(session: ApiSession) -> list[dict[str, Any]]:
        return [document_payload(d, with_body=False) for d in documents.review_queue()]

    @router.get("/api/v1/editor/documents/{document_id}")
    def api_document(document_id: str, session: ApiSession) -> dict[str, Any]:
        document = documents.document(document_id)
        history = documents.history(document.kind, document.story_id)
        previous = documents.previous(document)
        return {"document": document_payload(document),
                "previous_id": previous.id if previous else None,
                "diff": diff_documents(previous, document),
                "history": [document_payload(d, with_body=False) for d in history]}

    @router.post("/api/v1/editor/documents/{document_id}/edit")
    def api_edit(document_id: str, session: ApiWrite,
                 body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
        with desk.writing(), _conflict():
            return document_payload(documents.edit(document_id, body, session.user))

    @router.post("/api/v1/editor/documents/{document_id}/approve")
    def api_approve(document_id: str, session: ApiWrite,
                    note: Annotated[str, Query(max_length=500)] = "") -> dict[str, Any]:
        with desk.writing(), _conflict():
            return document_payload(documents.approve(document_id, session.user, note=note))

    @router.post("/api/v1/editor/documents/{document_id}/reject")
    def api_reject(document_id: str, session: ApiWrite,
                   note: Annotated[str, Query(max_length=500)] = "") -> dict[str, Any]:
        with desk.writing(), _conflict():
            return document_payload(documents.reject(document_id, session.user, note=note))

    @router.get("/api/v1/editor/audit")
    def api_audit(session: ApiSession, limit: int = Query(100, ge=1, le=1000),
                  offset: int = Query(0, ge=0),
                  document_id: str | None = None) -> list[dict[str, Any]]:
        return [audit_payload(e) for e in store.audit_log(limit=limit, offset=offset,
                                                          document_id=document_id)]

    return router


def body_from_form(body: DocumentBody, form: Mapping[str, str]) -> DocumentBody:
    """The body as the edit form changed it: `title`, `heading-S`, `statement-S-I`.

    A field left out keeps its text; a statement emptied is deleted, and a section with
    no statements left goes with it. Citations stay with their statements.
    """
    sections = []
    for s, section in enumerate(body.sections):
        statements = tuple(
            Statement(text=text, citations=statement.citations)
            for i, statement in enumerate(section.statements)
            for text in [_one_line(form.get(f"statement-{s}-{i}", statement.text))] if text)
        if statements:
            sections.append(Section(
                heading=_one_line(form.get(f"heading-{s}", section.heading)) or section.heading,
                statements=statements))
    return DocumentBody(title=_one_line(form.get("title", body.title)) or body.title,
                        sections=tuple(sections))


class _Desk:
    """What the routes share: one writer at a time, and the document page."""

    def __init__(self, accounts: Accounts, documents: Documents) -> None:
        self.accounts = accounts
        self.documents = documents
        self._lock = threading.Lock()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._lock:
            yield

    def document_page(self, request: Request, session: EditorSession, document: Document, *,
                      against: str | None = None, notice: str | None = None,
                      error: str | None = None, status: int = 200) -> Response:
        history = self.documents.history(document.kind, document.story_id)
        base = self.documents.document(against) if against else \
            self.documents.previous(document)
        if base is not None and (base.kind, base.story_id) != (document.kind, document.story_id):
            raise HTTPException(400, "only versions of the same document can be compared")
        return _page(request, "editor_document.html", session, status=status,
                     document=document, history=list(reversed(history)),
                     latest=history[-1], base=base, notice=notice, error=error,
                     diff=_diff_lines(diff_documents(base, document)),
                     audit=self.documents.store.audit_log(document_id=document.id, limit=50))

    def review_from_page(self, request: Request, session: EditorSession, document_id: str, *,
                         approve: bool, note: str) -> Response:
        try:
            with self.writing():
                review = self.documents.approve if approve else self.documents.reject
                document = review(document_id, session.user, note=note.strip()[:500])
        except EditorError as exc:
            return self.document_page(request, session, self.documents.document(document_id),
                                      error=exc.message, status=409)
        done = "approved" if approve else "rejected"
        return RedirectResponse(f"/editor/documents/{document.id}?done={done}",
                                status_code=303)


@contextmanager
def _conflict() -> Iterator[None]:
    """An edit or review refused by the desk's rules is a 409 with the reason."""
    try:
        yield
    except EditorError as exc:
        if isinstance(exc, AuthError):
            raise
        raise HTTPException(409, exc.message) from exc


def _page(request: Request, template: str, session: EditorSession | None, *,
          status: int = 200, **context: Any) -> Response:
    response = _TEMPLATES.TemplateResponse(
        request, template, {"session": session, "csrf_field": CSRF_FIELD, **context},
        status_code=status)
    response.headers.update(_PRIVATE_HEADERS)
    return response


def _login_page(request: Request, *, next: str, status: int = 200, error: str | None = None,
                name: str = "") -> Response:
    token = secrets.token_urlsafe(32)
    response = _page(request, "editor_login.html", None, status=status, next=next,
                     error=error, name=name, login_csrf=token)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/editor/login")
    return response


def _safe_next(target: str) -> str:
    """Where to go after login: only back into the editor desk, never off-site."""
    if target.startswith("/editor") and not target.startswith("/editor/login") \
            and "\\" not in target:
        return target
    return "/editor"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _diff_lines(diff: str) -> list[tuple[str, str]]:
    """Each line of a unified diff with the class it is shown in."""
    lines = []
    for line in diff.splitlines():
        kind = "file" if line.startswith(("---", "+++")) else "hunk" if line.startswith("@@") \
            else "added" if line.startswith("+") else "removed" if line.startswith("-") \
            else "same"
        lines.append((kind, line))
    return lines
