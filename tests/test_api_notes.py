"""Notes, comments and votes through the REST API, and who may change what."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import join, post_note

pytestmark = pytest.mark.all_backends


def note_url(board: dict[str, Any], note: dict[str, Any] | None = None) -> str:
    base = f"/api/v1/boards/{board['id']}/notes"
    return f"{base}/{note['id']}" if note else base


def test_author_edits_and_deletes_own_note(client: TestClient, board: dict[str, Any]) -> None:
    guest = join(client, board["id"], "Anna")
    note = post_note(client, board, guest, "Luonnos")
    edited = client.patch(note_url(board, note), json={"text": "Valmis"}, headers=guest)
    assert edited.status_code == 200 and edited.json()["text"] == "Valmis"
    assert client.delete(note_url(board, note), headers=guest).status_code == 204
    assert client.get(f"/api/v1/boards/{board['id']}", headers=guest).json()["notes"] == []


def test_participant_cannot_edit_or_delete_anothers_note(
    client: TestClient, board: dict[str, Any]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    note = post_note(client, board, anna, "Annan idea")
    response = client.patch(note_url(board, note), json={"text": "Benin versio"}, headers=ben)
    assert response.status_code == 403
    assert "your own" in response.json()["detail"]
    assert client.delete(note_url(board, note), headers=ben).status_code == 403
    [stored] = client.get(f"/api/v1/boards/{board['id']}", headers=anna).json()["notes"]
    assert stored["text"] == "Annan idea"


def test_facilitator_edits_any_note(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any]
) -> None:
    guest = join(client, board["id"])
    note = post_note(client, board, guest, "kirjoitusvirhe")
    edited = client.patch(note_url(board, note), json={"text": "Korjattu"}, headers=facilitator)
    assert edited.json()["text"] == "Korjattu"


def test_notes_move_between_columns_and_positions(
    client: TestClient, board: dict[str, Any]
) -> None:
    guest = join(client, board["id"])
    first, second, third = (post_note(client, board, guest, t) for t in ("1", "2", "3"))
    moved = client.patch(note_url(board, third), json={"position": 0}, headers=guest)
    assert moved.json()["position"] == 0
    across = client.patch(
        note_url(board, first), json={"column_id": board["columns"][1]["id"]}, headers=guest
    )
    assert across.json()["column_id"] == board["columns"][1]["id"]
    notes = client.get(f"/api/v1/boards/{board['id']}", headers=guest).json()["notes"]
    assert [(n["text"], n["column_id"]) for n in notes] == [
        ("3", board["columns"][0]["id"]),
        ("2", board["columns"][0]["id"]),
        ("1", board["columns"][1]["id"]),
    ]
    assert second["position"] == 1


def test_next_step_kind_round_trips(client: TestClient, board: dict[str, Any]) -> None:
    guest = join(client, board["id"])
    response = client.post(
        note_url(board),
        json={"column_id": board["columns"][0]["id"], "text": "Työpaja", "kind": "next_step"},
        headers=guest,
    )
    assert response.json()["kind"] == "next_step"


def test_one_vote_per_participant_per_note(client: TestClient, board: dict[str, Any]) -> None:
    anna, ben = join(client, board["id"]), join(client, board["id"])
    note = post_note(client, board, anna, "Äänestä tätä")
    url = f"{note_url(board, note)}/vote"
    assert client.put(url, headers=anna).json() == {
        "note_id": note["id"],
        "votes": 1,
        "voted": True,
        "mine": 1,
        "votes_left": None,
    }
    assert client.put(url, headers=anna).json()["votes"] == 1
    assert client.put(url, headers=ben).json()["votes"] == 2
    assert client.delete(url, headers=anna).json() == {
        "note_id": note["id"],
        "votes": 1,
        "voted": False,
        "mine": 0,
        "votes_left": None,
    }


def test_comment_is_attached_to_its_note(client: TestClient, board: dict[str, Any]) -> None:
    guest = join(client, board["id"], "Anna")
    note = post_note(client, board, guest, "Idea")
    comment = client.post(
        f"{note_url(board, note)}/comments", json={"text": "  Hyvä!  "}, headers=guest
    )
    assert comment.status_code == 201
    assert comment.json()["text"] == "Hyvä!"
    assert comment.json()["author_name"] == "Anna"
