"""Form posts for discussion groups, "I'm done", reactions and follow me. Without JavaScript each
redirects back to the board; with htmx it answers 204 and the live event shows the change."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.api.deps import MemberWork, SettingsDep
from app.errors import PajaError
from app.i18n import translations
from app.schemas import DiscussionGroupCreate, FollowUpdate, MembershipUpdate
from app.services import discussion_groups, signals
from app.services.members import Actor
from app.web.pages import _fragment_or_redirect, _refuse, _trigger, apply_change, page_language

router = APIRouter(include_in_schema=False)


@router.post("/b/{board_id}/discussion-groups")
async def add_discussion_groups(
    request: Request,
    board_id: str,
    work: MemberWork,
    settings: SettingsDep,
    name: Annotated[str, Form(max_length=10_000)] = "",
    count: Annotated[int | None, Form(ge=1, le=500)] = None,
) -> Response:
    """A named group, or "Ryhmä 1" … "Ryhmä N" in the board's language."""

    def create(session: Session, actor: Actor) -> object:
        if count is not None and not name.strip():
            language = page_language(request, actor.language)
            numbered = translations(language).gettext("Group {number}")
            data = DiscussionGroupCreate(
                names=[numbered.format(number=n) for n in range(1, count + 1)]
            )
        else:
            data = DiscussionGroupCreate(name=name)
        return discussion_groups.create(session, settings, actor, data)

    return await apply_change(request, work, create)


@router.post("/b/{board_id}/discussion-groups/{discussion_group_id}/delete")
async def delete_discussion_group(
    request: Request, board_id: str, discussion_group_id: str, work: MemberWork
) -> Response:
    return await apply_change(
        request, work, lambda s, actor: discussion_groups.delete(s, actor, discussion_group_id)
    )


@router.post("/b/{board_id}/me/group")
async def pick_discussion_group(
    request: Request,
    board_id: str,
    work: MemberWork,
    discussion_group_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    choice = MembershipUpdate(discussion_group_id=discussion_group_id or None)
    try:
        me = await work.write(lambda s, actor: discussion_groups.join_group(s, actor, choice))
    except PajaError as error:
        return _refuse(request, error)
    response = _fragment_or_redirect(request, board_id)
    return _trigger(response, "paja:my-group", {"discussion_group_id": me.discussion_group_id})


@router.post("/b/{board_id}/participants/{participant_id}/group")
async def assign_discussion_group(
    request: Request,
    board_id: str,
    participant_id: str,
    work: MemberWork,
    discussion_group_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    return await apply_change(
        request,
        work,
        lambda s, actor: discussion_groups.assign(
            s,
            actor,
            participant_id,
            MembershipUpdate(discussion_group_id=discussion_group_id or None),
        ),
    )


@router.post("/b/{board_id}/me/done")
async def toggle_done(
    request: Request,
    board_id: str,
    work: MemberWork,
    on: Annotated[bool, Form()] = True,
) -> Response:
    try:
        me = await work.write(lambda s, actor: discussion_groups.set_done(s, actor, done=on))
    except PajaError as error:
        return _refuse(request, error)
    response = _fragment_or_redirect(request, board_id)
    return _trigger(response, "paja:done", {"done": me.done})


@router.post("/b/{board_id}/done/reset")
async def reset_done(request: Request, board_id: str, work: MemberWork) -> Response:
    return await apply_change(
        request, work, lambda s, actor: discussion_groups.reset_done(s, actor)
    )


@router.post("/b/{board_id}/notes/{note_id}/reactions")
async def react(
    request: Request,
    board_id: str,
    note_id: str,
    work: MemberWork,
    reaction: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """The note card's one reactions form: the pressed button says "name:on" or "name:off"."""
    name, _, state = reaction.partition(":")
    return await toggle_reaction(request, board_id, note_id, name, work, on=state != "off")


@router.post("/b/{board_id}/notes/{note_id}/reactions/{name}")
async def toggle_reaction(
    request: Request,
    board_id: str,
    note_id: str,
    name: str,
    work: MemberWork,
    on: Annotated[bool, Form()] = True,
) -> Response:
    try:
        reaction = signals.reaction_name(name)
        result = await work.write_together(
            lambda s, actor: signals.set_reaction(s, actor, note_id, reaction, on=on)
        )
    except PajaError as error:
        return _refuse(request, error)
    response = _fragment_or_redirect(request, board_id)
    return _trigger(response, "paja:reacted", {"id": note_id, "mine": result.mine})


@router.post("/b/{board_id}/follow")
async def follow(
    request: Request,
    board_id: str,
    work: MemberWork,
    column_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    return await apply_change(
        request,
        work,
        lambda s, actor: signals.set_follow(s, actor, FollowUpdate(column_id=column_id or None)),
    )
