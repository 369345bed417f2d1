"""Paragraphs an outlet keeps repeating are learned and dropped, from earlier articles too."""

from __future__ import annotations

import json
from pathlib import Path

from backstory.ingest.learned import is_learnable, shape_of
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
