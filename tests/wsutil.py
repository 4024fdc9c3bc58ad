"""Reading the board stream in tests: frames may hold one event or a batch."""

from __future__ import annotations

import json
from typing import Any


def events_of(frame: str) -> list[dict[str, Any]]:
    payload = json.loads(frame)
    return payload if isinstance(payload, list) else [payload]


def receive_events(ws: Any, count: int) -> list[dict[str, Any]]:
    """Exactly the next `count` events, however the server batched them."""
    received: list[dict[str, Any]] = []
    while len(received) < count:
        received.extend(events_of(ws.receive_text()))
    assert len(received) == count, f"got {len(received)} events, expected {count}"
    return received


def stream_url(board_id: str, token: str, since: int | None = None) -> str:
    url = f"/api/v1/boards/{board_id}/ws?token={token}"
    return url if since is None else f"{url}&since={since}"


def token_of(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def receive_until_closed(ws: Any, seconds: float) -> tuple[int, list[dict[str, Any]]]:
    """The events a test-client stream receives and its close code, failing when the
    server has not closed it within `seconds`."""
    import anyio

    received: list[dict[str, Any]] = []

    async def until_closed() -> int:
        with anyio.fail_after(seconds):
            while True:
                message = await ws._send_rx.receive()
                if message["type"] == "websocket.close":
                    return int(message.get("code", 1000))
                received.extend(events_of(message["text"]))

    return ws.portal.call(until_closed), received


def replies_within(ws: Any, seconds: float) -> list[dict[str, Any]]:
    """Every frame a test-client stream receives within `seconds` (none is fine)."""
    import anyio

    received: list[dict[str, Any]] = []

    async def collect() -> None:
        with anyio.move_on_after(seconds):
            while True:
                received.extend(events_of((await ws._send_rx.receive())["text"]))

    ws.portal.call(collect)
    return received
