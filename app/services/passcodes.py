"""The optional joining passcode, kept only as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac

from app.config import Settings
from app.errors import Forbidden
from app.i18n import N_
from app.models import Board
from app.services.text import clean


class PasscodeMissing(Forbidden):
    """The board asks for a passcode and none was given (not counted as a guess)."""


class WrongPasscode(Forbidden):
    """A guess: these are counted, so a passcode cannot be found by trying them all."""


def passcode_hash(settings: Settings, board_id: str, passcode: str) -> str:
    """A keyed hash: fast enough for a join storm of hundreds, useless without the key,
    and bound to the board so one hash tells nothing about another board's passcode."""
    message = f"passcode:{board_id}:{passcode}".encode()
    return hmac.new(settings.secret(), message, hashlib.sha256).hexdigest()


def new_passcode_hash(settings: Settings, board_id: str, passcode: str) -> str | None:
    """The hash to store for what a facilitator typed; None (no passcode) for blank."""
    text = clean(passcode, field=N_("Passcode"), limit=settings.max_title_chars, required=False)
    return passcode_hash(settings, board_id, text) if text else None


def check_passcode(settings: Settings, board: Board, passcode: str | None) -> None:
    """Refuse a join without the board's passcode, when it has one."""
    if board.passcode_hash is None:
        return
    given = (passcode or "").strip()
    if not given:
        raise PasscodeMissing(N_("This board asks for a passcode. Ask the facilitator for it."))
    if not hmac.compare_digest(board.passcode_hash, passcode_hash(settings, board.id, given)):
        raise WrongPasscode(N_("That passcode is not right. Check it with the facilitator."))
