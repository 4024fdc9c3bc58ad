"""Boards through the REST API: creation, templates, snapshots, membership."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import join, post_note

NATIONAL_PRIORITIES = [
    "Saavutettavasti ja asiakaslähtöisesti",
    "Digitaalisesti ja monikanavaisesti",
    "Laadukkaasti",
    "Yhdenvertaisesti ja kestävästi",
    "Monialaisesti ja koordinoidusti",
    "Tietoon perustuen",
]


def test_national_template_makes_six_described_columns(board: dict[str, Any]) -> None:
    assert [c["title"] for c in board["columns"]] == NATIONAL_PRIORITIES
    assert all(c["description"] for c in board["columns"])
    assert [c["position"] for c in board["columns"]] == list(range(6))
    assert board["language"] == "fi" and board["status"] == "open"


def test_templates_are_public(client: TestClient) -> None:
    templates = client.get("/api/v1/templates").json()
    ids = {t["id"] for t in templates}
    assert {"elo-national-2020", "kainuu-2021", "works-well-to-develop"} <= ids


def test_board_with_own_columns(client: TestClient, facilitator: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/boards",
        json={
            "title": "Kysely",
            "language": "sv",
            "columns": [{"title": "A. Mikä toimii hyvin?"}, {"title": "B. Kehitettävää?"}],
        },
        headers=facilitator,
    )
    assert response.status_code == 201
    assert [c["title"] for c in response.json()["columns"]] == [
        "A. Mikä toimii hyvin?",
        "B. Kehitettävää?",
    ]
    assert response.json()["language"] == "sv"


def test_board_ids_are_unguessable(board: dict[str, Any]) -> None:
    assert len(board["id"]) >= 16  # 96 random bits, URL-safe base64


def test_facilitator_lists_boards_with_counts(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any]
) -> None:
    guest = join(client, board["id"], "Anna")
    post_note(client, board, guest, "Yhteiset työpajat")
    listed = client.get("/api/v1/boards", headers=facilitator).json()
    assert [(b["id"], b["note_count"], b["participant_count"]) for b in listed] == [
        (board["id"], 1, 2)  # the facilitator is a member too
    ]


def test_snapshot_shows_notes_with_comments_and_votes(
    client: TestClient, board: dict[str, Any]
) -> None:
    guest = join(client, board["id"], "Anna")
    note = post_note(client, board, guest, "Onnistumistarinat näkyviin")
    client.post(
        f"/api/v1/boards/{board['id']}/notes/{note['id']}/comments",
        json={"text": "Samaa mieltä"},
        headers=guest,
    )
    client.put(f"/api/v1/boards/{board['id']}/notes/{note['id']}/vote", headers=guest)
    snapshot = client.get(f"/api/v1/boards/{board['id']}", headers=guest).json()
    [shown] = snapshot["notes"]
    assert shown["text"] == "Onnistumistarinat näkyviin"
    assert shown["author_name"] == "Anna"
    assert shown["votes"] == 1
    assert [c["text"] for c in shown["comments"]] == ["Samaa mieltä"]
    assert snapshot["viewer"]["own_note_ids"] == [note["id"]]
    assert snapshot["viewer"]["voted_note_ids"] == [note["id"]]


def test_participant_of_another_board_cannot_read(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any]
) -> None:
    other = client.post("/api/v1/boards", json={"title": "Toinen"}, headers=facilitator).json()
    outsider = join(client, other["id"])
    response = client.get(f"/api/v1/boards/{board['id']}", headers=outsider)
    assert response.status_code == 403
    assert "not a member" in response.json()["detail"]


def test_participant_cannot_do_facilitator_things(
    client: TestClient, board: dict[str, Any]
) -> None:
    guest = join(client, board["id"])
    base = f"/api/v1/boards/{board['id']}"
    assert client.patch(base, json={"status": "locked"}, headers=guest).status_code == 403
    assert client.post(f"{base}/columns", json={"title": "X"}, headers=guest).status_code == 403
    assert client.get("/api/v1/boards", headers=guest).status_code == 403
    assert client.post("/api/v1/boards", json={"title": "X"}, headers=guest).status_code == 403


def test_locked_board_refuses_writes_with_423(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any]
) -> None:
    guest = join(client, board["id"])
    note = post_note(client, board, guest, "Ennen lukitusta")
    locked = client.patch(
        f"/api/v1/boards/{board['id']}", json={"status": "locked"}, headers=facilitator
    )
    assert locked.json()["status"] == "locked"
    response = client.post(
        f"/api/v1/boards/{board['id']}/notes",
        json={"column_id": board["columns"][0]["id"], "text": "Liian myöhään"},
        headers=guest,
    )
    assert response.status_code == 423
    assert (
        client.delete(f"/api/v1/boards/{board['id']}/notes/{note['id']}", headers=guest).status_code
        == 423
    )
    snapshot = client.get(f"/api/v1/boards/{board['id']}", headers=guest).json()
    assert [n["text"] for n in snapshot["notes"]] == ["Ennen lukitusta"]


def test_columns_are_added_and_reordered(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any]
) -> None:
    base = f"/api/v1/boards/{board['id']}"
    added = client.post(
        f"{base}/columns", json={"title": "Muuta", "position": 0}, headers=facilitator
    )
    assert added.status_code == 201
    moved = client.patch(
        f"{base}/columns/{added.json()['id']}", json={"position": 6}, headers=facilitator
    )
    assert moved.json()["position"] == 6
    titles = [c["title"] for c in client.get(base, headers=facilitator).json()["columns"]]
    assert titles == [*NATIONAL_PRIORITIES, "Muuta"]


def test_unknown_board_is_404(client: TestClient, facilitator: dict[str, str]) -> None:
    assert client.get("/api/v1/boards/nope", headers=facilitator).status_code == 404
