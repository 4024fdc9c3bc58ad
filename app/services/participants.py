"""Removing a participant: a facilitator takes someone off the board, optionally with
their notes, live. Their token stops working at once (403 with a sentence), their open
streams close on the `participant.removed` event (the hub, 4408), and the board's link
lets them join again only as a new participant, through the join form, not silently."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.errors import Conflict, NotFound
from app.models import Note, Participant, Role
from app.schemas import ParticipantRemoved
from app.services import discussion_groups, events, notes
from app.services.members import Actor, lock_board, require_facilitator, require_writable


def remove_participant(
    session: Session, actor: Actor, participant_id: str, *, with_notes: bool = False
) -> ParticipantRemoved:
    """Take a participant off the board. Their row stays, marked removed and without
    a name or a group, so a request with their token is told why it is refused; what
    they wrote stays unless `with_notes` (their comments and votes stay either way)."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    member = session.get(Participant, participant_id)
    if member is None or member.board_id != board.id or member.role == Role.removed.value:
        raise NotFound("There is no such participant on this board.")
    if member.role == Role.facilitator.value:
        raise Conflict("A facilitator is removed from the board's facilitators, not here.")
    removed_notes = 0
    if with_notes:
        require_writable(board, actor)
        for note in session.exec(
            select(Note).where(Note.board_id == board.id, Note.author_id == member.id)
        ).all():
            notes.discard_note(session, board, note)
            removed_notes += 1
    counted = member.done or member.discussion_group_id is not None
    member.role = Role.removed.value
    member.name = ""
    member.done = False
    member.discussion_group_id = None
    session.add(member)
    if counted:  # the room's "done" counts and group sizes leave them out now
        discussion_groups.record_progress(session, board)
    # Facilitators and the removed participant only (app/audience.py); the hub closes
    # the participant's open streams on it.
    events.record(session, board, "participant.removed", {"participant_id": member.id})
    session.commit()
    return ParticipantRemoved(participant_id=member.id, notes_removed=removed_notes)


def members(session: Session, actor: Actor) -> list[Participant]:
    """The board's participants (not its facilitators, not those removed), oldest first,
    for the facilitator's participants page."""
    require_facilitator(actor)
    return list(
        session.exec(
            select(Participant)
            .where(
                Participant.board_id == actor.board_id,
                Participant.role == Role.participant.value,
            )
            .order_by(col(Participant.created_at))
        ).all()
    )


def note_counts(session: Session, board_id: str) -> dict[str, int]:
    """How many notes each member has on the board, so "with their notes" says how many."""
    rows = session.exec(
        select(Note.author_id, func.count())
        .where(Note.board_id == board_id, col(Note.author_id).is_not(None))
        .group_by(col(Note.author_id))
    ).all()
    return {author: count for author, count in rows if author is not None}
