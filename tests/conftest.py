"""Fixtures build real objects through the services and the HTTP API, on a real
database: a migrated SQLite file per test (copied from one migrated template)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database, migrate
from app.main import create_app
from app.services import accounts
from tests import servers

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Tests create many accounts; production-strength argon2 would dominate their time."""
    from argon2 import PasswordHasher

    from app import security

    production = security._hasher
    security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    security._hasher = production


BACKENDS = ("sqlite", "postgresql", "sqlite+redis", "postgresql+redis")


SLOW_DATABASE = "sqlite+slowdb"
DB_DELAY_SECONDS = 0.5
_db_delay = {"on": False}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked all_backends run on every database and hub; those marked slow_db
    once more with every database call delayed; the rest on SQLite."""
    if "backend" in metafunc.fixturenames:
        backends: tuple[str, ...] = ("sqlite",)
        if metafunc.definition.get_closest_marker("all_backends"):
            backends = BACKENDS
        if metafunc.definition.get_closest_marker("slow_db"):
            backends = (*backends, SLOW_DATABASE)
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """The delay covers the test's own steps, not the fixtures that set the board up."""
    callspec = getattr(item, "callspec", None)
    _db_delay["on"] = callspec is not None and callspec.params.get("backend") == SLOW_DATABASE
    try:
        return (yield)
    finally:
        _db_delay["on"] = False


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "paja.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """One migrated database per run; each test gets a copy (CREATE DATABASE … TEMPLATE)."""
    servers.require_postgres()
    with servers.postgres_database() as name:
        migrate(servers.database_url(name))
        yield name


@pytest.fixture
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """(database URL, Redis URL or None) for this test, on fresh storage."""
    database, _, hub = request.param.partition("+")
    redis_url = servers.require_redis() if hub == "redis" else None
    request.node.stash[SLOW_KEY] = hub == "slowdb"
    if database == "sqlite":
        path = tmp_path / "paja.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}", redis_url
        return
    template = request.getfixturevalue("postgres_template")
    with servers.postgres_database(template) as name:
        yield servers.database_url(name), redis_url


@pytest.fixture
def settings(tmp_path: Path, backend: tuple[str, str | None]) -> Settings:
    database_url, redis_url = backend
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        secret_key="test-secret-key-that-is-long-enough",
        data_dir=tmp_path,
        base_url="http://testserver",
        # The embedding worker would embed every note every test posts (about 0.2 s of
        # CPU each); tests of the embedding engine ask for it (tests/test_themes.py).
        theme_engine="lexical",
    )


SLOW_KEY = pytest.StashKey[bool]()


@pytest.fixture
def app(settings: Settings, request: pytest.FixtureRequest) -> Any:
    application = create_app(settings)
    if request.node.stash.get(SLOW_KEY, False):
        _delay_every_statement(application.state.db.engine)
    return application


def _delay_every_statement(engine: Any) -> None:
    """500 ms before every statement: a missing await or a lock held across I/O shows."""
    import time

    from sqlalchemy import event

    @event.listens_for(engine, "before_cursor_execute")
    def _sleep(*_args: Any) -> None:
        if _db_delay["on"]:
            time.sleep(DB_DELAY_SECONDS)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def db(app: Any) -> Database:
    return app.state.db


def make_facilitator(db: Database, email: str = "fasi@example.fi", name: str = "Fasi") -> str:
    with db.session() as session:
        return accounts.create_facilitator(session, email, PASSWORD, name).id


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def facilitator_token(client: TestClient, email: str = "fasi@example.fi") -> str:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture
def facilitator(client: TestClient, db: Database) -> dict[str, str]:
    """Headers of a signed-in facilitator."""
    make_facilitator(db)
    return bearer(facilitator_token(client))


@pytest.fixture
def board(client: TestClient, facilitator: dict[str, str]) -> dict[str, Any]:
    """A board with the national strategy's six columns."""
    response = client.post(
        "/api/v1/boards",
        json={"title": "ELO-foorumi", "template": "elo-national-2020"},
        headers=facilitator,
    )
    assert response.status_code == 201, response.text
    return response.json()


def join(client: TestClient, board_id: str, name: str = "") -> dict[str, str]:
    """Headers of a new participant of the board."""
    response = client.post(f"/api/v1/boards/{board_id}/participants", json={"name": name})
    assert response.status_code == 201, response.text
    return bearer(response.json()["token"])


def post_note(
    client: TestClient, board: dict[str, Any], headers: dict[str, str], text: str, column: int = 0
) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/boards/{board['id']}/notes",
        json={"column_id": board["columns"][column]["id"], "text": text},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()
