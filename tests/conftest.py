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

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "paja.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def settings(tmp_path: Path, migrated_template: Path) -> Settings:
    database = tmp_path / "paja.db"
    shutil.copy(migrated_template, database)
    return Settings(
        database_url=f"sqlite:///{database}",
        secret_key="test-secret-key-that-is-long-enough",
        data_dir=tmp_path,
        base_url="http://testserver",
    )


@pytest.fixture
def app(settings: Settings) -> Any:
    return create_app(settings)


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
