"""Work groups, "I'm done", reactions and follow me."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import MemberWork, SettingsDep
from app.api.routes.common import errors
from app.schemas import (
    FollowOut,
    FollowUpdate,
    Me,
    MembershipUpdate,
    ParticipantPublic,
    Progress,
    ReactionName,
    ReactionsOut,
    WorkGroupCreate,
    WorkGroupUpdate,
)
from app.services import signals, work_groups

router = APIRouter(prefix="/boards/{board_id}", tags=["signals"])
WRITE_ERRORS = errors(401, 403, 404, 409, 423)


@router.get("/work-groups", response_model=Progress, responses=errors(401, 403, 404))
async def list_work_groups(work: MemberWork) -> Progress:
    """The groups with their members, notes and members done, as counts."""
    return await work.read(lambda s, actor: work_groups.progress(s, actor.board_id))


@router.post("/work-groups", status_code=201, response_model=Progress, responses=WRITE_ERRORS)
async def create_work_groups(
    body: WorkGroupCreate, work: MemberWork, settings: SettingsDep
) -> Progress:
    """One group ({"name"}) or several ({"names": [...]})."""
    return await work.write(lambda s, actor: work_groups.create(s, settings, actor, body))


@router.patch("/work-groups/{work_group_id}", response_model=Progress, responses=WRITE_ERRORS)
async def update_work_group(
    work_group_id: str, body: WorkGroupUpdate, work: MemberWork, settings: SettingsDep
) -> Progress:
    return await work.write(
        lambda s, actor: work_groups.update(s, settings, actor, work_group_id, body)
    )


@router.delete("/work-groups/{work_group_id}", response_model=Progress, responses=WRITE_ERRORS)
async def delete_work_group(work_group_id: str, work: MemberWork) -> Progress:
    """Members and notes of the group stay, without a group."""
    return await work.write(lambda s, actor: work_groups.delete(s, actor, work_group_id))


@router.get("/me", response_model=Me, responses=errors(401, 403, 404))
async def get_me(work: MemberWork) -> Me:
    return await work.read(work_groups.me)


@router.put("/me", response_model=Me, responses=WRITE_ERRORS)
async def pick_work_group(body: MembershipUpdate, work: MemberWork) -> Me:
    """A member picks their group; the notes they write from now on carry it."""
    return await work.write(lambda s, actor: work_groups.join_group(s, actor, body))


@router.put("/me/done", response_model=Me, responses=WRITE_ERRORS)
async def mark_done(work: MemberWork) -> Me:
    return await work.write(lambda s, actor: work_groups.set_done(s, actor, done=True))


@router.delete("/me/done", response_model=Me, responses=WRITE_ERRORS)
async def mark_not_done(work: MemberWork) -> Me:
    return await work.write(lambda s, actor: work_groups.set_done(s, actor, done=False))


@router.delete("/done", response_model=Progress, responses=WRITE_ERRORS)
async def reset_done(work: MemberWork) -> Progress:
    """A new phase starts: nobody is done."""
    return await work.write(work_groups.reset_done)


@router.get(
    "/participants", response_model=list[ParticipantPublic], responses=errors(401, 403, 404)
)
async def list_participants(work: MemberWork) -> list[ParticipantPublic]:
    """The members and their groups, for a facilitator giving groups out."""
    return await work.read(work_groups.participants)


@router.put(
    "/participants/{participant_id}", response_model=ParticipantPublic, responses=WRITE_ERRORS
)
async def assign_work_group(
    participant_id: str, body: MembershipUpdate, work: MemberWork
) -> ParticipantPublic:
    return await work.write(lambda s, actor: work_groups.assign(s, actor, participant_id, body))


@router.put(
    "/notes/{note_id}/reactions/{name}", response_model=ReactionsOut, responses=WRITE_ERRORS
)
async def add_reaction(note_id: str, name: ReactionName, work: MemberWork) -> ReactionsOut:
    return await work.write(lambda s, actor: signals.set_reaction(s, actor, note_id, name, on=True))


@router.delete(
    "/notes/{note_id}/reactions/{name}", response_model=ReactionsOut, responses=WRITE_ERRORS
)
async def remove_reaction(note_id: str, name: ReactionName, work: MemberWork) -> ReactionsOut:
    return await work.write(
        lambda s, actor: signals.set_reaction(s, actor, note_id, name, on=False)
    )


@router.put("/follow", response_model=FollowOut, responses=errors(401, 403, 404))
async def set_follow(body: FollowUpdate, work: MemberWork) -> FollowOut:
    """Every participant's view scrolls to this column (null: stop following)."""
    return await work.write(lambda s, actor: signals.set_follow(s, actor, body))
