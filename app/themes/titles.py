"""A suggested theme's title, drawn from its notes' own words: the words most of its
notes share and the rest of the board uses less, each in its shortest written form
(for Finnish and Swedish nouns, usually the base form)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

from app.themes.text import Word, language_of

MAX_WORDS = 2
FALLBACK_CHARS = 40


class Titler:
    """Knows how often each word occurs across all the notes considered, so a title
    prefers the words that set a theme apart from the rest."""

    def __init__(self, texts: Sequence[str], words: Sequence[Sequence[Word]], language: str):
        self.texts = texts
        self.words = words
        self.language = language
        self.document_frequency = Counter(key for found in words for key in {w.key for w in found})

    def title(self, members: Sequence[int]) -> str:
        keys = self._top_keys(members)
        if not keys:
            return _shortened(self.texts[members[0]])
        phrase = self._phrase(members, keys)
        joined = phrase or ", ".join(self._written_form(members, key) for key in keys)
        return joined[:1].upper() + joined[1:]

    def _phrase(self, members: Sequence[int], keys: list[str]) -> str | None:
        """The two words as a note wrote them side by side ("matalan kynnyksen"), from
        the shortest such note: a phrase reads better than two words in a list."""
        if len(keys) < 2:
            return None
        for i in sorted(members, key=lambda i: len(self.texts[i])):
            found = self.words[i]
            for first, second in pairwise(found):
                if {first.key, second.key} == set(keys):
                    return f"{_case(first.surface)} {_case(second.surface)}"
        return None

    def _top_keys(self, members: Sequence[int]) -> list[str]:
        in_notes = Counter(key for i in members for key in {w.key for w in self.words[i]})
        total = len(self.words)

        def score(key: str) -> float:
            return in_notes[key] * math.log(1 + total / self.document_frequency[key])

        shared = [key for key, count in in_notes.items() if count >= 2] or list(in_notes)
        return sorted(shared, key=lambda key: (-score(key), key))[:MAX_WORDS]

    def _written_form(self, members: Sequence[int], key: str) -> str:
        """The shortest form of the key's most common stem, from notes in the board's
        language when there are any."""
        own = [i for i in members if language_of(self.texts[i], self.language) == self.language]
        source = [w for i in (own or members) for w in self.words[i] if w.key == key]
        if not source:
            source = [w for i in members for w in self.words[i] if w.key == key]
        stem = Counter(w.stem for w in source).most_common(1)[0][0]
        forms = [w.surface for w in source if w.stem == stem]
        return _case(min(forms, key=lambda surface: (len(surface), surface.lower())))


def _case(surface: str) -> str:
    """Lower case, except abbreviations written in capitals (ELO, TE)."""
    return surface if surface.isupper() and len(surface) > 1 else surface.lower()


def _shortened(note_text: str) -> str:
    line = " ".join(note_text.split())
    if len(line) <= FALLBACK_CHARS:
        return line
    return line[: FALLBACK_CHARS - 1].rsplit(" ", 1)[0] + "…"
