"""The timer, co-facilitators, duplicating boards and facilitators' own templates."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from sqlmodel import Session

from app.api.deps import FacilitatorWork, MemberWork, SettingsDep, UnitsDep, facilitator_of
from app.api.routes.common import errors
from app.auth_cookies import candidate_tokens
from app.errors import Forbidden, NotAuthenticated
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


@router.get("/templates", response_model=list[TemplateOut])
async def list_templates(
    request: Request, units: UnitsDep, settings: SettingsDep
) -> list[TemplateOut]:
    """The built-in templates for anyone, and a signed-in facilitator's own (`own`)."""
    tokens = candidate_tokens(request)

    def read(session: Session) -> list[TemplateOut]:
        try:
            facilitator_id: str | None = facilitator_of(session, settings, tokens).id
        except (NotAuthenticated, Forbidden):
            facilitator_id = None
        return own_templates.list_templates(session, facilitator_id)

    return await units.run(read)


@router.delete(
    "/templates/{template_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401, 403, 404),
)
async def delete_template(template_id: str, work: FacilitatorWork) -> Response:
    await work.write(
        lambda s, facilitator: own_templates.delete_template(s, facilitator.id, template_id)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/boards/{board_id}/template",
    status_code=status.HTTP_201_CREATED,
    response_model=TemplateOut,
    responses=errors(401, 403, 404),
)
async def save_template(
    body: TemplateSave, request: Request, work: MemberWork, settings: SettingsDep
) -> TemplateOut:
    """Save the board's question and columns as a template of the caller's own."""
    tokens = candidate_tokens(request)
    return await work.write(
        lambda s, actor: own_templates.save_template(
            s, settings, actor, facilitator_of(s, settings, tokens).id, body
        )
    )


@router.post(
    "/boards/{board_id}/duplicate",
    status_code=status.HTTP_201_CREATED,
    response_model=BoardSnapshot,
    responses=errors(401, 403, 404, 409),
)
async def duplicate_board(
    body: BoardDuplicate, request: Request, work: MemberWork, settings: SettingsDep
) -> BoardSnapshot:
    """A new board with the same columns and question, and the notes if asked."""
    tokens = candidate_tokens(request)
    return await work.write(
        lambda s, actor: copies.duplicate_board(
            s, settings, actor, facilitator_of(s, settings, tokens), body
        )
    )


@router.put(
    "/boards/{board_id}/timer", response_model=TimerOut, responses=errors(401, 403, 404, 423)
)
async def start_timer(body: TimerSet, work: MemberWork) -> TimerOut:
    """Start a countdown every browser on the board shows."""
    return await work.write(lambda s, actor: timer.start_timer(s, actor, body.seconds))


@router.delete(
    "/boards/{board_id}/timer", response_model=TimerOut, responses=errors(401, 403, 404, 423)
)
async def stop_timer(work: MemberWork) -> TimerOut:
    return await work.write(timer.stop_timer)


@router.get(
    "/boards/{board_id}/facilitators",
    response_model=list[FacilitatorPublic],
    responses=errors(401, 403, 404),
)
async def list_facilitators(work: MemberWork) -> list[FacilitatorPublic]:
    return await work.read(sharing.list_facilitators)


@router.post(
    "/boards/{board_id}/facilitators",
    status_code=status.HTTP_201_CREATED,
    response_model=FacilitatorPublic,
    responses=errors(401, 403, 404, 409),
)
async def add_facilitator(body: FacilitatorAdd, work: MemberWork) -> FacilitatorPublic:
    """Another facilitator account runs the board too."""
    return await work.write(lambda s, actor: sharing.add_facilitator(s, actor, body.email))


@router.delete(
    "/boards/{board_id}/facilitators/{facilitator_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401, 403, 404, 409),
)
async def remove_facilitator(facilitator_id: str, work: MemberWork) -> Response:
    await work.write(lambda s, actor: sharing.remove_facilitator(s, actor, facilitator_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
