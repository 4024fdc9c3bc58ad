"""Padlet's CSV export read as a board: each section (a "shelf" column) becomes a column,
each post a note. Post bodies are Markdown; they become plain text with their line breaks,
list markers and link addresses kept, and nothing in them is ever run as HTML."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from markdown_it import MarkdownIt
from markdown_it.token import Token

from app.errors import InvalidInput, PajaError
from app.exports.backup import (
    FORMAT,
    VERSION,
    Backup,
    BoardInfo,
    ColumnBackup,
    NoteBackup,
    utc,
)
from app.exports.base import plain
from app.models import Language

_MARKDOWN = MarkdownIt("commonmark", {"html": False})
MAX_SECTION_CHARS = 200
# Header names as Padlet writes them, in the languages its exports come in, and the
# obvious variants a spreadsheet program leaves behind.
ALIASES = {
    "section": {"section", "shelf", "column", "section title", "osio", "sarake", "sektion"},
    "subject": {"subject", "title", "post title", "otsikko", "rubrik"},
    "body": {"body", "content", "text", "message", "sisältö", "teksti", "innehåll"},
    "author": {"author", "author name", "creator", "name", "tekijä", "kirjoittaja", "författare"},
    "created": {"created", "created at", "created on", "date", "timestamp", "luotu", "skapad"},
    "attachment": {"attachment", "attachment url", "link", "url", "liite", "bilaga"},
}


def looks_like_padlet(text: str) -> bool:
    return _columns(_header(text)) is not None


def parse_padlet(text: str, *, title: str, language: Language, default_section: str) -> Backup:
    """The posts of a Padlet CSV export as a board backup (sections in order of first
    appearance, posts in file order); posts with no text at all are skipped."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as error:
        raise PajaError("The CSV file could not be read.") from error
    columns = _columns(rows[0]) if rows else None
    if columns is None:
        raise InvalidInput("The file is neither a Paja JSON export nor a Padlet CSV export.")
    sections: dict[str, ColumnBackup] = {}
    for row in rows[1:]:

        def cell(name: str, row: list[str] = row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        body = markdown_to_text(cell("body"))
        parts = [cell("subject"), body, cell("attachment")]
        note_text = "\n".join(part for part in parts if part)
        if not note_text:
            continue
        # Section names become column titles: no control characters, default title limit.
        section = plain(cell("section")).strip()[:MAX_SECTION_CHARS] or default_section
        column = sections.setdefault(section.casefold(), ColumnBackup(title=section))
        column.notes.append(
            NoteBackup(
                text=note_text, author_name=cell("author"), created_at=_moment(cell("created"))
            )
        )
    return Backup(
        format=FORMAT,
        version=VERSION,
        board=BoardInfo(title=title, language=language),
        columns=list(sections.values()),
    )


def markdown_to_text(source: str) -> str:
    """Plain text of a Markdown post: paragraphs, line breaks and list items kept."""
    if not source:
        return ""
    blocks: list[tuple[str, bool]] = []
    lists: list[list[int]] = []  # per open list: [ordered, next number]
    prefix = ""
    for token in _MARKDOWN.parse(source):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            ordered = token.type == "ordered_list_open"
            lists.append([int(ordered), int(token.attrGet("start") or 1)])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            ordered, number = lists[-1]
            prefix = "  " * (len(lists) - 1) + (f"{number}. " if ordered else "- ")
            lists[-1][1] += 1
        elif token.type == "inline":
            blocks.append((prefix + _inline(token.children or []), bool(lists)))
            prefix = ""
        elif token.type in ("fence", "code_block"):
            blocks.append((token.content.rstrip("\n"), bool(lists)))
    text = ""
    for index, (block, in_list) in enumerate(blocks):
        if index:
            text += "\n" if in_list and blocks[index - 1][1] else "\n\n"
        text += block
    return text.strip()


def _inline(children: list[Token]) -> str:
    out: list[str] = []
    links: list[tuple[str, int]] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif child.type == "image":
            out.append(child.content)
        elif child.type == "link_open":
            links.append((str(child.attrGet("href") or ""), len(out)))
        elif child.type == "link_close" and links:
            href, start = links.pop()
            if href and href != "".join(out[start:]):
                out.append(f" ({href})")
    return "".join(out)


def _header(text: str) -> list[str]:
    first = text.split("\n", 1)[0]
    try:
        return next(csv.reader([first], delimiter=_delimiter(text)), [])
    except csv.Error:
        return []


def _delimiter(text: str) -> str:
    """Comma, or the semicolon or tab a spreadsheet program saved the file with."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    return delimiter if counts[delimiter] else ","


def _columns(header: list[str]) -> dict[str, int] | None:
    """Where each known field is, or None when the header is not a Padlet export's."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = " ".join(name.strip().strip("\ufeff").lower().replace("_", " ").split())
        for field, aliases in ALIASES.items():
            if key in aliases and field not in found:
                found[field] = index
    if "body" not in found and "subject" not in found:
        return None
    return found


def _moment(value: str) -> datetime | None:
    """Padlet writes ISO-like times ("2020-11-24 10:15:00 UTC"); anything else is dropped."""
    text = value.strip().removesuffix("UTC").removesuffix("Z").strip()
    if not text:
        return None
    try:
        return utc(datetime.fromisoformat(text))
    except ValueError:
        return None
