"""Grid rows: the facilitator adds, renames, reorders and removes them."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from app.api.deps import ActorDep, SessionDep, SettingsDep
from app.api.routes.common import errors
from app.schemas import RowCreate, RowPublic, RowUpdate
from app.services import rows

router = APIRouter(prefix="/boards/{board_id}/rows", tags=["rows"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=RowPublic,
    responses=errors(401, 403, 404, 409, 423),
)
def add_row(
    body: RowCreate, actor: ActorDep, session: SessionDep, settings: SettingsDep
) -> RowPublic:
    """A row across every column; a board's first row takes the notes already on it."""
    return rows.add_row(session, settings, actor, body)


@router.patch("/{row_id}", response_model=RowPublic, responses=errors(401, 403, 404, 423))
def update_row(
    row_id: str, body: RowUpdate, actor: ActorDep, session: SessionDep, settings: SettingsDep
) -> RowPublic:
    return rows.update_row(session, settings, actor, row_id, body)


@router.delete(
    "/{row_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401, 403, 404, 409, 423),
)
def delete_row(row_id: str, actor: ActorDep, session: SessionDep) -> Response:
    """Remove an empty row; one that still has notes answers 409."""
    rows.delete_row(session, actor, row_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
