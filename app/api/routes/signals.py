"""Discussion groups, "I'm done", reactions and follow me."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import MemberWork, SettingsDep
from app.api.routes.common import errors
from app.schemas import (
    DiscussionGroupCreate,
    DiscussionGroupUpdate,
    FollowOut,
    FollowUpdate,
    Me,
    MembershipUpdate,
    ParticipantPublic,
    Progress,
    ReactionName,
    ReactionsOut,
)
from app.services import discussion_groups, signals

router = APIRouter(prefix="/boards/{board_id}", tags=["signals"])
WRITE_ERRORS = errors(401, 403, 404, 409, 423)
# Before "discussion groups" were called so, v1 served them under /work-groups; those
# paths still answer (left out of the schema) so a client written then keeps working.
OLD_PATH = "/work-groups"


@router.get(OLD_PATH, response_model=Progress, include_in_schema=False)
@router.get("/discussion-groups", response_model=Progress, responses=errors(401, 403, 404))
async def list_discussion_groups(work: MemberWork) -> Progress:
    """The discussion groups with their members, notes and members done, as counts."""
    return await work.read(lambda s, actor: discussion_groups.progress(s, actor.board_id))


@router.post(OLD_PATH, status_code=201, response_model=Progress, include_in_schema=False)
@router.post("/discussion-groups", status_code=201, response_model=Progress, responses=WRITE_ERRORS)
async def create_discussion_groups(
    body: DiscussionGroupCreate, work: MemberWork, settings: SettingsDep
) -> Progress:
    """One discussion group ({"name"}) or several ({"names": [...]})."""
    return await work.write(lambda s, actor: discussion_groups.create(s, settings, actor, body))


@router.patch(OLD_PATH + "/{discussion_group_id}", response_model=Progress, include_in_schema=False)
@router.patch(
    "/discussion-groups/{discussion_group_id}", response_model=Progress, responses=WRITE_ERRORS
)
async def update_discussion_group(
    discussion_group_id: str, body: DiscussionGroupUpdate, work: MemberWork, settings: SettingsDep
) -> Progress:
    return await work.write(
        lambda s, actor: discussion_groups.update(s, settings, actor, discussion_group_id, body)
    )


@router.delete(
    OLD_PATH + "/{discussion_group_id}", response_model=Progress, include_in_schema=False
)
@router.delete(
    "/discussion-groups/{discussion_group_id}", response_model=Progress, responses=WRITE_ERRORS
)
async def delete_discussion_group(discussion_group_id: str, work: MemberWork) -> Progress:
    """Members and notes of the discussion group stay, without one."""
    return await work.write(
        lambda s, actor: discussion_groups.delete(s, actor, discussion_group_id)
    )


@router.get("/me", response_model=Me, responses=errors(401, 403, 404))
async def get_me(work: MemberWork) -> Me:
    return await work.read(discussion_groups.me)


@router.put("/me", response_model=Me, responses=WRITE_ERRORS)
async def pick_discussion_group(body: MembershipUpdate, work: MemberWork) -> Me:
    """A member picks their discussion group; the notes they write from now on carry it."""
    return await work.write(lambda s, actor: discussion_groups.join_group(s, actor, body))


@router.put("/me/done", response_model=Me, responses=WRITE_ERRORS)
async def mark_done(work: MemberWork) -> Me:
    return await work.write(lambda s, actor: discussion_groups.set_done(s, actor, done=True))


@router.delete("/me/done", response_model=Me, responses=WRITE_ERRORS)
async def mark_not_done(work: MemberWork) -> Me:
    return await work.write(lambda s, actor: discussion_groups.set_done(s, actor, done=False))


@router.delete("/done", response_model=Progress, responses=WRITE_ERRORS)
async def reset_done(work: MemberWork) -> Progress:
    """A new phase starts: nobody is done."""
    return await work.write(discussion_groups.reset_done)


@router.get(
    "/participants", response_model=list[ParticipantPublic], responses=errors(401, 403, 404)
)
async def list_participants(work: MemberWork) -> list[ParticipantPublic]:
    """The members and their discussion groups, for a facilitator giving them out."""
    return await work.read(discussion_groups.participants)


@router.put(
    "/participants/{participant_id}", response_model=ParticipantPublic, responses=WRITE_ERRORS
)
async def assign_discussion_group(
    participant_id: str, body: MembershipUpdate, work: MemberWork
) -> ParticipantPublic:
    return await work.write(
        lambda s, actor: discussion_groups.assign(s, actor, participant_id, body)
    )


@router.put(
    "/notes/{note_id}/reactions/{name}", response_model=ReactionsOut, responses=WRITE_ERRORS
)
async def add_reaction(note_id: str, name: ReactionName, work: MemberWork) -> ReactionsOut:
    return await work.write_together(
        lambda s, actor: signals.set_reaction(s, actor, note_id, name, on=True)
    )


@router.delete(
    "/notes/{note_id}/reactions/{name}", response_model=ReactionsOut, responses=WRITE_ERRORS
)
async def remove_reaction(note_id: str, name: ReactionName, work: MemberWork) -> ReactionsOut:
    return await work.write_together(
        lambda s, actor: signals.set_reaction(s, actor, note_id, name, on=False)
    )


@router.put("/follow", response_model=FollowOut, responses=errors(401, 403, 404))
async def set_follow(body: FollowUpdate, work: MemberWork) -> FollowOut:
    """Every participant's view scrolls to this column (null: stop following)."""
    return await work.write(lambda s, actor: signals.set_follow(s, actor, body))
