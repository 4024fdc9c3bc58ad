"""What the facilitator's toolbar shows about each phase of the workshop: how many notes
wait to be revealed or approved, how many people have voted, how many themes there are.
Counts only, for facilitators; the toolbar asks again after every live event."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func
from sqlmodel import Session, select

from app.models import Note, NoteVisibility, Participant, Role, Theme, Vote
from app.services.members import Actor, require_facilitator


@dataclass(frozen=True, slots=True)
class PhaseCounts:
    """The numbers behind the toolbar's live state."""

    private: int
    pending: int
    hidden: int
    voters: int
    people: int
    themes: int


def phase_counts(session: Session, actor: Actor) -> PhaseCounts:
    """Five small counting queries; facilitators only (they are the only ones who may
    know how many notes are still private)."""
    require_facilitator(actor)
    board_id = actor.board_id
    waiting = dict(
        session.exec(
            select(Note.visibility, func.count())
            .where(Note.board_id == board_id, Note.visibility != NoteVisibility.public.value)
            .group_by(Note.visibility)
        ).all()
    )
    guests = (Participant.board_id == board_id, Participant.role == Role.participant.value)
    voters = select(func.count(distinct(Vote.participant_id))).join(
        Participant, Participant.id == Vote.participant_id
    )
    return PhaseCounts(
        private=waiting.get(NoteVisibility.private.value, 0),
        pending=waiting.get(NoteVisibility.pending.value, 0),
        hidden=waiting.get(NoteVisibility.hidden.value, 0),
        voters=session.exec(voters.where(Vote.board_id == board_id, *guests)).one(),
        people=session.exec(select(func.count()).where(*guests)).one(),
        themes=session.exec(select(func.count()).where(Theme.board_id == board_id)).one(),
    )
