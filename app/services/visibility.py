"""Who sees a note: private writing and its reveal, approval before a note is shown, and
notes a facilitator hides. A note that is not public is seen only by its author and the
board's facilitators, in the REST snapshot and on the WebSocket alike; everyone else
receives a `note.withheld` event in its place, so their seq stays gap-free."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.errors import Conflict, NotFound
from app.models import Board, Note, NoteVisibility, utcnow
from app.schemas import BoardSnapshot, NotePublic
from app.services import events, public
from app.services.members import Actor, lock_board, require_facilitator, require_writable

PUBLIC = NoteVisibility.public.value


def for_new_note(board: Board, actor: Actor) -> str:
    """Facilitators' own notes are always public (instructions, examples); participants'
    wait for approval first, then for the reveal."""
    if actor.is_facilitator:
        return PUBLIC
    if board.approval_required:
        return NoteVisibility.pending.value
    if board.private_writing:
        return NoteVisibility.private.value
    return PUBLIC


def after_approval(board: Board) -> str:
    return NoteVisibility.private.value if board.private_writing else PUBLIC


def withheld_from_others(note: Note) -> dict[str, Any] | None:
    """The `for_others` of any event about this note (see events.record)."""
    if note.visibility == PUBLIC:
        return None
    return {
        "type": "note.withheld",
        "data": {"id": note.id, "column_id": note.column_id},
        "visible_to": note.author_id,
    }


def can_see(actor: Actor, note: Note) -> bool:
    return (
        note.visibility == PUBLIC or actor.is_facilitator or note.author_id == actor.participant_id
    )


def visible_note(session: Session, actor: Actor, note_id: str) -> Note:
    """The note, or 404 when it is not on this board or not this actor's to see: a
    withheld note does not exist for those who may not see it."""
    note = session.get(Note, note_id)
    if note is None or note.board_id != actor.board_id or not can_see(actor, note):
        raise NotFound("There is no such note on this board.")
    return note


def set_board_modes(
    session: Session,
    board: Board,
    *,
    private_writing: bool | None = None,
    approval_required: bool | None = None,
) -> None:
    """Change the modes inside the caller's transaction; ending private writing
    reveals every note written meanwhile in one `notes.revealed` event."""
    if approval_required is not None:
        board.approval_required = approval_required
    if private_writing is None or private_writing == board.private_writing:
        return
    board.private_writing = private_writing
    if not private_writing:
        _reveal(session, board)


def reveal(session: Session, actor: Actor) -> BoardSnapshot:
    """End private writing: every participant sees every note at once."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    board.private_writing = False
    _reveal(session, board)
    _record_board(session, board)
    session.commit()
    return public.snapshot(session, board, actor)


def _reveal(session: Session, board: Board) -> list[NotePublic]:
    waiting = session.exec(
        select(Note)
        .where(Note.board_id == board.id, Note.visibility == NoteVisibility.private.value)
        .order_by(col(Note.created_at))
    ).all()
    if not waiting:
        return []
    for note in waiting:
        note.visibility = PUBLIC
        note.updated_at = utcnow()
        session.add(note)
    session.flush()
    shown = [public.note_with_comments(session, note) for note in waiting]
    data = {"notes": [public.as_data(n) for n in shown]}
    masked = {"notes": [{**note, "votes": None} for note in data["notes"]]}
    hidden = public.results_hidden(board)
    # Participants get their own encoding either way: their cards come without the tools
    # to change others' notes (see web/render.py), and without counts in a hidden round.
    others = {"type": "notes.revealed", "data": masked} if hidden else {"same": True}
    events.record(session, board, "notes.revealed", data, others)
    return shown


def _record_board(session: Session, board: Board) -> None:
    events.record(session, board, "board.updated", public.board_fields(session, board))


def approve(session: Session, actor: Actor, note_id: str) -> NotePublic:
    """Let a waiting note be seen (at once, or at the reveal during private writing)."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    note = visible_note(session, actor, note_id)
    if note.visibility != NoteVisibility.pending.value:
        raise Conflict("This note is not waiting for approval.")
    note.visibility = after_approval(board)
    return _record_note(session, board, note)


def set_hidden(session: Session, actor: Actor, note_id: str, hidden: bool) -> NotePublic:
    """Hide a note from participants (its author still sees it, marked hidden), or show
    it again; hiding a waiting note is how a facilitator declines it."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    note = visible_note(session, actor, note_id)
    hide(note, hidden)
    return _record_note(session, board, note)


def hide(note: Note, hidden: bool) -> None:
    if hidden:
        note.visibility = NoteVisibility.hidden.value
    elif note.visibility == NoteVisibility.hidden.value:
        note.visibility = PUBLIC


def _record_note(session: Session, board: Board, note: Note) -> NotePublic:
    note.updated_at = utcnow()
    session.add(note)
    session.flush()
    result = public.note_with_comments(session, note)
    data = public.as_data(result)
    withheld = public.counts_withheld(board, "note.updated", data, withheld_from_others(note))
    events.record(session, board, "note.updated", data, withheld)
    session.commit()
    return result


def counts(session: Session, board_id: str) -> dict[str, int]:
    """How many notes wait in each non-public state, for the facilitator's bar."""
    rows = session.exec(
        select(Note.visibility).where(Note.board_id == board_id, Note.visibility != PUBLIC)
    ).all()
    return {
        state.value: rows.count(state.value) for state in NoteVisibility if state.value != PUBLIC
    }
