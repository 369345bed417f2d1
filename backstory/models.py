"""The records that pass between stages: frozen, typed, carrying their provenance."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

__all__ = [
    "DOCUMENT_KINDS",
    "DOCUMENT_STATUSES",
    "Analysis",
    "Answer",
    "Article",
    "ArticleMeta",
    "AuditEntry",
    "Chart",
    "Citation",
    "Claim",
    "Comparison",
    "Composition",
    "Conflict",
    "Document",
    "DocumentBody",
    "EditorSession",
    "EntityProfile",
    "Event",
    "FeedValidators",
    "IngestFailure",
    "IngestReport",
    "IngestedArticle",
    "LearnedBoilerplate",
    "Mention",
    "NewArticle",
    "NewCopy",
    "Omission",
    "ParagraphRecord",
    "Quote",
    "Rewrite",
    "Role",
    "Section",
    "Sentence",
    "SentenceHit",
    "ShapeSeen",
    "Side",
    "SourceInfo",
    "SourcedClaim",
    "Statement",
    "Story",
    "TimeExpr",
    "TimelineEntry",
    "User",
    "normalize_for_hash",
    "readable_value",
]

_SPACE = re.compile(r"\s+")


def normalize_for_hash(text: str) -> str:
    """Text folded so that copies differing only in case, spacing or Unicode form match."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE.sub(" ", folded).strip()


@dataclass(frozen=True, slots=True)
class Article:
    """One article's clean text and metadata, as ingest hands it to analysis.

    The id is a hash of the normalized text, so the same text always gets the same id
    and an exact copy is recognized before anything is written.
    """

    id: str
    text: str
    text_hash: str
    input: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    published_at: str | None = None  # ISO 8601 date or datetime
    language: str = "en"
    dropped: tuple[str, ...] = ()  # boilerplate paragraphs removed from the text

    @classmethod
    def create(cls, text: str, *, input: str, title: str | None = None,
               outlet: str | None = None, url: str | None = None, author: str | None = None,
               published_at: str | None = None, language: str = "en",
               dropped: tuple[str, ...] = ()) -> Article:
        """Build an article, deriving its hash and id from the text."""
        text_hash = hashlib.sha256(normalize_for_hash(text).encode("utf-8")).hexdigest()
        return cls(id=text_hash[:16], text=text, text_hash=text_hash, input=input, title=title,
                   outlet=outlet, url=url, author=author, published_at=published_at,
                   language=language, dropped=dropped)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article; `start`/`end` are offsets into the article text."""

    id: str
    article_id: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention: the canonical entity `name` and the span that names it."""

    name: str
    type: str
    sentence_index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Role:
    """A role or title the article gives an entity ("China's public security minister")."""

    name: str  # canonical entity name
    role: str
    sentence_index: int
    start: int  # span of the role phrase in the article text
    end: int


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A time expression and its value, resolved against the publication date.

    `value` is an ISO 8601 / TimeML value: "2024-02-18", "2024-02", "2024", "2024-W07",
    "2024-Q1", "P3W" (a duration), "PRESENT_REF"…; None when it cannot be resolved.
    `precision` is one of day, week, month, quarter, year, decade, century, time,
    duration, ref (past/present/future reference), or None.
    """

    sentence_index: int
    text: str
    start: int
    end: int
    value: str | None
    precision: str | None


@dataclass(frozen=True, slots=True)
class Relay:
    """Who passed a quote on, in the article's words: the source ("Xinhua"), the cue
    ("according to", "reported") and what the relay attributes to it (the quote with its
    speaker and cue), as offsets into the article text."""

    source_start: int
    source_end: int
    cue_start: int
    cue_end: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quote:
    """Who said what, according to whom: one attribution with its spans in the article.

    `speaker` and `via`, `addressee` are canonical entity names (None when unknown);
    `speaker_text` is the speaker as written ("a ministry spokesman", "he"). `start`/`end`
    delimit the content. Offsets are into the article text; `sentence_index` is the
    sentence holding the cue, or, for a quotation that continues an earlier one in
    sentences of its own, the sentence where the continuation starts (its speaker and cue
    stay those of the earlier sentence).
    """

    sentence_index: int
    speaker: str | None
    speaker_text: str | None
    speaker_start: int | None
    speaker_end: int | None
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    content: str
    start: int
    end: int
    direct: bool
    via: str | None = None
    addressee: str | None = None
    relay: Relay | None = None  # where `via` says so, when the article says it

    @property
    def cue_words(self) -> str | None:
        """The cue when it is words ("urged", "according to"); None for a headline's colon
        ("Lee: Port strike will end by Friday") or no cue."""
        return self.cue if self.cue and any(ch.isalpha() for ch in self.cue) else None

    @property
    def shown(self) -> str:
        """The content as a reader sees it: a direct quote in quotation marks, unless it
        carries its own (a partial quotation, 'Washington should "lift the limits"', or
        several, '"candid" and "constructive"')."""
        content = self.content.strip().rstrip(",")
        if not self.direct or any(mark in content for mark in ('"', "“", "”", "''")):
            return content
        return f"“{content}”"


_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def readable_value(value: float | str) -> str:
    """A claim's value as a reader writes it: 11, 4.75, "8.5 million", "95,000", "dozens"."""
    if isinstance(value, str):
        return value
    for size, word in _SCALES:
        if abs(value) >= size:
            return f"{value / size:,.2f}".rstrip("0").rstrip(".") + f" {word}"
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class Claim:
    """A numeric or quantified statement: "at least 11 Chinese students … deported".

    `value` is a number, or a vague amount as written ("tens", "dozens"). `source` is the
    canonical name of who makes the claim (the speaker of the quote holding it, or the
    outlet's own statement when None). `start`/`end` span the evidence in the article.
    """

    sentence_index: int
    value: float | str
    qualifier: str | None
    unit: str | None
    per: str | None
    object: str | None
    predicate: str | None
    place: str | None
    time: str | None
    source: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Event:
    """A typed event (meeting, summit, protest, deportation…) with its participants."""

    type: str
    participants: tuple[str, ...]
    place: str | None
    time: str | None
    precision: str | None
    sentence_index: int
    trigger: str
    start: int  # span of the trigger word in the article text
    end: int
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the NLP stage found in one article."""

    article_id: str
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    roles: tuple[Role, ...] = ()
    quotes: tuple[Quote, ...] = ()
    claims: tuple[Claim, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    events: tuple[Event, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """An article's metadata as stored, without its text."""

    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published_at: str | None
    author: str | None = None
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a statement comes from: the sentence, its article, outlet and date."""

    article_id: str
    sentence_id: str
    sentence: str
    start: int
    end: int
    outlet: str | None
    url: str | None
    published_at: str | None

    @classmethod
    def of(cls, sentence: Sentence, article: ArticleMeta | Article) -> Citation:
        """The citation of a sentence of an article."""
        return cls(article_id=article.id, sentence_id=sentence.id, sentence=sentence.text,
                   start=sentence.start, end=sentence.end, outlet=article.outlet,
                   url=article.url, published_at=article.published_at)


@dataclass(frozen=True, slots=True)
class SentenceHit:
    """A sentence returned by search, with its article's metadata and its score."""

    sentence: Sentence
    article: ArticleMeta
    score: float
    # Cosine similarity of the sentence's embedding to the query's, when known.
    similarity: float | None = None

    def citation(self) -> Citation:
        return Citation.of(self.sentence, self.article)


@dataclass(frozen=True, slots=True)
class Answer:
    """A reply to a question: the answer with its citations, or an abstention."""

    question: str
    answer: str | None
    abstained: bool
    confidence: float
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True, slots=True)
class Statement:
    """A piece of generated text and the sentences it stands on."""

    text: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A headed run of statements; in an FAQ the heading is the question."""

    heading: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class Composition:
    """A generated document about a story (explainer, FAQ or analysis), every statement cited."""

    kind: str  # "explainer" | "faq" | "analysis"
    story_id: str
    title: str
    sections: tuple[Section, ...]

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for section in self.sections for s in section.statements)

    @property
    def body(self) -> DocumentBody:
        """What the editor desk stores and versions: the title and the sections."""
        return DocumentBody(title=self.title, sections=self.sections)


@dataclass(frozen=True, slots=True)
class Chart:
    """An infographic: a Vega-Lite spec, its data rows (each with its citations) and a text
    alternative for readers who cannot see it."""

    kind: str  # "timeline" | "numbers" | "speakers" | "coverage"
    story_id: str
    title: str
    spec: dict[str, object]
    description: str


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about the same event or development."""

    id: str
    title: str
    article_ids: tuple[str, ...]
    first_seen: str | None
    last_seen: str | None


@dataclass(frozen=True, slots=True)
class EntityProfile:
    """One canonical entity across the store: its other names, roles and articles."""

    name: str
    type: str
    aliases: tuple[str, ...]
    roles: tuple[tuple[str, str], ...]  # (article id, role as the article gives it)
    article_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event of a story, merged across the articles that report it."""

    type: str
    time: str | None  # ISO value as resolved from the articles ("2024-02-18", "2023-11")
    precision: str | None
    participants: tuple[str, ...]
    place: str | None
    topic: str | None
    citations: tuple[Citation, ...]  # one per reporting sentence, in article order


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Who a source is: its kind (news outlet, state media, government, agency, company,
    NGO, person…) and country; "unknown" where neither the table nor the text says."""

    name: str
    kind: str
    country: str | None


@dataclass(frozen=True, slots=True)
class Side:
    """Speakers grouped by the country (or camp) they speak for, with what they say."""

    name: str
    members: tuple[SourceInfo, ...]
    quotes: tuple[tuple[Quote, Citation], ...]


@dataclass(frozen=True, slots=True)
class SourcedClaim:
    claim: Claim
    citation: Citation


@dataclass(frozen=True, slots=True)
class Conflict:
    """Different figures given for the same thing by different sources."""

    object: str
    figures: tuple[SourcedClaim, ...]


@dataclass(frozen=True, slots=True)
class Omission:
    """Something one account leaves out that others report."""

    statement: str
    absent_from: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """How the accounts in a story differ: claims by source, conflicts, omissions."""

    claims_by_source: tuple[tuple[str, tuple[SourcedClaim, ...]], ...]
    conflicts: tuple[Conflict, ...]
    omissions: tuple[Omission, ...]


@dataclass(frozen=True, slots=True)
class FeedValidators:
    """What a server said about a feed (ETag, Last-Modified), to ask later if it changed."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class ParagraphRecord:
    """A paragraph of an article as first ingested: its recurrence shape and position."""

    shape: str
    edge: bool
    text: str


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An article to store, with its analysis and what dedup and boilerplate learning need."""

    article: Article
    analysis: Analysis
    band_keys: tuple[int, ...]
    paragraphs: tuple[ParagraphRecord, ...]
    # One embedding per sentence of the analysis, in order (float16 bytes); empty when
    # they are computed later (the store then back-fills them).
    vectors: tuple[bytes, ...] = ()


@dataclass(frozen=True, slots=True)
class NewCopy:
    """Another copy of a stored article (1.0 similarity: exact; less: near-duplicate)."""

    original_id: str
    copy: Article
    similarity: float


@dataclass(frozen=True, slots=True)
class LearnedBoilerplate:
    """A paragraph shape that an outlet repeats around its articles."""

    outlet: str
    shape: str
    sample: str
    articles: int


@dataclass(frozen=True, slots=True)
class Rewrite:
    """A stored article's new text (learned boilerplate removed) and its new analysis."""

    article_id: str
    text: str
    analysis: Analysis


@dataclass(frozen=True, slots=True)
class ShapeSeen:
    """How often an outlet's articles carry paragraphs of one shape."""

    outlet: str
    shape: str
    samples: tuple[str, ...]
    edges: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class IngestedArticle:
    """One input that became (or matched) a stored article."""

    id: str
    title: str | None
    outlet: str | None
    published_at: str | None
    url: str | None
    input: str
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class IngestFailure:
    """One input that could not be ingested, and why."""

    source: str
    error: str


@dataclass(slots=True)
class IngestReport:
    """The outcome of one ingest call; filled in as inputs are processed."""

    articles: list[IngestedArticle] = field(default_factory=list)
    failed: list[IngestFailure] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(1 for a in self.articles if a.duplicate_of is None)

    @property
    def duplicates(self) -> int:
        return sum(1 for a in self.articles if a.duplicate_of is not None)


# -- the editor desk: generated documents, their versions, editors and what they did ---------

DOCUMENT_KINDS = ("explainer", "faq", "analysis")
DOCUMENT_STATUSES = ("draft", "approved", "rejected")


@dataclass(frozen=True, slots=True)
class DocumentBody:
    """What an explainer, FAQ or analysis says: titled sections of cited statements."""

    title: str
    sections: tuple[Section, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """One version of a generated document and where its review stands.

    `editor` wrote this version (None: generated); `changes` says in words what changed
    from the version before; `reviewed_by` approved or rejected it.
    """

    id: str
    kind: str
    story_id: str
    version: int
    status: str
    body: DocumentBody
    body_hash: str
    created_at: str
    editor: str | None
    changes: str
    reviewed_by: str | None = None
    reviewed_at: str | None = None

    @property
    def reviewed(self) -> bool:
        """Whether an editor approved this version (readers may see it unlabelled)."""
        return self.status == "approved"


@dataclass(frozen=True, slots=True)
class User:
    """An editor account; the password is kept only as an Argon2 hash."""

    id: int
    name: str
    password_hash: str
    created_at: str


@dataclass(frozen=True, slots=True)
class EditorSession:
    """A logged-in editor: the session token is stored only as its SHA-256 hash."""

    token_hash: str
    user: str
    csrf_token: str
    created_at: str
    expires_at: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One thing done at the editor desk, by whom (None: by Backstory itself), when."""

    at: str
    user: str | None
    action: str
    document_id: str | None = None
    detail: str = ""
    id: int | None = None
