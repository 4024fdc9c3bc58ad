"""No lost work: a real server is killed with SIGKILL while clients post and listen,
started again, and the clients reconnect with since=. Every note that got a 201 is
stored, and every client ends with exactly the board the database has."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import websockets

from app.demo import DEMO_TITLE
from tests.test_server_process import free_port

RESTARTS = 3
WRITERS = 3


class Server:
    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "PAJA_DATABASE_URL": f"sqlite:///{tmp_path / 'paja.db'}",
            "PAJA_DATA_DIR": str(tmp_path),
            "PAJA_SECRET_KEY": "crash-test-secret-key",
        }
        self.cwd = tmp_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--demo", "--port", str(self.port)],
            env=self.env,
            cwd=self.cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    async def wait_ready(self) -> None:
        async with httpx.AsyncClient() as http:
            for _ in range(300):
                try:
                    if (await http.get(f"{self.base}/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
        raise AssertionError("the server did not come back")


class Reader:
    """A participant's live view, rebuilt from events only, reconnecting like board.js."""

    def __init__(self, server: Server, board_id: str, token: str, since: int) -> None:
        self.url = server.base.replace("http", "ws") + f"/api/v1/boards/{board_id}/ws"
        self.token = token
        self.seq = since
        self.notes: dict[str, str] = {}
        self.gaps = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                async with websockets.connect(
                    f"{self.url}?token={self.token}&since={self.seq}"
                ) as ws:
                    async for frame in ws:
                        self.apply(json.loads(frame))
            except (OSError, websockets.WebSocketException):
                await asyncio.sleep(0.1)

    def apply(self, payload: Any) -> None:
        for event in payload if isinstance(payload, list) else [payload]:
            if event["seq"] != self.seq + 1:
                self.gaps += 1
            self.seq = event["seq"]
            if event["type"] == "note.created":
                self.notes[event["data"]["id"]] = event["data"]["text"]
            elif event["type"] == "note.deleted":
                self.notes.pop(event["data"]["id"], None)


async def write(
    server: Server,
    board: dict[str, Any],
    token: str,
    name: str,
    stop: asyncio.Event,
    acked: list[str],
) -> None:
    """Post notes until told to stop; a 201 means the note must survive anything."""
    n = 0
    async with httpx.AsyncClient(timeout=2) as http:
        while not stop.is_set():
            text = f"{name} {n}"
            try:
                response = await http.post(
                    f"{server.base}/api/v1/boards/{board['id']}/notes",
                    json={"column_id": board["columns"][0]["id"], "text": text},
                    headers={"Authorization": f"Bearer {token}"},
                )
                if response.status_code == 201:
                    acked.append(text)
                    n += 1
            except httpx.TransportError:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.01)


def test_sigkill_mid_stream_loses_no_acknowledged_note(tmp_path: Path) -> None:
    server = Server(tmp_path)
    try:
        asyncio.run(scenario(server))
    finally:
        server.stop()


async def scenario(server: Server) -> None:
    server.start()
    await server.wait_ready()
    board_id = await demo_board_id(server)
    tokens = [await join(server, board_id) for _ in range(WRITERS + 2)]
    board = await final_board(server, board_id, tokens[0])
    stop = asyncio.Event()
    acked: list[str] = []
    # Readers replay the board from seq 0, so their view must equal the database's.
    readers = [Reader(server, board_id, token, since=0) for token in tokens[WRITERS:]]
    reading = [asyncio.create_task(reader.run(stop)) for reader in readers]
    writing = [
        asyncio.create_task(write(server, board, tokens[i], f"kirjoittaja{i}", stop, acked))
        for i in range(WRITERS)
    ]
    for _ in range(RESTARTS):
        await asyncio.sleep(0.8)
        server.kill()
        await asyncio.sleep(0.2)
        server.start()
        await server.wait_ready()
    await asyncio.sleep(0.5)
    stop.set()
    await asyncio.gather(*writing)
    final = await final_board(server, board_id, tokens[0])
    for _ in range(200):
        if all(reader.seq == final["seq"] for reader in readers):
            break
        await asyncio.sleep(0.05)
    for task in reading:
        task.cancel()
    await asyncio.gather(*reading, return_exceptions=True)

    stored = {note["id"]: note["text"] for note in final["notes"]}
    assert len(acked) > 20, "the writers barely wrote; the test proves nothing"
    assert set(acked) <= set(stored.values()), "a note that got 201 is missing"
    for reader in readers:
        assert reader.gaps == 0
        assert reader.seq == final["seq"]
        assert reader.notes == stored


async def join(server: Server, board_id: str) -> str:
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{server.base}/api/v1/boards/{board_id}/participants", json={})
    return response.json()["token"]


async def demo_board_id(server: Server) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(server.env["PAJA_DATABASE_URL"])
    with engine.connect() as connection:
        board_id = connection.execute(
            text("SELECT id FROM boards WHERE title = :title"), {"title": DEMO_TITLE}
        ).scalar_one()
    engine.dispose()
    return board_id


async def final_board(server: Server, board_id: str, token: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        response = await http.get(
            f"{server.base}/api/v1/boards/{board_id}", headers={"Authorization": f"Bearer {token}"}
        )
    return response.json()
