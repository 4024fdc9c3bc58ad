"""Quality of theme suggestions on the labelled set (notes.tsv): pairwise precision and
recall of the suggested themes against the labels, and of duplicate detection.

    python -m bench.themes.quality            # tuned thresholds, both engines
    python -m bench.themes.quality --sweep    # every threshold, to tune them

Besides the whole set, the report scores each engine on every board made of five of the
ten labelled themes (252 boards of about 66 notes, chance precision about 0.2) at the
same threshold: a threshold that only suits the 132 notes it was chosen on shows there.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from statistics import mean

import numpy as np

from app.themes import model
from app.themes.embedding import EmbeddingEngine
from app.themes.engine import NoteText, ThemeEngine
from app.themes.lexical import LexicalEngine
from app.themes.pipeline import Suggestions, suggest

_CACHE: dict[str, np.ndarray] = {}
HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent / "results"


@dataclass(frozen=True)
class Labelled:
    notes: list[NoteText]
    theme: dict[str, str]
    duplicate: dict[str, str]


def load_set(path: Path = HERE / "notes.tsv") -> Labelled:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    notes = [NoteText(f"n{i}", row["text"]) for i, row in enumerate(rows)]
    theme = {note.id: row["theme"] for note, row in zip(notes, rows, strict=True)}
    dups = {note.id: row["dup"] for note, row in zip(notes, rows, strict=True) if row["dup"]}
    return Labelled(notes, theme, dups)


def _pairs(groups: Iterable[Sequence[str]]) -> set[frozenset[str]]:
    return {frozenset(pair) for group in groups for pair in combinations(group, 2)}


def _labelled_pairs(labels: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, list[str]] = {}
    for note_id, label in labels.items():
        groups.setdefault(label, []).append(note_id)
    return _pairs(groups.values())


def _precision_recall(found: set[frozenset[str]], truth: set[frozenset[str]]) -> dict:
    hits = len(found & truth)
    return {
        "precision": round(hits / len(found), 3) if found else 0.0,
        "recall": round(hits / len(truth), 3) if truth else 0.0,
        "pairs": len(found),
    }


def score(labelled: Labelled, suggestions: Suggestions) -> dict:
    """Pairwise scores of themes and duplicates, and how many notes got a theme."""
    themes = _precision_recall(
        _pairs(t.note_ids for t in suggestions.themes), _labelled_pairs(labelled.theme)
    )
    covered = sum(len(t.note_ids) for t in suggestions.themes)
    return {
        "themes": {
            **themes,
            "count": len(suggestions.themes),
            "notes_in_a_theme": round(covered / len(labelled.notes), 3),
        },
        "duplicates": _precision_recall(
            _pairs(suggestions.duplicates), _labelled_pairs(labelled.duplicate)
        ),
    }


def embedded(notes: Sequence[NoteText]) -> np.ndarray:
    return model.embed([note.text for note in notes])


def engines(threshold: float | None = None) -> list[ThemeEngine]:
    """The lexical engine, and the embedding one when its extra is installed; vectors are
    computed once for the whole set."""
    found: list[ThemeEngine] = [
        LexicalEngine() if threshold is None else LexicalEngine(threshold=threshold)
    ]
    if model.available():

        def vectors(notes: Sequence[NoteText]) -> np.ndarray:
            absent = [note for note in notes if note.id not in _CACHE]
            if absent:
                _CACHE.update(zip([note.id for note in absent], embedded(absent), strict=True))
            return np.stack([_CACHE[note.id] for note in notes])

        found.append(
            EmbeddingEngine(vectors)
            if threshold is None
            else EmbeddingEngine(vectors, threshold=threshold)
        )
    return found


def halves(labelled: Labelled, engine: ThemeEngine, language: str = "fi") -> dict:
    """Scores on every board of five of the ten themes, at the engine's threshold."""
    names = sorted(set(labelled.theme.values()))
    found = []
    for chosen in combinations(names, len(names) // 2):
        notes = [note for note in labelled.notes if labelled.theme[note.id] in chosen]
        part = Labelled(
            notes,
            {note.id: labelled.theme[note.id] for note in notes},
            {k: v for k, v in labelled.duplicate.items() if k in {n.id for n in notes}},
        )
        found.append(score(part, suggest(notes, language, engine))["themes"])
    precision = sorted(result["precision"] for result in found)
    recall = sorted(result["recall"] for result in found)
    tenth = len(found) // 10
    return {
        "boards": len(found),
        "precision_mean": round(mean(precision), 3),
        "precision_10th_percentile": precision[tenth],
        "recall_mean": round(mean(recall), 3),
        "recall_10th_percentile": recall[tenth],
        "share_meeting_both": round(
            mean(r["precision"] >= 0.5 and r["recall"] >= 0.3 for r in found), 3
        ),
    }


def run(language: str = "fi") -> dict:
    labelled = load_set()
    report = {}
    for engine in engines():
        started = time.perf_counter()
        suggestions = suggest(labelled.notes, language, engine)
        seconds = round(time.perf_counter() - started, 3)
        report[engine.name] = {
            "threshold": engine.threshold,
            **score(labelled, suggestions),
            "seconds": seconds,
            "five_theme_boards": halves(labelled, engine, language),
            "titles": [t.title for t in suggestions.themes],
        }
    return report


def sweep(language: str = "fi") -> None:
    labelled = load_set()
    for step in [*range(2, 20), *range(20, 80, 5)]:
        threshold = step / 100
        for engine in engines(threshold):
            result = score(labelled, suggest(labelled.notes, language, engine))["themes"]
            print(f"{engine.name:9} {threshold:.2f} {json.dumps(result)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sweep", action="store_true")
    args = parser.parse_args()
    if args.sweep:
        sweep()
        return
    report = run()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "themes_quality.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
