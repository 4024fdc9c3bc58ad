"""Personal data goes when it should: deleted boards, retention, and retried creates that
must not duplicate a note."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.cli import main as paja
from app.config import Settings
from app.models import Board, Event, Note, Participant, utcnow
from app.services.retention import purge
from tests.conftest import join, post_note
from tests.wsutil import receive_events, stream_url, token_of


def test_a_retried_create_with_the_same_key_makes_one_note(
    client: TestClient, board: dict[str, Any]
) -> None:
    guest = join(client, board["id"])
    body = {
        "column_id": board["columns"][0]["id"],
        "text": "Vain kerran",
        "client_key": "k-1234567",
    }
    url = f"/api/v1/boards/{board['id']}/notes"
    first = client.post(url, json=body, headers=guest)
    again = client.post(url, json=body, headers=guest)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    notes = client.get(f"/api/v1/boards/{board['id']}", headers=guest).json()["notes"]
    assert [n["text"] for n in notes] == ["Vain kerran"]


def test_the_same_key_from_two_people_makes_two_notes(
    client: TestClient, board: dict[str, Any]
) -> None:
    body = {"column_id": board["columns"][0]["id"], "text": "Sama avain", "client_key": "k-1234567"}
    url = f"/api/v1/boards/{board['id']}/notes"
    for _ in range(2):
        assert client.post(url, json=body, headers=join(client, board["id"])).status_code == 201
    assert (
        len(
            client.get(f"/api/v1/boards/{board['id']}", headers=join(client, board["id"])).json()[
                "notes"
            ]
        )
        == 2
    )


def test_deleting_a_board_removes_everything_and_tells_clients(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any], db: Any
) -> None:
    guest = join(client, board["id"], "Anna Esimerkki")
    post_note(client, board, guest, "Henkilötietoa")
    with client.websocket_connect(stream_url(board["id"], token_of(guest))) as ws:
        assert client.delete(f"/api/v1/boards/{board['id']}", headers=guest).status_code == 403
        assert (
            client.delete(f"/api/v1/boards/{board['id']}", headers=facilitator).status_code == 204
        )
        [farewell] = receive_events(ws, 1)
    assert farewell["type"] == "board.deleted"
    assert client.get(f"/api/v1/boards/{board['id']}", headers=facilitator).status_code == 404
    with db.session() as session:
        for model in (Board, Note, Participant, Event):
            assert session.exec(select(model)).all() == [], model.__name__


def test_purge_archives_idle_boards_then_deletes_them(
    client: TestClient, facilitator: dict[str, str], db: Any
) -> None:
    ids = [
        client.post("/api/v1/boards", json={"title": t}, headers=facilitator).json()["id"]
        for t in ("tuore", "hiljainen", "vanha")
    ]
    with db.session() as session:
        for board_id, age in zip(ids, (1, 100, 200), strict=True):
            board = session.get(Board, board_id)
            board.updated_at = utcnow() - timedelta(days=age)
            session.add(board)
        session.commit()
        dry = purge(session, retention_days=90, grace_days=30, dry_run=True)
        assert (dry.archived, dry.deleted) == (1, 1)
        result = purge(session, retention_days=90, grace_days=30)
    assert (result.archived, result.deleted) == (1, 1)
    listed = {
        b["title"]: b["status"] for b in client.get("/api/v1/boards", headers=facilitator).json()
    }
    assert listed == {"tuore": "open", "hiljainen": "archived"}


def test_purge_command_needs_a_retention_setting(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from app import config

    monkeypatch.setattr(config, "get_settings", lambda: settings)
    monkeypatch.setattr("app.cli.get_settings", lambda: settings)
    assert paja(["purge"]) == 2
    assert "PAJA_RETENTION_DAYS" in capsys.readouterr().err


def test_backup_copies_the_database_while_it_is_in_use(
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    client: TestClient,
    board: dict[str, Any],
    tmp_path: Path,
) -> None:
    monkeypatch.setattr("app.cli.get_settings", lambda: settings)
    guest = join(client, board["id"])
    post_note(client, board, guest, "Varmuuskopioon")
    target = tmp_path / "backup.db"
    assert paja(["backup", str(target)]) == 0
    with sqlite3.connect(target) as copy:
        texts = [row[0] for row in copy.execute("SELECT text FROM notes")]
    assert texts == ["Varmuuskopioon"]
    assert paja(["backup", str(target)]) == 1  # never overwrites
