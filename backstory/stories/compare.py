"""How the accounts of a story differ: who claims which figures, where figures for the
same thing conflict, and what one account leaves out.

Omissions come from what the articles themselves state ("… were not mentioned in the
Department of Homeland Security's readout"), each with the sentence that says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from backstory.models import (
    Analysis,
    ArticleMeta,
    Claim,
    Comparison,
    Conflict,
    Omission,
    SourcedClaim,
)
from backstory.stories.timeline import citation_of

__all__ = ["compare_accounts"]

_WORD = re.compile(r"\w+")
_OBJECT_STOP = {"the", "a", "an", "of", "those", "these", "some", "their", "its", "his",
                "her", "them", "other", "more", "than"}
# "X were not mentioned in Y's readout", "Y's statement made no mention of X", "Y omitted X".
_ACCOUNT = (r"(?:readout|statement|account|summary|transcript|report|release|version|remarks"
            r"|briefing|communiqu[eé])")
_NOT_MENTIONED = re.compile(
    rf"^(?P<what>.+?)\s+(?:were|was|are|is|had been|have been)\s+(?:not|never)\s+"
    rf"(?:mentioned|included|addressed|reflected|noted)\s+in\s+(?P<where>[^,.;]*?{_ACCOUNT})",
    re.IGNORECASE)
_MADE_NO_MENTION = re.compile(
    rf"(?P<where>[^,.;]*?{_ACCOUNT})\s+(?:made no mention of|did not mention|didn't mention"
    rf"|omitted|left out)\s+(?P<what>[^,.;]+)", re.IGNORECASE)


def compare_accounts(analyses: Mapping[str, Analysis], articles: Sequence[ArticleMeta]
                     ) -> Comparison:
    metas = {a.id: a for a in articles}
    by_source: dict[str, list[SourcedClaim]] = {}
    omissions: list[Omission] = []
    for article_id, analysis in sorted(analyses.items()):
        meta = metas.get(article_id)
        if meta is None:
            continue
        for claim in analysis.claims:
            source = claim.source or meta.outlet or "unknown"
            by_source.setdefault(source, []).append(
                SourcedClaim(claim, citation_of(analysis, claim.sentence_index, meta)))
        for sentence in analysis.sentences:
            omission = _omission(sentence.text)
            if omission is not None:
                what, where = omission
                omissions.append(Omission(statement=what, absent_from=where, citations=(
                    citation_of(analysis, sentence.index, meta),)))
    return Comparison(
        claims_by_source=tuple((s, tuple(c)) for s, c in sorted(by_source.items())),
        conflicts=tuple(_conflicts([c for claims in by_source.values() for c in claims])),
        omissions=tuple(_unique(omissions)),
    )


# Both patterns need one of these words; most sentences have none and skip the patterns.
_NEGATION = re.compile(r"\b(?:not|never|no|didn't|omitted|left out)\b", re.IGNORECASE)


def _omission(text: str) -> tuple[str, str] | None:
    if not _NEGATION.search(text):
        return None
    match = _NOT_MENTIONED.search(text) or _MADE_NO_MENTION.search(text)
    if match is None:
        return None
    where = re.sub(r"^(?:the|a|an)\s+", "", match["where"].strip(), flags=re.IGNORECASE)
    return match["what"].strip(), where


def _conflicts(claims: Sequence[SourcedClaim]) -> list[Conflict]:
    """Figures for the same counted thing, said of the same (predicate), that differ
    between sources or outlets ("six workers presumed dead" vs "two workers rescued" are
    different things; "about 8.5 million" vs "almost 8.5 million" is one figure)."""
    groups: list[list[SourcedClaim]] = []
    for item in claims:
        key = _thing(item.claim)
        if not key:
            continue
        group = next((g for g in groups if _thing(g[0].claim) == key
                      and _same_predicate(g[0].claim, item.claim)), None)
        if group is None:
            groups.append([item])
        else:
            group.append(item)
    conflicts = []
    for items in groups:
        values = {_value_key(i.claim) for i in items}
        sources = {i.claim.source or i.citation.outlet for i in items}
        if len(values) > 1 and len(sources) > 1 and _comparable(items):
            name = max((i.claim.object or "" for i in items), key=len)
            conflicts.append(Conflict(object=name, figures=tuple(items)))
    return conflicts


def _comparable(items: Sequence[SourcedClaim]) -> bool:
    """Numbers an order of magnitude apart are rarely two counts of one thing."""
    numbers = [float(i.claim.value) for i in items if not isinstance(i.claim.value, str)]
    return len(numbers) < 2 or (min(numbers) > 0 and max(numbers) / min(numbers) < 10)


def _same_predicate(a: Claim, b: Claim) -> bool:
    x, y = _content(a.predicate or ""), _content(b.predicate or "")
    return bool(x) and bool(y) and len(x & y) / len(x | y) >= 0.3


def _content(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if w not in _OBJECT_STOP and len(w) > 2}


def _thing(claim: Claim) -> frozenset[str]:
    words = [w for w in _WORD.findall((claim.object or "").casefold()) if w not in _OBJECT_STOP]
    unit = (claim.unit or "").casefold()
    return frozenset([*words, unit] if unit else words)


def _value_key(claim: Claim) -> str:
    """The figure without its qualifier: "about 8.5 million" and "almost 8.5 million" agree."""
    return f"{claim.value} {claim.unit or ''}".strip()


def _unique(omissions: list[Omission]) -> list[Omission]:
    seen: dict[tuple[str, str], Omission] = {}
    for item in omissions:
        key = (item.statement.casefold(), item.absent_from.casefold())
        if key in seen:
            merged = seen[key]
            seen[key] = Omission(merged.statement, merged.absent_from,
                                 merged.citations + item.citations)
        else:
            seen[key] = item
    return list(seen.values())
