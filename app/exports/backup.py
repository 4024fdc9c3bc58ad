"""The JSON backup format (version 2): a board's columns, grid rows, their themes, notes
(next steps are notes of kind next_step, with who, with whom, how and when; on a grid
board each names its row by title), comments and vote counts, in board order. Rows,
themes, the next-step fields, colours and visibility were added as optional fields, so
older backups still read as they are. Version 2 only renamed keys to the words people
use (a column's "groups" are its "themes", a note's "group_id" its "theme_id", "work_group"
and "work_groups" are "discussion_group(s)"); the old keys are still read, so a version 1
file imports as it always did. The same models write a backup and check one that comes
back, so the two cannot drift apart. A newer format raises the version; this code
refuses versions it does not know rather than guess."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from app.errors import InvalidInput, PajaError
from app.models import BoardStatus, Language, NoteColor, NoteKind, NoteVisibility
from app.schemas import BoardSnapshot

FORMAT = "paja.board"
VERSION = 2
VERSIONS = (1, 2)


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _documented(limit: int, *, title: bool = False, default: str | None = None) -> Any:
    """A text field whose schema tells clients the default limits (the import checks the
    configured ones): a title needs a visible character, and no field may hold NUL."""
    pattern = r"^[^\u0000]*\S[^\u0000]*$" if title else r"^[^\u0000]*$"
    extra = {"maxLength": limit, "pattern": pattern}
    if default is None:
        return Field(min_length=1, json_schema_extra=extra)
    return Field(default=default, json_schema_extra=extra)


class CommentBackup(_Part):
    id: str = ""
    text: str = Field(min_length=1, json_schema_extra={"maxLength": 2000})
    author_name: str = ""
    created_at: datetime | None = None


class NoteBackup(_Part):
    id: str = ""
    text: str = Field(min_length=1, json_schema_extra={"maxLength": 5000})
    author_name: str = ""
    kind: NoteKind = NoteKind.note
    votes: int = Field(default=0, ge=0)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    comments: list[CommentBackup] = []
    visibility: NoteVisibility = NoteVisibility.public
    row: str = Field(default="", description="The title of the note's grid row.")
    theme_id: str = Field(
        default="",
        description="The id of one of its column's themes.",
        validation_alias=AliasChoices("theme_id", "group_id"),
    )
    owner: str = _documented(200, default="")
    partners: str = _documented(200, default="")
    how: str = _documented(200, default="")
    when: str = _documented(200, default="")
    color: NoteColor = NoteColor.yellow
    discussion_group: str = Field(
        default="",
        description="The name of its author's discussion group.",
        validation_alias=AliasChoices("discussion_group", "work_group"),
    )


class ThemeBackup(_Part):
    id: str = Field(min_length=1, max_length=100)
    title: str = _documented(200, title=True)


class ColumnBackup(_Part):
    id: str = ""
    title: str = _documented(200, title=True)
    description: str = _documented(2000, default="")
    notes: list[NoteBackup] = []
    themes: list[ThemeBackup] = Field(default=[], validation_alias=AliasChoices("themes", "groups"))


class RowBackup(_Part):
    id: str = ""
    title: str = _documented(200, title=True)
    description: str = _documented(2000, default="")


class BoardInfo(_Part):
    id: str = ""
    title: str = _documented(200, title=True)
    event: str = _documented(200, default="")
    question: str = _documented(2000, default="")
    language: Language = Language.fi
    status: BoardStatus = BoardStatus.open
    created_at: datetime | None = None


class Backup(_Part):
    format: Literal["paja.board"]
    version: Literal[1, 2]
    exported_at: datetime | None = None
    names_included: bool = False
    board: BoardInfo
    columns: list[ColumnBackup] = []
    rows: list[RowBackup] = []
    discussion_groups: list[str] = Field(
        default=[],
        description="The board's discussion groups, in order.",
        validation_alias=AliasChoices("discussion_groups", "work_groups"),
    )


def build_backup(snapshot: BoardSnapshot, include_names: bool) -> Backup:
    """The whole board; author names only when the facilitator asked for them."""

    def name(value: str) -> str:
        return value if include_names else ""

    notes_by_column: dict[str, list[NoteBackup]] = {c.id: [] for c in snapshot.columns}
    row_titles = {r.id: r.title for r in snapshot.rows}
    for note in snapshot.notes:
        notes_by_column.setdefault(note.column_id, []).append(
            NoteBackup(
                id=note.id,
                text=note.text,
                author_name=name(note.author_name),
                kind=note.kind,
                votes=note.votes,
                created_at=utc(note.created_at),
                updated_at=utc(note.updated_at),
                row=row_titles.get(note.row_id or "", ""),
                theme_id=note.theme_id or "",
                owner=note.owner,
                partners=note.partners,
                how=note.how,
                when=note.when,
                color=note.color,
                discussion_group=note.discussion_group_name,
                comments=[
                    CommentBackup(
                        id=c.id,
                        text=c.text,
                        author_name=name(c.author_name),
                        created_at=utc(c.created_at),
                    )
                    for c in note.comments
                ],
                visibility=note.visibility,
            )
        )
    return Backup(
        format=FORMAT,
        version=VERSION,
        exported_at=datetime.now(UTC),
        names_included=include_names,
        board=BoardInfo(
            id=snapshot.id,
            title=snapshot.title,
            event=snapshot.event,
            question=snapshot.question,
            language=snapshot.language,
            status=snapshot.status,
            created_at=utc(snapshot.created_at),
        ),
        columns=[
            ColumnBackup(
                id=c.id,
                title=c.title,
                description=c.description,
                notes=notes_by_column[c.id],
                themes=[
                    ThemeBackup(id=t.id, title=t.title)
                    for t in snapshot.themes
                    if t.column_id == c.id
                ],
            )
            for c in snapshot.columns
        ],
        rows=[RowBackup(id=r.id, title=r.title, description=r.description) for r in snapshot.rows],
        discussion_groups=[g.name for g in snapshot.discussion_groups],
    )


def looks_like_backup(data: Any) -> bool:
    return isinstance(data, dict) and data.get("format") == FORMAT


def parse_backup(data: dict[str, Any]) -> Backup:
    """A backup from its decoded JSON, or a 422 that says what is wrong with it."""
    version = data.get("version")
    if version not in VERSIONS:
        raise InvalidInput(
            "This export is version {version}; this Paja reads versions 1 and 2.",
            version=version,
        )
    try:
        return Backup.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(_describe(issue) for issue in error.errors()[:3])
        raise InvalidInput("The export is not valid: {problem}", problem=problems) from error


def decode_json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise PajaError("The file is not valid JSON.") from error


def utc(moment: datetime | None) -> datetime | None:
    """Times as aware UTC (SQLite gives them back without a zone)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # the first or last hours of the calendar
        return None


def _describe(issue: Any) -> str:
    location = ".".join(str(part) for part in issue.get("loc", ()))
    return f"{location}: {issue.get('msg', 'is not valid')}"
