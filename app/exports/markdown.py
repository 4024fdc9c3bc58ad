"""The summary as Markdown. Every piece of text a person typed goes through `escape`, so a
note can never turn into a heading, a link, a list or emphasis."""

from __future__ import annotations

import re

from app.exports.base import Exporter, ExportOptions
from app.exports.summary import Summary, SummaryNote

# Punctuation that means something anywhere in a line (CommonMark and GitHub's tables and
# strikethrough); `&` because "&amp;" would render as "&".
_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
# What means something only at the start of a line: headings, lists, setext underlines,
# ordered-list numbers ("1." / "1)").
_LINE_START = re.compile(r"^([#+=-])|^(\d{1,9})([.)])")


def escape(text: str) -> str:
    """Markdown that renders as exactly this text: punctuation at risk is backslash-escaped
    and every line break becomes a hard break, so the text stays one paragraph."""
    lines = [_escape_line(line) for line in text.replace("\r\n", "\n").split("\n")]
    return "\\\n".join(lines)


def _escape_line(line: str) -> str:
    # Leading spaces would make an indented code block; the rendered text drops them anyway.
    line = _INLINE.sub(r"\\\1", line.strip())
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", line)


def heading(text: str) -> str:
    """A heading is one line: line breaks in a title become spaces."""
    return escape(" ".join(text.split()))


def to_markdown(summary: Summary) -> str:
    words = summary.words
    blocks = [f"# {heading(summary.title)}", escape(summary.subtitle)]
    if summary.question:
        blocks.append(f"{words.question} {escape(summary.question)}")
    if summary.sections:
        blocks.append(escape(summary.intro))
    for section in summary.sections:
        blocks.append(f"## {section.number}. {heading(section.title)}")
        for part in section.parts:
            level = "###"
            if part.heading:
                blocks.append(f"### {heading(part.heading)}")
                level = "####"
            blocks.extend(_note_blocks(summary, note) for note in part.notes)
            for group in part.groups:
                blocks.append(f"{level} {heading(summary.group_heading(group))}")
                blocks.extend(_note_blocks(summary, note) for note in group.notes)
    if summary.next_steps:
        blocks.append(f"## {heading(words.next_steps)}")
        blocks.extend(_note_blocks(summary, note) for note in summary.next_steps)
    return "\n\n".join(blocks) + "\n"


def _note_blocks(summary: Summary, note: SummaryNote) -> str:
    """The note's paragraph, its next-step details, then its comments as a bullet list."""
    group = f" ({escape(note.work_group)})" if note.work_group else ""
    paragraph = escape(note.text) + group + _byline(note.author) + _suffix(summary.votes(note))
    blocks = [paragraph]
    details = note.details(summary.words)
    if details:
        blocks.append(" · ".join(f"*{label}:* {escape(value)}" for label, value in details))
    if note.comments:
        blocks.append("\n".join(f"- {escape(c.text)}{_byline(c.author)}" for c in note.comments))
    return "\n\n".join(blocks)


def _byline(author: str) -> str:
    return f" – {escape(author)}" if author else ""


def _suffix(votes: str) -> str:
    return f" {votes}" if votes else ""


def render(summary: Summary, _options: ExportOptions) -> bytes:
    return to_markdown(summary).encode("utf-8")


EXPORTER = Exporter(
    name="md", media_type="text/markdown; charset=utf-8", extension="md", render=render
)
