"""Dot voting: free likes by default, or a round in which everyone has a budget of votes
(several on one note if the facilitator allows it), with results hidden from
participants until the round closes if asked. Hidden counts are withheld by the API and
the WebSocket alike: participants receive the same events without the numbers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from app import audience
from app.errors import Conflict, InvalidInput, NotFound
from app.models import Board, BoardColumn, Note, Vote, VotingState
from app.schemas import ColumnSorted, VoteOut, VotingOpen, VotingPublic
from app.services import events, public
from app.services.members import Actor, lock_board, require_facilitator, require_writable


def open_round(session: Session, actor: Actor, data: VotingOpen) -> VotingPublic:
    """Start a round: every earlier vote on the board is cleared, so each person starts
    with the whole budget."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    if data.max_per_note > data.budget:
        raise InvalidInput(
            "Votes on one note cannot be more than the budget ({budget}).", budget=data.budget
        )
    session.execute(delete(Vote).where(col(Vote.board_id) == board.id))
    session.execute(update(Note).where(col(Note.board_id) == board.id).values(votes=0))
    board.voting_state = VotingState.open.value
    board.vote_budget = data.budget
    board.max_votes_per_note = data.max_per_note
    board.hide_results = data.hide_results
    return _record_voting(session, board)


def close_round(session: Session, actor: Actor) -> VotingPublic:
    """End the round: the votes stay, and everyone sees every count."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    if board.voting_state != VotingState.open.value:
        raise Conflict("No voting round is open.")
    board.voting_state = VotingState.closed.value
    return _record_voting(session, board)


def free_voting(session: Session, actor: Actor) -> VotingPublic:
    """Back to likes (one per person per note, any time); the round's votes stay."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    if board.voting_state == VotingState.free.value:
        return public.voting_of(board)
    board.voting_state = VotingState.free.value
    return _record_voting(session, board)


def _record_voting(session: Session, board: Board) -> VotingPublic:
    """One `voting.changed` event carries the new state and every count the viewer may
    see, so a page updates every note without a request per note."""
    session.flush()
    counts = session.exec(select(Note.id, Note.votes).where(Note.board_id == board.id)).all()
    state = public.voting_of(board)
    data: dict[str, Any] = {
        "id": board.id,
        "voting": state.model_dump(mode="json"),
        "votes": dict(counts),
    }
    withheld = audience.restricted_on_board(session, board.id)
    events.record(session, board, "voting.changed", data, withheld, only_restricted=True)
    session.commit()
    return state


def cast(session: Session, board: Board, actor: Actor, note: Note, *, on: bool) -> VoteOut:
    """Add (on) or remove one of this member's votes on a note during a round. The
    caller holds the board lock, has checked the board and the note, and commits."""
    if board.voting_state != VotingState.open.value:
        raise Conflict("No voting round is open.")
    vote = session.get(Vote, (note.id, actor.participant_id))
    used = _used(session, board, actor)
    if on:
        if used >= board.vote_budget:
            raise Conflict("You have used all your {budget} votes.", budget=board.vote_budget)
        if vote is not None and vote.count >= board.max_votes_per_note:
            raise Conflict(
                "You can put at most {count} votes on one note.", count=board.max_votes_per_note
            )
        if vote is None:
            vote = Vote(note_id=note.id, participant_id=actor.participant_id, board_id=board.id)
        else:
            vote.count += 1
        session.add(vote)
        used += 1
    elif vote is None:
        return _vote_out(board, actor, note, 0, used)
    else:
        vote.count -= 1
        if vote.count == 0:
            session.delete(vote)
        else:
            session.add(vote)
        used -= 1
    session.flush()
    note.votes = count_votes(session, note)
    session.add(note)
    mine = vote.count
    data = {"note_id": note.id, "votes": note.votes}
    left = board.vote_budget - used
    facts = {"voter": actor.participant_id, "mine": mine, "left": left}
    events.record(session, board, "vote.changed", data, note, **facts)
    return _vote_out(board, actor, note, mine, used)


def count_votes(session: Session, note: Note) -> int:
    """Every vote on the note, several from one person included."""
    total = session.exec(select(func.sum(Vote.count)).where(Vote.note_id == note.id)).one()
    return int(total or 0)


def _used(session: Session, board: Board, actor: Actor) -> int:
    total = session.exec(
        select(func.sum(Vote.count)).where(
            Vote.board_id == board.id, Vote.participant_id == actor.participant_id
        )
    ).one()
    return int(total or 0)


def _vote_out(board: Board, actor: Actor, note: Note, mine: int, used: int) -> VoteOut:
    viewer = audience.audience_of(actor.is_facilitator, actor.participant_id)
    hidden = not audience.sees_counts(viewer, audience.counts_hidden(board))
    return VoteOut(
        note_id=note.id,
        votes=None if hidden else note.votes,
        voted=mine > 0,
        mine=mine,
        votes_left=board.vote_budget - used,
    )


def sort_column(session: Session, actor: Actor, column_id: str) -> ColumnSorted:
    """Reorder a column's notes, most votes first (ties keep their order): a stored
    order everyone sees, so a drag afterwards moves notes where people see them."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    column = session.get(BoardColumn, column_id)
    if column is None or column.board_id != board.id:
        raise NotFound("That column is not on this board.")
    if audience.counts_hidden(board):
        raise Conflict("The results are hidden until the round closes: sort after that.")
    notes = session.exec(
        select(Note)
        .where(Note.column_id == column.id, col(Note.theme_id).is_(None))
        .order_by(col(Note.position), col(Note.created_at))
    ).all()
    cells: dict[str | None, list[Note]] = {}  # a grid board's column sorts cell by cell
    for note in notes:
        cells.setdefault(note.row_id, []).append(note)
    ordered: list[Note] = []
    for cell in cells.values():
        ranked = sorted(cell, key=lambda note: -note.votes)
        for position, note in enumerate(ranked):
            if note.position != position:
                note.position = position
                session.add(note)
        ordered.extend(ranked)
    result = ColumnSorted(column_id=column.id, note_ids=[note.id for note in ordered])
    withheld = audience.restricted(ordered)
    data = result.model_dump()
    events.record(session, board, "column.sorted", data, withheld, only_restricted=True)
    session.commit()
    return result
