"""The summary a forum organiser used to write by hand from Padlet (../shared/seeds/
002_excerpt.txt), built once from one read of the board and written out by every format.

Its shape: the board's title, the event and the workshop's date on lines of their own, the
question, a short overview, then sections (the priorities, i.e. columns) → parts (one per
grid row, headed by the row's prompt; one part without a heading on a board without rows)
→ entries: themes (a title, summed votes, their notes) and the other notes, together in
board order (themes first) or by votes → comments; and the next steps as a table of what,
who, with whom, how and when. Counts show only when a voting round was held or the
facilitator asks, and never as "0 votes"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import ClassVar, TypeVar
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_interval

from app.audience import shown_in_summary
from app.errors import InvalidInput
from app.exports.base import MAX_SUBTITLE_CHARS, ExportOptions
from app.exports.words import Words, words_for
from app.models import NoteKind
from app.schemas import BoardSnapshot, NotePublic, ThemePublic

LOCAL_TIME = ZoneInfo("Europe/Helsinki")
Cell = tuple[str, str | None]  # (column id, row id or None)
TOP = 3  # themes or notes with most votes in the overview
TOP_TEXT_CHARS = 120


@dataclass(frozen=True, slots=True)
class BoardRead:
    """One read of the board: what an export is built from."""

    snapshot: BoardSnapshot
    participants: int = 0  # people who joined the board (facilitators not counted)
    round_held: bool = False  # a voting round was opened on the board at some point


@dataclass(frozen=True, slots=True)
class SummaryComment:
    text: str
    author: str


@dataclass(frozen=True, slots=True)
class SummaryNote:
    is_theme: ClassVar[bool] = False

    text: str
    author: str
    votes: int | None  # as the summary shows it: None when counts are not shown
    kind: str
    column: str
    created_at: datetime
    comments: tuple[SummaryComment, ...] = ()
    row: str = ""
    theme: str = ""  # the title of the theme it is in
    owner: str = ""
    partners: str = ""
    how: str = ""
    when: str = ""
    # The discussion group it came from ("Ryhmä 2"), shown after the text.
    discussion_group: str = ""
    rank: int = 0  # the count the room saw, for ordering by votes

    @property
    def discussion_group_suffix(self) -> str:
        return f" ({self.discussion_group})" if self.discussion_group else ""

    @property
    def step_fields(self) -> tuple[str, str, str, str]:
        """Who, with whom, how and when: a next step's row in the table after its text."""
        return (self.owner, self.partners, self.how, self.when)


@dataclass(frozen=True, slots=True)
class SummaryTheme:
    """A theme the facilitator drew together: its title leads, its notes follow."""

    is_theme: ClassVar[bool] = True

    title: str
    notes: tuple[SummaryNote, ...]
    votes: int | None = None
    rank: int = 0


Entry = SummaryTheme | SummaryNote
E = TypeVar("E", bound=Entry)


@dataclass(frozen=True, slots=True)
class SummaryPart:
    """The entries under one sub-heading (a grid row); no heading on a board without rows."""

    heading: str
    entries: tuple[Entry, ...]

    def notes(self) -> list[SummaryNote]:
        found: list[SummaryNote] = []
        for entry in self.entries:
            found.extend(entry.notes if isinstance(entry, SummaryTheme) else (entry,))
        return found


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
        """Every note of the section in summary order, those in themes included."""
        return [note for part in self.parts for note in part.notes()]


@dataclass(frozen=True, slots=True)
class Overview:
    """What a reader takes in within a minute before the details."""

    participants: int
    notes: int
    per_section: tuple[tuple[str, int], ...]
    top: tuple[tuple[str, str], ...]  # (theme or note, "(6 ääntä)")
    next_steps: int

    def totals(self, words: Words) -> str:
        """ "26 osallistujaa, 64 muistiinpanoa, 5 seuraavaa askelta"."""
        parts = [words.participants(self.participants)] if self.participants else []
        parts.append(words.notes(self.notes))
        if self.next_steps:
            parts.append(words.steps(self.next_steps))
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Summary:
    title: str
    subtitle: str
    event: str
    dates: str  # the workshop's date(s), "" when the event line already says it
    exported: str  # the export's date: for the document's properties and footer
    question: str
    intro: str
    language: str
    words: Words
    sections: tuple[SummarySection, ...]
    next_steps: tuple[SummaryNote, ...]
    overview: Overview | None
    show_votes: bool
    names_included: bool
    # The read it was built from: the JSON backup needs ids, positions and times too.
    source: BoardSnapshot = field(repr=False)

    @property
    def empty(self) -> bool:
        return not self.next_steps and not any(s.notes() for s in self.sections)

    @property
    def footer(self) -> str:
        return f"{self.words.exported} {self.exported}"

    def votes(self, entry: Entry) -> str:
        """ "(5 ääntä)" when counts are shown and there are any, else nothing."""
        return self.words.votes(entry.votes)

    def all_notes(self) -> list[SummaryNote]:
        notes = [note for section in self.sections for note in section.notes()]
        return notes + list(self.next_steps)


def build_summary(read: BoardRead, options: ExportOptions, now: datetime | None = None) -> Summary:
    """The summary of a board as the options ask for it."""
    snapshot = read.snapshot
    words = words_for(snapshot.language.value)
    show_votes = options.votes == "on" or (options.votes == "auto" and read.round_held)
    columns = _chosen_columns(snapshot, options.columns)
    chosen = {column.id for column in columns}
    titles = {column.id: column.title for column in snapshot.columns}
    row_titles = {row.id: row.title for row in snapshot.rows}
    theme_titles = {theme.id: theme.title for theme in snapshot.themes}
    by_cell: dict[Cell, list[SummaryNote]] = {}
    by_theme: dict[str, list[SummaryNote]] = {theme.id: [] for theme in snapshot.themes}
    theme_rows: dict[str, str | None] = {}  # a theme sits in the row of its first note
    next_steps: list[SummaryNote] = []
    for note in snapshot.notes:
        if not shown_in_summary(note.visibility) or note.column_id not in chosen:
            continue
        theme = theme_titles.get(note.theme_id or "", "")
        row = row_titles.get(note.row_id or "", "")
        item = _note(note, titles.get(note.column_id, ""), options, show_votes, row, theme)
        if note.kind is NoteKind.next_step:
            next_steps.append(item)
        elif theme:
            by_theme[note.theme_id or ""].append(item)
            theme_rows.setdefault(note.theme_id or "", note.row_id)
        else:
            by_cell.setdefault((note.column_id, note.row_id), []).append(item)
    themes_by_cell: dict[Cell, list[SummaryTheme]] = {}
    for theme in snapshot.themes:
        if members := by_theme[theme.id]:
            cell = (theme.column_id, theme_rows.get(theme.id))
            themes_by_cell.setdefault(cell, []).append(_theme(theme, members, options))
    numbers = {column.id: number for number, column in enumerate(snapshot.columns, start=1)}
    sections = tuple(
        SummarySection(
            number=numbers[column.id],
            title=column.title,
            description=column.description,
            parts=_parts(snapshot, column.id, by_cell, themes_by_cell, options),
        )
        for column in columns
    )
    steps = _ordered(next_steps, options)
    subtitle = (options.subtitle or "").strip()[:MAX_SUBTITLE_CHARS] or words.subtitle
    exported = local_time(now or datetime.now(UTC)).date()
    return Summary(
        title=snapshot.title,
        subtitle=subtitle,
        event=snapshot.event,
        dates=_workshop_dates(snapshot, words),
        exported=format_date(exported, "short", locale=words.locale),
        question=snapshot.question,
        intro=words.intro,
        language=snapshot.language.value,
        words=words,
        sections=sections,
        next_steps=steps,
        overview=_overview(read, sections, steps, words) if options.overview else None,
        show_votes=show_votes,
        names_included=options.include_names,
        source=snapshot,
    )


def _chosen_columns(snapshot: BoardSnapshot, wanted: tuple[str, ...]) -> list:
    """The priorities asked for, in board order; every one when none is named."""
    if not wanted:
        return list(snapshot.columns)
    known = {column.id for column in snapshot.columns}
    if unknown := [column_id for column_id in wanted if column_id not in known]:
        raise InvalidInput(
            "There is no column {name} on this board. Choose from: {choices}.",
            name=repr(unknown[0]),
            choices=", ".join(f"{c.id} ({c.title})" for c in snapshot.columns) or "-",
        )
    return [column for column in snapshot.columns if column.id in wanted]


def _parts(
    snapshot: BoardSnapshot,
    column_id: str,
    by_cell: dict[Cell, list[SummaryNote]],
    themes_by_cell: dict[Cell, list[SummaryTheme]],
    options: ExportOptions,
) -> tuple[SummaryPart, ...]:
    """A column's entries: one part per grid row under the row's prompt (every row, so the
    organiser sees which prompt got no answers), or one part without a heading."""
    rows: list[tuple[str | None, str]] = [(row.id, row.title) for row in snapshot.rows]
    return tuple(
        SummaryPart(
            heading=heading,
            entries=_ordered(
                [
                    *themes_by_cell.get((column_id, row_id), []),
                    *by_cell.get((column_id, row_id), []),
                ],
                options,
            ),
        )
        for row_id, heading in (rows or [(None, "")])
    )


def _note(
    note: NotePublic,
    column: str,
    options: ExportOptions,
    show_votes: bool,
    row: str = "",
    theme: str = "",
) -> SummaryNote:
    names = options.include_names
    comments = note.comments if options.comments else []
    return SummaryNote(
        text=note.text,
        author=note.author_name if names else "",
        votes=note.votes if show_votes else None,
        rank=note.votes or 0,
        kind=note.kind.value,
        column=column,
        created_at=note.created_at,
        row=row,
        comments=tuple(SummaryComment(c.text, c.author_name if names else "") for c in comments),
        theme=theme,
        owner=note.owner,
        partners=note.partners,
        how=note.how,
        when=note.when,
        discussion_group=note.discussion_group_name,
    )


def _theme(theme: ThemePublic, members: list[SummaryNote], options: ExportOptions) -> SummaryTheme:
    """A theme's votes are its notes' (as shown: none when counts are not)."""
    shown = [note.votes for note in members if note.votes is not None]
    return SummaryTheme(
        title=theme.title,
        notes=_ordered(members, options),
        votes=sum(shown) if shown else None,
        rank=sum(note.rank for note in members),
    )


def _ordered(entries: list[E], options: ExportOptions) -> tuple[E, ...]:
    """Board order, or most votes first, themes and notes together (ties keep board
    order, themes first: the sort is stable)."""
    if options.order == "votes":
        return tuple(sorted(entries, key=lambda entry: -entry.rank))
    return tuple(entries)


def _overview(
    read: BoardRead,
    sections: tuple[SummarySection, ...],
    steps: tuple[SummaryNote, ...],
    words: Words,
) -> Overview:
    """Counts, and the themes or notes with most votes (only where counts are shown)."""
    candidates: list[Entry] = [
        entry for section in sections for part in section.parts for entry in part.entries
    ]
    candidates.extend(steps)
    best = sorted((c for c in candidates if c.votes), key=lambda c: -(c.votes or 0))[:TOP]
    return Overview(
        participants=read.participants,
        notes=sum(len(section.notes()) for section in sections),
        per_section=tuple((section.title, len(section.notes())) for section in sections),
        top=tuple((_named(entry, words), words.votes(entry.votes)) for entry in best),
        next_steps=len(steps),
    )


def _named(entry: Entry, words: Words) -> str:
    """How the overview names a theme or a note among those with most votes."""
    if isinstance(entry, SummaryTheme):
        return f"{words.theme}: {entry.title}"
    return _shortened(entry.text)


def _shortened(text: str) -> str:
    """A note's first line, cut at a word near TOP_TEXT_CHARS."""
    line = " ".join(text.split())
    if len(line) <= TOP_TEXT_CHARS:
        return line
    return line[:TOP_TEXT_CHARS].rsplit(" ", 1)[0] + " …"


def _workshop_dates(snapshot: BoardSnapshot, words: Words) -> str:
    """The day (or days) the notes were written, in Finnish time; the board's creation day
    when it has none. Left out when the event line already names that day."""
    # The earliest and the latest moment fall on the first and the last local day.
    moments = [_aware(note.created_at) for note in snapshot.notes] or [_aware(snapshot.created_at)]
    first, last = local_time(min(moments)).date(), local_time(max(moments)).date()
    text = format_interval(first, last, words.date_skeleton, locale=words.locale)
    return "" if _names_day(snapshot.event, first, last) else text


def _names_day(event: str, first: date, last: date) -> bool:
    """Whether the event line says the day already ("… 3.12.2026, Teams")."""
    return first == last and f"{first.day}.{first.month}.{first.year}" in event


def local_time(moment: datetime) -> datetime:
    return _aware(moment).astimezone(LOCAL_TIME)


def _aware(moment: datetime) -> datetime:
    """A stored time (UTC, with or without its zone) with its zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
