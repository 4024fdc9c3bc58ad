"""From notes to suggestions, whatever the engine: cluster by the engine's similarity,
title each cluster from its notes' words, and find duplicates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.themes import duplicates, text
from app.themes.engine import NoteText, ThemeEngine, cluster
from app.themes.titles import Titler


@dataclass(frozen=True, slots=True)
class Theme:
    title: str
    note_ids: list[str]


@dataclass(frozen=True, slots=True)
class Suggestions:
    """What the facilitator is offered; nothing of it is stored until they accept."""

    themes: list[Theme] = field(default_factory=list)
    duplicates: list[list[str]] = field(default_factory=list)
    engine: str = ""


def suggest(notes: Sequence[NoteText], language: str, engine: ThemeEngine) -> Suggestions:
    """Themes of at least two notes (a note in at most one), and duplicate groups."""
    if len(notes) < 2:
        return Suggestions(engine=engine.name)
    words = [text.words(note.text, language) for note in notes]
    clusters = cluster(engine.similarity(notes, language), engine.threshold)
    titler = Titler([note.text for note in notes], words, language)
    themes = [Theme(titler.title(members), [notes[i].id for i in members]) for members in clusters]
    same = [[notes[i].id for i in members] for members in duplicates.duplicates(words)]
    return Suggestions(themes, same, engine.name)
