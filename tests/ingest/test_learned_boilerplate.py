"""Paragraphs an outlet keeps repeating are learned and dropped, from earlier articles too."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from backstory.config import Settings
from backstory.ingest.learned import is_learnable, shape_of
from backstory.ingest.planner import IngestPlanner
from backstory.models import Article
from backstory.pipeline import Desk
from tests.conftest import sql_count

PROMO = "Get the Morning Ledger every weekday at 7am: the harbour, the council and the coast."
STOCK = "The company did not respond to a request for comment."
STORIES = [
    "Port Alderwick's ferry operator cut two winter sailings, citing a shortage of deck "
    "officers.\nIsland councillor Morven Achterberg said pupils would struggle to reach "
    "after-school clubs.",
    "About 11,200 households pay for garden waste collection, which will cost 48 pounds a "
    "year from April.\nOpposition councillor Tobias Wren said the rise would encourage "
    "fly-tipping.",
    "Fourteen beach huts on the Gull Point promenade were broken into overnight on "
    "Saturday.\nOfficers are checking CCTV from the promenade cafe.",
    "The Gull Point lifeboat was called out 41 times last summer, its busiest season on "
    "record.\nVolunteers said most calls involved inflatables blown out to sea.",
]


def test_a_recurring_promo_is_learned_and_removed_everywhere(desk: Desk, tmp_path: Path,
                                                             db_path: Path) -> None:
    rows = []
    for number, story in enumerate(STORIES):
        body = f"{story}\n{STOCK}" if number % 2 else story
        rows.append({"text": f"{body}\n{PROMO}", "outlet": "Harbour Ledger",
                     "title": f"Story {number}", "url": f"https://example.org/hl/{number}"})
    first = tmp_path / "first.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in rows[:2]))
    rest = tmp_path / "rest.jsonl"
    rest.write_text("".join(json.dumps(r) + "\n" for r in rows[2:]))

    earlier = desk.ingest([str(first)]).articles
    assert all(PROMO in desk.article(a.id).article.text for a in earlier)  # seen twice only
    later = desk.ingest([str(rest)]).articles

    for entry in earlier + later:
        view = desk.article(entry.id)
        assert PROMO not in view.article.text
        assert all("Morning Ledger" not in s.text for s in view.sentences)
        for sentence in view.sentences:  # offsets still point into the rewritten text
            assert view.article.text[sentence.start:sentence.end] == sentence.text
    # A stock news line recurs too, but it is reporting, not furniture.
    assert STOCK in desk.article(earlier[1].id).article.text
    assert desk.ask("What time does the Morning Ledger arrive?").abstained
    assert sql_count(db_path, "SELECT count(*) FROM boilerplate") == 1
    assert desk.store.search_sentences(["Ledger"]) == []  # gone from the full-text index


def test_learning_is_per_outlet(desk: Desk, tmp_path: Path) -> None:
    rows = [{"text": f"{story}\n{PROMO}", "outlet": f"Outlet {n}"}
            for n, story in enumerate(STORIES)]
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    for entry in desk.ingest([str(path)]).articles:
        assert PROMO in desk.article(entry.id).article.text


def test_quotes_introduced_with_a_colon_are_not_labels() -> None:
    quotes = ['He said: "I am going to give it everything in the final."',
              'He said: "We were the better side for most of the match."',
              'He said: "Nobody expected the vote to be this close."']
    shapes = {shape_of(q, position=3, count=8).key for q in quotes}
    assert len(shapes) == 3
    labelled = ["Read more: Ferry timetable cut", "Read more: Beach huts broken into",
                "READ MORE: Council votes on gates"]
    assert len({shape_of(p, position=4, count=8).key for p in labelled}) == 1
    assert is_learnable(labelled, [False, False, False])


def _promo_rows(outlet: str, count: int) -> list[dict[str, str]]:
    return [{"text": f"{STORIES[n % len(STORIES)]} (Report {n}.)\n{PROMO}", "outlet": outlet,
             "title": f"Story {n}", "url": f"https://example.org/{outlet[:2]}/{n}"}
            for n in range(count)]


def test_boilerplate_learned_ahead_is_gone_before_analysis_and_recorded_before_storing(
        db_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ledger.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _promo_rows("Harbour Ledger", 4)))
    texts: dict[int, dict[str, str]] = {}
    for lookahead in (0, 8):
        with Desk(Settings(db=f"{db_path}" if lookahead else str(tmp_path / "plain.db"),
                           learn_lookahead=lookahead)) as desk:
            again: list[str] = []
            analyze_again = desk._analyze_again

            def spy(items: Any, again: list[str] = again,
                    analyze_again: Any = analyze_again) -> Any:
                again.extend(article_id for article_id, _ in items)
                return analyze_again(items)

            write = desk.store.write

            def checked_write(items: Any, desk: Desk = desk, write: Any = write) -> None:
                # Nothing is stored cleaned of boilerplate the store has not recorded.
                for item in items:
                    article = getattr(item, "article", None)
                    if article is not None and PROMO not in article.text:
                        assert desk.store.learned_shapes(article.outlet)
                write(items)

            monkeypatch.setattr(desk, "_analyze_again", spy)
            monkeypatch.setattr(desk.store, "write", checked_write)
            entries = desk.ingest([str(path)]).articles
            texts[lookahead] = {e.id: desk.article(e.id).article.text for e in entries}
            assert desk.store.learned_shapes("Harbour Ledger")
            if lookahead:
                assert again == []  # learned from the articles held back, before analysis
            else:
                assert len(again) == 4  # learned once stored: every article analyzed twice
    assert texts[8] == texts[0]
    assert all(PROMO not in text for text in texts[8].values())


class _Store:
    """The planner's view of an empty store."""

    def find_by_hash(self, text_hash: str) -> None:
        return None

    def near_candidates(self, band_keys: Sequence[int]) -> list[str]:
        return []

    def original_texts(self, article_ids: Sequence[str]) -> dict[str, str]:
        return {}

    def learned_shapes(self, outlet: str) -> set[str]:
        return set()


def test_the_planner_holds_back_only_articles_with_an_outlet() -> None:
    rows = _promo_rows("Harbour Ledger", 4)
    ledger = [Article.create(r["text"], input=r["url"], outlet=r["outlet"]) for r in rows]
    loose = [Article.create(f"{body}\n{PROMO}", input=f"loose-{n}") for n, body in enumerate([
        "Night buses on the coast road return in May after a driver recruitment drive.",
        "The library on Quay Street will open on Sundays from next month, volunteers said.",
        "A storm drain collapse closed Mill Lane, and repairs could take three weeks.",
        "Allotment rents rise by a fifth, the parish council decided on Tuesday.",
    ])]
    read: list[str] = []

    def reading(articles: list[Article]) -> Iterator[Article]:
        for article in articles:
            read.append(article.input)
            yield article

    planner = IngestPlanner(_Store(), lookahead=3)
    plans = planner.plan(reading(loose[:2] + ledger + loose[2:]))
    assert next(plans).item.input == "loose-0" and read == ["loose-0"]  # nothing to learn
    rest = list(plans)
    assert [p.item.input for p in rest] == [a.input for a in loose[1:2] + ledger + loose[2:]]
    cleaned = {p.item.input: p.item.text for p in rest if isinstance(p.item, Article)}
    assert all(PROMO not in cleaned[a.input] for a in ledger)
    assert all(PROMO in cleaned[a.input] for a in loose[1:])  # no outlet, nothing learned
    learned = planner.take_learned()
    assert [(b.outlet, b.articles) for b in learned] == [("Harbour Ledger", 3)]
    assert planner.take_learned() == []


def test_the_planner_forgets_rare_shapes_past_its_bound_and_still_learns(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("backstory.ingest.planner._MAX_TALLIES", 8)
    rows = _promo_rows("Harbour Ledger", 4)
    planner = IngestPlanner(_Store(), lookahead=2)
    plans = list(planner.plan(Article.create(r["text"], input=r["url"], outlet=r["outlet"])
                              for r in rows))
    assert len(planner._tallies) < 8  # bounded, however many shapes the run sees
    learned = planner.take_learned()
    assert [b.sample for b in learned] == [PROMO]
    assert all(PROMO not in p.item.text for p in plans[2:])
