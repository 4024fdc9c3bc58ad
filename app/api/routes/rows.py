"""Grid rows: the facilitator adds, renames, reorders and removes them."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from app.api.deps import MemberWork, SettingsDep
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
async def add_row(body: RowCreate, work: MemberWork, settings: SettingsDep) -> RowPublic:
    """A row across every column; a board's first row takes the notes already on it."""
    return await work.write(lambda s, actor: rows.add_row(s, settings, actor, body))


@router.patch("/{row_id}", response_model=RowPublic, responses=errors(401, 403, 404, 423))
async def update_row(
    row_id: str, body: RowUpdate, work: MemberWork, settings: SettingsDep
) -> RowPublic:
    return await work.write(lambda s, actor: rows.update_row(s, settings, actor, row_id, body))


@router.delete(
    "/{row_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401, 403, 404, 409, 423),
)
async def delete_row(row_id: str, work: MemberWork) -> Response:
    """Remove an empty row; one that still has notes answers 409."""
    await work.write(lambda s, actor: rows.delete_row(s, actor, row_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
