"""The facilitator's participants page: who has joined, and removing someone (with their
notes, if asked) without leaving the workshop."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.api.deps import ActorDep, SessionDep
from app.errors import PajaError
from app.services import participants
from app.services.members import get_board
from app.web.pages import _refuse, page

router = APIRouter(include_in_schema=False)


@router.get("/b/{board_id}/participants")
def participants_page(
    request: Request, board_id: str, actor: ActorDep, session: SessionDep
) -> Response:
    try:
        people = participants.members(session, actor)
    except PajaError as error:
        return _refuse(request, error)
    removed = request.query_params.get("removed")
    return page(
        request,
        "participants.html",
        board=get_board(session, board_id),
        people=people,
        note_counts=participants.note_counts(session, actor.board_id),
        removed=int(removed) if removed and removed.isdigit() else None,
    )


@router.post("/b/{board_id}/participants/{participant_id}/remove")
def remove_participant(
    request: Request,
    board_id: str,
    participant_id: str,
    actor: ActorDep,
    session: SessionDep,
    with_notes: Annotated[bool, Form()] = False,
) -> Response:
    try:
        done = participants.remove_participant(
            session, actor, participant_id, with_notes=with_notes
        )
    except PajaError as error:
        return _refuse(request, error)
    target = f"/b/{board_id}/participants?removed={done.notes_removed}"
    return RedirectResponse(target, status_code=303)
