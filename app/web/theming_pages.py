"""Page forms that make and edit themes (theme_pages only suggests them), next steps and
colours, and the board's page of next steps.
Each works as a plain form post that redirects back to the board; htmx sends the same
forms, and the live events redraw the board for everyone."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.api.deps import ActorDep, MemberWork, SessionDep, SettingsDep
from app.errors import PajaError
from app.models import NoteColor
from app.schemas import NoteUpdate, ThemeCreate, ThemeUpdate
from app.services import boards, next_steps, notes, theming
from app.web.pages import _form_error, _fragment_or_redirect, _refuse, apply_change, page

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=10_000)]


@router.post("/b/{board_id}/themes")
def theme_selected(
    request: Request,
    board_id: str,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    title: Text = "",
    note_ids: Annotated[list[str], Form(max_length=5000)] = [],  # noqa: B006
    theme_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """The facilitator bar's form: a new theme of the ticked notes, or (pressed from a
    theme card) the ticked notes added to that theme."""
    try:
        if theme_id:
            theming.update_theme(
                session, settings, actor, theme_id, ThemeUpdate(add_note_ids=note_ids)
            )
        else:
            theming.create_theme(
                session, settings, actor, ThemeCreate(title=title, note_ids=note_ids)
            )
    except PajaError as error:
        return _form_error(request, error, "_theme_form.html", title=title, board_id=board_id)
    return _fragment_or_redirect(request, board_id, "_theme_form.html", title="", error=None)


@router.post("/b/{board_id}/themes/{theme_id}/rename")
async def rename_theme(
    request: Request,
    board_id: str,
    theme_id: str,
    work: MemberWork,
    settings: SettingsDep,
    title: Text = "",
) -> Response:
    return await apply_change(
        request,
        work,
        lambda s, actor: theming.update_theme(
            s, settings, actor, theme_id, ThemeUpdate(title=title)
        ),
    )


@router.post("/b/{board_id}/themes/{theme_id}/remove")
def take_out(
    request: Request,
    board_id: str,
    theme_id: str,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    note_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        update = ThemeUpdate(remove_note_ids=[note_id])
        theming.update_theme(session, settings, actor, theme_id, update)
    except PajaError as error:
        return _refuse(request, error)
    return _fragment_or_redirect(request, board_id)


@router.post("/b/{board_id}/themes/{theme_id}/split")
async def split_theme(request: Request, board_id: str, theme_id: str, work: MemberWork) -> Response:
    return await apply_change(
        request, work, lambda s, actor: theming.delete_theme(s, actor, theme_id)
    )


@router.post("/b/{board_id}/notes/{note_id}/next-step")
def fill_next_step(
    request: Request,
    board_id: str,
    note_id: str,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    owner: Text = "",
    partners: Text = "",
    how: Text = "",
    when: Text = "",
) -> Response:
    """Who, with whom, how and when of a next step: its author's or a facilitator's."""
    fields = {"owner": owner, "partners": partners, "how": how, "when": when}
    try:
        note = notes.update_note(session, settings, actor, note_id, NoteUpdate(**fields))
    except PajaError as error:
        context = {"note": {"id": note_id, **fields}, "board_id": board_id}
        return _form_error(request, error, "_next_step_form.html", **context)
    form = {"note": note.model_dump(mode="json"), "error": None}
    return _fragment_or_redirect(request, board_id, "_next_step_form.html", **form)


@router.post("/b/{board_id}/notes/{note_id}/color")
async def recolour(
    request: Request,
    board_id: str,
    note_id: str,
    work: MemberWork,
    settings: SettingsDep,
    color: Annotated[NoteColor, Form()] = NoteColor.yellow,
) -> Response:
    return await apply_change(
        request,
        work,
        lambda s, actor: notes.update_note(s, settings, actor, note_id, NoteUpdate(color=color)),
    )


@router.get("/b/{board_id}/next-steps")
def next_steps_page(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    """Every next step of the board in one table, for the closing round of a workshop."""
    board = boards.board_snapshot(session, actor)
    return page(
        request,
        "next_steps.html",
        board_language=actor.language,
        board=board,
        steps=next_steps.list_next_steps(session, actor),
    )
