"""Notes, comments and votes: the changes participants make all workshop long."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import InvalidInput, LimitReached, NotFound
from app.i18n import N_
from app.models import BoardColumn, Comment, Note, Vote, utcnow
from app.schemas import CommentCreate, CommentPublic, NoteCreate, NotePublic, NoteUpdate, VoteOut
from app.services import events, public, work_groups
from app.services.members import (
    Actor,
    lock_board,
    require_author_or_facilitator,
    require_writable,
)
from app.services.text import clean


def create_note(session: Session, settings: Settings, actor: Actor, data: NoteCreate) -> NotePublic:
    """Add a note at the end of its column."""
    board = lock_board(session, actor.board_id)
    if data.client_key and (earlier := _by_client_key(session, actor, data.client_key)):
        return public.note_with_comments(session, earlier)
    require_writable(board, actor)
    text = clean(data.text, field=N_("Note"), limit=settings.max_note_chars)
    column = _column_on_board(session, actor.board_id, data.column_id)
    total = session.exec(select(func.count()).where(Note.board_id == board.id)).one()
    if total >= settings.max_notes_per_board:
        raise LimitReached(
            "The board is full: it holds at most {count} notes.", count=settings.max_notes_per_board
        )
    note = Note(
        board_id=board.id,
        column_id=column.id,
        author_id=actor.participant_id,
        author_name=actor.name,
        text=text,
        kind=data.kind.value,
        position=_next_position(session, column.id),
        client_key=data.client_key,
        work_group_id=work_groups.group_of(session, actor.participant_id),
    )
    session.add(note)
    result = public.note_with_comments(session, note)
    events.record(session, board, "note.created", public.as_data(result))
    session.commit()
    return result


def update_note(
    session: Session, settings: Settings, actor: Actor, note_id: str, data: NoteUpdate
) -> NotePublic:
    """Edit text or kind, or move the note to another column and/or position."""
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    note = _note_on_board(session, actor.board_id, note_id)
    require_author_or_facilitator(actor, note.author_id)
    if data.text is not None:
        note.text = clean(data.text, field=N_("Note"), limit=settings.max_note_chars)
    if data.kind is not None:
        note.kind = data.kind.value
    if data.column_id is not None or data.position is not None:
        _move(session, note, data.column_id or note.column_id, data.position)
    note.updated_at = utcnow()
    session.add(note)
    session.flush()
    result = public.note_with_comments(session, note)
    events.record(session, board, "note.updated", public.as_data(result))
    session.commit()
    return result


def delete_note(session: Session, actor: Actor, note_id: str) -> None:
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    note = _note_on_board(session, actor.board_id, note_id)
    require_author_or_facilitator(actor, note.author_id)
    session.delete(note)
    events.record(session, board, "note.deleted", {"id": note.id, "column_id": note.column_id})
    session.commit()


def add_comment(
    session: Session, settings: Settings, actor: Actor, note_id: str, data: CommentCreate
) -> CommentPublic:
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    note = _note_on_board(session, actor.board_id, note_id)
    comment = Comment(
        board_id=board.id,
        note_id=note.id,
        author_id=actor.participant_id,
        author_name=actor.name,
        text=clean(data.text, field=N_("Comment"), limit=settings.max_comment_chars),
    )
    session.add(comment)
    result = public.comment_public(comment)
    events.record(session, board, "comment.created", public.as_data(result))
    session.commit()
    return result


def set_vote(session: Session, actor: Actor, note_id: str, *, on: bool) -> VoteOut:
    """Cast or withdraw this member's single vote on a note. Repeating either is harmless
    (PUT and DELETE are idempotent) and records no event."""
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    note = _note_on_board(session, actor.board_id, note_id)
    existing = session.get(Vote, (note.id, actor.participant_id))
    if on and existing is None:
        session.add(Vote(note_id=note.id, participant_id=actor.participant_id, board_id=board.id))
    elif not on and existing is not None:
        session.delete(existing)
    else:
        return VoteOut(note_id=note.id, votes=note.votes, voted=on)
    session.flush()
    note.votes = session.exec(select(func.count()).where(Vote.note_id == note.id)).one()
    session.add(note)
    events.record(session, board, "vote.changed", {"note_id": note.id, "votes": note.votes})
    session.commit()
    return VoteOut(note_id=note.id, votes=note.votes, voted=on)


def _by_client_key(session: Session, actor: Actor, client_key: str) -> Note | None:
    """The note this author already created with this key: a retried create returns
    it instead of making a duplicate."""
    return session.exec(
        select(Note).where(Note.author_id == actor.participant_id, Note.client_key == client_key)
    ).first()


def _column_on_board(session: Session, board_id: str, column_id: str) -> BoardColumn:
    column = session.get(BoardColumn, column_id)
    if column is None or column.board_id != board_id:
        raise InvalidInput("That column is not on this board.")
    return column


def _note_on_board(session: Session, board_id: str, note_id: str) -> Note:
    note = session.get(Note, note_id)
    if note is None or note.board_id != board_id:
        raise NotFound("There is no such note on this board.")
    return note


def _next_position(session: Session, column_id: str) -> int:
    last = session.exec(select(func.max(Note.position)).where(Note.column_id == column_id)).one()
    return 0 if last is None else last + 1


def _move(session: Session, note: Note, column_id: str, position: int | None) -> None:
    """Place the note at `position` (0-based) in the column and renumber the column
    densely, so a client can apply a move as "insert at index"."""
    target = _column_on_board(session, note.board_id, column_id)
    siblings = list(
        session.exec(
            select(Note)
            .where(Note.column_id == target.id, Note.id != note.id)
            .order_by(col(Note.position), col(Note.created_at))
        ).all()
    )
    index = len(siblings) if position is None else min(position, len(siblings))
    siblings.insert(index, note)
    note.column_id = target.id
    for number, sibling in enumerate(siblings):
        if sibling.position != number:
            sibling.position = number
            session.add(sibling)
