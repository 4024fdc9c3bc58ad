"""The board's next steps in one list: what, who, with whom, how and when, by column."""

from __future__ import annotations

from sqlmodel import Session

from app.models import NoteKind
from app.schemas import NextStepPublic
from app.services import public
from app.services.members import Actor, get_board


def list_next_steps(session: Session, actor: Actor) -> list[NextStepPublic]:
    """Every next step on the board this member may see, in board order, each with its
    column's title (and its count unless a voting round hides it from them)."""
    snapshot = public.snapshot(session, get_board(session, actor.board_id), actor)
    titles = {column.id: column.title for column in snapshot.columns}
    return [
        NextStepPublic(**note.model_dump(), column_title=titles.get(note.column_id, ""))
        for note in snapshot.notes
        if note.kind is NoteKind.next_step
    ]
