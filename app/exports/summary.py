"""The summary a forum organiser used to copy by hand from Padlet: built once from the
board's snapshot, then written out by each format. Its shape (sections → parts → notes →
comments, and a closing list of next steps) already has room for grid rows (a part per
row, with its heading), groups (a part's groups) and the next-step fields; the board
model does not have them yet, so today every section has one part without a heading."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from app.exports.base import MAX_SUBTITLE_CHARS, ExportOptions
from app.exports.words import Words, words_for
from app.models import NoteKind
from app.schemas import BoardSnapshot, NotePublic

LOCAL_TIME = ZoneInfo("Europe/Helsinki")


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


@dataclass(frozen=True, slots=True)
class SummaryPart:
    """The notes under one sub-heading (a grid row); no heading while boards have no rows."""

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

    def votes(self, note: SummaryNote) -> str:
        """ "(5 ääntä)" when the board used voting, else nothing."""
        return self.words.votes(note.votes) if self.show_votes else ""

    def all_notes(self) -> list[SummaryNote]:
        notes = [note for section in self.sections for note in section.notes()]
        return notes + list(self.next_steps)


def build_summary(snapshot: BoardSnapshot, options: ExportOptions) -> Summary:
    """The summary of a board as the options ask for it (names, order, subtitle)."""
    words = words_for(snapshot.language.value)
    titles = {column.id: column.title for column in snapshot.columns}
    by_column: dict[str, list[SummaryNote]] = {column.id: [] for column in snapshot.columns}
    next_steps: list[SummaryNote] = []
    for note in snapshot.notes:
        item = _note(note, titles.get(note.column_id, ""), options.include_names)
        if note.kind is NoteKind.next_step:
            next_steps.append(item)
        else:
            by_column.setdefault(note.column_id, []).append(item)
    sections = tuple(
        SummarySection(
            number=number,
            title=column.title,
            description=column.description,
            parts=(SummaryPart(heading="", notes=_ordered(by_column[column.id], options)),),
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


def _note(note: NotePublic, column: str, include_names: bool) -> SummaryNote:
    return SummaryNote(
        text=note.text,
        author=note.author_name if include_names else "",
        votes=note.votes,
        kind=note.kind.value,
        column=column,
        created_at=note.created_at,
        comments=tuple(
            SummaryComment(c.text, c.author_name if include_names else "") for c in note.comments
        ),
        work_group=note.work_group_name,
    )


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
