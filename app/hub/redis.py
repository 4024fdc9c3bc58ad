"""Fan-out across processes and hosts through Redis pub/sub, one channel per board.

Redis pub/sub delivers at most once, so Redis is only the fast path: every event is
also in the database log. A process delivers its own events locally at once, hears
every worker's events from Redis (its own come back and are dropped as duplicates),
and after a lost connection re-subscribes and fills each board's gap from the log.
redis-py does not reliably re-subscribe by itself after a drop, so this hub owns the
reconnect loop."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict
from urllib.parse import urlsplit, urlunsplit

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.db import BoardEvent
from app.hub.base import Hub
from app.hub.channel import AccessEnd

log = logging.getLogger("paja.hub")

CONTROL_CHANNEL = "paja:control"
CHANNEL_PREFIX = "paja:board:"
SUBSCRIBE_TIMEOUT_SECONDS = 2.0
MAX_BACKOFF_SECONDS = 5.0
AUDIT_SECONDS = 5.0


class HubUnavailable(RuntimeError):
    """Redis cannot be reached; the message names the URL (without its password)."""


def redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _channel(board_id: str) -> str:
    return f"{CHANNEL_PREFIX}{board_id}"


def _encode(events: Sequence[BoardEvent]) -> str:
    return json.dumps(
        [{"b": e.board_id, "s": e.seq, "t": e.type, "d": e.data} for e in events],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _decode(payload: bytes | str) -> list[BoardEvent]:
    return [BoardEvent(item["b"], item["s"], item["t"], item["d"]) for item in json.loads(payload)]


class RedisHub(Hub):
    def __init__(self, url: str, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.url = url
        self._client: aioredis.Redis | None = None
        self._pubsub: aioredis.client.PubSub | None = None
        self._listener: asyncio.Task[None] | None = None
        self._auditor: asyncio.Task[None] | None = None
        self._confirmations: dict[str, asyncio.Event] = {}
        self._healthy = False
        self._connected = asyncio.Event()
        self._control_tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Refuse to start without Redis: a worker that cannot hear the others would
        silently show a stale board."""
        await super().start()
        self._client = aioredis.from_url(
            self.url,
            socket_connect_timeout=3,
            health_check_interval=10,
            # A pooled connection that died with a Redis restart is replaced, not fatal.
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.02), retries=3),
            retry_on_error=[RedisConnectionError, RedisTimeoutError],
        )
        try:
            await self._client.ping()
        except (RedisError, OSError) as error:
            await self._client.aclose()
            raise HubUnavailable(
                f"Redis at {redacted(self.url)} does not answer ({error})."
            ) from error
        await self._open_pubsub()
        self._listener = asyncio.create_task(self._listen_forever())
        self._auditor = asyncio.create_task(self._audit_forever())

    async def close(self) -> None:
        for task in (self._listener, self._auditor):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._close_pubsub()
        if self._client is not None:
            await self._client.aclose()
        await super().close()

    async def check(self) -> None:
        if not self._healthy or self._client is None:
            raise HubUnavailable(f"Redis at {redacted(self.url)} is not connected.")
        await self._client.ping()

    def publish(self, events: Sequence[BoardEvent]) -> None:
        """Deliver here at once, and tell the other workers through Redis."""
        if self._loop is None or self._loop.is_closed():
            return
        batch = list(events)
        self._loop.call_soon_threadsafe(self.deliver_local, batch)
        asyncio.run_coroutine_threadsafe(self._publish(batch), self._loop)

    async def _publish(self, events: list[BoardEvent]) -> None:
        if self._client is None:
            return
        by_board: dict[str, list[BoardEvent]] = {}
        for event in events:
            by_board.setdefault(event.board_id, []).append(event)
        for board_id, board_events in by_board.items():
            try:
                await self._client.publish(_channel(board_id), _encode(board_events))
            except (RedisError, OSError) as error:
                # The event is in the log; other workers fill the gap when Redis is back.
                log.warning("redis publish failed: %s", error)

    def _spread_access_end(self, end: AccessEnd) -> None:
        """Here at once, and to every other process through the control channel (this
        process hears its own message too; closing twice is a no-op)."""
        self.end_access_local(end)
        if self._client is not None:
            task = asyncio.create_task(self._publish_control({"end_access": asdict(end)}))
            self._control_tasks.add(task)
            task.add_done_callback(self._control_tasks.discard)

    async def _publish_control(self, message: dict) -> None:
        assert self._client is not None
        try:
            await self._client.publish(CONTROL_CHANNEL, json.dumps(message))
        except (RedisError, OSError) as error:
            # Other workers' streams stay open until their keepalive or next access
            # check; the access itself is already gone from the database.
            log.warning("redis publish of an access end failed: %s", error)

    def _hear_control(self, payload: bytes | str) -> None:
        try:
            fields = json.loads(payload)["end_access"]
            end = AccessEnd(**{k: fields.get(k) for k in AccessEnd.__dataclass_fields__})
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable message on %s", CONTROL_CHANNEL)
            return
        self.end_access_local(end)

    async def _watch(self, board_id: str) -> None:
        name = _channel(board_id)
        confirmed = self._confirmations[name] = asyncio.Event()
        if self._pubsub is not None and self._healthy:
            try:
                await self._pubsub.subscribe(name)
                await asyncio.wait_for(confirmed.wait(), SUBSCRIBE_TIMEOUT_SECONDS)
            except (RedisError, OSError, TimeoutError) as error:
                log.warning("redis subscribe failed for a board: %s", error)

    async def _unwatch(self, board_id: str) -> None:
        name = _channel(board_id)
        self._confirmations.pop(name, None)
        if self._pubsub is not None and self._healthy:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.unsubscribe(name)

    async def _open_pubsub(self) -> None:
        assert self._client is not None
        self._pubsub = self._client.pubsub()
        await self._pubsub.subscribe(CONTROL_CHANNEL, *self._confirmations)
        self._healthy = True

    async def _close_pubsub(self) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.aclose()
            self._pubsub = None

    async def _listen_forever(self) -> None:
        backoff = 0.2
        while True:
            try:
                if self._pubsub is None:
                    await self._open_pubsub()
                    log.info("redis reconnected; resyncing %d boards", len(self._channels))
                    self._resync_all()
                    backoff = 0.2
                await self._listen()
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as error:
                log.warning("redis connection lost: %s; reconnecting", error)
                self._healthy = False
                await self._close_pubsub()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)

    async def _listen(self) -> None:
        assert self._pubsub is not None
        while True:
            message = await self._pubsub.get_message(timeout=1.0)
            if message is None:
                continue
            channel = message["channel"]
            name = channel.decode() if isinstance(channel, bytes) else channel
            if message["type"] == "subscribe" and name in self._confirmations:
                self._confirmations[name].set()
            elif message["type"] == "message" and name.startswith(CHANNEL_PREFIX):
                self.deliver_local(_decode(message["data"]))
            elif message["type"] == "message" and name == CONTROL_CHANNEL:
                self._hear_control(message["data"])

    async def _audit_forever(self) -> None:
        """Pub/sub may drop a message without any error here (another worker's publish
        failed, say); on a quiet board nothing would reveal the gap. So every few
        seconds each watched board's head in the log is compared with what was sent."""
        while True:
            await asyncio.sleep(AUDIT_SECONDS)
            for channel in list(self._channels.values()):
                try:
                    head = await self._load_head(channel.board_id)
                except Exception as error:  # the database may be down; try next round
                    log.warning("audit of a board failed: %s", error)
                    continue
                if head > channel.last_seq:
                    channel.resync()

    def _resync_all(self) -> None:
        """After a reconnect, whatever was published meanwhile is read from the log."""
        for channel in list(self._channels.values()):
            channel.resync()
