"""Notes, comments and votes: the changes participants make all workshop long."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, func, insert
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import InvalidInput, LimitReached, NotFound
from app.i18n import N_
from app.models import (
    Board,
    BoardColumn,
    BoardRow,
    Comment,
    Note,
    NoteKind,
    Vote,
    VotingState,
    new_id,
    utcnow,
)
from app.schemas import CommentCreate, CommentPublic, NoteCreate, NotePublic, NoteUpdate, VoteOut
from app.services import events, public, rows, theming, visibility, voting
from app.services.members import (
    Actor,
    column_on_board,
    lock_board,
    require_author_or_facilitator,
    require_facilitator,
    require_writable,
    spend_write,
)
from app.services.text import clean

# A new note is written with a plain INSERT, without the ORM's unit of work: nothing
# reads it back in its transaction, and flushing cost a note more than its statements.
NOTE_COLUMNS = tuple(Note.__table__.columns)  # type: ignore[attr-defined]
NOTE_INSERT = insert(Note.__table__)  # type: ignore[arg-type]


def create_note(session: Session, settings: Settings, actor: Actor, data: NoteCreate) -> NotePublic:
    """Add a note at the end of its column (of its cell, on a grid board), and commit."""
    result = add_note(session, settings, actor, data)
    session.commit()
    return result


def add_note(session: Session, settings: Settings, actor: Actor, data: NoteCreate) -> NotePublic:
    """Add a note at the end of its column (of its cell, on a grid board) in the
    caller's transaction: the doors run it with Units.write_together, so the notes a
    room sends in the same moment commit together."""
    spend_write(actor)
    board = lock_board(session, actor.board_id)
    if data.client_key and (earlier := _by_client_key(session, actor, data.client_key)):
        return public.as_seen(board, actor, public.note_with_comments(session, earlier))
    require_writable(board, actor)
    text = clean(data.text, field=N_("Note"), limit=settings.max_note_chars)
    place = _place(session, actor.board_id, data.column_id, data.row_id)
    if place.notes_on_board >= settings.max_notes_per_board:
        raise LimitReached(
            "The board is full: it holds at most {count} notes.", count=settings.max_notes_per_board
        )
    now = utcnow()
    note = Note(
        id=new_id(),  # given, not defaulted: pydantic inspects each default factory
        created_at=now,
        updated_at=now,
        board_id=board.id,
        column_id=data.column_id,
        author_id=actor.participant_id,
        author_name=actor.name,
        text=text,
        kind=data.kind.value,
        position=place.position,
        client_key=data.client_key,
        visibility=visibility.for_new_note(board, actor),
        row_id=place.row_id,
        color=data.color.value,
        discussion_group_id=actor.discussion_group_id,
        **_step_fields(settings, data.kind.value, data.model_dump(include=set(STEP_FIELDS))),
    )
    session.execute(NOTE_INSERT, {c.key: getattr(note, c.key) for c in NOTE_COLUMNS})
    result = public.new_note(session, note)
    _record_note(session, board, "note.created", note, result)
    return public.as_seen(board, actor, result)


def update_note(
    session: Session, settings: Settings, actor: Actor, note_id: str, data: NoteUpdate
) -> NotePublic:
    """Edit text or kind, or move the note to another cell (column and/or row) and/or
    position."""
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    note = _note_on_board(session, actor, note_id)
    require_author_or_facilitator(actor, note.author_id)
    if data.hidden is not None:
        require_facilitator(actor)
        visibility.hide(note, data.hidden)
    if data.text is not None:
        note.text = clean(data.text, field=N_("Note"), limit=settings.max_note_chars)
    if data.kind is not None:
        note.kind = data.kind.value
    if data.color is not None:
        note.color = data.color.value
    given = data.model_dump(include=set(STEP_FIELDS), exclude_none=True)
    for name, value in _step_fields(settings, note.kind, given).items():
        setattr(note, name, value)
    left_theme = None
    if data.column_id is not None or data.position is not None or data.row_id is not None:
        # Moving a note in a theme takes it out of the theme: a theme lives in one place.
        left_theme, note.theme_id = note.theme_id, None
        row_id = note.row_id
        if data.row_id is not None:  # a row of another board is a 422
            row_id = rows.row_on_board(session, board.id, data.row_id).id
        _move(session, note, data.column_id or note.column_id, row_id, data.position)
    note.updated_at = utcnow()
    session.add(note)
    session.flush()
    result = public.note_with_comments(session, note)
    _record_note(session, board, "note.updated", note, result)
    theming.forget_if_empty(session, board, left_theme)
    session.commit()
    return public.as_seen(board, actor, result)


def _record_note(
    session: Session, board: Board, type_: str, note: Note, result: NotePublic
) -> None:
    """The note's event; app.audience decides who sees it and its count."""
    events.record(session, board, type_, public.as_data(result), note)


def delete_note(session: Session, actor: Actor, note_id: str) -> None:
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    note = _note_on_board(session, actor, note_id)
    require_author_or_facilitator(actor, note.author_id)
    discard_note(session, board, note)
    session.commit()


def discard_note(session: Session, board: Board, note: Note) -> None:
    """Take a note off the board with its event, in the caller's transaction: its
    author's delete, or a facilitator removing the author with their notes."""
    session.delete(note)
    events.forget_note(session, board.id, note.id)
    events.record(
        session,
        board,
        "note.deleted",
        {"id": note.id, "column_id": note.column_id, "row_id": note.row_id},
    )
    theming.forget_if_empty(session, board, note.theme_id)


def add_comment(
    session: Session, settings: Settings, actor: Actor, note_id: str, data: CommentCreate
) -> CommentPublic:
    spend_write(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    note = _note_on_board(session, actor, note_id)
    comment = Comment(
        board_id=board.id,
        note_id=note.id,
        author_id=actor.participant_id,
        author_name=actor.name,
        text=clean(data.text, field=N_("Comment"), limit=settings.max_comment_chars),
    )
    session.add(comment)
    result = public.comment_public(comment)
    events.record(session, board, "comment.created", public.as_data(result), note)
    session.commit()
    return result


def delete_comment(session: Session, actor: Actor, note_id: str, comment_id: str) -> None:
    """Its author or a facilitator takes a comment back; its text leaves the log too."""
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    note = _note_on_board(session, actor, note_id)
    comment = session.get(Comment, comment_id)
    if comment is None or comment.note_id != note.id:
        raise NotFound("There is no such comment on this note.")
    require_author_or_facilitator(actor, comment.author_id)
    session.delete(comment)
    events.forget_comment(session, board.id, note.id, comment.id)
    events.record(session, board, "comment.deleted", {"id": comment.id, "note_id": note.id}, note)
    session.commit()


def set_vote(session: Session, actor: Actor, note_id: str, *, on: bool) -> VoteOut:
    """Free voting: cast this member's single vote on a note, or withdraw one. Repeating
    either is harmless (PUT and DELETE are idempotent) and records no event. During a
    voting round the round's rules apply instead (services/voting.py). Nothing is
    committed here: the votes a room casts at once commit together (app.unit)."""
    spend_write(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    note = _note_on_board(session, actor, note_id)
    if board.voting_state != VotingState.free.value:
        return voting.cast(session, board, actor, note, on=on)
    existing = session.get(Vote, (note.id, actor.participant_id))
    if on and existing is None:
        existing = Vote(note_id=note.id, participant_id=actor.participant_id, board_id=board.id)
        session.add(existing)
    elif not on and existing is not None and existing.count > 1:  # left from a round
        existing.count -= 1
        session.add(existing)
    elif not on and existing is not None:
        session.delete(existing)
        existing = None
    else:
        mine = existing.count if existing else 0
        return VoteOut(note_id=note.id, votes=note.votes, voted=mine > 0, mine=mine)
    session.flush()
    note.votes = voting.count_votes(session, note)
    session.add(note)
    events.record(session, board, "vote.changed", {"note_id": note.id, "votes": note.votes}, note)
    mine = existing.count if existing else 0
    return VoteOut(note_id=note.id, votes=note.votes, voted=mine > 0, mine=mine)


STEP_FIELDS = {
    "owner": N_("Who"),
    "partners": N_("With whom"),
    "how": N_("How"),
    "when": N_("When"),
}


def _step_fields(settings: Settings, kind: str, given: dict[str, str | None]) -> dict[str, str]:
    """A next step's four fields, checked; a plain note cannot have them filled in."""
    fields = {
        name: clean(value, field=STEP_FIELDS[name], limit=settings.max_title_chars, required=False)
        for name, value in given.items()
        if value is not None
    }
    if kind != NoteKind.next_step.value and any(fields.values()):
        raise InvalidInput("Only a next step has who, with whom, how and when.")
    return fields


def _by_client_key(session: Session, actor: Actor, client_key: str) -> Note | None:
    """The note this author already created with this key: a retried create returns
    it instead of making a duplicate. Looked up in Core (the page sends a key with every
    note, and there is hardly ever one), loaded as a Note only when there is."""
    params = {"author": actor.participant_id, "key": client_key}
    earlier = session.execute(NOTE_BY_CLIENT_KEY, params).scalar()
    return None if earlier is None else session.get(Note, earlier)


_NOTES = Note.__table__.c  # type: ignore[attr-defined]
NOTE_BY_CLIENT_KEY = select(_NOTES.id).where(
    _NOTES.author_id == bindparam("author"), _NOTES.client_key == bindparam("key")
)


def _note_on_board(session: Session, actor: Actor, note_id: str) -> Note:
    return visibility.visible_note(session, actor, note_id)


def _in_cell(column_id: str, row_id: str | None) -> Any:
    row = col(Note.row_id)
    return and_(Note.column_id == column_id, row.is_(None) if row_id is None else row == row_id)


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a new note goes: its row, its position, and how many notes the board has."""

    row_id: str | None
    position: int
    notes_on_board: int


def _place(session: Session, board_id: str, column_id: str, row_id: str | None) -> _Place:
    """A new note's place, checked and counted in one statement, because it runs on
    every post of a burst: the column must be on this board, so must a named row (a
    note without one goes to the first row of a grid board, or none), and the note goes
    last in its cell. The same 422s as column_on_board and rows.row_on_board."""
    statement = PLACE_IN_ROW if row_id is not None else PLACE_IN_FIRST_ROW
    params = {"board_id": board_id, "column_id": column_id, "row_id": row_id}
    column_board, row_board, cell, total, last = session.execute(statement, params).one()
    if column_board != board_id:
        raise InvalidInput("That column is not on this board.")
    if row_id is not None and row_board != board_id:
        raise InvalidInput("That row is not on this board.")
    return _Place(cell, 0 if last is None else last + 1, total)


def _place_statement(row_named: bool) -> Any:
    """The statement `_place` runs, built once per case: with a named row (:row_id),
    or in the board's first row (none on a board without rows). Core on the tables'
    columns: the ORM's result machinery cost a third of it."""
    board_id, column_id, row_id = bindparam("board_id"), bindparam("column_id"), bindparam("row_id")
    notes, columns, rows_ = (
        model.__table__.c  # type: ignore[attr-defined]
        for model in (Note, BoardColumn, BoardRow)
    )
    first_row = (
        select(rows_.id)
        .where(rows_.board_id == board_id)
        .order_by(rows_.position)
        .limit(1)
        .scalar_subquery()
    )
    cell_row: Any = row_id if row_named else first_row
    in_row = notes.row_id == row_id if row_named else notes.row_id.is_not_distinct_from(first_row)
    return select(
        select(columns.board_id).where(columns.id == column_id).scalar_subquery(),
        select(rows_.board_id).where(rows_.id == row_id).scalar_subquery(),
        cell_row,
        select(func.count()).where(notes.board_id == board_id).scalar_subquery(),
        select(func.max(notes.position))
        .where(notes.column_id == column_id, in_row)
        .scalar_subquery(),
    )


PLACE_IN_ROW = _place_statement(row_named=True)
PLACE_IN_FIRST_ROW = _place_statement(row_named=False)


def _move(
    session: Session, note: Note, column_id: str, row_id: str | None, position: int | None
) -> None:
    """Place the note at `position` (0-based) in the cell (the column, or its row on a
    grid board) and renumber the cell densely, so a client can apply a move as "insert
    at index"."""
    target = column_on_board(session, note.board_id, column_id)
    siblings = list(
        session.exec(
            select(Note)
            .where(_in_cell(target.id, row_id), Note.id != note.id, col(Note.theme_id).is_(None))
            .order_by(col(Note.position), col(Note.created_at))
        ).all()
    )
    index = len(siblings) if position is None else min(position, len(siblings))
    siblings.insert(index, note)
    note.column_id = target.id
    note.row_id = row_id
    for number, sibling in enumerate(siblings):
        if sibling.position != number:
            sibling.position = number
            session.add(sibling)
