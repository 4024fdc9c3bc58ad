"""Moderation and private writing: approve a waiting note, reveal every private note."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import MemberWork
from app.api.routes.common import errors
from app.schemas import BoardSnapshot, NotePublic
from app.services import visibility

router = APIRouter(prefix="/boards/{board_id}", tags=["moderation"])
MODERATION_ERRORS = errors(401, 403, 404, 409, 423)


@router.post("/notes/{note_id}/approve", response_model=NotePublic, responses=MODERATION_ERRORS)
async def approve_note(note_id: str, work: MemberWork) -> NotePublic:
    """Facilitators: let a note that waits for approval be seen by everyone."""
    return await work.write(lambda s, actor: visibility.approve(s, actor, note_id))


@router.post("/reveal", response_model=BoardSnapshot, responses=MODERATION_ERRORS)
async def reveal(work: MemberWork) -> BoardSnapshot:
    """Facilitators: end private writing and show every note written in it at once."""
    return await work.write(visibility.reveal)
