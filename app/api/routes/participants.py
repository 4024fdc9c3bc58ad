"""Removing a participant (the list is GET …/participants in signals.py)."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import MemberWork
from app.api.routes.common import errors
from app.schemas import ParticipantRemoved
from app.services import participants

router = APIRouter(prefix="/boards/{board_id}/participants", tags=["participants"])


@router.delete(
    "/{participant_id}",
    response_model=ParticipantRemoved,
    responses=errors(401, 403, 404, 409, 423),
)
async def remove_participant(
    participant_id: str, work: MemberWork, with_notes: bool = False
) -> ParticipantRemoved:
    """A facilitator removes a participant, with their notes when `with_notes=true`:
    their token stops working at once (403), their live stream closes, and they can come
    back only by joining again as a new participant. A facilitator is removed through
    …/facilitators instead (409)."""
    return await work.write(
        lambda s, actor: participants.remove_participant(
            s, actor, participant_id, with_notes=with_notes
        )
    )
