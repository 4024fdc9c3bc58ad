"""Duplicating a board for the next workshop: its columns and question, and if asked its
notes with their comments and kinds. Never its participants, names or votes, and only
the notes everyone on the board could see (app.audience.EVERYONE): a hidden, never
approved or unrevealed private note stays where it was written."""

from __future__ import annotations

from sqlmodel import Session

from app.audience import EVERYONE
from app.config import Settings
from app.models import Comment, Facilitator, Language, Note
from app.schemas import BoardCreate, BoardDuplicate, BoardSnapshot, ColumnCreate
from app.services import boards, events, public
from app.services.members import Actor, get_board, require_facilitator

COPY_SUFFIX = {"fi": "kopio", "sv": "kopia", "en": "copy"}


def duplicate_board(
    session: Session, settings: Settings, actor: Actor, owner: Facilitator, data: BoardDuplicate
) -> BoardSnapshot:
    """A new board owned by whoever copies it, written in one transaction with its events."""
    require_facilitator(actor)
    source = public.snapshot(session, get_board(session, actor.board_id), audience=EVERYONE)
    title = data.title if data.title is not None else _copy_title(source, settings)
    board = boards.new_board(
        session,
        settings,
        owner,
        BoardCreate(
            title=title,
            event=source.event,
            question=source.question,
            language=Language(source.language),
            columns=[ColumnCreate(title=c.title, description=c.description) for c in source.columns]
            or None,
        ),
    )
    if data.with_notes:
        new_columns = boards.ordered_columns(session, board.id)
        column_map = {old.id: new.id for old, new in zip(source.columns, new_columns, strict=True)}
        copied: list[tuple[Note, tuple]] = []
        for old in source.notes:
            note = Note(
                board_id=board.id,
                column_id=column_map[old.column_id],
                text=old.text,
                kind=old.kind.value,
                position=old.position,
            )
            session.add(note)
            data = public.as_data(public.note_public(note))
            events.record(session, board, "note.created", data, note)
            copied.append((note, tuple(old.comments)))
        session.flush()  # the notes exist before the comments that point at them
        for note, comments in copied:
            for old_comment in comments:
                comment = Comment(board_id=board.id, note_id=note.id, text=old_comment.text)
                session.add(comment)
                data = public.as_data(public.comment_public(comment))
                events.record(session, board, "comment.created", data, note)
    session.commit()
    return public.snapshot(session, board)


def _copy_title(source: BoardSnapshot, settings: Settings) -> str:
    suffix = f" ({COPY_SUFFIX[source.language.value]})"
    return source.title[: settings.max_title_chars - len(suffix)] + suffix
