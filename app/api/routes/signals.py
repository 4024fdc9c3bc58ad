"""Work groups, "I'm done", reactions and follow me."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import ActorDep, SessionDep, SettingsDep
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
def list_work_groups(actor: ActorDep, session: SessionDep) -> Progress:
    """The groups with their members, notes and members done, as counts."""
    return work_groups.progress(session, actor.board_id)


@router.post("/work-groups", status_code=201, response_model=Progress, responses=WRITE_ERRORS)
def create_work_groups(
    body: WorkGroupCreate, actor: ActorDep, session: SessionDep, settings: SettingsDep
) -> Progress:
    """One group ({"name"}) or several ({"names": [...]})."""
    return work_groups.create(session, settings, actor, body)


@router.patch("/work-groups/{work_group_id}", response_model=Progress, responses=WRITE_ERRORS)
def update_work_group(
    work_group_id: str,
    body: WorkGroupUpdate,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Progress:
    return work_groups.update(session, settings, actor, work_group_id, body)


@router.delete("/work-groups/{work_group_id}", response_model=Progress, responses=WRITE_ERRORS)
def delete_work_group(work_group_id: str, actor: ActorDep, session: SessionDep) -> Progress:
    """Members and notes of the group stay, without a group."""
    return work_groups.delete(session, actor, work_group_id)


@router.get("/me", response_model=Me, responses=errors(401, 403, 404))
def get_me(actor: ActorDep, session: SessionDep) -> Me:
    return work_groups.me(session, actor)


@router.put("/me", response_model=Me, responses=WRITE_ERRORS)
def pick_work_group(body: MembershipUpdate, actor: ActorDep, session: SessionDep) -> Me:
    """A member picks their group; the notes they write from now on carry it."""
    return work_groups.join_group(session, actor, body)


@router.put("/me/done", response_model=Me, responses=WRITE_ERRORS)
def mark_done(actor: ActorDep, session: SessionDep) -> Me:
    return work_groups.set_done(session, actor, done=True)


@router.delete("/me/done", response_model=Me, responses=WRITE_ERRORS)
def mark_not_done(actor: ActorDep, session: SessionDep) -> Me:
    return work_groups.set_done(session, actor, done=False)


@router.delete("/done", response_model=Progress, responses=WRITE_ERRORS)
def reset_done(actor: ActorDep, session: SessionDep) -> Progress:
    """A new phase starts: nobody is done."""
    return work_groups.reset_done(session, actor)


@router.get(
    "/participants", response_model=list[ParticipantPublic], responses=errors(401, 403, 404)
)
def list_participants(actor: ActorDep, session: SessionDep) -> list[ParticipantPublic]:
    """The members and their groups, for a facilitator giving groups out."""
    return work_groups.participants(session, actor)


@router.put(
    "/participants/{participant_id}", response_model=ParticipantPublic, responses=WRITE_ERRORS
)
def assign_work_group(
    participant_id: str, body: MembershipUpdate, actor: ActorDep, session: SessionDep
) -> ParticipantPublic:
    return work_groups.assign(session, actor, participant_id, body)


@router.put(
    "/notes/{note_id}/reactions/{name}", response_model=ReactionsOut, responses=WRITE_ERRORS
)
def add_reaction(
    note_id: str, name: ReactionName, actor: ActorDep, session: SessionDep
) -> ReactionsOut:
    return signals.set_reaction(session, actor, note_id, name, on=True)


@router.delete(
    "/notes/{note_id}/reactions/{name}", response_model=ReactionsOut, responses=WRITE_ERRORS
)
def remove_reaction(
    note_id: str, name: ReactionName, actor: ActorDep, session: SessionDep
) -> ReactionsOut:
    return signals.set_reaction(session, actor, note_id, name, on=False)


@router.put("/follow", response_model=FollowOut, responses=errors(401, 403, 404))
def set_follow(body: FollowUpdate, actor: ActorDep, session: SessionDep) -> FollowOut:
    """Every participant's view scrolls to this column (null: stop following)."""
    return signals.set_follow(session, actor, body)
