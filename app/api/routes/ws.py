"""The live stream of a board: catch-up from the event log, then live events.

Close codes: 4401 not signed in, 4403 not a member, 4404 no such board, 4400 a bad
query; 4408 access ended (the board was deleted, the person was removed from it, signed
out or their token was revoked: the page does not reconnect); 4429 this person already
has STREAMS_PER_PERSON streams open on the board (the page retries later); 1013 when
this client fell too far behind (reconnect and catch up with since=).

A client may send pings and notes (`note.create`, app/api/stream_writes.py), each a
small JSON object of at most `PAJA_WS_MAX_FRAME_BYTES`; every frame gets an answer (a
pong, an ack or {"type": "error"}) and the stream goes on. The frames one person sends
to a board are limited together, over all their sockets."""

from __future__ import annotations

import json
import math
import time
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import anyio
from fastapi import APIRouter, WebSocket
from fastapi.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from app import audience
from app.api import stream_writes
from app.api.deps import resolve_principal
from app.api.stream_writes import Writer
from app.auth_cookies import LANGUAGE_COOKIE, candidate_tokens
from app.db import Audience
from app.errors import Forbidden, PajaError
from app.hub import snapshots
from app.hub.channel import CLOSE_ACCESS_ENDED, CLOSE_TOO_SLOW, Identity, Subscriber
from app.hub.people import People, Person
from app.hub.wire import ABORT_AFTER_SECONDS, abort_later, frame_header, text_frame, wire_of
from app.i18n import pick_language
from app.observability import CONNECTIONS, DROPPED, FRAMES, board_tag, log
from app.services.members import Actor, actor_for, get_board
from app.web.render import encode_events

router = APIRouter()

CATCH_UP_BATCH = 100
CLOSE_CODES = {401: 4401, 403: 4403, 404: 4404}
CLOSE_TOO_MANY = 4429
MAX_INT_DIGITS = 20  # a ping's data holds a timestamp, not a bignum
# Two tabs and a phone, a projector window, and one socket still closing while its page
# reconnects.
STREAMS_PER_PERSON = 5
CLOSE_REASONS = {
    CLOSE_TOO_SLOW: "Too far behind; reconnect with since=",
    CLOSE_ACCESS_ENDED: "Access to this board has ended.",
}


@router.websocket("/boards/{board_id}/ws")
async def board_stream(websocket: WebSocket, board_id: str) -> None:
    await websocket.accept()
    try:
        since = _since(websocket)
        actor, identity, writer = await run_in_threadpool(_authorise, websocket, board_id)
    except PajaError as error:
        await websocket.close(CLOSE_CODES.get(error.status_code, 4400), error.message[:120])
        return
    people: People = websocket.app.state.stream_people
    person = people.enter(board_id, actor.participant_id)
    if person is None:
        reason = f"At most {STREAMS_PER_PERSON} open streams per person on a board."
        await websocket.close(CLOSE_TOO_MANY, reason)
        return
    hub = websocket.app.state.hub
    audience = _audience(websocket, actor)
    wire = wire_of(websocket.scope)
    subscriber = await hub.subscribe(board_id, writer.language, audience, identity, wire)
    CONNECTIONS.inc()
    started = time.monotonic()
    stream = _Stream(websocket, subscriber, actor, person, writer)
    try:
        await stream.run(since)
    except WebSocketDisconnect:
        pass
    finally:
        CONNECTIONS.dec()
        people.leave(person)
        await hub.unsubscribe(subscriber)
        log.info(
            "websocket",
            board=board_tag(board_id),
            role=actor.role.value,
            seconds=round(time.monotonic() - started, 1),
            frames=stream.frames_sent,
            direct=subscriber.direct,
            closed=subscriber.close_code,
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


def _authorise(websocket: WebSocket, board_id: str) -> tuple[Actor, Identity, Writer]:
    """Resolve who is connecting. A stream that a cookie may authenticate (no token in
    the query, however the parameter is spelled) must come from an allowed origin. The
    tokens stay with the stream: each note it sends checks them again."""
    state = websocket.app.state
    query_token = websocket.query_params.get("token", "").strip()
    if not query_token:
        _check_origin(websocket, state.settings.trusted_hosts)
    tokens = [query_token] if query_token else candidate_tokens(websocket, board_id)
    with state.db.session() as session:
        principal = resolve_principal(session, state.settings, tokens)
        actor = actor_for(session, principal, board_id)
    language = pick_language(
        websocket.query_params.get("lang"), websocket.cookies.get(LANGUAGE_COOKIE), actor.language
    )
    identity = Identity(actor.participant_id, principal.facilitator_id, principal.token_id)
    return actor, identity, Writer(board_id, tokens, language)


def _check_origin(websocket: WebSocket, trusted_hosts: set[str]) -> None:
    """Refuse cross-site WebSocket hijacking: a cookie alone does not open the stream
    unless the page comes from this site or an origin the operator allowed."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return
    if urlsplit(origin).netloc not in {*trusted_hosts, websocket.headers.get("host", "")}:
        raise Forbidden("This page may not open the board's live stream.")


class _Stream:
    """One client's session: a sender and a receiver; when either ends, both stop.

    With a wire (paja serve) the sender only sends the catch-up: then the hub writes
    every frame to the connection itself and this task just waits for the end. Without
    one (another server, the test client) it sends each queued frame."""

    def __init__(
        self,
        websocket: WebSocket,
        subscriber: Subscriber,
        actor: Actor,
        person: Person,
        writer: Writer,
    ) -> None:
        self.websocket = websocket
        self.subscriber = subscriber
        self.actor = actor
        self.person = person
        self.writer = writer
        self.frames_sent = 0
        # fast_acquire: an uncontended send must not cost an extra event-loop turn.
        self._send_lock = anyio.Lock(fast_acquire=True)
        self._sending_since: float | None = None

    @property
    def _audience(self) -> Audience:
        return self.subscriber.audience

    async def run(self, since: int | None) -> None:
        subscriber = self.subscriber
        left = False
        try:
            async with anyio.create_task_group() as group:
                group.start_soon(self._guarded, partial(self._stream, since), group.cancel_scope)
                group.start_soon(self._guarded, self._receive, group.cancel_scope)
                if subscriber.wire is None:
                    group.start_soon(self._guarded, self._watch_sends, group.cancel_scope)
                group.start_soon(self._guarded, subscriber.ended.wait, group.cancel_scope)
        except* TimeoutError:
            subscriber.end(CLOSE_TOO_SLOW)  # one send took too long: the client is stuck
        except* WebSocketDisconnect:
            left = True  # the client left; nothing to close
        if subscriber.close_code is not None and not left:
            await self._close(subscriber.close_code)

    async def _close(self, code: int) -> None:
        """Close with `code`. The close frame may be stuck behind a full socket: a wire
        drops the connection after a second, otherwise the close is bounded."""
        if code == CLOSE_TOO_SLOW:
            DROPPED.inc()
        wire = self.subscriber.wire
        if wire is not None:
            abort_later(wire, ABORT_AFTER_SECONDS)
        with anyio.move_on_after(1):
            await self.websocket.close(code, CLOSE_REASONS.get(code, ""))

    @staticmethod
    async def _guarded(task: Any, scope: anyio.CancelScope) -> None:
        try:
            await task()
        finally:
            scope.cancel()

    async def _stream(self, since: int | None) -> None:
        """What was missed, then live frames, in seq order."""
        await self._catch_up(since)
        if self.subscriber.wire is not None:
            self.subscriber.go_live(self._encode)
            await anyio.sleep_forever()  # the hub writes from here on
        await self._send_live()

    def _encode(self, batch: list) -> str:
        return encode_events(batch, self.subscriber.language, self._audience)

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
        if since > head and since <= await self._database_head():
            # The page was read after a commit this hub has not delivered yet: those
            # events will come live, and the page already shows them. A snapshot here
            # would reload the page under a participant who is typing.
            self.subscriber.sent_seq = since
            return
        if since > head or head - since > settings.catch_up_limit:
            await self._send_snapshot()
            return
        missed = await run_in_threadpool(self._load, since, head)
        for start in range(0, len(missed), CATCH_UP_BATCH):
            await self._send(self._encode(missed[start : start + CATCH_UP_BATCH]))
        self.subscriber.sent_seq = head

    async def _database_head(self) -> int:
        return await self.websocket.app.state.hub.load_head(self.actor.board_id)

    def _load(self, since: int, head: int) -> list:
        with self.websocket.app.state.db.session() as session:
            return audience.catch_up(session, self.actor.board_id, since, head)

    async def _send_snapshot(self) -> None:
        seq, parts = await run_in_threadpool(self._snapshot_parts)
        self.subscriber.sent_seq = max(self.subscriber.sent_seq, seq)
        wire = self.subscriber.wire
        if wire is None:
            await self._send(b"".join(parts).decode())
            return
        wire.writelines([frame_header(sum(map(len, parts))), *parts])
        self.frames_sent += 1
        FRAMES.inc()

    def _snapshot_parts(self) -> tuple[int, list[bytes]]:
        """Everyone of one audience who asks at the same seq shares one encoded board
        (a room joining at once, or rejoining after a restart); only the small viewer
        part is per person, and comes from the same cache. A participant whose own notes
        are still withheld from others gets a snapshot of their own."""
        state = self.websocket.app.state
        audience = self._audience
        with state.db.session() as session:
            shared = state.snapshot_cache.get(session, self.actor.board_id, audience)
            viewer = shared.viewer(self.actor)
            if snapshots.needs_own_read(audience, viewer):
                board = get_board(session, self.actor.board_id)
                shared = snapshots.build(session, board, audience)
        return shared.seq, shared.payload(viewer)

    async def _send_live(self) -> None:
        subscriber = self.subscriber
        while (frame := await subscriber.next_frame()) is not None:
            if frame.last_seq <= subscriber.sent_seq:
                continue
            text = frame.text
            if frame.first_seq <= subscriber.sent_seq:
                text = self._encode([e for e in frame.events if e.seq > subscriber.sent_seq])
            await self._send(text)
            subscriber.sent_seq = frame.last_seq

    async def _receive(self) -> None:
        settings = self.websocket.app.state.settings
        budget = self.person.budget  # shared by every socket this person holds here
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if not budget.take():
                continue  # a flood is dropped unanswered; the stream itself goes on
            await self._send(await self._answer(message.get("text"), settings.ws_max_frame_bytes))

    async def _answer(self, text: str | None, max_chars: int) -> str:
        """A note is written before its ack goes out; everything else is answered at
        once. One frame at a time: a person's notes are stored in the order sent."""
        message = read_frame(text, max_chars)
        if isinstance(message, str) or message.get("type") != "note.create":
            return encode_reply(reply_to(message))
        state = self.websocket.app.state
        return encode_reply(
            await stream_writes.create_note(state.units, state.settings, self.writer, message)
        )

    async def _send(self, text: str) -> None:
        """One frame: straight onto the wire (an ack, a catch-up, in order with the
        hub's frames), or through the framework, where _watch_sends ends the stream when
        a send hangs."""
        wire = self.subscriber.wire
        if wire is not None:
            wire.write(text_frame(text.encode()))
        else:
            async with self._send_lock:
                self._sending_since = time.monotonic()
                try:
                    await self.websocket.send_text(text)
                finally:
                    self._sending_since = None
        self.frames_sent += 1
        FRAMES.inc()


UNKNOWN = "Unknown message; the ones understood are ping and note.create."


def read_frame(text: str | None, max_chars: int) -> dict[str, Any] | str:
    """The client's frame as a JSON object, or why it cannot be read; never an
    exception, whatever the frame holds (deep nesting, NaN, huge numbers)."""
    if text is None:
        return "Binary frames are not understood; send JSON text."
    if len(text) > max_chars:
        return f"A frame may be at most {max_chars} characters."
    try:
        message = json.loads(
            text, parse_constant=_refuse, parse_float=_finite, parse_int=_bounded_int
        )
    except (ValueError, RecursionError):
        return "The frame is not JSON."
    return message if isinstance(message, dict) else UNKNOWN


def reply_to(message: dict[str, Any] | str) -> dict[str, Any]:
    """The reply to a frame that changes nothing: a pong to a ping, otherwise an error."""
    if isinstance(message, str):
        return {"type": "error", "detail": message}
    if message.get("type") == "ping":
        # server_time lets a page count the board's timer down by the server's clock.
        server_time = datetime.now(UTC).isoformat()
        return {"type": "pong", "data": message.get("data"), "server_time": server_time}
    return {"type": "error", "detail": UNKNOWN}


def encode_reply(reply: dict[str, Any]) -> str:
    try:
        return json.dumps(reply, ensure_ascii=False, allow_nan=False)
    except (ValueError, RecursionError):
        return json.dumps({"type": "error", "detail": "The ping's data cannot be echoed."})


def _refuse(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def _bounded_int(number: str) -> int:
    if len(number) > MAX_INT_DIGITS:
        raise ValueError("a number too large to echo")
    return int(number)


def _finite(number: str) -> float:
    value = float(number)
    if not math.isfinite(value):
        raise ValueError("a number too large for JSON")
    return value
