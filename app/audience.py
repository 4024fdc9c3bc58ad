"""Who sees what, decided once. Events record facts (which notes a change is about, each
one's visibility and author, whether a voting round hides counts); this module turns a
fact into what one viewer receives, and every door calls it: the snapshot and REST reads
(`sees_note`, `sees_counts`), live frames (`project`, `frame_key`), the catch-up
(`catch_up`), next steps, pages and exports (`shown_in_summary`).

The rules: a note is seen by everyone when public; otherwise (written in private,
waiting for approval, hidden) only by its author and the facilitators. Anything about a
note a viewer may not see (an edit, a comment, a reaction, a vote, its place in a theme)
reaches them as `note.withheld` {id, column_id}, so their seq stays gap-free and the text
never arrives. While a voting round hides its results, participants (authors included)
receive no counts (`votes: null`); facilitators always do. Nothing that leaves the
server names a participant: the author and the voter are server-only facts."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.db import EVERYONE, FACILITATORS, Audience, BoardEvent

if TYPE_CHECKING:
    from sqlmodel import Session

    from app.models import Board, Note

__all__ = [
    "EVERYONE",
    "FACILITATORS",
    "PROJECTIONS",
    "Audience",
    "FrameKeys",
    "catch_up",
    "counts_hidden",
    "facts",
    "frame_key",
    "project",
    "sees_counts",
    "sees_note",
    "shown_in_summary",
]

PUBLIC = "public"
# The key under which an event's server-only facts travel inside its data; `project`
# always removes it.
FACTS = "_facts"
# A next step's fields and a note's text: what a catch-up restates from the note's
# current state, so text edited away is never replayed.
CONTENT_FIELDS = ("text", "owner", "partners", "how", "when", "kind", "color")
# A summary (export, print view) is what the room saw: never a note a facilitator hid
# or never approved. Unrevealed private notes are kept: the facilitator chose to end
# the workshop with them, and the summary is theirs.
LEFT_OUT_OF_SUMMARY = {"hidden", "pending"}


# ---- the rules -------------------------------------------------------------------


def sees_note(audience: Audience, visibility: str, author_id: str | None) -> bool:
    """Public notes are everyone's; the rest their author's and the facilitators'."""
    return (
        visibility == PUBLIC
        or audience.facilitator
        or (author_id is not None and author_id == audience.participant_id)
    )


def counts_hidden(board: Board) -> bool:
    """While a round that hides its results is open, only facilitators see the counts."""
    return board.voting_state == "open" and board.hide_results


def sees_counts(audience: Audience, hidden: bool) -> bool:
    return audience.facilitator or not hidden


def shown_in_summary(visibility: str) -> bool:
    """Whether an export or the print view shows a note (see LEFT_OUT_OF_SUMMARY)."""
    return str(getattr(visibility, "value", visibility)) not in LEFT_OUT_OF_SUMMARY


def audience_of(is_facilitator: bool, participant_id: str | None) -> Audience:
    return Audience(facilitator=is_facilitator, participant_id=participant_id)


# ---- facts -----------------------------------------------------------------------


def note_fact(note: Note) -> dict[str, Any]:
    return {"visibility": note.visibility, "author": note.author_id, "column_id": note.column_id}


def restricted(notes: Iterable[Note]) -> list[Note]:
    """The notes not everyone may see: an event about many notes records only these,
    with only_restricted=True (every note it does not list is public)."""
    return [note for note in notes if note.visibility != PUBLIC]


def restricted_on_board(session: Session, board_id: str) -> list[Note]:
    """The board's notes not everyone may see, read as rows (a board-wide event lists
    only these; see `restricted`)."""
    from sqlmodel import select

    from app.models import Note

    query = select(Note).where(Note.board_id == board_id, Note.visibility != PUBLIC)
    return list(session.exec(query).all())


def facts(board: Board, about: Iterable[Note] = (), **extra: Any) -> dict[str, Any]:
    """What an event records beside its data: the notes it is about and the round."""
    return {
        "counts_hidden": counts_hidden(board),
        "notes": {note.id: note_fact(note) for note in about},
        **extra,
    }


@dataclass(frozen=True, slots=True)
class _Fact:
    """An event split into what may be sent (data) and what only decides (facts)."""

    data: dict[str, Any]
    facts: dict[str, Any]

    @classmethod
    def of(cls, event: BoardEvent) -> _Fact:
        data = dict(event.data)
        return cls(data, data.pop(FACTS, None) or {})

    @property
    def hidden(self) -> bool:
        return bool(self.facts.get("counts_hidden"))

    def note(self, note_id: str | None) -> dict[str, Any] | None:
        return self.facts.get("notes", {}).get(note_id)

    def sees(self, audience: Audience, note_id: str | None) -> bool:
        """A note that has gone is seen by nobody; one the facts do not list is public
        when the event lists only restricted notes, else (an event recorded before
        facts were) seen by facilitators only."""
        known = self.note(note_id)
        if known is None:
            if note_id is None or self.gone(note_id):
                return False
            return audience.facilitator or bool(self.facts.get("only_restricted"))
        return sees_note(audience, known["visibility"], known["author"])

    def gone(self, note_id: str) -> bool:
        return note_id in self.facts.get("gone", ())

    def withheld(self, note_id: str, column_id: str | None = None) -> tuple[str, dict]:
        known = self.note(note_id) or {}
        return "note.withheld", {"id": note_id, "column_id": known.get("column_id", column_id)}


Result = tuple[str, dict[str, Any]] | None
Projection = Callable[[str, _Fact, Audience], Result]


# ---- a projection per event type -------------------------------------------------


def _everyone(type_: str, fact: _Fact, _audience: Audience) -> Result:
    return type_, fact.data


def _note(type_: str, fact: _Fact, audience: Audience) -> Result:
    note_id = fact.data.get("id")
    if not fact.sees(audience, note_id):
        return fact.withheld(note_id, fact.data.get("column_id"))
    return type_, _counted(fact.data, fact, audience)


def _about_note(type_: str, fact: _Fact, audience: Audience) -> Result:
    """Comments and reactions: seen with the note, withheld with it."""
    note_id = fact.data.get("note_id")
    if not fact.sees(audience, note_id):
        return fact.withheld(note_id)
    return type_, fact.data


def _vote(type_: str, fact: _Fact, audience: Audience) -> Result:
    """The count unless a round hides it; the voter also their own votes and votes left."""
    note_id = fact.data.get("note_id")
    if not fact.sees(audience, note_id):
        return fact.withheld(note_id)
    data = _counted(fact.data, fact, audience)
    voter = fact.facts.get("voter")
    if not audience.facilitator and voter is not None and voter == audience.participant_id:
        data = {**data, "mine": fact.facts["mine"], "votes_left": fact.facts["left"]}
    return type_, data


def _voting(type_: str, fact: _Fact, audience: Audience) -> Result:
    """A round's state with every count the viewer may see (none while hidden)."""
    if not sees_counts(audience, fact.hidden):
        return type_, {**fact.data, "votes": None}
    votes = fact.data.get("votes") or {}
    return type_, {**fact.data, "votes": {i: n for i, n in votes.items() if fact.sees(audience, i)}}


def _listed(type_: str, fact: _Fact, audience: Audience) -> Result:
    """An event that lists note ids (a sort, a theme taken apart): only the seen ones."""
    ids = [i for i in fact.data.get("note_ids", []) if fact.sees(audience, i)]
    return type_, {**fact.data, "note_ids": ids}


def _seen_notes(fact: _Fact, audience: Audience) -> list[dict[str, Any]]:
    """The notes an event carries that this viewer may see, with counts only if counted."""
    return [
        _counted(note, fact, audience)
        for note in fact.data.get("notes", [])
        if fact.sees(audience, note["id"])
    ]


def _theme(type_: str, fact: _Fact, audience: Audience) -> Result:
    """A theme's card with the notes this viewer may see, and their sum if counted."""
    notes = _seen_notes(fact, audience)
    shown = sees_counts(audience, fact.hidden)
    votes = sum(note["votes"] or 0 for note in notes) if shown else None
    ids = [note["id"] for note in notes]
    return type_, {**fact.data, "notes": notes, "note_ids": ids, "votes": votes}


def _revealed(type_: str, fact: _Fact, audience: Audience) -> Result:
    return type_, {**fact.data, "notes": _seen_notes(fact, audience)}


def _board(type_: str, fact: _Fact, audience: Audience) -> Result:
    """The board's own fields; its themes' sums and members as the viewer may see them."""
    themes = fact.data.get("themes")
    if themes is None:
        return type_, fact.data
    shown = sees_counts(audience, fact.hidden)
    seen = [
        {
            **theme,
            "note_ids": [i for i in theme.get("note_ids", []) if fact.sees(audience, i)],
            "votes": theme.get("votes") if shown else None,
        }
        for theme in themes
    ]
    return type_, {**fact.data, "themes": seen}


def _removed(type_: str, fact: _Fact, audience: Audience) -> Result:
    """A participant's removal names them: facilitators and they alone hear of it."""
    named = fact.data.get("participant_id")
    if audience.facilitator or (named is not None and named == audience.participant_id):
        return type_, fact.data
    return None


def _counted(note: dict[str, Any], fact: _Fact, audience: Audience) -> dict[str, Any]:
    if "votes" in note and not sees_counts(audience, fact.hidden):
        return {**note, "votes": None}
    return note


PROJECTIONS: dict[str, Projection] = {
    "note.created": _note,
    "note.updated": _note,
    "note.deleted": _everyone,
    "notes.revealed": _revealed,
    "comment.created": _about_note,
    "comment.deleted": _about_note,
    "reaction.changed": _about_note,
    "vote.changed": _vote,
    "voting.changed": _voting,
    "column.sorted": _listed,
    "theme.created": _theme,
    "theme.updated": _theme,
    "theme.deleted": _listed,
    "board.updated": _board,
    "board.deleted": _everyone,
    "participant.removed": _removed,
    "board.follow": _everyone,
    "column.created": _everyone,
    "column.updated": _everyone,
    "row.created": _everyone,
    "row.updated": _everyone,
    "row.deleted": _everyone,
    "timer.changed": _everyone,
    "participants.progress": _everyone,
    "discussion_groups.changed": _everyone,
}
# Kinds a projection may turn an event into; a page must know how to draw them too.
DERIVED_TYPES = ("note.withheld",)


def project(event: BoardEvent, audience: Audience) -> Result:
    """The (type, data) this viewer receives for the event. An event type without a
    declared projection reaches nobody but facilitators (and a test fails)."""
    projection = PROJECTIONS.get(event.type)
    fact = _Fact.of(event)
    if projection is None:
        return (event.type, fact.data) if audience.facilitator else None
    return projection(event.type, fact, audience)


def frame_key(events: Sequence[BoardEvent], audience: Audience) -> Hashable:
    """Viewers with equal keys receive the same bytes for this batch. A batch about
    public notes only, outside a hidden round, is the same for everyone (one key); else
    facilitators share one key and participants another, except a participant whom the
    batch concerns personally (the author of a withheld note in it, a voter, the one
    removed) gets a key of their own."""
    return FrameKeys(events).of(audience)


class FrameKeys:
    """frame_key for every viewer of one batch, the batch read once: a room's flush asks
    for a hundred viewers' keys, and reading every event again for each of them cost
    more than encoding the frame."""

    __slots__ = ("_concerned", "_same_for_all")

    def __init__(self, events: Sequence[BoardEvent]) -> None:
        self._same_for_all = all(_same_for_all(event) for event in events)
        self._concerned = {pid for event in events for pid in _concerned(event)}

    def of(self, audience: Audience) -> Hashable:
        pid = audience.participant_id
        if not audience.facilitator and pid is not None and pid in self._concerned:
            return ("personal", pid)
        if self._same_for_all:
            return ("everyone",)
        return ("facilitators",) if audience.facilitator else ("participants",)


def _same_for_all(event: BoardEvent) -> bool:
    """Whether every viewer not personally concerned receives this event alike."""
    projection = PROJECTIONS.get(event.type)
    if projection is _everyone:
        return True
    known = event.data.get(FACTS)
    if projection is None or projection is _removed or known is None:
        return False
    if known.get("counts_hidden") or known.get("gone"):
        return False
    return all(note["visibility"] == PUBLIC for note in known.get("notes", {}).values())


def _concerned(event: BoardEvent) -> set[str]:
    """The participants this event concerns personally: the one it names, the voter,
    the authors of the withheld notes it carries."""
    known = event.data.get(FACTS) or {}
    withheld = [n["author"] for n in known.get("notes", {}).values() if n["visibility"] != PUBLIC]
    named = (event.data.get("participant_id"), known.get("voter"), *withheld)
    return {who for who in named if who is not None}


# ---- the catch-up ---------------------------------------------------------------


# The events that carry a theme's whole card, its title included.
THEME_CARD_EVENTS = ("theme.created", "theme.updated")


def catch_up(session: Session, board_id: str, since: int, head: int) -> list[BoardEvent]:
    """The events after `since` up to `head`, restated against the notes' current state
    and the themes' current titles.

    Why restate rather than erase on every edit: one rule covers text deleted, edited
    away, hidden or withheld since the event was recorded, at one extra read per
    catch-up, while an edit (the busiest write) stays a single insert. A deleted note's
    text is erased from the log itself (services.events.forget_note); here its events
    reach nobody but as `note.withheld`, and the `note.deleted` that ends them. A theme
    renamed since is replayed with its title of now, one split since with none."""
    from app.services import events

    found = events.since(session, board_id, since, head - since)
    current = _current_notes(session, {i for e in found for i in _note_ids(e)})
    themes = {e.data.get("id") for e in found if e.type in THEME_CARD_EVENTS}
    titles = _current_titles(session, themes)
    return [_restated(event, current, titles) for event in found]


def _current_titles(session: Session, theme_ids: set[str]) -> dict[str, str]:
    """Each theme's title as it is now (a theme that is gone has none)."""
    from sqlmodel import col, select

    from app.models import Theme

    if not theme_ids:
        return {}
    rows = session.exec(select(Theme.id, Theme.title).where(col(Theme.id).in_(theme_ids))).all()
    return dict(rows)


def _current_notes(session: Session, note_ids: set[str]) -> dict[str, Any]:
    from sqlmodel import col, select

    from app.models import Note

    if not note_ids:
        return {}
    fields = (Note.id, Note.visibility, Note.author_id, Note.column_id)
    content = tuple(getattr(Note, name) for name in CONTENT_FIELDS)
    rows = session.exec(select(*fields, *content).where(col(Note.id).in_(note_ids))).all()
    return {row[0]: row for row in rows}


def _note_ids(event: BoardEvent) -> set[str]:
    data = event.data
    ids = set((data.get(FACTS) or {}).get("notes", {}))
    if event.type.startswith("note."):
        ids.add(data.get("id"))
    ids.update(filter(None, [data.get("note_id")]))
    ids.update(note["id"] for note in data.get("notes", []) if isinstance(note, dict))
    ids.update(data.get("note_ids", []))
    if isinstance(data.get("votes"), dict):
        ids.update(data["votes"])
    ids.discard(None)
    return ids


def _restated(event: BoardEvent, current: dict[str, Any], titles: dict[str, str]) -> BoardEvent:
    """The event with each note's facts (and content), and its theme's title, as they
    are now."""
    data = dict(event.data)
    known = dict(data.get(FACTS) or {})
    notes: dict[str, Any] = {}
    gone: list[str] = []
    for note_id in _note_ids(event):
        row = current.get(note_id)
        if row is None:
            gone.append(note_id)
            continue
        notes[note_id] = {"visibility": row[1], "author": row[2], "column_id": row[3]}
    known.update(notes=notes, gone=gone)
    data[FACTS] = known
    if event.type in ("note.created", "note.updated") and data.get("id") in current:
        data.update(_content(current[data["id"]]))
    if event.type in THEME_CARD_EVENTS:
        data["title"] = titles.get(data.get("id"), "")
    if isinstance(data.get("notes"), list):
        data["notes"] = [
            {**note, **_content(current[note["id"]])} if note.get("id") in current else note
            for note in data["notes"]
        ]
    return BoardEvent(event.board_id, event.seq, event.type, data)


def _content(row: Any) -> dict[str, Any]:
    return dict(zip(CONTENT_FIELDS, row[4:], strict=True))
