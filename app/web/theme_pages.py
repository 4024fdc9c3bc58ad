"""Theme suggestions without JavaScript: a page that lists them, each a form that
creates the theme through the theme service and comes back for the next one."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.api.deps import ActorDep, SessionDep, SettingsDep
from app.errors import PajaError
from app.schemas import ThemeCreate
from app.services import boards, theming
from app.themes import service
from app.web.pages import _refuse, page

router = APIRouter(include_in_schema=False)

Id = Annotated[str, Form(max_length=100)]


@router.get("/b/{board_id}/theme-suggestions")
def suggestions_page(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    column_id: str = "",
) -> Response:
    """The suggestions for the board or one column, each ready to accept."""
    worker = request.app.state.theme_worker
    chosen = column_id[:100] or None
    suggestions = service.suggest(session, settings, actor, chosen, worker)
    board = boards.board_snapshot(session, actor)
    return page(
        request,
        "theme_suggestions.html",
        board_language=actor.language,
        board=board,
        suggestions=suggestions,
        texts={note.id: note.text for note in board.notes},
        column_id=column_id[:100],
    )


@router.post("/b/{board_id}/theme-suggestions/accept")
def accept(
    request: Request,
    board_id: str,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    title: Annotated[str, Form(max_length=10_000)] = "",
    note_ids: Annotated[list[str], Form(max_length=5000)] = [],  # noqa: B006
    column_id: Id = "",
) -> Response:
    """Create the theme (one event, live for everyone), then the remaining suggestions."""
    try:
        theming.create_theme(session, settings, actor, ThemeCreate(title=title, note_ids=note_ids))
    except PajaError as error:
        return _refuse(request, error)
    query = f"?{urlencode({'column_id': column_id})}" if column_id else ""
    return RedirectResponse(f"/b/{board_id}/theme-suggestions{query}", status_code=303)
