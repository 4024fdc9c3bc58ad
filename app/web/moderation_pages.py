"""The board page's writing modes and moderation: form posts that redirect back to the
board without JavaScript, and answer htmx with no content (the live event redraws)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.api.deps import ActorDep, SessionDep, SettingsDep
from app.schemas import BoardUpdate
from app.services import boards, visibility
from app.web.pages import apply_change

router = APIRouter(include_in_schema=False)


@router.post("/b/{board_id}/modes")
def set_modes(
    request: Request,
    board_id: str,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    private_writing: Annotated[bool, Form()] = False,
    approval_required: Annotated[bool, Form()] = False,
) -> Response:
    """Unticked boxes are not sent: a missing one means off (unticking private writing
    reveals)."""
    update = BoardUpdate(private_writing=private_writing, approval_required=approval_required)
    return apply_change(
        request, board_id, lambda: boards.update_board(session, settings, actor, update)
    )


@router.post("/b/{board_id}/reveal")
def reveal(request: Request, board_id: str, actor: ActorDep, session: SessionDep) -> Response:
    return apply_change(request, board_id, lambda: visibility.reveal(session, actor))


@router.post("/b/{board_id}/notes/{note_id}/approve")
def approve(
    request: Request, board_id: str, note_id: str, actor: ActorDep, session: SessionDep
) -> Response:
    return apply_change(request, board_id, lambda: visibility.approve(session, actor, note_id))


@router.post("/b/{board_id}/notes/{note_id}/hide")
def hide(
    request: Request,
    board_id: str,
    note_id: str,
    actor: ActorDep,
    session: SessionDep,
    hidden: Annotated[bool, Form()] = True,
) -> Response:
    return apply_change(
        request, board_id, lambda: visibility.set_hidden(session, actor, note_id, hidden)
    )
