"""Voting rounds: open one with a budget, close it, go back to free voting; sort a
column by votes."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import MemberWork
from app.api.routes.common import errors
from app.schemas import ColumnSorted, VotingOpen, VotingPublic
from app.services import voting

router = APIRouter(prefix="/boards/{board_id}", tags=["voting"])
VOTING_ERRORS = errors(401, 403, 404, 409, 423)


@router.post("/voting", response_model=VotingPublic, responses=VOTING_ERRORS)
async def open_round(body: VotingOpen, work: MemberWork) -> VotingPublic:
    """Facilitators: open a voting round. Every vote cast so far on the board is cleared."""
    return await work.write(lambda s, actor: voting.open_round(s, actor, body))


@router.delete("/voting", response_model=VotingPublic, responses=VOTING_ERRORS)
async def close_round(work: MemberWork) -> VotingPublic:
    """Facilitators: close the round; the votes stay and everyone sees the counts."""
    return await work.write(voting.close_round)


@router.post("/voting/free", response_model=VotingPublic, responses=VOTING_ERRORS)
async def free_voting(work: MemberWork) -> VotingPublic:
    """Facilitators: back to free voting (one vote per person per note); votes stay."""
    return await work.write(voting.free_voting)


@router.post(
    "/columns/{column_id}/sort-by-votes", response_model=ColumnSorted, responses=VOTING_ERRORS
)
async def sort_by_votes(column_id: str, work: MemberWork) -> ColumnSorted:
    """Facilitators: reorder the column's notes, most votes first, for everyone."""
    return await work.write(lambda s, actor: voting.sort_column(s, actor, column_id))
