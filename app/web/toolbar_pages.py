"""The facilitator's toolbar as a fragment (toolbar.js redraws its live parts from it after
every live event) and the board-language setting it offers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.api.deps import ActorDep, MemberWork, SessionDep, SettingsDep
from app.errors import InvalidInput, PajaError
from app.models import BoardStatus, Language
from app.schemas import BoardUpdate
from app.services import boards, sharing
from app.services.members import require_facilitator
from app.web import signals_context
from app.web.pages import _public_base, _refuse, apply_change, page
from app.web.toolbar_context import toolbar_extras

router = APIRouter(include_in_schema=False)


@router.get("/b/{board_id}/toolbar")
def toolbar(
    request: Request, board_id: str, actor: ActorDep, session: SessionDep, settings: SettingsDep
) -> Response:
    """The toolbar as the board page draws it, for facilitators only (403 otherwise)."""
    try:
        require_facilitator(actor)
    except PajaError as error:
        return _refuse(request, error)
    snapshot = boards.board_snapshot(session, actor)
    response = page(
        request,
        "_toolbar.html",
        board_language=snapshot.language.value,
        board=snapshot,
        viewer=snapshot.viewer,
        columns=snapshot.columns,
        rows=snapshot.rows,
        statuses=[s.value for s in BoardStatus],
        base_url=_public_base(request),
        teams=settings.teams,
        facilitators=sharing.list_facilitators(session, actor),
        **signals_context.board_extras(request, session, actor, snapshot),
        **toolbar_extras(request, session, actor, snapshot),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/b/{board_id}/language")
async def set_language(
    request: Request,
    board_id: str,
    work: MemberWork,
    settings: SettingsDep,
    language: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """The board's language: what participants see unless they pick another."""
    if language not in Language.__members__:
        return _refuse(request, InvalidInput("Choose one of the languages offered."))
    update = BoardUpdate(language=Language(language))
    return await apply_change(
        request, work, lambda s, actor: boards.update_board(s, settings, actor, update)
    )
