"""Themes: a facilitator merges notes under one title and splits them again. A note in a
theme stays a note of its own (text, comments, votes); the theme only gathers them in one
column and counts their votes together. A note already in another theme is refused (409)
rather than moved, so one careless click cannot break up another theme."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.models import Board, Note, Theme, utcnow
from app.schemas import ThemeCreate, ThemePublic, ThemeUpdate
from app.services import events, public
from app.services.members import Actor, lock_board, require_facilitator, require_writable
from app.services.text import clean

MIN_NOTES = 2


def create_theme(
    session: Session, settings: Settings, actor: Actor, data: ThemeCreate
) -> ThemePublic:
    """Merge notes into a new theme in the column of the first one; notes from other
    columns move there."""
    board = _begin(session, actor)
    title = clean(data.title, field=N_("Theme title"), limit=settings.max_title_chars)
    chosen = _notes(session, board.id, _unique(data.note_ids))
    if len(chosen) < MIN_NOTES:
        raise InvalidInput("A theme needs at least two notes.")
    _refuse_themed(session, chosen, None)
    column_id = chosen[0].column_id
    last = session.exec(select(func.max(Theme.position)).where(Theme.column_id == column_id)).one()
    theme = Theme(
        board_id=board.id,
        column_id=column_id,
        title=title,
        position=0 if last is None else last + 1,
    )
    session.add(theme)
    session.flush()
    left = {note.column_id for note in chosen}
    _gather(session, theme, chosen)
    for column in left:
        _renumber_loose(session, column)
    session.flush()
    data_out = _record_theme(session, board, "theme.created", theme)
    session.commit()
    return _result(data_out)


def update_theme(
    session: Session, settings: Settings, actor: Actor, theme_id: str, data: ThemeUpdate
) -> ThemePublic:
    """Rename the theme, add notes to it, or take notes out (they stay in its column)."""
    board = _begin(session, actor)
    theme = _theme_on_board(session, board.id, theme_id)
    if data.title is not None:
        theme.title = clean(data.title, field=N_("Theme title"), limit=settings.max_title_chars)
    members = _members(session, theme.id)
    member_ids = {note.id for note in members}
    removed = _notes(session, board.id, _unique(data.remove_note_ids))
    if any(note.id not in member_ids for note in removed):
        raise InvalidInput("That note is not in this theme.")
    asked = _notes(session, board.id, _unique(data.add_note_ids))
    added = [note for note in asked if note.id not in member_ids]
    _refuse_themed(session, added, theme.id)
    removed_ids = {note.id for note in removed}
    kept = [note for note in members if note.id not in removed_ids]
    if not kept and not added:
        raise InvalidInput("Taking out every note would empty the theme: split it instead.")
    for note in removed:
        note.theme_id = None
        session.add(note)
    left = {note.column_id for note in added}
    _gather(session, theme, kept + added)
    for column in left | {theme.column_id}:
        _renumber_loose(session, column)
    theme.updated_at = utcnow()
    session.add(theme)
    session.flush()
    data_out = _record_theme(session, board, "theme.updated", theme)
    _release(session, board, theme.column_id, removed)
    session.commit()
    return _result(data_out)


def delete_theme(session: Session, actor: Actor, theme_id: str) -> None:
    """Split the theme: every note stays, out of any theme, where the theme was."""
    board = _begin(session, actor)
    theme = _theme_on_board(session, board.id, theme_id)
    members = _members(session, theme.id)
    _record_deleted(session, board, theme, [note.id for note in members])
    _release(session, board, theme.column_id, members)
    session.delete(theme)
    events.forget_theme(session, board.id, theme.id)
    session.commit()


def forget_if_empty(session: Session, board: Board, theme_id: str | None) -> None:
    """A theme whose last note was deleted or moved away goes too (one event)."""
    if theme_id is None:
        return
    session.flush()
    theme = session.get(Theme, theme_id)
    if theme is None or _members(session, theme.id):
        return
    _record_deleted(session, board, theme, [])
    session.delete(theme)
    events.forget_theme(session, board.id, theme.id)


def _begin(session: Session, actor: Actor) -> Board:
    board = lock_board(session, actor.board_id)
    require_facilitator(actor)
    require_writable(board, actor)
    return board


def _record_theme(session: Session, board: Board, type_: str, theme: Theme) -> dict[str, Any]:
    """Record a theme event: the whole card; app.audience draws it apart per viewer."""
    data = public.theme_event_data(session, theme)
    events.record(session, board, type_, data, _members(session, theme.id))
    return data


def _record_deleted(session: Session, board: Board, theme: Theme, note_ids: list[str]) -> None:
    data = {"id": theme.id, "board_id": theme.board_id, "column_id": theme.column_id}
    about = session.exec(select(Note).where(col(Note.id).in_(note_ids))).all() if note_ids else []
    events.record(session, board, "theme.deleted", {**data, "note_ids": note_ids}, about)


def _release(session: Session, board: Board, column_id: str, notes: Iterable[Note]) -> None:
    """Take `notes` out of their theme, to the top of the column's loose notes where the
    theme card was, one note.updated each so every browser places them."""
    released = list(notes)
    if not released:
        return
    for note in released:
        note.theme_id = None
        note.updated_at = utcnow()
        session.add(note)
    _renumber_loose(session, column_id, first=released)
    session.flush()
    for note in released:
        data = public.as_data(public.note_with_comments(session, note))
        events.record(session, board, "note.updated", data, note)


def _gather(session: Session, theme: Theme, notes: list[Note]) -> None:
    """Put `notes` in the theme, in this order, in the theme's column."""
    for number, note in enumerate(notes):
        note.theme_id = theme.id
        note.column_id = theme.column_id
        note.position = number
        note.updated_at = utcnow()
        session.add(note)
    session.flush()


def _renumber_loose(session: Session, column_id: str, first: list[Note] | None = None) -> None:
    """Number the column's notes outside themes densely (0, 1, 2…), `first` at the top: a
    browser then places a note by its position among the loose notes."""
    front = first or []
    ids = {note.id for note in front}
    loose = session.exec(
        select(Note)
        .where(Note.column_id == column_id, col(Note.theme_id).is_(None))
        .order_by(col(Note.position), col(Note.created_at))
    ).all()
    ordered = front + [note for note in loose if note.id not in ids]
    for number, note in enumerate(ordered):
        if note.position != number:
            note.position = number
            session.add(note)


def _refuse_themed(session: Session, notes: list[Note], allowed: str | None) -> None:
    for note in notes:
        if note.theme_id is not None and note.theme_id != allowed:
            other = session.get(Theme, note.theme_id)
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


def _members(session: Session, theme_id: str) -> list[Note]:
    return list(
        session.exec(
            select(Note)
            .where(Note.theme_id == theme_id)
            .order_by(col(Note.position), col(Note.created_at))
        ).all()
    )


def _theme_on_board(session: Session, board_id: str, theme_id: str) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None or theme.board_id != board_id:
        raise NotFound("There is no such theme on this board.")
    return theme


def _unique(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _result(data: dict) -> ThemePublic:
    return ThemePublic.model_validate({k: v for k, v in data.items() if k != "notes"})
