"""Retention: boards nobody has touched for a while are archived, then deleted for good,
so personal data (names, notes) is not kept longer than the operator decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select, update

from app.db import begin_write
from app.models import AuthToken, Board, BoardStatus, utcnow


@dataclass(frozen=True)
class PurgeResult:
    archived: int
    deleted: int
    expired_tokens: int


def purge(
    session: Session,
    retention_days: int,
    grace_days: int,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
) -> PurgeResult:
    """Archive boards idle for `retention_days`; delete those idle for `retention_days +
    grace_days`; drop expired tokens. Idle means no change (no event) since then."""
    begin_write(session)
    moment = now or utcnow()
    archive_before = moment - timedelta(days=retention_days)
    delete_before = archive_before - timedelta(days=grace_days)
    doomed = session.exec(select(Board.id).where(col(Board.updated_at) < delete_before)).all()
    idle = session.exec(
        select(Board.id).where(
            col(Board.updated_at) < archive_before,
            col(Board.updated_at) >= delete_before,
            Board.status != BoardStatus.archived.value,
        )
    ).all()
    expired = session.exec(select(AuthToken.id).where(col(AuthToken.expires_at) < moment)).all()
    if not dry_run:
        if doomed:
            session.exec(delete(Board).where(col(Board.id).in_(doomed)))
        if idle:
            session.exec(
                update(Board)
                .where(col(Board.id).in_(idle))
                .values(status=BoardStatus.archived.value)
            )
        if expired:
            session.exec(delete(AuthToken).where(col(AuthToken.id).in_(expired)))
        session.commit()
    return PurgeResult(archived=len(idle), deleted=len(doomed), expired_tokens=len(expired))
