"""Tables. Only the services touch these; the API speaks the schemas in app/schemas.py."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlmodel import Field, SQLModel

# Alembic names constraints from this, so SQLite batch migrations can find them again.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    """72 random bits: ids appear in links, so they must not be guessable or countable."""
    return secrets.token_urlsafe(9)


def new_board_id() -> str:
    """96 random bits: the board id is the participants' link, the only key to the board."""
    return secrets.token_urlsafe(12)


class BoardStatus(StrEnum):
    draft = "draft"
    open = "open"
    locked = "locked"
    archived = "archived"


class NoteVisibility(StrEnum):
    """Who sees a note besides its author and the board's facilitators."""

    public = "public"  # everyone on the board
    private = "private"  # written during private writing, shown to all on reveal
    pending = "pending"  # waiting for a facilitator's approval
    hidden = "hidden"  # hidden by a facilitator


class VotingState(StrEnum):
    """How votes work on a board: likes at any time, or a round with a budget."""

    free = "free"  # one vote per person per note, any time (Padlet-style likes)
    open = "open"  # a round: each person has a budget of votes
    closed = "closed"  # the round has ended: votes stay and everyone sees the counts


class NoteKind(StrEnum):
    note = "note"
    next_step = "next_step"


class NoteColor(StrEnum):
    """The fixed palette: each is a light background that dark text reads well on."""

    yellow = "yellow"
    green = "green"
    blue = "blue"
    pink = "pink"
    purple = "purple"
    grey = "grey"


class Role(StrEnum):
    participant = "participant"
    facilitator = "facilitator"
    # A participant a facilitator removed: the row stays so their token can say so
    # (services/participants.py), and nothing lists or counts it.
    removed = "removed"


class Language(StrEnum):
    fi = "fi"
    sv = "sv"
    en = "en"


def _fk(target: str, *, nullable: bool = False, index: bool = True) -> Any:
    """A string foreign key that disappears with its parent (boards take everything with them)."""
    return Field(
        sa_column=Column(
            String, ForeignKey(target, ondelete="CASCADE"), nullable=nullable, index=index
        )
    )


def _author_fk() -> Any:
    """The writer of a note or comment; when a participant is deleted, what they wrote
    stays on the board, no longer linked to anyone."""
    return Field(
        default=None,
        sa_column=Column(
            String, ForeignKey("participants.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )


def _discussion_group_fk() -> Any:
    """A member's or note's discussion group; deleting the group keeps them, without one."""
    return Field(
        default=None,
        sa_column=Column(
            String,
            ForeignKey("discussion_groups.id", ondelete="SET NULL"),
            nullable=True,
            index=True,
        ),
    )


class Facilitator(SQLModel, table=True):
    __tablename__ = "facilitators"

    id: str = Field(default_factory=new_id, primary_key=True)
    email: str = Field(sa_column=Column(String, unique=True, nullable=False))
    name: str = ""
    password_hash: str
    created_at: datetime = Field(default_factory=utcnow)


class Board(SQLModel, table=True):
    __tablename__ = "boards"

    id: str = Field(default_factory=new_board_id, primary_key=True)
    owner_id: str = _fk("facilitators.id")
    title: str
    event: str = ""
    question: str = ""
    language: str = Language.fi.value
    status: str = BoardStatus.open.value
    join_code: str = Field(sa_column=Column(String, unique=True, nullable=False))
    # The last event's seq: the row lock on this counter is what keeps seq gap-free.
    seq: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # While on, participants' new notes are seen only by their authors and the facilitators.
    private_writing: bool = False
    # While on, participants' new notes wait for a facilitator's approval before others see them.
    approval_required: bool = False
    # The countdown every browser shows; all three empty while no timer runs.
    timer_started_at: datetime | None = None
    timer_ends_at: datetime | None = None
    timer_seconds: int | None = None
    # HMAC of the joining passcode (services.sharing), never the passcode itself.
    passcode_hash: str | None = None
    # Free voting, or a voting round with a budget per person (see services/voting.py).
    voting_state: str = VotingState.free.value
    vote_budget: int = 3
    max_votes_per_note: int = 1
    # While a round is open, participants do not see the counts until it closes.
    hide_results: bool = False
    # "Follow me": the column every participant's view scrolls to (no foreign key: it
    # would make boards and columns refer to each other).
    follow_column_id: str | None = None


class BoardColumn(SQLModel, table=True):
    __tablename__ = "columns"

    id: str = Field(default_factory=new_id, primary_key=True)
    board_id: str = _fk("boards.id")
    title: str
    description: str = ""
    position: int = 0


class Participant(SQLModel, table=True):
    """A member of one board: a guest who joined by link, or a facilitator of the board."""

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("board_id", "facilitator_id"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    board_id: str = _fk("boards.id")
    facilitator_id: str | None = _fk("facilitators.id", nullable=True)
    role: str = Role.participant.value
    name: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    discussion_group_id: str | None = _discussion_group_fk()
    # "I'm done": the facilitator sees only how many are, never who.
    done: bool = False


class Note(SQLModel, table=True):
    __tablename__ = "notes"
    __table_args__ = (
        Index("ix_notes_column_position", "column_id", "position"),
        # A client that retries a create (lost response, reconnect) sends the same key.
        UniqueConstraint("author_id", "client_key"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    board_id: str = _fk("boards.id")
    column_id: str = _fk("columns.id")
    author_id: str | None = _author_fk()
    author_name: str = ""
    text: str
    kind: str = NoteKind.note.value
    position: int = 0
    votes: int = 0
    client_key: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    visibility: str = NoteVisibility.public.value
    # The note's cell on a grid board (a row across the columns); None on other boards.
    row_id: str | None = _fk("board_rows.id", nullable=True)
    # A note in a theme stays a note of its own; splitting the theme only clears this.
    theme_id: str | None = Field(
        default=None,
        sa_column=Column(
            String, ForeignKey("themes.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    # A next step's who, with whom, how and when ("kuka, kenen kanssa, miten, milloin").
    owner: str = ""
    partners: str = ""
    how: str = ""
    when: str = ""
    color: str = NoteColor.yellow.value
    # The author's discussion group when the note was written.
    discussion_group_id: str | None = _discussion_group_fk()


class Comment(SQLModel, table=True):
    __tablename__ = "comments"

    id: str = Field(default_factory=new_id, primary_key=True)
    board_id: str = _fk("boards.id")
    note_id: str = _fk("notes.id")
    author_id: str | None = _author_fk()
    author_name: str = ""
    text: str
    created_at: datetime = Field(default_factory=utcnow)


class Vote(SQLModel, table=True):
    __tablename__ = "votes"

    note_id: str = Field(
        sa_column=Column(String, ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True)
    )
    participant_id: str = Field(
        sa_column=Column(
            String, ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
        )
    )
    board_id: str = _fk("boards.id")
    created_at: datetime = Field(default_factory=utcnow)
    # Votes this person put on this note: more than one only in a round that allows it.
    count: int = 1


class Event(SQLModel, table=True):
    """The board's change log: the WebSocket replays it, so it is written with the change."""

    __tablename__ = "events"

    board_id: str = Field(
        sa_column=Column(String, ForeignKey("boards.id", ondelete="CASCADE"), primary_key=True)
    )
    seq: int = Field(primary_key=True)
    type: str
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    # The note the event is about, if one: deleting the note finds its events by this
    # to erase their text (app.services.events.forget_note).
    note_id: str | None = Field(default=None, index=True)


class AuthToken(SQLModel, table=True):
    """A bearer token or session cookie. Only its keyed hash is stored, so a leaked
    database does not hand out sessions, and deleting the row revokes it."""

    __tablename__ = "auth_tokens"

    id: str = Field(default_factory=new_id, primary_key=True)
    token_hash: str = Field(sa_column=Column(String, unique=True, nullable=False))
    facilitator_id: str | None = _fk("facilitators.id", nullable=True)
    participant_id: str | None = _fk("participants.id", nullable=True)
    expires_at: datetime
    created_at: datetime = Field(default_factory=utcnow)


class BoardRow(SQLModel, table=True):
    """A prompt asked in every column ("A. Mikä toimii hyvin?"): a board with rows is a
    grid, and each of its notes lives in one cell (column × row)."""

    __tablename__ = "board_rows"

    id: str = Field(default_factory=new_id, primary_key=True)
    board_id: str = _fk("boards.id")
    title: str
    description: str = ""
    position: int = 0


class Theme(SQLModel, table=True):
    """A theme: notes a facilitator gathered under one title in one column; their votes
    count together. (Not a discussion group, which is people; app/themes only suggests.)"""

    __tablename__ = "themes"

    id: str = Field(default_factory=new_id, primary_key=True)
    board_id: str = _fk("boards.id")
    column_id: str = _fk("columns.id")
    title: str
    position: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class OwnTemplate(SQLModel, table=True):
    """A board saved by a facilitator as a template of their own: its texts and columns."""

    __tablename__ = "own_templates"

    id: str = Field(default_factory=new_id, primary_key=True)
    owner_id: str = _fk("facilitators.id")
    title: str
    question: str = ""
    language: str = Language.fi.value
    columns: list[dict[str, str]] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    # A grid board's rows ([{"title", "description"}]); empty for a board without rows.
    rows: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )


class DiscussionGroup(SQLModel, table=True):
    """A discussion group of the workshop ("Ryhmä 2", "LUOVAT"); members pick one."""

    __tablename__ = "discussion_groups"

    id: str = Field(default_factory=new_id, primary_key=True)
    board_id: str = _fk("boards.id")
    name: str
    position: int = 0


class Reaction(SQLModel, table=True):
    """One emoji of one member on one note; only the counts ever leave the server."""

    __tablename__ = "reactions"

    note_id: str = Field(
        sa_column=Column(String, ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True)
    )
    participant_id: str = Field(
        sa_column=Column(
            String, ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
        )
    )
    name: str = Field(sa_column=Column(String, primary_key=True))
    board_id: str = _fk("boards.id")
    created_at: datetime = Field(default_factory=utcnow)


class NoteEmbedding(SQLModel, table=True):
    """A note's sentence embedding for theme suggestions (app/themes), computed on the
    server by a background worker; `text_hash` tells when the note was edited since."""

    __tablename__ = "note_embeddings"

    note_id: str = Field(
        sa_column=Column(String, ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True)
    )
    board_id: str = _fk("boards.id")
    model: str
    text_hash: str
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
