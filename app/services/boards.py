"""Boards, their columns, and joining them."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import bindparam, func, insert
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import EVERYONE, PENDING_EVENTS, BoardEvent, begin_write
from app.errors import InvalidInput, LimitReached
from app.i18n import N_
from app.models import (
    Board,
    BoardColumn,
    BoardRow,
    Facilitator,
    Note,
    Participant,
    Role,
    new_id,
    utcnow,
)
from app.schemas import (
    BoardCreate,
    BoardSnapshot,
    BoardSummary,
    BoardUpdate,
    ColumnCreate,
    ColumnPublic,
    ColumnUpdate,
    ParticipantJoined,
    RowCreate,
    TemplateOut,
)
from app.services import accounts, events, own_templates, passcodes, public, rows, visibility
from app.services.members import (
    Actor,
    get_board,
    lock_board,
    require_facilitator,
    require_writable,
)
from app.services.text import clean

JOIN_CODE_DIGITS = 6
DEFAULT_COLUMN_TITLE = {"fi": "Ajatuksia", "sv": "Tankar", "en": "Ideas"}


def create_board(
    session: Session, settings: Settings, owner: Facilitator, data: BoardCreate
) -> BoardSnapshot:
    """A new open board, its columns (given, from a template, or one default), and the
    owner's membership; the first events describe the columns."""
    board = new_board(session, settings, owner, data)
    session.commit()
    return public.snapshot(session, board)


def new_board(session: Session, settings: Settings, owner: Facilitator, data: BoardCreate) -> Board:
    """create_board without the commit, for callers that add more in the same transaction."""
    begin_write(session)
    template = None
    if data.template and not data.columns:
        template = own_templates.find_template(session, owner.id, data.template)
    columns = _initial_columns(data, template)
    if len(columns) > settings.max_columns_per_board:
        raise LimitReached(
            "A board can have at most {count} columns.", count=settings.max_columns_per_board
        )
    board = Board(
        owner_id=owner.id,
        title=clean(data.title, field=N_("Title"), limit=settings.max_title_chars),
        event=clean(data.event, field=N_("Event"), limit=settings.max_title_chars, required=False),
        question=_question(data, template, settings),
        language=data.language.value,
        join_code=unused_join_code(session),
    )
    session.add(board)
    session.add(
        Participant(
            board_id=board.id, facilitator_id=owner.id, role=Role.facilitator, name=owner.name
        )
    )
    placed: list[BoardColumn] = []
    for position, column in enumerate(columns):
        insert_column(session, settings, board, column, position, placed)
    grid: list[BoardRow] = []
    for position, row in enumerate(_initial_rows(data, template)):
        rows.insert_row(session, settings, board, row, position, grid)
    return board


def _initial_columns(data: BoardCreate, template: TemplateOut | None) -> list[ColumnCreate]:
    if data.columns:
        return data.columns
    if template is not None:
        return [ColumnCreate(title=c.title, description=c.description) for c in template.columns]
    return [ColumnCreate(title=DEFAULT_COLUMN_TITLE[data.language.value])]


def _initial_rows(data: BoardCreate, template: TemplateOut | None) -> list[RowCreate]:
    """The rows given, else the template's (titled in the board's language), else none."""
    if data.rows is not None:
        return data.rows
    if template is None:
        return []
    language = data.language
    return [
        RowCreate(title=r.titles.get(language, r.title), description=r.description)
        for r in template.rows
    ]


def _question(data: BoardCreate, template: TemplateOut | None, settings: Settings) -> str:
    question = data.question
    if not question.strip() and template is not None:
        question = template.question
    return clean(question, field=N_("Question"), limit=settings.max_question_chars, required=False)


def unused_join_code(session: Session) -> str:
    """A short numeric code for the /join page; retried on the rare collision."""
    while True:
        code = f"{secrets.randbelow(10**JOIN_CODE_DIGITS):0{JOIN_CODE_DIGITS}d}"
        if session.exec(select(Board.id).where(Board.join_code == code)).first() is None:
            return code


def list_boards(session: Session, settings: Settings, facilitator_id: str) -> list[BoardSummary]:
    """The boards this facilitator runs, newest first, with live counts."""
    boards = session.exec(
        select(Board)
        .join(Participant, col(Participant.board_id) == col(Board.id))
        .where(Participant.facilitator_id == facilitator_id)
        .order_by(col(Board.created_at).desc())
    ).all()
    ids = [b.id for b in boards]
    notes = public.count_by_board(session, Note, ids)
    people = public.count_by_board(session, Participant, ids)
    return [
        BoardSummary(
            **b.model_dump(exclude={"owner_id", "updated_at"}),
            note_count=notes.get(b.id, 0),
            participant_count=people.get(b.id, 0),
            url=f"{settings.base_url}/b/{b.id}",
            has_passcode=b.passcode_hash is not None,
        )
        for b in boards
    ]


def board_snapshot(session: Session, actor: Actor, *, public_view: bool = False) -> BoardSnapshot:
    """The board as the actor sees it, or (public_view: the projector) as the room does."""
    board = get_board(session, actor.board_id)
    if public_view:
        snapshot = public.snapshot(session, board, audience=EVERYONE)
        snapshot.viewer = public.viewer_of(session, actor)
    else:
        snapshot = public.snapshot(session, board, actor)
    snapshot.server_time = utcnow()  # the timer's clock sync; not part of any event
    return snapshot


def update_board(
    session: Session, settings: Settings, actor: Actor, data: BoardUpdate
) -> BoardSnapshot:
    """Change the board's texts, language, status or modes; one board.updated event
    (after a notes.revealed event when private writing ends)."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "title" in changes:
        board.title = clean(changes["title"], field=N_("Title"), limit=settings.max_title_chars)
    if "event" in changes:
        board.event = clean(
            changes["event"], field=N_("Event"), limit=settings.max_title_chars, required=False
        )
    if "question" in changes:
        board.question = clean(
            changes["question"],
            field=N_("Question"),
            limit=settings.max_question_chars,
            required=False,
        )
    for key in ("language", "status"):
        if key in changes:
            setattr(board, key, changes[key].value)
    visibility.set_board_modes(
        session,
        board,
        private_writing=changes.get("private_writing"),
        approval_required=changes.get("approval_required"),
    )
    if "passcode" in changes:
        board.passcode_hash = passcodes.new_passcode_hash(settings, board.id, changes["passcode"])
    visibility.record_board(session, board)
    session.commit()
    return public.snapshot(session, board, actor)


def delete_board(session: Session, actor: Actor) -> None:
    """Delete the board and everything on it for good (notes, names, votes, the log).
    Connected clients hear a last board.deleted event, which is not stored."""
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    farewell = BoardEvent(board.id, board.seq + 1, "board.deleted", {"id": board.id})
    session.delete(board)
    session.info.setdefault(PENDING_EVENTS, []).append(farewell)
    session.commit()


def add_column(
    session: Session, settings: Settings, actor: Actor, data: ColumnCreate
) -> ColumnPublic:
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    existing = ordered_columns(session, board.id)
    if len(existing) >= settings.max_columns_per_board:
        raise LimitReached(
            "A board can have at most {count} columns.", count=settings.max_columns_per_board
        )
    position = len(existing) if data.position is None else min(data.position, len(existing))
    column = insert_column(session, settings, board, data, position, existing)
    result = public.column_public(column)
    session.commit()
    return result


def update_column(
    session: Session, settings: Settings, actor: Actor, column_id: str, data: ColumnUpdate
) -> ColumnPublic:
    require_facilitator(actor)
    board = lock_board(session, actor.board_id)
    require_writable(board, actor)
    columns = ordered_columns(session, board.id)
    column = next((c for c in columns if c.id == column_id), None)
    if column is None:
        raise InvalidInput("That column is not on this board.")
    if data.title is not None:
        column.title = clean(data.title, field=N_("Column title"), limit=settings.max_title_chars)
    if data.description is not None:
        column.description = clean(
            data.description,
            field=N_("Column description"),
            limit=settings.max_question_chars,
            required=False,
        )
    if data.position is not None:
        columns.remove(column)
        columns.insert(min(data.position, len(columns)), column)
        _renumber(session, columns)
    session.add(column)
    result = public.column_public(column)
    events.record(session, board, "column.updated", public.as_data(result))
    session.commit()
    return result


def ordered_columns(session: Session, board_id: str) -> list[BoardColumn]:
    return list(
        session.exec(
            select(BoardColumn)
            .where(BoardColumn.board_id == board_id)
            .order_by(col(BoardColumn.position))
        ).all()
    )


def insert_column(
    session: Session,
    settings: Settings,
    board: Board,
    data: ColumnCreate,
    position: int,
    ordered: list[BoardColumn],
) -> BoardColumn:
    """Insert at `position` into `ordered` (the board's columns, which it updates)."""
    column = BoardColumn(
        board_id=board.id,
        title=clean(data.title, field=N_("Column title"), limit=settings.max_title_chars),
        description=clean(
            data.description,
            field=N_("Column description"),
            limit=settings.max_question_chars,
            required=False,
        ),
    )
    ordered.insert(position, column)
    _renumber(session, ordered)
    session.add(column)
    data = public.as_data(public.column_public(column))
    grid = rows.ordered_rows(session, board.id)
    if grid:  # the new column's cells: its event's HTML shows one per row
        data["rows"] = [public.as_data(rows.row_public(r)) for r in grid]
    events.record(session, board, "column.created", data)
    return column


def _renumber(session: Session, columns: list[BoardColumn]) -> None:
    for index, column in enumerate(columns):
        if column.position != index:
            column.position = index
            session.add(column)


def join_board(session: Session, settings: Settings, board_id: str, name: str) -> ParticipantJoined:
    """Anyone with the link becomes a participant and gets a token for this board only
    (services.sharing.join checks the passcode first, when the board has one). Nothing
    is committed here: the joins a room sends at once commit together (app.unit). The
    participant and its token are Core inserts, so a join costs its statements only."""
    shown_name = clean(name, field=N_("Name"), limit=settings.max_title_chars, required=False)
    board = lock_board(session, board_id)
    count = session.execute(PEOPLE_ON_BOARD, {"board_id": board.id}).scalar_one()
    if count >= settings.max_participants_per_board:
        raise LimitReached(
            "The board is full: it has room for {count} people.",
            count=settings.max_participants_per_board,
        )
    participant_id = new_id()  # the rest (role, time, done) are the columns' defaults
    session.execute(
        INSERT_PARTICIPANT, {"id": participant_id, "board_id": board.id, "name": shown_name}
    )
    token = accounts.add_token(
        session,
        settings.secret(),
        lifetime=timedelta(days=settings.participant_token_days),
        participant_id=participant_id,
    )
    return ParticipantJoined(participant_id=participant_id, token=token, board_id=board.id)


_PARTICIPANTS = Participant.__table__  # type: ignore[attr-defined]
PEOPLE_ON_BOARD = select(func.count()).where(
    _PARTICIPANTS.c.board_id == bindparam("board_id"),
    _PARTICIPANTS.c.role != Role.removed.value,
)
INSERT_PARTICIPANT = insert(_PARTICIPANTS)


def find_by_join_code(session: Session, code: str) -> Board | None:
    digits = "".join(ch for ch in code if ch.isdigit())
    if len(digits) != JOIN_CODE_DIGITS:
        return None
    return session.exec(select(Board).where(Board.join_code == digits)).first()
