"""Near-duplicates are linked to the first copy with both outlets kept, never stored twice."""

from __future__ import annotations

import json
from pathlib import Path

from backstory.ingest.dedup import containment, fingerprint
from backstory.pipeline import Desk

ORIGINAL = (
    "The tide gates of Lowmarsh harbour failed on Monday night as a storm surge flooded the "
    "fish market and about 140 homes on the quayside, the harbour authority said.\n"
    "Harbour master Piet Okonjo said two of the four gates had jammed half open when the "
    "power failed, and that crews worked until dawn to close them by hand.\n"
    "The town council will meet on Thursday to decide whether to pay for new gate motors, "
    "which engineers put at 2.3 million crowns.\n"
    "Residents of the quayside were allowed back into their homes on Tuesday afternoon after "
    "engineers checked the sea wall for damage."
)
SYNDICATED = "LOWMARSH (Valley Press Agency) - " + ORIGINAL.replace(
    "the harbour authority said", "according to the harbour authority")
TRUNCATED = "\n".join(ORIGINAL.split("\n")[:2])
INDEPENDENT = (
    "Some 140 quayside homes and Lowmarsh's fish market were under water on Tuesday morning "
    "after a surge overtopped the harbour's tide gates.\n"
    "Two gates stuck when the electricity cut out, according to Piet Okonjo, who runs the "
    "harbour. Councillors will weigh a 2.3 million crown bill for motors on Thursday."
)


def _jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_copies_are_linked_and_independent_reports_kept(desk: Desk, tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "wire.jsonl", [
        {"text": ORIGINAL, "outlet": "Harbour Ledger", "title": "Tide gates fail",
         "url": "https://example.org/ledger/gates"},
        {"text": SYNDICATED, "outlet": "Valley Press Agency", "title": "Storm surge floods "
         "Lowmarsh", "url": "https://example.org/vpa/gates"},
        {"text": TRUNCATED, "outlet": "Northgate Wire", "title": "Lowmarsh gates fail"},
        {"text": INDEPENDENT, "outlet": "Lakeside Courier", "title": "Quayside under water"},
    ])
    report = desk.ingest([str(source)])
    original, syndicated, truncated, independent = report.articles
    assert original.duplicate_of is None and independent.duplicate_of is None
    assert syndicated.duplicate_of == original.id
    assert truncated.duplicate_of == original.id
    assert desk.store.count_articles() == 2
    copies = {c.outlet for c in desk.article(original.id).copies}
    assert copies == {"Valley Press Agency", "Northgate Wire"}


def test_a_copy_arriving_in_a_later_run_is_linked(desk: Desk, tmp_path: Path) -> None:
    desk.ingest([str(_jsonl(tmp_path / "a.jsonl", [{"text": ORIGINAL, "outlet": "A"}]))])
    later = desk.ingest([str(_jsonl(tmp_path / "b.jsonl", [{"text": SYNDICATED,
                                                            "outlet": "B"}]))])
    assert (later.added, later.duplicates) == (0, 1)


def test_containment_separates_copies_from_independent_reports() -> None:
    original = fingerprint(ORIGINAL)
    assert containment(original, fingerprint(TRUNCATED)) > 0.95
    assert containment(original, fingerprint(SYNDICATED)) > 0.8
    assert containment(original, fingerprint(INDEPENDENT)) < 0.2
