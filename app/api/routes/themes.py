"""Theme suggestions (facilitators only): computed on this server, nothing stored."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app.api.deps import ActorDep, SessionDep, SettingsDep
from app.api.routes.common import errors
from app.themes import service
from app.themes.schemas import SuggestionRequest, ThemeSuggestionsPublic

router = APIRouter(prefix="/boards/{board_id}", tags=["themes"])


@router.post(
    "/theme-suggestions",
    response_model=ThemeSuggestionsPublic,
    responses=errors(401, 403, 404, 409, 422, 503),
)
def suggest_themes(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    body: SuggestionRequest | None = None,
) -> ThemeSuggestionsPublic:
    """Themes and duplicates among the notes not yet in a theme (one column, or all)."""
    worker = request.app.state.theme_worker
    column_id = body.column_id if body is not None else None
    return service.suggest(session, settings, actor, column_id, worker)
