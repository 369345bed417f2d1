"""The editor desk's tables in SQL: accounts, sessions, document versions, the audit log.

Also the one JSON shape a document body is stored and served in:
`{"title", "sections": [{"heading", "statements": [{"text", "citations": [...]}]}]}`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from backstory.errors import EditorError, NotFoundError
from backstory.models import (
    AuditEntry,
    Citation,
    Document,
    DocumentBody,
    EditorSession,
    Section,
    Statement,
    User,
)
from backstory.store import schema as t

__all__ = ["EditorTables", "body_json", "body_payload", "parse_body"]

_CITATION_FIELDS = ("article_id", "sentence_id", "sentence", "start", "end", "outlet", "url",
                    "published_at")


class EditorTables:
    """The editor desk's part of `SQLiteStore`; every write also appends its audit entry
    in the same transaction, so the log never misses a change nor records one undone."""

    _engine: Engine

    def _write(self) -> Any:
        raise NotImplementedError

    # -- accounts ---------------------------------------------------------------------------

    def add_user(self, name: str, password_hash: str, *, created_at: str,
                 audit: AuditEntry) -> User:
        with self._write() as conn:
            user_id = conn.execute(t.users.insert().values(
                name=name, password_hash=password_hash, created_at=created_at)
            ).inserted_primary_key[0]
            _insert_audit(conn, audit)
        return User(id=int(user_id), name=name, password_hash=password_hash,
                    created_at=created_at)

    def user(self, name: str) -> User | None:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(t.users).where(t.users.c.name == name)).first()
        return _user(row) if row else None

    def users(self) -> list[User]:
        with self._engine.connect() as conn:
            return [_user(row) for row in conn.execute(sa.select(t.users)
                                                       .order_by(t.users.c.name))]

    def set_password_hash(self, name: str, password_hash: str) -> None:
        with self._write() as conn:
            conn.execute(t.users.update().where(t.users.c.name == name)
                         .values(password_hash=password_hash))

    # -- sessions ---------------------------------------------------------------------------

    def add_session(self, session: EditorSession, *, audit: AuditEntry) -> None:
        """Store a new session (and forget the sessions that have expired by now)."""
        with self._write() as conn:
            user_id = conn.execute(sa.select(t.users.c.id)
                                   .where(t.users.c.name == session.user)).scalar()
            if user_id is None:
                raise NotFoundError(f"no editor named {session.user!r}", user=session.user)
            conn.execute(t.sessions.delete().where(t.sessions.c.expires_at <= session.created_at))
            conn.execute(t.sessions.insert().values(
                token_hash=session.token_hash, user_id=user_id, csrf_token=session.csrf_token,
                created_at=session.created_at, expires_at=session.expires_at))
            _insert_audit(conn, audit)

    def editor_session(self, token_hash: str) -> EditorSession | None:
        """The session with this token hash, expired or not (the caller checks the time)."""
        s = t.sessions.c
        query = sa.select(s.token_hash, t.users.c.name, s.csrf_token, s.created_at,
                          s.expires_at).join_from(t.sessions, t.users
                                                  ).where(s.token_hash == token_hash)
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return EditorSession(token_hash=row.token_hash, user=row.name, csrf_token=row.csrf_token,
                             created_at=row.created_at, expires_at=row.expires_at
                             ) if row else None

    def end_session(self, token_hash: str, *, audit: AuditEntry | None) -> None:
        with self._write() as conn:
            gone = conn.execute(t.sessions.delete()
                                .where(t.sessions.c.token_hash == token_hash)).rowcount
            if gone and audit is not None:
                _insert_audit(conn, audit)

    # -- documents --------------------------------------------------------------------------

    def add_document(self, document: Document, *, audit: AuditEntry) -> None:
        """Store a new version; refused if that version number is taken (saved meanwhile)."""
        with self._write() as conn:
            taken = conn.execute(sa.select(t.documents.c.id).where(
                t.documents.c.kind == document.kind, t.documents.c.story_id == document.story_id,
                t.documents.c.version == document.version)).first()
            if taken:
                raise EditorError(
                    f"version {document.version} of the {document.kind} of story "
                    f"{document.story_id} was saved meanwhile; open the latest version and "
                    "edit that", document_id=taken.id)
            conn.execute(t.documents.insert().values(
                id=document.id, kind=document.kind, story_id=document.story_id,
                version=document.version, status=document.status,
                body=body_json(document.body), body_hash=document.body_hash,
                changes=document.changes, created_at=document.created_at,
                editor=document.editor, reviewed_by=document.reviewed_by,
                reviewed_at=document.reviewed_at))
            _insert_audit(conn, audit)

    def document(self, document_id: str) -> Document:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(t.documents)
                               .where(t.documents.c.id == document_id)).first()
        if row is None:
            raise NotFoundError(f"no document {document_id!r}: the editor desk lists them "
                                "at /editor", document_id=document_id)
        return _document(row)

    def document_versions(self, kind: str, story_id: str) -> list[Document]:
        """Every version of a story's document of one kind, oldest first."""
        d = t.documents.c
        query = sa.select(t.documents).where(d.kind == kind, d.story_id == story_id
                                             ).order_by(d.version)
        with self._engine.connect() as conn:
            return [_document(row) for row in conn.execute(query)]

    def set_document_status(self, document_id: str, *, status: str, reviewer: str, at: str,
                            audit: AuditEntry) -> Document:
        with self._write() as conn:
            changed = conn.execute(t.documents.update().where(t.documents.c.id == document_id)
                                   .values(status=status, reviewed_by=reviewer,
                                           reviewed_at=at)).rowcount
            if not changed:
                raise NotFoundError(f"no document {document_id!r}", document_id=document_id)
            _insert_audit(conn, audit)
            row = conn.execute(sa.select(t.documents)
                               .where(t.documents.c.id == document_id)).one()
        return _document(row)

    def documented_stories(self) -> set[str]:
        """The stories that have at least one document version."""
        with self._engine.connect() as conn:
            return set(conn.execute(sa.select(t.documents.c.story_id).distinct()).scalars())

    def review_queue(self) -> list[Document]:
        """Drafts that are the latest version of their document, newest first."""
        d = t.documents.c
        later = sa.alias(t.documents)
        newer = sa.select(sa.literal(1)).where(later.c.kind == d.kind,
                                               later.c.story_id == d.story_id,
                                               later.c.version > d.version).exists()
        query = sa.select(t.documents).where(d.status == "draft", ~newer
                                             ).order_by(d.created_at.desc(), d.id)
        with self._engine.connect() as conn:
            return [_document(row) for row in conn.execute(query)]

    def published_document(self, kind: str, story_id: str, *, include_drafts: bool
                           ) -> Document | None:
        """The latest approved version; else, if asked, the latest draft."""
        d = t.documents.c
        with self._engine.connect() as conn:
            for status in ("approved", "draft") if include_drafts else ("approved",):
                row = conn.execute(sa.select(t.documents).where(
                    d.kind == kind, d.story_id == story_id, d.status == status
                ).order_by(d.version.desc()).limit(1)).first()
                if row:
                    return _document(row)
        return None

    # -- audit log --------------------------------------------------------------------------

    def add_audit(self, entry: AuditEntry) -> None:
        with self._write() as conn:
            _insert_audit(conn, entry)

    def audit_log(self, *, limit: int = 100, offset: int = 0,
                  document_id: str | None = None) -> list[AuditEntry]:
        """What was done at the editor desk, newest first."""
        a = t.audit_log.c
        query = sa.select(t.audit_log).order_by(a.id.desc()).limit(limit).offset(offset)
        if document_id is not None:
            query = query.where(a.document_id == document_id)
        with self._engine.connect() as conn:
            return [AuditEntry(id=row.id, at=row.at, user=row.user, action=row.action,
                               document_id=row.document_id, detail=row.detail)
                    for row in conn.execute(query)]


def body_payload(body: DocumentBody) -> dict[str, Any]:
    """A document body in its JSON shape."""
    return {"title": body.title, "sections": [
        {"heading": section.heading, "statements": [
            {"text": s.text, "citations": [{f: getattr(c, f) for f in _CITATION_FIELDS}
                                           for c in s.citations]}
            for s in section.statements]}
        for section in body.sections]}


def body_json(body: DocumentBody) -> str:
    """The body as canonical JSON text: equal bodies give equal text (and hash)."""
    return json.dumps(body_payload(body), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))


def parse_body(payload: Mapping[str, Any]) -> DocumentBody:
    """Read a body from its JSON shape; `EditorError` names the first field that is wrong."""
    try:
        return DocumentBody(
            title=_text(payload, "title"),
            sections=tuple(
                Section(
                    heading=_text(section, "heading"),
                    statements=tuple(
                        Statement(text=_text(statement, "text"),
                                  citations=tuple(_citation(c) for c in
                                                  _list(statement, "citations")))
                        for statement in _list(section, "statements")))
                for section in _list(payload, "sections")))
    except (TypeError, KeyError, ValueError) as exc:
        raise EditorError(f"not a document body: {exc}") from exc


def _text(item: Any, key: str) -> str:
    value = item[key]
    if not isinstance(value, str):
        raise TypeError(f"{key!r} must be text, not {type(value).__name__}")
    return value


def _list(item: Any, key: str) -> Sequence[Any]:
    value = item[key]
    if not isinstance(value, list):
        raise TypeError(f"{key!r} must be a list, not {type(value).__name__}")
    return value


def _optional_text(item: Any, key: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"citation {key!r} must be text or null")
    return value


def _citation(item: Any) -> Citation:
    if not isinstance(item, Mapping):
        raise TypeError("a citation must be an object")
    start, end = item["start"], item["end"]
    if not isinstance(start, int) or not isinstance(end, int):
        raise TypeError("citation 'start' and 'end' must be integers")
    return Citation(article_id=_text(item, "article_id"), sentence_id=_text(item, "sentence_id"),
                    sentence=_text(item, "sentence"), start=start, end=end,
                    outlet=_optional_text(item, "outlet"), url=_optional_text(item, "url"),
                    published_at=_optional_text(item, "published_at"))


def _insert_audit(conn: Connection, entry: AuditEntry) -> None:
    conn.execute(t.audit_log.insert().values(at=entry.at, user=entry.user, action=entry.action,
                                             document_id=entry.document_id, detail=entry.detail))


def _user(row: Any) -> User:
    return User(id=row.id, name=row.name, password_hash=row.password_hash,
                created_at=row.created_at)


def _document(row: Any) -> Document:
    return Document(id=row.id, kind=row.kind, story_id=row.story_id, version=row.version,
                    status=row.status, body=parse_body(json.loads(row.body)),
                    body_hash=row.body_hash, created_at=row.created_at, editor=row.editor,
                    changes=row.changes, reviewed_by=row.reviewed_by,
                    reviewed_at=row.reviewed_at)
