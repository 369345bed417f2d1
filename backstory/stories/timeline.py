"""A story's timeline: its articles' events in date order, one entry per real event.

The same meeting reported by five outlets is one entry with five citations: events merge
when they have the same type, dates that agree at the coarser precision, and a shared
participant or place (or neither side names any).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from backstory.models import Analysis, ArticleMeta, Citation, Event, TimelineEntry

__all__ = ["build_timeline", "citation_of"]

_WORD = re.compile(r"\w+")


@dataclass
class _Merged:
    type: str
    time: str | None
    precision: str | None
    participants: list[str]
    place: str | None
    topic: str | None
    citations: list[Citation] = field(default_factory=list)

    def accepts(self, event: Event) -> bool:
        return self.compatible(event.type, event.time, [*event.participants, event.place])

    def compatible(self, type_: str, time: str | None, names: list[str | None]) -> bool:
        """Same type, agreeing dates, and a shared name among participants and place
        (or no names on either side)."""
        if type_ != self.type or not _same_time(self.time, time):
            return False
        mine = [n for n in (*self.participants, self.place) if n]
        theirs = [n for n in names if n]
        if not mine and not theirs:
            return True
        return any(_same_name(a, b) for a in mine for b in theirs)

    def add(self, event: Event, citation: Citation) -> None:
        self.absorb(event.time, event.precision, event.participants, event.place,
                    event.topic, [citation])

    def absorb(self, time: str | None, precision: str | None, participants: Sequence[str],
               place: str | None, topic: str | None, citations: Sequence[Citation]) -> None:
        # The finer date wins ("2024-02-18" over "2024-02"); names and place accumulate.
        if time and (not self.time or len(time) > len(self.time)):
            self.time, self.precision = time, precision
        self.participants += [p for p in participants
                              if not any(_same_name(p, q) for q in self.participants)]
        self.place = self.place or place
        self.topic = self.topic or topic
        self.citations += [c for c in citations if c not in self.citations]


def build_timeline(analyses: Mapping[str, Analysis], articles: Sequence[ArticleMeta]
                   ) -> list[TimelineEntry]:
    """The events of a story's articles, merged and in date order (undated ones last)."""
    merged: list[_Merged] = []
    for meta in sorted(articles, key=lambda a: (a.published_at or "", a.id)):
        analysis = analyses.get(meta.id)
        if analysis is None:
            continue
        for event in analysis.events:
            citation = citation_of(analysis, event.sentence_index, meta)
            target = next((m for m in merged if m.accepts(event)), None)
            if target is None:
                target = _Merged(event.type, event.time, event.precision,
                                 list(event.participants), event.place, event.topic)
                merged.append(target)
            target.add(event, citation)
    # An event with neither participants nor place ("the meeting") says nothing on its own.
    merged = [m for m in _merge_compatible(merged) if m.participants or m.place]
    merged.sort(key=lambda m: (m.time is None, m.time or "", -len(m.citations)))
    return [TimelineEntry(type=m.type, time=m.time, precision=m.precision,
                          participants=tuple(m.participants), place=m.place, topic=m.topic,
                          citations=tuple(m.citations)) for m in merged]


def _merge_compatible(entries: list[_Merged]) -> list[_Merged]:
    """Merge entries that turned out to be one event once both had gathered their names
    and dates (the first report may name fewer participants than a later one)."""
    result: list[_Merged] = []
    for entry in sorted(entries, key=lambda m: -len(m.citations)):
        target = next((r for r in result if r.compatible(
            entry.type, entry.time, [*entry.participants, entry.place])), None)
        if target is None:
            result.append(entry)
            continue
        target.absorb(entry.time, entry.precision, entry.participants, entry.place,
                      entry.topic, entry.citations)
    return result


def _same_name(a: str, b: str) -> bool:
    """"Alejandro Mayorkas" and "Homeland Security Alejandro Mayorkas" name one person."""
    x, y = set(_WORD.findall(a.casefold())), set(_WORD.findall(b.casefold()))
    return bool(x) and bool(y) and (x <= y or y <= x)


def citation_of(analysis: Analysis, sentence_index: int, meta: ArticleMeta) -> Citation:
    return Citation.of(analysis.sentences[sentence_index], meta)


def _same_time(a: str | None, b: str | None) -> bool:
    """Dates agree when one is a prefix of the other ("2024-02" and "2024-02-18"), or
    when either is unknown."""
    if not a or not b:
        return True
    if not a[:1].isdigit() or not b[:1].isdigit():
        return a == b
    return a.startswith(b) or b.startswith(a)
