"""Snapshots for a room that joins at once: the board part is built, encoded and framed
once per (board, seq, audience), together with every member's viewer part, so a joiner
costs one read of the board's seq and a dictionary lookup.

A member missing from the index joined after it was built, and since nothing on a board
changes without a new seq, they have written, voted and reacted nothing yet: their
viewer part is known without reading anything."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import bindparam
from sqlmodel import Session, select

from app import audience as who_sees
from app.db import EVERYONE, Audience
from app.errors import NotFound
from app.models import Board, Note, Participant, Reaction, Vote, VotingState, utcnow
from app.schemas import BoardSnapshot, Viewer
from app.services import boards, public
from app.services.members import Actor


@dataclass(slots=True)
class Mine:
    """What one member has on the board at this seq."""

    notes: list[tuple[str, str]] = field(default_factory=list)  # (note id, visibility)
    votes: dict[str, int] = field(default_factory=dict)
    reactions: dict[str, list[str]] = field(default_factory=dict)
    discussion_group_id: str | None = None
    done: bool = False


@dataclass(frozen=True, slots=True)
class SharedSnapshot:
    """One board at one seq as one audience sees it, ready to send."""

    seq: int
    board: BoardSnapshot  # the same board as a model, without a viewer (for pages)
    head: bytes  # '{"type":"snapshot","seq":N,"data":{...board...' without its end
    in_round: bool
    vote_budget: int
    members: dict[str, Mine]

    def viewer(self, actor: Actor) -> Viewer:
        mine = self.members.get(actor.participant_id) or Mine()
        spent = sum(mine.votes.values())
        return Viewer(
            participant_id=actor.participant_id,
            role=actor.role,
            name=actor.name,
            own_note_ids=[note_id for note_id, _ in mine.notes],
            voted_note_ids=list(mine.votes),
            withheld_note_ids=[
                n for n, seen in mine.notes if not who_sees.sees_note(EVERYONE, seen, None)
            ],
            votes=mine.votes,
            votes_left=self.vote_budget - spent if self.in_round else None,
            discussion_group_id=mine.discussion_group_id,
            done=mine.done,
            reactions=mine.reactions,
        )

    def payload(self, viewer: Viewer) -> list[bytes]:
        """The frame's text in parts (the shared head is never copied per joiner)."""
        return [self.head, b',"viewer":', viewer.model_dump_json().encode(), b"}}"]


def needs_own_read(audience: Audience, viewer: Viewer) -> bool:
    """A participant whose own notes are still withheld from the others (private writing,
    approval) sees them, and their audience's shared snapshot leaves them out: they need
    a read of their own, on the stream and on the page alike."""
    return not audience.facilitator and bool(viewer.withheld_note_ids)


class SnapshotCache:
    """The last few boards' shared snapshots, keyed by (board, seq, audience): a new seq
    is a new key, so an entry is never stale. Built under a lock per key, so a thousand
    joiners arriving together wait for one build instead of each doing it."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, int, bool], SharedSnapshot] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple[str, int, bool], threading.Lock] = {}

    def get(self, session: Session, board_id: str, audience: Audience) -> SharedSnapshot:
        """The shared snapshot at the board's current seq. A joiner costs one read of that
        seq (a Core statement on one column); the board itself is loaded only to build."""
        seq = session.execute(BOARD_SEQ, {"board_id": board_id}).scalar_one_or_none()
        if seq is None:
            raise NotFound("There is no board at this address.")
        key = (board_id, seq, audience.facilitator)
        with self._lock:
            found = self._entries.get(key)
            build_lock = self._building.setdefault(key, threading.Lock())
        if found is not None:
            return found
        with build_lock:
            with self._lock:
                found = self._entries.get(key)
            if found is None:
                board = boards.get_board(session, board_id)
                found = build(session, board, Audience(audience.facilitator))
                with self._lock:  # under the seq it was built at, which may be newer
                    self._entries[(board_id, found.seq, audience.facilitator)] = found
                    while len(self._entries) > self.size:
                        self._entries.popitem(last=False)
        with self._lock:
            self._building.pop(key, None)
        return found

    def board_for(self, session: Session, actor: Actor) -> BoardSnapshot:
        """The board page's snapshot for `actor`: the shared one with their own viewer
        part, unless their own notes are still withheld from others (then a read of
        their own, as boards.board_snapshot gives). A room opening the link together
        reads the board once per seq instead of once per person."""
        audience = Audience(actor.is_facilitator, actor.participant_id)
        shared = self.get(session, actor.board_id, audience)
        viewer = shared.viewer(actor)
        if needs_own_read(audience, viewer):
            return boards.board_snapshot(session, actor)
        # A shallow copy: the notes are shared, and nothing that draws a page changes them.
        return shared.board.model_copy(update={"viewer": viewer, "server_time": utcnow()})


_BOARDS = Board.__table__.c  # type: ignore[attr-defined]
BOARD_SEQ = select(_BOARDS.seq).where(_BOARDS.id == bindparam("board_id"))


def build(session: Session, board: Board, audience: Audience) -> SharedSnapshot:
    """The board for everyone of `audience`, and every member's own part, at board.seq."""
    shared = public.snapshot(session, board, audience=audience)
    data = json.dumps(shared.model_dump(mode="json", exclude={"viewer"}), ensure_ascii=False)
    head = f'{{"type":"snapshot","seq":{board.seq},"data":{data[:-1]}'.encode()
    return SharedSnapshot(
        seq=board.seq,
        board=shared,
        head=head,
        in_round=board.voting_state == VotingState.open.value,
        vote_budget=board.vote_budget,
        members=members_of(session, board.id),
    )


def members_of(session: Session, board_id: str) -> dict[str, Mine]:
    """Every member's notes, votes, reactions, discussion group and done, in four reads."""
    members: dict[str, Mine] = defaultdict(Mine)
    for member_id, group_id, done in session.exec(
        select(Participant.id, Participant.discussion_group_id, Participant.done).where(
            Participant.board_id == board_id
        )
    ):
        members[member_id].discussion_group_id = group_id
        members[member_id].done = done
    for note_id, author_id, seen in session.exec(
        select(Note.id, Note.author_id, Note.visibility).where(Note.board_id == board_id)
    ):
        if author_id is not None:
            members[author_id].notes.append((note_id, seen))
    for member_id, note_id, count in session.exec(
        select(Vote.participant_id, Vote.note_id, Vote.count).where(Vote.board_id == board_id)
    ):
        members[member_id].votes[note_id] = count
    for member_id, note_id, name in session.exec(
        select(Reaction.participant_id, Reaction.note_id, Reaction.name).where(
            Reaction.board_id == board_id
        )
    ):
        members[member_id].reactions.setdefault(note_id, []).append(name)
    return dict(members)
