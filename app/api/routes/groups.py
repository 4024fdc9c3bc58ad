"""Groups of notes (facilitators only) and the board's list of next steps."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from app.api.deps import MemberWork, SettingsDep
from app.api.routes.common import errors
from app.schemas import GroupCreate, GroupPublic, GroupUpdate, NextStepPublic
from app.services import groups, next_steps

router = APIRouter(prefix="/boards/{board_id}", tags=["groups"])
GROUP_ERRORS = errors(401, 403, 404, 409, 423)


@router.post(
    "/groups",
    status_code=status.HTTP_201_CREATED,
    response_model=GroupPublic,
    responses=GROUP_ERRORS,
)
async def create_group(body: GroupCreate, work: MemberWork, settings: SettingsDep) -> GroupPublic:
    """Merge two or more notes into a group in the first note's column."""
    return await work.write(lambda s, actor: groups.create_group(s, settings, actor, body))


@router.patch("/groups/{group_id}", response_model=GroupPublic, responses=GROUP_ERRORS)
async def update_group(
    group_id: str, body: GroupUpdate, work: MemberWork, settings: SettingsDep
) -> GroupPublic:
    """Rename the group, add notes to it or take notes out."""
    return await work.write(
        lambda s, actor: groups.update_group(s, settings, actor, group_id, body)
    )


@router.delete("/groups/{group_id}", status_code=status.HTTP_204_NO_CONTENT, responses=GROUP_ERRORS)
async def split_group(group_id: str, work: MemberWork) -> Response:
    """Split the group: its notes stay, ungrouped, in its column."""
    await work.write(lambda s, actor: groups.delete_group(s, actor, group_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/next-steps", response_model=list[NextStepPublic], responses=errors(401, 403, 404))
async def list_next_steps(work: MemberWork) -> list[NextStepPublic]:
    """Every next step with its who, with whom, how and when, and its column."""
    return await work.read(next_steps.list_next_steps)
