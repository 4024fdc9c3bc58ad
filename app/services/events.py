"""The per-board event log. A change and its event share one transaction; the hub hears
of the event only after that transaction has committed (see Database._after_commit).

An event records facts, not views: its data as the API shapes it, plus (under
audience.FACTS) the notes it is about with their visibility and author, and whether a
voting round hid counts. app.audience turns that into what each viewer receives. When
a note is deleted its text leaves the log too (forget_note): the events keep their seq
and type, so everyone still sees that something changed, and nothing of what was said."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from app import audience
from app.db import PENDING_EVENTS, BoardEvent
from app.models import Board, Event, Note, utcnow

# Events that carry several notes' cards; a deleted note is erased from them too.
MANY_NOTE_TYPES = (*audience.THEME_CARD_EVENTS, "notes.revealed")
# What a deleted note's events keep: where it was, never what it said or who said it.
ERASED_NOTE_FIELDS = {
    "text": "",
    "author_name": "",
    "owner": "",
    "partners": "",
    "how": "",
    "when": "",
    "comments": [],
}
ERASED_COMMENT_FIELDS = {"text": "", "author_name": ""}


# Every change appends one event and moves the board's seq: plain statements built once,
# without the ORM's unit of work (flushing them cost a note more than the statements).
EVENT_INSERT = insert(Event.__table__)  # type: ignore[arg-type]
_BOARDS = Board.__table__  # type: ignore[attr-defined]
BOARD_SEQ_UPDATE = (
    update(_BOARDS)
    .where(_BOARDS.c.id == bindparam("board"))
    .values(seq=bindparam("next_seq"), updated_at=bindparam("now"))
)


def record(
    session: Session,
    board: Board,
    type_: str,
    data: dict[str, Any],
    about: Iterable[Note] | Note = (),
    **extra: Any,
) -> BoardEvent:
    """Append an event with the board's next seq. The caller holds the board row lock
    (services.boards.lock), so two writers can never take the same number. `about` are
    the notes the change concerns (their visibility decides who sees it); `extra` are
    further server-only facts (a voter's own votes, say)."""
    notes = [about] if isinstance(about, Note) else list(about)
    seq, now = board.seq + 1, utcnow()
    session.execute(BOARD_SEQ_UPDATE, {"board": board.id, "next_seq": seq, "now": now})
    set_committed_value(board, "seq", seq)  # written just now: nothing left to flush
    set_committed_value(board, "updated_at", now)
    stored = {**data, audience.FACTS: audience.facts(board, notes, **extra)}
    note_id = notes[0].id if len(notes) == 1 else None
    row = {"board_id": board.id, "seq": seq, "type": type_, "data": stored}
    session.execute(EVENT_INSERT, {**row, "created_at": now, "note_id": note_id})
    event = BoardEvent(board.id, board.seq, type_, stored)
    session.info.setdefault(PENDING_EVENTS, []).append(event)
    return event


def since(session: Session, board_id: str, seq: int, limit: int) -> list[BoardEvent]:
    """Events after `seq`, oldest first, at most `limit` of them, as recorded (a viewer's
    catch-up goes through audience.catch_up instead)."""
    rows = session.exec(
        select(Event)
        .where(Event.board_id == board_id, Event.seq > seq)
        .order_by(col(Event.seq))
        .limit(limit)
    ).all()
    return [BoardEvent(r.board_id, r.seq, r.type, r.data) for r in rows]


def count_since(session: Session, board_id: str, seq: int) -> int:
    return session.exec(
        select(func.count()).where(Event.board_id == board_id, Event.seq > seq)
    ).one()


def forget_note(session: Session, board_id: str, note_id: str) -> None:
    """Erase a deleted note's text, next-step fields, names and comments from every
    earlier event, in the caller's transaction (with the deletion)."""
    for event in _carrying(session, board_id, note_id):
        if event.type.startswith("comment."):
            event.data = {**event.data, **ERASED_COMMENT_FIELDS}
        else:
            event.data = _map_notes(event.data, note_id, _erased_note)
        session.add(event)


def forget_comment(session: Session, board_id: str, note_id: str, comment_id: str) -> None:
    """Erase a deleted comment's text and author name from the events that carried it
    (its own, and the note's cards, alone or in a theme or a reveal)."""
    for event in _carrying(session, board_id, note_id):
        if event.type == "comment.created":
            if event.data.get("id") != comment_id:
                continue
            event.data = {**event.data, **ERASED_COMMENT_FIELDS}
        else:
            event.data = _map_notes(event.data, note_id, lambda n: _without(n, comment_id))
        session.add(event)


def forget_theme(session: Session, board_id: str, theme_id: str) -> None:
    """Erase a theme's title from the events that carried it, when the theme is split or
    emptied: the room saw the title while the theme stood, and a later catch-up does
    not bring back a title the board no longer shows (its notes stay as they are)."""
    carrying = session.exec(
        select(Event).where(
            Event.board_id == board_id, col(Event.type).in_(audience.THEME_CARD_EVENTS)
        )
    ).all()
    for event in carrying:
        if event.data.get("id") == theme_id:
            event.data = {**event.data, "title": ""}
            session.add(event)


def _carrying(session: Session, board_id: str, note_id: str) -> list[Event]:
    """The events that may carry a note's text: its own and those with many notes."""
    own = session.exec(select(Event).where(Event.note_id == note_id)).all()
    shared = session.exec(
        select(Event).where(Event.board_id == board_id, col(Event.type).in_(MANY_NOTE_TYPES))
    ).all()
    return [*own, *shared]


def _map_notes(data: dict[str, Any], note_id: str, change: Any) -> dict[str, Any]:
    """The data with `change` applied to the note `note_id`, itself or in its list."""
    if data.get("id") == note_id:
        return change(data)
    notes = data.get("notes")
    if isinstance(notes, list) and any(n.get("id") == note_id for n in notes):
        return {**data, "notes": [change(n) if n.get("id") == note_id else n for n in notes]}
    return data


def _without(note: dict[str, Any], comment_id: str) -> dict[str, Any]:
    comments = note.get("comments")
    if not isinstance(comments, list):
        return note
    erased = [{**c, **ERASED_COMMENT_FIELDS} if c.get("id") == comment_id else c for c in comments]
    return {**note, "comments": erased}


def _erased_note(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, **{k: v for k, v in ERASED_NOTE_FIELDS.items() if k in data}}
