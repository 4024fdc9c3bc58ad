"""The smallest broadcast server the same generator can drive: raw ASGI, one board in
memory, no database, no framework.

It answers the routes the generator uses with Paja's shapes (join, read the board, post
a note, the stream with since=) and sends note events of Paja's size and bytes: the note
partial is rendered once at start-up with Paja's own template and reused with the ids
and text swapped in. Like Paja it encodes each event once for everyone, keeps a bounded
queue per client and closes a client that falls behind with 1013. What it leaves out is
what Paja's figures are then compared against: routing, validation, authentication, the
database, the event log and the hub. Run under uvicorn exactly as `paja serve` runs:

    python -m bench.baseline --port 8001 [--ws-per-message-deflate]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import itertools
import json
import secrets
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

QUEUE_FRAMES = 256
CATCH_UP_LIMIT = 1000
COLUMNS = [f"column{i:06d}" for i in range(6)]
SAMPLE = {"id": "NOTEID123456", "board": "BOARDID123456789", "column": "COLUMN123456"}
SAMPLE_TEXT = "TEXT-PLACEHOLDER"


def _note_template() -> str:
    """Paja's rendered note partial with placeholders where the ids and text go."""
    from app.models import Note
    from app.services.public import note_public
    from app.web.render import render

    # Built as Paja builds a new note's card, so the card follows every field it gains.
    note = Note(
        id=SAMPLE["id"], board_id=SAMPLE["board"], column_id=SAMPLE["column"],
        text=SAMPLE_TEXT, author_name="", position=0,
    )  # fmt: skip
    card = note_public(note).model_dump()
    return render("fi", "_note.html", note=card, board_id=SAMPLE["board"])


class Subscriber:
    """A bounded queue of encoded frames; overflowing it means 'reconnect and catch up'."""

    def __init__(self) -> None:
        self.frames: deque[str] = deque()
        self.wakeup = asyncio.Event()
        self.overflowed = False

    def offer(self, text: str) -> None:
        if len(self.frames) >= QUEUE_FRAMES:
            self.overflowed = True
            self.frames.clear()
        elif not self.overflowed:
            self.frames.append(text)
        self.wakeup.set()


class BoardState:
    """One board: its notes, its encoded event log and who is listening."""

    def __init__(self) -> None:
        self.id = "bench"
        self.seq = 0
        self.notes: list[dict[str, Any]] = []
        self.log: list[str] = []
        self.subscribers: set[Subscriber] = set()
        self.template = _note_template()
        self.ids = (f"{n:012d}" for n in itertools.count(1))

    def add_note(self, column_id: str, text: str) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        note = {
            "id": next(self.ids), "board_id": self.id, "column_id": column_id, "text": text,
            "author_name": "", "kind": "note", "position": len(self.notes), "votes": 0,
            "comments": [], "created_at": now, "updated_at": now,
        }  # fmt: skip
        self.seq += 1
        self.notes.append(note)
        partial = (
            self.template.replace(SAMPLE["id"], note["id"])
            .replace(SAMPLE["board"], self.id)
            .replace(SAMPLE["column"], column_id)
            .replace(SAMPLE_TEXT, html.escape(text))
        )
        event = {"seq": self.seq, "type": "note.created", "data": note, "html": partial}
        frame = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        self.log.append(frame)
        for subscriber in self.subscribers:
            subscriber.offer(frame)
        return note

    def snapshot(self) -> dict[str, Any]:
        columns = [{"id": c, "title": c, "description": "", "position": i}
                   for i, c in enumerate(COLUMNS)]  # fmt: skip
        return {"id": self.id, "seq": self.seq, "columns": columns, "notes": self.notes}


BOARD = BoardState()


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http":
        await _http(scope, receive, send)
    elif scope["type"] == "websocket":
        await _stream(scope, receive, send)
    elif scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})


async def _http(scope: Scope, receive: Receive, send: Send) -> None:
    method, path = scope["method"], scope["path"]
    body = await _body(receive)
    if method == "POST" and path.endswith("/notes"):
        fields = json.loads(body)
        await _json(send, 201, BOARD.add_note(fields["column_id"], fields["text"]))
    elif method == "POST" and path.endswith("/participants"):
        token = secrets.token_urlsafe(32)
        await _json(send, 201, {"participant_id": token[:12], "token": token, "board_id": BOARD.id})
    elif method == "GET" and path.startswith("/api/v1/boards/"):
        await _json(send, 200, BOARD.snapshot())
    elif path in ("/healthz", "/readyz"):
        await _json(send, 200, {"status": "ok"})
    else:
        await _json(send, 404, {"detail": "Not found."})


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _json(send: Send, status: int, payload: Any) -> None:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


async def _stream(scope: Scope, receive: Receive, send: Send) -> None:
    """Catch up from since=, then send live frames until the client leaves or lags."""
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    query = parse_qs(scope.get("query_string", b"").decode())
    since = int(query.get("since", ["-1"])[0])
    subscriber = Subscriber()
    BOARD.subscribers.add(subscriber)
    head = BOARD.seq
    sender = asyncio.create_task(_send_live(send, subscriber, since, head))
    try:
        while (message := await receive())["type"] != "websocket.disconnect":
            if message.get("text"):
                await _answer(send, message["text"])
    finally:
        BOARD.subscribers.discard(subscriber)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender


async def _answer(send: Send, text: str) -> None:
    """A note sent on the stream (`--post-via stream`, as Paja's board page sends it):
    stored and broadcast like a POST, then acked on the same stream."""
    message = json.loads(text)
    if message.get("type") != "note.create":
        return
    fields = message["data"]
    note = BOARD.add_note(fields["column_id"], fields["text"])
    await _text(send, json.dumps({"type": "ack", "ref": message.get("ref"), "data": note}))


async def _send_live(send: Send, subscriber: Subscriber, since: int, head: int) -> None:
    if 0 <= since < head:
        if head - since > CATCH_UP_LIMIT:
            snap = {"type": "snapshot", "seq": head, "data": BOARD.snapshot()}
            await _text(send, json.dumps(snap, ensure_ascii=False))
        else:
            for start in range(since, head, 100):
                await _text(send, "[" + ",".join(BOARD.log[start : min(start + 100, head)]) + "]")
    while True:
        while not subscriber.frames and not subscriber.overflowed:
            subscriber.wakeup.clear()
            await subscriber.wakeup.wait()
        if subscriber.overflowed:
            await send({"type": "websocket.close", "code": 1013})
            return
        await _text(send, subscriber.frames.popleft())


async def _text(send: Send, text: str) -> None:
    await send({"type": "websocket.send", "text": text})


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m bench.baseline")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--ws-per-message-deflate", action="store_true")
    parser.add_argument("--catch-up-limit", type=int, default=1000)
    args = parser.parse_args()
    global CATCH_UP_LIMIT  # a one-process server, configured once at start
    CATCH_UP_LIMIT = args.catch_up_limit
    # The same uvicorn settings `paja serve` uses (app/cli.py), so only the app differs.
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        ws_max_size=64 * 1024,
        ws_per_message_deflate=args.ws_per_message_deflate,
        proxy_headers=True,
        log_level="info",
    )


if __name__ == "__main__":
    main()
