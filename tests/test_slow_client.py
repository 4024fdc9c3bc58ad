"""A browser that stops reading (a laptop lid closed mid-workshop, a frozen tab) is cut
loose within seconds, however much the kernel's socket buffers could still absorb, while
everyone else goes on receiving; when it reads again it reconnects with since=."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from tests.test_server_process import serve_demo

PING_SECONDS = 1


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    yield from serve_demo(tmp_path, PAJA_WS_PING_SECONDS=str(PING_SECONDS))


def open_frozen_stream(base: str, board_id: str, token: str) -> socket.socket:
    """A WebSocket handshake by hand, then never a read: what a frozen client does."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /api/v1/boards/{board_id}/ws?token={token} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    )
    sock.sendall(request.encode())
    return sock


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Read what the server sent; True when the stream ends (EOF) before `within`."""
    sock.settimeout(within)
    try:
        while sock.recv(65536):
            pass
    except TimeoutError:
        return False
    return True


def test_a_client_that_stops_reading_is_disconnected_and_the_others_go_on(
    server: tuple[str, str],
) -> None:
    base, board_id = server
    join = f"{base}/api/v1/boards/{board_id}/participants"
    frozen_token = httpx.post(join, json={}).json()["token"]
    token = httpx.post(join, json={}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    snapshot = httpx.get(f"{base}/api/v1/boards/{board_id}", headers=headers).json()
    column = snapshot["columns"][0]["id"]
    frozen = open_frozen_stream(base, board_id, frozen_token)

    async def a_reader_meanwhile() -> list[int]:
        ws_url = base.replace("http", "ws") + f"/api/v1/boards/{board_id}/ws"
        seen: list[int] = []
        async with (
            websockets.connect(f"{ws_url}?token={token}&since={snapshot['seq']}") as ws,
            httpx.AsyncClient() as http,
        ):
            started = time.monotonic()
            for number in range(8):
                await http.post(
                    f"{base}/api/v1/boards/{board_id}/notes",
                    json={"column_id": column, "text": f"Muistiinpano {number}"},
                    headers=headers,
                )
                seen.append(json.loads(await asyncio.wait_for(ws.recv(), 5))["seq"])
                await asyncio.sleep(max(0, started + (number + 1) * 0.5 - time.monotonic()))
        return seen

    try:
        seen = asyncio.run(a_reader_meanwhile())
        assert seen == list(range(snapshot["seq"] + 1, snapshot["seq"] + 9))
        # Four seconds without a read: two missed pongs. The server has hung up.
        assert closed_by_server(frozen, within=4 * PING_SECONDS)
    finally:
        frozen.close()
