"""Rows of the analysis records (roles, quotes, claims, time expressions, events).

Plain SQLAlchemy Core over one connection, so any backend's store writes and reads them the
same way. Records are written and deleted with their article, inside its transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from backstory.models import Analysis, Claim, Event, Quote, Role, Sentence, TimeExpr
from backstory.store import schema as t

__all__ = ["AnalysisRecords", "delete_records", "insert_records", "read_records"]

AnalysisRecords = tuple[tuple[Role, ...], tuple[Quote, ...], tuple[Claim, ...],
                        tuple[TimeExpr, ...], tuple[Event, ...]]


def insert_records(conn: Connection, analyses: Sequence[tuple[str, Analysis]]) -> None:
    """Store the roles, quotes, claims, time expressions and events of articles (article
    id, analysis), one statement per table."""
    rows: dict[sa.Table, list[dict[str, Any]]] = {
        t.roles: [], t.quotes: [], t.claims: [], t.time_exprs: [], t.events: []}
    for article_id, analysis in analyses:
        sentence_id = [s.id for s in analysis.sentences]
        rows[t.roles] += [
            {"article_id": article_id, "sentence_id": sentence_id[r.sentence_index],
             "name": r.name, "role": r.role, "start": r.start, "end": r.end}
            for r in analysis.roles]
        rows[t.quotes] += [
            {"article_id": article_id, "sentence_id": sentence_id[q.sentence_index],
             "speaker": q.speaker, "speaker_text": q.speaker_text,
             "speaker_start": q.speaker_start, "speaker_end": q.speaker_end,
             "via": q.via, "addressee": q.addressee, "cue": q.cue,
             "cue_start": q.cue_start, "cue_end": q.cue_end, "content": q.content,
             "start": q.start, "end": q.end, "direct": q.direct}
            for q in analysis.quotes]
        rows[t.claims] += [
            {"article_id": article_id, "sentence_id": sentence_id[c.sentence_index],
             "value_number": c.value if not isinstance(c.value, str) else None,
             "value_text": c.value if isinstance(c.value, str) else None,
             "qualifier": c.qualifier, "unit": c.unit, "per": c.per,
             "object": c.object, "predicate": c.predicate, "place": c.place,
             "time": c.time, "source": c.source, "text": c.text, "start": c.start,
             "end": c.end}
            for c in analysis.claims]
        rows[t.time_exprs] += [
            {"article_id": article_id, "sentence_id": sentence_id[x.sentence_index],
             "text": x.text, "start": x.start, "end": x.end, "value": x.value,
             "precision": x.precision}
            for x in analysis.times]
        rows[t.events] += [
            {"article_id": article_id, "sentence_id": sentence_id[e.sentence_index],
             "type": e.type, "participants": json.dumps(list(e.participants)),
             "place": e.place, "time": e.time, "precision": e.precision,
             "trigger": e.trigger, "start": e.start, "end": e.end, "topic": e.topic}
            for e in analysis.events]
    for table, values in rows.items():
        if values:
            conn.execute(table.insert(), values)


def delete_records(conn: Connection, article_id: str) -> None:
    for table in t.ANALYSIS_TABLES:
        conn.execute(table.delete().where(table.c.article_id == article_id))


def read_records(conn: Connection, sentences: Mapping[str, Sequence[Sentence]]
                 ) -> dict[str, AnalysisRecords]:
    """The records of several articles (keyed by id, each with its own sentences), in
    text order: one query per kind of record, whatever the number of articles."""
    index = {s.id: s.index for article in sentences.values() for s in article}
    ids = list(sentences)

    def rows(table: sa.Table) -> dict[str, list[Any]]:
        grouped: dict[str, list[Any]] = {article_id: [] for article_id in ids}
        query = sa.select(table).where(table.c.article_id.in_(ids)).order_by(table.c.start)
        for row in conn.execute(query):
            grouped[row.article_id].append(row)
        return grouped

    roles, quotes, claims, times, events = (rows(t.roles), rows(t.quotes), rows(t.claims),
                                            rows(t.time_exprs), rows(t.events))
    return {article_id: (
        tuple(Role(name=r.name, role=r.role, sentence_index=index[r.sentence_id],
                   start=r.start, end=r.end) for r in roles[article_id]),
        tuple(Quote(
            sentence_index=index[r.sentence_id], speaker=r.speaker,
            speaker_text=r.speaker_text, speaker_start=r.speaker_start,
            speaker_end=r.speaker_end, cue=r.cue, cue_start=r.cue_start, cue_end=r.cue_end,
            content=r.content, start=r.start, end=r.end, direct=bool(r.direct), via=r.via,
            addressee=r.addressee) for r in quotes[article_id]),
        tuple(Claim(
            sentence_index=index[r.sentence_id],
            value=r.value_text if r.value_text is not None else r.value_number,
            qualifier=r.qualifier, unit=r.unit, per=r.per, object=r.object,
            predicate=r.predicate, place=r.place, time=r.time, source=r.source, text=r.text,
            start=r.start, end=r.end) for r in claims[article_id]),
        tuple(TimeExpr(sentence_index=index[r.sentence_id], text=r.text, start=r.start,
                       end=r.end, value=r.value, precision=r.precision)
              for r in times[article_id]),
        tuple(Event(
            type=r.type, participants=tuple(json.loads(r.participants)), place=r.place,
            time=r.time, precision=r.precision, sentence_index=index[r.sentence_id],
            trigger=r.trigger, start=r.start, end=r.end, topic=r.topic)
            for r in events[article_id]),
    ) for article_id in ids}
