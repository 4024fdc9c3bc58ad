"""The direction in e5's space that separates Swedish from Finnish, estimated from the
app's own interface strings (app/locales: the same 500-odd messages in both languages),
so it owes nothing to the labelled notes the engines are measured on.

    python -m bench.themes.language     # writes app/themes/e5_language.npy

The embedding engine removes this direction before comparing notes: without it, a
Swedish note's nearest neighbours are other Swedish notes (92 % of its five nearest on the
labelled set) rather than notes on its subject."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from babel.messages.pofile import read_po

from app.themes import model
from app.themes.embedding import LANGUAGE

LOCALES = Path(__file__).resolve().parents[2] / "app" / "locales"
MAX_CHARS = 160  # note-sized messages; long help texts say more than a note does
PLACEHOLDER = re.compile(r"\{[^}]*\}")


def _messages(language: str) -> dict[str, str]:
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    return {
        message.id: PLACEHOLDER.sub("", message.string).strip()
        for message in catalog
        if isinstance(message.id, str) and message.id and isinstance(message.string, str)
    }


def direction() -> np.ndarray:
    """The mean difference Swedish − Finnish over the translated pairs, unit length."""
    finnish, swedish = _messages("fi"), _messages("sv")
    ids = sorted(
        key
        for key in finnish
        if finnish[key] and swedish.get(key) and len(finnish[key]) < MAX_CHARS
    )
    difference = model.embed([swedish[key] for key in ids]) - model.embed(
        [finnish[key] for key in ids]
    )
    mean = difference.mean(axis=0)
    return (mean / np.linalg.norm(mean)).astype(np.float32)


def main() -> None:
    found = direction()
    np.save(LANGUAGE, found)
    print(f"wrote {LANGUAGE} ({found.shape[0]} dimensions)")


if __name__ == "__main__":
    main()
