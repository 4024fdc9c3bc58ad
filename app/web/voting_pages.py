"""The board page's voting controls: form posts that redirect back to the board without
JavaScript, and answer htmx with no content (the live event redraws)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.api.deps import MemberWork
from app.errors import InvalidInput
from app.schemas import VotingOpen
from app.services import voting
from app.web.pages import apply_change

router = APIRouter(include_in_schema=False)


def _round(budget: str, max_per_note: str, hide_results: bool) -> VotingOpen:
    """The form's numbers, or one sentence saying what they must be."""
    try:
        return VotingOpen(
            budget=int(budget), max_per_note=int(max_per_note or 1), hide_results=hide_results
        )
    except ValueError:  # a pydantic ValidationError is one too
        raise InvalidInput(
            "Give the votes per person and per note as whole numbers from 1 to 50."
        ) from None


@router.post("/b/{board_id}/voting")
async def open_round(
    request: Request,
    board_id: str,
    work: MemberWork,
    budget: Annotated[str, Form(max_length=20)] = "",
    max_per_note: Annotated[str, Form(max_length=20)] = "1",
    hide_results: Annotated[bool, Form()] = False,
) -> Response:
    return await apply_change(
        request,
        work,
        lambda s, actor: voting.open_round(s, actor, _round(budget, max_per_note, hide_results)),
    )


@router.post("/b/{board_id}/voting/close")
async def close_round(request: Request, board_id: str, work: MemberWork) -> Response:
    return await apply_change(request, work, lambda s, actor: voting.close_round(s, actor))


@router.post("/b/{board_id}/voting/free")
async def free_voting(request: Request, board_id: str, work: MemberWork) -> Response:
    return await apply_change(request, work, lambda s, actor: voting.free_voting(s, actor))


@router.post("/b/{board_id}/columns/{column_id}/sort-by-votes")
async def sort_by_votes(
    request: Request, board_id: str, column_id: str, work: MemberWork
) -> Response:
    return await apply_change(
        request, work, lambda s, actor: voting.sort_column(s, actor, column_id)
    )
