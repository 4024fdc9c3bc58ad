"""Tables → wire models. Events carry these same shapes, so REST and WebSocket agree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import Board, BoardColumn, Comment, Note, NoteKind, Participant, Vote, WorkGroup
from app.schemas import (
    BoardSnapshot,
    ColumnPublic,
    CommentPublic,
    NotePublic,
    Viewer,
)
from app.services import signals, work_groups
from app.services.members import Actor


def comment_public(comment: Comment) -> CommentPublic:
    return CommentPublic.model_validate(comment, from_attributes=True)


def note_public(note: Note, comments: Iterable[Comment] = ()) -> NotePublic:
    data = note.model_dump()
    data["comments"] = [comment_public(c) for c in comments]
    return NotePublic.model_validate(data)


def column_public(column: BoardColumn) -> ColumnPublic:
    return ColumnPublic.model_validate(column, from_attributes=True)


def as_data(model: Any) -> dict[str, Any]:
    """The JSON-ready dict an event stores and a client receives."""
    return model.model_dump(mode="json")


def note_with_comments(session: Session, note: Note) -> NotePublic:
    """The note as every view shows it: comments, its group's name, reaction counts."""
    comments = session.exec(
        select(Comment).where(Comment.note_id == note.id).order_by(col(Comment.created_at))
    ).all()
    result = note_public(note, comments)
    if note.work_group_id is not None:
        group = session.get(WorkGroup, note.work_group_id)
        result.work_group_name = group.name if group is not None else ""
    result.reactions = signals.counts_of(session, note.id)
    return result


def snapshot(session: Session, board: Board, viewer: Actor | None = None) -> BoardSnapshot:
    """The whole board in one read, in display order. Notes and comments are read as
    plain rows and built without re-validation: a 5,000-note board is read in a third
    of the time that building ORM objects and validating them took."""
    columns = session.exec(
        select(BoardColumn)
        .where(BoardColumn.board_id == board.id)
        .order_by(col(BoardColumn.position))
    ).all()
    order = {c.id: c.position for c in columns}
    comments_by_note: dict[str, list[CommentPublic]] = defaultdict(list)
    for row in session.execute(
        select(*(getattr(Comment, f) for f in COMMENT_FIELDS))
        .where(Comment.board_id == board.id)
        .order_by(col(Comment.created_at))
    ):
        comment = CommentPublic.model_construct(**row._mapping)
        comments_by_note[comment.note_id].append(comment)
    rows = session.execute(
        select(*(getattr(Note, f) for f in NOTE_FIELDS)).where(Note.board_id == board.id)
    ).all()
    rows.sort(key=lambda r: (order.get(r.column_id, 0), r.position, r.created_at))
    progress = work_groups.progress(session, board.id)
    group_names = {g.id: g.name for g in progress.work_groups}
    reactions = signals.counts_by_note(session, board.id)
    notes = [
        NotePublic.model_construct(
            **{**row._mapping, "kind": NoteKind(row.kind)},
            comments=comments_by_note[row.id],
            work_group_name=group_names.get(row.work_group_id or "", ""),
            reactions=reactions.get(row.id, {}),
        )
        for row in rows
    ]
    return BoardSnapshot(
        **board.model_dump(exclude={"owner_id"}),
        columns=[column_public(c) for c in columns],
        notes=notes,
        viewer=viewer_of(session, viewer) if viewer else None,
        work_groups=progress.work_groups,
    )


NOTE_FIELDS = tuple(
    f for f in NotePublic.model_fields if f not in {"comments", "work_group_name", "reactions"}
)
COMMENT_FIELDS = tuple(CommentPublic.model_fields)


def viewer_of(session: Session, actor: Actor) -> Viewer:
    """The per-person part of a snapshot; the rest is the same for everyone."""
    own = session.exec(
        select(Note.id).where(
            Note.board_id == actor.board_id, Note.author_id == actor.participant_id
        )
    ).all()
    voted = session.exec(
        select(Vote.note_id).where(
            Vote.board_id == actor.board_id, Vote.participant_id == actor.participant_id
        )
    ).all()
    member = session.get(Participant, actor.participant_id)
    return Viewer(
        participant_id=actor.participant_id,
        role=actor.role,
        name=actor.name,
        own_note_ids=list(own),
        voted_note_ids=list(voted),
        work_group_id=member.work_group_id if member else None,
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
