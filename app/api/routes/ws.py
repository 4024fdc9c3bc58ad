"""The live stream of a board: catch-up from the event log, then live events.

Close codes: 4401 not signed in, 4403 not a member, 4404 no such board, 4400 a bad
query; 1013 when this client fell too far behind (reconnect and catch up with since=)."""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import anyio
from fastapi import APIRouter, WebSocket
from fastapi.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from app import audience
from app.api.deps import resolve_principal
from app.auth_cookies import LANGUAGE_COOKIE, candidate_tokens
from app.db import Audience
from app.errors import Forbidden, PajaError
from app.hub.channel import Subscriber
from app.i18n import pick_language
from app.observability import CONNECTIONS, DROPPED, FRAMES, board_tag, log
from app.services import public
from app.services.members import Actor, actor_for, get_board
from app.web.render import encode_events

router = APIRouter()

CATCH_UP_BATCH = 100
CLOSE_CODES = {401: 4401, 403: 4403, 404: 4404}
CLOSE_TOO_SLOW = 1013


@router.websocket("/boards/{board_id}/ws")
async def board_stream(websocket: WebSocket, board_id: str) -> None:
    await websocket.accept()
    try:
        since = _since(websocket)
        actor, language = await run_in_threadpool(_authorise, websocket, board_id)
    except PajaError as error:
        await websocket.close(CLOSE_CODES.get(error.status_code, 4400), error.message[:120])
        return
    hub = websocket.app.state.hub
    subscriber = await hub.subscribe(board_id, language, _audience(websocket, actor))
    CONNECTIONS.inc()
    started = time.monotonic()
    stream = _Stream(websocket, subscriber, actor)
    try:
        await stream.run(since)
    except WebSocketDisconnect:
        pass
    finally:
        CONNECTIONS.dec()
        await hub.unsubscribe(subscriber)
        log.info(
            "websocket",
            board=board_tag(board_id),
            role=actor.role.value,
            seconds=round(time.monotonic() - started, 1),
            frames=stream.frames_sent,
            too_slow=subscriber.overflowed,
        )


def _since(websocket: WebSocket) -> int | None:
    raw = websocket.query_params.get("since")
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise PajaError("since must be a whole number of zero or more.")
    return int(raw)


def _audience(websocket: WebSocket, actor: Actor) -> Audience:
    """Facilitators see everything unless they ask for the participants' view
    (?view=public: the projector shows the room only what the room may see)."""
    public_view = websocket.query_params.get("view") == "public"
    if actor.is_facilitator and not public_view:
        return Audience(facilitator=True, participant_id=actor.participant_id)
    return Audience(facilitator=False, participant_id=actor.participant_id)


def _authorise(websocket: WebSocket, board_id: str) -> tuple[Actor, str]:
    """Resolve who is connecting; browsers (cookie auth) must come from an allowed origin."""
    state = websocket.app.state
    query_token = websocket.query_params.get("token")
    if query_token is None:
        _check_origin(websocket, state.settings.trusted_hosts)
    tokens = [query_token] if query_token else candidate_tokens(websocket, board_id)
    with state.db.session() as session:
        principal = resolve_principal(session, state.settings, tokens)
        actor = actor_for(session, principal, board_id)
    language = pick_language(
        websocket.query_params.get("lang"), websocket.cookies.get(LANGUAGE_COOKIE), actor.language
    )
    return actor, language


def _check_origin(websocket: WebSocket, trusted_hosts: set[str]) -> None:
    """Refuse cross-site WebSocket hijacking: a cookie alone does not open the stream
    unless the page comes from this site or an origin the operator allowed."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return
    if urlsplit(origin).netloc not in {*trusted_hosts, websocket.headers.get("host", "")}:
        raise Forbidden("This page may not open the board's live stream.")


class _Stream:
    """One client's session: a sender and a receiver; when either ends, both stop."""

    def __init__(self, websocket: WebSocket, subscriber: Subscriber, actor: Actor) -> None:
        self.websocket = websocket
        self.subscriber = subscriber
        self.actor = actor
        self.sent_seq = subscriber.start_seq
        self.frames_sent = 0
        # fast_acquire: an uncontended send must not cost an extra event-loop turn.
        self._send_lock = anyio.Lock(fast_acquire=True)
        self._sending_since: float | None = None

    @property
    def _audience(self) -> Audience:
        return self.subscriber.audience

    async def run(self, since: int | None) -> None:
        try:
            async with anyio.create_task_group() as group:
                group.start_soon(self._guarded, partial(self._stream, since), group.cancel_scope)
                group.start_soon(self._guarded, self._receive, group.cancel_scope)
                group.start_soon(self._guarded, self._watch_sends, group.cancel_scope)
                group.start_soon(self._guarded, self.subscriber.dropped.wait, group.cancel_scope)
        except* TimeoutError:
            self.subscriber.overflowed = True  # one send took too long: the client is stuck
        except* WebSocketDisconnect:
            self.subscriber.overflowed = False  # the client left; nothing to close
        if self.subscriber.overflowed:
            await self._close_too_slow()

    async def _close_too_slow(self) -> None:
        """Cut a client loose that stopped reading; it reconnects with since= when it
        reads again. The close may itself be stuck behind the full socket: bounded."""
        DROPPED.inc()
        with anyio.move_on_after(1):
            await self.websocket.close(CLOSE_TOO_SLOW, "Too far behind; reconnect with since=")

    @staticmethod
    async def _guarded(task: Any, scope: anyio.CancelScope) -> None:
        try:
            await task()
        finally:
            scope.cancel()

    async def _stream(self, since: int | None) -> None:
        """What was missed, then live frames, in seq order."""
        await self._catch_up(since)
        await self._send_live()

    async def _watch_sends(self) -> None:
        """A send that does not finish in time means the client stopped reading while
        the socket's buffers filled: TimeoutError ends the stream (see run). One check
        every half timeout costs less than a timeout scope around every send."""
        timeout = self.websocket.app.state.settings.ws_send_timeout_seconds
        while True:
            await anyio.sleep(timeout / 2)
            started = self._sending_since
            if started is not None and time.monotonic() - started > timeout:
                raise TimeoutError

    async def _catch_up(self, since: int | None) -> None:
        head = self.subscriber.start_seq
        if since is None or since == head:
            return
        settings = self.websocket.app.state.settings
        if since > head or head - since > settings.catch_up_limit:
            await self._send_snapshot()
            return
        missed = await run_in_threadpool(self._load, since, head)
        for start in range(0, len(missed), CATCH_UP_BATCH):
            batch = missed[start : start + CATCH_UP_BATCH]
            await self._send(encode_events(batch, self.subscriber.language, self._audience))
        self.sent_seq = head

    def _load(self, since: int, head: int) -> list:
        with self.websocket.app.state.db.session() as session:
            return audience.catch_up(session, self.actor.board_id, since, head)

    async def _send_snapshot(self) -> None:
        seq, text = await run_in_threadpool(self._snapshot_frame)
        self.sent_seq = max(self.sent_seq, seq)
        await self._send(text)

    def _snapshot_frame(self) -> tuple[int, str]:
        """The board part of a snapshot is shared by everyone of one audience who asks
        at the same seq (a room rejoining after a restart): it is built and encoded once,
        and only the viewer part is per person. A participant whose own notes are still
        withheld from others gets a snapshot of their own."""
        cache: SnapshotCache = self.websocket.app.state.snapshot_cache
        audience = self._audience
        with self.websocket.app.state.db.session() as session:
            board = get_board(session, self.actor.board_id)
            viewer = public.viewer_of(session, self.actor)
            personal = not audience.facilitator and bool(viewer.withheld_note_ids)
            key = "facilitators" if audience.facilitator else "participants"
            shared = None if personal else cache.get(board.id, board.seq, key)
            if shared is None:
                snapshot = public.snapshot(session, board, audience=audience)
                shared = json.dumps(
                    snapshot.model_dump(mode="json", exclude={"viewer"}), ensure_ascii=False
                )
                if not personal:
                    cache.put(board.id, board.seq, key, shared)
            seq = board.seq
        viewer_json = viewer.model_dump_json()
        return (
            seq,
            f'{{"type":"snapshot","seq":{seq},"data":{shared[:-1]},"viewer":{viewer_json}}}}}',
        )

    async def _send_live(self) -> None:
        while (frame := await self.subscriber.next_frame()) is not None:
            if frame.last_seq <= self.sent_seq:
                continue
            text = frame.text
            if frame.first_seq <= self.sent_seq:
                fresh = [e for e in frame.events if e.seq > self.sent_seq]
                text = encode_events(fresh, self.subscriber.language, self._audience)
            await self._send(text)
            self.sent_seq = frame.last_seq

    async def _receive(self) -> None:
        budget = _FrameBudget(self.websocket.app.state.settings.ws_frames_per_second)
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if not budget.take():
                continue  # a flood is dropped unanswered; the stream itself goes on
            reply = _answer(message.get("text"))
            await self._send(json.dumps(reply, ensure_ascii=False))

    async def _send(self, text: str) -> None:
        """One frame; _watch_sends ends the stream when a send hangs."""
        async with self._send_lock:
            self._sending_since = time.monotonic()
            try:
                await self.websocket.send_text(text)
            finally:
                self._sending_since = None
        self.frames_sent += 1
        FRAMES.inc()


class SnapshotCache:
    """The last few boards' encoded snapshots, keyed by (board, seq, audience): a new seq
    is a new key, so an entry is never stale."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, int, str], str] = OrderedDict()

    def get(self, board_id: str, seq: int, audience: str) -> str | None:
        return self._entries.get((board_id, seq, audience))

    def put(self, board_id: str, seq: int, audience: str, text: str) -> None:
        self._entries[(board_id, seq, audience)] = text
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


class _FrameBudget:
    """A token bucket per connection: `rate` frames a second, bursts up to `rate`."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.tokens = float(rate)
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def _answer(text: str | None) -> dict[str, Any]:
    """Clients may ping; anything else gets an error frame and the stream goes on."""
    if text is None:
        return {"type": "error", "detail": "Binary frames are not understood; send JSON text."}
    try:
        message = json.loads(text)
    except ValueError:
        return {"type": "error", "detail": "The frame is not JSON."}
    if isinstance(message, dict) and message.get("type") == "ping":
        # server_time lets a page count the board's timer down by the server's clock.
        server_time = datetime.now(UTC).isoformat()
        return {"type": "pong", "data": message.get("data"), "server_time": server_time}
    return {"type": "error", "detail": "Unknown message; the only one understood is ping."}
