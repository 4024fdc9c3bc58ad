"""Notes, comments and votes."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from app.api.deps import MemberWork, SettingsDep, WriterWork
from app.api.routes.common import errors
from app.schemas import CommentCreate, CommentPublic, NoteCreate, NotePublic, NoteUpdate, VoteOut
from app.services import notes

router = APIRouter(prefix="/boards/{board_id}/notes", tags=["notes"])
NOTE_ERRORS = errors(401, 403, 404, 409, 423, 429)


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=NotePublic, responses=NOTE_ERRORS
)
async def create_note(body: NoteCreate, work: WriterWork, settings: SettingsDep) -> NotePublic:
    return await work.write_together(lambda s, actor: notes.add_note(s, settings, actor, body))


@router.patch("/{note_id}", response_model=NotePublic, responses=NOTE_ERRORS)
async def update_note(
    note_id: str, body: NoteUpdate, work: MemberWork, settings: SettingsDep
) -> NotePublic:
    """Authors edit their own notes; facilitators edit any note on their board."""
    return await work.write(lambda s, actor: notes.update_note(s, settings, actor, note_id, body))


@router.delete("/{note_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOTE_ERRORS)
async def delete_note(note_id: str, work: MemberWork) -> Response:
    await work.write(lambda s, actor: notes.delete_note(s, actor, note_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{note_id}/comments",
    status_code=status.HTTP_201_CREATED,
    response_model=CommentPublic,
    responses=NOTE_ERRORS,
)
async def add_comment(
    note_id: str, body: CommentCreate, work: WriterWork, settings: SettingsDep
) -> CommentPublic:
    return await work.write(lambda s, actor: notes.add_comment(s, settings, actor, note_id, body))


@router.delete(
    "/{note_id}/comments/{comment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=NOTE_ERRORS,
)
async def delete_comment(note_id: str, comment_id: str, work: MemberWork) -> Response:
    """Authors take back their own comments; facilitators any on their board."""
    await work.write(lambda s, actor: notes.delete_comment(s, actor, note_id, comment_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/{note_id}/vote", response_model=VoteOut, responses=NOTE_ERRORS)
async def cast_vote(note_id: str, work: WriterWork) -> VoteOut:
    return await work.write_together(lambda s, actor: notes.set_vote(s, actor, note_id, on=True))


@router.delete("/{note_id}/vote", response_model=VoteOut, responses=NOTE_ERRORS)
async def withdraw_vote(note_id: str, work: MemberWork) -> VoteOut:
    return await work.write_together(lambda s, actor: notes.set_vote(s, actor, note_id, on=False))
