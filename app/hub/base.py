"""The hub interface and the channel bookkeeping both backends share."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Sequence

from app.db import EVERYONE, Audience, BoardEvent
from app.hub.channel import (
    AccessEnd,
    BoardChannel,
    Encoder,
    Identity,
    LoadHead,
    LoadSince,
    Subscriber,
)
from app.hub.wire import Wire


class Hub:
    """Fans committed events out to this process's subscribers.

    `publish` may be called from any thread (the commit hook runs in the worker thread of
    a sync route); everything else runs on the event loop. A backend decides how an
    event travels from `publish` to `deliver_local` on every process that serves the
    board: directly (MemoryHub) or through a broker (a Redis hub)."""

    def __init__(
        self,
        encode: Encoder,
        load_since: LoadSince,
        load_head: LoadHead,
        max_frames: int = 256,
    ) -> None:
        self._encode = encode
        self._load_since = load_since
        self._load_head = load_head
        self._max_frames = max_frames
        self._channels: dict[str, BoardChannel] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        # How many changes wait for their turn to be written in this process (the app
        # sets it to its write queue's count): busy boards then merge frames for longer.
        self.writes_waiting: Callable[[], int] = lambda: 0

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()

    async def close(self) -> None:
        for channel in list(self._channels.values()):
            await channel.close()
        self._channels.clear()

    async def load_head(self, board_id: str) -> int:
        """The board's seq as the database has it (the hub's own may lag a commit)."""
        return await self._load_head(board_id)

    async def check(self) -> None:
        """Raise when the hub cannot deliver (the readiness probe calls this)."""

    def publish(self, events: Sequence[BoardEvent]) -> None:
        raise NotImplementedError

    async def subscribe(
        self,
        board_id: str,
        language: str,
        audience: Audience = EVERYONE,
        identity: Identity | None = None,
        wire: Wire | None = None,
    ) -> Subscriber:
        """Register a client; it receives every event after `subscriber.start_seq`, each
        as `audience` may see it (straight to `wire` once it goes live)."""
        channel = self._channels.get(board_id)
        if channel is None:
            channel = BoardChannel(
                board_id,
                self._encode,
                self._load_since,
                self._load_head,
                lambda: self.writes_waiting(),
            )
            self._channels[board_id] = channel
            await self._watch(board_id)
            await channel.start()
        await channel.wait_ready()
        subscriber = Subscriber(board_id, language, self._max_frames, audience, identity, wire)
        subscriber.start_seq = subscriber.sent_seq = channel.last_seq
        channel.subscribers.add(subscriber)
        return subscriber

    async def unsubscribe(self, subscriber: Subscriber) -> None:
        channel = self._channels.get(subscriber.board_id)
        if channel is None:
            return
        channel.subscribers.discard(subscriber)
        if not channel.subscribers:
            del self._channels[subscriber.board_id]
            await channel.close()
            await self._unwatch(subscriber.board_id)

    def deliver_local(self, events: Sequence[BoardEvent]) -> None:
        """Hand events to the channels of this process (on the event loop)."""
        by_board: dict[str, list[BoardEvent]] = defaultdict(list)
        for event in events:
            by_board[event.board_id].append(event)
        for board_id, board_events in by_board.items():
            channel = self._channels.get(board_id)
            if channel is not None:
                channel.receive(board_events)

    def end_access(
        self,
        *,
        board_id: str | None = None,
        participant_id: str | None = None,
        facilitator_id: str | None = None,
        token_id: str | None = None,
    ) -> None:
        """Close every open stream of whoever lost access, in every process (call it
        after the commit that ended the access; any thread)."""
        end = AccessEnd(board_id, participant_id, facilitator_id, token_id)
        if end == AccessEnd():
            raise ValueError("end_access needs at least one of its arguments")
        if self._loop is None or self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._spread_access_end, end)

    def _spread_access_end(self, end: AccessEnd) -> None:
        """Tell every process (on the event loop); this one needs only itself."""
        self.end_access_local(end)

    def end_access_local(self, end: AccessEnd) -> None:
        if end.board_id is None:
            channels = list(self._channels.values())
        else:
            channel = self._channels.get(end.board_id)
            channels = [channel] if channel is not None else []
        for channel in channels:
            channel.end_access(end)

    def connection_count(self) -> int:
        return sum(len(c.subscribers) for c in self._channels.values())

    async def _watch(self, board_id: str) -> None:
        """Start hearing a board's events (a broker subscription, say)."""

    async def _unwatch(self, board_id: str) -> None:
        """Stop hearing a board's events."""
