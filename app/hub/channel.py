"""One board's fan-out: puts events in seq order, fills gaps from the log, encodes each
batch once per language and audience, and hands the same string to every subscriber who
may see the same thing."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass

from app.audience import FrameKeys
from app.db import EVERYONE, Audience, BoardEvent
from app.hub.wire import Wire, text_frame

Encoder = Callable[[Sequence[BoardEvent], str, Audience], str]
LoadSince = Callable[[str, int], Awaitable[list[BoardEvent]]]
LoadHead = Callable[[str], Awaitable[int]]

GAP_WAIT_SECONDS = 0.1
# A busy board merges what arrives within a window into one frame, so that sending takes
# at most about this share of a core. The window follows what a delivery costs: writing
# a pre-framed batch to every connection's transport is measured; a client on the
# fallback path (a task per client, see ws.py) is counted at QUEUED_SEND_SECONDS. A
# quiet board sends at once.
SEND_SHARE = 1 / 3
QUEUED_SEND_SECONDS = 33e-6
MAX_BATCH_WINDOW = 0.1
# While changes that commit one by one wait for their turn (a room voting at once),
# frames merge over at least this long: a change still waiting reaches nobody before
# its commit, and every frame sent meanwhile takes the CPU those commits need. At 100
# listeners a frame per note was a third of a 200-note burst's CPU. New notes commit in
# groups (app.unit), a group's notes go out in one frame, and they do not count here: a
# window held open for them only delayed every note by 50 ms.
BUSY_BATCH_WINDOW = 0.05
# A client whose transport holds more than this many unsent bytes is cut loose (close
# 1013; it reconnects with since= when it reads again). The kernel's socket buffer,
# which fills first, is not counted; the server's keepalive ping catches a client that
# reads nothing at all.
MAX_BACKLOG_BYTES = 1 << 20
CLOSE_TOO_SLOW = 1013
CLOSE_ACCESS_ENDED = 4408


class Frame:
    """A batch of consecutive events and its encoded text for one language and audience;
    `wire` is the WebSocket frame, built once and written to every connection."""

    __slots__ = ("_wire", "events", "text")

    def __init__(self, events: tuple[BoardEvent, ...], text: str) -> None:
        self.events = events
        self.text = text
        self._wire: bytes | None = None

    @property
    def first_seq(self) -> int:
        return self.events[0].seq

    @property
    def last_seq(self) -> int:
        return self.events[-1].seq

    @property
    def wire(self) -> bytes:
        if self._wire is None:
            self._wire = text_frame(self.text.encode())
        return self._wire


@dataclass(frozen=True, slots=True)
class Identity:
    """Who holds a stream, so that access can end for exactly them."""

    participant_id: str | None = None
    facilitator_id: str | None = None
    token_id: str | None = None


@dataclass(frozen=True, slots=True)
class AccessEnd:
    """Close the streams that match every field given (None matches anything)."""

    board_id: str | None = None
    participant_id: str | None = None
    facilitator_id: str | None = None
    token_id: str | None = None

    def matches(self, subscriber: Subscriber) -> bool:
        who = subscriber.identity
        return (
            (self.board_id is None or self.board_id == subscriber.board_id)
            and (self.participant_id is None or self.participant_id == who.participant_id)
            and (self.facilitator_id is None or self.facilitator_id == who.facilitator_id)
            and (self.token_id is None or self.token_id == who.token_id)
        )


class Subscriber:
    """One WebSocket client. Until its catch-up is sent, frames wait in a bounded queue;
    then, when the server offers a `Wire`, each frame is written straight to the
    connection as the channel delivers it. Without a wire the client's task keeps reading
    the queue. The channel never waits for a client: one that falls too far behind is
    ended with CLOSE_TOO_SLOW, and reconnects and catches up with since=."""

    def __init__(
        self,
        board_id: str,
        language: str,
        max_frames: int,
        audience: Audience = EVERYONE,
        identity: Identity | None = None,
        wire: Wire | None = None,
    ) -> None:
        self.board_id = board_id
        self.language = language
        self.audience = audience
        self.identity = identity or Identity(participant_id=audience.participant_id)
        self.max_frames = max_frames
        self.wire = wire
        self.start_seq = 0
        self.sent_seq = 0
        self.close_code: int | None = None
        self.ended = asyncio.Event()
        self._live = False
        self._frames: deque[Frame] = deque()
        self._wakeup = asyncio.Event()

    @property
    def overflowed(self) -> bool:
        return self.close_code == CLOSE_TOO_SLOW

    @property
    def direct(self) -> bool:
        """True once frames go straight to the wire."""
        return self._live

    def end(self, code: int, *, after_queued: bool = False) -> None:
        """Stop delivering; the client's task closes the socket with `code`, after the
        frames already queued when `after_queued` (the event that ended the access)."""
        if self.close_code is not None:
            return
        self.close_code = code
        self._wakeup.set()
        if after_queued and not self._live:
            return  # next_frame / go_live hand out what is queued, then the end shows
        self._frames.clear()
        self.ended.set()

    def offer(self, frame: Frame) -> None:
        if self.close_code is not None:
            return
        if self._live:
            self._write(frame)
        elif len(self._frames) >= self.max_frames:
            self.end(CLOSE_TOO_SLOW)
        else:
            self._frames.append(frame)
            self._wakeup.set()

    def go_live(self, reencode: Callable[[list[BoardEvent]], str]) -> None:
        """The catch-up is sent: write what queued meanwhile, then every frame as it
        comes. Synchronous, so no frame can slip between the queue and the wire."""
        assert self.wire is not None
        while self._frames:
            frame = self._frames.popleft()
            if frame.first_seq <= self.sent_seq < frame.last_seq:
                fresh = [e for e in frame.events if e.seq > self.sent_seq]
                frame = Frame(tuple(fresh), reencode(fresh))
            self._write(frame)
        self._live = True
        if self.close_code is not None:
            self.ended.set()

    def _write(self, frame: Frame) -> None:
        wire = self.wire
        assert wire is not None
        if frame.last_seq <= self.sent_seq:
            return
        if wire.backlog() > MAX_BACKLOG_BYTES:
            self.end(CLOSE_TOO_SLOW)
            return
        wire.write(frame.wire)
        self.sent_seq = frame.last_seq

    async def next_frame(self) -> Frame | None:
        """The next queued frame, or None once the subscriber has ended."""
        while not self._frames and self.close_code is None:
            self._wakeup.clear()
            await self._wakeup.wait()
        return self._frames.popleft() if self._frames else None


class BoardChannel:
    """Delivers every event of one board exactly once and in seq order, whatever order
    commits (threads, workers, Redis) announce them in."""

    def __init__(
        self,
        board_id: str,
        encode: Encoder,
        load_since: LoadSince,
        load_head: LoadHead,
        writes_waiting: Callable[[], int] = lambda: 0,
    ) -> None:
        self.board_id = board_id
        self._writes_waiting = writes_waiting
        self.subscribers: set[Subscriber] = set()
        self.last_seq = 0
        self._encode = encode
        self._load_since = load_since
        self._load_head = load_head
        self._pending: dict[int, BoardEvent] = {}
        self._ready = asyncio.Event()
        self._flush_scheduled = False
        self._last_flush = float("-inf")
        self._gap_task: asyncio.Task[None] | None = None
        self._write_seconds = 0.0

    async def start(self) -> None:
        """Take the log's head as the starting point; events heard meanwhile are kept."""
        self.last_seq = await self._load_head(self.board_id)
        self._ready.set()
        self._schedule_flush()

    async def wait_ready(self) -> None:
        await self._ready.wait()

    def receive(self, events: Sequence[BoardEvent]) -> None:
        """Called on the event loop for every event announced for this board."""
        for event in events:
            if event.seq > self.last_seq:
                self._pending[event.seq] = event
        if self._ready.is_set():
            self._schedule_flush()

    def batch_window(self) -> float:
        """Seconds between two frames to this board's clients: long enough that sending
        takes at most SEND_SHARE of a core, so frames only merge when a board is busy,
        and at least BUSY_BATCH_WINDOW while changes wait to be written one by one."""
        queued = sum(1 for s in self.subscribers if not s.direct)
        cost = self._write_seconds + queued * QUEUED_SEND_SECONDS
        window = min(cost / SEND_SHARE, MAX_BATCH_WINDOW)
        return max(window, BUSY_BATCH_WINDOW) if self._writes_waiting() else window

    def _schedule_flush(self) -> None:
        # Deferring to the next loop turn batches every commit announced meanwhile; a
        # flush that would come within the batch window of the last one waits for it.
        if not self._flush_scheduled and self._pending:
            self._flush_scheduled = True
            loop = asyncio.get_running_loop()
            wait = self._last_flush + self.batch_window() - loop.time()
            if wait > 0:
                loop.call_later(wait, self._flush)
            else:
                loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        batch: list[BoardEvent] = []
        while (event := self._pending.pop(self.last_seq + 1, None)) is not None:
            batch.append(event)
            self.last_seq = event.seq
        for stale in [s for s in self._pending if s <= self.last_seq]:
            del self._pending[stale]
        if batch:
            self._last_flush = asyncio.get_running_loop().time()
            self._deliver(tuple(batch))
        if self._pending and self._gap_task is None:
            self._gap_task = asyncio.create_task(self._fill_gap(GAP_WAIT_SECONDS))

    def _deliver(self, batch: tuple[BoardEvent, ...]) -> None:
        """One encoding per language and frame key (see frame_key), written to every
        live connection at once; then the streams whose access the batch ended close."""
        started = time.perf_counter()
        frames: dict[tuple[str, Hashable], Frame] = {}
        keys = FrameKeys(batch)
        for subscriber in list(self.subscribers):
            key = (subscriber.language, keys.of(subscriber.audience))
            frame = frames.get(key)
            if frame is None:
                text = self._encode(batch, subscriber.language, subscriber.audience)
                frame = frames[key] = Frame(batch, text)
            subscriber.offer(frame)
        elapsed = time.perf_counter() - started
        # A moving average, so one slow write (a page fault, a GC) does not set the window.
        self._write_seconds += (elapsed - self._write_seconds) / 4
        for end in access_ends(batch):
            self.end_access(end)

    def end_access(self, end: AccessEnd) -> None:
        for subscriber in list(self.subscribers):
            if end.matches(subscriber):
                subscriber.end(CLOSE_ACCESS_ENDED, after_queued=True)

    def resync(self) -> None:
        """Read the log now: announcements may have been lost (a broker reconnect)."""
        if self._ready.is_set() and self._gap_task is None:
            self._gap_task = asyncio.create_task(self._fill_gap(0, always=True))

    async def _fill_gap(self, delay: float, always: bool = False) -> None:
        """An event is missing (a slow commit hook, a lost Redis message): wait briefly
        for it, then read it from the log, which holds every committed event."""
        try:
            await asyncio.sleep(delay)
            if self._pending or always:
                self.receive(await self._load_since(self.board_id, self.last_seq))
        finally:
            self._gap_task = None
            if self._pending:
                self._schedule_flush()

    async def close(self) -> None:
        if self._gap_task is not None:
            self._gap_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._gap_task


def access_ends(events: Sequence[BoardEvent]) -> list[AccessEnd]:
    """The streams a batch ends: a removed participant's, and everyone's on a board that
    was deleted. They receive the event first, then close with CLOSE_ACCESS_ENDED."""
    ends = []
    for event in events:
        if event.type == "board.deleted":
            ends.append(AccessEnd(board_id=event.board_id))
        elif event.type == "participant.removed" and event.data.get("participant_id"):
            ends.append(AccessEnd(event.board_id, participant_id=event.data["participant_id"]))
    return ends
