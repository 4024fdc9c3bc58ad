"""What the board page adds for the facilitator's toolbar: the phase counts, the column
everyone follows, and where the participants page lives once it exists."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlmodel import Session

from app.schemas import BoardSnapshot
from app.services import facilitation
from app.services.members import Actor

PARTICIPANTS_PAGE = "/b/{board_id}/participants"


def toolbar_extras(
    request: Request, session: Session, actor: Actor, snapshot: BoardSnapshot
) -> dict[str, Any]:
    """Nothing for participants: the toolbar is drawn for facilitators only."""
    if not actor.is_facilitator:
        return {}
    follow = next((c.title for c in snapshot.columns if c.id == snapshot.follow_column_id), "")
    return {
        "counts": facilitation.phase_counts(session, actor),
        "follow_title": follow,
        "participants_page": _participants_page(request, actor.board_id),
    }


def _participants_page(request: Request, board_id: str) -> str | None:
    """The participant-removal page's address when the app has that route (it arrives
    with another change); until then the More tool leaves its place empty."""
    paths = {getattr(route, "path", "") for route in request.app.routes}
    return PARTICIPANTS_PAGE.format(board_id=board_id) if PARTICIPANTS_PAGE in paths else None
