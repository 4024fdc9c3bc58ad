"""Boards, columns and joining."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from app.api.deps import FacilitatorWork, MemberWork, SettingsDep, UnitsDep
from app.api.routes.common import errors
from app.ratelimit import client_address
from app.schemas import (
    BoardCreate,
    BoardSnapshot,
    BoardSummary,
    BoardUpdate,
    ColumnCreate,
    ColumnPublic,
    ColumnUpdate,
    ParticipantJoin,
    ParticipantJoined,
)
from app.services import boards, sharing

router = APIRouter(tags=["boards"])


@router.post(
    "/boards",
    status_code=status.HTTP_201_CREATED,
    response_model=BoardSnapshot,
    responses=errors(401, 403, 404, 409),
)
async def create_board(
    body: BoardCreate, work: FacilitatorWork, settings: SettingsDep
) -> BoardSnapshot:
    return await work.write(
        lambda s, facilitator: boards.create_board(s, settings, facilitator, body)
    )


@router.get("/boards", response_model=list[BoardSummary], responses=errors(401, 403))
async def list_boards(work: FacilitatorWork, settings: SettingsDep) -> list[BoardSummary]:
    return await work.read(lambda s, facilitator: boards.list_boards(s, settings, facilitator.id))


@router.get("/boards/{board_id}", response_model=BoardSnapshot, responses=errors(401, 403, 404))
async def get_board(work: MemberWork) -> BoardSnapshot:
    """The whole board; `seq` is where a WebSocket should continue from."""
    return await work.read(boards.board_snapshot)


@router.patch("/boards/{board_id}", response_model=BoardSnapshot, responses=errors(401, 403, 404))
async def update_board(body: BoardUpdate, work: MemberWork, settings: SettingsDep) -> BoardSnapshot:
    return await work.write(lambda s, actor: boards.update_board(s, settings, actor, body))


@router.delete(
    "/boards/{board_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 403, 404)
)
async def delete_board(work: MemberWork) -> Response:
    """Delete the board and all its personal data for good."""
    await work.write(boards.delete_board)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/boards/{board_id}/columns",
    status_code=status.HTTP_201_CREATED,
    response_model=ColumnPublic,
    responses=errors(401, 403, 404, 409, 423),
)
async def add_column(body: ColumnCreate, work: MemberWork, settings: SettingsDep) -> ColumnPublic:
    return await work.write(lambda s, actor: boards.add_column(s, settings, actor, body))


@router.patch(
    "/boards/{board_id}/columns/{column_id}",
    response_model=ColumnPublic,
    responses=errors(401, 403, 404, 423),
)
async def update_column(
    column_id: str, body: ColumnUpdate, work: MemberWork, settings: SettingsDep
) -> ColumnPublic:
    return await work.write(
        lambda s, actor: boards.update_column(s, settings, actor, column_id, body)
    )


@router.post(
    "/boards/{board_id}/participants",
    status_code=status.HTTP_201_CREATED,
    response_model=ParticipantJoined,
    responses=errors(403, 404, 409, 429),
)
async def join_board(
    board_id: str,
    body: ParticipantJoin,
    request: Request,
    units: UnitsDep,
    settings: SettingsDep,
) -> ParticipantJoined:
    """Anyone with the board's link joins it and gets a token for this board only; a
    board with a passcode asks for it (403 without it, 429 after too many wrong ones)."""
    limits = request.app.state.rate_limits
    client = client_address(request)
    return await units.write_together(
        board_id,
        lambda s: sharing.join(s, settings, limits, board_id, client, body.name, body.passcode),
    )
