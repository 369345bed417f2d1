"""The `Desk`: the one place that runs the stages in order and saves what they produce."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from backstory.compose import build_explainer
from backstory.config import Settings
from backstory.errors import BackstoryError
from backstory.ingest import Fetcher, InputMeta, read_sources
from backstory.models import (
    Analysis,
    Answer,
    Article,
    ArticleMeta,
    Explainer,
    IngestedArticle,
    IngestFailure,
    IngestReport,
    Mention,
    Sentence,
    Story,
)
from backstory.nlp import Analyzer
from backstory.qa import AnswerEngine
from backstory.store import Store, open_store
from backstory.stories import StoryClusterer

__all__ = ["ArticleView", "Desk", "StoryView", "sample_corpus_path"]

LOGGER = logging.getLogger(__name__)
_BATCH = 16
_SAMPLE_KEY = "sample_corpus_sha256"

ProgressCallback = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article with its analysis and the other places it was published."""

    article: Article
    sentences: list[Sentence]
    mentions: list[Mention]
    copies: list[ArticleMeta]


@dataclass(frozen=True, slots=True)
class StoryView:
    """A story with its articles and its first explainer."""

    story: Story
    articles: list[ArticleMeta]
    explainer: Explainer


def sample_corpus_path() -> Path:
    """The bundled sample corpus (written for Backstory; fictional or retold in our words)."""
    return Path(str(resources.files("backstory") / "sample" / "corpus.jsonl"))


class Desk:
    """Backstory over one store: ingest, ask, stories. `backstory.open(db)` makes one."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store: Store = open_store(settings.db_url)
        self.analyzer = Analyzer(settings.spacy_model)
        self._answers = AnswerEngine(self.store, self.analyzer,
                                     threshold=settings.answer_threshold)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- ingest -----------------------------------------------------------------------------

    def ingest(self, sources: Sequence[str], *, meta: InputMeta | None = None,
               on_result: ProgressCallback | None = None) -> IngestReport:
        """Read, analyze and store every article in the sources; regroup stories after.

        Each article is stored with its analysis in one transaction, so an interrupted run
        leaves only whole articles, and a re-run skips what is already stored.
        """
        report = IngestReport()
        with Fetcher(self.settings) as fetcher:
            results = read_sources(list(sources), meta=meta or InputMeta(), fetcher=fetcher)
            for batch in _batches(results, _BATCH):
                self._ingest_batch(batch, report, on_result)
        if report.added:
            self.refresh_stories()
        return report

    def _ingest_batch(self, batch: list[Article | IngestFailure], report: IngestReport,
                      on_result: ProgressCallback | None) -> None:
        fresh: list[Article] = []
        first_of: dict[str, Article] = {}
        for item in batch:
            if isinstance(item, IngestFailure):
                continue
            if self.store.find_by_hash(item.text_hash) is None and \
                    item.text_hash not in first_of:
                first_of[item.text_hash] = item
                fresh.append(item)
        analyses = dict(zip((a.id for a in fresh), self.analyzer.analyze(fresh), strict=True)) \
            if fresh else {}
        for item in batch:
            if isinstance(item, IngestFailure):
                report.failed.append(item)
                LOGGER.warning("%s: %s", item.source, item.error)
            else:
                self._save(item, analyses, first_of, report)
            if on_result is not None:
                on_result(item.input if isinstance(item, Article) else item.source)

    def _save(self, article: Article, analyses: dict[str, Analysis],
              first_of: dict[str, Article], report: IngestReport) -> None:
        try:
            if first_of.get(article.text_hash) is article:
                self.store.add_article(article, analyses[article.id])
                duplicate_of = None
            else:
                original = self.store.find_by_hash(article.text_hash)
                duplicate_of = original.id if original else article.id
                self.store.add_copy(duplicate_of, article)
        except BackstoryError as exc:
            report.failed.append(IngestFailure(source=article.input, error=exc.message))
            return
        report.articles.append(IngestedArticle(
            id=duplicate_of or article.id, title=article.title, outlet=article.outlet,
            published_at=article.published_at, url=article.url, input=article.input,
            duplicate_of=duplicate_of,
        ))

    def load_sample(self, *, on_result: ProgressCallback | None = None) -> IngestReport | None:
        """Ingest the bundled sample corpus unless this store already holds this version."""
        path = sample_corpus_path()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if self.store.get_setting(_SAMPLE_KEY) == digest:
            return None
        report = self.ingest([str(path)], on_result=on_result)
        if not report.failed:
            self.store.set_setting(_SAMPLE_KEY, digest)
        return report

    # -- organize ---------------------------------------------------------------------------

    def refresh_stories(self) -> list[Story]:
        """Regroup all stored articles into stories and save them."""
        clusterer = StoryClusterer(threshold=self.settings.story_threshold,
                                   window_days=self.settings.story_window_days)
        stories = clusterer.cluster(list(self.store.article_features()))
        self.store.replace_stories(stories)
        return stories

    def stories(self) -> list[Story]:
        return self.store.stories()

    def story(self, story_id: str) -> StoryView:
        story = self.store.story(story_id)
        metas = self.store.article_meta(story.article_ids)
        return StoryView(
            story=story,
            articles=[metas[a] for a in story.article_ids if a in metas],
            explainer=self.explain(story),
        )

    def explain(self, story: Story | str) -> Explainer:
        if isinstance(story, str):
            story = self.store.story(story)
        return build_explainer(story, self.store.article_sentences(story.article_ids))

    # -- read -------------------------------------------------------------------------------

    def article(self, article_id: str) -> ArticleView:
        return ArticleView(
            article=self.store.article(article_id),
            sentences=self.store.sentences(article_id),
            mentions=self.store.mentions(article_id),
            copies=self.store.copies(article_id),
        )

    def articles(self, *, limit: int = 100, offset: int = 0) -> list[ArticleMeta]:
        return self.store.articles(limit=limit, offset=offset)

    def ask(self, question: str) -> Answer:
        return self._answers.ask(question)


def _batches(items: Iterator[Article | IngestFailure], size: int
             ) -> Iterator[list[Article | IngestFailure]]:
    batch: list[Article | IngestFailure] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
