"""Batch ingest on Ray Data (`backstory ingest --engine ray`): reading and analysis spread
over a pool of Ray actors, on this machine or a cluster; writing stays with the driver.

The driver lists the inputs (each file of a folder, each JSONL or WARC file, each URL) and
makes a Ray dataset of them. A pool of actors, each loading spaCy (and the sentence
encoder when settings embed sentences) once, reads, extracts and analyzes them with the
same stage functions as the local engine: `read_sources`, `Analyzer`, `SentenceEncoder`.
The driver takes the analyzed articles back in input order and stores them through the
local engine's own path: `IngestPlanner` (duplicates, learned boilerplate), then
`Desk.write_analyzed` (batched transactions, boilerplate learning) and
`Desk.finish_ingest` (vector back-fill, stories, redrafts).

Why the driver writes. Duplicate detection compares each article with everything stored
and everything read before it in the run: one planner seeing the articles in input order
makes the same decisions as the local engine however many workers read them, and the
store has one writer (all SQLite allows; PostgreSQL is spared contending transactions).
Workers never open the store. Writes are idempotent, since article ids are content
hashes and stored articles are skipped, and each batch is one transaction holding whole
articles; so a task that Ray retries after its worker died, or a run started again after
a crash, adds nothing twice and leaves no partial article.

What that costs: workers analyze every article they read, copies included (the planner
then drops those analyses; so a re-run reads and analyzes everything again before adding
nothing), and an article whose outlet learned new boilerplate during the run is analyzed
again on the driver once the planner has removed that boilerplate. Feeds are fetched
whole: workers have no store in which to remember their ETags.
"""

from __future__ import annotations

import logging
import os
import pickle
import socket
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import ray
import ray.data
import ray.exceptions
from ray.data.exceptions import ExecutionTimeoutError
from ray.util.annotations import RayDeprecationWarning

from backstory.config import Settings
from backstory.errors import ClusterError
from backstory.ingest import Fetcher, InputMeta, estimate_articles, list_inputs, read_sources
from backstory.ingest.planner import IngestPlanner, Planned, remove_shapes
from backstory.models import Analysis, Article, IngestFailure, IngestReport
from backstory.nlp import Analyzer
from backstory.pipeline import Desk, ProgressCallback
from backstory.search import SentenceEncoder
from backstory.search.embeddings import to_bytes

__all__ = ["AnalyzedInput", "ingest_with_ray"]

LOGGER = logging.getLogger(__name__)
# A Ray task reads consecutive inputs holding about this many articles at most (an input
# holding more is a task alone): what a retry redoes. Small runs get smaller tasks, about
# _TASKS_PER_ACTOR each, so that every actor has work and they finish together.
_ARTICLES_PER_TASK = 64
_TASKS_PER_ACTOR = 4
_ARTICLES_PER_BLOCK = 16  # analyzed articles an actor sends back at a time
_TASK_RETRIES = 3  # tries of a task whose actor died, after the first
_CONNECT_TIMEOUT = 5.0  # seconds to reach a cluster's address before giving up
_WARM_UP = "Backstory loads its models before the first task."


@dataclass(frozen=True, slots=True)
class AnalyzedInput:
    """What a worker sends the driver for one article-sized input.

    `item` is the article as read (the planner compares copies as read) or why it could
    not be read. `analysis` is of the article's text, or of `analyzed_text` when the
    worker first removed boilerplate its outlet had learned before the run. `vectors`
    are the analysis's sentence vectors (float16 bytes), when settings embed sentences.
    """

    item: Article | IngestFailure
    analysis: Analysis | None = None
    analyzed_text: str | None = None
    vectors: tuple[bytes, ...] = ()


def ingest_with_ray(desk: Desk, sources: Sequence[str], *, meta: InputMeta | None = None,
                    on_result: ProgressCallback | None = None, address: str | None = None,
                    workers: int | None = None) -> IngestReport:
    """Ingest like `Desk.ingest`, with reading and analysis done by Ray actors.

    The report and the stored result are those of the local engine. `address` names a
    Ray cluster to join (default: the one this process is connected to, else
    `RAY_ADDRESS`, else a new one on this machine with `workers` CPUs); `workers` is the
    number of analyzing actors (default: `settings.workers`). A worker that dies has its
    task retried on a restarted actor; after three retries of one task the run stops
    with a `ClusterError`, keeping what it wrote.
    """
    settings = desk.settings
    actors = workers or settings.workers
    report = IngestReport()
    if desk.reanalysis_pending():
        desk.reanalyze()
    inputs = list_inputs(list(sources))
    planner = IngestPlanner(desk.store)
    computed: dict[str, tuple[bytes, ...]] = {}
    started = bool(inputs) and _connect(address or os.environ.get("RAY_ADDRESS"),
                                        cpus=actors)
    try:
        analyzed = _analyze_on_ray(inputs, settings=settings, meta=meta or InputMeta(),
                                   learned=_learned_shapes(desk), actors=actors)
        desk.write_analyzed(_planned(analyzed, planner, desk.analyzer, computed), planner,
                            report, on_result=on_result, vectors=computed)
    except (ray.exceptions.RayError, ExecutionTimeoutError) as exc:
        raise ClusterError(f"the Ray run stopped: {exc}; what was written before stays "
                           "stored, and running the same ingest again adds the rest",
                           address=address) from exc
    finally:
        if started:
            ray.shutdown()
    desk.finish_ingest(report)
    return report


class _AnalyzingWorker:
    """One actor of the pool: reads inputs and analyzes their articles, with models it
    loaded once when it started (and again if Ray restarts it)."""

    def __init__(self, settings: Settings, meta: InputMeta,
                 learned: dict[str, set[str]]) -> None:
        self._settings = settings
        self._meta = meta
        self._learned = learned
        self._analyzer = Analyzer(settings.spacy_model)
        self._analyzer.analyze([Article.create(_WARM_UP, input="")])
        self._encoder = SentenceEncoder() if settings.embeds else None
        if self._encoder is not None:
            self._encoder.encode_one(_WARM_UP)

    def __call__(self, batch: dict[str, Any]) -> Iterator[dict[str, list[Any]]]:
        """Read the inputs of a batch of tasks (columns `first`: the index of a task's
        first input, `sources`: its inputs) and send back their analyzed articles in
        blocks, each row naming its input and its place among that input's articles
        (columns `index`, `position`, `payload`: a pickled `AnalyzedInput`)."""
        pending: list[tuple[int, int, Article | IngestFailure]] = []
        with Fetcher(self._settings) as fetcher:
            for first, sources in zip(batch["first"], batch["sources"], strict=True):
                for index, source in enumerate(sources, start=int(first)):
                    results = read_sources([str(source)], meta=self._meta, fetcher=fetcher)
                    for position, item in enumerate(results):
                        pending.append((index, position, item))
                        if len(pending) == _ARTICLES_PER_BLOCK:
                            yield self._block(pending)
                            pending = []
        if pending:
            yield self._block(pending)

    def _block(self, items: list[tuple[int, int, Article | IngestFailure]]
               ) -> dict[str, list[Any]]:
        articles = [item for _, _, item in items if isinstance(item, Article)]
        cleaned = [self._without_learned(article) for article in articles]
        analyses = self._analyzer.analyze(cleaned)
        done = iter(zip(articles, cleaned, analyses, self._vectors(analyses), strict=True))
        payloads = []
        for _, _, item in items:
            if isinstance(item, IngestFailure):
                payloads.append(AnalyzedInput(item))
                continue
            article, kept, analysis, vectors = next(done)
            payloads.append(AnalyzedInput(
                article, analysis, vectors=vectors,
                analyzed_text=kept.text if kept.text != article.text else None))
        return {"index": [index for index, _, _ in items],
                "position": [position for _, position, _ in items],
                "payload": [pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL)
                            for p in payloads]}

    def _without_learned(self, article: Article) -> Article:
        """The article as the planner will store it, as far as the boilerplate learned
        before this run tells (the planner's own removal, on the same shapes)."""
        shapes = self._learned.get(article.outlet or "")
        if not shapes:
            return article
        text = remove_shapes(article.text, shapes)
        return article if text == article.text else replace(article, text=text)

    def _vectors(self, analyses: list[Analysis]) -> list[tuple[bytes, ...]]:
        """Each analysis's sentence vectors, encoded in one batch (none when settings do
        not embed sentences)."""
        if self._encoder is None:
            return [() for _ in analyses]
        encoded = iter(to_bytes(self._encoder.encode(
            [s.text for a in analyses for s in a.sentences])))
        return [tuple(next(encoded) for _ in a.sentences) for a in analyses]


def _analyze_on_ray(inputs: list[str], *, settings: Settings, meta: InputMeta,
                    learned: dict[str, set[str]], actors: int) -> Iterator[AnalyzedInput]:
    """The inputs read and analyzed by a pool of `actors` actors, in input order."""
    if not inputs:
        return
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # the planner must see input order
    context.enable_progress_bars = False  # the CLI shows its own
    context.print_on_execution_start = False
    # An actor killed while loading its models is replaced, a few times in a row at most.
    context.max_consecutive_actor_init_deaths = _TASK_RETRIES
    tasks = _tasks(inputs, actors=actors)
    with warnings.catch_warnings():
        # Ray 2.60 deprecates passing max_restarts and max_task_retries this way but
        # offers no named parameter for them yet; Ray is pinned, and its default (retry
        # forever) would let one input that kills every worker loop the run for ever.
        warnings.simplefilter("ignore", RayDeprecationWarning)
        dataset = ray.data.from_items(tasks, override_num_blocks=len(tasks)).map_batches(
            _AnalyzingWorker,
            # Only what reading needs crosses to the workers: no secrets of other stages.
            fn_constructor_kwargs={"settings": replace(settings, llm_api_key=None),
                                   "meta": meta, "learned": learned},
            batch_size=1,  # one task a call
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=min(actors, len(tasks))),
            num_cpus=1,
            # A dead actor is restarted (loading its models again) and its task tried
            # again on it, up to _TASK_RETRIES times.
            max_restarts=-1,
            max_task_retries=_TASK_RETRIES,
        )
    received: dict[int, int] = {}  # input index -> how many of its articles arrived
    for block in dataset.iter_batches(batch_size=None, batch_format="numpy"):
        for index, position, payload in zip(block["index"], block["position"],
                                            block["payload"], strict=True):
            index, position = int(index), int(position)
            # A task tried again sends from its first article: skip what already came.
            if position < received.get(index, 0):
                continue
            received[index] = position + 1
            result = pickle.loads(payload)
            if not isinstance(result, AnalyzedInput):
                raise ClusterError("a worker sent something other than an analyzed input; "
                                   "are the driver and the workers on the same Backstory?",
                                   got=type(result).__name__)
            yield result


def _tasks(inputs: list[str], *, actors: int) -> list[dict[str, Any]]:
    """The inputs cut into runs of consecutive inputs, one Ray task each: `first` is the
    index of a run's first input, `sources` its inputs."""
    sizes = [estimate_articles([source]) for source in inputs]
    target = max(1, min(_ARTICLES_PER_TASK, sum(sizes) // (actors * _TASKS_PER_ACTOR)))
    tasks: list[dict[str, Any]] = []
    run: list[str] = []
    held = 0
    for index, (source, size) in enumerate(zip(inputs, sizes, strict=True)):
        if run and held + size > target:
            tasks.append({"first": index - len(run), "sources": run})
            run, held = [], 0
        run.append(source)
        held += size
    if run:
        tasks.append({"first": len(inputs) - len(run), "sources": run})
    return tasks


def _planned(analyzed: Iterable[AnalyzedInput], planner: IngestPlanner, analyzer: Analyzer,
             computed: dict[str, tuple[bytes, ...]]
             ) -> Iterator[tuple[Analysis | None, Planned]]:
    """Plan each analyzed input as the local engine plans what it reads, keeping the
    worker's analysis (and putting its vectors in `computed`) when it is of the text the
    planner keeps; analyzing it here otherwise."""
    again = 0
    for result in analyzed:
        for plan in planner.plan([result.item]):
            fresh = plan.fresh
            if fresh is None:
                yield None, plan
                continue
            worked = result.analyzed_text or (
                result.item.text if isinstance(result.item, Article) else None)
            if result.analysis is not None and fresh.text == worked:
                if result.vectors:
                    computed[fresh.id] = result.vectors
                yield result.analysis, plan
                continue
            # Its outlet learned boilerplate during this run: analyze what is stored.
            again += 1
            yield analyzer.analyze([fresh])[0], plan
    if again:
        LOGGER.info("analyzed %d article(s) again on the driver after boilerplate learned "
                    "during the run was removed from them", again)


def _learned_shapes(desk: Desk) -> dict[str, set[str]]:
    """The boilerplate shapes each outlet has learned so far, for workers to remove."""
    learned = {outlet: desk.store.learned_shapes(outlet) for outlet in desk.store.outlets()}
    return {outlet: shapes for outlet, shapes in learned.items() if shapes}


def _connect(address: str | None, *, cpus: int) -> bool:
    """Join the Ray cluster at `address`, or start one here with `cpus` CPUs, unless this
    process is connected already; True when this call connected (so it disconnects)."""
    if ray.is_initialized():
        return False
    if address:
        _check_reachable(address)
    verbose = LOGGER.isEnabledFor(logging.INFO)
    if not verbose:
        # Ray's core logs errors it recovers from (a worker restarted) to stderr itself.
        os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    try:
        # "local" starts a new instance even where `ray start` left one running.
        ray.init(address=address or "local", num_cpus=None if address else cpus,
                 include_dashboard=False, log_to_driver=verbose,
                 logging_level=logging.INFO if verbose else logging.ERROR)
    except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
        if not address:
            raise ClusterError(f"cannot start Ray on this machine: {exc}") from exc
        raise ClusterError(
            f"cannot join the Ray cluster at {address}: {exc}. A cluster with token "
            "authentication (Ray's default) also needs RAY_AUTH_MODE=token here and its "
            "token (RAY_AUTH_TOKEN, or the file ~/.ray/auth_token)", address=address) from exc
    # Ray Data logs each run's plan and progress to the console; keep to our verbosity.
    logging.getLogger("ray.data").setLevel(logging.INFO if verbose else logging.ERROR)
    return True


def _check_reachable(address: str) -> None:
    """Fail fast when nothing listens at a `host:port` (or `ray://host:port`) address:
    Ray itself keeps retrying for minutes. Other forms ("auto") are left to Ray."""
    parts = urlsplit(address if "://" in address else f"ray://{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host or port is None:
        return
    try:
        with socket.create_connection((host, port), timeout=_CONNECT_TIMEOUT):
            pass
    except OSError as exc:
        raise ClusterError(f"nothing answers at {address} ({exc.strerror or exc}); start "
                           "the cluster's head there (`ray start --head`) or leave out "
                           "--address to start Ray on this machine", address=address) from exc
