"""The editor desk: editor accounts and sessions, and the reviewed versions of documents.

    accounts = Accounts(store)            # Argon2id passwords, sessions, CSRF tokens
    documents = Documents(store)          # drafts, edits, approve/reject, history, diffs
    documents.save_draft("explainer", story_id, body)   # None when nothing changed
    documents.published("explainer", story_id, show_unreviewed=settings.show_unreviewed)
"""

from __future__ import annotations

from backstory.editor.accounts import (
    DEFAULT_SESSION_TTL,
    MIN_PASSWORD,
    Accounts,
    Login,
    csrf_valid,
    token_hash,
)
from backstory.editor.documents import (
    Documents,
    body_hash,
    diff_documents,
    render_text,
    summarize_changes,
)
from backstory.editor.payloads import audit_payload, document_payload, user_payload
from backstory.store.documents import body_payload, parse_body

__all__ = [
    "DEFAULT_SESSION_TTL",
    "MIN_PASSWORD",
    "Accounts",
    "Documents",
    "Login",
    "audit_payload",
    "body_hash",
    "body_payload",
    "csrf_valid",
    "diff_documents",
    "document_payload",
    "parse_body",
    "render_text",
    "summarize_changes",
    "token_hash",
    "user_payload",
]
