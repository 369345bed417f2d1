"""Who the speakers of a story are, and which side each speaks for.

A shipped, editable table (`sources.csv`) says what well-known outlets and bodies are and
where they are from; the text fills gaps: a country speaks as its government, "Chinese
embassy" is China's, a person is placed by their role ("China's public security
minister"). Speakers of one country form a side; what cannot be placed is shown as
unknown rather than guessed.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources

from backstory.models import Analysis, ArticleMeta, Citation, Quote, Side, SourceInfo
from backstory.nlp.gazetteer import CAPITALS, COUNTRY_ALIASES, INSTITUTIONS, NATIONALITIES
from backstory.stories.timeline import citation_of

__all__ = ["SourceTable", "build_sides"]

UNKNOWN = "unknown"
_WORD = re.compile(r"[\w.']+")
_MEDIA_WORDS = {"agency", "media", "broadcaster", "television", "newspaper", "tv", "radio"}
_GOVERNMENT_TITLES = {"minister", "secretary", "president", "ambassador", "spokesman",
                      "spokeswoman", "spokesperson", "premier", "chancellor", "envoy",
                      "diplomat", "official", "governor", "senator", "mayor"}


class SourceTable:
    """The shipped table of sources, looked up by name or alias (case-insensitive)."""

    def __init__(self, rows: Iterable[Mapping[str, str]]) -> None:
        self._by_name: dict[str, SourceInfo] = {}
        for row in rows:
            info = SourceInfo(name=row["name"], kind=row["kind"], country=row["country"] or None)
            for alias in [row["name"], *filter(None, (row.get("aliases") or "").split("|"))]:
                self._by_name[alias.strip().casefold()] = info

    @classmethod
    @functools.cache
    def shipped(cls) -> SourceTable:
        text = (resources.files("backstory.stories") / "sources.csv").read_text("utf-8")
        lines = [line for line in text.splitlines() if line and not line.startswith("#")]
        return cls(csv.DictReader(lines))

    def get(self, name: str) -> SourceInfo | None:
        return self._by_name.get(name.strip().casefold())

    def within(self, text: str) -> SourceInfo | None:
        """A known source named inside a longer phrase ("Homeland Security Secretary")."""
        folded = f" {text.casefold()} "
        found = [(len(alias), info) for alias, info in self._by_name.items()
                 if len(alias) > 3 and f" {alias} " in folded]
        return max(found, key=lambda f: f[0])[1] if found else None

    def classify(self, name: str, *, entity_type: str | None = None,
                 role: str | None = None) -> SourceInfo:
        """What a source is: from the table, else from its name, type or role."""
        known = self.get(name)
        if known is not None:
            return known
        country = _country_in(name)
        if entity_type == "GPE" and country:
            return SourceInfo(name, "government", country)
        words = {w.casefold() for w in _WORD.findall(name)}
        if country and "state" in words and words & _MEDIA_WORDS:
            return SourceInfo(name, "state media", country)
        if country and words & INSTITUTIONS:
            return SourceInfo(name, "government", country)
        if role:
            by_role = self.within(role)
            role_words = {w.casefold() for w in _WORD.findall(role)}
            country = by_role.country if by_role and by_role.country else _country_in(role)
            if country:
                kind = "government" if role_words & _GOVERNMENT_TITLES or (
                    by_role is not None and by_role.kind == "government") else "person"
                return SourceInfo(name, kind, country)
        return SourceInfo(name, "person" if entity_type == "PERSON" else UNKNOWN, country)


def build_sides(analyses: Mapping[str, Analysis], articles: Sequence[ArticleMeta],
                table: SourceTable | None = None) -> tuple[list[Side], dict[str, SourceInfo]]:
    """The story's speakers grouped by the country they speak for, each side with its
    quotes; and every outlet and speaker classified."""
    table = table or SourceTable.shipped()
    metas = {a.id: a for a in articles}
    types: dict[str, str] = {}
    roles: dict[str, str] = {}
    for analysis in analyses.values():
        for mention in analysis.mentions:
            types.setdefault(mention.name, mention.type)
        for role in analysis.roles:
            roles.setdefault(role.name, role.role)
    known: dict[str, SourceInfo] = {}
    said: dict[str, list[tuple[Quote, Citation]]] = {}
    for article_id, analysis in analyses.items():
        meta = metas.get(article_id)
        if meta is None:
            continue
        if meta.outlet:
            known.setdefault(meta.outlet, table.classify(meta.outlet))
        for quote in analysis.quotes:
            speaker = quote.speaker
            if not speaker:
                continue
            info = known.setdefault(speaker, table.classify(
                speaker, entity_type=types.get(speaker), role=roles.get(speaker)))
            if quote.via:
                known.setdefault(quote.via, table.classify(quote.via,
                                                           entity_type=types.get(quote.via)))
            side = info.country or UNKNOWN
            said.setdefault(side, []).append(
                (quote, citation_of(analysis, quote.sentence_index, meta)))
    sides = []
    for side, quotes in sorted(said.items(), key=lambda s: (s[0] == UNKNOWN, -len(s[1]))):
        members = {q.speaker: known[q.speaker] for q, _ in quotes if q.speaker}
        sides.append(Side(name=side, members=tuple(members.values()), quotes=tuple(quotes)))
    return sides, known


def _country_in(text: str) -> str | None:
    """The country a phrase names: "China's …", "Chinese …", "US …", or a country."""
    cleaned = re.sub(r"['’]s\b", "", text)
    for pattern in _COUNTRY_PATTERNS:
        found = pattern.search(cleaned)
        if found:
            return _COUNTRY_OF[found.group(0)]
    return None


def _alternation(phrases: Iterable[str], *, before: str, after: str) -> re.Pattern[str]:
    """One pattern for many phrases, longest first, so the longest match wins."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return re.compile(before + "(?:" + "|".join(map(re.escape, ordered)) + ")" + after)


# Nationalities first ("Chinese"), then country and capital names, then aliases ("US").
_COUNTRY_OF = {**COUNTRY_ALIASES,
               **{c: c for c in (*COUNTRY_ALIASES.values(), *CAPITALS.values())},
               **NATIONALITIES}
_COUNTRY_PATTERNS = (
    _alternation(NATIONALITIES, before=r"(?<![\w.])", after=r"(?![\w])"),
    _alternation((*COUNTRY_ALIASES.values(), *CAPITALS.values()), before=r"\b", after=r"\b"),
    _alternation(COUNTRY_ALIASES, before=r"(?<![\w.])", after=r"(?![\w])"),
)
