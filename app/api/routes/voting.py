"""Voting rounds: open one with a budget, close it, go back to free voting; sort a
column by votes."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import ActorDep, SessionDep
from app.api.routes.common import errors
from app.schemas import ColumnSorted, VotingOpen, VotingPublic
from app.services import voting

router = APIRouter(prefix="/boards/{board_id}", tags=["voting"])
VOTING_ERRORS = errors(401, 403, 404, 409, 423)


@router.post("/voting", response_model=VotingPublic, responses=VOTING_ERRORS)
def open_round(body: VotingOpen, actor: ActorDep, session: SessionDep) -> VotingPublic:
    """Facilitators: open a voting round. Every vote cast so far on the board is cleared."""
    return voting.open_round(session, actor, body)


@router.delete("/voting", response_model=VotingPublic, responses=VOTING_ERRORS)
def close_round(actor: ActorDep, session: SessionDep) -> VotingPublic:
    """Facilitators: close the round; the votes stay and everyone sees the counts."""
    return voting.close_round(session, actor)


@router.post("/voting/free", response_model=VotingPublic, responses=VOTING_ERRORS)
def free_voting(actor: ActorDep, session: SessionDep) -> VotingPublic:
    """Facilitators: back to free voting (one vote per person per note); votes stay."""
    return voting.free_voting(session, actor)


@router.post(
    "/columns/{column_id}/sort-by-votes", response_model=ColumnSorted, responses=VOTING_ERRORS
)
def sort_by_votes(column_id: str, actor: ActorDep, session: SessionDep) -> ColumnSorted:
    """Facilitators: reorder the column's notes, most votes first, for everyone."""
    return voting.sort_column(session, actor, column_id)
