"""`backstory ingest --engine ray` on a real local Ray instance: the same stored result as
the local engine, duplicates linked, failures reported, sentence vectors encoded by the
workers, re-runs idempotent, and a worker killed mid-run costing nothing but time.

The corpus is written here: three articles in our own words (one copied under another
name), a file that is no article, and the bundled sample corpus cut into JSONL shards with
one unreadable line added (the first lines of it: Ray's start-up, not analysis, is what
takes the time here).
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import ray
from typer.testing import CliRunner

from backstory.cli import app
from backstory.config import Settings
from backstory.pipeline import Desk, sample_corpus_path
from backstory.ray_ingest import ingest_with_ray
from backstory.search import SentenceEncoder
from backstory.search.embeddings import from_bytes
from tests.conftest import Databases

runner = CliRunner()
SAMPLE_LINES = 20  # of the bundled sample corpus: enough for several tasks per actor
SHARDS = 4
WORKER_TITLE = "ray::MapWorker(MapBatches(_AnalyzingWorker))"

# Each article: its headline, then its paragraphs (joined by blank lines when written).
ARTICLES = {
    "harbour-crane.txt": (
        "Port of Elmsworth halts night shifts after crane collapse",
        "A container crane at the Port of Elmsworth collapsed on Tuesday night, injuring two "
        "workers and halting night shifts at the eastern terminal.",
        "\"We will not restart the night shifts until every crane has been inspected,\" said "
        "Maren Holt, the port's operations director.",
        "The port handles about 1.2 million containers a year, according to the Elmsworth "
        "Harbour Board.",
        "Inspectors from the national safety agency are expected to arrive on Thursday.",
    ),
    "orchard-frost.txt": (
        "Late frost wipes out a third of Tallow Valley apple blossom",
        "Growers in the Tallow Valley lost roughly a third of their apple blossom to a late "
        "frost over the weekend, the regional growers' cooperative said on Monday.",
        "\"Some orchards on the valley floor lost everything,\" said Ivo Brannigan, who chairs "
        "the cooperative.",
        "The cooperative estimates the damage at 14 million euros and has asked the "
        "agriculture ministry for emergency support.",
        "Frost of this kind in late April last struck the valley in 2017.",
    ),
    "library-vote.txt": (
        "Kestonbury council votes to keep branch libraries open",
        "Kestonbury's city council voted 23 to 9 on Wednesday to keep all five branch "
        "libraries open, reversing a plan to close two of them next year.",
        "\"Libraries are where our residents find work, help and each other,\" said councillor "
        "Aisha Demby, who led the campaign against the closures.",
        "The decision will cost the city about 800,000 pounds a year, according to the "
        "council's finance office.",
        "A public consultation drew more than 4,000 responses, most of them opposed to the "
        "closures.",
    ),
}
COPY_NAME = "wire-copy-of-harbour-crane.txt"  # the same text under another name
NOT_AN_ARTICLE = "inventory.xml"  # XML that is neither a feed nor a sitemap
BAD_LINE = '{"title": "A record without any text", "outlet": "Nowhere Gazette"}'


@dataclass(frozen=True)
class Corpus:
    folder: Path

    @property
    def sources(self) -> list[str]:
        return [str(self.folder)]


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    """A real local Ray instance for the module: two CPUs, no dashboard."""
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False,
             logging_level="ERROR")
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    folder = tmp_path_factory.mktemp("corpus")
    desk = folder / "desk"
    desk.mkdir()
    for name, paragraphs in ARTICLES.items():
        (desk / name).write_text("\n\n".join(paragraphs) + "\n")
    (desk / COPY_NAME).write_text((desk / "harbour-crane.txt").read_text())
    (desk / NOT_AN_ARTICLE).write_text("<inventory><item>crane</item></inventory>\n")
    lines = sample_corpus_path().read_text().splitlines()[:SAMPLE_LINES]
    lines.insert(7, BAD_LINE)
    shards = folder / "shards"
    shards.mkdir()
    size = -(-len(lines) // SHARDS)
    for number in range(SHARDS):
        part = lines[number * size:(number + 1) * size]
        (shards / f"part-{number + 1}.jsonl").write_text("\n".join(part) + "\n")
    return Corpus(folder)


def cli_ingest(db: str, *args: str) -> tuple[int, dict[str, Any], str]:
    result = runner.invoke(app, ["--db", str(db), "ingest", *args, "--json"])
    return result.exit_code, json.loads(result.stdout), result.stderr


def stored(db: str) -> dict[str, dict[str, Any]]:
    """Every stored article: title, outlet and how many records of each kind its
    analysis holds."""
    with Desk(Settings(db=str(db))) as desk:
        found = {}
        for meta in desk.articles(limit=1000):
            view = desk.article(meta.id)
            analysis = view.analysis
            found[meta.id] = {
                "title": meta.title, "outlet": meta.outlet, "chars": len(view.article.text),
                "sentences": len(analysis.sentences), "mentions": len(analysis.mentions),
                "quotes": len(analysis.quotes), "claims": len(analysis.claims),
                "times": len(analysis.times), "events": len(analysis.events),
                "copies": len(view.copies),
            }
        return found


@pytest.fixture(scope="module")
def ray_run(ray_cluster: None, corpus: Corpus, tmp_path_factory: pytest.TempPathFactory,
            databases: Databases) -> tuple[str, int, dict[str, Any]]:
    """One `ingest --engine ray --json` of the corpus through the CLI: (db, exit code,
    report)."""
    db = databases.new(tmp_path_factory.mktemp("ray"), "ray")
    code, report, _ = cli_ingest(db, *corpus.sources, "--engine", "ray", "--workers", "2")
    return db, code, report


def test_ray_engine_stores_what_the_local_engine_stores(
        ray_run: tuple[str, int, dict[str, Any]], corpus: Corpus, db_path: str) -> None:
    ray_db, ray_code, ray_report = ray_run
    local_code, local_report, _ = cli_ingest(db_path, *corpus.sources)
    assert ray_report == local_report
    assert ray_code == local_code == 1  # some inputs failed
    articles = stored(ray_db)
    assert articles == stored(db_path)
    expected = len(ARTICLES) + SAMPLE_LINES
    assert len(articles) == ray_report["added"] == expected
    assert sum(a["quotes"] for a in articles.values()) > 0
    assert sum(a["claims"] for a in articles.values()) > 0


def test_a_duplicate_is_linked_not_stored_twice(ray_run: tuple[str, int, dict[str, Any]]
                                                ) -> None:
    ray_db, _, report = ray_run
    assert report["duplicates"] == 1
    [copy] = [a for a in report["articles"] if a["duplicate"]]
    [original] = [a for a in report["articles"]
                  if a["input"].endswith("/harbour-crane.txt")]
    assert copy["input"].endswith(COPY_NAME)
    assert copy["id"] == original["id"]
    assert stored(ray_db)[original["id"]]["copies"] == 1


def test_bad_inputs_are_reported_and_the_rest_stored(ray_run: tuple[str, int, dict[str, Any]]
                                                     ) -> None:
    ray_db, code, report = ray_run
    assert code == 1
    failed = {Path(f["source"]).name: f["error"] for f in report["failed"]}
    assert set(failed) == {NOT_AN_ARTICLE, "part-2.jsonl#2"}
    assert "neither" in failed[NOT_AN_ARTICLE]
    assert "text" in failed["part-2.jsonl#2"]
    titles = {a["title"] for a in stored(ray_db).values()}
    assert "Kestonbury council votes to keep branch libraries open" in titles


def test_sentence_vectors_are_encoded_by_the_workers(ray_cluster: None, tmp_path: Path,
                                                      db_path: str,
                                                      encoder: SentenceEncoder) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, paragraphs in ARTICLES.items():
        (folder / name).write_text("\n\n".join(paragraphs) + "\n")
    with Desk(Settings(db=db_path, sentence_vectors=True)) as desk:
        report = ingest_with_ray(desk, [str(folder)])
        assert report.added == len(ARTICLES)
        for entry in report.articles:
            sentences = desk.article(entry.id).sentences
            stored_vectors = desk.store.vectors_of([s.id for s in sentences])
            assert len(stored_vectors) == len(sentences) > 0
            here = encoder.encode([s.text for s in sentences])
            there = from_bytes([stored_vectors[s.id] for s in sentences])
            # float16 as stored: the same vectors, up to rounding.
            assert np.min(np.sum(here * there, axis=1)) > 0.999


class WorkerKiller(threading.Thread):
    """Kills (SIGKILL) the first analyzing actor seen running a task, once."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.killed: int | None = None
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set() and self.killed is None:
            for pid, title in _ray_processes():
                if title == f"{WORKER_TITLE}.submit":  # busy with a task right now
                    os.kill(pid, signal.SIGKILL)
                    self.killed = pid
                    break
            time.sleep(0.02)

    def stop(self) -> None:
        self._done.set()
        self.join()


@dataclass(frozen=True)
class KilledRun:
    db: str
    killed: int | None  # the pid killed
    report: dict[str, Any]
    again: dict[str, Any]  # the report of the same ingest run again afterwards
    stored_before_again: dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def killed_run(ray_cluster: None, corpus: Corpus, tmp_path_factory: pytest.TempPathFactory,
               databases: Databases) -> KilledRun:
    """`ingest --engine ray --json` of the corpus with one analyzing actor killed in the
    middle of a task, then the same ingest again."""
    db = databases.new(tmp_path_factory.mktemp("killed"), "killed")
    killer = WorkerKiller()
    killer.start()
    try:
        # The report must still parse: Ray's news of the dead worker stays off stdout.
        _, report, _ = cli_ingest(db, *corpus.sources, "--engine", "ray")
    finally:
        killer.stop()
    before = stored(db)
    _, again, _ = cli_ingest(db, *corpus.sources, "--engine", "ray")
    return KilledRun(db, killer.killed, report, again, before)


def test_a_worker_killed_mid_run_costs_nothing_but_time(
        killed_run: KilledRun, ray_run: tuple[str, int, dict[str, Any]]) -> None:
    assert killed_run.killed is not None, "no worker was seen running a task"
    # The uninterrupted run is the reference: one copy of each article, none partial
    # (the same sentence and record counts), and the same report.
    assert killed_run.stored_before_again == stored(ray_run[0])
    assert killed_run.report == ray_run[2]


def test_running_again_adds_nothing(killed_run: KilledRun) -> None:
    assert killed_run.again["added"] == 0
    assert killed_run.again["duplicates"] == len(killed_run.again["articles"])
    assert killed_run.again["failed"] == killed_run.report["failed"]
    assert stored(killed_run.db) == killed_run.stored_before_again


def _ray_processes() -> Iterator[tuple[int, str]]:
    """(pid, process title) of the Ray worker processes this test process started (its
    descendants: Ray's raylet starts them), never another run's."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().split(b"\0")[0].decode()
        except (OSError, UnicodeDecodeError):
            continue
        if title.startswith("ray::") and _descends_from(int(entry.name), os.getpid()):
            yield int(entry.name), title.strip()


def _descends_from(pid: int, ancestor: int) -> bool:
    while pid > 1:
        try:
            # The parent pid is the second field after the parenthesized command name.
            stat = Path(f"/proc/{pid}/stat").read_text()
            pid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
        if pid == ancestor:
            return True
    return False
