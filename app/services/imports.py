"""Boards from files: a Paja JSON export (a backup) or a Padlet CSV export. What a file
adds is written with its events in one transaction, so connected browsers see the new
columns and notes appear, and a file with anything wrong in it leaves nothing behind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, select

from app.config import Settings
from app.db import begin_write
from app.errors import InvalidInput, LimitReached, PajaError
from app.exports.backup import (
    Backup,
    NoteBackup,
    decode_json,
    looks_like_backup,
    parse_backup,
    utc,
)
from app.exports.base import plain
from app.exports.padlet import parse_padlet
from app.i18n import N_
from app.models import (
    Board,
    BoardColumn,
    Comment,
    DiscussionGroup,
    Facilitator,
    Language,
    Note,
    Participant,
    Role,
    Theme,
    Vote,
    utcnow,
)
from app.schemas import BoardSnapshot, ColumnCreate, ColumnPublic, RowCreate
from app.services import boards, discussion_groups, events, public, rows
from app.services.members import Actor, lock_board, require_facilitator, require_unlocked
from app.services.text import clean

PADLET_TITLE = "Padlet"
UNTITLED = "Paja"


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as it arrived: its bytes, and what the sender said it was."""

    data: bytes
    content_type: str = ""
    filename: str = ""


class ImportResult(BaseModel):
    """What an import added to the board."""

    board_id: str
    columns_added: list[ColumnPublic]
    notes_added: int
    comments_added: int
    votes_added: int


def read_upload(upload: Upload, *, title: str = "", language: str = "fi") -> Backup:
    """The file as a backup: a Paja JSON export as it is, a Padlet CSV export converted
    (titled `title`, else after the file; posts without a section go to a column with the
    default title in `language`)."""
    if not upload.data.strip():
        raise PajaError("The file is empty.")
    if _is_json(upload):
        decoded = decode_json(upload.data)
        if not looks_like_backup(decoded):
            raise InvalidInput("The file is neither a Paja JSON export nor a Padlet CSV export.")
        return parse_backup(decoded)
    return parse_padlet(
        _text(upload.data),
        title=plain(title).strip() or PurePath(upload.filename).stem[:100].strip() or PADLET_TITLE,
        language=Language(language),
        default_section=boards.DEFAULT_COLUMN_TITLE[language],
    )


def import_into(session: Session, settings: Settings, actor: Actor, upload: Upload) -> ImportResult:
    """Add a file's columns and notes to the actor's board. Columns whose title the board
    already has take the file's notes at their end; the others are added after the last."""
    require_facilitator(actor)
    backup = read_upload(upload, language=actor.language)
    board = lock_board(session, actor.board_id)
    require_unlocked(board)
    result = _add_contents(session, settings, board, backup)
    session.commit()
    return result


def create_board_from_file(
    session: Session,
    settings: Settings,
    owner: Facilitator,
    upload: Upload,
    *,
    title: str = "",
    language: str = "fi",
) -> BoardSnapshot:
    """A new board from a file: a backup restores its board (title, question, language,
    status, date); a Padlet export gets `title` and `language`. `title` wins when given."""
    backup = read_upload(upload, title=title, language=language)
    begin_write(session)
    info = backup.board
    board = Board(
        owner_id=owner.id,
        title=_field(
            plain(title).strip() or info.title,
            N_("Title"),
            settings.max_title_chars,
            fallback=UNTITLED,
        ),
        event=_field(info.event, N_("Event"), settings.max_title_chars),
        question=_field(info.question, N_("Question"), settings.max_question_chars),
        language=info.language.value,
        status=info.status.value,
        join_code=boards.unused_join_code(session),
        created_at=_moment(info.created_at),
    )
    session.add(board)
    session.flush()
    session.add(
        Participant(
            board_id=board.id, facilitator_id=owner.id, role=Role.facilitator, name=owner.name
        )
    )
    result = _add_contents(session, settings, board, backup)
    if not result.columns_added:
        title = boards.DEFAULT_COLUMN_TITLE[board.language]
        boards.insert_column(session, settings, board, ColumnCreate(title=title), 0, [])
    session.commit()
    return public.snapshot(session, board)


def _add_contents(
    session: Session, settings: Settings, board: Board, backup: Backup
) -> ImportResult:
    """Check everything against the board's limits first, then write it with its events
    (column.created, row.created, note.created, comment.created, vote.changed). Rows match
    the board's by title like columns; a note without a row goes to the first row of a
    grid board."""
    existing = boards.ordered_columns(session, board.id)
    targets = {column.title.casefold(): column for column in existing}
    default_title = boards.DEFAULT_COLUMN_TITLE[board.language]
    titles = [
        _field(c.title, N_("Column title"), settings.max_title_chars, fallback=default_title)
        for c in backup.columns
    ]
    _check_limits(session, settings, board, backup, existing, titles)
    # Written in passes, parents first: without ORM relationships the unit of work does
    # not order inserts by foreign key, and both databases check those at once.
    added: list[BoardColumn] = []
    targets_in_order: list[BoardColumn] = []
    for title, source in zip(titles, backup.columns, strict=True):
        column = targets.get(title.casefold())
        if column is None:
            description = _field(
                source.description, N_("Column description"), settings.max_question_chars
            )
            column = boards.insert_column(
                session,
                settings,
                board,
                ColumnCreate(title=title, description=description),
                len(existing),
                existing,
            )
            targets[title.casefold()] = column
            added.append(column)
        targets_in_order.append(column)
    session.flush()
    row_ids = _add_rows(session, settings, board, backup)
    discussion_group_ids = _add_discussion_groups(session, settings, board, backup)
    positions: dict[tuple[str, str | None], int] = {}
    made_themes = _add_themes(session, settings, board, targets_in_order, backup)
    written: list[tuple[Note, NoteBackup, int]] = []
    number = 0
    for index, (column, source) in enumerate(zip(targets_in_order, backup.columns, strict=True)):
        for item in source.notes:
            number += 1
            text = _checked(item.text, settings.max_note_chars, number, comment=False)
            if not text:
                continue
            theme = made_themes.get((index, item.theme_id)) if item.theme_id else None
            if item.theme_id and theme is None:
                raise InvalidInput(
                    "Note {number} of the file names a theme its column does not have.",
                    number=number,
                )
            created = _moment(item.created_at)
            row_id = row_ids.get(item.row.strip().casefold(), row_ids.get(""))
            cell = (column.id, row_id)
            if cell not in positions:
                positions[cell] = _next_position(session, column.id, row_id)
            note = Note(
                board_id=board.id,
                column_id=column.id,
                row_id=row_id,
                author_name=_name(item.author_name, settings),
                text=text,
                kind=item.kind.value,
                visibility=item.visibility.value,
                position=positions[cell],
                created_at=created,
                updated_at=_moment(item.updated_at) if item.updated_at else created,
                theme_id=theme.id if theme else None,
                color=item.color.value,
                discussion_group_id=discussion_group_ids.get(
                    item.discussion_group.strip().casefold()
                ),
                **_step_fields(settings, item),
            )
            positions[cell] += 1
            session.add(note)
            events.record(
                session, board, "note.created", public.as_data(public.note_public(note)), note
            )
            written.append((note, item, number))
    session.flush()
    comments = 0
    for note, item, number in written:
        for reply in item.comments:
            text = _checked(reply.text, settings.max_comment_chars, number, comment=True)
            if not text:
                continue
            comment = Comment(
                board_id=board.id,
                note_id=note.id,
                author_name=_name(reply.author_name, settings),
                text=text,
                created_at=_moment(reply.created_at),
            )
            session.add(comment)
            comments += 1
            data = public.as_data(public.comment_public(comment))
            events.record(session, board, "comment.created", data, note)
    votes = _restore_votes(
        session, board, [(n, item.votes) for n, item, _ in written if item.votes]
    )
    session.flush()
    for theme in made_themes.values():
        members = [note for note, _, _ in written if note.theme_id == theme.id]
        events.record(
            session, board, "theme.created", public.theme_event_data(session, theme), members
        )
    return ImportResult(
        board_id=board.id,
        columns_added=[public.column_public(c) for c in added],
        notes_added=len(written),
        comments_added=comments,
        votes_added=votes,
    )


def _add_discussion_groups(
    session: Session, settings: Settings, board: Board, backup: Backup
) -> dict[str, str]:
    """The file's discussion groups on the board (a name the board has is that group;
    others are added after the last, up to the board's limit), as name (casefolded) → id."""
    existing = discussion_groups.ordered(session, board.id)
    found = {group.name.casefold(): group.id for group in existing}
    added = False
    names = [
        *backup.discussion_groups,
        *(n.discussion_group for c in backup.columns for n in c.notes),
    ]
    for raw in names:
        name = _field(raw, N_("Discussion group name"), settings.max_title_chars)
        if not name or name.casefold() in found:
            continue
        if len(found) >= settings.max_discussion_groups_per_board:
            raise LimitReached(
                "A board can have at most {count} discussion groups.",
                count=settings.max_discussion_groups_per_board,
            )
        group = DiscussionGroup(board_id=board.id, name=name, position=len(found))
        session.add(group)
        found[name.casefold()] = group.id
        added = True
    if added:
        discussion_groups.record_progress(session, board, "discussion_groups.changed")
    return found


def _add_rows(session: Session, settings: Settings, board: Board, backup: Backup) -> dict[str, str]:
    """The file's rows on the board (a title the board has is that row; others are added
    after the last), as title (casefolded) → row id; "" is the first row, where notes
    without a row go. Empty on a board that stays without rows."""
    existing = rows.ordered_rows(session, board.id)
    found = {row.title.casefold(): row.id for row in existing}
    for source in backup.rows:
        title = _field(source.title, N_("Row title"), settings.max_title_chars, fallback="–")
        if title.casefold() in found:
            continue
        description = _field(source.description, N_("Row description"), settings.max_question_chars)
        row = rows.insert_row(
            session,
            settings,
            board,
            RowCreate(title=title, description=description),
            len(existing),
            existing,
        )
        found[title.casefold()] = row.id
    if existing:
        found[""] = existing[0].id
    return found


def _add_themes(
    session: Session,
    settings: Settings,
    board: Board,
    targets: list[BoardColumn],
    backup: Backup,
) -> dict[tuple[int, str], Theme]:
    """The file's themes, by (column index in the file, theme id in the file); written
    before the notes that point to them."""
    made: dict[tuple[int, str], Theme] = {}
    next_position: dict[str, int] = {}
    for index, (column, source) in enumerate(zip(targets, backup.columns, strict=True)):
        for item in source.themes:
            title = _field(item.title, N_("Theme title"), settings.max_title_chars, fallback="–")
            if column.id not in next_position:
                last = session.exec(
                    select(func.max(Theme.position)).where(Theme.column_id == column.id)
                ).one()
                next_position[column.id] = 0 if last is None else last + 1
            theme = Theme(
                board_id=board.id,
                column_id=column.id,
                title=title,
                position=next_position[column.id],
            )
            next_position[column.id] += 1
            session.add(theme)
            made[(index, item.id)] = theme
    session.flush()
    return made


def _step_fields(settings: Settings, item: NoteBackup) -> dict[str, str]:
    """A next step's who, with whom, how and when from the file, checked like a title."""
    return {
        name: _field(getattr(item, name), label, settings.max_title_chars)
        for name, label in (
            ("owner", N_("Who")),
            ("partners", N_("With whom")),
            ("how", N_("How")),
            ("when", N_("When")),
        )
    }


def _restore_votes(session: Session, board: Board, placed: list[tuple[Note, int]]) -> int:
    """A backup keeps vote counts, not voters: one anonymous stand-in voter per rank casts
    them (the n-th stand-in votes for every note with at least n votes), so the counts are
    right and a participant's own vote later adds to them instead of resetting them."""
    if not placed:
        return 0
    session.flush()
    voters = [
        Participant(board_id=board.id, role=Role.participant, name="")
        for _ in range(max(count for _, count in placed))
    ]
    session.add_all(voters)
    session.flush()
    for note, count in placed:
        session.add_all(
            Vote(note_id=note.id, participant_id=voter.id, board_id=board.id)
            for voter in voters[:count]
        )
        note.votes = count
        session.add(note)
        events.record(session, board, "vote.changed", {"note_id": note.id, "votes": count}, note)
    return sum(count for _, count in placed)


def _check_limits(
    session: Session,
    settings: Settings,
    board: Board,
    backup: Backup,
    existing: list[BoardColumn],
    titles: list[str],
) -> None:
    known = {column.title.casefold() for column in existing}
    new_columns = {title.casefold() for title in titles} - known
    if len(existing) + len(new_columns) > settings.max_columns_per_board:
        raise LimitReached(
            "A board can have at most {count} columns.", count=settings.max_columns_per_board
        )
    notes = list(_notes(backup))
    present = session.exec(select(func.count()).where(Note.board_id == board.id)).one()
    if present + len(notes) > settings.max_notes_per_board:
        raise LimitReached(
            "The board is full: it holds at most {count} notes.",
            count=settings.max_notes_per_board,
        )
    voters = max((note.votes for note in notes), default=0)
    if voters:
        people = session.exec(select(func.count()).where(Participant.board_id == board.id)).one()
        if people + voters > settings.max_participants_per_board:
            raise LimitReached(
                "The board is full: it has room for {count} people.",
                count=settings.max_participants_per_board,
            )


def _notes(backup: Backup) -> list[NoteBackup]:
    return [note for column in backup.columns for note in column.notes if note.text.strip()]


def _checked(text: str, limit: int, number: int, *, comment: bool) -> str:
    """The text as the board stores it (trimmed, no control characters), or a 422 that
    says which note of the file is too long."""
    cleaned = plain(text.replace("\r\n", "\n")).strip()
    if len(cleaned) > limit:
        if comment:
            raise InvalidInput(
                "A comment on note {number} of the file is {length} characters long; "
                "the limit is {limit}.",
                number=number,
                length=len(cleaned),
                limit=limit,
            )
        raise InvalidInput(
            "Note {number} of the file is {length} characters long; the limit is {limit}.",
            number=number,
            length=len(cleaned),
            limit=limit,
        )
    return cleaned


def _field(value: str, field: str, limit: int, *, fallback: str = "") -> str:
    """A title or text of the file as the board keeps it: control characters dropped, a
    blank one replaced by `fallback`; one over its limit is refused, naming the field."""
    return clean(plain(value).strip() or fallback, field=field, limit=limit, required=False)


def _name(name: str, settings: Settings) -> str:
    return plain(name).strip()[: settings.max_title_chars]


def _moment(moment: datetime | None) -> datetime:
    return utc(moment) or utcnow()


def _next_position(session: Session, column_id: str, row_id: str | None) -> int:
    cell = Note.row_id.is_(None) if row_id is None else Note.row_id == row_id  # type: ignore[union-attr]
    last = session.exec(
        select(func.max(Note.position)).where(Note.column_id == column_id, cell)
    ).one()
    return 0 if last is None else last + 1


def _is_json(upload: Upload) -> bool:
    media = upload.content_type.split(";", 1)[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        return True
    return upload.data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def _text(data: bytes) -> str:
    """UTF-8 (Padlet's), else Windows-1252 (a CSV saved again by Finnish Excel)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PajaError("The file is not text in UTF-8.")
