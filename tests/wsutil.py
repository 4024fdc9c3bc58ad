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
