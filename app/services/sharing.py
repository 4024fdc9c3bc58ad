"""Who gets in: the optional joining passcode, and the other facilitators of a board."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.config import Settings
from app.db import end_access_after_commit
from app.errors import Conflict, NotFound
from app.models import Board, Facilitator, Participant, Role
from app.ratelimit import RateLimits
from app.schemas import FacilitatorPublic, ParticipantJoined
from app.services import accounts, boards
from app.services.members import Actor, get_board, lock_board, require_facilitator
from app.services.passcodes import WrongPasscode, check_passcode


def join(
    session: Session,
    settings: Settings,
    limits: RateLimits,
    board_id: str,
    client: str,
    name: str,
    passcode: str | None,
) -> ParticipantJoined:
    """Join the board, counting joins per board and client address, and wrong passcodes:
    after too many the client waits (429) even with the right one, so guessing does not pay.
    The board is read once, locked, for all the joins that commit together (app.unit)."""
    board = lock_board(session, board_id)
    limits.spend_join(board.id, client)
    if board.passcode_hash is not None:
        limits.check_passcode_guesses(board_id, client)
        try:
            check_passcode(settings, board, passcode)
        except WrongPasscode:
            limits.spend_passcode_guess(board_id, client)
            raise
    return boards.join_board(session, settings, board_id, name)


def find_by_code(session: Session, limits: RateLimits, client: str, code: str) -> Board | None:
    """The board a join code leads to, or None. Wrong codes count per client address;
    while they are used up every lookup waits (429), so walking the codes does not pay."""
    limits.check_wrong_codes(client)
    board = boards.find_by_join_code(session, code)
    if board is None:
        limits.spend_wrong_code(client)
    return board


# --- co-facilitators -------------------------------------------------------------------


def list_facilitators(session: Session, actor: Actor) -> list[FacilitatorPublic]:
    """The board's facilitators, the owner first."""
    require_facilitator(actor)
    board = get_board(session, actor.board_id)
    return _facilitators(session, board)


def _facilitators(session: Session, board: Board) -> list[FacilitatorPublic]:
    accounts_ = session.exec(
        select(Facilitator)
        .join(Participant, col(Participant.facilitator_id) == col(Facilitator.id))
        .where(Participant.board_id == board.id, Participant.role == Role.facilitator.value)
    ).all()
    people = [
        FacilitatorPublic(id=f.id, email=f.email, name=f.name, owner=f.id == board.owner_id)
        for f in accounts_
    ]
    return sorted(people, key=lambda f: (not f.owner, f.email))


def add_facilitator(session: Session, actor: Actor, email: str) -> FacilitatorPublic:
    """Another facilitator account runs the board too: it appears on their dashboard."""
    require_facilitator(actor)
    address = accounts.normalise_email(email)
    board = lock_board(session, actor.board_id)
    account = session.exec(select(Facilitator).where(Facilitator.email == address)).first()
    if account is None:
        raise NotFound(
            "No facilitator account has the email {email}. Ask them to get an account first.",
            email=address,
        )
    existing = session.exec(
        select(Participant).where(
            Participant.board_id == board.id, Participant.facilitator_id == account.id
        )
    ).first()
    if existing is not None:
        raise Conflict("{email} is already a facilitator of this board.", email=address)
    session.add(
        Participant(
            board_id=board.id, facilitator_id=account.id, role=Role.facilitator, name=account.name
        )
    )
    session.commit()
    return FacilitatorPublic(id=account.id, email=account.email, name=account.name, owner=False)


def remove_facilitator(session: Session, actor: Actor, facilitator_id: str) -> None:
    """A co-facilitator stops running the board. What they wrote stays, under a plain
    participant row that no token leads to; the owner cannot be removed."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    if facilitator_id == board.owner_id:
        raise Conflict("The board's owner cannot be removed from it.")
    member = session.exec(
        select(Participant).where(
            Participant.board_id == board.id, Participant.facilitator_id == facilitator_id
        )
    ).first()
    if member is None:
        raise NotFound("That person is not a facilitator of this board.")
    member.facilitator_id = None
    member.role = Role.participant.value
    session.add(member)
    end_access_after_commit(session, board_id=board.id, facilitator_id=facilitator_id)
    session.commit()
