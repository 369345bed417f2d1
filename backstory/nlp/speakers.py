"""Speaker naming: the entity a speaker phrase stands for, from its head word.

A name the NER found is taken as it is; "he" or "they" is the person or organisation named
or quoted just before ("he" never a person the article itself calls "she"), "a ministry
spokesman" speaks for the ministry named nearby, and "the Chinese foreign ministry" names
itself.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Token

from backstory.models import Mention
from backstory.nlp.cues import (
    BUSINESS_NOUNS,
    COLLECTIVE_DETERMINERS,
    DOCUMENT_NOUNS,
    INDEFINITE_DETERMINERS,
    ORGANISATION_NOUNS,
    PERSONAL_PRONOUNS,
    PLURAL_PRONOUNS,
    RELATIVE_PRONOUNS,
    ROLE_NOUNS,
    UNNAMED_SPEAKERS,
)

__all__ = ["SpeakerNames", "pronoun_genders"]

# How many sentences back a pronoun or a "ministry spokesman" looks for its entity.
_LOOKBACK = 5
_GENDER_OF = {"he": "m", "him": "m", "his": "m", "himself": "m",
              "she": "f", "her": "f", "hers": "f", "herself": "f"}
_GENDERED = re.compile(r"\b(?:" + "|".join(_GENDER_OF) + r")\b", re.IGNORECASE)


def pronoun_genders(text: str, sentence_ends: Sequence[int], mentions: Sequence[Mention],
                    quotations: Sequence[tuple[int, int]] = ()) -> dict[str, str]:
    """How the article itself refers to each person: "f" for Ruth Adler when "Ruth Adler ran
    the lab, and her grants kept it open" has "her" after her name, "m" for "he"/"his".
    A person is found at their mentions and wherever their surname recurs (the NER misses
    some); only the pronouns after them and before the next person or the sentence's end
    count, and no name or pronoun inside a quotation (those are the speaker's words)."""
    surnames = {m.name.split()[-1]: m.name for m in mentions
                if m.type == "PERSON" and len(m.name.split()[-1]) >= 3}
    places = {(m.start, m.end, m.name) for m in mentions if m.type == "PERSON"}
    if surnames:
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, surnames)) + r")\b")
        places |= {(hit.start(), hit.end(), surnames[hit.group()])
                   for hit in pattern.finditer(text)}
    people = sorted(place for place in places
                    if not any(a <= place[0] < b for a, b in quotations))
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for i, (start, end_of_name, name) in enumerate(people):
        at = bisect.bisect_right(sentence_ends, start)
        end = sentence_ends[at] if at < len(sentence_ends) else len(text)
        if i + 1 < len(people):
            end = min(end, people[i + 1][0])
        for match in _GENDERED.finditer(text, end_of_name, max(end, end_of_name)):
            if not any(a <= match.start() < b for a, b in quotations):
                counts[name][_GENDER_OF[match.group().lower()]] += 1
    return {name: "m" if c["m"] > c["f"] else "f" for name, c in counts.items()
            if c["m"] != c["f"]}


def _issuer(document: Token) -> Token | None:
    """Who issued a document: its possessor ("the ministry's update") or the object of
    "from", "by" or "of" after it ("a statement from the embassy")."""
    for child in document.children:
        if child.dep_ == "poss" and child.pos_ != "PRON":
            return child
    for prep in document.children:
        if prep.dep_ == "prep" and prep.lower_ in ("from", "by", "of"):
            return next((c for c in prep.children if c.dep_ == "pobj"), None)
    return None


def _definite(head: Token) -> bool:
    """ "the company", "the firm's" — not "a company" or "his company"."""
    return any(t.dep_ == "det" and t.lower_ in ("the", "this", "that") for t in head.lefts) \
        and not any(t.dep_ in ("compound", "amod", "poss") for t in head.lefts)


@dataclass(slots=True)
class SpeakerNames:
    """What an article offers to name speakers: its entities and the speakers so far."""

    mentions: list[Mention]  # in text order
    speakers: list[tuple[int, str | None]] = field(default_factory=list)
    # The article's quotations (start, end): a name inside one is a quoted speaker's
    # words, never what a "he" or "they" outside it refers to.
    quotations: Sequence[tuple[int, int]] = ()
    # How the article refers to its people ("m"/"f", from `pronoun_genders`).
    genders: dict[str, str] = field(default_factory=dict)

    def name_of(self, head: Token | None, offset: int, index: int) -> str | None:
        """The canonical name of the entity a speaker phrase stands for, if we can tell."""
        if head is None:
            return None
        at = offset + head.idx
        named = self.mention_at(at)
        if named is not None:
            return named
        for child in head.children if head.tag_ not in ("NNS", "NNPS") else ():
            # "Velmora's largest lender, Crownhall Bank", "a resident, Ana Ruiz" (not "three
            # banks, Alden and Crownhall": one of them is not all of them)
            named = self.mention_at(offset + child.idx, ("PERSON", "ORG")) \
                if child.dep_ == "appos" else None
            if named is not None:
                return named
        low = head.lower_
        if low in PERSONAL_PRONOUNS:
            return self._person(at, index, _GENDER_OF[low])
        if low in PLURAL_PRONOUNS:
            return self._recent(at, index - 1, ("ORG", "NORP"))
        if low in RELATIVE_PRONOUNS:
            verb = head.head
            return self.name_of(verb.head, offset, index) if verb.dep_ == "relcl" else None
        if low in UNNAMED_SPEAKERS or head.pos_ in ("PRON", "NUM") or head.like_num:
            return None
        if head.lemma_.lower() in ROLE_NOUNS:
            return self._organisation(head, offset, index)
        if head.lemma_.lower() in DOCUMENT_NOUNS:
            # "the ministry's update said …", "a statement from the embassy said …": the
            # document speaks for whoever issued it.
            issuer = _issuer(head)
            if issuer is not None:
                return self.name_of(issuer, offset, index)
            before = head.doc[head.i - 1] if head.i > 0 else None
            if before is not None and before.dep_ == "compound":  # "the Ministry statement"
                named = self.mention_at(offset + before.idx, ("ORG", "GPE"))
                if named is not None:
                    return named
        if low in ORGANISATION_NOUNS and _definite(head):
            # "The ministry said …": the organisation just named with that word in its name;
            # "the company": the business just named, whatever its name.
            own = self._recent(at, index - _LOOKBACK, ("ORG",),
                               lambda name: low in name.lower().split())
            if own is not None or low not in BUSINESS_NOUNS:
                return own
            return self._recent(at, index - _LOOKBACK, ("ORG",))
        return self._nominal(head)

    def mention_at(self, at: int, types: tuple[str, ...] | None = None) -> str | None:
        """The name of the entity mentioned at character `at` (of one of `types`), if one is."""
        for mention in self.mentions:
            if mention.start <= at < mention.end and (types is None or mention.type in types):
                return mention.name
        return None

    def remember(self, index: int, name: str | None) -> None:
        """Note who spoke in sentence `index`, for the pronouns and roles that follow."""
        self.speakers.append((index, name))

    def _organisation(self, head: Token, offset: int, index: int) -> str | None:
        """ "a ministry spokesman" speaks for the ministry named nearby, if one is."""
        keys: set[str] = set()
        for child in head.children:
            if child.dep_ in ("compound", "amod") and not child.is_stop:
                keys.add(child.lower_)
            elif child.dep_ == "prep" and child.lower_ in ("for", "of", "at", "from"):
                for obj in child.children:
                    named = self.mention_at(offset + obj.idx) if obj.dep_ == "pobj" else None
                    if named is not None:
                        return named
                    keys |= {t.lower_ for t in obj.subtree if not t.is_stop and t.is_alpha}
        if not keys:
            return None
        at = offset + head.idx
        earlier = [(m.sentence_index, m.start, m.name) for m in self.mentions
                   if m.start < at and m.type in ("ORG", "GPE", "NORP")]
        earlier += [(i, -1, name) for i, name in self.speakers if name is not None]
        for sentence, _, name in sorted(earlier, reverse=True):
            if sentence >= index - _LOOKBACK and keys & set(name.lower().split()):
                return name
        return None

    def _nominal(self, head: Token) -> str | None:
        """ "the Chinese foreign ministry" names itself; "a man" or "his aide" does not."""
        left = [t for t in head.lefts if t.dep_ in ("det", "predet", "compound", "amod",
                                                     "nummod", "poss")]
        if any(t.dep_ == "poss" and t.pos_ == "PRON" for t in left):
            return None
        if any(t.dep_ == "det" and t.lower_ in INDEFINITE_DETERMINERS for t in left):
            return None
        if not any(t.lower_ in COLLECTIVE_DETERMINERS
                   or (t.text[:1].isupper() and t.lower_ != "the") for t in left):
            return None  # "the singer" (or "The singer"): a description, not a name
        words = [t.text for t in left if t.lower_ != "the"] + [head.text]
        return " ".join(words)

    def _person(self, at: int, index: int, gender: str) -> str | None:
        """ "he"/"she": a person named earlier in the sentence, else the latest person quoted,
        else the latest person named; never one the article refers to otherwise."""
        def agrees(name: str) -> bool:
            return self.genders.get(name, gender) == gender

        same = self._recent(at, index, ("PERSON",), agrees)
        if same is not None:
            return same
        people = {m.name for m in self.mentions if m.type == "PERSON"}
        for sentence, name in reversed(self.speakers):
            if sentence >= index - _LOOKBACK and name in people and agrees(name):
                return name
        return self._recent(at, index - _LOOKBACK, ("PERSON",), agrees)

    def _recent(self, at: int, since: int, types: tuple[str, ...],
                agrees: Callable[[str], bool] = lambda name: True) -> str | None:
        for mention in reversed(self.mentions):
            if mention.start < at and mention.type in types and mention.sentence_index >= since \
                    and not self._quoted(mention, at) and agrees(mention.name):
                return mention.name
        return None

    def _quoted(self, mention: Mention, at: int) -> bool:
        """Whether a mention sits inside a quotation that `at` is outside of."""
        return any(start <= mention.start < end and not start <= at < end
                   for start, end in self.quotations)
