"""Document versions on a real SQLite store: drafts, edits, review, history, diffs, audit."""

from __future__ import annotations

import copy

import pytest

from backstory.editor import Accounts, Documents, body_payload
from backstory.errors import EditorError, NotFoundError
from backstory.store import Store
from tests.editor.conftest import PASSWORD, explainer_body

DULLES = "Eight students were stopped at Dulles, the Chinese embassy said."


@pytest.fixture
def editor(accounts: Accounts) -> str:
    return accounts.add_user("ana", PASSWORD).name


def test_save_draft_is_idempotent_and_versions_a_changed_body(documents: Documents) -> None:
    first = documents.save_draft("explainer", "s1", explainer_body())
    assert first is not None and (first.version, first.status) == (1, "draft")
    assert first.changes == "first version: 2 sections, 3 statements"
    assert documents.save_draft("explainer", "s1", explainer_body()) is None
    second = documents.save_draft("explainer", "s1", explainer_body(extra=DULLES))
    assert second is not None and second.version == 2
    assert second.changes == "1 statement added"
    assert [d.version for d in documents.history("explainer", "s1")] == [1, 2]
    # Each kind of each story has its own versions.
    faq = documents.save_draft("faq", "s1", explainer_body())
    assert faq is not None and faq.version == 1


def test_edit_then_approve_publishes_the_edited_text(documents: Documents, editor: str) -> None:
    draft = documents.save_draft("explainer", "s1", explainer_body())
    assert draft is not None
    body = explainer_body()
    body["sections"][0]["statements"][1]["text"] = "At least 11 students were deported."
    edited = documents.edit(draft.id, body, editor)
    assert (edited.version, edited.editor, edited.status) == (2, "ana", "draft")
    assert edited.changes == "1 statement changed"
    assert documents.published("explainer", "s1", show_unreviewed=False) is None
    unreviewed = documents.published("explainer", "s1", show_unreviewed=True)
    assert unreviewed is not None and unreviewed.id == edited.id and not unreviewed.reviewed
    approved = documents.approve(edited.id, editor)
    assert approved.reviewed and approved.reviewed_by == "ana"
    for setting in (False, True):
        shown = documents.published("explainer", "s1", show_unreviewed=setting)
        assert shown is not None and shown.id == edited.id
        assert shown.body.sections[0].statements[1].text == "At least 11 students were deported."
    assert documents.review_queue() == []


def test_a_new_draft_waits_while_readers_keep_the_approved_version(documents: Documents,
                                                                   editor: str) -> None:
    first = documents.save_draft("explainer", "s1", explainer_body())
    assert first is not None
    documents.approve(first.id, editor)
    newer = documents.save_draft("explainer", "s1", explainer_body(extra=DULLES))
    assert newer is not None
    assert [d.id for d in documents.review_queue()] == [newer.id]
    shown = documents.published("explainer", "s1", show_unreviewed=True)
    assert shown is not None and shown.id == first.id


def test_reject_keeps_a_version_from_readers(documents: Documents, editor: str) -> None:
    draft = documents.save_draft("faq", "s1", explainer_body())
    assert draft is not None
    rejected = documents.reject(draft.id, editor, note="numbers unclear")
    assert rejected.status == "rejected"
    assert documents.published("faq", "s1", show_unreviewed=True) is None
    assert documents.review_queue() == []
    with pytest.raises(EditorError, match="already rejected"):
        documents.reject(draft.id, editor)
    # The same generated text is not put up for review again.
    assert documents.save_draft("faq", "s1", explainer_body()) is None


def test_history_and_diff(documents: Documents, editor: str) -> None:
    first = documents.save_draft("analysis", "s1", explainer_body())
    assert first is not None
    body = explainer_body()
    del body["sections"][0]["statements"][0]
    body["sections"][1]["heading"] = "Who is who"
    second = documents.edit(first.id, body, editor)
    assert second.changes == "1 heading changed, 1 statement removed"
    history = documents.history("analysis", "s1")
    assert [(d.version, d.editor) for d in history] == [(1, None), (2, "ana")]
    assert documents.previous(second) == first
    diff = documents.diff(first, second)
    assert diff.startswith("--- version 1 (draft)\n+++ version 2 (draft)")
    assert "\n-- Wang Xiaohong met Alejandro Mayorkas in Vienna on 18 February 2024." in diff
    assert "\n-## Who is involved\n+## Who is who" in diff
    assert "@@ -0,0 +1,6 @@" in documents.diff(None, first)


def test_edits_reword_and_delete_but_never_add_sources(documents: Documents,
                                                       editor: str) -> None:
    draft = documents.save_draft("explainer", "s1", explainer_body())
    assert draft is not None
    invented = explainer_body(extra=DULLES)  # a statement citing a sentence draft lacks
    with pytest.raises(EditorError, match="not add sources"):
        documents.edit(draft.id, invented, editor)
    uncited = explainer_body()
    uncited["sections"][0]["statements"][0]["citations"] = []
    with pytest.raises(EditorError, match="no citation"):
        documents.edit(draft.id, uncited, editor)
    with pytest.raises(EditorError, match="no editor"):
        documents.edit(draft.id, explainer_body(), "mallory")
    assert documents.edit(draft.id, explainer_body(), editor) == draft  # no change


def test_only_the_latest_version_can_be_edited(documents: Documents, editor: str) -> None:
    first = documents.save_draft("explainer", "s1", explainer_body())
    assert first is not None
    body = copy.deepcopy(body_payload(first.body))
    body["title"] = "Deported students: what we know"
    documents.edit(first.id, body, editor)
    body["title"] = "Another title"
    with pytest.raises(EditorError, match="not the latest"):
        documents.edit(first.id, body, editor)


def test_every_editor_action_is_in_the_audit_log(documents: Documents, editor: str,
                                                  store: Store) -> None:
    draft = documents.save_draft("explainer", "s1", explainer_body())
    assert draft is not None
    body = explainer_body()
    body["title"] = "Deported students"
    edited = documents.edit(draft.id, body, editor)
    documents.approve(edited.id, editor)
    documents.reject(edited.id, editor, note="withdrawn")
    log = store.audit_log()
    assert [(e.user, e.action, e.document_id) for e in log] == [
        ("ana", "reject", edited.id), ("ana", "approve", edited.id),
        ("ana", "edit", edited.id), (None, "draft", draft.id), (None, "user-add", None)]
    assert log[0].detail == "version 2 was approved; withdrawn"
    assert store.audit_log(document_id=draft.id)[0].action == "draft"


def test_unknown_kinds_bodies_and_ids_are_refused(documents: Documents) -> None:
    with pytest.raises(EditorError, match="unknown document kind"):
        documents.save_draft("poem", "s1", explainer_body())
    with pytest.raises(EditorError, match="not a document body"):
        documents.save_draft("faq", "s1", {"title": "x", "sections": "nope"})
    with pytest.raises(NotFoundError):
        documents.document("d0000")
