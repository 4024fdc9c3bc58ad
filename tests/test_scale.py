"""Past one process: PostgreSQL migrations, the Redis hub's failure modes, and two real
server processes sharing PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from app.config import Settings
from app.hub.redis import HubUnavailable
from app.main import create_app
from tests import servers
from tests.conftest import bearer, facilitator_token, join, make_facilitator, post_note
from tests.test_server_process import free_port
from tests.wsutil import receive_events, stream_url, token_of


def test_migrations_produce_the_models_schema_on_postgres(postgres_template: str) -> None:
    engine = create_engine(servers.database_url(postgres_template))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []


def with_redis(settings: Settings, url: str) -> Settings:
    return settings.model_copy(update={"redis_url": SecretStr(url)})


def test_unreachable_redis_stops_the_app_with_the_url(settings: Settings) -> None:
    port = free_port()
    settings = with_redis(settings, f"redis://:secret@127.0.0.1:{port}/0")
    with pytest.raises(HubUnavailable) as refused, TestClient(create_app(settings)):
        pass
    assert f"redis://:***@127.0.0.1:{port}/0" in str(refused.value)
    assert "secret" not in str(refused.value)


def test_paja_serve_refuses_to_start_without_redis(tmp_path: Path) -> None:
    port = free_port()
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(free_port())],
        env={
            **os.environ,
            "PAJA_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
            "PAJA_DATA_DIR": str(tmp_path),
            "PAJA_REDIS_URL": f"redis://127.0.0.1:{port}/0",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"Redis at redis://127.0.0.1:{port}/0 does not answer" in result.stderr


class PrivateRedis:
    """A redis-server of the test's own, so it can be stopped and started again."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.dir = tmp_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            servers.unavailable("redis-server", FileNotFoundError("not installed"))
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        import redis

        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def wait_until(predicate: Any, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_redis_outage_readyz_and_catch_up_across_workers(
    settings: Settings, private_redis: PrivateRedis
) -> None:
    """Worker A's client misses nothing that worker B wrote while Redis was down."""
    settings = with_redis(settings, private_redis.url)
    worker_a, worker_b = create_app(settings), create_app(settings)
    with TestClient(worker_a) as a, TestClient(worker_b) as b:
        make_facilitator(worker_a.state.db)
        headers = bearer(facilitator_token(a))
        board = a.post("/api/v1/boards", json={"title": "Foorumi"}, headers=headers).json()
        reader, writer = join(a, board["id"]), join(b, board["id"])
        with a.websocket_connect(stream_url(board["id"], token_of(reader), board["seq"])) as ws:
            post_note(b, board, writer, "Ennen katkosta")
            assert receive_events(ws, 1)[0]["data"]["text"] == "Ennen katkosta"

            private_redis.stop()
            wait_until(lambda: a.get("/readyz").status_code == 503)
            assert a.get("/readyz").json()["hub"].startswith("unavailable")
            post_note(b, board, writer, "Katkon aikana")  # stored; Redis cannot carry it

            private_redis.start()
            wait_until(lambda: a.get("/readyz").status_code == 200)
            post_note(b, board, writer, "Katkon jälkeen")
            seen = receive_events(ws, 2)
    assert [e["data"]["text"] for e in seen] == ["Katkon aikana", "Katkon jälkeen"]
    assert [e["seq"] for e in seen] == [board["seq"] + 2, board["seq"] + 3]


@pytest.fixture
def two_servers(
    tmp_path: Path, postgres_template: str
) -> Iterator[tuple[str, str, dict[str, str]]]:
    redis_url = servers.require_redis()
    with servers.postgres_database(postgres_template) as name:
        env = {
            **os.environ,
            "PAJA_DATABASE_URL": servers.database_url(name),
            "PAJA_REDIS_URL": redis_url,
            "PAJA_SECRET_KEY": "shared-secret-of-both-workers",
            "PAJA_DATA_DIR": str(tmp_path),
        }
        ports = [free_port(), free_port()]
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
                env=env,
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for port in ports
        ]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        try:
            for base in bases:
                wait_until(lambda base=base: _answers(base), seconds=30)
            yield bases[0], bases[1], env
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=10)


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz").status_code == 200
    except httpx.TransportError:
        return False


def test_two_processes_share_postgres_and_redis(
    two_servers: tuple[str, str, dict[str, str]],
) -> None:
    first, second, env = two_servers
    subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "create-facilitator",
            "fasi@example.fi",
            "--password",
            "correct horse battery",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    token = httpx.post(
        f"{first}/api/v1/auth/token",
        json={"email": "fasi@example.fi", "password": "correct horse battery"},
    ).json()["access_token"]
    board = httpx.post(
        f"{first}/api/v1/boards", json={"title": "Kaksi työläistä"}, headers=bearer(token)
    ).json()
    reader = httpx.post(f"{first}/api/v1/boards/{board['id']}/participants", json={}).json()
    writer = httpx.post(f"{second}/api/v1/boards/{board['id']}/participants", json={}).json()

    async def scenario() -> list[dict[str, Any]]:
        url = first.replace("http", "ws") + f"/api/v1/boards/{board['id']}/ws"
        async with websockets.connect(f"{url}?token={reader['token']}&since={board['seq']}") as ws:
            async with httpx.AsyncClient() as http:
                for text in ("Toisen kautta 1", "Toisen kautta 2"):
                    response = await http.post(
                        f"{second}/api/v1/boards/{board['id']}/notes",
                        json={"column_id": board["columns"][0]["id"], "text": text},
                        headers=bearer(writer["token"]),
                    )
                    assert response.status_code == 201
            events: list[dict[str, Any]] = []
            while len(events) < 2:
                payload = json.loads(await asyncio.wait_for(ws.recv(), 10))
                events.extend(payload if isinstance(payload, list) else [payload])
            return events

    events = asyncio.run(scenario())
    assert [e["data"]["text"] for e in events] == ["Toisen kautta 1", "Toisen kautta 2"]
    assert [e["seq"] for e in events] == [board["seq"] + 1, board["seq"] + 2]
