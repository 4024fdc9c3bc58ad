"""The summary a forum organiser used to copy by hand from Padlet: built once from the
board's snapshot, then written out by each format. Its shape: sections (columns) → parts
(a part per grid row, with the row's prompt as its heading; one part without a heading on
a board without rows) → notes and groups of notes (each titled, with their summed votes)
→ comments, and a closing list of next steps with who, with whom, how and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from app.audience import shown_in_summary
from app.exports.base import MAX_SUBTITLE_CHARS, ExportOptions
from app.exports.words import Words, words_for
from app.models import NoteKind
from app.schemas import BoardSnapshot, NotePublic

LOCAL_TIME = ZoneInfo("Europe/Helsinki")
Cell = tuple[str, str | None]  # (column id, row id or None)


@dataclass(frozen=True, slots=True)
class SummaryComment:
    text: str
    author: str


@dataclass(frozen=True, slots=True)
class SummaryNote:
    text: str
    author: str
    votes: int
    kind: str
    column: str
    created_at: datetime
    comments: tuple[SummaryComment, ...] = ()
    row: str = ""
    group: str = ""
    owner: str = ""
    partners: str = ""
    how: str = ""
    when: str = ""
    # The work group it came from ("Ryhmä 2"), shown after the text.
    work_group: str = ""

    @property
    def work_group_suffix(self) -> str:
        return f" ({self.work_group})" if self.work_group else ""

    def details(self, words: Words) -> list[tuple[str, str]]:
        """A next step's owner, partners, how and when, labelled, where given."""
        pairs = [
            (words.owner, self.owner),
            (words.partners, self.partners),
            (words.how, self.how),
            (words.when, self.when),
        ]
        return [(label, value) for label, value in pairs if value]


@dataclass(frozen=True, slots=True)
class SummaryGroup:
    title: str
    notes: tuple[SummaryNote, ...]
    votes: int = 0


@dataclass(frozen=True, slots=True)
class SummaryPart:
    """The notes under one sub-heading (a grid row); no heading on a board without rows."""

    heading: str
    notes: tuple[SummaryNote, ...]
    groups: tuple[SummaryGroup, ...] = ()


@dataclass(frozen=True, slots=True)
class SummarySection:
    number: int
    title: str
    description: str
    parts: tuple[SummaryPart, ...]

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"

    def notes(self) -> list[SummaryNote]:
        """Every note of the section in summary order, grouped ones included."""
        found: list[SummaryNote] = []
        for part in self.parts:
            found.extend(part.notes)
            for group in part.groups:
                found.extend(group.notes)
        return found


@dataclass(frozen=True, slots=True)
class Summary:
    title: str
    board_title: str
    subtitle: str
    question: str
    intro: str
    language: str
    words: Words
    sections: tuple[SummarySection, ...]
    next_steps: tuple[SummaryNote, ...]
    show_votes: bool
    names_included: bool
    # The read it was built from: the JSON backup needs ids, positions and times too.
    source: BoardSnapshot = field(repr=False)

    def votes(self, note: SummaryNote | SummaryGroup) -> str:
        """ "(5 ääntä)" when the board used voting, else nothing (a group: its notes' sum)."""
        return self.words.votes(note.votes) if self.show_votes else ""

    def group_heading(self, group: SummaryGroup) -> str:
        """The group's title with its notes' summed votes."""
        votes = self.votes(group)
        return f"{group.title} {votes}" if votes else group.title

    def all_notes(self) -> list[SummaryNote]:
        notes = [note for section in self.sections for note in section.notes()]
        return notes + list(self.next_steps)


def build_summary(snapshot: BoardSnapshot, options: ExportOptions) -> Summary:
    """The summary of a board as the options ask for it (names, order, subtitle)."""
    words = words_for(snapshot.language.value)
    titles = {column.id: column.title for column in snapshot.columns}
    row_titles = {row.id: row.title for row in snapshot.rows}
    group_titles = {group.id: group.title for group in snapshot.groups}
    by_cell: dict[Cell, list[SummaryNote]] = {}
    by_group: dict[str, list[SummaryNote]] = {group.id: [] for group in snapshot.groups}
    group_rows: dict[str, str | None] = {}  # a group sits in the row of its first note
    next_steps: list[SummaryNote] = []
    for note in snapshot.notes:
        if not shown_in_summary(note.visibility):
            continue
        group = group_titles.get(note.group_id or "", "")
        row = row_titles.get(note.row_id or "", "")
        item = _note(note, titles.get(note.column_id, ""), options.include_names, row, group)
        if note.kind is NoteKind.next_step:
            next_steps.append(item)
        elif group:
            by_group[note.group_id or ""].append(item)
            group_rows.setdefault(note.group_id or "", note.row_id)
        else:
            by_cell.setdefault((note.column_id, note.row_id), []).append(item)
    groups_by_cell: dict[Cell, list[SummaryGroup]] = {}
    for group in snapshot.groups:
        if members := by_group[group.id]:
            groups_by_cell.setdefault((group.column_id, group_rows.get(group.id)), []).append(
                SummaryGroup(group.title, _ordered(members, options), group.votes)
            )
    sections = tuple(
        SummarySection(
            number=number,
            title=column.title,
            description=column.description,
            parts=_parts(snapshot, column.id, by_cell, groups_by_cell, options),
        )
        for number, column in enumerate(snapshot.columns, start=1)
    )
    subtitle = (options.subtitle or "").strip()[:MAX_SUBTITLE_CHARS] or words.subtitle
    return Summary(
        title=_title_line(snapshot, words),
        board_title=snapshot.title,
        subtitle=subtitle,
        question=snapshot.question,
        intro=words.intro,
        language=snapshot.language.value,
        words=words,
        sections=sections,
        next_steps=_ordered(next_steps, options),
        show_votes=any(note.votes for note in snapshot.notes),
        names_included=options.include_names,
        source=snapshot,
    )


def _parts(
    snapshot: BoardSnapshot,
    column_id: str,
    by_cell: dict[Cell, list[SummaryNote]],
    groups_by_cell: dict[Cell, list[SummaryGroup]],
    options: ExportOptions,
) -> tuple[SummaryPart, ...]:
    """A column's notes and groups: one part per grid row under the row's prompt (every
    row, so the organiser sees which prompt got no answers), or one part without a heading."""
    rows: list[tuple[str | None, str]] = [(row.id, row.title) for row in snapshot.rows]
    return tuple(
        SummaryPart(
            heading=heading,
            notes=_ordered(by_cell.get((column_id, row_id), []), options),
            groups=_ordered_groups(groups_by_cell.get((column_id, row_id), []), options),
        )
        for row_id, heading in (rows or [(None, "")])
    )


def _note(
    note: NotePublic, column: str, include_names: bool, row: str = "", group: str = ""
) -> SummaryNote:
    return SummaryNote(
        text=note.text,
        author=note.author_name if include_names else "",
        votes=note.votes,
        kind=note.kind.value,
        column=column,
        created_at=note.created_at,
        row=row,
        comments=tuple(
            SummaryComment(c.text, c.author_name if include_names else "") for c in note.comments
        ),
        group=group,
        owner=note.owner,
        partners=note.partners,
        how=note.how,
        when=note.when,
        work_group=note.work_group_name,
    )


def _ordered_groups(groups: list[SummaryGroup], options: ExportOptions) -> tuple[SummaryGroup, ...]:
    """Board order, or the groups with most votes first, like the notes."""
    if options.order == "votes":
        return tuple(sorted(groups, key=lambda group: -group.votes))
    return tuple(groups)


def _ordered(notes: list[SummaryNote], options: ExportOptions) -> tuple[SummaryNote, ...]:
    """Board order, or most votes first (ties keep board order: the sort is stable)."""
    if options.order == "votes":
        return tuple(sorted(notes, key=lambda note: -note.votes))
    return tuple(notes)


def _title_line(snapshot: BoardSnapshot, words: Words) -> str:
    """ "TNO-foorumi – TEAMS-kokous 24.11.2020": title, event and the board's date."""
    day = format_date(local_time(snapshot.created_at).date(), "medium", locale=words.locale)
    occasion = f"{snapshot.event} {day}" if snapshot.event else day
    return f"{snapshot.title} – {occasion}"


def local_time(moment: datetime) -> datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(LOCAL_TIME)
