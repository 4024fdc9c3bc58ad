"""The summary as Markdown, to paste into an e-mail, a Teams chat or a wiki. Every piece
of text a person typed goes through `escape`, which backslash-escapes only what would
change how the text renders (so "->" and "&" stay as typed), and a note can never turn
into a heading, a link, a list or emphasis."""

from __future__ import annotations

import re

from app.exports.base import Exporter, ExportOptions
from app.exports.summary import Entry, Summary, SummaryNote, SummaryTheme

# Anywhere in a line: code, emphasis, links, tables, strikethrough and the escape itself;
# "<" only where it could open an autolink or HTML ("<b>", "</", "<!--", "<?"); "&" only
# where it would read as a character reference ("&amp;", "&#38;"). One pattern, so the
# text is scanned once: none of these characters can start or end another's match.
_INLINE = re.compile(
    r"[\\`*_\[\]|~]"
    r"|<(?=[A-Za-z/!?])"
    r"|&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)"
)
# Any of those characters: most notes have none, and this scan is four times faster.
_RISKY = re.compile(r"[\\`*_\[\]|~<&]")
# At the start of a line: a heading, a quote, a list item, an ordered-list number.
_LINE_START = re.compile(r"^(?:(#{1,6}|[-+])(?=\s|$)|(>)|(\d{1,9})([.)])(?=\s|$))")
# A line of only "-" or "=" would underline the line before it as a heading (or be a rule).
_UNDERLINE = re.compile(r"^(-|=)[-=\s]*$")
# The first characters of a line that can start a block (with any decimal digit).
_BLOCK_STARTS = frozenset("#-+>=")


def escape(text: str) -> str:
    """Markdown that renders as exactly this text: what is at risk is backslash-escaped
    and every line break becomes a hard break, so the text stays one paragraph."""
    lines = _escape_inline(text.replace("\r\n", "\n")).split("\n")
    return "\\\n".join([_escape_start_of(line.strip()) for line in lines])


def _escape_start_of(line: str) -> str:
    """An escaped line with what would start a block escaped too. Leading spaces go: they
    would make an indented code block, and the rendered text drops them anyway."""
    if not line or not (line[0] in _BLOCK_STARTS or line[0].isdecimal()):
        return line
    if _UNDERLINE.match(line) and len(set(line.replace(" ", ""))) == 1:
        return "\\" + line
    return _LINE_START.sub(_escape_start, line)


def _escape_inline(line: str) -> str:
    return line if _RISKY.search(line) is None else _INLINE.sub(r"\\\g<0>", line)


def _escape_start(match: re.Match[str]) -> str:
    if match[1] or match[2]:
        return "\\" + (match[1] or match[2])
    return f"{match[3]}\\{match[4]}"


def inline(text: str) -> str:
    """One line of text inside a heading or a table cell, where nothing starts a block:
    line breaks become spaces, and a closing "#" run is escaped (it would be dropped)."""
    line = _escape_inline(" ".join(text.split()))
    return re.sub(r"(^|\s)(#+)$", r"\1\\\2", line)


cell = heading = inline


def one_line(text: str) -> str:
    """A list item's text on one line (where a block could still start)."""
    return escape(" ".join(text.split()))


def to_markdown(summary: Summary) -> str:
    words = summary.words
    blocks = [f"# {heading(summary.title)}", escape(summary.subtitle)]
    blocks.extend(escape(line) for line in (summary.event, summary.dates) if line.strip())
    if summary.question:
        blocks.append(f"{escape(words.question)} {escape(summary.question)}")
    if summary.empty:
        blocks.append(escape(words.empty_board))
        return "\n\n".join(blocks) + "\n"
    if summary.overview is not None:
        blocks.extend(_overview(summary))
    blocks.append(escape(summary.intro))
    for section in summary.sections:
        blocks.append(f"## {heading(section.heading)}")  # "2. Digitaalisesti" stays a heading
        for part in section.parts:
            if part.heading:
                blocks.append(f"### {heading(part.heading)}")
            lines = [line for entry in part.entries for line in _entry(summary, entry)]
            blocks.append("\n".join(lines) if lines else escape(words.empty_part))
    if summary.next_steps:
        blocks.append(f"## {heading(words.next_steps)}")
        blocks.append(_steps_table(summary))
    return "\n\n".join(blocks) + "\n"


def _overview(summary: Summary) -> list[str]:
    overview = summary.overview
    assert overview is not None
    words = summary.words
    lines = [f"- {escape(overview.totals(words))}", f"- {escape(words.per_priority)}"]
    lines += [f"  - {one_line(title)}: {count}" for title, count in overview.per_section]
    if overview.top:
        lines.append(f"- {escape(words.most_votes)}")
        lines += [f"  - {one_line(text)} {votes}" for text, votes in overview.top]
    return [f"## {heading(words.overview)}", "\n".join(lines)]


def _entry(summary: Summary, entry: Entry) -> list[str]:
    """A theme as a bold item with its notes under it; a note as an item with its
    comments under it."""
    if isinstance(entry, SummaryTheme):
        lines = [f"- **{heading(entry.title)}**{_suffix(summary.votes(entry))}"]
        for note in entry.notes:
            lines += _note(summary, note, "  ")
        return lines
    return _note(summary, entry, "")


def _note(summary: Summary, note: SummaryNote, indent: str) -> list[str]:
    inner = indent + "  "
    text = escape(note.text).replace("\n", "\n" + inner)
    where = f" ({escape(note.discussion_group)})" if note.discussion_group else ""
    lines = [f"{indent}- {text}{where}{_byline(note.author)}{_suffix(summary.votes(note))}"]
    for comment in note.comments:
        body = escape(comment.text).replace("\n", "\n" + inner + "  ")
        lines.append(f"{inner}- {body}{_byline(comment.author)}")
    return lines


def _steps_table(summary: Summary) -> str:
    """What, who, with whom, how, when: the board's labels over one row per next step."""
    header = summary.words.step_labels()
    rows = ["| " + " | ".join(cell(label) for label in header) + " |"]
    rows.append("|" + " --- |" * len(header))
    for step in summary.next_steps:
        what = cell(step.text) + (
            f" ({cell(step.discussion_group)})" if step.discussion_group else ""
        )
        what += _byline(step.author) + _suffix(summary.votes(step))
        what += "".join(f" · {cell(c.text)}{_byline(c.author)}" for c in step.comments)
        rows.append("| " + " | ".join([what, *(cell(v) for v in step.step_fields)]) + " |")
    return "\n".join(rows)


def _byline(author: str) -> str:
    return f" – {cell(author)}" if author else ""


def _suffix(votes: str) -> str:
    return f" {votes}" if votes else ""


def render(summary: Summary, _options: ExportOptions) -> bytes:
    return to_markdown(summary).encode("utf-8")


EXPORTER = Exporter(
    name="md", media_type="text/markdown; charset=utf-8", extension="md", render=render
)
