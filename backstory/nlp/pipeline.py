"""The NLP stage: sentences, entities and roles, quotes, claims, time values and events.

Every sentence goes through spaCy's NER; only the sentences an extractor asks for (an
attribution cue, a quotation mark, an event word…) also get a dependency parse, in one
batch per group of articles. All spans are character offsets into the article text.
"""

from __future__ import annotations

import datetime
import functools
import logging
import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar, cast

import numpy
import spacy
from spacy.attrs import IS_ALPHA, IS_LOWER, IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab
from thinc.api import NumpyOps
from threadpoolctl import threadpool_limits

from backstory.batches import batched
from backstory.errors import AnalysisError
from backstory.models import Analysis, Article, Mention, Sentence
from backstory.nlp import claims, events, quotes
from backstory.nlp.attributes import COMPONENT as LIGHT_ATTRIBUTES
from backstory.nlp.cues import APOSTROPHE_MARK
from backstory.nlp.entities import canonical_mentions, find_roles
from backstory.nlp.gazetteer import TITLE_NOUNS
from backstory.nlp.times import resolve_times

__all__ = ["Analyzer"]

LOGGER = logging.getLogger(__name__)
C = TypeVar("C")
R = TypeVar("R")
# Backstory reads sentences and entities. The NER component carries its own embedding, so
# the shared tok2vec, tagger, parser, lemmatizer and attribute ruler feed nothing it uses;
# a rule-based sentencizer (plus paragraph boundaries) replaces the parser's sentences.
# On BBC articles this runs 2.6x faster than the full pipeline (see BENCHMARKS.md).
_EXCLUDE = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer")
# The parser pipeline reads single sentences: tok2vec, tagger and parser, then our light
# attributes (POS from the tag, the lemmas the extractors read). No NER: the article's
# entities come from the first pass. spaCy's attribute ruler and lemmatizer are left out:
# on news text they cost more than the parser (see BENCHMARKS.md).
_PARSER_EXCLUDE = ("ner", "senter", "attribute_ruler", "lemmatizer")
# thinc multiplies matrices with BLIS, which picks its kernels by CPU model and falls back
# to generic C on models it does not know: on this machine's AMD EPYC (family 25) BLIS
# reaches 16 GFLOP/s where NumPy's OpenBLAS reaches 64. The models' layers therefore run
# on NumPy's BLAS; the products, and the entities and parses, are the same.
_OPS = NumpyOps(use_blis=False)
_BATCH = 32
_PARSE_BATCH = 128
# Below this many articles, starting worker processes costs more than it saves.
_MIN_FOR_WORKERS = 64
_CHUNK = 16  # articles sent to a worker at a time
_SENTENCE_ENDS = frozenset({".", "!", "?"})
# Abbreviated titles that spaCy's tokenizer splits from their full stop ("Capt", "."), so
# that the sentencizer ends a sentence inside "Capt. Ilse Marrow"; "Mr.", "Sen.", "Gen."
# and the like are its exceptions already.
_TITLE_ABBREVIATIONS = (
    "Lt", "Col", "Capt", "Cmdr", "Cdr", "Maj", "Sgt", "Cpl", "Pvt", "Brig", "Lieut", "Sens",
    "Reps", "Govs", "Gens", "Hon", "Pres", "Supt", "Det", "Insp", "Amb", "Atty", "Ft", "Sr")
# Marks that may open a quotation, as the keys of the doc's ORTH array.
_OPENING_MARKS = [get_string_id(mark) for mark in ("\u201c", '"', APOSTROPHE_MARK)]


@Language.component("paragraph_boundaries")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break: paragraphs never share a sentence. An
    opening quotation mark after a sentence's end opens the next sentence: spaCy's
    sentencizer keeps every punctuation mark after a full stop with the sentence it ends,
    so 'It held. “We will rebuild,” she said.' would split after the “ (and after the " of
    'It held. "We will rebuild," she said.', or the '' of "It held. ''We will…"). And a
    word in lower case does not begin a sentence: the sentencizer ends one at every full
    stop, exclamation or question mark, so "Sen. Ann Ruiz (D-Vt.) said …" and
    '“Why now?” she asked.' were cut in two, the cue apart from its speaker or quotation.

    Only the few candidate tokens (space tokens, opening quotation marks) are looked at:
    spaCy builds a Python object for every token read, which costs more than the rule.
    """
    if len(doc) < 2:
        return doc
    attrs = doc.to_array([IS_SPACE, ORTH, SENT_START, IS_LOWER, IS_ALPHA])
    lower_starts = (attrs[1:, 2] == 1) & (attrs[1:, 3] == 1) & (attrs[1:, 4] == 1)
    for i in numpy.flatnonzero(lower_starts).tolist():
        if "\n" not in doc[i].text:  # the token before the lower-case word
            doc[i + 1].is_sent_start = False
    attrs = attrs[:-1]
    for i in numpy.flatnonzero(attrs[:, 0]).tolist():
        if "\n" in doc[i].text:  # a token's trailing whitespace is one space at most
            doc[i + 1].is_sent_start = True
    marks = numpy.isin(attrs[:, 1], _OPENING_MARKS)
    for i in numpy.flatnonzero(marks).tolist():
        token, before = doc[i], doc[i - 1] if i else None
        if (before is not None and before.whitespace_ and before.text in _SENTENCE_ENDS
                and doc[i + 1].is_sent_start
                # a straight mark opens a quotation only when it is attached to the next word
                and (token.text == "\u201c" or not token.whitespace_)):
            token.is_sent_start = True
            doc[i + 1].is_sent_start = False
    return doc


_TITLE_KEYS = numpy.array(sorted({get_string_id(t.capitalize()) for t in TITLE_NOUNS}),
                         dtype="uint64")
_NAME_WORDS = (2, 3)  # how many capitalised words after a title make a name
_NOT_PEOPLE = frozenset({"WORK_OF_ART", "PRODUCT", "LAW", "LANGUAGE", "NORP"})


@Language.component("titled_people")
def titled_people(doc: Doc) -> Doc:
    """People the NER missed or made up. "Mayor Ilse Marrow said …": a capitalised title
    ("Mayor", "Minister") followed by two or three capitalised words that are no title
    themselves and that the NER left without an entity makes those words a PERSON (the
    title stays out, as the NER leaves it out). And a one-word "person" after "in" is a
    place. Only capitalised title words and the entities are looked at: spaCy builds a
    Python object for every token read."""
    orths = doc.to_array([ORTH]).ravel() if len(doc) else numpy.array([], dtype="uint64")
    found: list[Span] = []
    # A name the NER took for a title of a work ("Mayor Ilse Marrow" as WORK_OF_ART) or a
    # first name it took for a nationality ("Governor Anneliese Dorn") is open to the
    # rule; any other entity keeps its words.
    taken = {i for ent in doc.ents if ent.label_ not in _NOT_PEOPLE
             for i in range(ent.start, ent.end)}
    for i in numpy.flatnonzero(numpy.isin(orths, _TITLE_KEYS)).tolist():
        end = i + 1
        while (end < len(doc) and end - i <= _NAME_WORDS[-1] and end not in taken
               and doc[end].is_title and doc[end].is_alpha
               and doc[end].lower_ not in TITLE_NOUNS and doc[end - 1].whitespace_):
            end += 1
        if end - (i + 1) in _NAME_WORDS and (end >= len(doc) or not doc[end].is_title):
            found.append(Span(doc, i + 1, end, label="PERSON"))
    # One word after "in" is a place, not a person: "a teacher in Carrowmere" (but "in
    # Lee's office" is the person's).
    places = [Span(doc, ent.start, ent.end, label="GPE") for ent in doc.ents
              if ent.label_ == "PERSON" and len(ent) == 1 and ent.start > 0
              and doc[ent.start - 1].lower_ == "in"
              and (ent.end == len(doc) or doc[ent.end].lower_ not in ("'s", "’s"))]
    if found or places:
        new = [*found, *places]
        kept = [ent for ent in doc.ents
                if not any(ent.start < f.end and f.start < ent.end for f in new)]
        doc.ents = sorted([*kept, *new], key=lambda ent: ent.start)
    return doc


class Analyzer:
    """Runs the NLP stage over articles; the model is loaded on first use.

    Analyzers of the same model in one process share one loaded pipeline (and its lock:
    spaCy is not re-entrant, and the web app calls it from worker threads).
    """

    def __init__(self, model: str) -> None:
        self._model_name = model

    @property
    def nlp(self) -> Language:
        return _shared_pipeline(self._model_name)[0]

    @property
    def parser(self) -> Language:
        """The pipeline that parses the sentences quotes, claims and events are read from."""
        return _shared_parser(self._model_name)

    def analyze(self, articles: Sequence[Article]) -> list[Analysis]:
        """Analyze a batch of articles; results come back in the same order."""
        nlp, lock = _shared_pipeline(self._model_name)
        parser = self.parser
        with lock:
            drafts = [_Draft.of(article, doc) for article, doc in zip(
                articles, nlp.pipe((a.text for a in articles), batch_size=_BATCH),
                strict=True)]
            wanted = [(draft, i) for draft in drafts for i in draft.wanted]
            parses = parser.pipe((draft.sentences[i].text for draft, i in wanted),
                                 batch_size=_PARSE_BATCH)
            for (draft, i), parsed in zip(wanted, parses, strict=True):
                draft.parsed[i] = parsed
        return [draft.finish() for draft in drafts]

    def analyze_stream(self, items: Iterable[tuple[Article | None, C]], *, workers: int = 1,
                       expected: int = 0) -> Iterator[tuple[Analysis | None, C]]:
        """Analyze a stream of articles in order, with `workers` processes for long runs.

        Items without an article (duplicates, failures) pass through with no analysis,
        so the caller keeps one ordered stream. The stream is read in the calling thread
        only (it may query the store); workers receive texts and send back finished
        `Analysis` records, which are far lighter to pass between processes than Docs.
        """
        processes = workers if expected >= _MIN_FOR_WORKERS and workers > 1 else 1
        if processes == 1:
            for chunk in batched(items, _BATCH):
                yield from _merge(chunk, self.analyze(
                    [article for article, _ in chunk if article is not None]))
            return
        # Load before forking: the workers share the weights.
        _shared_pipeline(self._model_name)
        _shared_parser(self._model_name)
        with multiprocessing.get_context("fork").Pool(processes, _one_thread) as pool:
            window: deque[tuple[list[tuple[Article | None, C]], AsyncResult[list[Analysis]]]]
            window = deque()
            for chunk in batched(items, _CHUNK):
                articles = [article for article, _ in chunk if article is not None]
                window.append((chunk, pool.apply_async(
                    _analyze_in_worker, (self._model_name, articles))))
                if len(window) > processes * 2:
                    chunk, result = window.popleft()
                    yield from _merge(chunk, result.get())
            while window:
                chunk, result = window.popleft()
                yield from _merge(chunk, result.get())

    def analyze_text(self, text: str) -> Doc:
        """Run the pipeline over a short text, such as a question."""
        nlp, lock = _shared_pipeline(self._model_name)
        with lock:
            return nlp(text)


def _one_thread() -> None:
    """Worker start: one BLAS thread each, since the workers already fill the cores."""
    threadpool_limits(1)


def _analyze_in_worker(model: str, articles: list[Article]) -> list[Analysis]:
    """Runs in a worker process (forked with the model already loaded)."""
    return Analyzer(model).analyze(articles)


def _merge(chunk: list[tuple[Article | None, C]], analyses_of_articles: list[Analysis]
           ) -> Iterator[tuple[Analysis | None, C]]:
    """The chunk's items with their analyses (articles only; the rest pass through)."""
    analyses = iter(analyses_of_articles)
    for article, context in chunk:
        yield (next(analyses) if article is not None else None), context


@functools.cache
def _shared_pipeline(model: str) -> tuple[Language, threading.Lock]:
    nlp = _load(model, exclude=_EXCLUDE)
    tokenizer = cast(Tokenizer, nlp.tokenizer)
    for title in _TITLE_ABBREVIATIONS:  # "Capt. Ilse Marrow" is one sentence
        tokenizer.add_special_case(f"{title}.", [{ORTH: f"{title}."}])
    nlp.add_pipe("sentencizer", first=True)
    nlp.add_pipe("paragraph_boundaries", after="sentencizer")
    nlp.add_pipe("titled_people", last=True)
    return nlp, threading.Lock()


@functools.cache
def _shared_parser(model: str) -> Language:
    # One vocabulary and one tokenizer for both pipelines: a sentence's words were
    # tokenized in the NER pass, so tokenizing it again for the parser finds every word in
    # the tokenizer's cache (a cold cache costs three times as much).
    nlp, _lock = _shared_pipeline(model)
    parser = _load(model, exclude=_PARSER_EXCLUDE, vocab=nlp.vocab)
    parser.tokenizer = nlp.tokenizer
    parser.add_pipe(LIGHT_ATTRIBUTES, last=True)
    return parser


def _load(model: str, *, exclude: Sequence[str], vocab: Vocab | bool = True) -> Language:
    try:
        nlp = spacy.load(model, exclude=list(exclude), vocab=vocab)
    except OSError as exc:
        raise AnalysisError(
            f"the spaCy model {model!r} is not installed; run "
            "`pip install -r requirements.lock` in Backstory's environment",
            model=model,
        ) from exc
    for _, component in nlp.components:
        if (network := getattr(component, "model", None)) is not None:
            for layer in network.walk():
                layer.ops = _OPS
    return nlp


@dataclass
class _Draft:
    """One article between its NER pass and its records: the parses it asked for."""

    article: Article
    doc: Doc
    sentences: list[Sentence]
    mentions: tuple[Mention, ...]
    wanted: list[int]  # indices of the sentences to parse
    parsed: dict[int, Doc] = field(default_factory=dict)

    @classmethod
    def of(cls, article: Article, doc: Doc) -> _Draft:
        sentences, spans = _sentences_of(article, doc)
        wanted = sorted(set(quotes.sentences_to_parse(doc, spans)).union(
            i for i, span in enumerate(spans)
            if claims.needs_parse(span) or events.needs_parse(span)))
        return cls(article, doc, sentences, tuple(canonical_mentions(doc.ents, sentences)),
                   wanted)

    def finish(self) -> Analysis:
        article, doc, sentences, mentions = self.article, self.doc, self.sentences, self.mentions
        anchor = _anchor(article.published_at)
        times = _guarded(article, "time expressions", resolve_times, doc, sentences,
                         anchor=anchor)
        found_quotes = _guarded(article, "quotes", quotes.extract_quotes, article.text,
                                sentences, self.parsed, mentions)
        return Analysis(
            article_id=article.id,
            sentences=tuple(sentences),
            mentions=mentions,
            roles=tuple(_guarded(article, "roles", find_roles, doc, mentions)),
            quotes=tuple(found_quotes),
            claims=tuple(_guarded(article, "claims", claims.extract_claims, doc, sentences,
                                  self.parsed, mentions=mentions, times=times,
                                  quotes=found_quotes)),
            times=tuple(times),
            events=tuple(_guarded(article, "events", events.extract_events, doc, sentences,
                                  self.parsed, mentions=mentions, times=times)),
        )


def _anchor(published_at: str | None) -> datetime.date | None:
    """The publication date that relative times ("Sunday", "last year") count from."""
    if not published_at:
        return None
    try:
        return datetime.date.fromisoformat(published_at[:10])
    except ValueError:
        return None


def _analysis_of(article: Article, doc: Doc) -> Analysis:
    """Sentences, entities and roles from the NER pass alone (no parses, so no quotes)."""
    sentences, _spans = _sentences_of(article, doc)
    mentions = tuple(canonical_mentions(doc.ents, sentences))
    return Analysis(
        article_id=article.id,
        sentences=tuple(sentences),
        mentions=mentions,
        roles=tuple(_guarded(article, "roles", find_roles, doc, mentions)),
    )


def _sentences_of(article: Article, doc: Doc) -> tuple[list[Sentence], list[Span]]:
    """The article's non-empty sentences, trimmed, with the doc spans they come from."""
    sentences: list[Sentence] = []
    spans: list[Span] = []
    for span in doc.sents:
        # The article's own text, sliced: `Span.text` builds a Python object per token.
        raw = article.text[span.start_char:span.end_char]
        text = raw.strip()
        if not text:
            continue
        start = span.start_char + (len(raw) - len(raw.lstrip()))
        sentences.append(Sentence(
            id=f"{article.id}:{len(sentences)}",
            article_id=article.id,
            index=len(sentences),
            start=start,
            end=start + len(text),
            text=text,
        ))
        spans.append(span)
    return sentences, spans


def _guarded(article: Article, what: str, extract: Callable[..., Iterable[R]], *args: Any,
             **kwargs: Any) -> list[R]:
    """Run one extractor; a failure costs that article these records, not its ingest."""
    try:
        return list(extract(*args, **kwargs))
    except Exception:  # any rule bug must not stop a batch; it is logged
        LOGGER.exception("extracting %s from article %s (%s) failed; stored without them",
                         what, article.id, article.input)
        return []
