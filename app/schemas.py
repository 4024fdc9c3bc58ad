"""What goes over the wire. Text rules (blank, length) live in the services, so that the
REST API, the pages and the CLI refuse the same input with the same message."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from app.models import (
    BoardStatus,
    Language,
    NoteColor,
    NoteKind,
    NoteVisibility,
    Role,
    VotingState,
)


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
    rows: list[RowCreate] | None = Field(
        default=None,
        description="Prompts asked in every column: the board becomes a grid whose notes "
        "each live in one cell (column × row).",
    )


class BoardUpdate(Input):
    title: str | None = None
    question: str | None = None
    event: str | None = None
    language: Language | None = None
    status: BoardStatus | None = None
    private_writing: bool | None = Field(
        default=None,
        description="While true, participants see only their own new notes; setting it "
        "false reveals every note written meanwhile.",
    )
    approval_required: bool | None = Field(
        default=None,
        description="While true, participants' new notes wait for a facilitator's approval.",
    )
    passcode: str | None = Field(
        default=None,
        description='A passcode people must give to join; "" removes it. Stored only as '
        "a keyed hash.",
    )


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
    row_id: str | None = Field(
        default=None, description="The row of a grid board; without it, the first row."
    )
    owner: str = ""
    partners: str = ""
    how: str = ""
    when: str = ""
    color: NoteColor = NoteColor.yellow


class NoteUpdate(Input):
    text: str | None = None
    column_id: str | None = None
    position: int | None = Field(default=None, ge=0)
    kind: NoteKind | None = None
    hidden: bool | None = Field(
        default=None, description="Facilitators only: hide the note from participants, or show it."
    )
    row_id: str | None = None
    owner: str | None = None
    partners: str | None = None
    how: str | None = None
    when: str | None = None
    color: NoteColor | None = None


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
    votes: int | None = Field(
        description="null for participants while a voting round hides its results"
    )
    comments: list[CommentPublic] = []
    created_at: datetime
    updated_at: datetime
    visibility: NoteVisibility = NoteVisibility.public
    row_id: str | None = None
    theme_id: str | None = None
    owner: str = ""
    partners: str = ""
    how: str = ""
    when: str = ""
    color: NoteColor = NoteColor.yellow
    discussion_group_id: str | None = None
    discussion_group_name: str = ""
    reactions: dict[str, int] = {}


class ColumnPublic(BaseModel):
    id: str
    board_id: str
    title: str
    description: str
    position: int


class VoteOut(BaseModel):
    note_id: str
    votes: int | None = Field(
        description="The note's count; null for participants while a round hides results."
    )
    voted: bool
    mine: int = Field(default=0, description="The caller's votes on this note.")
    votes_left: int | None = Field(
        default=None, description="The caller's votes left in the open round; null otherwise."
    )


class Viewer(BaseModel):
    """Who is asking: lets a page show edit controls on the viewer's own notes only."""

    participant_id: str
    role: Role
    name: str
    own_note_ids: list[str]
    voted_note_ids: list[str]
    withheld_note_ids: list[str] = Field(
        default=[], description="The viewer's own notes that others cannot see yet."
    )
    votes: dict[str, int] = Field(default={}, description="The viewer's votes per note.")
    votes_left: int | None = Field(
        default=None, description="The viewer's votes left in the open round; null otherwise."
    )
    discussion_group_id: str | None = None
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
    private_writing: bool = False
    approval_required: bool = False
    timer_started_at: datetime | None = None
    timer_ends_at: datetime | None = None
    timer_seconds: int | None = None
    has_passcode: bool = False


class BoardSummary(BoardFields):
    participant_count: int
    note_count: int
    url: str


class ThemePublic(BaseModel):
    """A theme's notes stay in `notes` (each with this theme_id); `votes` is their sum
    (null while a voting round hides its results from the viewer)."""

    id: str
    board_id: str
    column_id: str
    title: str
    position: int
    note_ids: list[str]
    votes: int | None
    created_at: datetime
    updated_at: datetime


class BoardSnapshot(BoardFields):
    updated_at: datetime
    columns: list[ColumnPublic]
    notes: list[NotePublic]
    viewer: Viewer | None = None
    rows: list[RowPublic] = []
    themes: list[ThemePublic] = []
    server_time: datetime | None = Field(
        default=None, description="The server's clock when this was read, for the timer."
    )
    voting: VotingPublic = Field(default_factory=lambda: VotingPublic())
    follow_column_id: str | None = None
    discussion_groups: list[DiscussionGroupPublic] = []


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
    rows: list[TemplateRow] = []
    own: bool = Field(default=False, description="Saved by the signed-in facilitator.")


class Problem(BaseModel):
    """Every error answer: `detail` is a sentence for a person."""

    detail: str


class RowCreate(Input):
    title: str
    description: str = ""
    position: int | None = Field(default=None, ge=0)


class RowUpdate(Input):
    title: str | None = None
    description: str | None = None
    position: int | None = Field(default=None, ge=0)


class RowPublic(BaseModel):
    id: str
    board_id: str
    title: str
    description: str
    position: int


class TemplateRow(BaseModel):
    """A row of a grid template; `titles` holds its title for boards in other languages."""

    title: str
    description: str = ""
    titles: dict[Language, str] = {}


NoteId = Annotated[str, Field(max_length=100)]


class ThemeCreate(Input):
    title: str
    note_ids: list[NoteId] = Field(max_length=5000)


class ThemeUpdate(Input):
    title: str | None = None
    add_note_ids: list[NoteId] = Field(default=[], max_length=5000)
    remove_note_ids: list[NoteId] = Field(default=[], max_length=5000)


class NextStepPublic(NotePublic):
    """A next step with the title of its column, for the board's list of next steps."""

    column_title: str


class TimerSet(Input):
    seconds: int = Field(ge=1, le=10800, description="1 second to 3 hours.")


class TimerOut(BaseModel):
    """The board's countdown; all empty while none runs. ends_at is absolute (UTC)."""

    started_at: datetime | None
    ends_at: datetime | None
    seconds: int | None
    server_time: datetime


class FacilitatorAdd(Input):
    email: str = Field(max_length=320)


class FacilitatorPublic(BaseModel):
    id: str
    email: str
    name: str
    owner: bool


class BoardDuplicate(Input):
    title: str | None = None
    with_notes: bool = False


class TemplateSave(Input):
    title: str


class VotingPublic(BaseModel):
    """How votes work on the board now: free, or a round with a budget."""

    state: VotingState = VotingState.free
    budget: int = 3
    max_per_note: int = 1
    hide_results: bool = False


class VotingOpen(Input):
    budget: int = Field(ge=1, le=50, description="Votes each person may cast in the round.")
    max_per_note: int = Field(
        default=1, ge=1, le=50, description="Votes one person may put on one note (≤ budget)."
    )
    hide_results: bool = Field(
        default=False, description="Participants see no counts until the round closes."
    )


class ColumnSorted(BaseModel):
    column_id: str
    note_ids: list[str]


class ReactionName(StrEnum):
    """The fixed set of reactions; the URL uses the name, the page shows the emoji."""

    thumbs_up = "thumbs_up"
    heart = "heart"
    bulb = "bulb"
    question = "question"
    party = "party"


class DiscussionGroupCreate(Input):
    """One discussion group by name, or several at once ("Ryhmä 1" … "Ryhmä 6")."""

    name: str | None = None
    names: list[str] | None = Field(default=None, max_length=200)


class DiscussionGroupUpdate(Input):
    name: str | None = None
    position: int | None = Field(default=None, ge=0)


class DiscussionGroupPublic(BaseModel):
    """A discussion group and its progress: counts only, never who."""

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
    discussion_groups: list[DiscussionGroupPublic]


class MembershipUpdate(Input):
    # "work_group_id" is the name API v1 had before (still accepted; answers use the new one).
    discussion_group_id: str | None = Field(
        validation_alias=AliasChoices("discussion_group_id", "work_group_id")
    )


class Me(BaseModel):
    participant_id: str
    name: str
    discussion_group_id: str | None
    done: bool


class ParticipantPublic(BaseModel):
    """What a facilitator sees of a member to give them a discussion group (not whether
    they are done)."""

    id: str
    name: str
    role: Role
    discussion_group_id: str | None


class ReactionsOut(BaseModel):
    note_id: str
    reactions: dict[str, int]
    mine: list[str]


class FollowUpdate(Input):
    column_id: str | None


class FollowOut(BaseModel):
    column_id: str | None


BoardSnapshot.model_rebuild()


class ParticipantRemoved(BaseModel):
    """A participant a facilitator removed, and how many of their notes went with them."""

    participant_id: str
    notes_removed: int
