"""Theme suggestions for a facilitator: the notes not yet in a theme, on the board or in
one column, grouped by the configured engine. Read-only: nothing is stored until the
facilitator accepts a theme (through the theme service, app/services/theming.py)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import Conflict, PajaError
from app.models import Note
from app.services.members import Actor, column_on_board, require_facilitator
from app.themes import model, pipeline, store
from app.themes.embedding import EmbeddingEngine
from app.themes.engine import NoteText, ThemeEngine
from app.themes.lexical import LexicalEngine
from app.themes.schemas import SuggestedTheme, ThemeSuggestionsPublic
from app.themes.worker import EmbeddingWorker

# One suggestion at a time per process: clustering a large board takes a core, and the
# server's other requests need the other.
_one_at_a_time = threading.BoundedSemaphore(1)
RETRY_SECONDS = 5


class SuggestionsBusy(PajaError):
    """The server cannot answer now (another suggestion runs, or embeddings are still
    being computed); the client may ask again after `retry_after` seconds."""

    status_code = 503
    retry_after = RETRY_SECONDS


def suggest(
    session: Session,
    settings: Settings,
    actor: Actor,
    column_id: str | None,
    worker: EmbeddingWorker,
) -> ThemeSuggestionsPublic:
    """Suggested themes and duplicates among the notes not yet in a theme."""
    require_facilitator(actor)
    if column_id is not None:
        column_on_board(session, actor.board_id, column_id)
    notes = _unthemed(session, actor.board_id, column_id)
    if len(notes) < 2:
        return ThemeSuggestionsPublic(themes=[], duplicates=[], engine="")
    if len(notes) > settings.theme_max_notes:
        raise Conflict(
            "There are {count} notes without a theme; suggestions take at most {limit} at "
            "a time. Choose one column.",
            count=len(notes),
            limit=settings.theme_max_notes,
        )
    if not _one_at_a_time.acquire(timeout=min(2.0, settings.theme_timeout_seconds)):
        raise SuggestionsBusy("Another theme suggestion is being computed. Try again soon.")
    try:
        engine = _engine(session, settings, worker, notes)
        result = pipeline.suggest(notes, actor.language, engine)
    finally:
        _one_at_a_time.release()
    return ThemeSuggestionsPublic(
        themes=[SuggestedTheme(title=t.title, note_ids=t.note_ids) for t in result.themes],
        duplicates=result.duplicates,
        engine=result.engine,
    )


def _unthemed(session: Session, board_id: str, column_id: str | None) -> list[NoteText]:
    query = select(Note.id, Note.text).where(Note.board_id == board_id)
    query = query.where(col(Note.theme_id).is_(None))
    if column_id is not None:
        query = query.where(Note.column_id == column_id)
    rows = session.exec(query.order_by(col(Note.column_id), col(Note.position))).all()
    return [NoteText(note_id, text) for note_id, text in rows]


def _engine(
    session: Session, settings: Settings, worker: EmbeddingWorker, notes: Sequence[NoteText]
) -> ThemeEngine:
    """The configured engine; `auto` answers with the lexical one when the embedding
    extra is absent or too many notes still wait for their embeddings."""
    choice = settings.theme_engine
    if choice == "lexical" or (choice == "auto" and not model.available()):
        return LexicalEngine()
    if not model.available():
        raise SuggestionsBusy("The embedding engine is not installed on this server.")
    vectors = _vectors(session, settings, worker, notes)
    if vectors is None:
        if choice == "auto":
            return LexicalEngine()
        raise SuggestionsBusy("The notes are still being read. Try again in a moment.")
    return EmbeddingEngine(lambda _notes: vectors)


def _vectors(
    session: Session, settings: Settings, worker: EmbeddingWorker, notes: Sequence[NoteText]
) -> np.ndarray | None:
    """Every note's stored vector, computing at most `theme_embed_on_demand` missing
    ones within the time limit; None when that is not enough."""
    texts = {note.id: note.text for note in notes}
    found = store.current(session, texts)
    absent = [note_id for note_id in texts if note_id not in found]
    if absent:
        if len(absent) > settings.theme_embed_on_demand:
            worker.later(absent)
            return None
        if not worker.compute(absent, settings.theme_timeout_seconds):
            return None
        session.rollback()  # end the read that began before the worker wrote
        found = store.current(session, texts)
        if len(found) < len(texts):
            return None  # edited meanwhile
    return np.stack([found[note.id] for note in notes])
