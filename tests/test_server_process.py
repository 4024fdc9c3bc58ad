"""`paja serve --demo` as a real process, talked to over real HTTP and WebSocket."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    yield from serve_demo(tmp_path)


def serve_demo(tmp_path: Path, **settings: str) -> Iterator[tuple[str, str]]:
    """A `paja serve --demo` process on a free port; yields (base URL, demo board id)."""
    port = free_port()
    env = {
        **os.environ,
        "PAJA_DATABASE_URL": f"sqlite:///{tmp_path / 'paja.db'}",
        "PAJA_DATA_DIR": str(tmp_path),
        **settings,
    }
    env.pop("PAJA_BASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--demo", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        board_id = _wait_for_demo(process, base)
        yield base, board_id
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def _wait_for_demo(process: subprocess.Popen[str], base: str) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    board_id = None
    while board_id is None and time.monotonic() < deadline:
        line = process.stdout.readline()
        if match := re.search(r"/b/([\w-]+)", line):
            board_id = match.group(1)
    assert board_id, "the demo board's link was not printed"
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return board_id
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


def test_demo_server_serves_the_board_live(demo_server: tuple[str, str]) -> None:
    base, board_id = demo_server
    assert httpx.get(f"{base}/readyz").json()["status"] == "ok"
    token = httpx.post(f"{base}/api/v1/boards/{board_id}/participants", json={}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    snapshot = httpx.get(f"{base}/api/v1/boards/{board_id}", headers=headers).json()
    assert len(snapshot["columns"]) == 6
    assert snapshot["columns"][0]["title"] == "Saavutettavasti ja asiakaslähtöisesti"

    async def live() -> dict:
        ws_url = base.replace("http", "ws") + f"/api/v1/boards/{board_id}/ws"
        async with websockets.connect(f"{ws_url}?token={token}&since={snapshot['seq']}") as ws:
            async with httpx.AsyncClient() as http:
                await http.post(
                    f"{base}/api/v1/boards/{board_id}/notes",
                    json={"column_id": snapshot["columns"][2]["id"], "text": "Laatukriteerit"},
                    headers=headers,
                )
            return json.loads(await asyncio.wait_for(ws.recv(), 10))

    event = asyncio.run(live())
    assert event["seq"] == snapshot["seq"] + 1
    assert event["type"] == "note.created"
    assert event["data"]["text"] == "Laatukriteerit"
    page = httpx.get(f"{base}/b/{board_id}")
    assert page.status_code == 200 and "Liity" in page.text
