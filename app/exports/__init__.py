"""Exports of a board: a registry of formats, one module per format behind one small
interface (`Exporter`: a pure function from the summary to bytes). Each export starts
from one read of the board (`read_board`), from which the summary is built once."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from app.db import Audience
from app.errors import InvalidInput
from app.exports import csv as csv_export
from app.exports import docx as docx_export
from app.exports import json as json_export
from app.exports import markdown as markdown_export
from app.exports import pdf as pdf_export
from app.exports.base import (
    Exporter,
    ExportFile,
    ExportOptions,
    Reads,
    collector_paused,
    file_name,
    full_collections_deferred,
)
from app.exports.summary import BoardRead, Summary, build_summary
from app.models import Board, BoardColumn, Event, Participant
from app.services import public
from app.services.members import Actor, get_board, require_facilitator

EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in (
        markdown_export.EXPORTER,
        docx_export.EXPORTER,
        pdf_export.EXPORTER,
        csv_export.EXPORTER,
        json_export.EXPORTER,
    )
}
# What the room saw: the board as a participant who wrote nothing sees it.
ROOM = Audience(facilitator=False)

__all__ = ["EXPORTERS", "BoardRead", "ExportFile", "ExportOptions", "Exporter", "Summary"]


def get_exporter(name: str) -> Exporter:
    exporter = EXPORTERS.get(name)
    if exporter is None:
        raise InvalidInput(
            "There is no export format {name}. Choose one of: {choices}.",
            name=repr(name),
            choices=", ".join(EXPORTERS),
        )
    return exporter


def export(read: BoardRead, name: str, options: ExportOptions) -> ExportFile:
    """The board in one format, as a file named after its title."""
    exporter = get_exporter(name)
    content = exporter.render(build_summary(read, options), options)
    return ExportFile(
        content, exporter.media_type, file_name(read.snapshot.title, exporter.extension)
    )


def export_board(session: Session, actor: Actor, name: str, options: ExportOptions) -> ExportFile:
    """A facilitator's export of their board."""
    require_facilitator(actor)
    return read_and_export(session, get_board(session, actor.board_id), name, options)


def read_and_export(
    session: Session, board: Board, name: str, options: ExportOptions
) -> ExportFile:
    """The read and the file it becomes, made while the cyclic collector waits when the
    format is quick: what they build is gone, by reference counting, before it runs
    again (see collector_paused). A slow format (the PDF, seconds) must not stop it that
    long: only its full collections wait (see full_collections_deferred)."""
    exporter = get_exporter(name)
    with collector_paused() if exporter.quick else full_collections_deferred():
        return export(read_board(session, board, exporter.reads), name, options)


def board_summary(session: Session, actor: Actor, options: ExportOptions) -> Summary:
    """The summary the print view shows: the same one the exports write."""
    require_facilitator(actor)
    return build_summary(read_board(session, get_board(session, actor.board_id)), options)


def read_board(session: Session, board: Board, reads: Reads = "room") -> BoardRead:
    """The one read every export starts from: the board as the room saw it (what
    participants were shown, counts included only where they saw them), or everything
    for the backup; with how many joined and whether a voting round was ever held."""
    snapshot = public.snapshot(session, board, audience=ROOM if reads == "room" else None)
    participants = session.exec(
        select(func.count())
        .select_from(Participant)
        .where(Participant.board_id == board.id, Participant.facilitator_id.is_(None))  # type: ignore[union-attr]
    ).one()
    # A round leaves a voting.changed event; going back to likes keeps its votes.
    round_held = (
        snapshot.voting.state != "free"
        or session.exec(
            select(Event.seq)
            .where(Event.board_id == board.id, Event.type == "voting.changed")
            .limit(1)
        ).first()
        is not None
    )
    return BoardRead(snapshot, participants=participants, round_held=round_held)


def board_columns(session: Session, board: Board) -> list[BoardColumn]:
    """The priorities the export form offers to choose from, in board order."""
    return list(
        session.exec(
            select(BoardColumn)
            .where(BoardColumn.board_id == board.id)
            .order_by(BoardColumn.position)  # type: ignore[arg-type]
        ).all()
    )
