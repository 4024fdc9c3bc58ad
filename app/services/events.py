"""The per-board event log. A change and its event share one transaction; the hub hears
of the event only after that transaction has committed (see Database._after_commit)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from app.db import PENDING_EVENTS, BoardEvent
from app.models import Board, Event, utcnow


def record(
    session: Session,
    board: Board,
    type_: str,
    data: dict[str, Any],
    for_others: dict[str, Any] | None = None,
) -> BoardEvent:
    """Append an event with the board's next seq. The caller holds the board row lock
    (services.boards.lock), so two writers can never take the same number. `for_others`
    (see BoardEvent) is what other participants receive when the change is not theirs
    to see; every viewer still receives an event with this seq, so none sees a gap."""
    board.seq += 1
    board.updated_at = utcnow()
    session.add(board)
    session.add(
        Event(board_id=board.id, seq=board.seq, type=type_, data=data, for_others=for_others)
    )
    event = BoardEvent(board.id, board.seq, type_, data, for_others)
    session.info.setdefault(PENDING_EVENTS, []).append(event)
    return event


def since(session: Session, board_id: str, seq: int, limit: int) -> list[BoardEvent]:
    """Events after `seq`, oldest first, at most `limit` of them."""
    rows = session.exec(
        select(Event)
        .where(Event.board_id == board_id, Event.seq > seq)
        .order_by(Event.seq)  # type: ignore[arg-type]
        .limit(limit)
    ).all()
    return [BoardEvent(r.board_id, r.seq, r.type, r.data, r.for_others) for r in rows]


def count_since(session: Session, board_id: str, seq: int) -> int:
    return session.exec(
        select(func.count()).where(Event.board_id == board_id, Event.seq > seq)
    ).one()
