"""Stored embeddings (table note_embeddings): read many at once, write a batch."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from sqlmodel import Session, col, select

from app.db import begin_write
from app.models import Note, NoteEmbedding
from app.themes import model


def text_hash(text: str) -> str:
    """Tells whether a stored vector still belongs to the note's current text."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def current(session: Session, texts: dict[str, str]) -> dict[str, np.ndarray]:
    """The stored vectors of these notes (id → text) that match their text and the model."""
    if not texts:
        return {}
    hashes = {note_id: text_hash(text) for note_id, text in texts.items()}
    rows = session.exec(
        select(NoteEmbedding).where(
            col(NoteEmbedding.note_id).in_(list(hashes)), NoteEmbedding.model == model.NAME
        )
    ).all()
    return {
        row.note_id: np.frombuffer(row.vector, dtype=np.float16).astype(np.float32)
        for row in rows
        if hashes.get(row.note_id) == row.text_hash
    }


def missing(session: Session, note_ids: Sequence[str]) -> list[Note]:
    """Those of these notes (still on a board) without a vector for their text."""
    notes = list(session.exec(select(Note).where(col(Note.id).in_(list(note_ids)))).all())
    have = current(session, {note.id: note.text for note in notes})
    return [note for note in notes if note.id not in have]


def save(session: Session, notes: Sequence[Note], vectors: np.ndarray) -> None:
    """Write (or replace) the vectors of these notes in one short transaction."""
    begin_write(session)
    for note, vector in zip(notes, vectors, strict=True):
        if session.get(Note, note.id) is None:
            continue  # deleted meanwhile
        row = session.get(NoteEmbedding, note.id) or NoteEmbedding(
            note_id=note.id, board_id=note.board_id, model="", text_hash="", vector=b""
        )
        row.model = model.NAME
        row.text_hash = text_hash(note.text)
        row.vector = vector.astype(np.float16).tobytes()
        session.add(row)
    session.commit()
