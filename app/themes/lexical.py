"""The engine that always works: TF-IDF over the notes' stemmed words and their
character n-grams, compared by cosine. Needs no model, only the notes in front of it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from app.themes import text
from app.themes.engine import NoteText


class LexicalEngine:
    """Stems (Finnish, Swedish, English Snowball) find the same word in another form;
    character n-grams find the shared part of compounds (ohjauspalvelut, palveluohjaus)."""

    name = "lexical"

    def __init__(self, threshold: float = 0.11, char_weight: float = 0.5) -> None:
        self._threshold = threshold
        self.char_weight = char_weight

    @property
    def threshold(self) -> float:
        return self._threshold

    def similarity(self, notes: Sequence[NoteText], language: str) -> np.ndarray:
        return _dense_cosine(self.vectors(notes, language))

    def vectors(self, notes: Sequence[NoteText], language: str) -> csr_matrix:
        """One L2-normalised row per note: stems and stem beginnings, then n-grams."""
        tokens = [_features(note.text, language) for note in notes]
        blocks = [_tfidf(tokens, analyzer=lambda doc: doc["words"])]
        if self.char_weight > 0:
            grams = _tfidf(tokens, analyzer=_char_grams)
            blocks.append(None if grams is None else grams * self.char_weight)
        present = [block for block in blocks if block is not None]
        if not present:
            return csr_matrix((len(notes), 0))
        return normalize(hstack(present).tocsr())


def _features(note_text: str, language: str) -> dict[str, list[str]]:
    found = text.words(note_text, language)
    keys = [word.stem for word in found] + [f"^{word.key}" for word in found]
    return {"words": keys, "stems": [word.stem for word in found]}


def _char_grams(doc: dict[str, list[str]]) -> list[str]:
    """4-grams inside each stem, padded, so compounds share their parts."""
    grams: list[str] = []
    for stem in doc["stems"]:
        padded = f" {stem} "
        grams.extend(padded[i : i + 4] for i in range(max(len(padded) - 3, 1)))
    return grams


def _tfidf(docs: list[dict[str, list[str]]], analyzer: object) -> csr_matrix | None:
    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=1)
    try:
        return vectorizer.fit_transform(docs)
    except ValueError:  # no note has a single content word
        return None


def _dense_cosine(matrix: csr_matrix) -> np.ndarray:
    if matrix.shape[1] == 0:
        return np.eye(matrix.shape[0])
    similarity = (matrix @ matrix.T).toarray()
    np.fill_diagonal(similarity, 1.0)
    return similarity
