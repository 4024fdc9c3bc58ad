"""Exports of a board: a registry of formats, one module per format behind one small
interface (`Exporter`: a pure function from the summary to bytes). Each export starts
from one read of the board (its snapshot), from which the summary is built once."""

from __future__ import annotations

from sqlmodel import Session

from app.errors import InvalidInput
from app.exports import csv as csv_export
from app.exports import docx as docx_export
from app.exports import json as json_export
from app.exports import markdown as markdown_export
from app.exports.base import Exporter, ExportFile, ExportOptions, file_name
from app.exports.summary import Summary, build_summary
from app.schemas import BoardSnapshot
from app.services import public
from app.services.members import Actor, get_board, require_facilitator

EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in (
        markdown_export.EXPORTER,
        docx_export.EXPORTER,
        csv_export.EXPORTER,
        json_export.EXPORTER,
    )
}

__all__ = ["EXPORTERS", "ExportFile", "ExportOptions", "Exporter", "Summary", "export"]


def get_exporter(name: str) -> Exporter:
    exporter = EXPORTERS.get(name)
    if exporter is None:
        raise InvalidInput(
            "There is no export format {name}. Choose one of: {choices}.",
            name=repr(name),
            choices=", ".join(EXPORTERS),
        )
    return exporter


def export(snapshot: BoardSnapshot, name: str, options: ExportOptions) -> ExportFile:
    """The board in one format, as a file named after its title."""
    exporter = get_exporter(name)
    content = exporter.render(build_summary(snapshot, options), options)
    return ExportFile(content, exporter.media_type, file_name(snapshot.title, exporter.extension))


def export_board(session: Session, actor: Actor, name: str, options: ExportOptions) -> ExportFile:
    """A facilitator's export of their board."""
    require_facilitator(actor)
    get_exporter(name)
    return export(_snapshot(session, actor), name, options)


def board_summary(session: Session, actor: Actor, options: ExportOptions) -> Summary:
    """The summary the print view shows: the same one the exports write."""
    require_facilitator(actor)
    return build_summary(_snapshot(session, actor), options)


def _snapshot(session: Session, actor: Actor) -> BoardSnapshot:
    return public.snapshot(session, get_board(session, actor.board_id))
