"""The `Desk`: the one place that runs the stages in order and saves what they produce."""

from __future__ import annotations

import hashlib
import itertools
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from backstory.batches import batched
from backstory.compose import (
    Grounder,
    Rephraser,
    StoryFacts,
    build_analysis,
    build_chart,
    build_explainer,
    build_faq,
    evidence_of,
)
from backstory.config import Settings
from backstory.editor import Documents
from backstory.errors import BackstoryError, NotFoundError
from backstory.ingest import Fetcher, InputMeta, estimate_articles, read_sources
from backstory.ingest.learned import MIN_ARTICLES, is_learnable
from backstory.ingest.planner import IngestPlanner, Planned, remove_shapes
from backstory.models import (
    Analysis,
    Answer,
    Article,
    ArticleMeta,
    Chart,
    Comparison,
    Composition,
    Document,
    EntityProfile,
    IngestedArticle,
    IngestFailure,
    IngestReport,
    LearnedBoilerplate,
    NewArticle,
    NewCopy,
    Rewrite,
    Sentence,
    Side,
    SourceInfo,
    Story,
    TimelineEntry,
)
from backstory.nlp import Analyzer
from backstory.nlp.entities import PeopleIndex, rename_entities
from backstory.qa import AnswerEngine
from backstory.search import HybridSearcher, SentenceEncoder, vector_index_for
from backstory.search.embeddings import to_bytes
from backstory.store import (
    LEARNING_PENDING,
    REANALYZE_PENDING,
    STORIES_STALE,
    VECTORS_PENDING,
    Store,
    open_store,
)
from backstory.stories import StoryClusterer
from backstory.stories.compare import compare_accounts
from backstory.stories.sides import build_sides
from backstory.stories.timeline import build_timeline
from backstory.stories.trends import Trends, build_trends

__all__ = ["ArticleView", "Desk", "StoryView", "sample_corpus_path"]

LOGGER = logging.getLogger(__name__)
_BATCH = 16
_SAMPLE_KEY = "sample_corpus_sha256"

ProgressCallback = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article with its analysis and the other places it was published."""

    article: Article
    analysis: Analysis
    copies: list[ArticleMeta]

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return self.analysis.sentences


@dataclass(frozen=True, slots=True)
class StoryView:
    """A story with its articles, its explainer and what the stories stage made of it."""

    story: Story
    articles: list[ArticleMeta]
    explainer: Composition
    timeline: list[TimelineEntry] = field(default_factory=list)
    sides: list[Side] = field(default_factory=list)
    sources: dict[str, SourceInfo] = field(default_factory=dict)
    comparison: Comparison | None = None


def sample_corpus_path() -> Path:
    """The bundled sample corpus (written for Backstory; fictional or retold in our words)."""
    return Path(str(resources.files("backstory") / "sample" / "corpus.jsonl"))


_REANALYZE_BATCH = 256
_DRAFTED = "drafted_articles:"  # setting key prefix: a story's articles at its last draft
_BACKFILL_BATCH = 1024  # sentences embedded per transaction when back-filling vectors


class Desk:
    """Backstory over one store: ingest, ask, stories. `backstory.open(db)` makes one."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store: Store = open_store(settings.db_url)
        self.analyzer = Analyzer(settings.spacy_model)
        self.encoder = SentenceEncoder()
        self.vectors = vector_index_for(self.store, settings.db_url)
        self.searcher = HybridSearcher(self.store, self.vectors, self.encoder)
        self._answers = AnswerEngine(
            self.store, self.analyzer, threshold=settings.answer_threshold,
            searcher=self.searcher if settings.retrieval == "hybrid" else None)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- ingest -----------------------------------------------------------------------------

    def ingest(self, sources: Sequence[str], *, meta: InputMeta | None = None,
               on_result: ProgressCallback | None = None,
               expected: int | None = None) -> IngestReport:
        """Read, analyze and store every article in the sources; regroup stories after.

        Articles stream through reading, planning (duplicates, learned boilerplate) and
        analysis (worker processes on long runs) and are written in batched transactions,
        each holding whole articles with their analysis: a run killed at any point leaves
        only whole articles, and a re-run skips what is already stored. `expected` is
        the caller's estimate of the article count, if it already made one.
        """
        report = IngestReport()
        if self.reanalysis_pending():
            self.reanalyze()
        planner = IngestPlanner(self.store, lookahead=self.settings.learn_lookahead)
        if expected is None:
            expected = estimate_articles(list(sources))
        with Fetcher(self.settings) as fetcher:
            results = read_sources(list(sources), meta=meta or InputMeta(), fetcher=fetcher,
                                   feeds=self.store)
            planned = ((p.fresh, p) for p in planner.plan(results))
            analyzed = self.analyzer.analyze_stream(planned, workers=self.settings.workers,
                                                    expected=expected)
            self.write_analyzed(analyzed, planner, report, on_result=on_result)
        self.finish_ingest(report)
        return report

    def write_analyzed(self, analyzed: Iterable[tuple[Analysis | None, Planned]],
                       planner: IngestPlanner, report: IngestReport, *,
                       on_result: ProgressCallback | None = None,
                       vectors: dict[str, tuple[bytes, ...]] | None = None) -> None:
        """Store planned, analyzed articles in batched transactions, learning boilerplate
        as they go: the writing half of an ingest, whichever engine read and analyzed them.

        `vectors` holds sentence vectors an engine already computed, by article id; they
        are taken out as their articles are written, and the rest are encoded here.
        """
        people = PeopleIndex(self.store.person_names())
        if self.store.get_setting(LEARNING_PENDING) == "1":
            self._learn(None, planner)  # a killed run left learning undone
        recent: dict[str, list[str]] = {}
        for batch in batched(analyzed, self.settings.write_batch):
            # Boilerplate the planner learned ahead is recorded (and removed from what is
            # stored) before any article it was taken out of is written.
            if ahead := planner.take_learned():
                self._learn(recent, planner, ahead)
                recent = {}
            for article in self._commit(batch, report, planner, people, vectors=vectors):
                if article.outlet:
                    recent.setdefault(article.outlet, []).append(article.id)
            # Learning rewrites (and re-analyzes) stored articles, so it runs every
            # `learn_every` articles rather than after each batch, and once at the end.
            if sum(map(len, recent.values())) >= self.settings.learn_every:
                self._learn(recent, planner)
                recent = {}
            for _analysis, plan in batch:
                if on_result is not None:
                    on_result(_input_of(plan.item))
        if recent or self.store.get_setting(LEARNING_PENDING) == "1":
            self._learn(recent, planner)

    def finish_ingest(self, report: IngestReport) -> None:
        """What follows an ingest's writes: missing vectors embedded, new articles put into
        stories, and stories whose documents editors track redrafted."""
        self.embed_pending()
        if self.store.get_setting(STORIES_STALE) != "0":
            self._update_stories()
        self._redraft(report)

    def _redraft(self, report: IngestReport) -> None:
        """A story whose documents editors already track and whose articles changed (new
        ones joined, or a split took some away) gets new draft versions, so the review
        queue shows what changed."""
        if not any(a.duplicate_of is None for a in report.articles):
            return
        tracked = self.store.documented_stories()
        for story in self.store.stories() if tracked else []:
            if story.id in tracked and self.store.get_setting(
                    _DRAFTED + story.id) != _articles_digest(story):
                self.draft(story.id)
    def embed_pending(self) -> int:
        """Embed the stored sentences that have no vector yet (a store made before vectors
        existed, articles rewritten by boilerplate learning or re-analysis), in batches each
        committed whole; then bring the vector index up to date. Returns how many."""
        done = 0
        if not self.settings.embeds:
            return done
        if self.store.get_setting(VECTORS_PENDING) == "1":
            after = 0
            while rows := self.store.sentences_without_vectors(after_pk=after,
                                                               limit=_BACKFILL_BATCH):
                vectors = to_bytes(self.encoder.encode([text for _, text in rows]))
                self.store.add_vectors([(pk, blob) for (pk, _), blob
                                        in zip(rows, vectors, strict=True)], finished=False)
                after, done = rows[-1][0], done + len(rows)
            self.store.add_vectors([], finished=True)
            if done:
                LOGGER.info("embedded %d stored sentence(s) that had no vector", done)
        self.vectors.sync()
        return done

    def _commit(self, batch: list[tuple[Analysis | None, Planned]], report: IngestReport,
                planner: IngestPlanner, people: PeopleIndex, *,
                vectors: dict[str, tuple[bytes, ...]] | None = None) -> list[Article]:
        """Write a batch in one transaction, each new article with its sentence vectors;
        return the new articles it stored."""
        computed = vectors if vectors is not None else {}
        planned: list[tuple[Analysis | None, Planned]] = []
        for analysis, plan in batch:
            if isinstance(plan.item, IngestFailure):
                report.failed.append(plan.item)
                LOGGER.warning("%s: %s", plan.item.source, plan.item.error)
                continue
            planned.append(self._standing(analysis, plan, planner))
        writes = self._with_vectors([_write_of(analysis, plan, people, computed)
                                     for analysis, plan in planned])
        try:
            self.store.write(writes)
        except BackstoryError:
            # One bad article must not sink its batch: write them one by one to find it.
            planned, writes = self._commit_one_by_one(planned, writes, report, planner,
                                                      people, computed)
        report.articles.extend(_entry(plan) for _, plan in planned)
        new = [w.article for w in writes if isinstance(w, NewArticle)]
        planner.committed([a.id for a in new])
        return new

    def _standing(self, analysis: Analysis | None, plan: Planned, planner: IngestPlanner
                  ) -> tuple[Analysis | None, Planned]:
        """The plan, or, for a copy of an article this run could not store, the copy
        planned again (as a copy of another copy stored in its place, or as a new article,
        analyzed here): a failed write loses only its own input."""
        if plan.duplicate_of is None or not planner.lost(plan.duplicate_of):
            return analysis, plan
        plan = planner.replanned(plan)
        fresh = plan.fresh
        return (self.analyzer.analyze([fresh])[0] if fresh is not None else None), plan

    def _commit_one_by_one(self, planned: list[tuple[Analysis | None, Planned]],
                           writes: list[NewArticle | NewCopy], report: IngestReport,
                           planner: IngestPlanner, people: PeopleIndex,
                           computed: dict[str, tuple[bytes, ...]]
                           ) -> tuple[list[tuple[Analysis | None, Planned]],
                                      list[NewArticle | NewCopy]]:
        """Write each article of a batch in its own transaction; return what was stored."""
        kept: list[tuple[Analysis | None, Planned]] = []
        stored: list[NewArticle | NewCopy] = []
        for (analysis, plan), write in zip(planned, writes, strict=True):
            if isinstance(write, NewCopy) and planner.lost(write.original_id):
                analysis, plan = self._standing(analysis, plan, planner)
                write = self._with_vectors([_write_of(analysis, plan, people, computed)])[0]
            try:
                self.store.write([write])
            except BackstoryError as exc:
                report.failed.append(IngestFailure(source=_input_of(plan.item),
                                                   error=exc.message))
                LOGGER.warning("%s: %s", _input_of(plan.item), exc.message)
                if isinstance(write, NewArticle):
                    planner.failed(write.article.id)
                continue
            kept.append((analysis, plan))
            stored.append(write)
        return kept, stored

    def _with_vectors(self, writes: list[NewArticle | NewCopy]) -> list[NewArticle | NewCopy]:
        """The writes with every new article's sentence vectors; those not computed yet are
        encoded here in one batch."""
        if not self.settings.embeds:
            return writes  # stored without: the store marks them for a later back-fill
        missing = [w for w in writes if isinstance(w, NewArticle) and not w.vectors]
        texts = [s.text for w in missing for s in w.analysis.sentences]
        vectors = iter(to_bytes(self.encoder.encode(texts)))
        return [replace(w, vectors=tuple(itertools.islice(vectors, len(w.analysis.sentences))))
                if isinstance(w, NewArticle) and not w.vectors else w for w in writes]

    def _learn(self, recent: dict[str, list[str]] | None, planner: IngestPlanner,
               ahead: Sequence[LearnedBoilerplate] = ()) -> None:
        """A round of boilerplate learning over the outlets of recently written articles
        (`recent`: outlet → article ids), or over everything (`None`, after a crash),
        recording too what the planner learned `ahead`."""
        for outlet in self._learn_boilerplate(recent, ahead):
            planner.forget_learned(outlet)

    def _learn_boilerplate(self, recent: dict[str, list[str]] | None,
                           ahead: Sequence[LearnedBoilerplate] = ()) -> list[str]:
        """Learn the paragraphs outlets keep repeating; strip them from stored articles.

        Learns what stored articles repeat, and records what the planner learned `ahead`
        from articles not stored yet. Rewrites the articles holding a newly learned
        shape, and the recent articles (read ahead of the last round) holding any learned
        shape; everything when `recent` is None. All in one transaction, which also
        clears the pending mark. Returns the outlets whose learned boilerplate changed.
        """
        outlets = sorted(set(recent) | {item.outlet for item in ahead}) \
            if recent is not None else self.store.outlets()
        seen = self.store.recurring_shapes(outlets, min_articles=MIN_ARTICLES) if outlets else []
        learned = [LearnedBoilerplate(outlet=s.outlet, shape=s.shape, sample=s.samples[0],
                                      articles=len(s.samples))
                   for s in seen if is_learnable(s.samples, s.edges)]
        known = {(item.outlet, item.shape) for item in learned}
        stored = {outlet: self.store.learned_shapes(outlet)
                  for outlet in {item.outlet for item in ahead}}
        learned += [item for item in ahead if (item.outlet, item.shape) not in known
                    and item.shape not in stored[item.outlet]]
        rewritten: list[tuple[str, str]] = []
        for outlet in outlets:
            new_shapes = {item.shape for item in learned if item.outlet == outlet}
            shapes = self.store.learned_shapes(outlet) | new_shapes
            if not shapes:
                continue
            holders = set(self.store.articles_with_shapes(outlet, sorted(shapes)))
            if recent is not None:
                holders &= set(recent.get(outlet, ())) | set(
                    self.store.articles_with_shapes(outlet, sorted(new_shapes)))
            for article_id, text in sorted(self.store.texts(sorted(holders)).items()):
                cleaned = remove_shapes(text, shapes)
                if cleaned != text:
                    rewritten.append((article_id, cleaned))
        rewrites = self._analyze_again(rewritten)
        self.store.apply_boilerplate(learned, rewrites)
        if learned or rewrites:
            LOGGER.info("learned %d boilerplate paragraph shape(s); rewrote %d article(s)",
                        len(learned), len(rewrites))
        return sorted({item.outlet for item in learned})

    def _analyze_again(self, texts: Sequence[tuple[str, str]]) -> list[Rewrite]:
        """New analyses of stored articles, (article id, text) each, dated as stored."""
        meta = self.store.article_meta([article_id for article_id, _ in texts])
        articles = [Article.create(text, input="", published_at=meta[article_id].published_at
                                   if article_id in meta else None)
                    for article_id, text in texts]
        analyses = [analysis for analysis, _ in self.analyzer.analyze_stream(
            ((article, None) for article in articles), workers=self.settings.workers,
            expected=len(articles)) if analysis is not None]
        people = PeopleIndex(self.store.person_names())
        return [
            Rewrite(article_id=article_id, text=text,
                    analysis=_named_across(_reassign(analysis, article_id), people))
            for (article_id, text), analysis in zip(texts, analyses, strict=True)
        ]

    def reanalyze(self, *, on_result: ProgressCallback | None = None) -> int:
        """Analyze every stored article again (after an upgrade of the analysis), in
        batches, each committed whole; returns how many articles were analyzed."""
        ids = [meta.id for meta in self.store.articles(limit=self.store.count_articles())]
        done = 0
        for chunk in batched(ids, _REANALYZE_BATCH):
            texts = sorted(self.store.texts(chunk).items())
            rewrites = self._analyze_again(texts)
            done += len(rewrites)
            self.store.replace_analyses(rewrites, finished=done >= len(ids))
            if on_result is not None:
                for article_id, _ in texts:
                    on_result(article_id)
        if not ids:
            self.store.replace_analyses([], finished=True)
        self.embed_pending()
        if self.store.get_setting(STORIES_STALE) != "0":
            self.refresh_stories()
        return done

    def reanalysis_pending(self) -> bool:
        return self.store.get_setting(REANALYZE_PENDING) == "1"

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
        """Regroup all stored articles into stories from scratch, in order of publication,
        and save them (ingest only places its new articles)."""
        self._story_clusterer().rebuild(self.store)
        return self.store.stories()

    def _update_stories(self) -> None:
        """Put the articles stored since the last update into stories, one at a time."""
        self._story_clusterer().update(self.store)

    def _story_clusterer(self) -> StoryClusterer:
        return StoryClusterer(threshold=self.settings.story_threshold,
                              window_days=self.settings.story_window_days)

    def stories(self) -> list[Story]:
        return self.store.stories()

    def story(self, story_id: str) -> StoryView:
        facts = self.story_facts(story_id)
        return StoryView(
            story=facts.story,
            articles=list(facts.articles),
            explainer=self.explain(facts),
            timeline=list(facts.timeline),
            sides=list(facts.sides),
            sources=dict(facts.sources),
            comparison=facts.comparison,
        )

    def story_facts(self, story: Story | str) -> StoryFacts:
        """A story with its articles' analysis records, timeline, sides and comparison."""
        if isinstance(story, str):
            story = self.store.story(story)
        metas = self.store.article_meta(story.article_ids)
        articles = [metas[a] for a in story.article_ids if a in metas]
        analyses = self.store.analyses(story.article_ids)
        sides, sources = build_sides(analyses, articles)
        return StoryFacts(
            story=story, articles=tuple(articles), analyses=analyses,
            timeline=tuple(build_timeline(analyses, articles)), sides=tuple(sides),
            sources=sources, comparison=compare_accounts(analyses, articles),
            evidence=evidence_of(analyses))

    def trends(self, *, window_days: int = 7, limit: int = 20) -> Trends:
        """Rising topics and entities: the last `window_days` of publication against the
        four weeks before."""
        return build_trends(self.store.article_features(), self.store.stories(),
                            window_days=window_days, limit=limit)

    # -- compose ----------------------------------------------------------------------------

    def explain(self, story: Story | str | StoryFacts) -> Composition:
        """The story's explainer, every statement grounded in the sentences it cites."""
        facts = story if isinstance(story, StoryFacts) else self.story_facts(story)
        return self._polished(build_explainer(facts, self._grounder(facts)), facts)

    def faq(self, story: Story | str | StoryFacts) -> Composition:
        """Questions a reader would ask about the story that its sources answer."""
        facts = story if isinstance(story, StoryFacts) else self.story_facts(story)
        return build_faq(facts, self._grounder(facts), self.ask)

    def analysis(self, story: Story | str | StoryFacts) -> Composition:
        """The sides side by side, coverage by outlet, conflicting numbers, omissions."""
        facts = story if isinstance(story, StoryFacts) else self.story_facts(story)
        return self._polished(build_analysis(facts, self._grounder(facts)), facts)

    def chart(self, story: Story | str | StoryFacts, kind: str) -> Chart:
        """One of the story's infographics (`CHART_KINDS`) as a Vega-Lite spec."""
        facts = story if isinstance(story, StoryFacts) else self.story_facts(story)
        return build_chart(facts, kind)

    def draft(self, story_id: str) -> list[Document]:
        """Compose the story's explainer, FAQ and analysis and keep each as a new draft
        version for review when it differs from the last; return the new versions."""
        facts = self.story_facts(story_id)
        documents = Documents(self.store)
        made = []
        for build in (self.explain, self.faq, self.analysis):
            composed = build(facts)
            saved = documents.save_draft(composed.kind, facts.story.id, composed.body)
            if saved is not None:
                made.append(saved)
        self.store.set_setting(_DRAFTED + facts.story.id, _articles_digest(facts.story))
        return made

    def _polished(self, document: Composition, facts: StoryFacts) -> Composition:
        """The document rephrased by the configured language model, statement by statement,
        where the rephrasing stays grounded; as composed when no model is configured."""
        if self.settings.llm_url is None:
            return document
        rephraser = Rephraser(self.settings.llm_url, model=self.settings.llm_model,
                              api_key=self.settings.llm_api_key,
                              timeout=self.settings.llm_timeout)
        try:
            return rephraser.composition(document, self._grounder(facts))
        finally:
            rephraser.close()

    @staticmethod
    def _grounder(facts: StoryFacts) -> Grounder:
        return Grounder(facts.evidence or evidence_of(facts.analyses))

    # -- read -------------------------------------------------------------------------------

    def article(self, article_id: str) -> ArticleView:
        return ArticleView(
            article=self.store.article(article_id),
            analysis=self.store.analysis(article_id),
            copies=self.store.copies(article_id),
        )

    def entity(self, name: str) -> EntityProfile:
        """An entity as the whole store knows it: canonical name, type, aliases, roles and
        articles. `name` may be any of its names ("Beijing", "Mayorkas")."""
        found = self.store.find_entities(name)
        if not found:
            raise NotFoundError(f"no entity named {name!r} in the stored articles; "
                                "`backstory trends` lists the most mentioned ones", name=name)
        canonical, type_ = found[0]
        return EntityProfile(
            name=canonical, type=type_, aliases=tuple(self.store.entity_aliases(canonical)[1:]),
            roles=tuple(self.store.roles_of(canonical)),
            article_ids=tuple(self.store.entity_articles(canonical)))

    def articles(self, *, limit: int = 100, offset: int = 0) -> list[ArticleMeta]:
        return self.store.articles(limit=limit, offset=offset)

    def ask(self, question: str, *, threshold: float | None = None) -> Answer:
        """Answer a question with citations, or abstain below the confidence `threshold`
        (the setting's by default; 0 answers whenever there is any candidate)."""
        return self._answers.ask(question, threshold=threshold)


def _articles_digest(story: Story) -> str:
    """Which articles a story held when its documents were last drafted."""
    return hashlib.sha256("\n".join(sorted(story.article_ids)).encode()).hexdigest()[:16]


def _input_of(item: Article | IngestFailure) -> str:
    return item.input if isinstance(item, Article) else item.source


def _write_of(analysis: Analysis | None, plan: Planned, people: PeopleIndex,
              computed: dict[str, tuple[bytes, ...]]) -> NewArticle | NewCopy:
    """What storing a planned article (not a failure) writes: a copy's link to its
    original, or a new article with its analysis, named across articles."""
    item = plan.item
    assert isinstance(item, Article)
    if plan.duplicate_of is not None:
        return NewCopy(plan.duplicate_of, item, plan.similarity)
    assert analysis is not None  # a fresh article always comes back analyzed
    return NewArticle(item, _named_across(analysis, people),
                      plan.fingerprint.band_keys if plan.fingerprint else (), plan.paragraphs,
                      vectors=computed.pop(item.id, ()))


def _entry(plan: Planned) -> IngestedArticle:
    item = plan.item
    assert isinstance(item, Article)
    return IngestedArticle(id=plan.duplicate_of or item.id, title=item.title,
                           outlet=item.outlet, published_at=item.published_at, url=item.url,
                           input=item.input, duplicate_of=plan.duplicate_of)


def _named_across(analysis: Analysis, people: PeopleIndex) -> Analysis:
    """The analysis with surnames completed from other articles; its own full names are
    then known to the articles after it."""
    analysis = rename_entities(analysis, people.full_names(analysis))
    people.add(m.name for m in analysis.mentions if m.type == "PERSON")
    return analysis


def _reassign(analysis: Analysis, article_id: str) -> Analysis:
    """An analysis made for a text, re-labelled with the id of the article it belongs to."""
    sentences = tuple(
        Sentence(id=f"{article_id}:{s.index}", article_id=article_id, index=s.index,
                 start=s.start, end=s.end, text=s.text)
        for s in analysis.sentences
    )
    return replace(analysis, article_id=article_id, sentences=sentences)


