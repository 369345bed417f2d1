"""Near-duplicate detection: MinHash signatures, LSH band keys, and a containment check.

A re-post, a syndicated copy, a re-headlined or truncated version of an article shares
most of its word 3-shingles with the first copy. MinHash (datasketch) estimates shingle
overlap cheaply; banding the signature gives keys that the store indexes, so candidates
are found by lookup however large the store grows. Each candidate is then verified on
the exact shingle sets: a copy is a duplicate when most of the shorter text's shingles
occur in the longer (containment), which also catches truncated copies.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

__all__ = ["Fingerprint", "NearDuplicateIndex", "best_match", "containment", "fingerprint"]

NUM_PERM = 128
# 64 bands of 2 rows: a copy truncated to half its length (Jaccard ~0.5) is a candidate
# with probability 1 - 0.75**64; unrelated texts (Jaccard < 0.05) rarely are.
BANDS = 64
ROWS = NUM_PERM // BANDS
SHINGLE = 3
# Chosen on eval/fixtures/duplicates.jsonl (see BENCHMARKS.md): copies score above it,
# independent reports of the same event below.
CONTAINMENT_THRESHOLD = 0.5
# Texts shorter than this many shingles are compared exactly, never by LSH alone.
_MIN_SHINGLES = 8
_WORD = re.compile(r"\w+", re.UNICODE)
_SEED = 1
# The seed's permutations, drawn once: MinHash would draw them again for every article.
_SIGNER = MinHash(num_perm=NUM_PERM, seed=_SEED)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """An article's shingle set, MinHash signature and LSH band keys."""

    shingles: frozenset[int]
    band_keys: tuple[int, ...]

    @property
    def size(self) -> int:
        return len(self.shingles)


def fingerprint(text: str) -> Fingerprint:
    """Shingle a text and sign it; the same text always gives the same fingerprint."""
    shingles = _shingles(text)
    signature = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_SIGNER.permutations,
                        scheme=_SIGNER.scheme)
    if shingles:
        signature.update_batch([struct.pack("<q", s) for s in shingles])
    values = np.asarray(signature.hashvalues, dtype=np.uint64)
    keys = tuple(
        _band_key(band, values[band * ROWS:(band + 1) * ROWS].tobytes())
        for band in range(BANDS)
    )
    return Fingerprint(shingles=frozenset(shingles), band_keys=keys)


def containment(a: Fingerprint, b: Fingerprint) -> float:
    """The share of the smaller text's shingles that the other text also has."""
    smaller = min(a.size, b.size)
    if smaller == 0:
        return 0.0
    return len(a.shingles & b.shingles) / smaller


class NearDuplicateIndex:
    """An in-memory LSH index over fingerprints (for articles not yet in the store)."""

    def __init__(self) -> None:
        self._by_key: dict[int, list[str]] = {}
        self._prints: dict[str, Fingerprint] = {}

    def add(self, article_id: str, print_: Fingerprint) -> None:
        self._prints[article_id] = print_
        for key in print_.band_keys:
            self._by_key.setdefault(key, []).append(article_id)

    def remove(self, article_id: str) -> None:
        print_ = self._prints.pop(article_id, None)
        if print_ is None:
            return
        for key in print_.band_keys:
            holders = self._by_key.get(key)
            if holders and article_id in holders:
                holders.remove(article_id)
                if not holders:
                    del self._by_key[key]

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._prints

    def candidates(self, print_: Fingerprint) -> list[str]:
        found: dict[str, None] = {}
        for key in print_.band_keys:
            for article_id in self._by_key.get(key, ()):
                found[article_id] = None
        return list(found)

    def fingerprint_of(self, article_id: str) -> Fingerprint:
        return self._prints[article_id]



def best_match(print_: Fingerprint, candidates: Iterable[tuple[str, Fingerprint]]
               ) -> tuple[str, float] | None:
    """The candidate this fingerprint duplicates best, if any passes the threshold."""
    best: tuple[str, float] | None = None
    for article_id, other in candidates:
        if min(print_.size, other.size) < _MIN_SHINGLES and print_.shingles != other.shingles:
            continue  # too short to call a near copy; exact copies are caught by hash
        score = containment(print_, other)
        if score >= CONTAINMENT_THRESHOLD and (best is None or score > best[1]):
            best = (article_id, score)
    return best


def _shingles(text: str) -> set[int]:
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) < SHINGLE:
        return {_hash64(" ".join(words))} if words else set()
    return {_hash64(" ".join(words[i:i + SHINGLE])) for i in range(len(words) - SHINGLE + 1)}


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(),
                          "little", signed=True)


def _band_key(band: int, values: bytes) -> int:
    digest = hashlib.blake2b(bytes([band]) + values, digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)
