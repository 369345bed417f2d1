"""Typed events (meeting, summit, protest, deportation…) from a trigger lexicon of our own.

Token rules over the NER doc: a trigger word, the named participants around it, the place
after a locative preposition, the time expression of its clause; mentions of one event in
an article ("a meeting", "Sunday's talks", "the meeting") are merged into one record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from spacy.attrs import ORTH
from spacy.tokens import Doc, Span, Token

from backstory.models import Event, Mention, Sentence, TimeExpr

__all__ = ["COMMON_VERBS", "EVENT_TYPES", "FUNCTION_WORDS", "OPENERS", "dated_times", "event_type",
           "extract_events", "needs_parse", "place_before", "since_time"]

_TRIGGERS: dict[str, str] = {
    **dict.fromkeys(("meeting", "meetings", "met", "meet", "meets", "talks"), "meeting"),
    **dict.fromkeys(("summit", "summits"), "summit"),
    **dict.fromkeys(("protest", "protests", "protested", "protesters", "demonstration",
                     "demonstrations", "demonstrators", "rally", "rallies"), "protest"),
    **dict.fromkeys(("deportation", "deportations", "deported", "deport", "deporting",
                     "expelled", "expulsion"), "deportation"),
    **dict.fromkeys(("election", "elections", "elected", "vote", "voted", "referendum"),
                    "election"),
    **dict.fromkeys(("ruling", "ruled", "verdict", "convicted", "acquitted", "sentenced"),
                    "ruling"),
    **dict.fromkeys(("earthquake", "quake", "flood", "floods", "flooding", "wildfire",
                     "blaze", "hurricane", "typhoon", "tsunami", "landslide", "storm"),
                    "disaster"),
    **dict.fromkeys(("crash", "crashed", "collision", "derailed", "derailment", "derails"),
                    "accident"),
    **dict.fromkeys(("deal", "agreement", "accord", "treaty", "pact", "signed"), "deal"),
    **dict.fromkeys(("attack", "attacks", "attacked", "bombing", "bombed", "shooting",
                     "gunfire", "raid", "stabbing", "airstrike", "airstrikes"), "attack"),
    **dict.fromkeys(("arrest", "arrests", "arrested"), "arrest"),
    **dict.fromkeys(("resignation", "resigned", "resigns", "resign"), "resignation"),
    **dict.fromkeys(("visit", "visits", "visited", "visiting", "trip"), "visit"),
    **dict.fromkeys(("strike", "strikes", "walkout"), "strike"),
    **dict.fromkeys(("launch", "launched", "launches"), "launch"),
    **dict.fromkeys(("match", "matches", "final", "finals", "semifinal", "semifinals",
                     "quarterfinal", "quarterfinals", "derby"), "match"),
}
# The event types Backstory names ("meeting", "deportation", …).
EVENT_TYPES = frozenset(_TRIGGERS.values())


def event_type(word: str) -> str | None:
    """The event type a word names ("met" → meeting), if it is one of our triggers."""
    return _TRIGGERS.get(word.lower())


_TWO_WORD_TRIGGERS = {("opened", "fire"): "attack", ("stepped", "down"): "resignation",
                      ("air", "strike"): "attack", ("air", "strikes"): "attack"}
# Words after which a trigger is not the event: "talks to", "deal with", "ruling party".
_NOT_AFTER: dict[str, set[str]] = {"talks": {"to", "about"}, "deal": {"with"},
                                   "ruling": {"party", "coalition", "class", "elite"},
                                   "storm": {"of"}}
# Words that are a trigger only as a noun: before punctuation or a word that follows a
# noun ("the final at Harbour Park", "the match, which", "the final of the cup"), not
# before a noun they modify ("the final decision", "her final season", "the final
# whistle"), not after a copula ("the ruling is final"), not as a verb ("to match the
# offer", "match the rise") and not in a compound ("post-match talk").
_NOUN_ONLY = {"final", "finals", "match", "matches"}
_AFTER_A_NOUN = {"at", "in", "on", "against", "between", "of", "with", "and", "or", "but",
                 "was", "is", "will", "would", "has", "had", "to", "after", "before", "since",
                 "which", "where", "when", "that", "who", "for", "from", "by", "as", "than"}
_HYPHENED_NOUNS = {"semi", "quarter"}  # "semi-final" is a match; "post-match" is not
_COPULAS = {"is", "are", "was", "were", "be", "been", "being", "not", "become", "became",
            "becomes", "remain", "remains", "remained", "seem", "seems", "seemed"}
_PARTICIPANT_TYPES = {"PERSON", "ORG", "GPE", "NORP"}
_PLACE_TYPES = {"GPE", "LOC", "FAC"}
_LOCATIVE = {"in", "at", "near", "outside", "inside", "across", "throughout", "into"}
# What introduces an event's topic depends on its type: talks are "on" something, a protest
# or an arrest is "for" something, but a deportation "on arrival" is not about arrival.
_TALKS_TOPIC = {"on", "over", "about", "regarding", "concerning"}
_GROUNDS_TOPIC = {"over", "about", "for", "against"}
_TOPIC_MARKERS: dict[str, set[str]] = {
    **dict.fromkeys(("meeting", "summit", "deal", "visit", "election", "strike"), _TALKS_TOPIC),
    **dict.fromkeys(("protest", "arrest", "ruling", "resignation", "deportation"),
                    _GROUNDS_TOPIC - {"against"}),
}
# Words that open a new clause: a trigger's arguments do not reach across them.
OPENERS = {"that", "which", "who", "whom", "whose", "while", "whereas", "although", "though",
           "because", "when", "where", "if", "unless", "after", "before", "following", "as",
           "amid", "despite", "according", "including", "said", "says", "say", "told",
           "reported", "added", "adding", "saying", "with"}
FUNCTION_WORDS = {"a", "an", "the", "this", "that", "these", "those", "of", "in", "on", "at",
                  "to", "for", "from", "by", "with", "without", "and", "or", "but", "nor", "as",
                  "is", "are", "was", "were", "be", "been", "being", "has", "have", "had",
                  "will", "would", "could", "can", "may", "might", "must", "should", "shall",
                  "do", "does", "did", "not", "it", "its", "their", "his", "her", "they",
                  "he", "she", "we", "who", "which", "since", "after", "before", "during",
                  "near", "into", "over", "under", "about", "than", "up", "out", "off"}
# Nouns that make a preceding country or organisation a modifier of a person.
_ROLE_NOUNS = {"counterpart", "president", "minister", "secretary", "leader", "chief",
               "spokesman", "spokeswoman", "spokesperson", "official", "officials",
               "ambassador", "envoy", "prime", "foreign", "premier", "director", "head"}
# Wire agencies and photo credits stand beside an event, never in it.
_CREDITS = {"Getty Images", "Getty", "Reuters", "AP", "AFP", "PA", "EPA", "Associated Press"}
# Frequent verbs no suffix gives away ("Olaf Scholz held", "Eight cases took place"), for
# sentences without a parse.
COMMON_VERBS = {"held", "holds", "hold", "said", "says", "say", "told", "tells", "met", "made",
                "make", "took", "take", "takes", "gave", "give", "went", "go", "came", "come",
                "left", "sent", "won", "win", "lost", "led", "leads", "hit", "put", "set", "ran",
                "run", "saw", "see", "began", "brought", "fought", "thought", "sought", "caught",
                "kept", "felt", "found", "got", "get", "paid", "struck", "spoke", "wrote",
                "became", "become", "stood", "built", "shot", "fell", "rose", "fled", "face",
                "faces", "remain", "remains", "live", "work", "need", "want", "wants", "die",
                "hurt", "were", "was", "are", "is", "has", "have", "had", "will", "would"}
_ANAPHORS = {"case", "cases", "incident", "incidents"}
_DEMONSTRATIVES = {"the", "this", "that", "these", "those", "such"}
_POSSESSIVE = {"'s", "’s", "'", "’"}
# "the first crash since 1990", "the worst floods since 2010": with a superlative before the
# trigger, "since" names an earlier event to compare with, not when this one happened.
_SUPERLATIVES = {"first", "last", "only", "worst", "best", "biggest", "largest", "deadliest",
                 "bloodiest", "costliest", "heaviest", "highest", "lowest", "strongest",
                 "greatest", "longest", "fiercest", "most", "least"}


def needs_parse(sentence: Span) -> bool:
    """Events read the NER doc alone: no sentence needs a parse for them."""
    return False


def extract_events(doc: Doc, sentences: Sequence[Sentence], parsed: Mapping[int, Doc], *,
                   mentions: Sequence[Mention], times: Sequence[TimeExpr]) -> list[Event]:
    """The article's events, one record per event however often it is mentioned."""
    # Read from the doc's array: spaCy builds a Python object for every token read.
    strings = doc.vocab.strings
    words = [strings[key] for key in doc.to_array(ORTH).tolist()]
    times = dated_times(times, mentions)
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence_index, []).append(m)
    drafts: list[_Draft] = []
    for sentence in sentences:
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is None:
            continue
        lowered = [w.lower() for w in words[span.start:span.end]]
        triggers = _triggers(words, lowered, span.start)
        anaphors = [span.start + i for i, w in enumerate(lowered) if w in _ANAPHORS
                    and _DEMONSTRATIVES.intersection(lowered[max(0, i - 3):i])]
        if not triggers and not anaphors:
            continue
        ctx = _Context(doc, span, sentence, sentences, by_sentence.get(sentence.index, []),
                       times)
        for start, end, kind in triggers:
            if "since" in lowered[max(start - 3 - span.start, 0):start - span.start]:
                continue  # "since that summit" dates another event; it is no new mention
            _merge(drafts, _draft(ctx, start, end, kind))
        for i in anaphors:
            _resolve_anaphor(drafts, ctx, i)
    return [d.event() for d in drafts if d.participants or d.place or d.time]


def dated_times(times: Sequence[TimeExpr], mentions: Sequence[Mention]) -> list[TimeExpr]:
    """Times that date something: with a value, not a duration or a vague reference
    ("for 90 minutes", "recently"), not inside a name (the "May" of "Mayorkas")."""
    names = [(m.start, m.end) for m in mentions if m.type in _PARTICIPANT_TYPES | _PLACE_TYPES]
    return [t for t in times if t.value and t.precision not in {"duration", "ref"}
            and not any(start < t.end and t.start < end for start, end in names)]


def since_time(doc: Doc, since: int, *, sentences: Sequence[Sentence],
               times: Sequence[TimeExpr]) -> TimeExpr | None:
    """The time a "since …" phrase starts from: "since May", or "since that summit",
    which takes the time of the summit as an earlier sentence dates it."""
    after = doc[since + 1:since + 4]
    if not len(after):
        return None
    for time in times:
        if after[0].idx <= time.start < after[-1].idx + len(after[-1]):
            return time
    if after[0].lower_ not in _DEMONSTRATIVES:
        return None
    noun = next((t.lower_ for t in after[1:] if t.is_alpha and t.lower_ not in FUNCTION_WORDS),
                None)
    here = next((s.index for s in sentences if s.start <= doc[since].idx < s.end), None)
    if noun is None or here is None:
        return None
    for back in range(here - 1, max(here - 6, -1), -1):
        sentence = sentences[back]
        lowered = sentence.text.lower()
        at = lowered.find(noun)
        if at < 0:
            continue
        dated = [t for t in times if t.sentence_index == back and t.value]
        later = [t for t in dated if t.start >= sentence.start + at]
        return min(later, key=lambda t: t.start) if later else (dated[-1] if dated else None)
    return None


def place_before(doc: Doc, span: Span, mention_span: Span) -> bool:
    """Whether a mention is a place: a bare name after a locative preposition ("in Vienna",
    "at a tunnel near Sandilands"), not a modifier ("a US airport")."""
    after = doc[mention_span.end] if mention_span.end < span.end else None
    if after is not None and (after.text in _POSSESSIVE or _modifies_noun(after)):
        return False
    for token in reversed(doc[max(span.start, mention_span.start - 5):mention_span.start]):
        if token.lower_ in _LOCATIVE:
            return True
        if (token.is_punct or token.lower_ in OPENERS or token.ent_type_ in _PLACE_TYPES
                or token.lower_ in COMMON_VERBS or token.lower_.endswith("ed")):
            return False  # "Voters in Chile elected Boric": Boric is not in Chile
    return False


@dataclass(slots=True)
class _Draft:
    type: str
    sentence_index: int
    trigger: str
    start: int
    end: int
    participants: list[str] = field(default_factory=list)
    place: str | None = None
    time: TimeExpr | None = None
    topic: str | None = None
    last_sentence: int = 0
    last_start: int = 0  # where the latest mention is, to find what "those cases" means
    weak_time: bool = False  # the time is the sentence's, not the trigger's clause's

    def event(self) -> Event:
        return Event(type=self.type, participants=tuple(self.participants), place=self.place,
                     time=self.time.value if self.time else None,
                     precision=self.time.precision if self.time else None,
                     sentence_index=self.sentence_index, trigger=self.trigger,
                     start=self.start, end=self.end, topic=self.topic)


class _Context:
    """One sentence's tokens with its mentions and times, as token spans."""

    def __init__(self, doc: Doc, span: Span, sentence: Sentence, sentences: Sequence[Sentence],
                 mentions: Sequence[Mention], times: Sequence[TimeExpr]) -> None:
        self.doc, self.span, self.sentence, self.sentences = doc, span, sentence, sentences
        self.all_times = times
        self.mentions: list[tuple[Mention, Span]] = []
        for m in mentions:
            m_span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if m_span is not None:
                self.mentions.append((m, m_span))
        self.times = [t for t in times if t.sentence_index == sentence.index]


def _triggers(words: list[str], lowered: list[str], offset: int) -> list[tuple[int, int, str]]:
    """(start, end, type) of each trigger, as doc token indices."""
    found: list[tuple[int, int, str]] = []
    for i, lower in enumerate(lowered):
        nxt = lowered[i + 1] if i + 1 < len(lowered) else ""
        if (lower, nxt) in _TWO_WORD_TRIGGERS:
            found.append((offset + i, offset + i + 2, _TWO_WORD_TRIGGERS[(lower, nxt)]))
        elif (lower in _TRIGGERS and words[offset + i].islower()
              and nxt not in _NOT_AFTER.get(lower, ())
              and (lower not in _NOUN_ONLY or _a_noun(lowered[max(i - 2, 0):i], nxt))
              and not (found and found[-1][1] > offset + i)):  # a two-word trigger's second
            found.append((offset + i, offset + i + 1, _TRIGGERS[lower]))
    return found


def _a_noun(before: list[str], after: str) -> bool:
    """Whether a word that may be an adjective or a verb ("final", "match") stands as a
    noun here, given the two words `before` it and the word `after` it."""
    prev = before[-1] if before else ""
    if prev in _COPULAS or prev == "to" or (
            prev == "-" and (len(before) < 2 or before[-2] not in _HYPHENED_NOUNS)):
        return False  # "is final", "to match", "post-match"
    return not any(c.isalnum() for c in after) or after in _AFTER_A_NOUN


def _draft(ctx: _Context, start: int, end: int, kind: str) -> _Draft:
    doc, span = ctx.doc, ctx.span
    trigger = doc[start:end]
    draft = _Draft(type=kind, sentence_index=ctx.sentence.index, trigger=trigger.text,
                   start=trigger.start_char, end=trigger.end_char,
                   last_sentence=ctx.sentence.index, last_start=trigger.start_char)
    left = _clause_start(ctx, start)
    right = _clause_end(ctx, end)
    topic_at = _topic_start(ctx, kind, end, right)
    # A trigger inside "the readout of the meeting" names no one before it.
    nominal = any(t.lower_ == "of" for t in doc[max(left, start - 2):start])
    before = [] if nominal else [
        (m, s) for m, s in ctx.mentions
        if left <= s.start and s.end <= start and start - s.end <= 12]
    after = [(m, s) for m, s in ctx.mentions if end <= s.start and s.end <= topic_at]
    # Of the names before the trigger only the nearest is its subject ("China lodged a
    # protest"); of those after, all up to the topic ("between X and Y", "with Y").
    before = [(m, s) for m, s in before if not _is_modifier(ctx, s, start)][-1:]
    for m, s in before + after:
        if not (m.name[:1].isupper() or m.name[:1].isdigit()) or m.name in _CREDITS:
            continue  # "tarpaulin" tagged a place; a photo credit is no participant
        if place_before(doc, span, s):
            # After "at"/"in" a name is where it happened, even one the model calls an
            # organisation ("at the White House").
            if s.start >= end and draft.place is None and m.type in _PLACE_TYPES | {"ORG"}:
                draft.place = m.name
        elif m.type in _PARTICIPANT_TYPES and not _is_modifier(ctx, s, start):
            name = _participant_name(ctx, m, s)
            if name not in draft.participants:
                draft.participants.append(name)
    sinces = [t.i for t in doc[end:right] if t.lower_ == "since"]
    times = ctx.times
    if sinces and any(t.lower_ in _SUPERLATIVES for t in doc[max(left, start - 4):start]):
        # "the first crash since 1990" did not happen in 1990: what follows "since" is
        # another event to compare with.
        times = [t for t in times if t.start < doc[sinces[0]].idx]
    elif sinces:
        draft.time = since_time(doc, sinces[-1], sentences=ctx.sentences, times=ctx.all_times)
    if draft.time is None:
        # The clause's opener counts: "three weeks after China lodged a protest".
        lo = doc[max(left - 1, span.start)].idx
        hi = doc[right - 1].idx + len(doc[right - 1])
        inside = [t for t in times if t.end > lo and t.start < hi]
        if inside:
            draft.time = inside[0]
        elif times:  # a time elsewhere in the sentence: a guess a clause's time overrides
            draft.time = min(times, key=lambda t: abs(t.start - trigger.start_char))
            draft.weak_time = True
    if topic_at < right:
        draft.topic = doc[topic_at:right].text.strip(" .,;:\"'“”")
    return draft


def _clause_start(ctx: _Context, start: int) -> int:
    """Where the trigger's clause begins, skipping an appositive (", China's minister,")."""
    doc, first = ctx.doc, ctx.span.start
    i = start - 1
    while i >= first:
        token = doc[i]
        if token.text == ";" or token.lower_ in OPENERS:
            return i + 1
        if token.text in {",", "—", "–"}:
            comma = next((j for j in range(i - 1, max(first, i - 8) - 1, -1)
                          if doc[j].text == ","), None)
            if comma is None or not any(s.end == comma for m, s in ctx.mentions
                                        if m.type in {"PERSON", "ORG"}):
                return i + 1
            i = comma
        i -= 1
    return first


def _clause_end(ctx: _Context, end: int) -> int:
    doc = ctx.doc
    for i in range(end, ctx.span.end):
        token = doc[i]
        if token.text in {",", ";", "—", "–", "("} or (
                token.lower_ in OPENERS - {"with", "as", "that"}):
            return i
        if token.lower_ in _TRIGGERS and token.text.islower() and i > end and (
                token.lower_ not in _NOUN_ONLY or _a_noun(
                    [t.lower_ for t in doc[max(i - 2, 0):i]],
                    doc[i + 1].lower_ if i + 1 < len(doc) else "")):
            return i  # another event's trigger ("the final two victims" names none)
    return ctx.span.end


def _topic_start(ctx: _Context, kind: str, end: int, right: int) -> int:
    doc = ctx.doc
    markers = _TOPIC_MARKERS.get(kind, set())
    for i in range(end, right):
        if doc[i].lower_ in markers and i + 1 < right:
            nxt = doc[i + 1]
            if any(t.start <= nxt.idx < t.end for t in ctx.times) or nxt.like_num:
                continue  # "on Sunday", "for 10 hours"
            return i + 1
    return right


def _is_modifier(ctx: _Context, s: Span, trigger: int) -> bool:
    """A name that modifies another: "China's minister", "US counterpart Joe Biden",
    "Chinese President Xi Jinping" — but "China's protest" is China's own."""
    doc = ctx.doc
    if s.end >= ctx.span.end:
        return False
    after = doc[s.end]
    if after.text in _POSSESSIVE:
        return not (s.end < trigger <= s.end + 3)
    if after.lower_ in _ROLE_NOUNS or (_modifies_noun(after) and ctx.doc[s.start].ent_type_
                                         not in {"NORP"}):
        return True  # "US counterpart", "a key US airport"
    if ctx.doc[s.start].ent_type_ == "NORP" and after.is_title:
        return True  # "Brazilian Grand Prix", "Chinese President Xi"
    for t in doc[s.end:min(s.end + 4, ctx.span.end)]:  # "Homeland Security Secretary X"
        if any(m.type == "PERSON" and ms.start == t.i for m, ms in ctx.mentions):
            return True
        if not (t.is_title or t.lower_ in _ROLE_NOUNS):
            return False
    return False


def _participant_name(ctx: _Context, m: Mention, s: Span) -> str:
    """A nationality names a group with the noun after it: "Chinese students"."""
    if m.type != "NORP":
        return m.name
    words = [m.text]
    for t in ctx.doc[s.end:min(s.end + 3, ctx.span.end)]:
        if not _modifies_noun(t):
            break
        words.append(t.text)
    return " ".join(words)


def _modifies_noun(token: Token) -> bool:
    """Whether a token right after a name is a lowercase content word ("US airport")."""
    text, lower = token.text, token.lower_
    return (text.isalpha() and text.islower() and lower not in FUNCTION_WORDS
            and lower not in OPENERS and not lower.endswith(("ed", "ing", "ly"))
            and (lower not in _TRIGGERS or lower in _NOUN_ONLY)  # "the Cup final"
            and lower not in COMMON_VERBS)


def _merge(drafts: list[_Draft], new: _Draft) -> None:
    """Fold a mention into the latest compatible event of its type, or start one."""
    for old in reversed(drafts):
        if old.type != new.type:
            continue
        if (new.participants and old.participants
                and not set(new.participants) & set(old.participants)):
            continue
        if new.place and old.place and new.place != old.place:
            continue
        if (new.time and old.time and new.time.value != old.time.value
                and not new.weak_time and not old.weak_time):
            continue
        old.participants += [p for p in new.participants if p not in old.participants]
        old.place = old.place or new.place
        if old.time is None or (old.weak_time and new.time and not new.weak_time):
            old.time, old.weak_time = new.time, new.weak_time
        old.topic = old.topic or new.topic
        old.last_sentence, old.last_start = new.sentence_index, new.start
        return
    drafts.append(new)


def _resolve_anaphor(drafts: list[_Draft], ctx: _Context, noun: int) -> None:
    """ "Eight of those cases took place at Dulles": the place and time of the latest event."""
    here = ctx.sentence.index
    recent = [d for d in drafts if here - 2 <= d.last_sentence <= here]
    if not recent:
        return
    target = max(recent, key=lambda d: d.last_start)
    right = _clause_end(ctx, noun + 1)
    for m, s in ctx.mentions:
        if (noun < s.start and s.end <= right and m.type in _PLACE_TYPES
                and target.place is None and place_before(ctx.doc, ctx.span, s)):
            target.place = m.name
    lo, hi = ctx.doc[noun].idx, ctx.doc[right - 1].idx + len(ctx.doc[right - 1])
    inside = [t for t in ctx.times if lo <= t.start < hi]
    if target.time is None and inside:
        target.time = inside[0]
