"""The engine for better suggestions: multilingual sentence embeddings (model.py), so
notes that say the same in other words, or in Swedish on a Finnish board, come together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.themes.engine import NoteText, cosine

# The mean e5 vector of the labelled notes in bench/themes: the direction every workshop
# note shares. Subtracting a fixed mean works for two notes as well as for five hundred.
BACKGROUND = Path(__file__).with_name("e5_background.npy")
# The unit direction from Finnish to Swedish, from the app's translated interface strings
# (bench/themes/language.py): what sets a Swedish note apart whatever it is about.
LANGUAGE = Path(__file__).with_name("e5_language.npy")

Vectors = Callable[[Sequence[NoteText]], np.ndarray]


class EmbeddingEngine:
    """`vectors` gives each note's stored embedding (the service reads them from the
    database, computing the few that are missing)."""

    name = "embedding"

    def __init__(self, vectors: Vectors, threshold: float = 0.09) -> None:
        self.vectors = vectors
        self._threshold = threshold

    @property
    def threshold(self) -> float:
        return self._threshold

    def similarity(self, notes: Sequence[NoteText], language: str) -> np.ndarray:
        """e5's cosines sit in a narrow band (0.75–0.95 for almost any two notes):
        subtracting the common direction spreads them, so one threshold means the same on
        every board. Removing the language direction lets a Swedish note join the Finnish
        notes on its subject instead of the other Swedish notes."""
        vectors = self.vectors(notes).astype(np.float32) - _background()
        language = _language()
        vectors -= np.outer(vectors @ language, language)
        similarity = cosine(vectors)
        np.fill_diagonal(similarity, 1.0)
        return similarity


@lru_cache(maxsize=1)
def _background() -> np.ndarray:
    return np.load(BACKGROUND)


@lru_cache(maxsize=1)
def _language() -> np.ndarray:
    return np.load(LANGUAGE)
