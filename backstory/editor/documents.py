"""Versions of generated documents: drafts, edits, review, history, diffs and publishing."""

from __future__ import annotations

import difflib
import hashlib
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from backstory.editor.accounts import utc_now
from backstory.errors import EditorError
from backstory.models import (
    DOCUMENT_KINDS,
    AuditEntry,
    Citation,
    Document,
    DocumentBody,
)
from backstory.store import Store
from backstory.store.documents import body_json, parse_body

__all__ = ["Documents", "body_hash", "diff_documents", "render_text", "summarize_changes"]

LOGGER = logging.getLogger(__name__)


class Documents:
    """The versions of every story's explainer, FAQ and analysis, and their review.

    A version is never changed after it is written, except for its review status: an edit
    is a new version. `clock` gives the current time (UTC).
    """

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.clock = clock

    def save_draft(self, kind: str, story_id: str,
                   body: DocumentBody | Mapping[str, Any]) -> Document | None:
        """Store a newly generated body as a draft, or return None when nothing changed.

        Nothing changed when the body equals the latest version, or the latest generated
        one (an editor's edit of it does not make the same generated text new again).
        """
        _check_kind(kind)
        body = body if isinstance(body, DocumentBody) else parse_body(body)
        _check_body(body)
        digest = body_hash(body)
        versions = self.store.document_versions(kind, story_id)
        generated = [v for v in versions if v.editor is None]
        if versions and digest in (versions[-1].body_hash,
                                   generated[-1].body_hash if generated else None):
            return None
        previous = versions[-1] if versions else None
        document = self._new_version(kind, story_id, body, digest, previous=previous,
                                     editor=None)
        self.store.add_document(document, audit=AuditEntry(
            at=document.created_at, user=None, action="draft", document_id=document.id,
            detail=document.changes))
        LOGGER.info("new draft %s v%d of story %s: %s", kind, document.version, story_id,
                    document.changes)
        return document

    def edit(self, document_id: str, body: DocumentBody | Mapping[str, Any],
             editor: str) -> Document:
        """Store an editor's changes to the latest version as a new draft version.

        Editors may reword the title, headings and statements and delete statements;
        every statement keeps citations that the version it came from had. An unchanged
        body makes no new version: the document itself is returned.
        """
        base = self.store.document(document_id)
        self._check_editor(editor)
        body = body if isinstance(body, DocumentBody) else parse_body(body)
        _check_body(body)
        versions = self.store.document_versions(base.kind, base.story_id)
        if versions[-1].id != base.id:
            raise EditorError(
                f"version {base.version} is not the latest version of this {base.kind} "
                f"(version {versions[-1].version} is): open the latest and edit that",
                document_id=document_id)
        known = {_citation_key(c) for section in base.body.sections
                 for statement in section.statements for c in statement.citations}
        for section in body.sections:
            for statement in section.statements:
                if not {_citation_key(c) for c in statement.citations} <= known:
                    raise EditorError(
                        f"the statement {statement.text[:60]!r} cites a sentence version "
                        f"{base.version} does not: an edit may reword and delete, not add "
                        "sources", document_id=document_id)
        digest = body_hash(body)
        if digest == base.body_hash:
            return base
        document = self._new_version(base.kind, base.story_id, body, digest, previous=base,
                                     editor=editor)
        self.store.add_document(document, audit=AuditEntry(
            at=document.created_at, user=editor, action="edit", document_id=document.id,
            detail=f"from version {base.version}: {document.changes}"))
        return document

    def approve(self, document_id: str, editor: str, *, note: str = "") -> Document:
        """Approve a version: readers see it (the latest approved version is published)."""
        return self._review(document_id, editor, status="approved", note=note)

    def reject(self, document_id: str, editor: str, *, note: str = "") -> Document:
        """Reject a version: readers never see it (withdraws it if it was approved)."""
        return self._review(document_id, editor, status="rejected", note=note)

    def document(self, document_id: str) -> Document:
        return self.store.document(document_id)

    def history(self, kind: str, story_id: str) -> list[Document]:
        """Every version of a story's document, oldest first."""
        _check_kind(kind)
        return self.store.document_versions(kind, story_id)

    def previous(self, document: Document) -> Document | None:
        """The version before this one, if any."""
        earlier = [v for v in self.store.document_versions(document.kind, document.story_id)
                   if v.version < document.version]
        return earlier[-1] if earlier else None

    def diff(self, old: Document | None, new: Document) -> str:
        """What changed from `old` to `new` (None: from nothing), as a unified diff."""
        return diff_documents(old, new)

    def review_queue(self) -> list[Document]:
        """The drafts waiting for review: latest versions nobody approved or rejected."""
        return self.store.review_queue()

    def published(self, kind: str, story_id: str, *, show_unreviewed: bool
                  ) -> Document | None:
        """What readers see: the latest approved version; without one, when the setting
        allows, the latest draft (its `reviewed` is False: label it "not yet reviewed")."""
        _check_kind(kind)
        return self.store.published_document(kind, story_id, include_drafts=show_unreviewed)

    def _review(self, document_id: str, editor: str, *, status: str, note: str) -> Document:
        document = self.store.document(document_id)
        self._check_editor(editor)
        if document.status == status:
            raise EditorError(f"version {document.version} is already {status}",
                              document_id=document_id)
        action = "approve" if status == "approved" else "reject"
        at = _iso(self.clock())
        detail = f"version {document.version} was {document.status}" + (
            f"; {note}" if note else "")
        return self.store.set_document_status(
            document_id, status=status, reviewer=editor, at=at,
            audit=AuditEntry(at=at, user=editor, action=action, document_id=document_id,
                             detail=detail))

    def _check_editor(self, editor: str) -> None:
        if self.store.user(editor) is None:
            raise EditorError(f"no editor named {editor!r}", editor=editor)

    def _new_version(self, kind: str, story_id: str, body: DocumentBody, digest: str, *,
                     previous: Document | None, editor: str | None) -> Document:
        version = previous.version + 1 if previous else 1
        return Document(
            id="d" + hashlib.sha256(f"{kind}\n{story_id}\n{version}".encode()
                                    ).hexdigest()[:16],
            kind=kind, story_id=story_id, version=version, status="draft", body=body,
            body_hash=digest, created_at=_iso(self.clock()), editor=editor,
            changes=summarize_changes(previous.body if previous else None, body))


def render_text(body: DocumentBody) -> list[str]:
    """A body as plain-text lines: `# title`, `## heading`, `- statement`."""
    lines = [f"# {body.title}"]
    for section in body.sections:
        lines.append(f"## {section.heading}")
        lines.extend(f"- {statement.text}" for statement in section.statements)
    return lines


def diff_documents(old: Document | None, new: Document) -> str:
    """A unified diff of two versions' plain-text renderings."""
    before = render_text(old.body) if old else []
    label = f"version {old.version} ({old.status})" if old else "nothing"
    return "\n".join(difflib.unified_diff(
        before, render_text(new.body), fromfile=label,
        tofile=f"version {new.version} ({new.status})", lineterm=""))


def summarize_changes(old: DocumentBody | None, new: DocumentBody) -> str:
    """What changed from one body to the next, in words: "2 statements added, …"."""
    if old is None:
        statements = sum(len(s.statements) for s in new.sections)
        return f"first version: {_count(len(new.sections), 'section')}, " \
               f"{_count(statements, 'statement')}"
    counts: dict[tuple[str, str], int] = {}
    before, after = render_text(old), render_text(new)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        removed, added = before[i1:i2], after[j1:j2]
        paired = min(len(removed), len(added)) if op == "replace" else 0
        for line in added[:paired]:
            _tally(counts, line, "changed")
        for line in removed[paired:]:
            _tally(counts, line, "removed")
        for line in added[paired:]:
            _tally(counts, line, "added")
    if not counts:
        return "no change in the text"
    order = ("title", "heading", "statement")
    return ", ".join(f"{_count(n, what)} {how}" for what in order
                     for how in ("changed", "added", "removed")
                     for n in [counts.get((what, how), 0)] if n)


def body_hash(body: DocumentBody) -> str:
    """The SHA-256 of the body's canonical JSON: equal bodies, equal hashes."""
    return hashlib.sha256(body_json(body).encode()).hexdigest()


def _tally(counts: dict[tuple[str, str], int], line: str, how: str) -> None:
    what = "title" if line.startswith("# ") else "heading" if line.startswith("## ") \
        else "statement"
    counts[what, how] = counts.get((what, how), 0) + 1


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _check_kind(kind: str) -> None:
    if kind not in DOCUMENT_KINDS:
        raise EditorError(f"unknown document kind {kind!r}: use one of "
                          f"{', '.join(DOCUMENT_KINDS)}", kind=kind)


def _check_body(body: DocumentBody) -> None:
    """Generated text is never shown without its sources, nor as an empty line."""
    if not body.title.strip():
        raise EditorError("the document needs a title")
    for section in body.sections:
        if not section.heading.strip():
            raise EditorError("every section needs a heading")
        if not section.statements:
            raise EditorError(f"the section {section.heading[:60]!r} has no statements: "
                              "leave the section out instead")
        for statement in section.statements:
            if not statement.text.strip():
                raise EditorError(f"a statement under {section.heading[:60]!r} is empty")
            if not statement.citations:
                raise EditorError(f"the statement {statement.text[:60]!r} has no citation: "
                                  "every statement must cite its source sentence")


def _citation_key(citation: Citation) -> tuple[str, str, int, int]:
    return citation.article_id, citation.sentence_id, citation.start, citation.end


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
