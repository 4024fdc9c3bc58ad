"""Grid rows: prompts asked in every column ("A. Mikä toimii hyvin?", "B. Kehitettävää?").
A board with rows is a grid and every note on it lives in one cell (column × row); a
board without rows works as it always has."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import Conflict, InvalidInput, LimitReached
from app.i18n import N_
from app.models import Board, BoardColumn, BoardRow, Note
from app.schemas import RowCreate, RowPublic, RowUpdate
from app.services import events, public
from app.services.members import Actor, lock_board, require_facilitator, require_writable
from app.services.text import clean


def row_public(row: BoardRow) -> RowPublic:
    return RowPublic.model_validate(row, from_attributes=True)


def ordered_rows(session: Session, board_id: str) -> list[BoardRow]:
    return list(
        session.exec(
            select(BoardRow).where(BoardRow.board_id == board_id).order_by(col(BoardRow.position))
        ).all()
    )


def add_row(session: Session, settings: Settings, actor: Actor, data: RowCreate) -> RowPublic:
    """A new row in every column; the board's first row takes the notes already on it."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    existing = ordered_rows(session, board.id)
    position = len(existing) if data.position is None else min(data.position, len(existing))
    row = insert_row(session, settings, board, data, position, existing)
    result = row_public(row)
    session.commit()
    return result


def insert_row(
    session: Session,
    settings: Settings,
    board: Board,
    data: RowCreate,
    position: int,
    ordered: list[BoardRow],
) -> BoardRow:
    """Insert at `position` into `ordered` (the board's rows, which it updates) and record
    row.created. When the board had no rows, its notes move into this one, so that every
    note of a grid board has a cell."""
    if len(ordered) >= settings.max_rows_per_board:
        raise LimitReached(
            "A board can have at most {count} rows.", count=settings.max_rows_per_board
        )
    first = not ordered
    row = BoardRow(board_id=board.id, title="", description="")
    _set_texts(row, settings, data.title, data.description)
    ordered.insert(position, row)
    _renumber(session, ordered)
    session.add(row)
    session.flush()
    if first:
        session.execute(
            update(Note)
            .where(col(Note.board_id) == board.id, col(Note.row_id).is_(None))
            .values(row_id=row.id)
        )
    events.record(session, board, "row.created", _event_data(session, board, row, first=first))
    return row


def update_row(
    session: Session, settings: Settings, actor: Actor, row_id: str, data: RowUpdate
) -> RowPublic:
    """Rename a row or move it up or down the grid; one row.updated event."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    rows = ordered_rows(session, board.id)
    row = _row_in(rows, row_id)
    _set_texts(
        row,
        settings,
        row.title if data.title is None else data.title,
        row.description if data.description is None else data.description,
    )
    if data.position is not None:
        rows.remove(row)
        rows.insert(min(data.position, len(rows)), row)
        _renumber(session, rows)
    session.add(row)
    result = row_public(row)
    events.record(session, board, "row.updated", _event_data(session, board, row))
    session.commit()
    return result


def delete_row(session: Session, actor: Actor, row_id: str) -> None:
    """Remove an empty row. A row that still has notes is refused (409), so deleting a
    row never deletes what people wrote: move or delete its notes first."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    rows = ordered_rows(session, board.id)
    row = _row_in(rows, row_id)
    notes = session.exec(select(func.count()).where(Note.row_id == row.id)).one()
    if notes:
        raise Conflict(
            "The row still has {count} notes. Move or delete them before removing the row.",
            count=notes,
        )
    data = _event_data(session, board, row)
    rows.remove(row)
    session.delete(row)
    _renumber(session, rows)
    data["rows_left"] = len(rows)
    events.record(session, board, "row.deleted", data)
    session.commit()


def row_on_board(session: Session, board_id: str, row_id: str) -> BoardRow:
    """The row a note names, or a 422: a row of another board is as unknown as none."""
    row = session.get(BoardRow, row_id)
    if row is None or row.board_id != board_id:
        raise InvalidInput("That row is not on this board.")
    return row


def row_title(session: Session, board_id: str, row_id: str) -> str:
    """A row's title for a form's label; "" for a row that is not on this board."""
    row = session.get(BoardRow, row_id)
    return row.title if row is not None and row.board_id == board_id else ""


def _row_in(rows: list[BoardRow], row_id: str) -> BoardRow:
    row = next((r for r in rows if r.id == row_id), None)
    if row is None:
        raise InvalidInput("That row is not on this board.")
    return row


def _set_texts(row: BoardRow, settings: Settings, title: str, description: str) -> None:
    row.title = clean(title, field=N_("Row title"), limit=settings.max_title_chars)
    row.description = clean(
        description,
        field=N_("Row description"),
        limit=settings.max_question_chars,
        required=False,
    )


def _event_data(
    session: Session, board: Board, row: BoardRow, *, first: bool = False
) -> dict[str, Any]:
    """The row as the REST API returns it, plus the board's column ids: the event's HTML
    has a cell for each column, and `first` tells a page that the board just became a grid
    (its notes moved into this row)."""
    column_ids = session.exec(
        select(BoardColumn.id)
        .where(BoardColumn.board_id == board.id)
        .order_by(col(BoardColumn.position))
    ).all()
    return {**public.as_data(row_public(row)), "column_ids": list(column_ids), "first": first}


def _renumber(session: Session, rows: list[BoardRow]) -> None:
    for index, row in enumerate(rows):
        if row.position != index:
            row.position = index
            session.add(row)
