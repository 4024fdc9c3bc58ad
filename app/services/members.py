"""Who may do what on a board: the actor behind a request, and the write checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, select

from app.db import LOCKED_BOARDS, begin_write
from app.errors import BoardLocked, Forbidden, InvalidInput, NotFound
from app.i18n import N_
from app.models import Board, BoardColumn, BoardStatus, Participant, Role
from app.ratelimit import request_quota
from app.services.accounts import Principal

REMOVED = N_("A facilitator removed you from this board. You can join again from its link.")


@dataclass(frozen=True, slots=True)
class Actor:
    """A member of one board acting on it."""

    board_id: str
    participant_id: str
    role: Role
    name: str
    language: str = "fi"
    # The discussion group the member sits in; their new notes carry it.
    discussion_group_id: str | None = None

    @property
    def is_facilitator(self) -> bool:
        return self.role is Role.facilitator


def spend_write(actor: Actor) -> None:
    """Count one note, comment, vote or reaction against the person's and their network's
    quota (README "Rate limits"). Every write service calls this first, before the board
    lock, so the API and the page forms spend the same quota and a flood waits outside.
    Outside a request (the CLI, the demo seed) nobody is counted."""
    quota = request_quota()
    if quota is not None:
        quota.spend(actor.board_id, actor.participant_id)


def get_board(session: Session, board_id: str) -> Board:
    board = session.get(Board, board_id)
    if board is None:
        raise NotFound("There is no board at this address.")
    return board


def column_on_board(session: Session, board_id: str, column_id: str) -> BoardColumn:
    """The column a request names, or a 422: a column of another board is as unknown as none."""
    column = session.get(BoardColumn, column_id)
    if column is None or column.board_id != board_id:
        raise InvalidInput("That column is not on this board.")
    return column


BOARD_FOR_UPDATE = select(Board).where(Board.id == bindparam("board_id")).with_for_update()


def lock_board(session: Session, board_id: str) -> Board:
    """Load the board for a change, holding its row lock until commit: this serialises
    writers per board, which is what keeps `seq` gap-free on PostgreSQL (SQLite's
    BEGIN IMMEDIATE already serialises every writer). Locked once per transaction: the
    notes a room sends at once share one (app.unit), and the board is read once."""
    begin_write(session)
    locked: dict[str, Board] = session.info.setdefault(LOCKED_BOARDS, {})
    if (board := locked.get(board_id)) is not None:  # notes written together (app.unit)
        return board
    board = session.exec(BOARD_FOR_UPDATE, params={"board_id": board_id}).first()
    if board is None:
        raise NotFound("There is no board at this address.")
    locked[board_id] = board
    return board


def actor_for(session: Session, principal: Principal, board_id: str) -> Actor:
    """The principal as a member of this board, or 403 when they are not one. One
    statement reads the membership with the board's language: it runs on every write."""
    if principal.participant_id is not None:
        statement, who = PARTICIPANT_MEMBER, principal.participant_id
    else:
        statement, who = FACILITATOR_MEMBER, principal.facilitator_id
    member = session.execute(statement, {"board_id": board_id, "who": who}).first()
    if member is None:
        get_board(session, board_id)  # 404 when there is no board at all
        raise Forbidden("You are not a member of this board. Open the board's link to join.")
    participant_id, role, name, discussion_group_id, language = member
    if role == Role.removed.value:
        raise Forbidden(REMOVED)
    return Actor(board_id, participant_id, Role(role), name, language, discussion_group_id)


def _member(who: str) -> Any:
    """A board's member as an Actor needs them, with the board's language; built once,
    in Core on the tables' columns (it runs on every write: the ORM's result machinery
    cost a third of it)."""
    people, boards = Participant.__table__.c, Board.__table__.c  # type: ignore[attr-defined]
    return (
        select(
            people.id,
            people.role,
            people.name,
            people.discussion_group_id,
            boards.language,
        )
        .join_from(Participant.__table__, Board.__table__, boards.id == people.board_id)  # type: ignore[attr-defined]
        .where(people.board_id == bindparam("board_id"), people[who] == bindparam("who"))
    )


PARTICIPANT_MEMBER = _member("id")
FACILITATOR_MEMBER = _member("facilitator_id")


def require_facilitator(actor: Actor) -> None:
    if not actor.is_facilitator:
        raise Forbidden("Only the board's facilitators can do this.")


def require_writable(board: Board, actor: Actor) -> None:
    """A locked board stops participants' writes only: its facilitators keep theming,
    next steps and moderation so they can sort the frozen results. An archived board is
    read-only for everyone; a draft is closed to participants."""
    status = BoardStatus(board.status)
    if status is BoardStatus.locked and not actor.is_facilitator:
        raise BoardLocked(
            "The board is locked: you can read everything on it, but not change it now."
        )
    if status is BoardStatus.archived:
        raise BoardLocked("The board is archived: nothing can be changed on it now.")
    if status is BoardStatus.draft and not actor.is_facilitator:
        raise BoardLocked("The board is not open yet.")


def require_unlocked(board: Board) -> None:
    """Bulk changes (an import) wait until the board is open again, even for facilitators."""
    if BoardStatus(board.status) in (BoardStatus.locked, BoardStatus.archived):
        raise BoardLocked("The board is locked: nothing can be changed on it now.")


def require_author_or_facilitator(actor: Actor, author_id: str | None) -> None:
    if not actor.is_facilitator and author_id != actor.participant_id:
        raise Forbidden("You can change only your own notes.")
