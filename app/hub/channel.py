"""One board's fan-out: puts events in seq order, fills gaps from the log, encodes each
batch once per language and audience, and hands the same string to every subscriber who
may see the same thing."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from app.audience import frame_key
from app.db import EVERYONE, Audience, BoardEvent

Encoder = Callable[[Sequence[BoardEvent], str, Audience], str]
LoadSince = Callable[[str, int], Awaitable[list[BoardEvent]]]
LoadHead = Callable[[str], Awaitable[int]]

GAP_WAIT_SECONDS = 0.1
# Sending costs per frame, not per byte. A board may send at most this many frames a
# second summed over its clients (about a third of a core); a busy board with many
# clients batches what arrives within the resulting window (subscribers / budget
# seconds, at most MAX_BATCH_WINDOW) into one frame. A quiet board sends at once.
FRAME_DELIVERIES_PER_SECOND = 10_000
MAX_BATCH_WINDOW = 0.1


@dataclass(frozen=True, slots=True)
class Frame:
    """A batch of consecutive events and its encoded text for one language."""

    events: tuple[BoardEvent, ...]
    text: str

    @property
    def first_seq(self) -> int:
        return self.events[0].seq

    @property
    def last_seq(self) -> int:
        return self.events[-1].seq


class Subscriber:
    """One WebSocket client's bounded queue. The channel never waits for a client: when
    the queue is full the client is marked overflowed and its socket is closed so it
    reconnects and catches up with since=, while the board goes on for everyone else."""

    def __init__(
        self, board_id: str, language: str, max_frames: int, audience: Audience = EVERYONE
    ) -> None:
        self.board_id = board_id
        self.language = language
        self.audience = audience
        self.max_frames = max_frames
        self.overflowed = False
        self.dropped = asyncio.Event()
        self.start_seq = 0
        self._frames: deque[Frame] = deque()
        self._wakeup = asyncio.Event()

    def offer(self, frame: Frame) -> None:
        if self.overflowed:
            return
        if len(self._frames) >= self.max_frames:
            self.overflowed = True
            self.dropped.set()
            self._frames.clear()
        else:
            self._frames.append(frame)
        self._wakeup.set()

    async def next_frame(self) -> Frame | None:
        """The next frame, or None once the subscriber has overflowed."""
        while not self._frames and not self.overflowed:
            self._wakeup.clear()
            await self._wakeup.wait()
        return None if self.overflowed else self._frames.popleft()


class BoardChannel:
    """Delivers every event of one board exactly once and in seq order, whatever order
    commits (threads, workers, Redis) announce them in."""

    def __init__(
        self, board_id: str, encode: Encoder, load_since: LoadSince, load_head: LoadHead
    ) -> None:
        self.board_id = board_id
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
        """Seconds between two frames to this board's clients: 1,000 clients may get 10
        frames a second, 300 about 33, so frames only merge when a board is busy."""
        return min(len(self.subscribers) / FRAME_DELIVERIES_PER_SECOND, MAX_BATCH_WINDOW)

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
        """One encoding per language and per audience.frame_key: viewers who may see the
        same thing share the same bytes."""
        texts: dict[tuple[str, object], Frame] = {}
        for subscriber in list(self.subscribers):
            key = (subscriber.language, frame_key(batch, subscriber.audience))
            frame = texts.get(key)
            if frame is None:
                text = self._encode(batch, subscriber.language, subscriber.audience)
                frame = texts[key] = Frame(batch, text)
            subscriber.offer(frame)

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
