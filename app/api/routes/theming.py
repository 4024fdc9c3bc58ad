"""Themes: notes a facilitator gathers under one title (facilitators only), and the board's
list of next steps. Suggesting themes is app/api/routes/themes.py."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from app.api.deps import MemberWork, SettingsDep
from app.api.routes.common import errors
from app.schemas import NextStepPublic, ThemeCreate, ThemePublic, ThemeUpdate
from app.services import next_steps, theming

router = APIRouter(prefix="/boards/{board_id}", tags=["themes"])
THEME_ERRORS = errors(401, 403, 404, 409, 423)
# Before themes were called so, v1 served them under /groups; those paths still answer
# (left out of the schema) so a client written then keeps working.
OLD_PATH = "/groups"


@router.post(
    OLD_PATH,
    status_code=status.HTTP_201_CREATED,
    response_model=ThemePublic,
    include_in_schema=False,
)
@router.post(
    "/themes",
    status_code=status.HTTP_201_CREATED,
    response_model=ThemePublic,
    responses=THEME_ERRORS,
)
async def create_theme(body: ThemeCreate, work: MemberWork, settings: SettingsDep) -> ThemePublic:
    """Gather two or more notes into a theme in the first note's column."""
    return await work.write(lambda s, actor: theming.create_theme(s, settings, actor, body))


@router.patch(OLD_PATH + "/{theme_id}", response_model=ThemePublic, include_in_schema=False)
@router.patch("/themes/{theme_id}", response_model=ThemePublic, responses=THEME_ERRORS)
async def update_theme(
    theme_id: str, body: ThemeUpdate, work: MemberWork, settings: SettingsDep
) -> ThemePublic:
    """Rename the theme, add notes to it or take notes out."""
    return await work.write(
        lambda s, actor: theming.update_theme(s, settings, actor, theme_id, body)
    )


@router.delete(
    OLD_PATH + "/{theme_id}", status_code=status.HTTP_204_NO_CONTENT, include_in_schema=False
)
@router.delete("/themes/{theme_id}", status_code=status.HTTP_204_NO_CONTENT, responses=THEME_ERRORS)
async def split_theme(theme_id: str, work: MemberWork) -> Response:
    """Split the theme: its notes stay, out of any theme, in its column."""
    await work.write(lambda s, actor: theming.delete_theme(s, actor, theme_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/next-steps", response_model=list[NextStepPublic], responses=errors(401, 403, 404))
async def list_next_steps(work: MemberWork) -> list[NextStepPublic]:
    """Every next step with its who, with whom, how and when, and its column."""
    return await work.read(next_steps.list_next_steps)
