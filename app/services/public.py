"""Tables → wire models. Events carry these same shapes, so REST and WebSocket agree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from app import audience as who_sees
from app.db import Audience
from app.models import (
    Board,
    BoardColumn,
    BoardRow,
    Comment,
    DiscussionGroup,
    Note,
    NoteColor,
    NoteKind,
    NoteVisibility,
    Participant,
    Theme,
    Vote,
    VotingState,
)
from app.schemas import (
    BoardSnapshot,
    ColumnPublic,
    CommentPublic,
    NotePublic,
    RowPublic,
    ThemePublic,
    Viewer,
    VotingPublic,
)
from app.services import discussion_groups, signals
from app.services.members import Actor


def comment_public(comment: Comment) -> CommentPublic:
    return CommentPublic.model_validate(comment, from_attributes=True)


def note_public(note: Note, comments: Iterable[Comment] = ()) -> NotePublic:
    data = note.model_dump()
    data["comments"] = [comment_public(c) for c in comments]
    return NotePublic.model_validate(data)


def theme_public(theme: Theme, notes: Iterable[NotePublic], *, counted: bool = True) -> ThemePublic:
    """The theme with its members (the notes of `notes` that belong to it, in that order)
    and their sum (None when the viewer is not `counted`: a round hides the results)."""
    members = [note for note in notes if note.theme_id == theme.id]
    return ThemePublic(
        id=theme.id,
        board_id=theme.board_id,
        column_id=theme.column_id,
        title=theme.title,
        position=theme.position,
        note_ids=[note.id for note in members],
        votes=None
        if not counted or any(note.votes is None for note in members)
        else sum(note.votes or 0 for note in members),
        created_at=theme.created_at,
        updated_at=theme.updated_at,
    )


def theme_members(session: Session, theme: Theme) -> list[NotePublic]:
    """The theme's notes in theme order, with their comments."""
    notes = session.exec(
        select(Note)
        .where(Note.theme_id == theme.id)
        .order_by(col(Note.position), col(Note.created_at))
    ).all()
    return [note_with_comments(session, note) for note in notes]


def theme_event_data(session: Session, theme: Theme) -> dict[str, Any]:
    """What a theme event carries: the theme as the API returns it, and its notes, so a
    browser can draw the whole card from the event alone."""
    members = theme_members(session, theme)
    data = as_data(theme_public(theme, members))
    data["notes"] = [as_data(note) for note in members]
    return data


def column_public(column: BoardColumn) -> ColumnPublic:
    return ColumnPublic.model_validate(column, from_attributes=True)


def as_data(model: Any) -> dict[str, Any]:
    """The JSON-ready dict an event stores and a client receives."""
    return model.model_dump(mode="json")


def note_with_comments(session: Session, note: Note) -> NotePublic:
    """The note as every view shows it: comments, its discussion group's name, reaction counts."""
    comments = session.exec(
        select(Comment).where(Comment.note_id == note.id).order_by(col(Comment.created_at))
    ).all()
    result = _with_group_name(session, note, comments)
    result.reactions = signals.counts_of(session, note.id)
    return result


def new_note(session: Session, note: Note) -> NotePublic:
    """A note just written, as every view shows it: nothing can have been said or
    reacted to yet, so only its discussion group's name is read (note_with_comments
    would read comments and reactions on every post of a burst)."""
    return _with_group_name(session, note, ())


def _with_group_name(session: Session, note: Note, comments: Iterable[Comment]) -> NotePublic:
    result = note_public(note, comments)
    if note.discussion_group_id is not None:
        group = session.get(DiscussionGroup, note.discussion_group_id)
        result.discussion_group_name = group.name if group is not None else ""
    return result


def snapshot(
    session: Session,
    board: Board,
    viewer: Actor | None = None,
    audience: Audience | None = None,
) -> BoardSnapshot:
    """The whole board in one read, in display order, as `viewer` (or `audience`) may
    see it; with neither, everything (exports, backups). Notes and comments are read as
    plain rows and built without re-validation: a 5,000-note board is read in a third
    of the time that building ORM objects and validating them took."""
    if viewer is not None:
        audience = Audience(viewer.is_facilitator, viewer.participant_id)
    columns = session.exec(
        select(BoardColumn)
        .where(BoardColumn.board_id == board.id)
        .order_by(col(BoardColumn.position))
    ).all()
    order = {c.id: c.position for c in columns}
    board_rows = session.exec(
        select(BoardRow).where(BoardRow.board_id == board.id).order_by(col(BoardRow.position))
    ).all()
    row_order = {r.id: r.position for r in board_rows}
    comments_by_note: dict[str, list[CommentPublic]] = defaultdict(list)
    for row in session.execute(
        select(*(getattr(Comment, f) for f in COMMENT_FIELDS))
        .where(Comment.board_id == board.id)
        .order_by(col(Comment.created_at))
    ):
        # zip over the selected columns: a Row's _mapping builds its keys anew per row.
        comment = trusted(CommentPublic, dict(zip(COMMENT_FIELDS, row, strict=True)))
        comments_by_note[comment.note_id].append(comment)
    rows = session.execute(
        select(*(getattr(Note, f) for f in NOTE_FIELDS), col(Note.author_id)).where(
            Note.board_id == board.id
        )
    ).all()
    if audience is not None:
        rows = [r for r in rows if who_sees.sees_note(audience, r.visibility, r.author_id)]
    rows.sort(
        key=lambda r: (
            order.get(r.column_id, 0),
            row_order.get(r.row_id, 0),
            r.position,
            r.created_at,
        )
    )
    progress = discussion_groups.progress(session, board.id)
    group_names = {g.id: g.name for g in progress.discussion_groups}
    reactions = signals.counts_by_note(session, board.id)
    notes = [
        _note_from_row(
            dict(zip(NOTE_FIELDS, row, strict=False)),  # the row ends with author_id
            comments_by_note[row.id],
            discussion_group_name=group_names.get(row.discussion_group_id or "", ""),
            reactions=reactions.get(row.id, {}),
        )
        for row in rows
    ]
    counted = audience is None or who_sees.sees_counts(audience, who_sees.counts_hidden(board))
    if not counted:
        for note in notes:
            note.votes = None
    themes = session.exec(select(Theme).where(Theme.board_id == board.id)).all()
    # Each theme's notes in one pass: asking every theme to scan every note cost two
    # thirds of a 5,000-note board's read (252 themes × 5,000 notes).
    members: dict[str, list[NotePublic]] = defaultdict(list)
    for note in notes:
        if note.theme_id is not None:
            members[note.theme_id].append(note)
    ordered = sorted(themes, key=lambda g: (order.get(g.column_id, 0), g.position, g.created_at))
    return BoardSnapshot(
        **board.model_dump(exclude={"owner_id"}),
        columns=[column_public(c) for c in columns],
        notes=notes,
        viewer=viewer_of(session, viewer) if viewer else None,
        rows=[RowPublic.model_validate(r, from_attributes=True) for r in board_rows],
        themes=[theme_public(theme, members[theme.id], counted=counted) for theme in ordered],
        has_passcode=board.passcode_hash is not None,
        voting=voting_of(board),
        discussion_groups=progress.discussion_groups,
    )


def board_fields(session: Session, board: Board) -> dict[str, Any]:
    """What a board.updated event carries: the snapshot's board part, without the notes."""
    return snapshot(session, board).model_dump(mode="json", exclude={"columns", "notes", "viewer"})


def voting_of(board: Board) -> VotingPublic:
    return VotingPublic(
        state=VotingState(board.voting_state),
        budget=board.vote_budget,
        max_per_note=board.max_votes_per_note,
        hide_results=board.hide_results,
    )


def as_seen(board: Board, actor: Actor, note: NotePublic) -> NotePublic:
    """The note as this actor may see it: without its count while results are hidden."""
    viewer = Audience(actor.is_facilitator, actor.participant_id)
    if who_sees.sees_counts(viewer, who_sees.counts_hidden(board)):
        return note
    return note.model_copy(update={"votes": None})


def _note_from_row(
    fields: dict[str, Any],
    comments: list[CommentPublic],
    *,
    discussion_group_name: str,
    reactions: dict[str, int],
) -> NotePublic:
    """`fields`: the note's NOTE_FIELDS columns by name (this dict is completed and used)."""
    fields.update(
        kind=NoteKind(fields["kind"]),
        visibility=NoteVisibility(fields["visibility"]),
        color=NoteColor(fields["color"]),
        comments=comments,
        discussion_group_name=discussion_group_name,
        reactions=reactions,
    )
    return trusted(NotePublic, fields)


M = TypeVar("M", bound=BaseModel)


def trusted(model: type[M], values: dict[str, Any]) -> M:
    """`model.model_construct(**values)` for values that name every field, read from our
    own tables: the same object (fields in declaration order, so it serialises alike) at
    a seventh of the cost. model_construct looks up each field's aliases and defaults in
    Python: some 80 ms of a 5,000-note board's read, for its notes and comments."""
    names = _FIELD_NAMES.get(model) or _FIELD_NAMES.setdefault(model, _plain_fields(model))
    built = model.__new__(model)
    object.__setattr__(built, "__dict__", {name: values[name] for name in names})
    object.__setattr__(built, "__pydantic_fields_set__", set(names))
    object.__setattr__(built, "__pydantic_extra__", None)
    object.__setattr__(built, "__pydantic_private__", None)
    return built


_FIELD_NAMES: dict[type[BaseModel], tuple[str, ...]] = {}


def _plain_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The model's fields, once it is known that `trusted` builds it as model_construct
    would: no aliases, extra fields, private attributes, post-init or root."""
    plain = (
        not model.__pydantic_root_model__
        and model.__pydantic_post_init__ is None
        and not model.__private_attributes__
        and model.model_config.get("extra") != "allow"
        and all(f.alias is None and f.validation_alias is None for f in model.model_fields.values())
    )
    if not plain:
        raise TypeError(f"{model.__name__} needs model_construct")
    return tuple(model.model_fields)


NOTE_FIELDS = tuple(
    f
    for f in NotePublic.model_fields
    if f not in {"comments", "discussion_group_name", "reactions"}
)
COMMENT_FIELDS = tuple(CommentPublic.model_fields)


def viewer_of(session: Session, actor: Actor) -> Viewer:
    """The per-person part of a snapshot; the rest is the same for everyone."""
    own = session.exec(
        select(Note.id, Note.visibility).where(
            Note.board_id == actor.board_id, Note.author_id == actor.participant_id
        )
    ).all()
    voted = dict(
        session.exec(
            select(Vote.note_id, Vote.count).where(
                Vote.board_id == actor.board_id, Vote.participant_id == actor.participant_id
            )
        ).all()
    )
    board = session.get(Board, actor.board_id)
    in_round = board is not None and board.voting_state == VotingState.open.value
    member = session.get(Participant, actor.participant_id)
    return Viewer(
        participant_id=actor.participant_id,
        role=actor.role,
        name=actor.name,
        own_note_ids=[note_id for note_id, _ in own],
        voted_note_ids=list(voted),
        withheld_note_ids=[
            note_id
            for note_id, seen in own
            if not who_sees.sees_note(who_sees.EVERYONE, seen, None)
        ],
        votes=voted,
        votes_left=board.vote_budget - sum(voted.values()) if board and in_round else None,
        discussion_group_id=member.discussion_group_id if member else None,
        done=member.done if member else False,
        reactions=signals.mine_by_note(session, actor),
    )


def count_by_board(session: Session, model: type[Note] | type[Participant], ids: list[str]) -> dict:
    """Rows per board for the dashboard, in one query."""
    if not ids:
        return {}
    board_id = col(model.board_id)
    rows = session.exec(
        select(board_id, func.count()).where(board_id.in_(ids)).group_by(board_id)
    ).all()
    return dict(rows)
