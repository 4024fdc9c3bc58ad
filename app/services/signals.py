"""Participants' light signals on a board: emoji reactions on notes, and the facilitator's
"follow me". Reactions are not votes: they never count in voting, and only their counts
leave the server, so nobody learns who reacted to what."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func
from sqlmodel import Session, select

from app.errors import InvalidInput
from app.i18n import N_
from app.models import Reaction
from app.schemas import FollowOut, FollowUpdate, ReactionName, ReactionsOut
from app.services import events, visibility
from app.services.members import (
    Actor,
    column_on_board,
    lock_board,
    require_facilitator,
    require_writable,
    spend_write,
)

# name → (emoji, what a screen reader says): the fixed set, in the order pages show it.
REACTIONS = {
    ReactionName.thumbs_up.value: ("👍", N_("Agree")),
    ReactionName.heart.value: ("❤️", N_("Love it")),
    ReactionName.bulb.value: ("💡", N_("Good idea")),
    ReactionName.question.value: ("❓", N_("Question")),
    ReactionName.party.value: ("🎉", N_("Celebrate")),
}


def reaction_name(value: str) -> ReactionName:
    """The reaction a URL names, or 422 for one outside the fixed set."""
    try:
        return ReactionName(value)
    except ValueError:
        raise InvalidInput("There is no such reaction.") from None


def set_reaction(
    session: Session, actor: Actor, note_id: str, name: ReactionName, *, on: bool
) -> ReactionsOut:
    """Give or take back one reaction; repeating either changes nothing and records nothing.
    Nothing is committed here: the reactions a room gives at once commit together
    (app.unit)."""
    spend_write(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    note = visibility.visible_note(session, actor, note_id)
    existing = session.get(Reaction, (note.id, actor.participant_id, name.value))
    if on and existing is None:
        session.add(
            Reaction(
                note_id=note.id,
                participant_id=actor.participant_id,
                name=name.value,
                board_id=board.id,
            )
        )
    elif not on and existing is not None:
        session.delete(existing)
    else:
        return _reactions_out(session, actor, note.id)
    session.flush()
    counts = counts_of(session, note.id)
    events.record(
        session, board, "reaction.changed", {"note_id": note.id, "reactions": counts}, note
    )
    return _reactions_out(session, actor, note.id)


def _reactions_out(session: Session, actor: Actor, note_id: str) -> ReactionsOut:
    mine = session.exec(
        select(Reaction.name).where(
            Reaction.note_id == note_id, Reaction.participant_id == actor.participant_id
        )
    ).all()
    return ReactionsOut(note_id=note_id, reactions=counts_of(session, note_id), mine=sorted(mine))


def counts_of(session: Session, note_id: str) -> dict[str, int]:
    """{name: count} for one note, in the fixed order, leaving out those nobody gave."""
    rows = dict(
        session.exec(
            select(Reaction.name, func.count())
            .where(Reaction.note_id == note_id)
            .group_by(Reaction.name)
        ).all()
    )
    return {name.value: rows[name.value] for name in ReactionName if name.value in rows}


def counts_by_note(session: Session, board_id: str) -> dict[str, dict[str, int]]:
    """Every note's reaction counts in one query, for the board's snapshot."""
    raw: dict[str, dict[str, int]] = defaultdict(dict)
    rows = session.exec(
        select(Reaction.note_id, Reaction.name, func.count())
        .where(Reaction.board_id == board_id)
        .group_by(Reaction.note_id, Reaction.name)
    ).all()
    for note_id, name, count in rows:
        raw[note_id][name] = count
    return {
        note_id: {n.value: counts[n.value] for n in ReactionName if n.value in counts}
        for note_id, counts in raw.items()
    }


def mine_by_note(session: Session, actor: Actor) -> dict[str, list[str]]:
    """The viewer's own reactions, for the pressed buttons on their page."""
    found: dict[str, list[str]] = defaultdict(list)
    rows = session.exec(
        select(Reaction.note_id, Reaction.name).where(
            Reaction.board_id == actor.board_id, Reaction.participant_id == actor.participant_id
        )
    ).all()
    for note_id, name in rows:
        found[note_id].append(name)
    return dict(found)


def set_follow(session: Session, actor: Actor, data: FollowUpdate) -> FollowOut:
    """Point everyone's view at a column (or stop): one board.follow event."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    if data.column_id is not None:
        column_on_board(session, board.id, data.column_id)
    board.follow_column_id = data.column_id
    session.add(board)
    events.record(session, board, "board.follow", {"column_id": data.column_id})
    session.commit()
    return FollowOut(column_id=data.column_id)
