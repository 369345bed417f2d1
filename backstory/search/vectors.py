"""The vector index over sentence embeddings: usearch HNSW, kept in a file beside the
database (`backstory.db.usearch`), caught up from the store's vector table when it lags."""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from usearch.index import Index

from backstory.search.embeddings import DIMENSIONS, Vectors, from_bytes
from backstory.store import Store

__all__ = ["SentenceVectorIndex", "StoreVectorIndex", "VectorIndex", "VectorMatch",
           "index_path_for", "vector_index_for"]

LOGGER = logging.getLogger(__name__)
SUFFIX = ".usearch"
_READ_CHUNK = 20_000  # vectors read from the store per query while catching up


@dataclass(frozen=True, slots=True)
class VectorMatch:
    """A sentence near the query: its store pk and the cosine similarity."""

    sentence_pk: int
    similarity: float


class VectorIndex(Protocol):
    """Nearest sentences by embedding, wherever the vectors are searched."""

    def search(self, query: Vectors, *, limit: int) -> list[VectorMatch]: ...
    def sync(self, *, save: bool = True) -> int: ...


def vector_index_for(store: Store, db_url: str) -> VectorIndex:
    """The store's own vector search where it has one (PostgreSQL's pgvector), else the
    usearch index in a file beside the database."""
    if store.native_vectors:
        return StoreVectorIndex(store)
    return SentenceVectorIndex(store, index_path_for(db_url))


class StoreVectorIndex:
    """Nearest sentences found by the store itself: always current, nothing to sync."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def search(self, query: Vectors, *, limit: int) -> list[VectorMatch]:
        return [VectorMatch(sentence_pk=pk, similarity=similarity) for pk, similarity
                in self._store.nearest_sentences(np.asarray(query).tolist(), limit=limit)]

    def sync(self, *, save: bool = True) -> int:
        """Nothing to catch up with; returns the number of vectors the store holds."""
        return self._store.count_vectors()


def index_path_for(db_url: str) -> Path | None:
    """Where the index of an SQLite database lives; None for an in-memory database."""
    if not db_url.startswith("sqlite:///"):
        return None
    path = db_url.removeprefix("sqlite:///").split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path + SUFFIX)


@dataclass(slots=True)
class _Position:
    """How far the index has read the store: the last vector row and removal it applied."""

    uid: str = ""
    vector: int = 0
    removal: int = 0


class SentenceVectorIndex:
    """Nearest sentences by embedding; safe to share between threads.

    The file is a cache: it names the store it was built for and how far it had read; a
    missing, foreign or unreadable file is rebuilt from the store's vectors.
    """

    def __init__(self, store: Store, path: Path | None) -> None:
        self._store = store
        self._path = path
        self._lock = threading.Lock()
        self._index: Index | None = None
        self._at = _Position()

    def search(self, query: Vectors, *, limit: int) -> list[VectorMatch]:
        """The `limit` stored sentences most similar to a unit query vector."""
        with self._lock:
            index = self._caught_up()
            if len(index) == 0:
                return []
            found = index.search(np.asarray(query, dtype=np.float32), min(limit, len(index)))
        # usearch's cosine distance is 1 - similarity.
        return [VectorMatch(sentence_pk=int(key), similarity=float(1.0 - distance))
                for key, distance in zip(found.keys, found.distances, strict=True)]

    def sync(self, *, save: bool = True) -> int:
        """Catch up with the store (and save the file when anything changed); returns the
        number of vectors indexed."""
        with self._lock:
            before = self._at.vector, self._at.removal
            index = self._caught_up()
            if save and (self._at.vector, self._at.removal) != before:
                self._save(index)
            return len(index)

    # -- internals --------------------------------------------------------------------------

    def _caught_up(self) -> Index:
        if self._index is None:
            self._index, self._at = self._load()
        changes = self._store.vector_changes(after_vector=self._at.vector,
                                             after_removal=self._at.removal, limit=_READ_CHUNK)
        if changes.uid != self._at.uid:  # a file of another database, or a new database
            self._index, self._at = _new_index(), _Position(uid=changes.uid)
            changes = self._store.vector_changes(after_vector=0, after_removal=0,
                                                 limit=_READ_CHUNK)
        index = self._index
        # Removals first: a sentence removed and stored again comes back with its new vector.
        if changes.removed and len(index):
            gone = np.array([pk for _, pk in changes.removed], dtype=np.uint64)
            gone = gone[np.asarray(index.contains(gone), dtype=bool)]
            if len(gone):
                index.remove(gone)
        if changes.removed:
            self._at.removal = changes.removed[-1][0]
        while changes.added:
            keys = np.array([pk for _, pk, _ in changes.added], dtype=np.uint64)
            if len(index):
                stale = keys[np.asarray(index.contains(keys), dtype=bool)]
                if len(stale):
                    index.remove(stale)
            index.add(keys, from_bytes([blob for _, _, blob in changes.added]))
            self._at.vector = changes.added[-1][0]
            if len(changes.added) < _READ_CHUNK:
                break
            changes = self._store.vector_changes(after_vector=self._at.vector,
                                                 after_removal=self._at.removal,
                                                 limit=_READ_CHUNK)
        return index

    def _load(self) -> tuple[Index, _Position]:
        if self._path is None or not self._path.exists():
            return _new_index(), _Position()
        meta_path = _meta_path(self._path)
        try:
            meta = json.loads(meta_path.read_text())
            count = meta.pop("count")
            position = _Position(**meta)
            index = Index.restore(str(self._path), view=False)
        except (OSError, ValueError, TypeError, KeyError, RuntimeError) as exc:
            LOGGER.warning("rebuilding the vector index: cannot read %s (%s)", self._path, exc)
            return _new_index(), _Position()
        # Two processes saving at once could pair one's index with the other's position.
        if index is None or index.ndim != DIMENSIONS or len(index) != count:
            LOGGER.warning("rebuilding the vector index: %s does not match its record",
                           self._path)
            return _new_index(), _Position()
        return index, position

    def _save(self, index: Index) -> None:
        if self._path is None:
            return
        # Write both files aside, then swap them in: a reader never sees half a file.
        tmp = self._path.with_name(self._path.name + f".{os.getpid()}.tmp")
        index.save(str(tmp))
        meta_tmp = _meta_path(tmp)
        meta_tmp.write_text(json.dumps({"uid": self._at.uid, "vector": self._at.vector,
                                        "removal": self._at.removal, "count": len(index)}))
        os.replace(tmp, self._path)
        os.replace(meta_tmp, _meta_path(self._path))


def _new_index() -> Index:
    return Index(ndim=DIMENSIONS, metric="cos", dtype="f16")


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")
