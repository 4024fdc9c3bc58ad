"""Page handlers for the share panel, the timer, passcodes, co-facilitators, duplicating,
deleting and own templates. Plain form posts that redirect back, so all of it works
without JavaScript; the timer's forms also answer htmx with an empty 204."""

from __future__ import annotations

import io
from typing import Annotated

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.api.deps import ActorDep, MemberWork, SessionDep, SettingsDep
from app.errors import Forbidden, InvalidInput, PajaError
from app.i18n import translations
from app.schemas import BoardDuplicate, BoardUpdate, TemplateSave
from app.services import boards, copies, own_templates, sharing, timer
from app.services.members import get_board
from app.services.timer import MAX_TIMER_SECONDS
from app.web.pages import (
    MaybeFacilitator,
    _fragment_or_redirect,
    _public_base,
    _refuse,
    apply_change,
    page,
    page_language,
)

router = APIRouter(include_in_schema=False)


@router.get("/b/{board_id}/qr.svg")
def board_qr(request: Request, board_id: str, session: SessionDep) -> Response:
    """The board's link as a QR code, drawn here so no page asks another site for it.
    The link is the board's key already, so whoever knows the id may have its picture."""
    board = get_board(session, board_id)
    link = f"{_public_base(request)}/b/{board.id}"
    title = translations(page_language(request, board.language)).gettext(
        "QR code that opens the board: %(link)s"
    ) % {"link": link}
    out = io.BytesIO()
    segno.make(link, error="m").save(
        out, kind="svg", scale=10, border=4, dark="#000000", light="#ffffff", title=title
    )
    return Response(
        out.getvalue(),
        media_type="image/svg+xml",
        headers={"Cache-Control": "private, max-age=3600"},
    )


@router.post("/b/{board_id}/timer")
def start_timer(
    request: Request,
    board_id: str,
    actor: ActorDep,
    session: SessionDep,
    minutes: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        seconds = _minutes_to_seconds(minutes)
        timer.start_timer(session, actor, seconds)
    except PajaError as error:
        return _refuse(request, error)
    return _fragment_or_redirect(request, board_id)


def _minutes_to_seconds(minutes: str) -> int:
    """Whole or decimal minutes ("2,5" too, as Finns write it) to seconds."""
    try:
        value = float(minutes.strip().replace(",", "."))
    except ValueError:
        value = 0.0
    seconds = round(value * 60) if value == value else 0  # NaN is not a duration
    if not 1 <= seconds <= MAX_TIMER_SECONDS:
        raise InvalidInput(
            "A timer runs for 1 second to 3 hours ({limit} seconds).", limit=MAX_TIMER_SECONDS
        )
    return seconds


@router.post("/b/{board_id}/timer/stop")
async def stop_timer(request: Request, board_id: str, work: MemberWork) -> Response:
    return await apply_change(request, work, lambda s, actor: timer.stop_timer(s, actor))


@router.post("/b/{board_id}/passcode")
async def set_passcode(
    request: Request,
    board_id: str,
    work: MemberWork,
    settings: SettingsDep,
    passcode: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    return await apply_change(
        request,
        work,
        lambda s, actor: boards.update_board(s, settings, actor, BoardUpdate(passcode=passcode)),
    )


@router.post("/b/{board_id}/facilitators")
async def add_facilitator(
    request: Request,
    board_id: str,
    work: MemberWork,
    email: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    return await apply_change(
        request, work, lambda s, actor: sharing.add_facilitator(s, actor, email)
    )


@router.post("/b/{board_id}/facilitators/{facilitator_id}/remove")
async def remove_facilitator(
    request: Request, board_id: str, facilitator_id: str, work: MemberWork
) -> Response:
    return await apply_change(
        request, work, lambda s, actor: sharing.remove_facilitator(s, actor, facilitator_id)
    )


@router.post("/b/{board_id}/template")
def save_template(
    request: Request,
    board_id: str,
    actor: ActorDep,
    facilitator: MaybeFacilitator,
    session: SessionDep,
    settings: SettingsDep,
    title: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    if facilitator is None:
        return RedirectResponse(f"/login?next=/b/{board_id}", status_code=303)
    try:
        own_templates.save_template(
            session, settings, actor, facilitator.id, TemplateSave(title=title)
        )
    except PajaError as error:
        return _refuse(request, error)
    return RedirectResponse("/#templates-heading", status_code=303)


@router.post("/b/{board_id}/duplicate")
def duplicate_board(
    request: Request,
    board_id: str,
    actor: ActorDep,
    facilitator: MaybeFacilitator,
    session: SessionDep,
    settings: SettingsDep,
    title: Annotated[str, Form(max_length=10_000)] = "",
    with_notes: Annotated[bool, Form()] = False,
) -> Response:
    if facilitator is None:
        return RedirectResponse("/login", status_code=303)
    try:
        data = BoardDuplicate(title=title if title.strip() else None, with_notes=with_notes)
        copy = copies.duplicate_board(session, settings, actor, facilitator, data)
    except PajaError as error:
        return _refuse(request, error)
    return RedirectResponse(f"/b/{copy.id}", status_code=303)


@router.get("/b/{board_id}/delete")
def confirm_delete(
    request: Request, board_id: str, actor: ActorDep, session: SessionDep
) -> Response:
    """The confirmation step: deleting a board cannot be undone."""
    if not actor.is_facilitator:
        return _refuse(request, Forbidden("Only the board's facilitators can do this."))
    board = get_board(session, board_id)
    return page(request, "delete_board.html", board=board)


@router.post("/b/{board_id}/delete")
def delete_board(request: Request, board_id: str, actor: ActorDep, session: SessionDep) -> Response:
    try:
        boards.delete_board(session, actor)
    except PajaError as error:
        return _refuse(request, error)
    return RedirectResponse("/", status_code=303)


@router.post("/templates/{template_id}/delete")
def delete_template(
    request: Request, template_id: str, facilitator: MaybeFacilitator, session: SessionDep
) -> Response:
    if facilitator is None:
        return RedirectResponse("/login", status_code=303)
    try:
        own_templates.delete_template(session, facilitator.id, template_id)
    except PajaError as error:
        return _refuse(request, error)
    return RedirectResponse("/", status_code=303)
