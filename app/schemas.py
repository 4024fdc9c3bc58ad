"""What goes over the wire. Text rules (blank, length) live in the services, so that the
REST API, the pages and the CLI refuse the same input with the same message."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from app.models import BoardStatus, Language, NoteKind, Role


class Input(BaseModel):
    """Request bodies: unknown fields are refused, so a typo is not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class TokenRequest(Input):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


class ColumnCreate(Input):
    title: str
    description: str = ""
    position: int | None = Field(default=None, ge=0)


class ColumnUpdate(Input):
    title: str | None = None
    description: str | None = None
    position: int | None = Field(default=None, ge=0)


class BoardCreate(Input):
    title: str
    question: str = ""
    event: str = ""
    language: Language = Language.fi
    template: str | None = None
    columns: list[ColumnCreate] | None = None


class BoardUpdate(Input):
    title: str | None = None
    question: str | None = None
    event: str | None = None
    language: Language | None = None
    status: BoardStatus | None = None


class ParticipantJoin(Input):
    name: str = ""
    passcode: str | None = None


class ParticipantJoined(BaseModel):
    participant_id: str
    token: str
    board_id: str


class NoteCreate(Input):
    column_id: str
    text: str
    kind: NoteKind = NoteKind.note
    client_key: str | None = Field(
        default=None,
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="An idempotency key: repeating a create with the same key returns the "
        "note already made instead of a duplicate.",
    )


class NoteUpdate(Input):
    text: str | None = None
    column_id: str | None = None
    position: int | None = Field(default=None, ge=0)
    kind: NoteKind | None = None


class CommentCreate(Input):
    text: str


class CommentPublic(BaseModel):
    id: str
    note_id: str
    text: str
    author_name: str
    created_at: datetime


class NotePublic(BaseModel):
    id: str
    board_id: str
    column_id: str
    text: str
    author_name: str
    kind: NoteKind
    position: int
    votes: int
    comments: list[CommentPublic] = []
    created_at: datetime
    updated_at: datetime
    work_group_id: str | None = None
    work_group_name: str = ""
    reactions: dict[str, int] = {}


class ColumnPublic(BaseModel):
    id: str
    board_id: str
    title: str
    description: str
    position: int


class VoteOut(BaseModel):
    note_id: str
    votes: int
    voted: bool


class Viewer(BaseModel):
    """Who is asking: lets a page show edit controls on the viewer's own notes only."""

    participant_id: str
    role: Role
    name: str
    own_note_ids: list[str]
    voted_note_ids: list[str]
    work_group_id: str | None = None
    done: bool = False
    # note id → the reactions this viewer gave it (only ever their own).
    reactions: dict[str, list[str]] = {}


class BoardFields(BaseModel):
    """What every view of a board shows about the board itself."""

    id: str
    title: str
    event: str
    question: str
    language: Language
    status: BoardStatus
    join_code: str
    seq: int
    created_at: datetime


class BoardSummary(BoardFields):
    participant_count: int
    note_count: int
    url: str


class BoardSnapshot(BoardFields):
    updated_at: datetime
    columns: list[ColumnPublic]
    notes: list[NotePublic]
    viewer: Viewer | None = None
    follow_column_id: str | None = None
    work_groups: list[WorkGroupPublic] = []


class TemplateColumn(BaseModel):
    title: str
    description: str = ""


class TemplateOut(BaseModel):
    id: str
    title: str
    description: str
    language: Language
    question: str
    columns: list[TemplateColumn]


class Problem(BaseModel):
    """Every error answer: `detail` is a sentence for a person."""

    detail: str


class ReactionName(StrEnum):
    """The fixed set of reactions; the URL uses the name, the page shows the emoji."""

    thumbs_up = "thumbs_up"
    heart = "heart"
    bulb = "bulb"
    question = "question"
    party = "party"


class WorkGroupCreate(Input):
    """One group by name, or several at once ("Ryhmä 1" … "Ryhmä 6")."""

    name: str | None = None
    names: list[str] | None = Field(default=None, max_length=200)


class WorkGroupUpdate(Input):
    name: str | None = None
    position: int | None = Field(default=None, ge=0)


class WorkGroupPublic(BaseModel):
    """A work group and its progress: counts only, never who."""

    id: str
    board_id: str
    name: str
    position: int
    members: int = 0
    notes: int = 0
    done: int = 0


class Progress(BaseModel):
    """How far the participants are: how many are done, never who."""

    done: int
    total: int
    work_groups: list[WorkGroupPublic]


class MembershipUpdate(Input):
    work_group_id: str | None


class Me(BaseModel):
    participant_id: str
    name: str
    work_group_id: str | None
    done: bool


class ParticipantPublic(BaseModel):
    """What a facilitator sees of a member to give them a group (not whether they are done)."""

    id: str
    name: str
    role: Role
    work_group_id: str | None


class ReactionsOut(BaseModel):
    note_id: str
    reactions: dict[str, int]
    mine: list[str]


class FollowUpdate(Input):
    column_id: str | None


class FollowOut(BaseModel):
    column_id: str | None


BoardSnapshot.model_rebuild()
