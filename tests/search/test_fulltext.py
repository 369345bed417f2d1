"""Full-text search on each backend: which words a question matches, phrases kept whole,
common words matched together, and the bound on how many sentences one query ranks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backstory.config import Settings
from backstory.models import Analysis, Article, Sentence, SentenceHit
from backstory.search import QueryTerms, query_terms, search_sentences
from backstory.store import Store, open_store


@pytest.fixture
def store(db_path: str) -> Iterator[Store]:
    store = open_store(Settings(db=db_path).db_url)
    yield store
    store.close()


def _add(store: Store, *sentences: str) -> None:
    """Store one article per sentence, in the order given (the last is the newest)."""
    for text in sentences:
        article = Article.create(text, input="test", outlet="Test Gazette")
        sentence = Sentence(f"{article.id}:0", article.id, 0, 0, len(text), text)
        store.add_article(article, Analysis(article.id, (sentence,), ()))


def _texts(hits: list[SentenceHit]) -> list[str]:
    return sorted(hit.sentence.text for hit in hits)


def test_rare_words_are_matched_and_common_ones_left_to_the_judge() -> None:
    terms = QueryTerms(words=("Mr", "Tomlinson", "met"), weights={},
                       counts={"mr": 900, "tomlinson": 3, "met": 40})
    plan = terms.match_plan(max_ranked=100)
    assert plan.rare == ("Tomlinson", "met")
    assert plan.common == ("Mr",)


def test_a_small_store_matches_every_word() -> None:
    terms = QueryTerms(words=("harbour", "reopened"), weights={},
                       counts={"harbour": 12, "reopened": 3})
    plan = terms.match_plan(max_ranked=10_000)
    assert plan.rare == ("reopened", "harbour")
    assert plan.common == ()


def test_a_possessive_is_searched_as_the_name(store: Store) -> None:
    _add(store, "CrowdStrike's update crashed Windows machines.",
         "It's a bad day, Sam's friend said.")
    terms = query_terms(store, "What did CrowdStrike's update break?")
    assert terms.words == ("CrowdStrike", "update", "break")
    assert _texts(search_sentences(store, terms)) == [
        "CrowdStrike's update crashed Windows machines."]


def test_a_word_with_an_apostrophe_is_matched_as_one_phrase(store: Store) -> None:
    _add(store, "Kate O'Brien reopened the harbour.", "Brien Lake froze over.",
         "Plan O was dropped.")
    assert _texts(store.search_sentences(["O'Brien"])) == ["Kate O'Brien reopened the harbour."]


def test_match_all_needs_every_word(store: Store) -> None:
    _add(store, "New York is busy tonight.", "A new bridge opened.", "York Minster rang.")
    assert _texts(store.search_sentences(["new", "york"], match_all=True)) == [
        "New York is busy tonight."]
    assert len(store.search_sentences(["new", "york"])) == 3


def test_common_words_are_matched_together(store: Store) -> None:
    _add(store, "New York is busy tonight.", "A new bridge opened.", "York Minster rang.",
         "The new mayor of New York spoke.", "A new law passed.")
    store.max_ranked = 2  # type: ignore[misc]  # "new" (4 sentences) and "york" (3) are common
    terms = query_terms(store, "What happened to New York?")
    assert _texts(search_sentences(store, terms, limit=2)) == [
        "New York is busy tonight.", "The new mayor of New York spoke."]
    # Too few hold both: the most common word is dropped, and "York" alone fills the list.
    assert _texts(search_sentences(store, terms, limit=3)) == [
        "New York is busy tonight.", "The new mayor of New York spoke.", "York Minster rang."]


def test_sentences_with_a_rare_word_are_ranked_by_every_word(store: Store) -> None:
    _add(store, "The harbour gates were repaired.", "The harbour reopened.",
         "The new gates opened.", "New gates, new roads, new schools.", "Gates closed.")
    store.max_ranked = 3  # type: ignore[misc]  # "repaired", "harbour" rare; "gates" common
    hits = search_sentences(store, query_terms(store, "Were the harbour gates repaired?"))
    assert [hit.sentence.text for hit in hits] == [
        "The harbour gates were repaired.", "The harbour reopened."]


def test_a_query_matching_too_many_sentences_ranks_the_newest(store: Store) -> None:
    _add(store, "The harbour reopened.", "The harbour flooded.", "The harbour froze.")
    store.max_ranked = 2  # type: ignore[misc]
    assert _texts(store.search_sentences(["harbour"])) == [
        "The harbour flooded.", "The harbour froze."]
