"""Form posts for work groups, "I'm done", reactions and follow me. Without JavaScript each
redirects back to the board; with htmx it answers 204 and the live event shows the change."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.api.deps import ActorDep, SessionDep, SettingsDep
from app.errors import PajaError
from app.i18n import translations
from app.schemas import FollowUpdate, MembershipUpdate, WorkGroupCreate
from app.services import signals, work_groups
from app.web.pages import _fragment_or_redirect, _refuse, _trigger, apply_change, page_language

router = APIRouter(include_in_schema=False)


@router.post("/b/{board_id}/work-groups")
def add_work_groups(
    request: Request,
    board_id: str,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    name: Annotated[str, Form(max_length=10_000)] = "",
    count: Annotated[int | None, Form(ge=1, le=500)] = None,
) -> Response:
    """A named group, or "Ryhmä 1" … "Ryhmä N" in the board's language."""
    if count is not None and not name.strip():
        numbered = translations(page_language(request, actor.language)).gettext("Group {number}")
        data = WorkGroupCreate(names=[numbered.format(number=n) for n in range(1, count + 1)])
    else:
        data = WorkGroupCreate(name=name)
    return apply_change(
        request, board_id, lambda: work_groups.create(session, settings, actor, data)
    )


@router.post("/b/{board_id}/work-groups/{work_group_id}/delete")
def delete_work_group(
    request: Request, board_id: str, work_group_id: str, actor: ActorDep, session: SessionDep
) -> Response:
    return apply_change(
        request, board_id, lambda: work_groups.delete(session, actor, work_group_id)
    )


@router.post("/b/{board_id}/me/group")
def pick_work_group(
    request: Request,
    board_id: str,
    actor: ActorDep,
    session: SessionDep,
    work_group_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        me = work_groups.join_group(
            session, actor, MembershipUpdate(work_group_id=work_group_id or None)
        )
    except PajaError as error:
        return _refuse(request, error)
    response = _fragment_or_redirect(request, board_id)
    return _trigger(response, "paja:my-group", {"work_group_id": me.work_group_id})


@router.post("/b/{board_id}/participants/{participant_id}/group")
def assign_work_group(
    request: Request,
    board_id: str,
    participant_id: str,
    actor: ActorDep,
    session: SessionDep,
    work_group_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    return apply_change(
        request,
        board_id,
        lambda: work_groups.assign(
            session, actor, participant_id, MembershipUpdate(work_group_id=work_group_id or None)
        ),
    )


@router.post("/b/{board_id}/me/done")
def toggle_done(
    request: Request,
    board_id: str,
    actor: ActorDep,
    session: SessionDep,
    on: Annotated[bool, Form()] = True,
) -> Response:
    try:
        me = work_groups.set_done(session, actor, done=on)
    except PajaError as error:
        return _refuse(request, error)
    response = _fragment_or_redirect(request, board_id)
    return _trigger(response, "paja:done", {"done": me.done})


@router.post("/b/{board_id}/done/reset")
def reset_done(request: Request, board_id: str, actor: ActorDep, session: SessionDep) -> Response:
    return apply_change(request, board_id, lambda: work_groups.reset_done(session, actor))


@router.post("/b/{board_id}/notes/{note_id}/reactions")
def react(
    request: Request,
    board_id: str,
    note_id: str,
    actor: ActorDep,
    session: SessionDep,
    reaction: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """The note card's one reactions form: the pressed button says "name:on" or "name:off"."""
    name, _, state = reaction.partition(":")
    return toggle_reaction(request, board_id, note_id, name, actor, session, on=state != "off")


@router.post("/b/{board_id}/notes/{note_id}/reactions/{name}")
def toggle_reaction(
    request: Request,
    board_id: str,
    note_id: str,
    name: str,
    actor: ActorDep,
    session: SessionDep,
    on: Annotated[bool, Form()] = True,
) -> Response:
    try:
        result = signals.set_reaction(session, actor, note_id, signals.reaction_name(name), on=on)
    except PajaError as error:
        return _refuse(request, error)
    response = _fragment_or_redirect(request, board_id)
    return _trigger(response, "paja:reacted", {"id": note_id, "mine": result.mine})


@router.post("/b/{board_id}/follow")
def follow(
    request: Request,
    board_id: str,
    actor: ActorDep,
    session: SessionDep,
    column_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    return apply_change(
        request,
        board_id,
        lambda: signals.set_follow(session, actor, FollowUpdate(column_id=column_id or None)),
    )
