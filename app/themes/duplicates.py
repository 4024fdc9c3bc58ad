"""Notes that say the same thing: one note's content words all (or nearly all) in
another that adds at most a few words, such as a note posted twice, once with
"(ryhmän 3 ehdotus)" added. Typos at a word's end are forgiven by comparing stem
beginnings; anything more is a theme, not a duplicate."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix

from app.themes.text import Word

MIN_SHARED = 2  # two one-word notes ("Rahoitus") are alike but may mean different things
MIN_CONTAINED = 0.8
MAX_EXTRA_WORDS = 4


def duplicates(words: Sequence[Sequence[Word]]) -> list[list[int]]:
    """Groups of note indexes that say the same thing, each group in note order."""
    keys = [{w.key for w in found} for found in words]
    matrix, sizes = _incidence(keys)
    if matrix.shape[1] == 0:
        return []
    overlap = (matrix @ matrix.T).tocoo()
    rows, cols, shared = overlap.row, overlap.col, overlap.data
    smaller = np.minimum(sizes[rows], sizes[cols])
    larger = np.maximum(sizes[rows], sizes[cols])
    same = (
        (rows < cols)
        & (shared >= MIN_SHARED)
        & (shared >= MIN_CONTAINED * smaller)
        & (larger - shared <= MAX_EXTRA_WORDS)
    )
    parent = list(range(len(keys)))
    for i, j in zip(rows[same], cols[same], strict=True):
        _union(parent, int(i), int(j))
    groups: dict[int, list[int]] = {}
    for index in range(len(keys)):
        groups.setdefault(_find(parent, index), []).append(index)
    return [members for members in groups.values() if len(members) >= 2]


def _incidence(keys: list[set[str]]) -> tuple[csr_matrix, np.ndarray]:
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for row, found in enumerate(keys):
        for key in found:
            rows.append(row)
            cols.append(vocabulary.setdefault(key, len(vocabulary)))
    data = np.ones(len(rows), dtype=np.int32)
    matrix = csr_matrix((data, (rows, cols)), shape=(len(keys), len(vocabulary)))
    return matrix, np.array([len(found) for found in keys])


def _find(parent: list[int], index: int) -> int:
    while parent[index] != index:
        parent[index] = parent[parent[index]]
        index = parent[index]
    return index


def _union(parent: list[int], a: int, b: int) -> None:
    parent[_find(parent, a)] = _find(parent, b)
