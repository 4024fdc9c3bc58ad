"""`paja serve --demo`: a facilitator and a board with the national strategy's six
priorities and a few notes from a real forum, so the app can be tried at once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from app.config import Settings
from app.models import Board, Facilitator
from app.schemas import BoardCreate, NoteCreate
from app.services import accounts, boards, notes
from app.services.members import actor_for

DEMO_EMAIL = "demo@paja.invalid"
DEMO_PASSWORD = "paja-demo-2020"
DEMO_TITLE = "Valtakunnallinen ELO-foorumi (demo)"
DEMO_NOTES = (
    (
        0,
        "Palveluiden näkyväksi tekeminen yhteistyössä, digitalisaation hyödyntäminen – "
        "selkeä digitaalinen kanava.",
    ),
    (0, "Asiakkaiden onnistumistarinat näkyviin."),
    (1, "Voisiko hyödyntää jo kehitettyä digitaalista alustaa: Ohjausta verkossa.fi?"),
)


@dataclass(frozen=True)
class Demo:
    email: str
    password: str
    board_id: str
    join_code: str


def ensure_demo(session: Session, settings: Settings) -> Demo:
    """Create the demo facilitator and board unless they exist; return their details."""
    facilitator = session.exec(
        select(Facilitator).where(Facilitator.email == DEMO_EMAIL)
    ).first() or accounts.create_facilitator(session, DEMO_EMAIL, DEMO_PASSWORD, "Demo")
    board = session.exec(
        select(Board).where(Board.owner_id == facilitator.id, Board.title == DEMO_TITLE)
    ).first()
    if board is None:
        board = _create_demo_board(session, settings, facilitator)
    return Demo(DEMO_EMAIL, DEMO_PASSWORD, board.id, board.join_code)


def _create_demo_board(session: Session, settings: Settings, facilitator: Facilitator) -> Board:
    created = boards.create_board(
        session,
        settings,
        facilitator,
        BoardCreate(
            title=DEMO_TITLE,
            event="TNO-foorumi, Teams",
            template="elo-national-2020",
        ),
    )
    joined = boards.join_board(session, settings, created.id, "Ryhmä 1")
    principal = accounts.Principal(token_id="", participant_id=joined.participant_id)
    group = actor_for(session, principal, created.id)
    for column_index, text in DEMO_NOTES:
        column_id = created.columns[column_index].id
        notes.create_note(session, settings, group, NoteCreate(column_id=column_id, text=text))
    board = session.get(Board, created.id)
    assert board is not None
    return board
