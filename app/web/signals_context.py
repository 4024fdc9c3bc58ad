"""What the board page adds for discussion groups and signals: the groups, the facilitator's
progress and member list, and the group the page is filtered by."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlmodel import Session

from app.schemas import BoardSnapshot
from app.services import discussion_groups
from app.services.members import Actor


def board_extras(
    request: Request, session: Session, actor: Actor, snapshot: BoardSnapshot
) -> dict[str, Any]:
    """`?group=` hides other groups' notes without JavaScript; an unknown group hides none."""
    progress = discussion_groups.with_totals(session, actor.board_id, snapshot.discussion_groups)
    wanted = request.query_params.get("group", "")
    known = {g.id for g in progress.discussion_groups}
    return {
        "progress": progress.model_dump(mode="json"),
        "discussion_groups": progress.discussion_groups,
        "participants": discussion_groups.participants(session, actor)
        if actor.is_facilitator
        else [],
        "group_filter": wanted if wanted in known else "",
    }
