"""A note's state changes: private writing and its reveal, approval before a note is
shown, and notes a facilitator hides. Who may then see the note is app.audience's rule
(a note that is not public: only its author and the facilitators)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app import audience
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


def can_see(actor: Actor, note: Note) -> bool:
    """The rule is app.audience's; this applies it to a member acting on a note."""
    return audience.sees_note(
        audience.audience_of(actor.is_facilitator, actor.participant_id),
        note.visibility,
        note.author_id,
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
    record_board(session, board)
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
    events.record(session, board, "notes.revealed", data, waiting)
    return shown


def record_board(session: Session, board: Board) -> None:
    """One board.updated event; its themes name notes, so it lists those not public."""
    withheld = audience.restricted_on_board(session, board.id)
    data = public.board_fields(session, board)
    events.record(session, board, "board.updated", data, withheld, only_restricted=True)


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
    events.record(session, board, "note.updated", public.as_data(result), note)
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
