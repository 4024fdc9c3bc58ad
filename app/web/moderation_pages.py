"""The board page's writing modes and moderation: form posts that redirect back to the
board without JavaScript, and answer htmx with no content (the live event redraws)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.api.deps import MemberWork, SettingsDep
from app.schemas import BoardUpdate
from app.services import boards, visibility
from app.web.pages import apply_change

router = APIRouter(include_in_schema=False)


@router.post("/b/{board_id}/modes")
async def set_modes(
    request: Request,
    board_id: str,
    work: MemberWork,
    settings: SettingsDep,
    private_writing: Annotated[bool, Form()] = False,
    approval_required: Annotated[bool, Form()] = False,
) -> Response:
    """Unticked boxes are not sent: a missing one means off (unticking private writing
    reveals)."""
    update = BoardUpdate(private_writing=private_writing, approval_required=approval_required)
    return await apply_change(
        request, work, lambda s, actor: boards.update_board(s, settings, actor, update)
    )


@router.post("/b/{board_id}/reveal")
async def reveal(request: Request, board_id: str, work: MemberWork) -> Response:
    return await apply_change(request, work, lambda s, actor: visibility.reveal(s, actor))


@router.post("/b/{board_id}/notes/{note_id}/approve")
async def approve(request: Request, board_id: str, note_id: str, work: MemberWork) -> Response:
    return await apply_change(request, work, lambda s, actor: visibility.approve(s, actor, note_id))


@router.post("/b/{board_id}/notes/{note_id}/hide")
async def hide(
    request: Request,
    board_id: str,
    note_id: str,
    work: MemberWork,
    hidden: Annotated[bool, Form()] = True,
) -> Response:
    return await apply_change(
        request, work, lambda s, actor: visibility.set_hidden(s, actor, note_id, hidden)
    )
