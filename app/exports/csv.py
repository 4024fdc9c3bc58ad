"""One row per note, for a spreadsheet. Cells that a spreadsheet would run as a formula
(=, +, -, @ …) are neutralised by defusedcsv; UTF-8 with a byte-order mark so Excel reads
ä and ö, and `;` between cells on request, as Finnish Excel expects."""

from __future__ import annotations

import io

from defusedcsv import csv as safe_csv

from app.exports.base import Exporter, ExportOptions, plain
from app.exports.summary import Summary, local_time

HEADER = (
    "column",
    "row",
    "theme",
    "kind",
    "text",
    "comments",
    "author",
    "votes",
    "owner",
    "partners",
    "how",
    "when",
    "created",
    "discussion_group",
)


def render(summary: Summary, options: ExportOptions) -> bytes:
    buffer = io.StringIO()
    writer = safe_csv.writer(buffer, delimiter=options.delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    for note in summary.all_notes():
        writer.writerow(
            (
                plain(note.column),
                plain(note.row),
                plain(note.theme),
                note.kind,
                plain(note.text),
                "\n".join(plain(c.text + _byline(c.author)) for c in note.comments),
                plain(note.author),
                "" if note.votes is None else note.votes,
                plain(note.owner),
                plain(note.partners),
                plain(note.how),
                plain(note.when),
                local_time(note.created_at).strftime("%Y-%m-%d %H:%M"),
                plain(note.discussion_group),
            )
        )
    return buffer.getvalue().encode("utf-8-sig")


def _byline(author: str) -> str:
    return f" – {author}" if author else ""


EXPORTER = Exporter(
    name="csv", media_type="text/csv; charset=utf-8", extension="csv", render=render
)
