"""`paja serve --demo`: a facilitator with two boards on the national strategy's six
priorities: an empty one to try things on, and one caught mid-workshop (notes from a
real forum's summary in several priorities, a theme, votes, next steps with who, with
whom, how and when, and two discussion groups), so a newcomer sees what a board is for."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from app.config import Settings
from app.models import Board, Facilitator, NoteKind
from app.schemas import (
    BoardCreate,
    CommentCreate,
    DiscussionGroupCreate,
    MembershipUpdate,
    NoteCreate,
    ThemeCreate,
)
from app.services import accounts, boards, discussion_groups, notes, theming
from app.services.members import Actor, actor_for

DEMO_EMAIL = "demo@paja.invalid"
DEMO_PASSWORD = "paja-demo-2020"
DEMO_TITLE = "Valtakunnallinen ELO-foorumi (demo)"
WORKSHOP_TITLE = "TNO-foorumi 24.–25.11.2020 (esimerkki kesken työpajan)"
EVENT = "TNO-foorumi, Teams"
TEMPLATE = "elo-national-2020"
DISCUSSION_GROUPS = ("Pienryhmä 1", "Pienryhmä 2")
# (name, discussion group): the people who wrote in the forum's two groups.
PEOPLE = (("Anna", 0), ("Mikko", 0), ("Leena", 1), ("", 1))

# From the forum's summary (../shared/seeds/002_excerpt.txt), lightly shortened:
# (priority, writer, text, votes given by how many people).
WORKSHOP_NOTES = (
    (
        0,
        0,
        "Palveluiden näkyväksi tekeminen yhteistyössä, digitalisaation hyödyntäminen – "
        "selkeä digitaalinen kanava.",
        3,
    ),
    (0, 1, "Näkyvyyttä ja markkinointia ohjauspalveluille.", 2),
    (0, 2, "Asiakkaiden onnistumistarinat näkyviin.", 4),
    (
        0,
        3,
        "Yhteiset työpajat, esim. ELOPELTO LearningCafe: opitaan tuntemaan toisten työt "
        "verkostossa → arvostamaan toisia → luottamus ja kentän hahmottuminen.",
        2,
    ),
    (
        0,
        1,
        "Ohjaamotoiminnan vahvistaminen myös työikäisten ohjaamiseen monialaisella "
        "palvelulla, kuntakokeilusta huolimatta.",
        1,
    ),
    (
        1,
        2,
        "Voisiko hyödyntää jo kehitettyä digitaalista alustaa, Ohjausta verkossa.fi? "
        "Riittäisivätkö henkilöstöresurssit laajentamaan sen oppilaitoksiin?",
        3,
    ),
    (
        1,
        0,
        "Digipalveluja ja niiden kehittämistä ei kukaan johda Suomessa. Onko "
        "JO-palvelukeskuksessa sama johtamisen puute?",
        1,
    ),
    (
        4,
        3,
        "Työ- ja koulutuskeskeinen kulttuuri on Suomessa vahva: karkottaako se "
        "työperäistä maahanmuuttoa?",
        0,
    ),
)
THEME = ("Näkyvyys ja viestintä", (0, 1, 2))
COMMENT = (2, 1, "Tarinoita voisi kerätä yhdessä Ohjaamon kanssa.")
NEXT_STEPS = (
    (
        4,
        0,
        "Maakunnan strategisiin tavoitteisiin selkeä toimintasuunnitelma, jossa on "
        "työnjako ja käytännön toimet.",
        {
            "owner": "Maakunnan ELO-ryhmä",
            "partners": "TE-toimisto, oppilaitokset, Ohjaamo",
            "how": "Tavoitteiden uudistamisen yhteydessä",
            "when": "Kevät 2021",
        },
    ),
    (
        0,
        3,
        "Yhteinen LearningCafe-työpaja verkoston ohjaajille.",
        {
            "owner": "ELO-koordinaattori",
            "partners": "Ohjaamo, kuntien ohjaajat",
            "how": "Teams-työpaja, 2 tuntia",
            "when": "Tammikuu 2021",
        },
    ),
)


@dataclass(frozen=True)
class Demo:
    email: str
    password: str
    board_id: str
    join_code: str
    workshop_id: str
    workshop_code: str


def ensure_demo(session: Session, settings: Settings) -> Demo:
    """Create the demo facilitator and both boards unless they exist; return their details."""
    facilitator = session.exec(
        select(Facilitator).where(Facilitator.email == DEMO_EMAIL)
    ).first() or accounts.create_facilitator(session, DEMO_EMAIL, DEMO_PASSWORD, "Demo")
    empty = _board_titled(session, facilitator, DEMO_TITLE) or _create_board(
        session, settings, facilitator, DEMO_TITLE
    )
    workshop = _board_titled(session, facilitator, WORKSHOP_TITLE) or _create_workshop(
        session, settings, facilitator
    )
    return Demo(
        DEMO_EMAIL,
        DEMO_PASSWORD,
        empty.id,
        empty.join_code,
        workshop.id,
        workshop.join_code,
    )


def _board_titled(session: Session, facilitator: Facilitator, title: str) -> Board | None:
    return session.exec(
        select(Board).where(Board.owner_id == facilitator.id, Board.title == title)
    ).first()


def _create_board(
    session: Session, settings: Settings, facilitator: Facilitator, title: str
) -> Board:
    created = boards.create_board(
        session, settings, facilitator, BoardCreate(title=title, event=EVENT, template=TEMPLATE)
    )
    board = session.get(Board, created.id)
    assert board is not None
    return board


def _create_workshop(session: Session, settings: Settings, facilitator: Facilitator) -> Board:
    """The mid-workshop board, made through the same services a real workshop uses."""
    board = _create_board(session, settings, facilitator, WORKSHOP_TITLE)
    host = actor_for(
        session, accounts.Principal(token_id="", facilitator_id=facilitator.id), board.id
    )
    columns = [c.id for c in boards.ordered_columns(session, board.id)]
    progress = discussion_groups.create(
        session, settings, host, DiscussionGroupCreate(names=list(DISCUSSION_GROUPS))
    )
    people = [_member(session, settings, board.id, name) for name, _ in PEOPLE]
    for person, (_, group) in zip(people, PEOPLE, strict=True):
        chosen = MembershipUpdate(discussion_group_id=progress.discussion_groups[group].id)
        discussion_groups.join_group(session, person, chosen)
    written = [
        notes.create_note(
            session, settings, people[who], NoteCreate(column_id=columns[column], text=text)
        ).id
        for column, who, text, _ in WORKSHOP_NOTES
    ]
    for note_id, (_, _, _, votes) in zip(written, WORKSHOP_NOTES, strict=True):
        for voter in people[:votes]:
            notes.set_vote(session, voter, note_id, on=True)
    session.commit()
    for column, who, text, fields in NEXT_STEPS:
        step = NoteCreate(column_id=columns[column], text=text, kind=NoteKind.next_step, **fields)
        notes.create_note(session, settings, people[who], step)
    note, who, text = COMMENT
    notes.add_comment(session, settings, people[who], written[note], CommentCreate(text=text))
    title, members = THEME
    theme = ThemeCreate(title=title, note_ids=[written[i] for i in members])
    theming.create_theme(session, settings, host, theme)
    return board


def _member(session: Session, settings: Settings, board_id: str, name: str) -> Actor:
    joined = boards.join_board(session, settings, board_id, name)
    principal = accounts.Principal(token_id="", participant_id=joined.participant_id)
    return actor_for(session, principal, board_id)
