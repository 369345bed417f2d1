"""The JSON shapes of the editor desk's records, shared by the CLI and the web API."""

from __future__ import annotations

from typing import Any

from backstory.models import AuditEntry, Document, User
from backstory.store.documents import body_payload

__all__ = ["audit_payload", "document_payload", "user_payload"]


def document_payload(document: Document, *, with_body: bool = True) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": document.id, "kind": document.kind, "story_id": document.story_id,
        "version": document.version, "status": document.status,
        "reviewed": document.reviewed, "created_at": document.created_at,
        "editor": document.editor, "changes": document.changes,
        "reviewed_by": document.reviewed_by, "reviewed_at": document.reviewed_at,
        "title": document.body.title,
    }
    if with_body:
        payload["body"] = body_payload(document.body)
    return payload


def user_payload(user: User) -> dict[str, Any]:
    """An account as shown: never its password hash."""
    return {"id": user.id, "name": user.name, "created_at": user.created_at}


def audit_payload(entry: AuditEntry) -> dict[str, Any]:
    return {"id": entry.id, "at": entry.at, "user": entry.user, "action": entry.action,
            "document_id": entry.document_id, "detail": entry.detail}
