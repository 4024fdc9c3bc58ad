"""Discussion groups (the people of a workshop split into breakout groups; not themes,
which gather notes: app/services/theming.py) and how far their members are: who is in
which group, and "I'm done". Progress leaves the server as counts only, never as who."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import InvalidInput, LimitReached, NotFound
from app.i18n import N_
from app.models import Board, DiscussionGroup, Note, Participant, Role
from app.schemas import (
    DiscussionGroupCreate,
    DiscussionGroupPublic,
    DiscussionGroupUpdate,
    Me,
    MembershipUpdate,
    ParticipantPublic,
    Progress,
)
from app.services import events
from app.services.members import Actor, lock_board, require_facilitator, require_writable
from app.services.text import clean


def ordered(session: Session, board_id: str) -> list[DiscussionGroup]:
    return list(
        session.exec(
            select(DiscussionGroup)
            .where(DiscussionGroup.board_id == board_id)
            .order_by(col(DiscussionGroup.position), col(DiscussionGroup.name))
        ).all()
    )


def progress(session: Session, board_id: str) -> Progress:
    """Counts per group and for the whole board, in four small queries."""
    groups = ordered(session, board_id)
    members = _count_by_group(session, Participant, board_id)
    done = _count_by_group(session, Participant, board_id, Participant.done == True)  # noqa: E712
    notes = _count_by_group(session, Note, board_id)
    return with_totals(
        session,
        board_id,
        [
            DiscussionGroupPublic(
                id=g.id,
                board_id=g.board_id,
                name=g.name,
                position=g.position,
                members=members.get(g.id, 0),
                notes=notes.get(g.id, 0),
                done=done.get(g.id, 0),
            )
            for g in groups
        ],
    )


def with_totals(
    session: Session, board_id: str, counted_groups: list[DiscussionGroupPublic]
) -> Progress:
    """The board's progress from groups already counted (a board snapshot's): only the
    whole board's two counts are read."""
    people = select(func.count()).where(
        Participant.board_id == board_id, Participant.role == Role.participant.value
    )
    return Progress(
        done=session.exec(people.where(Participant.done == True)).one(),  # noqa: E712
        total=session.exec(people).one(),
        discussion_groups=counted_groups,
    )


def _count_by_group(
    session: Session, model: type[Participant] | type[Note], board_id: str, *where: object
) -> dict[str, int]:
    group = col(model.discussion_group_id)
    rows = session.exec(
        select(group, func.count())
        .where(model.board_id == board_id, group.is_not(None), *where)  # type: ignore[arg-type]
        .group_by(group)
    ).all()
    return {group_id: count for group_id, count in rows}


def record_progress(session: Session, board: Board, type_: str = "participants.progress") -> None:
    session.flush()
    events.record(session, board, type_, progress(session, board.id).model_dump(mode="json"))


def create(
    session: Session, settings: Settings, actor: Actor, data: DiscussionGroupCreate
) -> Progress:
    """Add one group, or several in one go; names already on the board are refused."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    names = [data.name] if data.name is not None else []
    names += data.names or []
    if not names:
        raise InvalidInput("Give the discussion group a name.")
    existing = ordered(session, board.id)
    if len(existing) + len(names) > settings.max_discussion_groups_per_board:
        raise LimitReached(
            "A board can have at most {count} discussion groups.",
            count=settings.max_discussion_groups_per_board,
        )
    taken = {g.name.casefold() for g in existing}
    for offset, raw in enumerate(names):
        name = clean(raw, field=N_("Discussion group name"), limit=settings.max_title_chars)
        if name.casefold() in taken:
            raise InvalidInput("There is already a discussion group called {name}.", name=name)
        taken.add(name.casefold())
        session.add(DiscussionGroup(board_id=board.id, name=name, position=len(existing) + offset))
    record_progress(session, board, "discussion_groups.changed")
    session.commit()
    return progress(session, board.id)


def update(
    session: Session,
    settings: Settings,
    actor: Actor,
    discussion_group_id: str,
    data: DiscussionGroupUpdate,
) -> Progress:
    """Rename a group or move it in the list."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    groups = ordered(session, board.id)
    group = _find(groups, discussion_group_id)
    if data.name is not None:
        name = clean(data.name, field=N_("Discussion group name"), limit=settings.max_title_chars)
        if any(g.name.casefold() == name.casefold() for g in groups if g is not group):
            raise InvalidInput("There is already a discussion group called {name}.", name=name)
        group.name = name
    if data.position is not None:
        groups.remove(group)
        groups.insert(min(data.position, len(groups)), group)
    for index, item in enumerate(groups):
        item.position = index
        session.add(item)
    record_progress(session, board, "discussion_groups.changed")
    session.commit()
    return progress(session, board.id)


def delete(session: Session, actor: Actor, discussion_group_id: str) -> Progress:
    """Remove a group; its members and notes stay, without a group."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    group = _find(ordered(session, board.id), discussion_group_id)
    session.delete(group)  # ON DELETE SET NULL ungroups its members and notes
    record_progress(session, board, "discussion_groups.changed")
    session.commit()
    return progress(session, board.id)


def _find(groups: list[DiscussionGroup], discussion_group_id: str) -> DiscussionGroup:
    group = next((g for g in groups if g.id == discussion_group_id), None)
    if group is None:
        raise NotFound("There is no such discussion group on this board.")
    return group


def me(session: Session, actor: Actor) -> Me:
    member = _member(session, actor.board_id, actor.participant_id)
    return Me(
        participant_id=member.id,
        name=member.name,
        discussion_group_id=member.discussion_group_id,
        done=member.done,
    )


def join_group(session: Session, actor: Actor, data: MembershipUpdate) -> Me:
    """A member picks their own group (or none); their next notes carry it."""
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    member = _member(session, board.id, actor.participant_id)
    if _set_group(session, member, data.discussion_group_id):
        record_progress(session, board)
        session.commit()
    return me(session, actor)


def assign(
    session: Session, actor: Actor, participant_id: str, data: MembershipUpdate
) -> ParticipantPublic:
    """A facilitator puts a member in a group."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    member = _member(session, board.id, participant_id)
    if _set_group(session, member, data.discussion_group_id):
        record_progress(session, board)
        session.commit()
    return participant_public(member)


def _set_group(session: Session, member: Participant, discussion_group_id: str | None) -> bool:
    """True when the membership changed (repeating a choice records nothing)."""
    if discussion_group_id is not None:
        group = session.get(DiscussionGroup, discussion_group_id)
        if group is None or group.board_id != member.board_id:
            raise InvalidInput("That discussion group is not on this board.")
    if member.discussion_group_id == discussion_group_id:
        return False
    member.discussion_group_id = discussion_group_id
    session.add(member)
    return True


def set_done(session: Session, actor: Actor, *, done: bool) -> Me:
    """ "I'm done" or "not yet": the event carries the new counts, never who."""
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    member = _member(session, board.id, actor.participant_id)
    if member.done != done:
        member.done = done
        session.add(member)
        record_progress(session, board)
        session.commit()
    return me(session, actor)


def reset_done(session: Session, actor: Actor) -> Progress:
    """A new phase begins: nobody is done any more."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    finished = session.exec(
        select(Participant).where(Participant.board_id == board.id, Participant.done == True)  # noqa: E712
    ).all()
    for member in finished:
        member.done = False
        session.add(member)
    record_progress(session, board)
    session.commit()
    return progress(session, board.id)


def participants(session: Session, actor: Actor) -> list[ParticipantPublic]:
    """The members, for a facilitator giving out groups; whether they are done stays hidden."""
    require_facilitator(actor)
    rows = session.exec(
        select(Participant)
        .where(Participant.board_id == actor.board_id, Participant.role != Role.removed.value)
        .order_by(col(Participant.created_at))
    ).all()
    return [participant_public(row) for row in rows]


def participant_public(member: Participant) -> ParticipantPublic:
    return ParticipantPublic(
        id=member.id,
        name=member.name,
        role=Role(member.role),
        discussion_group_id=member.discussion_group_id,
    )


def _member(session: Session, board_id: str, participant_id: str) -> Participant:
    member = session.get(Participant, participant_id)
    if member is None or member.board_id != board_id or member.role == Role.removed.value:
        raise NotFound("There is no such participant on this board.")
    return member


def names(session: Session, board_id: str) -> dict[str, str]:
    return dict(
        session.exec(
            select(DiscussionGroup.id, DiscussionGroup.name).where(
                DiscussionGroup.board_id == board_id
            )
        )
    )
