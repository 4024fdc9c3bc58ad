"""The one small interface every theme engine offers, and the clustering they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform


@dataclass(frozen=True, slots=True)
class NoteText:
    """What an engine knows of a note: its id and text, nothing about who wrote it."""

    id: str
    text: str


class ThemeEngine(Protocol):
    """Groups notes that belong together; titles and duplicates are shared (titles.py,
    duplicates.py), so engines differ only in how alike two notes are."""

    name: str

    def similarity(self, notes: Sequence[NoteText], language: str) -> np.ndarray:
        """An n×n matrix of how alike each pair of notes is (1 on the diagonal)."""
        ...

    @property
    def threshold(self) -> float:
        """The average similarity a suggested theme's notes must reach with each other."""
        ...


def cluster(similarity: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage agglomerative clustering cut at `threshold`, then each cluster
    rid of the notes that are on average less than `threshold` alike to its other notes
    (the least alike first); clusters of one are left out, largest first. Average
    linkage, unlike single, does not chain unrelated notes through a middle one; the
    second step drops the note a merge of two good clusters brought in by a neighbour."""
    n = similarity.shape[0]
    if n < 2:
        return []
    distance = np.clip(1.0 - similarity, 0.0, 2.0).astype(np.float64)
    np.fill_diagonal(distance, 0.0)
    distance = (distance + distance.T) / 2  # float noise must not break symmetry
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    found = [_cohesive(similarity, members, threshold) for members in groups.values()]
    found = [members for members in found if len(members) >= 2]
    return sorted(found, key=lambda members: (-len(members), members[0]))


def _cohesive(similarity: np.ndarray, members: list[int], threshold: float) -> list[int]:
    """The members left when, one at a time, the note least alike on average to the
    others is dropped until every note reaches `threshold`."""
    members = list(members)
    if len(members) < 3:
        return members
    block = similarity[np.ix_(members, members)].astype(np.float64)
    np.fill_diagonal(block, 0.0)
    totals = block.sum(axis=1)
    alive = np.ones(len(members), dtype=bool)
    while alive.sum() >= 2:
        mean = np.where(alive, totals / (alive.sum() - 1), np.inf)
        worst = int(np.argmin(mean))
        if mean[worst] >= threshold:
            break
        alive[worst] = False
        totals -= block[:, worst]
    return [member for member, kept in zip(members, alive, strict=True) if kept]


def cosine(vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity of every pair of rows; all-zero rows are alike to nothing."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return unit @ unit.T
