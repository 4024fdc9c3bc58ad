"""The timer, co-facilitators, duplicating boards and facilitators' own templates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from app.api.deps import (
    ActorDep,
    FacilitatorDep,
    SessionDep,
    SettingsDep,
    get_facilitator,
)
from app.api.routes.common import errors
from app.errors import Forbidden, NotAuthenticated
from app.models import Facilitator
from app.schemas import (
    BoardDuplicate,
    BoardSnapshot,
    FacilitatorAdd,
    FacilitatorPublic,
    TemplateOut,
    TemplateSave,
    TimerOut,
    TimerSet,
)
from app.services import copies, own_templates, sharing, timer

router = APIRouter(tags=["sharing"])


def _maybe_facilitator(request: Request, session: SessionDep, settings: SettingsDep) -> str | None:
    """The signed-in facilitator's id, or None: the template list is open to anyone."""
    try:
        facilitator: Facilitator = get_facilitator(request, session, settings)
    except (NotAuthenticated, Forbidden):
        return None
    return facilitator.id


@router.get("/templates", response_model=list[TemplateOut])
def list_templates(
    session: SessionDep, facilitator_id: Annotated[str | None, Depends(_maybe_facilitator)]
) -> list[TemplateOut]:
    """The built-in templates for anyone, and a signed-in facilitator's own (`own`)."""
    return own_templates.list_templates(session, facilitator_id)


@router.delete(
    "/templates/{template_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401, 403, 404),
)
def delete_template(template_id: str, facilitator: FacilitatorDep, session: SessionDep) -> Response:
    own_templates.delete_template(session, facilitator.id, template_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/boards/{board_id}/template",
    status_code=status.HTTP_201_CREATED,
    response_model=TemplateOut,
    responses=errors(401, 403, 404),
)
def save_template(
    body: TemplateSave,
    actor: ActorDep,
    facilitator: FacilitatorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> TemplateOut:
    """Save the board's question and columns as a template of the caller's own."""
    return own_templates.save_template(session, settings, actor, facilitator.id, body)


@router.post(
    "/boards/{board_id}/duplicate",
    status_code=status.HTTP_201_CREATED,
    response_model=BoardSnapshot,
    responses=errors(401, 403, 404, 409),
)
def duplicate_board(
    body: BoardDuplicate,
    actor: ActorDep,
    facilitator: FacilitatorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> BoardSnapshot:
    """A new board with the same columns and question, and the notes if asked."""
    return copies.duplicate_board(session, settings, actor, facilitator, body)


@router.put(
    "/boards/{board_id}/timer", response_model=TimerOut, responses=errors(401, 403, 404, 423)
)
def start_timer(body: TimerSet, actor: ActorDep, session: SessionDep) -> TimerOut:
    """Start a countdown every browser on the board shows."""
    return timer.start_timer(session, actor, body.seconds)


@router.delete(
    "/boards/{board_id}/timer", response_model=TimerOut, responses=errors(401, 403, 404, 423)
)
def stop_timer(actor: ActorDep, session: SessionDep) -> TimerOut:
    return timer.stop_timer(session, actor)


@router.get(
    "/boards/{board_id}/facilitators",
    response_model=list[FacilitatorPublic],
    responses=errors(401, 403, 404),
)
def list_facilitators(actor: ActorDep, session: SessionDep) -> list[FacilitatorPublic]:
    return sharing.list_facilitators(session, actor)


@router.post(
    "/boards/{board_id}/facilitators",
    status_code=status.HTTP_201_CREATED,
    response_model=FacilitatorPublic,
    responses=errors(401, 403, 404, 409),
)
def add_facilitator(
    body: FacilitatorAdd, actor: ActorDep, session: SessionDep
) -> FacilitatorPublic:
    """Another facilitator account runs the board too."""
    return sharing.add_facilitator(session, actor, body.email)


@router.delete(
    "/boards/{board_id}/facilitators/{facilitator_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401, 403, 404, 409),
)
def remove_facilitator(facilitator_id: str, actor: ActorDep, session: SessionDep) -> Response:
    sharing.remove_facilitator(session, actor, facilitator_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
