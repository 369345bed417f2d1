"""Kill-safety of ingest: SIGKILL a real `backstory ingest` again and again, then finish.

`Desk.ingest` promises that a run killed at any point leaves only whole articles and that
a re-run skips what is already stored. This test holds it to that end to end, with the
real CLI in subprocesses (and spaCy's worker processes, since the corpus is long enough):

It runs on each backend (an SQLite file, a PostgreSQL database).

1. a reference run ingests the corpus uninterrupted into the reference store;
2. the same command is started again and again into a second store and killed (SIGKILL to the
   whole process group) after a random delay, from its start or from its first commit;
   after each kill the database must hold no partial article;
3. a last run completes, and that store must then hold exactly what the reference holds, compared
   by content (timestamps and autoincrement keys ignored).

The corpus is written here, from a seeded random generator: ~150 short articles from four
outlets, with exact and near copies of earlier lines and, for one outlet, a recurring
newsletter paragraph that Backstory learns as boilerplate during the run.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from backstory.config import Settings
from backstory.store.postgres import postgres_url
from tests.conftest import Databases

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240611
ARTICLES = 144  # originals; the copies below bring the file to 150 lines
KILLS = 12
WRITE_BATCH = 4  # articles per transaction in these runs (the default is 64)
LEARN_LOOKAHEAD = 16  # articles held back to learn boilerplate from (the default is 256)
MIN_WAIT = 0.3
# Backstory calls a text a near copy from 0.5 shingle containment; originals stay well below.
MAX_CHANCE_OVERLAP = 0.25
RUN_TIMEOUT = 120.0

Row = tuple[Any, ...]
Snapshot = dict[str, list[Row]]

# -- the corpus -------------------------------------------------------------------------------

OUTLETS = ("Harbour Post", "Northgate Wire", "Valley Courier", "Meridian Daily")
PROMO_OUTLET = "Harbour Post"
# Scores below Backstory's rule-based promo threshold (so it survives reading) but is
# learnable once it recurs: it names a newsletter and sits at the end of the article.
PROMO = ("The Harbour Post Morning Brief newsletter lands every weekday at {hour} with "
         "the stories that matter in the region.")
FIRST = ("Amara", "Bjorn", "Carmen", "Dmitri", "Elena", "Farid", "Greta", "Hiroshi", "Ines",
         "Jonas", "Keiko", "Lars", "Mariam", "Nikolai", "Olga", "Pedro", "Quentin", "Rania",
         "Sven", "Tamsin", "Ulrich", "Vera", "Wendell", "Ximena", "Yusuf", "Zofia", "Anil",
         "Beatriz", "Cormac", "Delphine")
LAST = ("Okafor", "Lindqvist", "Ruiz", "Volkov", "Marchetti", "Haddad", "Schulz", "Tanaka",
        "Ferreira", "Brandt", "Nakamura", "Eriksen", "Aziz", "Petrov", "Kowalski", "Almeida",
        "Dubois", "Mansour", "Holm", "Pryce", "Weber", "Novak", "Ashby", "Castillo", "Demir",
        "Wojcik", "Rao", "Santos", "Byrne", "Laurent")
PLACES = ("Ostrava", "Bergen", "Valencia", "Tampere", "Porto", "Graz", "Leipzig", "Aarhus",
          "Bilbao", "Gdansk", "Malmo", "Turin", "Lyon", "Utrecht", "Cork", "Brno", "Split",
          "Kaunas", "Salzburg", "Seville", "Tartu", "Bologna", "Ghent", "Plovdiv", "Debrecen")
ORGS = ("the Baltic Rail Authority", "Norland Energy", "the Coastal Fisheries Board",
        "Vantor Pharmaceuticals", "the Regional Water Company", "Helix Motors",
        "the Port Workers Union", "Granite Bank", "the Alpine Tourism Council",
        "Orbis Telecom", "the Northern Teachers Federation", "Solvay Steelworks",
        "the Riverside Hospital Trust", "Kestrel Airlines", "the Metro Transit Agency",
        "Larkspur Foods", "the Housing Cooperative League", "Cobalt Mining Group")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
THINGS = ("a new tram line", "the harbour expansion", "a wind farm", "the hospital wing",
          "a ring road", "the water treatment plant", "a freight terminal",
          "the stadium renovation", "a desalination plant", "the river bridge",
          "a school building programme", "the airport runway", "a district heating network",
          "the ferry service", "a data centre", "the flood barrier")
SENTENCES = (
    "{person} of {org} said on {day} that {thing} in {place} would cost {n} million euros.",
    "Officials in {place} confirmed that {n} households were affected by the outage.",
    "{person}, who has led {org} since {year}, called the decision premature.",
    "The council in {place} voted {n} to {m} to delay {thing} until {year}.",
    "According to {org}, about {n} workers could lose their jobs by {month}.",
    "{person} told reporters in {place} that talks with {org} had stalled.",
    "Police in {place} said {n} people were questioned after the protest on {day}.",
    "The plan for {thing} drew {n} written objections from residents of {place}.",
    "{org} reported a quarterly loss of {n} million euros, its worst since {year}.",
    "Engineers warned that {thing} near {place} was {n} percent over budget.",
    "{person} resigned from the board of {org} on {day}, citing personal reasons.",
    "A spokesperson for {org} declined to comment on the figures from {place}.",
    "Residents of {place} queued for {n} hours to speak at the hearing about {thing}.",
    "{person} said the {n} million euro grant for {thing} came with strict conditions.",
    "Shares in {org} fell {n} percent in early trading after the announcement.",
    "Inspectors found {n} safety breaches at the site in {place} last {month}.",
    "The mayor of {place}, {person}, promised a public inquiry into {thing}.",
    "Unions at {org} called a {n}-day strike starting next {day}.",
    "Local businesses in {place} estimated losses of {n} thousand euros a week.",
    "{person} argued that {thing} would bring {n} new jobs to {place} within {m} years.",
    "Weather forecasters expect {n} millimetres of rain over {place} by {day}.",
    "A court in {place} ordered {org} to pay {n} thousand euros in damages.",
    "{person}, a historian in {place}, said the dispute echoed a quarrel from {year}.",
    "Ticket sales for {thing} reached {n} in the first week, {org} said.",
    "The regional government pledged {n} million euros to repair {thing} in {place}.",
    "Critics including {person} said {org} had ignored warnings since {year}.",
    "Traffic in central {place} was diverted for {n} days while crews worked on {thing}.",
    "{org} hired {person} as chief executive after a search lasting {n} months.",
    "Doctors at a clinic in {place} treated {n} patients for smoke inhalation.",
    "The auditor's report on {org} ran to {n} pages and named {person} twice.",
    "Volunteers in {place} collected {n} bags of litter along the route of {thing}.",
    "{person} accused {org} of hiding the true cost of {thing}.",
    "Rents in {place} have climbed {n} percent since {year}, a survey by {org} found.",
    "Fishermen from {place} blocked the quay for {n} hours on {day}.",
    "{org} will publish its review of {thing} in {month}, {person} said.",
    "Opposition leader {person} demanded that the minister explain the {n} million euro gap.",
    "A petition against {thing} gathered {n} signatures in {place} within a week.",
    "Bus drivers in {place} walked out after {org} cut {n} routes.",
    "The last comparable project, in {year}, took {m} years and cost {n} million euros.",
    "{person}, aged {m}, was elected chair of {org} by a margin of {n} votes.",
    "Schools in {place} closed early on {day} as {n} centimetres of snow fell.",
    "An internal memo seen by reporters shows {org} knew of the fault in {month}.",
    "Farmers near {place} say {thing} will take {n} hectares of grazing land.",
    "Prosecutors in {place} opened an inquiry into payments of {n} thousand euros.",
    "{person} chaired a {m}-hour meeting in {place} that ended without agreement.",
)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
TITLE_WORDS = ("Row over", "Questions about", "Delay hits", "Vote on", "Costs rise for",
               "Inquiry into", "Protest over", "Funding for", "Strike threat over")


def _sentence(rng: random.Random, template: str) -> str:
    return template.format(
        person=f"{rng.choice(FIRST)} {rng.choice(LAST)}", org=rng.choice(ORGS),
        place=rng.choice(PLACES), day=rng.choice(DAYS), thing=rng.choice(THINGS),
        n=rng.randint(2, 950), m=rng.randint(2, 40), year=rng.randint(1978, 2022),
        month=rng.choice(MONTHS),
    )


def _article(rng: random.Random) -> list[str]:
    """Two or three paragraphs of two to four sentences, no template used twice.

    Single-sentence paragraphs are avoided: from one template they would recur often
    enough in an outlet, shape for shape, to be learned as boilerplate themselves.
    """
    templates = rng.sample(SENTENCES, rng.randint(5, 7))
    count = rng.choice((2, 3)) if len(templates) >= 6 else 2
    while True:
        cuts = sorted(rng.sample(range(2, len(templates) - 1), count - 1))
        bounds = [0, *cuts, len(templates)]
        if all(b - a >= 2 for a, b in itertools.pairwise(bounds)):
            break
    return [" ".join(_sentence(rng, t) for t in templates[a:b])
            for a, b in itertools.pairwise(bounds)]


def _shingles(text: str) -> set[str]:
    words = re.findall(r"\w+", text.casefold())
    return {" ".join(words[i:i + 3]) for i in range(len(words) - 2)}


def _containment(a: set[str], b: set[str]) -> float:
    """As Backstory's near-copy check measures it: shared shingles over the smaller set."""
    return len(a & b) / max(min(len(a), len(b)), 1)


def write_corpus(path: Path) -> int:
    """Write the corpus as JSONL; return the number of lines."""
    rng = random.Random(SEED)
    records: list[dict[str, str]] = []
    seen: list[set[str]] = []
    promos = 0
    for number in range(ARTICLES):
        outlet = OUTLETS[number % len(OUTLETS)]
        promo = outlet == PROMO_OUTLET and number % 8 == 0  # 18 of its 36 articles
        while True:  # no article may be a near copy of an earlier one by chance
            paragraphs = _article(rng)
            if promo:
                paragraphs.append(PROMO.format(hour=f"{rng.randint(5, 8)}am"))
            shingles = _shingles("\n".join(paragraphs))
            if all(_containment(shingles, other) < MAX_CHANCE_OVERLAP for other in seen):
                break
        seen.append(shingles)
        promos += promo
        slug = f"{number:03d}-{rng.randint(1000, 9999)}"
        records.append({
            "text": "\n".join(paragraphs),
            "title": f"{rng.choice(TITLE_WORDS)} {rng.choice(THINGS)} in {rng.choice(PLACES)}",
            "outlet": outlet,
            "published_at": f"2024-{3 + number // 48:02d}-{1 + (number * 7) % 28:02d}",
            "url": f"https://example.org/{outlet.lower().replace(' ', '-')}/{slug}",
        })
    assert promos >= 5
    copies: list[tuple[int, dict[str, str]]] = []  # (line to put it after, record)
    # Exact copies: the same text republished by another outlet, later in the file.
    for source, after in ((5, 30), (41, 90), (97, 130)):
        original = records[source]
        outlet = next(o for o in OUTLETS if o != original["outlet"])
        copies.append((after, {**original, "outlet": outlet,
                               "url": f"https://example.org/syndicated/{source}"}))
    # Near copies: the same text with one sentence rewritten.
    for source, after in ((12, 20), (66, 100), (120, 140)):
        original = records[source]
        paragraphs = original["text"].split("\n")
        sentences = paragraphs[0].split(". ")
        rewritten = _sentence(rng, rng.choice(SENTENCES))
        sentences[0] = rewritten if len(sentences) == 1 else rewritten.removesuffix(".")
        paragraphs[0] = ". ".join(sentences)
        copies.append((after, {**original, "text": "\n".join(paragraphs),
                               "url": f"https://example.org/updated/{source}"}))
    for after, record in sorted(copies, key=lambda c: c[0], reverse=True):
        records.insert(after + 1, record)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return len(records)


# -- running the CLI --------------------------------------------------------------------------


def _command(db: str, corpus: Path) -> list[str]:
    return [sys.executable, "-m", "backstory", "--db", db, "ingest", str(corpus), "--json"]


def _env() -> dict[str, str]:
    """The caller's environment with Backstory's defaults (2 workers), but transactions
    of `WRITE_BATCH` articles, so that the corpus takes many commits to store, and a
    short look-ahead, so that boilerplate is learned both before analysis and from stored
    articles (which are then rewritten)."""
    env = {k: v for k, v in os.environ.items() if k not in ("BACKSTORY_DB", "BACKSTORY_WORKERS")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["BACKSTORY_WRITE_BATCH"] = str(WRITE_BATCH)
    env["BACKSTORY_LEARN_LOOKAHEAD"] = str(LEARN_LOOKAHEAD)
    return env


def _run(db: str, corpus: Path, log: Path) -> tuple[float, float | None, float | None]:
    """Run the ingest to completion, watching the store; return how long it took and
    when it first and last stored articles (None if it stored none)."""
    started = time.monotonic()
    process = _start(db, corpus, log)
    last_write = None
    try:
        first_write = _watch_for_write(process, db, started, started + RUN_TIMEOUT)
        last_write, seen = first_write, _articles_now(db)
        while process.poll() is None and time.monotonic() < started + RUN_TIMEOUT:
            if (now := _articles_now(db)) is not None and now != seen:
                last_write, seen = time.monotonic() - started, now
            time.sleep(0.02)
        process.wait(timeout=max(started + RUN_TIMEOUT - time.monotonic(), 0.1))
    except subprocess.TimeoutExpired:
        pytest.fail(f"ingest into {db} ran over {RUN_TIMEOUT:.0f}s", pytrace=False)
    finally:
        _kill_group(process)  # only if it is still running (a failed test)
    elapsed = time.monotonic() - started
    assert process.returncode == 0, f"ingest into {db} failed:\n{log.read_text()}"
    return elapsed, first_write, last_write


def _watch_for_write(process: subprocess.Popen[bytes], db: str, started: float,
                     until: float) -> float | None:
    """Seconds from `started` until a running ingest first stores articles or copies
    (its first commit of them), or None if it exits (or `until` passes) first."""
    before = None
    while before is None and process.poll() is None:
        before = _articles_now(db)
        time.sleep(0.02)
    while process.poll() is None and time.monotonic() < until:
        now = _articles_now(db)
        if now is not None and now != before:
            return time.monotonic() - started
        time.sleep(0.02)
    return None


def _articles_now(db: str) -> tuple[int, int] | None:
    """The articles and copies an ingest has stored so far, if the store can be read."""
    now = _progress_now(db)
    return None if now is None else now[:2]


def _progress_now(db: str) -> tuple[int, int, str | None] | None:
    """`progress` of a store an ingest is writing, or None if it cannot be read just now."""
    try:
        return progress(db)
    except SQLAlchemyError:
        return None


def _start(db: str, corpus: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        # Its own session, so its process group holds it and its spaCy workers alone.
        return subprocess.Popen(_command(db, corpus), env=_env(), stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _kill_group(process: subprocess.Popen[bytes]) -> bool:
    """SIGKILL the process and its workers; True if it was still running when killed."""
    running = process.poll() is None
    # Once the leader is reaped its group id stays ours only while a member lives on.
    if running or _group_alive(process.pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)  # the killed workers, orphaned, are reaped by init
    return running


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs (zombies awaiting their reaper do not)."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # fields: state, ppid, pgrp, ...
            return True
    return False


# -- reading a store --------------------------------------------------------------------------


def _exists(db: str) -> bool:
    """Whether the store was created (a PostgreSQL test database always is)."""
    return "://" in db or Path(db).exists()


@contextlib.contextmanager
def _connect(db: str) -> Iterator[sa.Connection]:
    url = Settings(db=db).db_url
    if url.startswith("sqlite"):  # read-write, but never create the file
        engine = sa.create_engine("sqlite://", creator=lambda: sqlite3_connect(db))
    else:
        engine = sa.create_engine(postgres_url(url), poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def sqlite3_connect(db: str) -> Any:
    import sqlite3

    return sqlite3.connect(f"file:{db}?mode=rw", uri=True, timeout=30)


def _scalar(conn: sa.Connection, sql: str) -> Any:
    return conn.exec_driver_sql(sql).scalar()


def _tables(conn: sa.Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names())


def whole_article_problems(db: str) -> list[str]:
    """What a killed run left half-written (nothing, if every article is whole)."""
    if not _exists(db):
        return []
    problems: list[str] = []
    with _connect(db) as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            integrity = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                problems.append(f"integrity_check: {integrity[:5]}")
        if "articles" not in _tables(conn):
            return problems  # killed before the schema was created: nothing to check
        checks = {
            "articles without sentences":
                "SELECT count(*) FROM articles a WHERE NOT EXISTS "
                "(SELECT 1 FROM sentences s WHERE s.article_id = a.id)",
            "sentences of missing articles":
                "SELECT count(*) FROM sentences s WHERE NOT EXISTS "
                "(SELECT 1 FROM articles a WHERE a.id = s.article_id)",
            "sentences whose offsets disagree with their article's text":
                "SELECT count(*) FROM sentences s JOIN articles a ON a.id = s.article_id "
                "WHERE substr(a.text, s.start + 1, s.\"end\" - s.start) != s.text",
            "mentions of missing sentences":
                "SELECT count(*) FROM mentions m WHERE NOT EXISTS "
                "(SELECT 1 FROM sentences s WHERE s.id = m.sentence_id)",
            "copies of missing articles":
                "SELECT count(*) FROM article_copies c WHERE NOT EXISTS "
                "(SELECT 1 FROM articles a WHERE a.id = c.article_id)",
        }
        for label, sql in checks.items():
            count = _scalar(conn, sql)
            if count:
                problems.append(f"{count} {label}")
        if not sqlite:
            return problems  # PostgreSQL's full text is a column of the sentence row
        sentences = _scalar(conn, "SELECT count(*) FROM sentences")
        # The docsize shadow table has one row per indexed row (a count(*) on the FTS table
        # itself would read the external content table and always agree).
        indexed = _scalar(conn, "SELECT count(*) FROM sentences_fts_docsize")
        if indexed != sentences:
            problems.append(f"FTS index holds {indexed} rows for {sentences} sentences")
        try:
            conn.exec_driver_sql("INSERT INTO sentences_fts(sentences_fts, rank) "
                                 "VALUES ('integrity-check', 1)")  # 1: against the content too
        except SQLAlchemyError as exc:
            problems.append(f"FTS integrity-check: {exc}")
    return problems


def progress(db: str) -> tuple[int, int, str | None]:
    """Articles and copies stored, and the stories_stale flag (None before any write)."""
    if not _exists(db):
        return 0, 0, None
    with _connect(db) as conn:
        if "articles" not in _tables(conn):
            return 0, 0, None
        stale = conn.exec_driver_sql("SELECT value FROM settings_kv "
                                     "WHERE key = 'stories_stale'").first()
        return (_scalar(conn, "SELECT count(*) FROM articles"),
                _scalar(conn, "SELECT count(*) FROM article_copies"),
                stale[0] if stale else None)


SNAPSHOT_QUERIES = {
    "articles": (
        "SELECT a.id, s.name, a.url, a.title, a.author, a.published_at, a.language, a.text, "
        "a.text_hash, a.input FROM articles a LEFT JOIN sources s ON s.id = a.source_id"
    ),
    "sentences": 'SELECT id, article_id, idx, start, "end", text FROM sentences',
    "mentions": (
        'SELECT m.article_id, e.name, e.type, m.start, m."end", m.text FROM mentions m '
        "JOIN entities e ON e.id = m.entity_id"
    ),
    "article_copies": (
        "SELECT c.article_id, s.name, c.url, c.input, c.similarity FROM article_copies c "
        "LEFT JOIN sources s ON s.id = c.source_id"
    ),
    "boilerplate": (
        "SELECT s.name, b.shape FROM boilerplate b LEFT JOIN sources s ON s.id = b.source_id"
    ),
    "stories": (
        "SELECT st.id, st.title, st.first_seen, st.last_seen, "
        "(SELECT {concat} FROM "
        " (SELECT article_id FROM story_articles sa WHERE sa.story_id = st.id "
        "  ORDER BY article_id) members) FROM stories st"
    ),
    "settings_kv stories_stale": (
        "SELECT key, value FROM settings_kv WHERE key = 'stories_stale'"
    ),
}


def snapshot(db: str) -> Snapshot:
    """The store's content, each table's rows sorted, without timestamps or rowids."""
    with _connect(db) as conn:
        concat = ("group_concat(article_id, ' ')" if conn.dialect.name == "sqlite"
                  else "string_agg(article_id, ' ')")
        return {name: sorted((tuple(row) for row in conn.exec_driver_sql(
                    sql.replace("{concat}", concat))), key=repr)
                for name, sql in SNAPSHOT_QUERIES.items()}


def _short(row: Row, width: int = 160) -> str:
    text = repr(row)
    return text if len(text) <= width else text[:width - 3] + "..."


def _where_differ(want: Any, got: Any, context: int = 50) -> str:
    """The two values around their first difference (long texts differ deep inside)."""
    if not (isinstance(want, str) and isinstance(got, str)):
        return f"{want!r} -> {got!r}"
    at = next((i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b),
              min(len(want), len(got)))
    start = max(at - context, 0)
    return (f"from character {at}: ref …{want[start:at + context]!r}… "
            f"killed …{got[start:at + context]!r}…")


def describe_differences(expected: Snapshot, actual: Snapshot, *, limit: int = 8) -> str:
    """A readable account of the first rows each table has on one side only."""
    lines: list[str] = []
    for table in expected:
        want, got = expected[table], actual[table]
        if want == got:
            continue
        want_rows, got_rows = set(want), set(got)
        missing = [r for r in want if r not in got_rows]
        extra = [r for r in got if r not in want_rows]
        lines.append(f"{table}: reference has {len(want)} rows, killed-and-resumed has "
                     f"{len(got)}; {len(missing)} only in the reference, {len(extra)} only "
                     "in the killed store")
        lines += [f"  - ref only:    {_short(r)}" for r in missing[:limit]]
        lines += [f"  + killed only: {_short(r)}" for r in extra[:limit]]
        by_key = {r[0]: r for r in missing}
        for row in extra[:limit]:
            other = by_key.get(row[0])
            if other is not None:  # the same key with different content: say where
                lines += [f"  ~ {row[0]!r} column {i}: {_where_differ(other[i], row[i])}"
                          for i, (a, b) in enumerate(zip(other, row, strict=True)) if a != b]
    return "\n".join(lines)


# -- the test ---------------------------------------------------------------------------------


def test_ingest_survives_repeated_sigkill(tmp_path: Path, databases: Databases) -> None:
    started = time.monotonic()
    corpus = tmp_path / "corpus.jsonl"
    lines = write_corpus(corpus)
    assert 140 <= lines <= 160

    ref = databases.new(tmp_path, "ref")
    reference_time, first_write, last_write = _run(ref, corpus, tmp_path / "ref.log")
    assert first_write is not None and last_write is not None
    assert whole_article_problems(ref) == []
    reference = snapshot(ref)
    assert len(reference["articles"]) >= ARTICLES - 10  # the originals are not copies
    assert reference["article_copies"], "the corpus's copies were not recognized"
    assert reference["boilerplate"], "the recurring newsletter line was not learned"
    print(f"\nreference run: {reference_time:.1f}s, articles stored from {first_write:.1f}s "
          f"to {last_write:.1f}s")

    # A run spends most of its time importing, loading spaCy and analyzing its first
    # articles before it commits any, and a loaded machine shifts that by seconds, so a
    # delay from the start alone rarely lands among the writes. Odd kills come a random
    # 0.3 s to the reference run's last write after the start (start-up, reading,
    # analysis or writing); even ones a random time after this run's own first commit of
    # articles, within half the share of the reference run's writing span (first to last
    # commit of articles) that the articles still to store would take, so that each lets
    # the store grow by a few batches and leaves work for the next.
    writing_span = max(last_write - first_write, 0.2)
    killed = databases.new(tmp_path, "kill")
    rng = random.Random(SEED)
    mid_run = 0
    for attempt in range(1, KILLS + 1):
        before = progress(killed)
        launched = time.monotonic()
        process = _start(killed, corpus, tmp_path / f"kill-{attempt}.log")
        if attempt % 2:
            delay = rng.uniform(MIN_WAIT, last_write)
            deadline = launched + delay
            when = f"{delay:4.1f}s after its start"
        else:
            committed = _watch_for_write(process, killed, launched, launched + RUN_TIMEOUT)
            # Within half the share of the writing span that is left to this run.
            left = 1 - before[0] / len(reference["articles"])
            delay = rng.uniform(0.0, writing_span * max(left, 0.05) / 2)
            deadline = time.monotonic() + delay
            when = (f"{delay:4.1f}s after its first commit at {committed:.1f}s"
                    if committed is not None else "(it committed nothing)")
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(deadline - time.monotonic(), 0.0))
        was_running = _kill_group(process)
        problems = whole_article_problems(killed)
        after = progress(killed)
        # Mid-run: it had committed something and had not finished (stories still stale).
        landed = was_running and after != before and after[2] != "0"
        mid_run += landed
        print(f"kill {attempt:2d} {when}: "
              f"{'killed' if was_running else 'had already exited'}; "
              f"(articles, copies, stories_stale) {before} -> {after}"
              f"{'  mid-run' if landed else ''}")
        assert problems == [], f"kill {attempt}, {when}, left: {problems}"
    final_time, _, _ = _run(killed, corpus, tmp_path / "final.log")
    assert whole_article_problems(killed) == []

    total = time.monotonic() - started
    print(f"final run: {final_time:.1f}s; whole test: {total:.1f}s; "
          f"{mid_run} of {KILLS} kills landed mid-run")
    resumed = snapshot(killed)
    if resumed != reference:
        pytest.fail("the killed-and-resumed store differs from the reference:\n"
                    + describe_differences(reference, resumed), pytrace=False)
