"""Notes, comments and votes."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from app.api.deps import ActorDep, SessionDep, SettingsDep
from app.api.routes.common import errors
from app.schemas import CommentCreate, CommentPublic, NoteCreate, NotePublic, NoteUpdate, VoteOut
from app.services import notes

router = APIRouter(prefix="/boards/{board_id}/notes", tags=["notes"])
NOTE_ERRORS = errors(401, 403, 404, 409, 423, 429)


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=NotePublic, responses=NOTE_ERRORS
)
def create_note(
    body: NoteCreate, actor: ActorDep, session: SessionDep, settings: SettingsDep
) -> NotePublic:
    return notes.create_note(session, settings, actor, body)


@router.patch("/{note_id}", response_model=NotePublic, responses=NOTE_ERRORS)
def update_note(
    note_id: str, body: NoteUpdate, actor: ActorDep, session: SessionDep, settings: SettingsDep
) -> NotePublic:
    """Authors edit their own notes; facilitators edit any note on their board."""
    return notes.update_note(session, settings, actor, note_id, body)


@router.delete("/{note_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOTE_ERRORS)
def delete_note(note_id: str, actor: ActorDep, session: SessionDep) -> Response:
    notes.delete_note(session, actor, note_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{note_id}/comments",
    status_code=status.HTTP_201_CREATED,
    response_model=CommentPublic,
    responses=NOTE_ERRORS,
)
def add_comment(
    note_id: str,
    body: CommentCreate,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> CommentPublic:
    return notes.add_comment(session, settings, actor, note_id, body)


@router.put("/{note_id}/vote", response_model=VoteOut, responses=NOTE_ERRORS)
def cast_vote(note_id: str, actor: ActorDep, session: SessionDep) -> VoteOut:
    return notes.set_vote(session, actor, note_id, on=True)


@router.delete("/{note_id}/vote", response_model=VoteOut, responses=NOTE_ERRORS)
def withdraw_vote(note_id: str, actor: ActorDep, session: SessionDep) -> VoteOut:
    return notes.set_vote(session, actor, note_id, on=False)
