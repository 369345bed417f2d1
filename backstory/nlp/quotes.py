"""Attribution: who said, wrote, found or believes what, and according to whom.

Rules over a dependency parse of the sentences that may hold an attribution (`needs_parse`
picks them from the NER doc); quotation marks are read from the article text, so a quote
may run over several sentences. `speakers` names the entity each speaker phrase stands for.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy
from spacy.attrs import ENT_TYPE, LOWER, POS
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from backstory.models import Mention, Quote, Relay, Sentence
from backstory.nlp.cues import (
    ADDRESSEE_LEMMAS,
    APOSTROPHE_MARK,
    AS_LEMMAS,
    BESIDE_ONLY_FORMS,
    CIRCUMSTANCE_WORDS,
    CUE_FORMS,
    CUE_LEMMA_OF,
    CUE_LEMMAS,
    DEMAND_LEMMAS,
    DOCUMENT_NOUNS,
    EVIDENCE_NOUNS,
    FINDING_LEMMAS,
    GLUE_WORDS,
    NAMING_LEMMAS,
    PARTICLE_CUES,
    POLL_NOUNS,
    QUESTION_LEMMAS,
    QUOTE_MARKS,
    REFUSAL_FORMS,
    RELATIVE_PRONOUNS,
    RELAY_LEMMAS,
    SPEECH_LEMMAS,
    STANCE_LEMMAS,
    UNNAMED_SPEAKERS,
    XCOMP_LEMMAS,
    is_quote_mark,
)
from backstory.nlp.dateline import DATELINE
from backstory.nlp.speakers import SpeakerNames, pronoun_genders

__all__ = ["extract_quotes", "needs_parse", "sentences_to_parse"]

LOGGER = logging.getLogger(__name__)

_ACCORDING = "according to"
_ACCORDING_KEY = get_string_id("according")
_IN_POLL = "in"  # "in a survey of 600 households"
_IN_KEY = get_string_id(_IN_POLL)
_POLL_KEYS = numpy.array([get_string_id(form) for form in sorted(POLL_NOUNS)], dtype="uint64")
_VERB = POS_IDS["VERB"]
_CUE_KEYS = numpy.array([get_string_id(form) for form in sorted(CUE_FORMS)], dtype="uint64")
_BESIDE_ONLY_KEYS = numpy.array([get_string_id(form) for form in sorted(BESIDE_ONLY_FORMS)],
                                dtype="uint64")
# A quoted stretch this long makes a quote direct even when reported speech frames it
# ('said the county should "open every shelter on the coast road"'); the content is then
# the whole reported clause, marks and all.
_DIRECT_WORDS = 8
_HEADING_WORDS = 3  # a quotation of this many words or more, all capitalised, is a title
_WORD = re.compile(r"\w+")
_MISTYPED_CLOSING = re.compile(r"[\w,.!?]“(?=[\s,.;:!?]|$)")
_MARKS = re.compile(r"''|[\"“”]")  # the marks that open or close a quotation
_ANY_MARK = (*QUOTE_MARKS, APOSTROPHE_MARK)
_ANY_QUOTE = QUOTE_MARKS + "'"
_DATELINE = frozenset({")", "—", "–", "-", "--"})
# "said on Friday he met…": the parser often hangs the day on the reported clause (but
# "Friday's vote" is the content's own subject).
_LEADING_DAY = re.compile(r"(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
                          r"|yesterday|today|tonight)\b(?!['’]),?\s*", re.IGNORECASE)
_BETWEEN = " ,:—–-"
_AS_FRAMING = re.compile(r".*\bas\s*$", re.IGNORECASE | re.DOTALL)
_VERB_CUES = CUE_LEMMAS | XCOMP_LEMMAS | AS_LEMMAS | NAMING_LEMMAS | STANCE_LEMMAS
# What a stance is about: "accused the mayor of lying", "criticized the ruling on water rights"
_STANCE_PREPS = frozenset({"of", "for", "on", "over", "about", "as"})
# Clauses the parser may hang on a speaker that are not part of the speaker's name.
_CLAUSES = frozenset({"ccomp", "advcl", "parataxis"})
# A headline's attribution: "Lee: Port strike will end by Friday". At most this many words
# name the speaker ("Former Valley Gov. Ruth Okafor:"), an entity of these types among them.
_HEADLINE = ":"
_HEADLINE_NAME_WORDS = 6
# and at least this many words say something: a roundup's "Lee: Just hang on" is a heading.
_HEADLINE_SAID_WORDS = 4
_COLON_KEY = get_string_id(_HEADLINE)
_HEADLINE_SPEAKERS = frozenset({"PERSON", "ORG", "NORP"})
_TRAILING = " \t\n,;:—–-"
_QUESTION_MARKS = frozenset({"if", "whether"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
_OBJECTS = frozenset({"dobj", "ccomp", "xcomp", "attr", "oprd"})
_BARE_OBJECTS = frozenset({"that", "this", "it", "so"})  # "the poll found that"
_WH_OBJECTS = RELATIVE_PRONOUNS | {"what", "whatever"}
_DEMONSTRATIVES = frozenset({"that", "this"})
_SAYING = frozenset({"say", "tell", "add", "write"})  # cues of plain speech
_FINITE = frozenset({"VBZ", "VBD", "VBP", "MD"})
# How a closing noun phrase after a comma hangs on what was said when it glosses it.
_GLOSSES = frozenset({"appos", "npadvmod", "dobj", "attr"})
_RELATIVES = ("which", "who", "where")
_CONTRASTS = frozenset({"while", "whereas", "though", "although"})
# What opens the second half of "not … but …" when it is no clause of its own.
_INSTEAD = frozenset({"to", "because", "also", "rather", "instead", "a", "an", "as"})
# What may stand between a cue and the "that" of its clause: "told friends that …".
_CUE_OWN = frozenset({"dobj", "dative", "prep", "npadvmod", "advmod"})
_CUE_MODIFIERS = frozenset({"prep", "npadvmod", "advmod", "dative", "agent", "prt"})
# cues of speech whose agent is a source: "as reported by the Post", "as noted by Lee"
_REPORTED_BY_LEMMAS = _SAYING | RELAY_LEMMAS | {"note", "describe", "recall"}
_TOPIC_PREPS = frozenset({"to", "at", "about", "of", "for", "with"})


def needs_parse(sentence: Span) -> bool:
    """Whether a sentence may hold an attribution: a cue word, or (at a paragraph's start)
    a name and a colon, as in a headline or a transcript.

    Every quote hangs on a cue or a colon, so a quotation mark alone asks for no parse;
    "continued" is a cue only beside a quotation, so it asks for one. A cue form inside a
    name ("United States", "Said Khan") is no cue: without this, most sentences of US news
    were parsed for nothing.
    """
    cues = {token.lower_ for token in sentence
            if token.lower_ in CUE_FORMS and not token.ent_type}
    if cues - BESIDE_ONLY_FORMS:
        return True
    if cues and any(mark in sentence.text for mark in _ANY_MARK):
        return True
    colon = _headline_colon(sentence)
    if colon is None:
        return False
    before = sentence.doc[sentence.start - 1] if sentence.start else None
    if before is not None and "\n" not in before.text + before.whitespace_:
        return False  # not at a paragraph's start
    name = sentence[:colon]
    return (name.text.isupper() or any(token.ent_type_ in _HEADLINE_SPEAKERS for token in name)
            or any(_names_person(name.text, entity.text) for entity in sentence.doc.ents
                   if entity.label_ == "PERSON"))


def _names_person(words: str, name: str) -> bool:
    """Whether a headline's speaker words name the person `name`: the full name, or one of
    its words ("Okafor" or "OKAFOR" for Ruth Okafor); a headline's capitals often hide a
    name from the NER, which finds it in the article below."""
    words = words.title() if words.isupper() else words
    return words == name or words in name.split()


def sentences_to_parse(doc: Doc, spans: Sequence[Span]) -> list[int]:
    """The indices of the spans (sentences of `doc`) that `needs_parse` picks, read from
    the doc's arrays first: only a sentence with a cue form or an early colon is looked at
    token by token."""
    lowers, entities = doc.to_array([LOWER, ENT_TYPE]).T
    cues = numpy.isin(lowers, _CUE_KEYS) & (entities == 0)
    strong = cues & ~numpy.isin(lowers, _BESIDE_ONLY_KEYS)
    colons = lowers == _COLON_KEY
    wanted = []
    for i, span in enumerate(spans):
        start, end = span.start, span.end
        if strong[start:end].any() or (
                (cues[start:end].any() or colons[start:start + _HEADLINE_NAME_WORDS + 1].any())
                and needs_parse(span)):
            wanted.append(i)
    return wanted


def extract_quotes(text: str, sentences: Sequence[Sentence], parsed: Mapping[int, Doc],
                   mentions: Sequence[Mention]) -> list[Quote]:
    """The attributions of an article, in order, with offsets into `text`.

    `parsed` holds the dependency parse of each sentence worth reading, keyed by sentence
    index; each doc is of the sentence text alone.
    """
    by_index = {sentence.index: sentence for sentence in sentences}
    segments = _quote_segments(text)
    genders = pronoun_genders(text, [s.end for s in sentences], mentions, segments)
    context = _Context(text, segments, SpeakerNames(sorted(mentions, key=lambda m: m.start),
                                                    quotations=segments, genders=genders))
    quotes: list[Quote] = []
    for index in sorted(parsed):
        sentence = by_index.get(index)
        if sentence is None:
            continue
        found = _attributions(parsed[index], sentence.start)
        if _starts_line(text, sentence.start):
            headline = _headline(parsed[index], sentence.start)
            if headline is not None:
                headline.named = _headline_speaker(text, headline, mentions)
                if headline.named is not None:
                    found.insert(0, headline)
        # A cue word inside a quotation belongs to the quoted speaker ('“It will hold, I
        # think,” Lee said'): it is no attribution, and must not swallow the one around it.
        found = [raw for raw in found
                 if not any(_overlaps(segment, raw.cue) for segment in context.segments)]
        for raw in _chain(found):
            quote = context.quote(raw, index)
            if quote is not None:
                quotes.append(quote)
                context.names.remember(index, quote.speaker)
    return _with_continued(context, sentences, _with_other_halves(context, quotes))


def _with_other_halves(context: _Context, quotes: list[Quote]) -> list[Quote]:
    """Add the other half of a quotation that the speaker's name interrupts: in '“The
    water rose fast,” said Holm, “and we lost everything.”' both halves are Holm's, with
    the same cue, whichever of them the parse gave."""
    text = context.text
    added: list[Quote] = []
    for quote in quotes:
        if (not quote.direct or quote.cue_start is None or quote.cue_end is None
                or quote.speaker_start is None or quote.speaker_end is None):
            continue
        before = min(quote.cue_start, quote.speaker_start)
        after = max(quote.cue_end, quote.speaker_end)
        # The halves are one sentence: a comma after the name ('said Holm, “and …”'), and
        # before it a half that stops at a comma ('“The water rose fast,” said Holm').
        if quote.end <= before:  # the first half: look for the second after the name
            segment = next(((a, b) for a, b in context.segments if a >= after), None)
            apart = segment is None or bool(text[after:segment[0]].strip(_BETWEEN)) or (
                "," not in text[after:segment[0]])
        elif quote.start >= after:  # the second half: look for the first before the cue
            segment = next(((a, b) for a, b in reversed(context.segments) if b <= before),
                           None)
            apart = segment is None or bool(text[segment[1]:before].strip(_BETWEEN)) or (
                not text[segment[0]:segment[1]].rstrip(_ANY_QUOTE + " ").endswith(","))
        else:
            continue
        if apart or segment is None or any(_overlaps((q.start, q.end), segment)
                                           for q in quotes + added):
            continue
        content = context._stripped(*_within_marks(text, *segment), direct=True)
        if content is not None:
            added.append(dataclasses.replace(quote, content=text[content[0]:content[1]],
                                             start=content[0], end=content[1]))
    return _in_order(quotes, added)


def _with_continued(context: _Context, sentences: Sequence[Sentence], quotes: list[Quote]
                    ) -> list[Quote]:
    """Add the quotations that continue a speaker's words in sentences of their own.

    News gives a long quotation sentence by sentence or paragraph by paragraph, and names
    the speaker once: '“The wall held,” Lee said. “We will rebuild by spring.”' A
    quotation that makes up whole sentences, with no attribution of its own, continues the
    direct quotation that ends in the sentence just before it (or the statement of speech
    with quoted words in it: 'Okafor is a “safe pair of hands,” Lee said. “The wards want
    calm.”'),
    by the same speaker with the same cue; its record's sentence is the one where the
    continuation starts.
    """
    text = context.text
    if not quotes or not context.segments:
        return quotes
    starts = {sentence.start: i for i, sentence in enumerate(sentences)}
    ends = [sentence.end for sentence in sentences]
    ending: dict[int, Quote] = {}  # sentence position → the last quote a quotation continues
    for quote in sorted(quotes, key=_attribution_end):
        if quote.direct or (CUE_LEMMA_OF.get((quote.cue or "").lower()) in _SAYING and any(
                _overlaps(segment, (quote.start, quote.end)) for segment in context.segments)):
            # '“Why now?” Lee asked the council.' may be two sentences to the parser; the
            # quotation after them continues hers all the same.
            ending[bisect.bisect_left(ends, _attribution_end(quote))] = quote
    added: list[Quote] = []
    for seg_start, seg_end in context.segments:
        first = starts.get(seg_start)
        if first is None or first == 0 or (before := ending.get(first - 1)) is None:
            continue
        last = bisect.bisect_left(ends, seg_end - 1)
        content = _whole_quotation(context, seg_start, seg_end, ends[min(last, len(ends) - 1)])
        if content is None or any(_overlaps((q.start, q.end), content) for q in quotes):
            continue
        quote = dataclasses.replace(before, sentence_index=sentences[first].index,
                                    content=text[content[0]:content[1]],
                                    start=content[0], end=content[1], direct=True)
        added.append(quote)
        ending[last] = quote
    return _in_order(quotes, added)


def _in_order(quotes: list[Quote], added: list[Quote]) -> list[Quote]:
    """Quotes with those added among them, in the article's order."""
    return sorted(quotes + added, key=lambda q: (q.sentence_index, q.start)) if added else quotes


def _attribution_end(quote: Quote) -> int:
    """Where a quote's words, cue and speaker end."""
    return max(quote.end, quote.cue_end or 0, quote.speaker_end or 0)


def _whole_quotation(context: _Context, start: int, end: int, sentence_end: int
                     ) -> tuple[int, int] | None:
    """The content of a quotation that runs to its sentence's end, marks left out (one
    continued in the next paragraph is left open: '“We will rebuild.'), short ones too
    ('“Never.”'); None for one its sentence goes on after, or a heading in quotation
    marks ('“The Hardest Winter Yet”')."""
    text = context.text
    if text[end:sentence_end].strip(_TRAILING + "."):
        return None
    start, end = _within_marks(text, start, end)
    words = text[start:end].split()
    if not _WORD.search(text[start:end]) or (
            len(words) >= _HEADING_WORDS and all(w[0].isupper() for w in words)):
        return None
    stripped = context._stripped(start, end, direct=True)
    return stripped[:2] if stripped else None


@dataclass(slots=True)
class _Raw:
    """An attribution found in one parsed sentence, in article offsets."""

    cue: tuple[int, int]
    cue_lemma: str
    source: tuple[int, int] | None
    source_head: Token | None
    content: tuple[int, int] | None  # None: a speech verb beside a quotation, read later
    addressee: Token | None
    offset: int
    via: _Raw | None = None
    named: str | None = None  # the speaker's name, when known without the parse


def _attributions(doc: Doc, offset: int) -> list[_Raw]:
    # Only verbs, "according" and "in" can be cues: they are found in the doc's arrays,
    # since spaCy builds a Python object for every token read.
    lowers, parts = doc.to_array([LOWER, POS]).T
    found: list[_Raw] = []
    wanted = (parts == _VERB) | (lowers == _ACCORDING_KEY)
    if numpy.isin(lowers, _POLL_KEYS).any():  # "in" is a cue only before a poll
        wanted |= lowers == _IN_KEY
    for i in numpy.flatnonzero(wanted).tolist():
        token = doc[i]
        raw = (_according(token, offset) if token.lower_ == "according"
               else _in_poll(token, offset) if token.lower_ == _IN_POLL
               else _verb_cue(token, offset))
        if raw is not None:
            found.append(raw)
    return found


def _starts_line(text: str, at: int) -> bool:
    """Whether the sentence at `at` begins a paragraph (or the text)."""
    while at > 0 and text[at - 1] in " \t":
        at -= 1
    return at == 0 or text[at - 1] == "\n"


def _headline_colon(tokens: Span | Doc) -> int | None:
    """The index of the colon in a headline-style attribution ("Lee: Port strike will end
    by Friday", or a transcript's "LEE: It will end"): a few capitalised words, a colon
    and at least four words."""
    colon = next((token.i - tokens[0].i for token in tokens[:_HEADLINE_NAME_WORDS + 1]
                  if token.text == _HEADLINE), None)
    if not colon:
        return None
    words = [token for token in tokens[:colon] if not token.is_punct]
    if not words or not all(token.text[:1].isupper() for token in words):
        return None
    after = [token for token in tokens[colon + 1:] if not token.is_punct and not token.is_space]
    return colon if len(after) >= _HEADLINE_SAID_WORDS else None


def _headline(doc: Doc, offset: int) -> _Raw | None:
    """A headline-style attribution from a paragraph's first sentence, if it is one."""
    colon = _headline_colon(doc)
    if colon is None:
        return None
    name, cue = list(doc[:colon]), doc[colon]
    content = _shift(_trimmed(list(doc[colon + 1:]), infinitive=False), offset)
    if content is None:
        return None
    return _Raw(cue=(offset + cue.idx, offset + cue.idx + 1), cue_lemma=_HEADLINE,
                source=_offsets(name, offset), source_head=name[-1], content=content,
                addressee=None, offset=offset)


def _headline_speaker(text: str, raw: _Raw, mentions: Sequence[Mention]) -> str | None:
    """The person, organisation or group a headline's speaker words name, if they name one;
    a name in capitals (a transcript's "LEE:", not a dateline's "OSLO:"), or one the NER
    does not mark, must be a person the article names elsewhere ("Dana Lee")."""
    if raw.source is None:
        return None
    name = text[raw.source[0]:raw.source[1]]
    if not name.isupper():
        found = next((mention.name for mention in mentions
                      if mention.type in _HEADLINE_SPEAKERS
                      and _overlaps(raw.source, (mention.start, mention.end))), None)
        if found is not None:
            return found
    return next((mention.name for mention in mentions if mention.type == "PERSON"
                 and _names_person(name, mention.name)), None)


def _chain(found: list[_Raw]) -> Iterable[_Raw]:
    """Fold relays ("Xinhua reported", "according to Xinhua", "in a poll") into the quote
    they relay."""
    dropped: set[int] = set()
    for outer_i, outer in enumerate(found):
        if outer.cue_lemma not in RELAY_LEMMAS and outer.cue_lemma not in (_ACCORDING, _IN_POLL):
            continue
        for inner in found:
            if (inner is not outer and inner.via is None and outer.content is not None
                    and _inside(inner.cue, outer.content)):
                inner.via = outer
                dropped.add(outer_i)
    kept = [raw for i, raw in enumerate(found) if i not in dropped]
    # What someone says another thinks is the first one's statement, not a second quote.
    return [raw for raw in kept
            if not any(other is not raw and other.content is not None
                       and _inside(raw.cue, other.content) for other in kept)]


def _according(token: Token, offset: int) -> _Raw | None:
    to = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if to is None or to.lower_ != "to":
        return None
    objects = [child for child in to.children if child.dep_ == "pobj"]
    if not objects:
        return None
    source = _phrase(objects[0])
    # "according to state news agency Xinhua": the parser often leaves the name outside.
    while (source[-1].i + 1 < len(token.doc) and source[-1].pos_ != "PUNCT"
           and token.doc[source[-1].i + 1].pos_ == "PROPN"):
        source.append(token.doc[source[-1].i + 1])
    phrase = {t.i for t in token.subtree} | {t.i for t in to.subtree} | {t.i for t in source}
    span = _shift(_clause_beside(token, phrase), offset)
    if span is None:
        return None
    speaker_head = source[-1] if source[-1].i > objects[0].i else _document_author(objects[0])
    return _Raw(cue=(offset + token.idx, offset + to.idx + len(to.text)),
                cue_lemma=_ACCORDING, source=_offsets(source, offset),
                source_head=speaker_head, content=span,
                addressee=None, offset=offset)


def _in_poll(token: Token, offset: int) -> _Raw | None:
    """ "In a survey of 600 households, 58 percent …", "Okafor slipped to 12 percent in the
    newest poll": the poll is the source of the clause its phrase hangs on."""
    polls = [c for c in token.children if c.dep_ == "pobj" and c.lower_ in POLL_NOUNS
             and _names_a_poll(c)]
    if not polls or token.head.pos_ not in ("VERB", "AUX") or token.head.dep_ != "ROOT":
        return None
    span = _shift(_clause_beside(token, {t.i for t in token.subtree}), offset)
    if span is None:
        return None
    return _Raw(cue=(offset + token.idx, offset + token.idx + len(token.text)),
                cue_lemma=_IN_POLL, source=_offsets(_without_appositions(polls[0]), offset),
                source_head=polls[0], content=span, addressee=None, offset=offset)


def _without_appositions(head: Token) -> list[Token]:
    """A source phrase without what is set beside any of its words ("the poll released
    Wednesday, a collapse for Lee": the collapse is not the poll)."""
    tokens = _phrase(head)
    beside = {t.i for t in tokens if t.dep_ == "appos"}
    return [t for t in tokens if not any(a.i in beside for a in (t, *t.ancestors))]


def _names_a_poll(noun: Token) -> bool:
    """Whether "poll" names one poll or a set of them ("a poll", "the CBS poll", "exit polls",
    "polls from Quinnipiac"), not the state of the race ("slid in the polls")."""
    return noun.tag_ == "NN" or any(c.dep_ in ("compound", "poss", "prep") for c in noun.children)


def _clause_beside(token: Token, phrase: set[int]) -> tuple[int, int] | None:
    """What a source phrase ("according to the board", "in a poll") attributes: the clause
    it hangs on, less the phrase, on whichever side of it the clause stands."""
    head = token.head
    if not _words([t for t in token.doc if t.i > max(phrase)]):
        # "Lee won 41 seats and Ruiz 12, according to the tally": a phrase that
        # closes the sentence stands for all of the clauses joined before it.
        while head.dep_ == "conj" and head.head.i < head.i:
            head = head.head
    clause = [t for t in head.subtree if t.i not in phrase]
    before = [t for t in clause if t.i < token.i]
    after = [t for t in clause if t.i > max(phrase)]
    # "X, according to Y, did Z" splits the content in two: leave it, unless what comes
    # before is only a phrase of time or place ("By 2030, according to the board, the
    # line will …"), which leaves the clause after it whole.
    if _words(before) and _words(after):
        subject_before = any(t.dep_ in _SUBJECTS and t.head.i == head.i for t in before)
        if not any(t.dep_ in _SUBJECTS for t in before):
            first = next(t for t in after if not t.is_punct and not t.is_space)
            if any(t.dep_ in _SUBJECTS and t.head.i == head.i
                   and t.left_edge.i <= first.i <= t.right_edge.i for t in after):
                before = []  # the clause after begins with its subject
        elif subject_before and head.i < token.i:
            # "Okafor has won 41 seats, according to a tally, but her lead is narrowing":
            # the clause, verb and subject, is whole before the cue; what follows is added.
            after = []
    content = (after if not _words(before) else before if not _words(after) else None)
    if content is None:
        return None
    return _trimmed(_without_lead_in(head, content), infinitive=False)


# Words that lead into a clause from the one before it, not part of what a source vouches
# for: "Meanwhile, her ratings fell, according to the poll"; "Despite the attacks, …".
_CONNECTIVES = frozenset({
    "still", "meanwhile", "however", "nevertheless", "nonetheless", "yet", "so", "also",
    "indeed", "instead", "moreover", "furthermore", "thus", "therefore", "besides", "anyway",
    "regardless"})
_CONCESSIVE = frozenset({"despite", "though", "although"})
_FIXED_LEAD_INS = frozenset({("in", "fact"), ("in", "all"), ("in", "short")})


def _without_lead_in(head: Token, tokens: list[Token]) -> list[Token]:
    """A clause without the connective that leads into it before its subject ("Still,
    her ratings fell", "Despite the attacks, Lee leads"), which links it to what came
    before; a phrase of time or place ("In 2014, …") stays."""
    subject = next((c for c in head.children if c.dep_ in _SUBJECTS), None)
    if subject is None:
        return tokens
    start = subject.left_edge.i
    while tokens and (tokens[0].dep_ == "cc" or (
            tokens[0].is_punct and not is_quote_mark(tokens[0].text))):
        tokens = tokens[1:]  # "But her lead held, according to …"
    lead = [t for t in tokens if t.i < start]
    if not lead or subject.doc[start - 1].text != ",":
        return tokens
    parts = [c for c in head.children if c.i < start and lead[0].i <= c.left_edge.i]
    for part in parts:
        words = [t for t in part.subtree if not t.is_punct]
        if part.is_punct or part.dep_ == "cc":
            continue
        if (part.dep_ == "advmod" and len(words) == 1 and part.lower_ in _CONNECTIVES) or (
                part.dep_ == "prep" and part.lower_ in _CONCESSIVE) or (
                part.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _CONCESSIVE
                                             for c in part.children)) or (
                len(words) == 2 and (words[0].lower_, words[1].lower_) in _FIXED_LEAD_INS):
            continue
        return tokens
    covered = {t.i for part in parts for t in part.subtree}
    if any(t.i not in covered and not t.is_punct for t in lead):
        return tokens
    return [t for t in tokens if t.i >= start]


def _verb_cue(token: Token, offset: int) -> _Raw | None:
    lemma = token.lemma_.lower()
    if token.pos_ != "VERB" or lemma not in _VERB_CUES:
        return None
    if lemma in PARTICLE_CUES and not any(
            c.dep_ == "prt" and c.lower_ == PARTICLE_CUES[lemma] for c in token.children):
        return None  # "pointed out that …" is a cue, "pointed to the map" is not
    if any(child.dep_ in ("auxpass", "nsubjpass") for child in token.children):
        return None
    if token.tag_ == "VBN" and any(c.dep_ == "aux" and c.lemma_ == "be" for c in token.children):
        return None  # "is expected to": a passive the parser took for active
    if any(child.dep_ == "neg" and not _quoted_before(child, token)
           for child in token.children) or (
            token.dep_ == "xcomp" and token.head.lower_ in REFUSAL_FORMS):
        return None  # "would not say", "declined to say" what the targets are: nothing said
    if (lemma in STANCE_LEMMAS or lemma not in SPEECH_LEMMAS) and token.dep_ in (
            "relcl", "acl") and not (lemma in NAMING_LEMMAS and token.dep_ == "relcl"
                                     and _quoted_name(token.doc, token.i + 1) is not None):
        # "voters who support Lee", "groups backing the levy", "voters who believe …":
        # who they are, not what they said.
        return None
    subject = _subject(token) or _inverted_subject(token) or _as_reported_by(token)
    swallowed = None if subject is not None else _swallowing_clause(token)
    content = _shift(_content(token, lemma, skip=swallowed), offset)
    if content is None and lemma not in SPEECH_LEMMAS:
        return None
    if swallowed is not None:
        subject = next(c for c in swallowed.children if c.dep_ == "nsubj")
        source = list(token.doc[swallowed.left_edge.i:token.i - 1])
        return _Raw(cue=(offset + token.idx, offset + token.idx + len(token.text)),
                    cue_lemma=lemma, source=_offsets(source, offset), source_head=subject,
                    content=content, addressee=None, offset=offset)
    if subject is not None:
        subject = _past_dateline(subject)
    if subject is None:
        return None
    if token.dep_ == "relcl" and any(
            t.i < token.i and t.lower_ in _WH_OBJECTS and t.head.i > token.i
            for t in token.subtree):
        return None  # "the plan, which Ruiz said would fail": the content lacks its subject
    if subject.lower_ in RELATIVE_PRONOUNS and subject.head.dep_ == "relcl":
        # "Farmers who oppose the tax", "Ana Ruiz, who said …": the speaker is the noun
        # the clause hangs on, not "who" (PolNeAR marks the pronoun; a reader needs the
        # noun it stands for).
        subject = subject.head.head
        source = _phrase(subject, cut=_CLAUSES | {"relcl"})
    elif subject.lower_ in _DEMONSTRATIVES and not subject.n_lefts + subject.n_rights:
        return None  # "That said, the levy …", "This shows how …": no one speaks
    else:
        source = _phrase(subject)
    if not token.left_edge.i <= subject.i <= token.right_edge.i:
        # "The letter, announcing that …": the speaker ends before the cue's own words.
        source = [t for t in source if not token.left_edge.i <= t.i <= token.right_edge.i]
    if subject.i < token.i:
        # a speaker before the cue ends there, whatever the parse hangs on it after the cue
        source = [t for t in source if t.i < token.i]
    addressee = None
    if lemma in ADDRESSEE_LEMMAS:
        addressee = next((c for c in token.children if c.dep_ in ("dobj", "dative")), None)
    return _Raw(cue=(offset + token.idx, offset + token.idx + len(token.text)),
                cue_lemma=lemma, source=_offsets(source, offset),
                source_head=subject, content=content,
                addressee=addressee, offset=offset)


def _content(cue: Token, lemma: str, skip: Token | None = None) -> tuple[int, int] | None:
    """The character span (in the sentence) of what the cue attributes; `skip` is a clause
    that is no part of it."""
    children = [c for c in cue.children if c != skip]
    if lemma in NAMING_LEMMAS and (named := _named(cue, children)) is not None:
        return named
    # "Most households want the wall higher; 35 percent say …", "The ferry stayed in port:
    # the crews said …": a clause before a semicolon or colon is not what the speaker
    # after it says, whatever the parse.
    clauses = [c for c in children if c.dep_ == "ccomp" and not (
        c.i < cue.i and any(t.text in (";", ":") for t in cue.doc[c.i + 1:cue.i]))]
    if any(_that_clause(cue, c) for c in clauses):
        # "…, Okafor told friends that the board knew": a clause before the cue is not
        # said when one after it is introduced by "that".
        clauses = [c for c in clauses if c.i > cue.i]
    if clauses:
        tokens = [t for clause in clauses for t in clause.subtree]
        tokens = _with_lost_subject(cue, clauses[-1]) + tokens
        # "said the quay needed repairs, but that the council would not pay": the parser
        # joins a second that-clause to the cue; it is said all the same.
        more = [c for c in children if c.dep_ == "conj" and c.i > clauses[-1].i
                and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)]
        if more and clauses[0].i > cue.i:
            tokens = list(cue.doc[tokens[0].i:more[0].right_edge.i + 1])
        # "Lee said the wall held and said it would …": the second cue is Lee's own, not
        # part of what the first one says.
        seconds = [c.left_edge.i for clause in clauses for c in clause.children
                   if _second_cue(c) == cue or _other_speaker(c)]
        # "… in May and Holm says …": the parser took the next speaker for a noun here
        seconds += [t.i for t in tokens if t.i + 1 < len(cue.doc)
                    and _hidden_subject(cue.doc[t.i + 1]) == t]
        if seconds:
            tokens = [t for t in tokens if t.i < min(seconds)]
            while tokens and (tokens[-1].dep_ == "cc" or tokens[-1].is_punct):
                tokens.pop()
        if (lemma in FINDING_LEMMAS and not seconds and clauses[0].i > cue.i
                and _found_by_evidence(children)):
            # "a poll showed Lee leading Holm, 45 percent to 18 percent, among islanders":
            # the parser hangs the figures on the verb; they are what the poll found.
            cited = {t.i for c in children if c.lower_ == "according" or c.dep_ in ("cc", "conj")
                     for t in c.subtree}
            tokens = [t for t in cue.subtree if t.i >= tokens[0].i and t.i not in cited]
            while tokens and tokens[-1].is_punct and not is_quote_mark(tokens[-1].text):
                tokens.pop()  # the sentence's full stop, which hangs on the verb
        return _trimmed(tokens + _but_instead(tokens), infinitive=False)
    if lemma == "say" and cue.i + 1 < len(cue.doc):
        # "Okafor says the rise in dues that the pilots oppose also hurts her": the
        # parser may take the reported clause's subject for the cue's object and hang its
        # verb elsewhere; what is said is all that follows the cue.
        objects = [c for c in children if c.dep_ == "dobj" and c.i > cue.i
                   and c.pos_ in ("NOUN", "PROPN") and c.left_edge.i == cue.i + 1]
        if objects:
            # a verb joined to the cue without a subject of its own is the speaker's next act
            acts = {t.i for c in children if c.dep_ == "conj" and c.pos_ == "VERB"
                    and not any(s.dep_ in _SUBJECTS for s in c.children) for t in c.subtree}
            said = [t for t in cue.subtree if t.i > cue.i and t.i not in acts]
            if any(t.tag_ in _FINITE for t in said):  # not "said thanks"
                return _trimmed(said, infinitive=False)
    if lemma in _SAYING:
        # "Lee said keeping the ferry would cost more": the parser may take a gerund
        # subject for the cue's own complement, with the clause's verb hung on it.
        for gerund in children:
            if gerund.dep_ == "xcomp" and gerund.tag_ == "VBG" and gerund.i == cue.i + 1 and any(
                    c.dep_ == "ccomp" and c.i > gerund.i for c in gerund.children):
                return _trimmed(list(gerund.subtree), infinitive=False)
    if lemma in QUESTION_LEMMAS:
        for clause in children:
            if clause.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _QUESTION_MARKS
                                              for c in clause.children):
                return _trimmed(list(clause.subtree), infinitive=False)
    if lemma in XCOMP_LEMMAS:
        infinitives = [c for c in children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")]
        if infinitives:
            # "urged the council to act": who is to act is part of what was urged; the one
            # told or reminded is the addressee instead.
            objects = [c for c in children if c.dep_ == "dobj" and c.i < infinitives[0].i]
            # "called on the council to act": the one called on is to act.
            if lemma in DEMAND_LEMMAS:
                objects += [o for c in children if c.dep_ == "prep" and c.i == cue.i + 1
                            and c.lower_ in ("on", "upon") for o in c.children
                            if o.dep_ == "pobj" and o.i < infinitives[0].i]
            infinitive = infinitives[0]
            # "urged the party to unite and tried to …": a verb joined to the infinitive
            # in a form it cannot take is the speaker's next act, not part of the urging.
            acts = {t.i for c in infinitive.children if c.dep_ == "conj" and c.pos_ == "VERB"
                    and _acts_apart(c, infinitive, cue)
                    for t in c.doc[c.left_edge.i:c.right_edge.i + 1]}
            said = [t for t in infinitive.subtree if t.i not in acts]
            if objects and lemma not in ADDRESSEE_LEMMAS:
                return _trimmed([*objects[0].subtree, *said], infinitive=True)
            return _trimmed(said, infinitive=True)
    if lemma in AS_LEMMAS:
        # "described the talks as “candid”": what is described is part of the content.
        objects = [c for c in children if c.dep_ == "dobj"]
        for prep in children + [c for o in objects for c in o.children]:
            if prep.dep_ == "prep" and prep.lower_ == "as":
                framing = [t for t in objects[0].subtree if t.i < prep.i] if objects else []
                described = [t for c in prep.children if c.dep_ == "pobj" for t in c.subtree]
                if not described and objects and objects[0].lower_ not in _WH_OBJECTS:
                    # "the wall as “far too costly”", "the timetable as nearly impossible": the
                    # parser may give the description no object, only modifiers of "as".
                    described = [t for t in prep.subtree if t.i > prep.i]
                if not _words(described):
                    continue
                return _trimmed([*framing, prep, *described] if framing else described,
                                infinitive=False)
    if lemma in NAMING_LEMMAS:
        objects = [c for c in children if c.dep_ == "dobj"]
        names = [c for c in children if c.dep_ == "oprd"]
        if objects and names:  # "what Lee called a disgrace"
            return _trimmed([*objects[0].subtree, *names[0].subtree], infinitive=False)
        objects = [c for c in objects if c.i > cue.i]  # not "which" in "which Lee called"
        # 'called the plan “a disgrace”', 'called that "beyond absurd"': the parser often
        # leaves a quoted name no place of its own; in 'the study, which Lee called “a
        # waste”' the name is all there is to show.
        start = objects[0].right_edge.i + 1 if objects else cue.i + 1
        so_called = cue.i > 0 and cue.doc[cue.i - 1].lower_ == "so"  # the writer's hedge
        if (objects or cue.dep_ == "relcl") and not so_called:
            name = _quoted_name(cue.doc, start)
            if name is not None:
                first = objects[0].left_edge.i if objects else start
                return _trimmed(list(cue.doc[first:name[1] + 1]), infinitive=False)
    if lemma in DEMAND_LEMMAS:
        for prep in children:
            demanded = [c for c in prep.children if c.dep_ == "pobj"]
            if prep.dep_ == "prep" and prep.lower_ == "for" and demanded:
                return _trimmed(list(demanded[0].subtree), infinitive=False)
    if lemma in STANCE_LEMMAS:
        objects = [c for c in children if c.dep_ == "dobj"]
        if objects:
            reasons = [c for c in children if c.dep_ == "prep" and c.lower_ in _STANCE_PREPS
                       and c.i > objects[0].i]
            return _trimmed([t for c in objects[:1] + reasons for t in c.subtree],
                            infinitive=False)
    if lemma in FINDING_LEMMAS:
        objects = [c for c in children if c.dep_ == "dobj" and c.lower_ not in _BARE_OBJECTS]
        if objects and _found_by_evidence(children):
            # "a poll showed Lee with a narrow lead", "the study found no such effect"
            return _trimmed([t for t in cue.subtree if t.i >= objects[0].left_edge.i],
                            infinitive=False)
    if lemma in CUE_LEMMAS and cue.dep_ != "parataxis" and _closes_inverted(cue):
        # "The pier still stands, but gales batter it, said its engineer": whatever the
        # parser made of it, what is said is all the sentence says before the cue.
        return _trimmed(list(cue.doc[:cue.i - 1]), infinitive=False)
    if lemma in CUE_LEMMAS and (cue.dep_ == "parataxis"
                                or (cue.dep_ == "advcl" and _as_reported(cue))):
        # "The road, Lee said, will reopen"; "As the Times reported, the mayor will
        # resign": what is said is the clause the cue hangs on, less the cue's own words.
        own = {t.i for t in cue.subtree}
        # "And as the Times reported, …": the "And" links the writer's sentences.
        own |= {t.i for t in cue.head.children if t.dep_ == "cc" and t.i < cue.left_edge.i}
        return _trimmed([t for t in cue.head.subtree if t.i not in own], infinitive=False)
    return None


def _but_instead(tokens: list[Token]) -> list[Token]:
    """What "but" sets against a denial the parse cut off from it: in "the goal was not to
    win the vote but to keep the ferry" or "not only to talk but also to listen" the part
    after "but" completes what was said."""
    if not tokens or not any(t.dep_ == "neg" for t in tokens):
        return []
    doc, end = tokens[0].doc, max(t.i for t in tokens) + 1
    while end < len(doc) and (doc[end].is_punct and doc[end].text != "."):
        end += 1
    if end + 1 >= len(doc) or doc[end].lower_ != "but" or doc[end + 1].lower_ not in _INSTEAD:
        return []
    rest = doc[end + 1]
    if rest.pos_ == "ADV" and end + 2 < len(doc):  # "but also to …", "but rather as …"
        rest = doc[end + 2]
    last = max(t.i for t in rest.head.subtree) if rest.head.i > end else rest.right_edge.i
    return list(doc[tokens[-1].i + 1:last + 1])


def _that_clause(cue: Token, clause: Token) -> bool:
    """Whether a clause opens with "that" after the cue, with only the cue's own object,
    time or phrase between ("told friends that …", "said in an interview that …")."""
    mark, doc = clause.left_edge, cue.doc
    if mark.dep_ != "mark" or mark.lower_ != "that" or mark.head != clause or mark.i < cue.i:
        return False
    # not '“…,” Lee said, that …' nor '“…,” Lee told the crowd that …' (a quotation, a
    # cue set off by commas: what the parse calls a clause is seldom one there)
    if doc[cue.i + 1].text == "," or any(is_quote_mark(t.text) for t in doc[:cue.i]):
        return False
    own = {t.i for c in cue.children if c.i < mark.i and c.dep_ in _CUE_OWN for t in c.subtree}
    return all(t.is_punct or t.i in own for t in doc[cue.i + 1:mark.i])


def _acts_apart(verb: Token, infinitive: Token, cue: Token) -> bool:
    """Whether a verb joined to an infinitive is in a form the infinitive cannot take, so
    the speaker's own next act: past or present tense ("and tried", "and has gone"), or
    the cue's "-ing" ("urging … and promising"), with no subject of its own."""
    if any(c.dep_ in _SUBJECTS for c in verb.children) or verb.tag_ == infinitive.tag_:
        return False
    tensed = [verb, *(c for c in verb.children if c.dep_ in ("aux", "auxpass"))]
    return any(t.tag_ in ("VBD", "VBZ") for t in tensed) or verb.tag_ == cue.tag_ == "VBG"


def _named(cue: Token, children: list[Token]) -> tuple[int, int] | None:
    """What a naming verb names and what it calls it: "called the board’s decision
    “arbitrary.”", "called what she saw “a disgrace”" (the parser may split the object or
    make it a clause, and may hang the name's words on the verb one by one)."""
    objects = [c for c in children if c.dep_ in ("dobj", "ccomp") and c.i > cue.i]
    names = [c for c in children if c.dep_ == "oprd" and objects and c.i > objects[0].i]
    if not names:
        return None
    doc, first = cue.doc, objects[0].left_edge.i
    end = max(name.right_edge.i for name in names)
    if sum(is_quote_mark(t.text) for t in doc[first:end + 1]) % 2:
        # the name's closing mark, after its full stop
        end = next((i for i in range(end + 1, min(end + 3, len(doc)))
                    if is_quote_mark(doc[i].text)), end)
    return _trimmed(list(doc[first:end + 1]), infinitive=False)


def _quoted_name(doc: Doc, start: int) -> tuple[int, int] | None:
    """The first and last token (its marks) of a quotation that opens at token `start` or
    after at most two words ('an ISIS “co-founder”'), closes in the sentence and holds
    words: the name a naming verb gives."""
    at = start
    while at < len(doc) and not is_quote_mark(doc[at].text):
        if doc[at].is_punct or doc[at].pos_ == "ADP" or at - start >= 2:
            return None
        at += 1
    end = next((i for i in range(at + 1, len(doc)) if is_quote_mark(doc[i].text)), None)
    if end is None or not any(token.is_alpha for token in doc[at + 1:end]):
        return None
    return at, end


def _closes_inverted(cue: Token) -> bool:
    """Whether a cue closes its sentence after a comma, its speaker after it and nothing
    said after it ("…, said Dana Holm, the harbour chief."), the words before it not a
    quotation (which is read from the marks). ("…, the Post reported." is not read so: its
    form is also "Asked about it, Lee replied:" before a quotation.)"""
    doc = cue.doc
    if cue.i < 2 or doc[cue.i - 1].text != "," or is_quote_mark(doc[cue.i - 2].text):
        return False
    if _quoted(doc[cue.i - 1]) or any(c.dep_ in _OBJECTS for c in cue.children if c.i > cue.i):
        return False
    words = [t for t in doc if not (t.is_punct or t.is_space)]
    return (bool(words) and cue.right_edge.i >= words[-1].i
            and any(c.dep_ == "nsubj" and c.i > cue.i for c in cue.children))


def _marked_as(cue: Token) -> bool:
    """Whether "as" introduces the cue's clause ("As the Times reported, …")."""
    return any(c.dep_ == "mark" and c.lower_ == "as" for c in cue.children)


def _found_by_evidence(children: list[Token]) -> bool:
    """Whether a poll, study or record is the subject among a cue's children."""
    return any(c.dep_ == "nsubj" and c.lemma_.lower() in EVIDENCE_NOUNS for c in children)


def _as_reported(cue: Token) -> bool:
    """Whether a cue stands in "As the Times reported, …" or "…, as the Times reported."
    for the whole clause it hangs on: "as" marks it, it has no object of its own (in "As
    she said that, …" it is a time), the clause is finite, and the cue's clause opens the
    sentence (or a clause joined by "and" or "but") or closes it after a comma (elsewhere
    "as many hoped" compares a phrase)."""
    if not _marked_as(cue):
        return False
    after = cue.doc[cue.i + 1] if cue.i + 1 < len(cue.doc) else None
    # "As Lee told the Post, …": the one told is no object of what is said.
    told = cue.lemma_.lower() in ADDRESSEE_LEMMAS
    if (after is not None and after.lower_ == "that") or any(
            (c.dep_ in _OBJECTS and not (told and c.dep_ == "dobj")) or c.lower_ == "that"
            or (c.dep_ == "prep" and c.lower_ in _TOPIC_PREPS) for c in cue.children):
        return False  # "As she said that, …", "As voters responded to the plan, …"
    head, doc = cue.head, cue.doc
    if head.pos_ not in ("VERB", "AUX") or not any(c.dep_ in _SUBJECTS for c in head.children):
        return False
    words = [t for t in doc if not t.is_punct and not t.is_space]
    first, last = cue.left_edge.i, cue.right_edge.i
    # "But as Lee noted, …", "…, and as Lee noted, …": a conjunction before it changes
    # nothing of what it stands for.
    opening = [t for t in words if t.i < first]
    if any(t.text == ":" for t in doc[cue.i:last + 2]):
        return False  # "As Lee told the Post: “…”" introduces a quotation
    if all(t.dep_ == "cc" for t in opening) or (
            opening and opening[-1].dep_ == "cc" and doc[opening[-1].i - 1].text == ","
            and last + 1 < len(doc) and doc[last + 1].text == ","):
        return True
    return (first > 0 and doc[first - 1].text == "," and last >= words[-1].i)


def _coordinated(token: Token) -> bool:
    """Whether a token is the second of two joined by a conjunction ("… and said …")."""
    return token.dep_ == "conj" and any(
        c.dep_ == "cc" for c in token.head.children if c.i < token.i)


def _other_speaker(token: Token) -> bool:
    """Whether a clause joined to what was said is another speaker's statement: "74
    percent said they back the levy, while 22 percent said they might not"."""
    joined = _coordinated(token) or (token.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in _CONTRASTS for c in token.children))
    return (joined and token.pos_ == "VERB" and token.lemma_.lower() in SPEECH_LEMMAS
            and any(c.dep_ == "nsubj" for c in token.children)
            and any(c.dep_ in ("ccomp", "dobj") for c in token.children if c.i > token.i))


def _second_cue(token: Token) -> Token | None:
    """The cue whose speaker a speech verb belongs to when the parser hung that verb inside
    the first cue's clause: in "Lee said the wall held and said it would be rebuilt" or
    "Lee said the wall held, adding that …" both verbs are Lee's, not the wall's. None
    when the verb has a subject of its own or nothing said of its own."""
    if token.pos_ != "VERB" or token.lemma_.lower() not in SPEECH_LEMMAS:
        return None
    joined = _coordinated(token) or (token.dep_ == "advcl" and token.tag_ == "VBG"
                                     and token.doc[token.i - 1].text == ",")
    if not joined or any(c.dep_ in _SUBJECTS for c in token.children):
        return None
    if not any(c.dep_ == "ccomp" for c in token.children):
        return None
    clause = token.head
    if clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in CUE_LEMMAS:
        return None
    if any(c.dep_ == "nsubj" and c.pos_ == "PROPN" for c in clause.children):
        # "the agency said Lee ordered a drill and said …": Lee may be the one who said
        # it; the whole stays the agency's, which is true either way.
        return None
    return clause.head


def _subject(cue: Token) -> Token | None:
    if (first := _second_cue(cue)) is not None:
        return _subject(first)
    if (hidden := _hidden_subject(cue)) is not None:
        return hidden
    token: Token | None = cue
    # "… and added", "…, saying": the subject belongs to the verb they hang from.
    while token is not None:
        subjects = [child for child in token.children if child.dep_ in ("nsubj", "nsubjpass")]
        if len(subjects) > 1:
            # '“The wall held,” said Mayor Lee': the parser may take the quotation's own
            # subject for the cue's too; the speaker is the one outside the marks.
            subjects = [child for child in subjects if not _quoted(child)] or subjects
            if token is cue and _closes_inverted(cue):
                # "The pier still stands, said its engineer": the one after the cue.
                subjects = [child for child in subjects if child.i > cue.i] or subjects
        if subjects:
            # "Lee was asked about the levy and said …": a passive verb's subject is the
            # subject of the cue conjoined to it, unless that verb is a cue itself ("aides
            # are said to be urging …": someone unnamed says so); the cue's own passive
            # subject is no speaker.
            return subjects[0] if subjects[0].dep_ == "nsubj" or (
                token is not cue and token.lemma_.lower() not in _VERB_CUES) else None
        if (token.dep_ == "acl" and token.tag_ == "VBG" and token.i > 0
                and token.doc[token.i - 1].text == ","):
            # "made an attempt to calm them, writing that …": the parser hangs the
            # participle on a noun; it belongs to the clause's verb.
            token = _verb_above(token.head)
            continue
        climbs = token.dep_ in ("conj", "xcomp") or (token.dep_ == "advcl" and token.tag_ == "VBG")
        token = token.head if climbs else None
    return None


def _hidden_subject(verb: Token) -> Token | None:
    """The name just before a cue that has no subject, which the parser joined to the noun
    before it: "fares would rise in May and Holm says …" ("May and Holm")."""
    if (verb.i < 2 or verb.pos_ != "VERB" or verb.lemma_.lower() not in _VERB_CUES
            or verb.lower_ in BESIDE_ONLY_FORMS  # "… and the US continued to loom"
            or any(c.dep_ in _SUBJECTS for c in verb.children)
            or not any(c.dep_ in _OBJECTS and c.i > verb.i for c in verb.children)):
        return None
    name = verb.doc[verb.i - 1]
    if (name.dep_ == "conj" and name.pos_ in ("PROPN", "PRON") and name.head.i < name.i
            and name.head.dep_ in ("pobj", "dobj", "npadvmod")
            and any(c.dep_ == "cc" for c in name.head.children)):
        return name
    return None


def _with_lost_subject(cue: Token, clause: Token) -> list[Token]:
    """The words between a cue and a reported clause without a subject, when the parser
    hung that subject on the cue: in "The skippers admitted the old feud over mooring fees
    most likely does not bother passengers" they are what the clause is about. Empty when
    the clause has its subject, or the words are the one told ("told reporters …"), the
    cue's own modifiers or hold a comma."""
    if clause.i < cue.i or any(c.dep_ in _SUBJECTS for c in clause.children):
        return []
    gap = list(cue.doc[cue.i + 1:clause.left_edge.i])
    hangs_on = {cue.i, *(t.i for t in gap)}  # the gap hangs on the cue, nowhere else
    if not gap or any(t.text in ",;:" or t.head.i not in hangs_on for t in gap):
        return []
    if cue.lemma_.lower() in ADDRESSEE_LEMMAS or not any(
            t.pos_ in ("NOUN", "PROPN", "PRON") and t.lower_ not in _BARE_OBJECTS for t in gap):
        return []
    if gap[-1].pos_ == "NOUN" and clause.left_edge.lower_ == "that":
        return []  # "tweeted his call that …": the clause completes the noun
    first = next((t for t in gap if t.head.i == cue.i and t.left_edge.i == gap[0].i), None)
    if first is None or first.dep_ in _CUE_MODIFIERS:
        return []  # "said in a statement that …", "said Sunday that …": the cue's own
    return gap


def _swallowing_clause(cue: Token) -> Token | None:
    """The clause the parser made of a speaker's long phrase: in "Dana Holm, a Carrowmere
    pilot leading the protest, said the quay was unsafe" it may read "pilot" as a verb,
    with Holm its subject, and leave the cue without one. Such a clause opens the sentence,
    ends at the comma before the cue and has a name or noun for its subject."""
    doc = cue.doc
    if cue.i < 3 or doc[cue.i - 1].text != "," or cue.lemma_.lower() not in CUE_LEMMAS:
        return None
    first = next((t.i for t in doc if not (t.is_space or t.is_punct)), None)
    for clause in cue.children:
        if (clause.dep_ == "ccomp" and clause.left_edge.i == first
                and clause.right_edge.i >= cue.i - 2 and any(
                    c.dep_ == "nsubj" and c.pos_ in ("PROPN", "NOUN") and c.left_edge.i == first
                    for c in clause.children)
                and any(c.dep_ == "ccomp" and c.i > cue.i for c in cue.children)):
            return clause
    return None


def _as_reported_by(cue: Token) -> Token | None:
    """The source in "As reported by the Post, the mayor will resign": who the agent of
    "as" and a cue of speech names (not "as indicated by the drop", "as shown by …")."""
    if cue.lemma_.lower() not in _REPORTED_BY_LEMMAS:
        return None
    if not _marked_as(cue):
        return None
    return next((o for c in cue.children if c.dep_ == "agent" for o in c.children
                 if o.dep_ == "pobj"), None)


def _inverted_subject(cue: Token) -> Token | None:
    """The speaker named after a cue that follows a quotation ('“The problem,” said Marta
    Quell, a planner, “is …”') when the parser took the speaker for the subject of the
    quotation's second half instead."""
    doc = cue.doc
    if cue.i == 0 or not is_quote_mark(doc[cue.i - 1].text) or cue.i + 1 >= len(doc):
        return None
    name = doc[cue.i + 1]
    while name.dep_ == "compound" and name.head.i > name.i:
        name = name.head
    if name.dep_ != "nsubj" or name.pos_ not in ("PROPN", "NOUN") or _quoted(name):
        return None
    return name


def _verb_above(token: Token) -> Token | None:
    """The nearest verb among a token and its heads."""
    while token.pos_ not in ("VERB", "AUX"):
        if token.head.i == token.i:
            return None
        token = token.head
    return token


def _quoted_before(token: Token, cue: Token) -> bool:
    """Whether a token stands in a quotation that closes before the cue ('“Certainly
    not,” Lee said': the "not" is Lee's words, not a refusal to say)."""
    return token.i < cue.i and _quoted(token) and any(
        is_quote_mark(t.text) for t in token.doc[token.i + 1:cue.i])


def _quoted(token: Token) -> bool:
    """Whether a token stands inside quotation marks in its sentence."""
    return sum(is_quote_mark(t.text) for t in token.doc[:token.i]) % 2 == 1


def _past_dateline(subject: Token) -> Token | None:
    """The speaker when the parser took a sentence's dateline for its subject: in "OSLO
    (Northgate Wire) - Harbor chief Per Dahl said …" the subject is OSLO, with the chief
    hung on it as an apposition. None when no such apposition follows the dateline."""
    dateline = DATELINE.match(subject.doc.text)
    if dateline is None or subject.idx >= dateline.end():
        return subject
    after = [c for c in subject.children if c.dep_ == "appos" and c.idx >= dateline.end()]
    return after[-1] if after else None


def _document_author(noun: Token) -> Token:
    """ "a statement from the embassy" is the embassy's statement."""
    if noun.lemma_.lower() in DOCUMENT_NOUNS:
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ in ("from", "by", "of"):
                objects = [c for c in prep.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
    return noun


def _phrase(head: Token, *, cut: frozenset[str] = _CLAUSES) -> list[Token]:
    """The words of a speaker phrase, without a dateline before it ("MACAU (Reuters) -")
    and without the clauses hung on it whose relations are in `cut`."""
    # A clause the parser hung on the speaker ("“…,” Sarandon told") is not part of it.
    left_out = {t.i for child in head.children if child.dep_ in cut for t in child.subtree}
    run = [t for t in head.subtree if t.i not in left_out]
    tokens = [t for t in run
              if not any(head.i < c < t.i or t.i < c < head.i for c in left_out)]
    breaks = [k for k, t in enumerate(tokens) if t.i < head.i and _breaks_off(t)]
    return tokens[breaks[-1] + 1:] if breaks else tokens


def _breaks_off(token: Token) -> bool:
    """Whether a token ends a dateline: a closing parenthesis or a dash, but not a hyphen
    inside a word ("81-year-old", "front-runner"), which has no space on either side."""
    if token.text not in _DATELINE:
        return False
    if token.text != "-":
        return True
    return bool(token.whitespace_) and (token.i == 0 or bool(token.nbor(-1).whitespace_))


def _trimmed(tokens: list[Token], *, infinitive: bool, speaker: bool = False
             ) -> tuple[int, int] | None:
    """Token span with edge punctuation, a leading "that" or an infinitive "to" removed,
    and for what was said, the writer's closing remark."""
    tokens = _whole_words(sorted(tokens, key=lambda t: t.i))
    for k, token in enumerate(tokens[:-1]):
        if token.text == "," and tokens[k + 1].lower_ in CIRCUMSTANCE_WORDS:
            tokens = tokens[:k]
            break
    while tokens and _droppable(tokens[0], infinitive=infinitive):
        tokens.pop(0)
    if not speaker:
        tokens = _without_remark(tokens)
    # a coordinator left dangling when what it joined is not part of what was said
    # ("said the ferry was late, and …" with the rest the speaker's next act)
    while tokens and (tokens[-1].is_space or tokens[-1].dep_ == "cc" or (
            tokens[-1].is_punct and not is_quote_mark(tokens[-1].text))):
        tokens.pop()
    closing = tokens[-1].i + 1 if tokens else 0
    if _unclosed(tokens) and closing < len(tokens[0].doc) and tokens[0].doc[closing].text == ")":
        tokens.append(tokens[0].doc[closing])  # "Rep. Ann Lee (D-Ore.)" keeps its ")"
    if not _words(tokens):
        return None
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _whole_words(tokens: list[Token]) -> list[Token]:
    """The tokens with a hyphenated word they end in the middle of made whole: the parser
    may read "the re-election of Lee" as three objects, "re", "-" and "election of Lee"."""
    if not tokens:
        return tokens
    doc, end = tokens[0].doc, tokens[-1].i
    while (end + 2 < len(doc) and not doc[end].whitespace_ and doc[end + 1].text == "-"
           and not doc[end + 1].whitespace_ and doc[end + 2].is_alpha):
        word = doc[end + 2]
        more = [t for t in word.subtree if t.i >= word.i]
        tokens = [*tokens, doc[end + 1], *more]
        end = max(t.i for t in more)
    return sorted(set(tokens), key=lambda t: t.i)


def _without_remark(tokens: list[Token]) -> list[Token]:
    """The tokens without the writer's remark that closes them after a comma, outside any
    quotation: an indefinite noun phrase glossing what was said or its last name ("said the
    levy would pass, a blow to the ferry lobby"; "…, a former harbour master"), or a
    relative clause on it ("…, which opened in 1990")."""
    if not tokens or _quoted(tokens[-1]):
        return tokens
    comma = next((k for k in range(len(tokens) - 2, 0, -1) if tokens[k].text == ","
                  and tokens[k + 1].lower_ in ("a", "an", *_RELATIVES)), None)
    if comma is None:
        return tokens
    opening = tokens[comma + 1]
    if opening.lower_ in _RELATIVES:
        remark = next((a for a in opening.ancestors if a.dep_ == "relcl"), None)
        if remark is None or remark.left_edge != opening:
            return tokens
    else:
        remark = opening.head
        if remark.dep_ not in _GLOSSES:
            return tokens
    return tokens[:comma] if remark.right_edge.i >= tokens[-1].i else tokens


def _unclosed(tokens: list[Token]) -> bool:
    """Whether the tokens open a parenthesis that they do not close."""
    return sum(t.text == "(" for t in tokens) > sum(t.text == ")" for t in tokens)


def _droppable(token: Token, *, infinitive: bool) -> bool:
    if token.is_space:
        return True
    if token.is_punct:
        return not is_quote_mark(token.text)
    if token.dep_ == "mark" and token.lower_ == "that":
        return True
    # "But the wall held, Lee said": the "But" that opens the sentence is Lee's too.
    return (token.dep_ == "cc" and token.i > 0) or (
        infinitive and token.lower_ == "to" and token.dep_ == "aux")


def _words(tokens: list[Token]) -> bool:
    return any(not t.is_punct and not t.is_space for t in tokens)


def _offsets(tokens: list[Token], offset: int) -> tuple[int, int] | None:
    """A speaker phrase's span, without punctuation or quotation marks at its edges."""
    words = [t for t in tokens if not t.is_punct]
    if not words:
        return None
    inside = [t for t in tokens if words[0].i <= t.i <= words[-1].i]
    return _shift(_trimmed(inside, infinitive=False, speaker=True), offset)


def _shift(span: tuple[int, int] | None, offset: int) -> tuple[int, int] | None:
    return None if span is None else (span[0] + offset, span[1] + offset)


def _opening_width(text: str, start: int) -> int:
    """The length of the quotation mark at `start`: 2 for '', else 1."""
    return len(APOSTROPHE_MARK) if text.startswith(APOSTROPHE_MARK, start) else 1


def _within_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """A quotation's span without its opening and closing marks."""
    start += _opening_width(text, start)
    return start, end - _closing_width(text, start, end)


def _closing_width(text: str, start: int, end: int) -> int:
    """The length of the quotation mark that ends text[start:end], 0 when none does (a
    quotation left open at its paragraph's end)."""
    if end - start > len(APOSTROPHE_MARK) and text.endswith(APOSTROPHE_MARK, start, end):
        return len(APOSTROPHE_MARK)
    return 1 if end > start and text[end - 1] in QUOTE_MARKS else 0


def _inside(inner: tuple[int, int], outer: tuple[int, int]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _quote_segments(text: str) -> list[tuple[int, int]]:
    """Quoted stretches, marks included; a quote left open runs to the paragraph's end.
    Two apostrophes ('') open and close a quotation as a straight mark does, and an
    opening mark typed where the closing one belongs ('“Not yet,“ she said') closes."""
    segments: list[tuple[int, int]] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        start: int | None = None
        for match in _MARKS.finditer(paragraph.group()):
            mark, at = match.group(), paragraph.start() + match.start()
            if start is not None and mark == "“" and _MISTYPED_CLOSING.match(text, at - 1):
                mark = "”"
            if start is None and mark != "”":
                start = at
            elif start is not None and mark != "“":
                segments.append((start, at + len(mark)))
                start = None
            elif mark == "“":
                start = at  # an unclosed quote inside the paragraph: restart here
        if start is not None:
            segments.append((start, paragraph.end()))
    return segments


@dataclass(slots=True)
class _Context:
    """What an article offers to read quotes in: its text, quotations and speaker names."""

    text: str
    segments: list[tuple[int, int]]
    names: SpeakerNames

    def quote(self, raw: _Raw, index: int) -> Quote | None:
        if raw.source is None or raw.source_head is None:
            return None
        if raw.source_head.lower_ in UNNAMED_SPEAKERS and raw.source[1] - raw.source[0] <= 5:
            return None
        content = self._content(raw)
        if content is None:
            return None
        start, end, direct = content
        via, relay = None, None
        if raw.via is not None:
            via = self.names.name_of(raw.via.source_head, raw.via.offset, index)
            relay = self._relay(raw.via)
        addressee = None
        if raw.addressee is not None:
            addressee = self.names.mention_at(raw.offset + raw.addressee.idx)
        return Quote(
            sentence_index=index,
            speaker=raw.named or self.names.name_of(raw.source_head, raw.offset, index),
            speaker_text=self.text[raw.source[0]:raw.source[1]],
            speaker_start=raw.source[0], speaker_end=raw.source[1],
            cue=self.text[raw.cue[0]:raw.cue[1]], cue_start=raw.cue[0], cue_end=raw.cue[1],
            content=self.text[start:end], start=start, end=end, direct=direct,
            via=via, addressee=addressee, relay=relay,
        )

    def _relay(self, raw: _Raw) -> Relay | None:
        """The spans of a relay ("according to Xinhua", "the Times reported")."""
        if raw.source is None or raw.content is None:
            return None
        content = self._stripped(*raw.content, direct=False)
        if content is None:
            return None
        return Relay(source_start=raw.source[0], source_end=raw.source[1], cue_start=raw.cue[0],
                     cue_end=raw.cue[1], start=content[0], end=content[1])

    def _content(self, raw: _Raw) -> tuple[int, int, bool] | None:
        """Content span widened to whole quotations; direct when it is (mostly) quoted."""
        if raw.content is None:
            return self._beside(raw)
        if _inside(raw.cue, raw.content) and (beside := self._beside(raw, whole=True)):
            # '“It will hold,” Lee said as the tide rose': the parse took in the clauses
            # on both sides of the cue; what Lee said is the quotation beside it, if that is
            # all on its side (in 'the mayor “looked tired,” Lee said' the quoted words are
            # only part of what Lee said).
            return beside
        start, end = self._without_cue(raw, raw.content)
        quoted = [seg for seg in self.segments if _overlaps(seg, (start, end))
                  and not _overlaps(seg, raw.cue)
                  and not (raw.source and _overlaps(seg, raw.source))]
        if not quoted:
            return self._stripped(start, end, direct=False)
        start, end = min(start, quoted[0][0]), max(end, quoted[-1][1])
        before = self.text[start:quoted[0][0]]
        # 'described the talks as "candid"': what is described is named in the writer's
        # words, which keep their place in the content but do not make it indirect.
        framed = raw.cue_lemma in AS_LEMMAS and _AS_FRAMING.match(before) is not None
        residue = ("" if framed else before) + self.text[quoted[-1][1]:end] + "".join(
            self.text[a[1]:b[0]] for a, b in itertools.pairwise(quoted))
        if any(word.lower() not in GLUE_WORDS for word in _WORD.findall(residue)):
            # Reported speech with quoted words in it keeps its whole clause, marks and
            # all: 'Washington should "lift the limits"' says who should lift them.
            direct = any(len(_WORD.findall(self.text[a:b])) >= _DIRECT_WORDS
                         for a, b in quoted)
            return self._stripped(start, end, direct=direct)
        start, end = (start if framed else quoted[0][0]), quoted[-1][1]
        if len(quoted) == 1 and not framed:  # its marks are not part of what was said
            start, end = _within_marks(self.text, start, end)
        return self._stripped(start, end, direct=True)

    def _beside(self, raw: _Raw, *, whole: bool = False) -> tuple[int, int, bool] | None:
        """ "“…,” he said" or "he said: “…”" when the parse did not link the quotation;
        `whole`: the quotation must be all that is said on its side of the cue (opening the
        sentence, or ending the clause the parse gave)."""
        if raw.source is None:
            return None
        before, after = min(raw.source[0], raw.cue[0]), max(raw.source[1], raw.cue[1])
        if raw.addressee is not None:  # "told the Post: “…”"
            last = raw.addressee.right_edge
            after = max(after, raw.offset + last.idx + len(last.text))
        for start, end in self.segments:
            if ((end <= before and not self.text[end:before].strip(_BETWEEN)
                 and not (whole and self.text[raw.offset:start].strip(_BETWEEN)))
                    or (start >= after and not self.text[after:start].strip(_BETWEEN)
                        and not (whole and raw.content is not None
                                 and self.text[end:raw.content[1]].strip(_BETWEEN + ".")))):
                return self._stripped(*_within_marks(self.text, start, end), direct=True)
        return None

    def _without_cue(self, raw: _Raw, span: tuple[int, int]) -> tuple[int, int]:
        """A content that swallowed its own cue or speaker keeps the larger side of them."""
        start, end = span
        if not _inside(raw.cue, span) and not (raw.source and _inside(raw.source, span)):
            return span
        left = min(raw.cue[0], raw.source[0] if raw.source else raw.cue[0])
        right = max(raw.cue[1], raw.source[1] if raw.source else raw.cue[1])
        return (start, left) if left - start >= end - right else (right, end)

    def _stripped(self, start: int, end: int, *, direct: bool) -> tuple[int, int, bool] | None:
        piece = self.text[start:end]
        for lead in (DATELINE, _LEADING_DAY):
            found = lead.match(piece) if not direct else None
            if found is not None:
                start, piece = start + found.end(), piece[found.end():]
        left = len(piece) - len(piece.lstrip(_TRAILING))
        right = len(piece.rstrip(_TRAILING))
        if right <= left:
            return None
        return start + left, start + right, direct
