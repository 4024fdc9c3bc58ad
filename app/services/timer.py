"""The board's countdown: one end time kept on the board, so every browser counts down to
the same moment whatever its own clock says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from app.errors import BoardLocked, InvalidInput
from app.models import Board, BoardStatus, utcnow
from app.schemas import TimerOut
from app.services import events
from app.services.members import Actor, lock_board, require_facilitator

MAX_TIMER_SECONDS = 3 * 60 * 60


def start_timer(session: Session, actor: Actor, seconds: int) -> TimerOut:
    """Start (or restart) the countdown; one timer.changed event with its absolute end."""
    require_facilitator(actor)
    if not 1 <= seconds <= MAX_TIMER_SECONDS:
        raise InvalidInput(
            "A timer runs for 1 second to 3 hours ({limit} seconds).", limit=MAX_TIMER_SECONDS
        )
    board = lock_board(session, actor.board_id)
    _require_not_archived(board)
    now = utcnow()
    board.timer_started_at = now
    board.timer_ends_at = now + timedelta(seconds=seconds)
    board.timer_seconds = seconds
    return _changed(session, board)


def stop_timer(session: Session, actor: Actor) -> TimerOut:
    """Clear the countdown; a board without one records nothing."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    if board.timer_ends_at is None:
        session.rollback()
        return timer_out(board)
    _require_not_archived(board)
    board.timer_started_at = board.timer_ends_at = board.timer_seconds = None
    return _changed(session, board)


def _changed(session: Session, board: Board) -> TimerOut:
    events.record(session, board, "timer.changed", timer_data(board))
    session.commit()
    return timer_out(board)


def _require_not_archived(board: Board) -> None:
    """A locked board still times a discussion; an archived one is finished."""
    if board.status == BoardStatus.archived.value:
        raise BoardLocked("The board is archived: nothing can be changed on it now.")


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; every stored one is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def timer_data(board: Board) -> dict[str, Any]:
    """What a timer.changed event carries: the same for every viewer (no server time)."""
    started, ends = _aware(board.timer_started_at), _aware(board.timer_ends_at)
    return {
        "started_at": started.isoformat() if started else None,
        "ends_at": ends.isoformat() if ends else None,
        "seconds": board.timer_seconds,
    }


def timer_out(board: Board) -> TimerOut:
    return TimerOut(
        started_at=_aware(board.timer_started_at),
        ends_at=_aware(board.timer_ends_at),
        seconds=board.timer_seconds,
        server_time=utcnow(),
    )
