"""The facilitator's row forms on a grid board: add, rename or move, remove. Each works
as a plain form post that comes back to the board, and with htmx swaps the rows block."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.api.deps import ActorDep, SessionDep, SettingsDep
from app.errors import PajaError
from app.schemas import RowCreate, RowUpdate
from app.services import rows
from app.services.members import Actor
from app.web.pages import _fragment_or_redirect, _refuse, is_htmx, say

router = APIRouter(include_in_schema=False)


def _rows_block(
    request: Request, session: SessionDep, actor: Actor, error: PajaError | None = None
) -> Response:
    """The rows block as it now is (with a refusal about the rows next to them), or back
    to the board; other refusals go to the page's alert region."""
    if error is not None and (not is_htmx(request) or error.status_code not in (409, 413, 422)):
        return _refuse(request, error)
    current = [rows.row_public(r) for r in rows.ordered_rows(session, actor.board_id)]
    response = _fragment_or_redirect(
        request,
        actor.board_id,
        "_rows_admin.html",
        rows=current,
        open_rows=True,
        error=say(request, error) if error is not None else None,
    )
    if error is not None:
        response.status_code = error.status_code
    return response


@router.post("/b/{board_id}/rows")
def add_row(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    title: Annotated[str, Form(max_length=10_000)] = "",
    description: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    try:
        rows.add_row(session, settings, actor, RowCreate(title=title, description=description))
    except PajaError as error:
        session.rollback()
        return _rows_block(request, session, actor, error)
    return _rows_block(request, session, actor)


@router.post("/b/{board_id}/rows/{row_id}/edit")
def edit_row(
    request: Request,
    row_id: str,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    title: Annotated[str | None, Form(max_length=10_000)] = None,
    position: Annotated[int | None, Form(ge=0, le=1_000)] = None,
) -> Response:
    try:
        rows.update_row(session, settings, actor, row_id, RowUpdate(title=title, position=position))
    except PajaError as error:
        session.rollback()
        return _rows_block(request, session, actor, error)
    return _rows_block(request, session, actor)


@router.post("/b/{board_id}/rows/{row_id}/delete")
def delete_row(request: Request, row_id: str, actor: ActorDep, session: SessionDep) -> Response:
    try:
        rows.delete_row(session, actor, row_id)
    except PajaError as error:
        session.rollback()
        return _rows_block(request, session, actor, error)
    return _rows_block(request, session, actor)
