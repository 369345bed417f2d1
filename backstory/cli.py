"""The `backstory` command line: a thin layer over `Desk`; library errors become messages here."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, redirect_stdout
from dataclasses import replace
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from backstory.compose import export_chart
from backstory.compose.render import to_html, to_markdown
from backstory.config import Settings
from backstory.editor import Accounts, user_payload
from backstory.errors import BackstoryError, ConfigError
from backstory.ingest import InputMeta, estimate_articles, normalize_published
from backstory.models import Document, IngestReport, readable_value
from backstory.payloads import (
    answer_payload,
    article_payload,
    article_view_payload,
    composition_payload,
    entity_payload,
    ingest_payload,
    stories_payload,
    story_view_payload,
    trends_payload,
)
from backstory.pipeline import Desk, sample_corpus_path
from backstory.store import SQLStore, Store, open_store
from backstory.store.copy import copy_store

__all__ = ["app", "main"]

LOGGER = logging.getLogger("backstory")
app = typer.Typer(
    help="Backstory: a news knowledge desk whose every statement cites its source.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[str, typer.Option("--db", envvar="BACKSTORY_DB",
                                    help="The store: an SQLite file, or a PostgreSQL URL "
                                         "(postgresql://USER:PASSWORD@HOST/NAME).")
    ] = "backstory.db",
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")]
    = False,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Allow fetching from private, loopback and link-local "
                                "addresses (refused by default).")] = False,
) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        ctx.obj = Settings.from_env(db=db, allow_private=allow_private)
    except BackstoryError as exc:
        _fail(exc.message, code=2)


class Engine(StrEnum):
    local = "local"
    ray = "ray"


@app.command()
def ingest(
    ctx: typer.Context,
    sources: Annotated[list[str], typer.Argument(help="Files, folders, URLs, feeds, JSONL.")],
    outlet: Annotated[str | None, typer.Option(help="Outlet that published the input.")] = None,
    published: Annotated[str | None, typer.Option(help="Publication date, YYYY-MM-DD.")] = None,
    title: Annotated[str | None, typer.Option(help="Headline of a plain-text input.")] = None,
    url: Annotated[str | None, typer.Option(help="Address the input was published at.")] = None,
    engine: Annotated[Engine, typer.Option(
        help="local: this process and its analysis workers; ray: a pool of Ray actors, "
             "on this machine or a cluster (--address).")] = Engine.local,
    address: Annotated[str | None, typer.Option(
        help="Ray cluster to join with --engine ray (default: start one here).")] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Analysis workers: processes, or Ray actors (default: "
                    "BACKSTORY_WORKERS, else 2).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Read articles, analyze them and store them; duplicates are linked, not stored twice.

    Example: backstory ingest article.txt --outlet "South China Morning Post" --published 2024-02-19
    """
    if address is not None and engine is not Engine.ray:
        _fail("--address joins a Ray cluster; use it with --engine ray", code=2)
    if workers is not None:
        ctx.obj = replace(ctx.obj, workers=workers)
    with _desk(ctx) as desk:
        try:
            meta = InputMeta(outlet=outlet, title=title, url=url,
                             published_at=normalize_published(published, source="--published"))
        except BackstoryError as exc:
            _fail(f"--published: {exc.message}", code=2)
        expected = estimate_articles(sources)
        with _progress(expected, quiet=as_json) as advance:
            if engine is Engine.ray:
                from backstory.ray_ingest import ingest_with_ray  # Ray loads only when asked

                # Ray prints its cluster's news (a worker died, a task is retried) to
                # stdout, which is for our report alone.
                with redirect_stdout(sys.stderr):
                    report = ingest_with_ray(desk, sources, meta=meta, on_result=advance,
                                             address=address)
            else:
                report = desk.ingest(sources, meta=meta, on_result=advance, expected=expected)
    _print_report(report, as_json=as_json)
    if report.failed:
        raise typer.Exit(1)


@app.command()
def watch(
    ctx: typer.Context,
    feeds: Annotated[list[str], typer.Argument(help="Feed or sitemap URLs to poll.")],
    interval: Annotated[float, typer.Option(help="Seconds between polls.", min=1)] = 300,
    rounds: Annotated[int, typer.Option(help="Stop after this many polls (0: never).",
                                        min=0)] = 0,
    as_json: JsonOption = False,
) -> None:
    """Poll feeds on an interval and ingest what is new (unchanged feeds cost one request).

    Example: backstory watch https://example.org/feed.xml --interval 600
    """
    with _desk(ctx) as desk:
        done = 0
        while True:
            report = desk.ingest(feeds)
            _print_report(report, as_json=as_json, quiet_when_empty=True)
            done += 1
            if rounds and done >= rounds:
                break
            time.sleep(interval)


@app.command()
def articles(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many to list.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """List stored articles, newest first.

    Example: backstory articles --limit 20
    """
    with _desk(ctx) as desk:
        metas = desk.articles(limit=limit)
    if as_json:
        _print_json([article_payload(m) for m in metas])
        return
    table = Table("id", "published", "outlet", "title")
    for m in metas:
        table.add_row(m.id, m.published_at or "", m.outlet or "", m.title or "")
    out.print(table)


@app.command()
def show(ctx: typer.Context, article_id: str, as_json: JsonOption = False) -> None:
    """Show an article with its sentences and entities.

    Example: backstory show 53a2d16f1f1d7454 --json
    """
    with _desk(ctx) as desk:
        payload = article_view_payload(desk.article(article_id))
    if as_json:
        _print_json(payload)
        return
    art = payload["article"]
    out.print(f"[bold]{escape(art['title'] or '(untitled)')}[/bold]")
    out.print(f"{escape(art['outlet'] or 'unknown outlet')} · {art['published_at'] or 'undated'}"
              f" · {art['url'] or ''}\n")
    out.print(escape(art["text"]) + "\n")
    _show_analysis(payload)


@app.command()
def ask(ctx: typer.Context, question: str, as_json: JsonOption = False) -> None:
    """Answer a question from the stored articles, with citations, or abstain.

    Example: backstory ask "Who did Wang Xiaohong meet in Vienna?"
    """
    with _desk(ctx) as desk:
        answer = desk.ask(question)
    if as_json:
        _print_json(answer_payload(answer))
        return
    if answer.abstained:
        out.print("[yellow]The sources do not answer this question.[/yellow] "
                  f"(confidence {answer.confidence:.2f})")
        return
    out.print(f"[bold]{escape(answer.answer or '')}[/bold]  (confidence {answer.confidence:.2f})")
    for number, c in enumerate(answer.citations, start=1):
        out.print(f"  [{number}] {escape(c.sentence)}\n      — {escape(c.outlet or 'unknown')}, "
                  f"{c.published_at or 'undated'}, article {c.article_id} {c.url or ''}")


@app.command()
def stories(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List stories, most covered first.

    Example: backstory stories --json
    """
    with _desk(ctx) as desk:
        found = desk.stories()
    if as_json:
        _print_json(stories_payload(found))
        return
    table = Table("id", "articles", "first seen", "last seen", "title")
    for s in found:
        table.add_row(s.id, str(len(s.article_ids)), s.first_seen or "", s.last_seen or "",
                      s.title)
    out.print(table)


@app.command()
def story(ctx: typer.Context, story_id: str, as_json: JsonOption = False) -> None:
    """Show a story: its articles and outlets, and a first explainer with citations.

    Example: backstory story s1a2b3c4d5e6 --json
    """
    with _desk(ctx) as desk:
        payload = story_view_payload(desk.story(story_id))
    if as_json:
        _print_json(payload)
        return
    out.print(f"[bold]{escape(payload['title'])}[/bold]  "
              f"({payload['first_seen'] or '?'} – {payload['last_seen'] or '?'})\n")
    _show_composition(payload["explainer"])
    table = Table("id", "published", "outlet", "title", title="Articles")
    for a in payload["article_details"]:
        table.add_row(a["id"], a["published_at"] or "", a["outlet"] or "", a["title"] or "")
    out.print(table)
    _show_story_analysis(payload)


class DocFormat(StrEnum):
    md = "md"
    html = "html"
    json = "json"


@app.command()
def explain(
    ctx: typer.Context,
    story_id: str,
    format_: Annotated[DocFormat, typer.Option("--format", help="md, html or json.")]
    = DocFormat.md,
    as_json: JsonOption = False,
) -> None:
    """Write a story's explainer: what happened, why it matters, who is involved, key numbers
    and who gives them, what each side says, the timeline, what is disputed.

    Example: backstory explain s1a2b3c4d5e6 --format html > explainer.html
    """
    with _desk(ctx) as desk:
        document = desk.explain(story_id)
    if as_json or format_ is DocFormat.json:
        _print_json(composition_payload(document))
    elif format_ is DocFormat.html:
        sys.stdout.write(to_html(document))
    else:
        sys.stdout.write(to_markdown(document))


@app.command()
def faq(ctx: typer.Context, story_id: str, as_json: JsonOption = False) -> None:
    """List the questions about a story that its sources answer, each answer cited.

    Example: backstory faq s1a2b3c4d5e6 --json
    """
    _show_document(ctx, story_id, "faq", as_json=as_json)


@app.command()
def analysis(ctx: typer.Context, story_id: str, as_json: JsonOption = False) -> None:
    """Compare how the sides and the outlets tell a story: quotes and claims per side,
    coverage per outlet, conflicting numbers and omissions.

    Example: backstory analysis s1a2b3c4d5e6 --json
    """
    _show_document(ctx, story_id, "analysis", as_json=as_json)


def _show_document(ctx: typer.Context, story_id: str, kind: str, *, as_json: bool) -> None:
    with _desk(ctx) as desk:
        document = desk.faq(story_id) if kind == "faq" else desk.analysis(story_id)
    payload = composition_payload(document)
    if as_json:
        _print_json(payload)
        return
    _show_composition(payload)


@app.command()
def chart(
    ctx: typer.Context,
    story_id: str,
    kind: Annotated[str, typer.Argument(help="timeline, numbers, speakers or coverage.")],
    out_file: Annotated[Path, typer.Option("--out", help="FILE.svg, FILE.png or FILE.json.")],
    as_json: JsonOption = False,
) -> None:
    """Draw one of a story's infographics to an SVG, PNG or Vega-Lite JSON file.

    Example: backstory chart s1a2b3c4d5e6 numbers --out numbers.svg
    """
    with _desk(ctx) as desk:
        drawn = desk.chart(story_id, kind)
    export_chart(drawn, out_file)
    if as_json:
        _print_json({"story_id": drawn.story_id, "kind": drawn.kind, "out": str(out_file),
                     "title": drawn.title, "description": drawn.description})
        return
    out.print(f"wrote {escape(drawn.title)} to {escape(str(out_file))}")
    out.print(f"[dim]{escape(drawn.description)}[/dim]")


@app.command()
def drafts(
    ctx: typer.Context,
    story_ids: Annotated[list[str] | None, typer.Argument(
        help="Stories to draft (default: every story).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Compose each story's explainer, FAQ and analysis as drafts for the editor desk; a
    document that has not changed since its last version gets no new one.

    Example: backstory drafts s1a2b3c4d5e6
    """
    with _desk(ctx) as desk:
        ids = story_ids or [s.id for s in desk.stories()]
        made = _draft_all(desk, ids, quiet=as_json)
    if as_json:
        _print_json({"stories": len(ids), "drafts": [
            {"id": d.id, "kind": d.kind, "story_id": d.story_id, "version": d.version,
             "changes": d.changes} for d in made]})
        return
    out.print(f"{len(made)} new draft version(s) for {len(ids)} stories; review them at "
              "/editor (`backstory user add NAME` creates an editor).")


def _draft_all(desk: Desk, story_ids: list[str], *, quiet: bool) -> list[Document]:
    made: list[Document] = []
    with _progress(len(story_ids), quiet=quiet, label="composing drafts") as advance:
        for story_id in story_ids:
            made += desk.draft(story_id)
            advance(story_id)
    return made


@app.command()
def entity(ctx: typer.Context, name: str, as_json: JsonOption = False) -> None:
    """Show an entity across all articles: its canonical name, other names, roles.

    Example: backstory entity Beijing --json
    """
    with _desk(ctx) as desk:
        payload = entity_payload(desk.entity(name))
    if as_json:
        _print_json(payload)
        return
    out.print(f"[bold]{escape(payload['name'])}[/bold] ({payload['type']}), "
              f"in {len(payload['articles'])} article(s)")
    if payload["aliases"]:
        out.print("also named: " + escape(", ".join(payload["aliases"])))
    roles = sorted({r["role"] for r in payload["roles"]})
    if roles:
        out.print("roles: " + escape("; ".join(roles)))


@app.command()
def trends(
    ctx: typer.Context,
    window: Annotated[int, typer.Option(help="Days that count as recent.", min=1)] = 7,
    limit: Annotated[int, typer.Option(help="How many topics and entities.", min=1)] = 20,
    as_json: JsonOption = False,
) -> None:
    """Show rising topics and entities: the last WINDOW days against the four weeks before.

    Example: backstory trends --window 3 --json
    """
    with _desk(ctx) as desk:
        payload = trends_payload(desk.trends(window_days=window, limit=limit))
    if as_json:
        _print_json(payload)
        return
    out.print(f"Trends as of {payload['as_of'] or 'no dated articles'} "
              f"(last {payload['window_days']} days)\n")
    topics = Table("topic", "stories", "articles", "burst", "by day", title="Topics")
    for t in payload["topics"]:
        topics.add_row(escape(t["label"]), str(len(t["stories"])), str(t["articles"]),
                       f"{t['burst']:+.2f}", _sparkline(t["by_day"], payload["as_of"]))
    entities = Table("entity", "mentions", "burst", "by day", title="Entities")
    for e in payload["entities"]:
        entities.add_row(escape(e["name"]), str(e["mentions"]), f"{e['burst']:+.2f}",
                         _sparkline(e["by_day"], payload["as_of"]))
    out.print(topics)
    out.print(entities)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web pages and the JSON API.

    Example: backstory serve --port 8000
    """
    import uvicorn

    from backstory.web import create_app

    settings: Settings = ctx.obj
    err.print(f"Serving {settings.db} on http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@app.command()
def demo(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Load only; do not serve.")]
    = False,
    as_json: JsonOption = False,
) -> None:
    """Load the bundled sample corpus (once) and serve the web app.

    Example: backstory --db demo.db demo
    """
    with _desk(ctx) as desk:
        total = estimate_articles([str(sample_corpus_path())])
        with _progress(total, quiet=as_json, label="loading sample corpus") as advance:
            report = desk.load_sample(on_result=advance)
        stories = desk.stories()
        count = len(stories)
        if report is not None:  # first load: drafts for the editor desk to review
            _draft_all(desk, [s.id for s in stories], quiet=as_json)
    if as_json:
        _print_json({"loaded": ingest_payload(report) if report else None, "stories": count})
    else:
        loaded = f"{report.added} articles added" if report else "already loaded"
        err.print(f"Sample corpus: {loaded}; {count} stories.")
    if report and report.failed:
        for failure in report.failed:
            err.print(f"[red]error[/red]: {escape(failure.source)}: {escape(failure.error)}")
        raise typer.Exit(1)
    if not no_serve:
        serve(ctx, host=host, port=port)


user_app = typer.Typer(help="Editor accounts: who may review, edit and approve documents.",
                       no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The editor's login name.")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input "
                                 "instead of prompting.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Create an editor account; the password is asked for twice, hidden, and stored only
    as an Argon2id hash.

    Example: backstory user add ana
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(f"Password for {name}", hide_input=True,
                                confirmation_prompt=True)
    with _store(ctx) as store:
        try:
            user = Accounts(store).add_user(name, password)
        except BackstoryError as exc:
            _fail(exc.message)
    if as_json:
        _print_json(user_payload(user))
    else:
        err.print(f"Added editor {escape(user.name)}; log in at /editor/login.")


@user_app.command("list")
def user_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the editor accounts.

    Example: backstory user list --json
    """
    with _store(ctx) as store:
        users = store.users()
    if as_json:
        _print_json([user_payload(u) for u in users])
        return
    table = Table("name", "created", title=f"{len(users)} editors")
    for user in users:
        table.add_row(escape(user.name), user.created_at)
    out.print(table)


@app.command()
def copy(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="Where to copy the store: an SQLite file "
                                               "or a PostgreSQL URL, new and empty.")],
    as_json: JsonOption = False,
) -> None:
    """Copy the whole store (articles, analysis, stories, vectors, editor desk) into
    another, empty database: SQLite to PostgreSQL or back. Nothing is written unless
    everything is; each table's row count is checked against the source.

    Example: backstory --db backstory.db copy postgresql://backstory@db.example.org/news
    """
    settings: Settings = ctx.obj
    try:
        target_url = Settings.from_env(db=target).db_url
        with _store(ctx) as source, closing(open_store(target_url)) as destination:
            if not isinstance(source, SQLStore) or not isinstance(destination, SQLStore):
                raise ConfigError("copy works between SQL stores only")
            with _progress(None, quiet=as_json, label=f"copying {settings.db}") as tick:
                report = copy_store(source, destination,
                                    on_rows=lambda table, _rows: tick(table))
    except BackstoryError as exc:
        _fail(exc.message)
    if as_json:
        _print_json({"source": report.source, "target": report.target,
                     "tables": report.tables})
        return
    table = Table("table", "rows", title=f"copied to {escape(report.target)}")
    for name, rows in report.tables.items():
        if rows:
            table.add_row(name, f"{rows:,}")
    out.print(table)


def main() -> None:
    """Entry point of the `backstory` script."""
    app()


# -- output helpers -------------------------------------------------------------------------


@contextmanager
def _desk(ctx: typer.Context) -> Iterator[Desk]:
    try:
        desk = Desk(ctx.obj)
        if desk.reanalysis_pending():  # the store predates this version's analysis
            with _progress(desk.store.count_articles(), quiet=False,
                           label="re-analyzing stored articles") as tick:
                desk.reanalyze(on_result=tick)
    except BackstoryError as exc:
        _fail(exc.message)
    try:
        yield desk
    except BackstoryError as exc:
        _fail(exc.message)
    finally:
        desk.close()


@contextmanager
def _store(ctx: typer.Context) -> Iterator[Store]:
    """The store alone, for commands that need no NLP (editor accounts)."""
    settings: Settings = ctx.obj
    try:
        store = open_store(settings.db_url)
    except BackstoryError as exc:
        _fail(exc.message)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def _progress(total: int | None, *, quiet: bool, label: str = "ingesting"
              ) -> Iterator[Callable[[str], None]]:
    if quiet or not err.is_terminal:
        yield lambda _item: None
        return
    columns = [TextColumn(f"{label} [progress.description]{{task.description}}"), BarColumn(),
               MofNCompleteColumn(), _RateColumn(), TimeElapsedColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("", total=total)
        yield lambda item: progress.update(task, advance=1,
                                           description=item.rsplit("/", 1)[-1][-32:])


def _print_report(report: IngestReport, *, as_json: bool, quiet_when_empty: bool = False
                  ) -> None:
    for failure in report.failed:
        err.print(f"[red]error[/red]: {escape(failure.source)}: {escape(failure.error)}")
    if as_json:
        _print_json(ingest_payload(report))
        return
    if quiet_when_empty and not report.articles and not report.failed:
        return
    table = Table("id", "title", "outlet", "published", "status", title="Ingested")
    for a in report.articles:
        status = "added" if a.duplicate_of is None else f"copy of {a.duplicate_of}"
        table.add_row(a.id, a.title or "", a.outlet or "", a.published_at or "", status)
    if report.articles:
        out.print(table)
    out.print(f"{report.added} added, {report.duplicates} duplicate(s), "
              f"{len(report.failed)} failed")


class _RateColumn(ProgressColumn):
    """Articles per second."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f}/s" if task.speed else "-/s", style="progress.data.speed")


_NAMED_TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT")


def _show_analysis(payload: dict[str, Any]) -> None:
    """The analysis records of `show` as tables: who is named, who says what, numbers,
    dates and events."""
    entities = Table("entity", "type", "role", "mentions", title="Entities")
    for entity in payload["entities"]:
        if entity["type"] in _NAMED_TYPES:
            entities.add_row(escape(entity["name"]), entity["type"], escape(entity["role"] or ""),
                             str(len(entity["mentions"])))
    quotes = Table("speaker", "via", "cue", "says", title="Quotes")
    for q in payload["quotes"]:
        content = q["content"] if len(q["content"]) < 90 else q["content"][:87] + "…"
        quotes.add_row(escape(q["speaker"] or "unknown"), escape(q["via"] or ""),
                       escape(q["cue"] or ""), escape(("“%s”" if q["direct"] else "%s") % content))
    claims = Table("value", "of", "claimed by", "time", title="Numbers")
    for c in payload["claims"]:
        value = " ".join(str(part) for part in (c["qualifier"], _number(c["value"]), c["unit"])
                         if part)
        claims.add_row(escape(value), escape(c["object"] or ""),
                       escape(c["source"] or "the outlet"), c["time"] or "")
    times = Table("as written", "value", "precision", title="Dates and times")
    for x in payload["times"]:
        times.add_row(escape(x["text"]), x["value"] or "?", x["precision"] or "")
    events = Table("event", "who", "where", "when", title="Events")
    for e in payload["events"]:
        events.add_row(e["type"], escape(", ".join(e["participants"])), escape(e["place"] or ""),
                       e["time"] or "")
    for table in (entities, quotes, claims, times, events):
        if table.row_count:
            out.print(table)


def _show_story_analysis(payload: dict[str, Any]) -> None:
    """A story's timeline, sides and how its accounts differ, as tables."""
    timeline = Table("when", "event", "who", "where", "reported by", title="Timeline")
    for e in payload["timeline"]:
        outlets = sorted({c["outlet"] or "unknown" for c in e["citations"]})
        timeline.add_row(e["time"] or "undated", e["type"], escape(", ".join(e["participants"])),
                         escape(e["place"] or ""), escape(", ".join(outlets)))
    sides = Table("side", "speakers", "quotes", title="Sides")
    for side in payload["sides"]:
        sides.add_row(escape(side["side"]), escape(", ".join(
            f"{m['name']} ({m['kind']})" for m in side["members"])), str(len(side["quotes"])))
    differ = Table("what", "detail", "source", title="Where accounts differ")
    comparison = payload["comparison"] or {"conflicts": [], "omissions": []}
    for conflict in comparison["conflicts"]:
        figures = "; ".join(f"{_number(f['value'])} ({f['source'] or f['citations'][0]['outlet']})"
                            for f in conflict["figures"])
        differ.add_row("different figures", escape(f"{conflict['object']}: {figures}"), "")
    for omission in comparison["omissions"]:
        differ.add_row("left out", escape(f"{omission['statement']} — not in "
                                          f"{omission['absent_from']}"),
                       escape(omission["citations"][0]["outlet"] or ""))
    for table in (timeline, sides, differ):
        if table.row_count:
            out.print(table)


_BARS = "▁▂▃▄▅▆▇█"


def _sparkline(by_day: dict[str, int], as_of: str | None, days: int = 14) -> str:
    """The `days` days up to `as_of` as a small bar chart of counts."""
    if not by_day or not as_of:
        return ""
    end = date.fromisoformat(as_of)
    counts = [by_day.get(str(end - timedelta(days=i)), 0) for i in reversed(range(days))]
    top = max(counts) or 1
    return "".join(_BARS[round(c / top * (len(_BARS) - 1))] for c in counts)


def _number(value: Any) -> str:
    return readable_value(value) if isinstance(value, float | str) else str(value)


def _show_composition(payload: dict[str, Any]) -> None:
    """Headed statements, each with the outlets and dates of the sentences it cites."""
    if not payload["sections"]:
        out.print("[dim]Nothing to show: the sources hold no statement of this kind.[/dim]")
    for section in payload["sections"]:
        out.print(f"\n[bold]{escape(section['heading'])}[/bold]")
        for statement in section["statements"]:
            sources = "; ".join(dict.fromkeys(
                f"{c['outlet'] or 'unknown'}, {c['published_at'] or 'undated'}"
                for c in statement["citations"]))
            out.print(f"• {escape(statement['text'])}\n  [dim]— {escape(sources)}[/dim]")


def _print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def _fail(message: str, *, code: int = 1) -> Any:
    err.print(f"[red]error[/red]: {escape(message)}")
    raise typer.Exit(code)
