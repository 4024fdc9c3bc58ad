"""Boards, columns and joining."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from app.api.deps import ActorDep, FacilitatorDep, SessionDep, SettingsDep
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
def create_board(
    body: BoardCreate, facilitator: FacilitatorDep, session: SessionDep, settings: SettingsDep
) -> BoardSnapshot:
    return boards.create_board(session, settings, facilitator, body)


@router.get("/boards", response_model=list[BoardSummary], responses=errors(401, 403))
def list_boards(
    facilitator: FacilitatorDep, session: SessionDep, settings: SettingsDep
) -> list[BoardSummary]:
    return boards.list_boards(session, settings, facilitator.id)


@router.get("/boards/{board_id}", response_model=BoardSnapshot, responses=errors(401, 403, 404))
def get_board(actor: ActorDep, session: SessionDep) -> BoardSnapshot:
    """The whole board; `seq` is where a WebSocket should continue from."""
    return boards.board_snapshot(session, actor)


@router.patch("/boards/{board_id}", response_model=BoardSnapshot, responses=errors(401, 403, 404))
def update_board(
    body: BoardUpdate, actor: ActorDep, session: SessionDep, settings: SettingsDep
) -> BoardSnapshot:
    return boards.update_board(session, settings, actor, body)


@router.delete(
    "/boards/{board_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 403, 404)
)
def delete_board(actor: ActorDep, session: SessionDep) -> Response:
    """Delete the board and all its personal data for good."""
    boards.delete_board(session, actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/boards/{board_id}/columns",
    status_code=status.HTTP_201_CREATED,
    response_model=ColumnPublic,
    responses=errors(401, 403, 404, 409, 423),
)
def add_column(
    body: ColumnCreate, actor: ActorDep, session: SessionDep, settings: SettingsDep
) -> ColumnPublic:
    return boards.add_column(session, settings, actor, body)


@router.patch(
    "/boards/{board_id}/columns/{column_id}",
    response_model=ColumnPublic,
    responses=errors(401, 403, 404, 423),
)
def update_column(
    column_id: str,
    body: ColumnUpdate,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
) -> ColumnPublic:
    return boards.update_column(session, settings, actor, column_id, body)


@router.post(
    "/boards/{board_id}/participants",
    status_code=status.HTTP_201_CREATED,
    response_model=ParticipantJoined,
    responses=errors(403, 404, 409, 429),
)
def join_board(
    board_id: str,
    body: ParticipantJoin,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> ParticipantJoined:
    """Anyone with the board's link joins it and gets a token for this board only; a
    board with a passcode asks for it (403 without it, 429 after too many wrong ones).
    Joins per client address and board are limited (429), README "Rate limits"."""
    limits = request.app.state.rate_limits
    client = client_address(request)
    return sharing.join(session, settings, limits, board_id, client, body.name, body.passcode)
