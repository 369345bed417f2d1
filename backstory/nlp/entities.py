"""Entity mentions with canonical names, resolved within one article, and their roles.

A short mention that repeats a part of a person's full name mentioned in the same article
("Wang" after "Wang Xiaohong", "Mayorkas" after "Alejandro Mayorkas") takes the full name;
other names of a country take its one name ("US" → "United States"), and a capital acting
as a government stands for its country ("Washington should…" → "United States"), while a
capital after "in", "to", "from"… stays a place.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from backstory.models import Analysis, Mention, Role, Sentence
from backstory.nlp.gazetteer import (
    CAPITALS,
    COUNTRY_ALIASES,
    INSTITUTIONS,
    LOCATIVE,
    ORG_NOUNS,
    TITLE_NOUNS,
)

__all__ = ["PeopleIndex", "canonical_mentions", "clean_name", "find_roles", "rename_entities"]

# Entity types Backstory keeps; the rest (ORDINAL, LAW, LANGUAGE…) are noise for now.
KEPT_TYPES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "DATE", "TIME",
              "CARDINAL", "QUANTITY", "MONEY", "PERCENT"}
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_LEADING_THE = re.compile(r"^the\s+", re.I)


# Capitalized words of offices and departments that the NER model sometimes takes into a
# person's name ("Secretary of Homeland Security Alejandro Mayorkas" → "Homeland Security
# Alejandro Mayorkas").
_OFFICE_WORDS = frozenset([
    "homeland", "security", "public", "foreign", "home", "interior", "defense", "defence",
    "justice", "state", "commerce", "trade", "finance", "treasury", "health", "education",
    "energy", "transport", "transportation", "minister", "ministry", "secretary",
    "president", "premier", "chancellor", "senator", "governor", "mayor", "general",
    "ambassador", "spokesman", "spokeswoman", "spokesperson", "department", "affairs",
    "national",
])


def clean_name(text: str) -> str:
    """The name a mention stands for: without a leading "the" or a trailing possessive."""
    return _LEADING_THE.sub("", _POSSESSIVE.sub("", text.strip())).strip()


_INSTITUTION_WORDS = frozenset([
    "council", "office", "agency", "committee", "bureau", "commission", "ministry",
    "department", "service", "police", "guard", "court", "bank", "authority", "party", "army",
    "forces", "force", "administration", "institute", "university", "association", "union",
    "group", "board", "news", "media", "embassy", "government", "house", "congress", "senate",
])


def person_name(name: str) -> str:
    """A person's name without office words the NER span took in front of it."""
    words = name.split()
    while len(words) > 2 and words[0].lower() in _OFFICE_WORDS:
        words.pop(0)
    return " ".join(words)


def _office_holder(name: str) -> str | None:
    """The person in an ORG span made of office words and a name ("Homeland Security
    Alejandro Mayorkas" → "Alejandro Mayorkas"), or None when it is an institution."""
    words = name.split()
    if not words or words[0].lower() not in _OFFICE_WORDS:
        return None
    rest = person_name(name).split()
    if (len(rest) == len(words) or not 2 <= len(rest) <= 3
            or any(w.lower() in _OFFICE_WORDS | _INSTITUTION_WORDS or not w.isalpha()
                   or not w[0].isupper() for w in rest)):
        return None
    return " ".join(rest)


def canonical_mentions(ents: Iterable[Span], sentences: Sequence[Sentence]) -> Iterator[Mention]:
    """Mentions of the kept types, each with its canonical name and sentence index."""
    spans = [_institution(e) or e for e in ents if e.label_ in KEPT_TYPES]
    organisations = _organisations(spans)
    people = _people(spans) - organisations
    full_names = _person_names(spans, people)
    starts = [s.start for s in sentences]
    for span in spans:
        name = clean_name(span.text)
        if not name:
            continue
        label = "ORG" if name in organisations else "PERSON" if name in people else span.label_
        if label == "PERSON":
            name = person_name(name)
        elif label == "ORG" and (holder := _office_holder(name)) is not None:
            name, label = holder, "PERSON"
        if " " not in name and label in ("PERSON", "ORG") and name not in organisations:
            expansion = full_names.get(name)
            if expansion:
                name, label = expansion, "PERSON"
        name, label = _country(name, label, span)
        sentence = max(bisect.bisect_right(starts, span.start_char) - 1, 0)
        yield Mention(name=name, type=label, sentence_index=sentence,
                      start=span.start_char, end=span.end_char, text=span.text)


def find_roles(doc: Doc, mentions: Sequence[Mention]) -> list[Role]:
    """Roles and titles the article gives people and organisations.

    From an apposition ("Wang Xiaohong, China's public security minister,"), a title before
    the name ("Homeland Security Secretary Mayorkas", "state news agency Xinhua"), or a
    counterpart ("Chinese President Xi Jinping and his US counterpart Joe Biden" → "US
    President"). An entity keeps its first explicit role; a counterpart only fills a gap.
    """
    explicit: dict[str, Role] = {}
    counterparts: list[tuple[Mention, Role]] = []
    for mention in mentions:
        if mention.type not in ("PERSON", "ORG") or mention.name in explicit:
            continue
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            continue
        found = _title_before(span, mention) or _apposition(span, mention)
        if found is None:
            continue
        if found.role.lower().endswith("counterpart"):
            counterparts.append((mention, found))
        else:
            explicit[mention.name] = found
    derived: dict[str, Role] = {}
    for mention, role in counterparts:
        if mention.name in explicit or mention.name in derived:
            continue
        other = _nearest_other_role(mention, explicit.values())
        if other is None:
            continue
        qualifier = role.role.rsplit(" ", 1)[0] if " " in role.role else ""
        title = _bare_title(other.role)
        derived[mention.name] = Role(name=mention.name, role=f"{qualifier} {title}".strip(),
                                     sentence_index=role.sentence_index, start=role.start,
                                     end=role.end)
    return sorted([*explicit.values(), *derived.values()], key=lambda r: r.start)


class PeopleIndex:
    """Full names of people seen so far, by surname, to name a person across articles:
    an article that only says "Mayorkas" gets "Alejandro Mayorkas" when the store knows
    exactly one person of that surname."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._by_last: dict[str, set[str]] = {}
        self.add(names)

    def add(self, names: Iterable[str]) -> None:
        for name in names:
            if " " in name:
                self._by_last.setdefault(name.rsplit(" ", 1)[1], set()).add(name)

    def full_names(self, analysis: Analysis) -> dict[str, str]:
        """Single-word person names of the analysis that one known full name completes."""
        found = {}
        for mention in analysis.mentions:
            # The small model often tags a lone surname as an organisation.
            if mention.type in ("PERSON", "ORG") and " " not in mention.name:
                owners = self._by_last.get(mention.name, set())
                if len(owners) == 1:
                    found[mention.name] = next(iter(owners))
        return found


def rename_entities(analysis: Analysis, names: Mapping[str, str]) -> Analysis:
    """The analysis with people's names replaced wherever they appear in its records."""
    if not names:
        return analysis

    def new(name: str | None) -> str | None:
        return names.get(name, name) if name is not None else None

    return replace(
        analysis,
        mentions=tuple(replace(m, name=names[m.name], type="PERSON") if m.name in names else m
                       for m in analysis.mentions),
        roles=tuple(replace(r, name=names.get(r.name, r.name)) for r in analysis.roles),
        quotes=tuple(replace(q, speaker=new(q.speaker), via=new(q.via),
                             addressee=new(q.addressee)) for q in analysis.quotes),
        claims=tuple(replace(c, source=new(c.source), place=new(c.place))
                     for c in analysis.claims),
        events=tuple(replace(e, participants=tuple(names.get(p, p) for p in e.participants),
                             place=new(e.place)) for e in analysis.events),
    )


def _institution(span: Span) -> Span | None:
    """A nationality followed by an institution is an organisation: "Chinese embassy",
    "the Chinese foreign ministry" (the small model tags only "Chinese", as NORP)."""
    if span.label_ != "NORP":
        return None
    doc = span.doc
    for end in range(span.end + 1, min(span.end + 4, len(doc)) + 1):
        words = doc[span.end:end]
        if not all(w.is_lower and w.is_alpha for w in words):
            return None
        if words[-1].lower_ in INSTITUTIONS:
            return Span(doc, span.start, end, label="ORG")
    return None


def _organisations(spans: Sequence[Span]) -> set[str]:
    """Names the text itself calls organisations: "state news agency Xinhua" (the small
    model often tags an agency or a newspaper as a person)."""
    found = set()
    for span in spans:
        if span.label_ in ("PERSON", "ORG") and span.start > 0 \
                and span.doc[span.start - 1].lower_ in ORG_NOUNS:
            found.add(clean_name(span.text))
    return found


def _country(name: str, label: str, span: Span) -> tuple[str, str]:
    if label not in ("GPE", "LOC", "ORG", "FAC"):
        return name, label
    if name in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[name], "GPE"
    if name in CAPITALS and not _is_place(span):
        return CAPITALS[name], "GPE"
    return name, label


def _is_place(span: Span) -> bool:
    """A capital named as a place ("in Beijing", "Washington, DC"), not as an actor."""
    doc = span.doc
    i = span.start - 1
    if i >= 0 and doc[i].lower_ == "the":
        i -= 1
    if i >= 0 and doc[i].lower_ in LOCATIVE:
        return True
    after = doc[span.end:span.end + 2].text.replace(",", "").strip().upper()
    return after.startswith(("DC", "D.C"))


_STOP_BEFORE = frozenset({
    "the", "a", "an", "his", "her", "its", "their", "our", "my", "your", "and", "or", "but",
    "with", "by", "of", "for", "to", "from", "in", "on", "at", "as", "that", "who", "said",
    "says", "told", "between", "after", "before", "when", "while", "according",
})
_RELATIVES = frozenset({"who", "whom", "whose", "which", "that", "where", "when"})
_APPOSITION_END = frozenset({",", ".", ";", ":", ")", "(", "—", "–", "-", '"', "“", "”"})
_VERBISH = frozenset({
    "said", "says", "say", "is", "was", "are", "were", "has", "had", "have", "will", "would",
    "told", "tells", "did", "does", "can", "could", "should", "may", "might", "must",
})


def _title_before(span: Span, mention: Mention) -> Role | None:
    """A title right before the name: "Chinese President Xi Jinping"."""
    doc = span.doc
    i = span.start - 1
    nouns = TITLE_NOUNS if mention.type == "PERSON" else ORG_NOUNS
    if i < 0 or doc[i].lower_ not in nouns:
        return None
    first = i
    while first > 0 and span.start - first < 6:
        token = doc[first - 1]
        if not _role_word(token) or token.lower_ in _STOP_BEFORE:
            break
        first -= 1
    while first < i and not doc[first].is_alpha:
        first += 1  # a dateline's dash before the title ("(Wire) - Opposition leader X")
    return _role(doc[first:span.start], mention)


def _apposition(span: Span, mention: Mention) -> Role | None:
    """An apposition after the name: "Wang Xiaohong, China's public security minister,"."""
    doc = span.doc
    if span.end >= len(doc) or doc[span.end].text != ",":
        return None
    words: list[Token] = []
    for token in doc[span.end + 1:span.end + 12]:
        if token.text in _APPOSITION_END or "\n" in token.text_with_ws:
            if "\n" in token.text_with_ws and token.text not in _APPOSITION_END:
                words.append(token)
            break
        if token.lower_ in _VERBISH:
            return None
        words.append(token)
    else:
        return None  # no end within reach: a clause, not an apposition
    if not words:
        return None
    nouns = TITLE_NOUNS if mention.type == "PERSON" else ORG_NOUNS
    if not any(w.lower_ in nouns for w in words[:7]):
        return None
    while words and words[0].lower_ in ("a", "an", "the"):
        words = words[1:]
    if not words or words[0].lower_ in _RELATIVES:
        return None  # "X, which also leads the coalition," is a clause about X, not a title
    return _role(doc[words[0].i:words[-1].i + 1], mention)


def _role_word(token: Token) -> bool:
    return token.is_alpha or token.text in ("'s", "’s", "-") or "-" in token.text


def _role(span: Span, mention: Mention) -> Role | None:
    text = span.text.strip()
    if not text or len(text) > 80:
        return None
    return Role(name=mention.name, role=text, sentence_index=mention.sentence_index,
                start=span.start_char, end=span.start_char + len(text))


def _nearest_other_role(mention: Mention, roles: Iterable[Role]) -> Role | None:
    """The closest explicit role before the mention, in the same or the previous sentence."""
    before = [r for r in roles if r.start < mention.start and r.name != mention.name
              and mention.sentence_index - r.sentence_index <= 1]
    return max(before, key=lambda r: r.start, default=None)


def _bare_title(role: str) -> str:
    """A role without its nationality or possessive: "Chinese President" → "President"."""
    words = role.split()
    for i, word in enumerate(words[:-1]):
        if word.endswith(("'s", "’s")):
            return " ".join(words[i + 1:])
        if not word[:1].isupper() or word.lower() in TITLE_NOUNS:
            return " ".join(words[i:])
    return words[-1]


def _people(spans: Sequence[Span]) -> set[str]:
    """Names to treat as people: PERSON spans, and multi-word ORG spans whose last word
    is elsewhere tagged as a person on its own (the small model often calls a full name
    an ORG and its surname a PERSON)."""
    people = {clean_name(s.text) for s in spans if s.label_ == "PERSON"}
    surnames = {name for name in people if " " not in name}
    for span in spans:
        name = clean_name(span.text)
        if span.label_ == "ORG" and " " in name and name.split()[-1] in surnames:
            people.add(name)
    return people


def _person_names(spans: Iterable[Span], people: set[str]) -> dict[str, str]:
    """Map each part of a multi-word person name to the name, when the part is unambiguous."""
    owners: dict[str, set[str]] = {}
    for span in spans:
        name = clean_name(span.text)
        if name in people and " " in name:
            for part in name.split():
                owners.setdefault(part, set()).add(name)
    return {part: person_name(names.pop()) for part, names in owners.items() if len(names) == 1}
