"""The timer, the joining passcode, co-facilitators, duplicating and own templates."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.models import Board
from tests.conftest import bearer, facilitator_token, join, make_facilitator, post_note
from tests.wsutil import receive_events, stream_url, token_of


def seq_of(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> int:
    return client.get(f"/api/v1/boards/{board['id']}", headers=headers).json()["seq"]


# --- timer -----------------------------------------------------------------------------


def test_timer_reaches_every_browser_with_its_absolute_end(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    guest = join(client, board["id"])
    with client.websocket_connect(stream_url(board["id"], token_of(guest), board["seq"])) as ws:
        response = client.put(
            f"/api/v1/boards/{board['id']}/timer", json={"seconds": 300}, headers=facilitator
        )
        assert response.status_code == 200, response.text
        [event] = receive_events(ws, 1)
    timer = response.json()
    assert event["type"] == "timer.changed"
    assert event["data"]["seconds"] == 300
    started = datetime.fromisoformat(event["data"]["started_at"])
    ends = datetime.fromisoformat(event["data"]["ends_at"])
    assert ends - started == timedelta(seconds=300)
    assert datetime.fromisoformat(timer["ends_at"]) == ends
    assert 'id="timer"' in event["html"]
    snapshot = client.get(f"/api/v1/boards/{board['id']}", headers=guest).json()
    assert datetime.fromisoformat(snapshot["timer_ends_at"]) == ends
    assert snapshot["timer_seconds"] == 300
    assert datetime.fromisoformat(snapshot["server_time"]) < ends


def test_stopping_the_timer_clears_it_for_everyone(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    url = f"/api/v1/boards/{board['id']}/timer"
    client.put(url, json={"seconds": 60}, headers=facilitator)
    response = client.delete(url, headers=facilitator)
    assert response.status_code == 200
    assert response.json()["ends_at"] is None
    snapshot = client.get(f"/api/v1/boards/{board['id']}", headers=facilitator).json()
    assert (snapshot["timer_ends_at"], snapshot["timer_seconds"]) == (None, None)


@pytest.mark.parametrize("seconds", [0, -5, 10801, "five", None])
def test_a_timer_out_of_range_is_422_and_changes_nothing(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], seconds: Any
) -> None:
    before = seq_of(client, board, facilitator)
    response = client.put(
        f"/api/v1/boards/{board['id']}/timer", json={"seconds": seconds}, headers=facilitator
    )
    assert response.status_code == 422
    assert seq_of(client, board, facilitator) == before


def test_a_participant_cannot_start_the_timer(client: TestClient, board: dict[str, Any]) -> None:
    guest = join(client, board["id"])
    before = seq_of(client, board, guest)
    response = client.put(
        f"/api/v1/boards/{board['id']}/timer", json={"seconds": 60}, headers=guest
    )
    assert response.status_code == 403
    assert seq_of(client, board, guest) == before


def test_pong_carries_the_server_time(client: TestClient, board: dict[str, Any]) -> None:
    guest = join(client, board["id"])
    with client.websocket_connect(stream_url(board["id"], token_of(guest), board["seq"])) as ws:
        ws.send_json({"type": "ping", "data": {"t": 1}})
        pong = ws.receive_json()
    assert pong["data"] == {"t": 1}
    server_time = datetime.fromisoformat(pong["server_time"])
    assert server_time.utcoffset() == timedelta(0)


# --- passcode --------------------------------------------------------------------------


def set_passcode(client: TestClient, board: dict[str, Any], headers: dict[str, str], code: str):
    return client.patch(f"/api/v1/boards/{board['id']}", json={"passcode": code}, headers=headers)


def participant_count(db: Any, board_id: str) -> int:
    from sqlmodel import func, select

    from app.models import Participant

    with db.session() as session:
        return session.exec(select(func.count()).where(Participant.board_id == board_id)).one()


def test_a_board_with_a_passcode_lets_in_only_those_who_know_it(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], db: Any
) -> None:
    response = set_passcode(client, board, facilitator, "  kevät24 ")
    assert response.status_code == 200
    assert response.json()["has_passcode"] is True
    url = f"/api/v1/boards/{board['id']}/participants"
    people = participant_count(db, board["id"])
    missing = client.post(url, json={"name": "Anna"})
    wrong = client.post(url, json={"name": "Anna", "passcode": "syksy"})
    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert "passcode" in missing.json()["detail"]
    assert participant_count(db, board["id"]) == people
    right = client.post(url, json={"name": "Anna", "passcode": "kevät24"})
    assert right.status_code == 201
    with db.session() as session:
        stored = session.get(Board, board["id"])
        assert stored is not None and stored.passcode_hash
        assert "kevät24" not in stored.passcode_hash


def test_clearing_the_passcode_opens_the_board_again(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    set_passcode(client, board, facilitator, "salasana")
    response = set_passcode(client, board, facilitator, "")
    assert response.json()["has_passcode"] is False
    join(client, board["id"], "Anna")


def test_wrong_passcodes_are_rate_limited(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], db: Any
) -> None:
    set_passcode(client, board, facilitator, "oikea")
    url = f"/api/v1/boards/{board['id']}/participants"
    for _ in range(10):
        assert client.post(url, json={"passcode": "väärä"}).status_code == 403
    people = participant_count(db, board["id"])
    limited = client.post(url, json={"passcode": "oikea"})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert participant_count(db, board["id"]) == people


def test_a_participant_cannot_set_the_passcode(client: TestClient, board: dict[str, Any]) -> None:
    guest = join(client, board["id"])
    assert set_passcode(client, board, guest, "minun").status_code == 403
    join(client, board["id"])  # still open


# --- co-facilitators -------------------------------------------------------------------


def test_a_co_facilitator_runs_the_board_and_sees_it_on_their_dashboard(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], db: Any
) -> None:
    make_facilitator(db, "toinen@example.fi", "Toinen")
    other = bearer(facilitator_token(client, "toinen@example.fi"))
    url = f"/api/v1/boards/{board['id']}/facilitators"
    response = client.post(url, json={"email": " Toinen@Example.fi "}, headers=facilitator)
    assert response.status_code == 201, response.text
    added = response.json()
    assert (added["email"], added["owner"]) == ("toinen@example.fi", False)
    assert [b["id"] for b in client.get("/api/v1/boards", headers=other).json()] == [board["id"]]
    listed = client.get(url, headers=other).json()
    assert [(f["email"], f["owner"]) for f in listed] == [
        ("fasi@example.fi", True),
        ("toinen@example.fi", False),
    ]
    renamed = client.patch(
        f"/api/v1/boards/{board['id']}", json={"title": "Yhdessä"}, headers=other
    )
    assert renamed.status_code == 200
    owner_id = listed[0]["id"]
    assert client.delete(f"{url}/{owner_id}", headers=other).status_code == 409
    assert client.delete(f"{url}/{added['id']}", headers=facilitator).status_code == 204
    assert client.get("/api/v1/boards", headers=other).json() == []
    assert client.get(f"/api/v1/boards/{board['id']}", headers=other).status_code == 403


def test_adding_an_unknown_email_is_404_and_a_repeat_409(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    url = f"/api/v1/boards/{board['id']}/facilitators"
    unknown = client.post(url, json={"email": "ei.ole@example.fi"}, headers=facilitator)
    assert unknown.status_code == 404
    assert "ei.ole@example.fi" in unknown.json()["detail"]
    again = client.post(url, json={"email": "fasi@example.fi"}, headers=facilitator)
    assert again.status_code == 409
    assert len(client.get(url, headers=facilitator).json()) == 1


# --- duplicating and templates ---------------------------------------------------------


def test_duplicate_with_notes_copies_columns_notes_and_comments_but_no_people(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    guest = join(client, board["id"], "Anna")
    note = post_note(client, board, guest, "Ohjaus kaikille", column=2)
    client.post(
        f"/api/v1/boards/{board['id']}/notes/{note['id']}/comments",
        json={"text": "Samaa mieltä"},
        headers=guest,
    )
    client.put(f"/api/v1/boards/{board['id']}/notes/{note['id']}/vote", headers=guest)
    client.patch(
        f"/api/v1/boards/{board['id']}/notes/{note['id']}",
        json={"kind": "next_step"},
        headers=guest,
    )
    response = client.post(
        f"/api/v1/boards/{board['id']}/duplicate", json={"with_notes": True}, headers=facilitator
    )
    assert response.status_code == 201, response.text
    copy = response.json()
    assert copy["id"] != board["id"] and copy["join_code"] != board["join_code"]
    assert copy["title"] == "ELO-foorumi (kopio)"
    assert [(c["title"], c["description"]) for c in copy["columns"]] == [
        (c["title"], c["description"]) for c in board["columns"]
    ]
    assert copy["question"] == board["question"]
    [copied] = copy["notes"]
    assert (copied["text"], copied["kind"], copied["votes"]) == ("Ohjaus kaikille", "next_step", 0)
    assert copied["column_id"] == copy["columns"][2]["id"]
    assert copied["author_name"] == ""
    assert [c["text"] for c in copied["comments"]] == ["Samaa mieltä"]
    summaries = client.get("/api/v1/boards", headers=facilitator).json()
    assert {s["id"]: s["participant_count"] for s in summaries}[copy["id"]] == 1


def test_duplicate_without_notes_has_only_the_columns(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    post_note(client, board, facilitator, "Jää pois")
    response = client.post(
        f"/api/v1/boards/{board['id']}/duplicate",
        json={"title": "Syksyn foorumi", "with_notes": False},
        headers=facilitator,
    )
    assert response.status_code == 201
    assert response.json()["title"] == "Syksyn foorumi"
    assert response.json()["notes"] == []
    assert len(response.json()["columns"]) == 6


def test_a_board_saved_as_a_template_makes_new_boards_for_its_owner_only(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], db: Any
) -> None:
    response = client.post(
        f"/api/v1/boards/{board['id']}/template", json={"title": "Oma pohja"}, headers=facilitator
    )
    assert response.status_code == 201, response.text
    saved = response.json()
    assert saved["own"] is True and len(saved["columns"]) == 6
    listed = client.get("/api/v1/templates", headers=facilitator).json()
    assert [t["id"] for t in listed if t["own"]] == [saved["id"]]
    assert not any(t["own"] for t in client.get("/api/v1/templates").json())
    created = client.post(
        "/api/v1/boards", json={"title": "Uusi", "template": saved["id"]}, headers=facilitator
    ).json()
    assert [c["description"] for c in created["columns"]] == [
        c["description"] for c in board["columns"]
    ]
    assert created["question"] == board["question"]
    make_facilitator(db, "toinen@example.fi")
    other = bearer(facilitator_token(client, "toinen@example.fi"))
    refused = client.post(
        "/api/v1/boards", json={"title": "Vieras", "template": saved["id"]}, headers=other
    )
    assert refused.status_code == 422
    assert client.delete(f"/api/v1/templates/{saved['id']}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/templates/{saved['id']}", headers=facilitator).status_code == 204
    assert not any(t["own"] for t in client.get("/api/v1/templates", headers=facilitator).json())


def test_a_grid_board_saved_as_a_template_keeps_its_rows(
    client: TestClient, facilitator: dict[str, str]
) -> None:
    grid = client.post(
        "/api/v1/boards",
        json={"title": "Ruudukko", "template": "kaakkois-suomi-2021-grid"},
        headers=facilitator,
    ).json()
    saved = client.post(
        f"/api/v1/boards/{grid['id']}/template", json={"title": "Oma ruudukko"}, headers=facilitator
    ).json()
    assert [r["title"] for r in saved["rows"]] == [r["title"] for r in grid["rows"]]
    created = client.post(
        "/api/v1/boards", json={"title": "Uusi", "template": saved["id"]}, headers=facilitator
    ).json()
    assert len(created["columns"]) == 5
    assert [r["title"] for r in created["rows"]] == ["A. Mikä toimii hyvin?", "B. Kehitettävää?"]
