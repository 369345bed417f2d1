"""A story whose articles drift into another event splits in two; a coherent one never does."""

from __future__ import annotations

import pytest

from backstory.config import Settings
from backstory.models import (
    Analysis,
    Article,
    ArticleMeta,
    Mention,
    NewArticle,
    Sentence,
    Story,
)
from backstory.store import STORIES_REBUILD, ArticleFeatures, open_store
from backstory.store.story_index import SQLStoryIndex
from backstory.stories import StoryClusterer
from backstory.stories.cluster import _raw_features
from backstory.stories.memory_index import MemoryStoryIndex
from tests.conftest import sql_rows

Item = tuple[str, str, str, tuple[str, ...]]  # title, text, publication date, names

FLOOD: list[Item] = [
    ("Storm surge floods Lowmarsh harbour",
     "A storm surge flooded Lowmarsh harbour overnight and the tide gates failed, the harbour "
     "master said.", "2025-03-03", ("Lowmarsh",)),
    ("Lowmarsh tide gates failed in storm",
     "The tide gates at Lowmarsh harbour failed as the storm surge rose, flooding quays and "
     "boats.", "2025-03-03", ("Lowmarsh",)),
    ("Cleanup begins at flooded Lowmarsh harbour",
     "Crews pumped water from the flooded Lowmarsh harbour after the storm surge broke the "
     "tide gates.", "2025-03-04", ("Lowmarsh",)),
    ("Lowmarsh counts cost of harbour flood",
     "Boat owners in Lowmarsh counted the cost of the harbour flood as engineers inspected the "
     "broken tide gates.", "2025-03-04", ("Lowmarsh",)),
]
# Close to both events: it takes the mayor of another town into the flood story.
BRIDGE: Item = (
    "Mayor Varga visits flooded Lowmarsh harbour",
    "Skarholm mayor Ilse Varga, campaigning for re-election, visited the flooded Lowmarsh "
    "harbour and promised new tide gates if voters return her on Sunday.", "2025-03-05",
    ("Skarholm", "Ilse Varga", "Lowmarsh"))
ELECTION: list[Item] = [
    ("Varga campaigns for re-election in Skarholm",
     "Mayor Ilse Varga campaigned for re-election across Skarholm, promising voters new tide "
     "gates and a win on Sunday.", "2025-03-06", ("Skarholm", "Ilse Varga")),
    ("Skarholm votes on Sunday as Varga seeks re-election",
     "Voters in Skarholm go to the polls on Sunday as mayor Ilse Varga seeks re-election "
     "against a rival.", "2025-03-07", ("Skarholm", "Ilse Varga")),
    ("Varga re-elected mayor of Skarholm",
     "Ilse Varga was re-elected mayor of Skarholm after a close count of ballots on Sunday, "
     "election officials said.", "2025-03-08", ("Skarholm", "Ilse Varga")),
    ("Skarholm recount confirms Varga win",
     "A recount of Skarholm ballots confirmed that mayor Ilse Varga won re-election by a "
     "narrow margin of votes.", "2025-03-09", ("Skarholm", "Ilse Varga")),
    ("Varga sworn in for second term in Skarholm",
     "Ilse Varga was sworn in for a second term as mayor of Skarholm, thanking voters after "
     "the recount.", "2025-03-10", ("Skarholm", "Ilse Varga")),
    ("Varga names new Skarholm cabinet",
     "Mayor Ilse Varga named her new Skarholm cabinet after the recount, keeping the finance "
     "chief and adding two deputies.", "2025-03-11", ("Skarholm", "Ilse Varga")),
    ("Skarholm cabinet approves Varga budget",
     "The new Skarholm cabinet approved Ilse Varga's first budget, with deputies backing the "
     "finance plan.", "2025-03-12", ("Skarholm", "Ilse Varga")),
]
DRIFTING = [*FLOOD, BRIDGE, *ELECTION]  # 12 articles: checked for drift at 6 and at 12


def _features(items: list[Item]) -> list[ArticleFeatures]:
    return [ArticleFeatures(ArticleMeta(f"{n:02d}", title, None, None, published), text, names)
            for n, (title, text, published, names) in enumerate(items)]


def _in_memory(items: list[Item]) -> tuple[StoryClusterer, MemoryStoryIndex, list[Story]]:
    """Assign the articles one at a time, in the given order, as ingest does."""
    clusterer = StoryClusterer(threshold=0.12, window_days=10)
    index = MemoryStoryIndex()
    features = _features(items)
    for article in features:
        clusterer.count(index, article)
    for article in features:
        clusterer.assign(index, article)
    order = {a.meta.id: (a.meta.published_at or "", a.meta.id) for a in features}
    return clusterer, index, index.stories(order)


def _titles(stories: list[Story]) -> dict[str, tuple[str, ...]]:
    return {s.title: s.article_ids for s in stories}


def test_a_story_that_drifts_to_another_event_splits_in_two() -> None:
    stories = StoryClusterer(threshold=0.12, window_days=10).cluster(_features(DRIFTING))
    # The bridging article goes with the event it leads into; the larger part is the
    # election, the flood becomes a story of its own with its own first headline.
    assert _titles(stories) == {
        "Varga re-elected mayor of Skarholm": ("04", "05", "06", "07", "08", "09", "10", "11"),
        "Storm surge floods Lowmarsh harbour": ("00", "01", "02", "03"),
    }
    flood = next(s for s in stories if s.title.startswith("Storm"))
    assert (flood.first_seen, flood.last_seen) == ("2025-03-03", "2025-03-04")


def test_the_part_with_most_articles_keeps_the_story_id_and_ids_are_stable() -> None:
    clusterer = StoryClusterer(threshold=0.12, window_days=10)
    [story] = clusterer.cluster(_features(DRIFTING[:-1]))  # 11 articles: still one story
    after = clusterer.cluster(_features(DRIFTING))
    election = next(s for s in after if "Varga" in s.title)
    assert election.id == story.id
    # The story split off is named by its articles: the same ids and titles every time.
    assert _ids_and_titles(clusterer.cluster(_features(DRIFTING))) == _ids_and_titles(after)


def _ids_and_titles(stories: list[Story]) -> set[tuple[str, str]]:
    return {(s.id, s.title) for s in stories}


def test_a_coherent_story_never_splits() -> None:
    stories = StoryClusterer(threshold=0.12, window_days=10).cluster(_features(ELECTION))
    assert len(stories) == 1 and len(stories[0].article_ids) == len(ELECTION)
    flood_only = StoryClusterer(threshold=0.12, window_days=10).cluster(_features(FLOOD * 3))
    assert len(flood_only) == 1


def test_splitting_again_changes_nothing() -> None:
    clusterer, index, stories = _in_memory(DRIFTING)
    assert len(stories) == 2
    for story in stories:
        assert clusterer.split_drifted(index, story.id) == []
    order = {a: (a, a) for s in stories for a in s.article_ids}
    assert {s.id: s for s in index.stories(order)} == {s.id: s for s in stories}


# -- over a real store ---------------------------------------------------------------------


def _stored(item: Item) -> NewArticle:
    title, text, published, names = item
    article = Article.create(text, input=f"test#{title}", title=title, published_at=published)
    sentence = Sentence(id=f"{article.id}:0", article_id=article.id, index=0, start=0,
                        end=len(text), text=text)
    mentions = tuple(Mention(name=n, type="PERSON" if " " in n else "GPE", sentence_index=0,
                             start=text.index(n), end=text.index(n) + len(n), text=n)
                     for n in names)
    return NewArticle(article, Analysis(article.id, (sentence,), mentions), (), ())


def test_a_stored_story_that_drifts_splits_and_stays_split(db_path: str) -> None:
    store = open_store(Settings(db=db_path).db_url)
    clusterer = StoryClusterer(threshold=0.12, window_days=10)
    items = [_stored(item) for item in DRIFTING]
    ids = [item.article.id for item in items]
    store.write(items[:6])  # the store grows in two ingests, as it would over two days
    clusterer.update(store)
    store.write(items[6:11])
    clusterer.update(store)
    [story] = store.stories()  # 11 articles, one story: drift is checked again at 12
    store.write(items[11:])
    clusterer.update(store)

    stories = {s.title: s for s in store.stories()}
    assert {t: set(s.article_ids) for t, s in stories.items()} == {
        "Varga re-elected mayor of Skarholm": set(ids[4:]),
        "Storm surge floods Lowmarsh harbour": set(ids[:4]),
    }
    assert stories["Varga re-elected mayor of Skarholm"].id == story.id
    # Checking again changes nothing.
    with store.story_index() as index:
        assert all(clusterer.split_drifted(index, s.id) == [] for s in stories.values())
    assert {s.id: s for s in store.stories()} == {s.id: s for s in stories.values()}
    # A rebuild (in order of publication) finds the same two stories.
    clusterer.rebuild(store)
    assert {s.title: set(s.article_ids) for s in store.stories()} == \
        {t: set(s.article_ids) for t, s in stories.items()}
    story = next(s for s in store.stories() if "Varga" in s.title)
    # New articles find the split stories through their keys.
    later = _stored(("Skarholm council tax rises under Varga budget",
                     "Skarholm's budget, approved by Ilse Varga's cabinet, raises council tax "
                     "to pay for schools and roads.", "2025-03-13", ("Skarholm", "Ilse Varga")))
    store.write([later])
    clusterer.update(store)
    assert later.article.id in store.story(story.id).article_ids
    store.close()


def test_another_order_gives_the_same_stories() -> None:
    clusterer = StoryClusterer(threshold=0.12, window_days=10)
    features = _features(DRIFTING)
    expected = sorted(sorted(s.article_ids) for s in clusterer.cluster(features))
    for shuffled in (features[::-1], features[6:] + features[:6], features[1::2] + features[::2]):
        stories = clusterer.cluster(shuffled, in_order=True)
        assert sorted(sorted(s.article_ids) for s in stories) == expected


def test_stories_stored_before_articles_kept_their_vectors_are_rebuilt_once(
        db_path: str) -> None:
    store = open_store(Settings(db=db_path).db_url)
    clusterer = StoryClusterer(threshold=0.12, window_days=10)
    store.write([_stored(item) for item in DRIFTING[:11]])
    clusterer.update(store)
    groups = sorted(sorted(s.article_ids) for s in store.stories())
    store.close()
    # Take the file back to the schema before article vectors were kept.
    sql_rows(db_path, "DROP TABLE story_vectors")
    sql_rows(db_path, "DELETE FROM schema_migrations WHERE version >= 7")
    store = open_store(Settings(db=db_path).db_url)
    assert store.get_setting(STORIES_REBUILD) == "1"
    clusterer.update(store)
    assert store.get_setting(STORIES_REBUILD) == "0"
    assert sorted(sorted(s.article_ids) for s in store.stories()) == groups
    with store.story_index() as index:
        [story] = store.stories()
        assert len(index.story_members(story.id)) == 11
    store.close()


# A quarry blast and an inspection reported apart, then together: two stories that merge.
MERGING: list[Item] = [
    ("Quarry blast shakes Dunmore village", "A quarry blast shook Dunmore village on Monday "
     "and cracked windows in Dunmore, residents said.", "2025-05-05", ("Dunmore",)),
    ("Inspectors halt Feltham Stone works", "Safety inspectors halted work at Feltham Stone "
     "after explosives were stored wrongly, the regulator said.", "2025-05-05",
     ("Feltham Stone",)),
    ("Feltham Stone quarry blast cracked Dunmore windows", "The blast at the Feltham Stone "
     "quarry that cracked windows in Dunmore village used explosives stored wrongly, "
     "inspectors said.", "2025-05-06", ("Feltham Stone", "Dunmore")),
    ("Dunmore asks Feltham Stone to pay for windows", "Dunmore village asked Feltham Stone to "
     "pay for windows cracked by the quarry blast, as inspectors kept works halted.",
     "2025-05-07", ("Feltham Stone", "Dunmore")),
]


@pytest.mark.parametrize("items", [DRIFTING, MERGING], ids=["split", "merge"])
def test_the_stored_index_reads_back_within_a_transaction_what_it_wrote(
        db_path: str, items: list[Item]) -> None:
    # The SQL index keeps frequencies and centroids it has read in memory for the rest of
    # its transaction; after joins, merges and splits there, they must equal the tables.
    store = open_store(Settings(db=db_path).db_url)
    clusterer = StoryClusterer(threshold=0.12, window_days=10)
    stored = [_stored(item) for item in items]
    store.write(stored)
    features = store.story_features([item.article.id for item in stored], lead_sentences=3)
    words = sorted({f for a in features for f in _raw_features(a)})
    names = [w for w in words if w.startswith("e:")]
    with store.story_index() as index:
        assert index.frequencies(words) == {} and index.documents() == 0  # read, then counted
        for article in features:
            clusterer.count(index, article)
        for article in features:
            clusterer.assign(index, article)
        fresh = SQLStoryIndex(index._conn)  # the same transaction, read from the tables
        found = list(fresh.candidates(names, day=None, window=0))
        assert index.story_states(found, None) == fresh.story_states(found, None)
        assert index.story_states(found, words[::3]) == fresh.story_states(found, words[::3])
        assert index.frequencies(words) == fresh.frequencies(words)
        assert index.documents() == fresh.documents() == len(items)
    _clusterer, _index, expected = _in_memory(items)
    assert len(found) == len(expected) < len(items)
    assert {s.title: set(s.article_ids) for s in store.stories()} == \
        {s.title: {stored[int(i)].article.id for i in s.article_ids} for s in expected}
    store.close()
