"""Every kind of bad input gets its 4xx with a sentence for a person, and nothing that
was stored changes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import bearer, join, post_note


@pytest.fixture
def guest(client: TestClient, board: dict[str, Any]) -> dict[str, str]:
    return join(client, board["id"], "Anna")


def notes_of(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> list:
    return client.get(f"/api/v1/boards/{board['id']}", headers=headers).json()["notes"]


def seq_of(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> int:
    return client.get(f"/api/v1/boards/{board['id']}", headers=headers).json()["seq"]


@pytest.mark.parametrize(
    ("body", "status", "phrase"),
    [
        ({"text": ""}, 422, "must not be empty"),
        ({"text": "   \n\t "}, 422, "must not be empty"),
        ({"text": "x" * 5001}, 422, "the limit is 5000"),
        ({"text": "ok", "column_id": "no-such-column"}, 422, "not on this board"),
        ({"text": "ok", "kind": "poem"}, 422, "kind"),
        ({"text": "ok", "surprise": 1}, 422, "surprise"),
        ({"column_id": None}, 422, "text"),
    ],
)
def test_bad_note_is_refused_and_nothing_changes(
    client: TestClient,
    board: dict[str, Any],
    guest: dict[str, str],
    body: dict[str, Any],
    status: int,
    phrase: str,
) -> None:
    before = seq_of(client, board, guest)
    payload = {"column_id": board["columns"][0]["id"], **body}
    if payload["column_id"] is None:
        del payload["column_id"]
    response = client.post(f"/api/v1/boards/{board['id']}/notes", json=payload, headers=guest)
    assert response.status_code == status
    assert phrase in response.json()["detail"]
    assert notes_of(client, board, guest) == []
    assert seq_of(client, board, guest) == before


def test_column_of_another_board_is_refused(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any], guest: dict[str, str]
) -> None:
    other = client.post("/api/v1/boards", json={"title": "Toinen"}, headers=facilitator).json()
    response = client.post(
        f"/api/v1/boards/{board['id']}/notes",
        json={"column_id": other["columns"][0]["id"], "text": "Väärä sarake"},
        headers=guest,
    )
    assert response.status_code == 422
    assert notes_of(client, board, guest) == []


def test_moving_a_note_to_another_boards_column_is_refused(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any], guest: dict[str, str]
) -> None:
    note = post_note(client, board, guest, "Pysyy")
    other = client.post("/api/v1/boards", json={"title": "Toinen"}, headers=facilitator).json()
    response = client.patch(
        f"/api/v1/boards/{board['id']}/notes/{note['id']}",
        json={"column_id": other["columns"][0]["id"]},
        headers=guest,
    )
    assert response.status_code == 422
    assert notes_of(client, board, guest)[0]["column_id"] == board["columns"][0]["id"]


@pytest.mark.parametrize(
    ("raw", "status"),
    [(b'{"text": "katkennut', 400), (b"[1, 2]", 400), (b"null", 400), (b"", 400)],
)
def test_malformed_json_is_400(
    client: TestClient, board: dict[str, Any], guest: dict[str, str], raw: bytes, status: int
) -> None:
    response = client.post(
        f"/api/v1/boards/{board['id']}/notes",
        content=raw,
        headers={**guest, "Content-Type": "application/json"},
    )
    assert response.status_code == status, response.text
    assert isinstance(response.json()["detail"], str)


def test_bad_token_is_401(client: TestClient, board: dict[str, Any]) -> None:
    response = client.get(f"/api/v1/boards/{board['id']}", headers=bearer("made-up"))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "not valid" in response.json()["detail"]


def test_missing_token_is_401(client: TestClient, board: dict[str, Any]) -> None:
    assert client.get(f"/api/v1/boards/{board['id']}").status_code == 401


def test_expired_token_is_401(
    client: TestClient, board: dict[str, Any], guest: dict[str, str], db: Any
) -> None:
    from datetime import timedelta

    from sqlmodel import select

    from app.models import AuthToken, utcnow

    with db.session() as session:
        for row in session.exec(select(AuthToken)).all():
            row.expires_at = utcnow() - timedelta(seconds=1)
            session.add(row)
        session.commit()
    response = client.get(f"/api/v1/boards/{board['id']}", headers=guest)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_revoked_token_stops_working(client: TestClient, facilitator: dict[str, str]) -> None:
    assert client.get("/api/v1/boards", headers=facilitator).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=facilitator).status_code == 204
    assert client.get("/api/v1/boards", headers=facilitator).status_code == 401


def test_wrong_password_is_401(client: TestClient, facilitator: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/auth/token", json={"email": "fasi@example.fi", "password": "wrong password"}
    )
    assert response.status_code == 401


def test_oversized_body_is_413(
    client: TestClient, board: dict[str, Any], guest: dict[str, str]
) -> None:
    response = client.post(
        f"/api/v1/boards/{board['id']}/notes",
        json={"column_id": board["columns"][0]["id"], "text": "x" * 200_000},
        headers=guest,
    )
    assert response.status_code == 413
    assert notes_of(client, board, guest) == []


def test_blank_board_title_is_422(client: TestClient, facilitator: dict[str, str]) -> None:
    response = client.post("/api/v1/boards", json={"title": "  "}, headers=facilitator)
    assert response.status_code == 422
    assert client.get("/api/v1/boards", headers=facilitator).json() == []


def test_unknown_template_is_422(client: TestClient, facilitator: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/boards", json={"title": "T", "template": "nope"}, headers=facilitator
    )
    assert response.status_code == 422
    assert "nope" in response.json()["detail"]
    assert client.get("/api/v1/boards", headers=facilitator).json() == []


def test_bad_status_value_is_422(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any]
) -> None:
    response = client.patch(
        f"/api/v1/boards/{board['id']}", json={"status": "exploded"}, headers=facilitator
    )
    assert response.status_code == 422


def test_cross_site_form_post_is_refused(client: TestClient, board: dict[str, Any]) -> None:
    response = client.post(
        f"/b/{board['id']}/join",
        data={"name": "Mallory"},
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403


def test_a_flooding_participant_gets_429_and_others_go_on(
    app: Any, client: TestClient, board: dict[str, Any]
) -> None:
    from limits import parse

    app.state.rate_limits.posts = parse("5/minute")
    flooder, calm = join(client, board["id"]), join(client, board["id"])
    codes = [
        client.post(
            f"/api/v1/boards/{board['id']}/notes",
            json={"column_id": board["columns"][0]["id"], "text": f"tulva {i}"},
            headers=flooder,
        )
        for i in range(7)
    ]
    assert [r.status_code for r in codes] == [201] * 5 + [429] * 2
    assert 1 <= int(codes[-1].headers["retry-after"]) <= 60
    assert "faster than the board allows" in codes[-1].json()["detail"]
    post_note(client, board, calm, "Rauhallinen")
    assert len(notes_of(client, board, calm)) == 6


def test_sign_in_attempts_are_throttled(
    app: Any, client: TestClient, facilitator: dict[str, str]
) -> None:
    from limits import parse

    app.state.rate_limits.sign_ins = parse("3/minute")
    wrong = {"email": "fasi@example.fi", "password": "guess"}
    codes = [client.post("/api/v1/auth/token", json=wrong).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
