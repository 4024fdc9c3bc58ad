"""Groups: a facilitator merges notes under one title and splits them again. A note in a
group stays a note of its own (text, comments, votes); the group only gathers them in one
column and counts their votes together. A note already in another group is refused (409)
rather than moved, so one careless click cannot break up another group."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.models import Board, Note, NoteGroup, utcnow
from app.schemas import GroupCreate, GroupPublic, GroupUpdate
from app.services import events, public
from app.services.members import Actor, lock_board, require_facilitator, require_writable
from app.services.text import clean

MIN_NOTES = 2


def create_group(
    session: Session, settings: Settings, actor: Actor, data: GroupCreate
) -> GroupPublic:
    """Merge notes into a new group in the column of the first one; notes from other
    columns move there."""
    board = _begin(session, actor)
    title = clean(data.title, field=N_("Theme title"), limit=settings.max_title_chars)
    chosen = _notes(session, board.id, _unique(data.note_ids))
    if len(chosen) < MIN_NOTES:
        raise InvalidInput("A theme needs at least two notes.")
    _refuse_grouped(session, chosen, None)
    column_id = chosen[0].column_id
    last = session.exec(
        select(func.max(NoteGroup.position)).where(NoteGroup.column_id == column_id)
    ).one()
    group = NoteGroup(
        board_id=board.id,
        column_id=column_id,
        title=title,
        position=0 if last is None else last + 1,
    )
    session.add(group)
    session.flush()
    left = {note.column_id for note in chosen}
    _gather(session, group, chosen)
    for column in left:
        _renumber_loose(session, column)
    session.flush()
    data_out = _record_group(session, board, "group.created", group)
    session.commit()
    return _result(data_out)


def update_group(
    session: Session, settings: Settings, actor: Actor, group_id: str, data: GroupUpdate
) -> GroupPublic:
    """Rename the group, add notes to it, or take notes out (they stay in its column)."""
    board = _begin(session, actor)
    group = _group_on_board(session, board.id, group_id)
    if data.title is not None:
        group.title = clean(data.title, field=N_("Theme title"), limit=settings.max_title_chars)
    members = _members(session, group.id)
    member_ids = {note.id for note in members}
    removed = _notes(session, board.id, _unique(data.remove_note_ids))
    if any(note.id not in member_ids for note in removed):
        raise InvalidInput("That note is not in this theme.")
    asked = _notes(session, board.id, _unique(data.add_note_ids))
    added = [note for note in asked if note.id not in member_ids]
    _refuse_grouped(session, added, group.id)
    removed_ids = {note.id for note in removed}
    kept = [note for note in members if note.id not in removed_ids]
    if not kept and not added:
        raise InvalidInput("Taking out every note would empty the theme: split it instead.")
    for note in removed:
        note.group_id = None
        session.add(note)
    left = {note.column_id for note in added}
    _gather(session, group, kept + added)
    for column in left | {group.column_id}:
        _renumber_loose(session, column)
    group.updated_at = utcnow()
    session.add(group)
    session.flush()
    data_out = _record_group(session, board, "group.updated", group)
    _release(session, board, group.column_id, removed)
    session.commit()
    return _result(data_out)


def delete_group(session: Session, actor: Actor, group_id: str) -> None:
    """Split the group: every note stays, ungrouped, where the group was."""
    board = _begin(session, actor)
    group = _group_on_board(session, board.id, group_id)
    members = _members(session, group.id)
    _record_deleted(session, board, group, [note.id for note in members])
    _release(session, board, group.column_id, members)
    session.delete(group)
    session.commit()


def forget_if_empty(session: Session, board: Board, group_id: str | None) -> None:
    """A group whose last note was deleted or moved away goes too (one event)."""
    if group_id is None:
        return
    session.flush()
    group = session.get(NoteGroup, group_id)
    if group is None or _members(session, group.id):
        return
    _record_deleted(session, board, group, [])
    session.delete(group)


def _begin(session: Session, actor: Actor) -> Board:
    board = lock_board(session, actor.board_id)
    require_facilitator(actor)
    require_writable(board, actor)
    return board


def _record_group(session: Session, board: Board, type_: str, group: NoteGroup) -> dict[str, Any]:
    """Record a group event: the whole card; app.audience draws it apart per viewer."""
    data = public.group_event_data(session, group)
    events.record(session, board, type_, data, _members(session, group.id))
    return data


def _record_deleted(session: Session, board: Board, group: NoteGroup, note_ids: list[str]) -> None:
    data = {"id": group.id, "board_id": group.board_id, "column_id": group.column_id}
    about = session.exec(select(Note).where(col(Note.id).in_(note_ids))).all() if note_ids else []
    events.record(session, board, "group.deleted", {**data, "note_ids": note_ids}, about)


def _release(session: Session, board: Board, column_id: str, notes: Iterable[Note]) -> None:
    """Ungroup `notes` to the top of the column's loose notes, where the group card was,
    one note.updated each so every browser places them."""
    released = list(notes)
    if not released:
        return
    for note in released:
        note.group_id = None
        note.updated_at = utcnow()
        session.add(note)
    _renumber_loose(session, column_id, first=released)
    session.flush()
    for note in released:
        data = public.as_data(public.note_with_comments(session, note))
        events.record(session, board, "note.updated", data, note)


def _gather(session: Session, group: NoteGroup, notes: list[Note]) -> None:
    """Put `notes` in the group, in this order, in the group's column."""
    for number, note in enumerate(notes):
        note.group_id = group.id
        note.column_id = group.column_id
        note.position = number
        note.updated_at = utcnow()
        session.add(note)
    session.flush()


def _renumber_loose(session: Session, column_id: str, first: list[Note] | None = None) -> None:
    """Number the column's ungrouped notes densely (0, 1, 2…), `first` at the top: a
    browser then places a note by its position among the loose notes."""
    front = first or []
    ids = {note.id for note in front}
    loose = session.exec(
        select(Note)
        .where(Note.column_id == column_id, col(Note.group_id).is_(None))
        .order_by(col(Note.position), col(Note.created_at))
    ).all()
    ordered = front + [note for note in loose if note.id not in ids]
    for number, note in enumerate(ordered):
        if note.position != number:
            note.position = number
            session.add(note)


def _refuse_grouped(session: Session, notes: list[Note], allowed: str | None) -> None:
    for note in notes:
        if note.group_id is not None and note.group_id != allowed:
            other = session.get(NoteGroup, note.group_id)
            raise Conflict(
                "A note is already in the theme “{title}”: take it out of that theme first.",
                title=other.title if other else "",
            )


def _notes(session: Session, board_id: str, note_ids: list[str]) -> list[Note]:
    """The notes in the order asked for; an unknown id, or one of another board, is a 422."""
    if not note_ids:
        return []
    found = {
        note.id: note
        for note in session.exec(
            select(Note).where(col(Note.id).in_(note_ids), Note.board_id == board_id)
        ).all()
    }
    if len(found) != len(note_ids):
        raise InvalidInput("A chosen note is not on this board.")
    return [found[note_id] for note_id in note_ids]


def _members(session: Session, group_id: str) -> list[Note]:
    return list(
        session.exec(
            select(Note)
            .where(Note.group_id == group_id)
            .order_by(col(Note.position), col(Note.created_at))
        ).all()
    )


def _group_on_board(session: Session, board_id: str, group_id: str) -> NoteGroup:
    group = session.get(NoteGroup, group_id)
    if group is None or group.board_id != board_id:
        raise NotFound("There is no such theme on this board.")
    return group


def _unique(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _result(data: dict) -> GroupPublic:
    return GroupPublic.model_validate({k: v for k, v in data.items() if k != "notes"})
