"""The live stream, end to end through the ASGI app."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.conftest import join, post_note
from tests.wsutil import events_of, receive_events, stream_url, token_of

pytestmark = [pytest.mark.all_backends, pytest.mark.slow_db]


def test_two_clients_see_a_third_persons_note_in_the_same_order(
    client: TestClient, board: dict[str, Any]
) -> None:
    anna, ben, cecilia = (join(client, board["id"], n) for n in ("Anna", "Ben", "Cecilia"))
    seq = board["seq"]
    with (
        client.websocket_connect(stream_url(board["id"], token_of(anna), seq)) as first,
        client.websocket_connect(stream_url(board["id"], token_of(ben), seq)) as second,
    ):
        post_note(client, board, cecilia, "Yhteinen digitaalinen kanava")
        post_note(client, board, cecilia, "Onnistumistarinat", column=1)
        seen_first = receive_events(first, 2)
        seen_second = receive_events(second, 2)
    assert seen_first == seen_second
    assert [e["seq"] for e in seen_first] == [seq + 1, seq + 2]
    assert [e["type"] for e in seen_first] == ["note.created", "note.created"]
    assert seen_first[0]["data"]["text"] == "Yhteinen digitaalinen kanava"
    assert seen_first[0]["data"]["author_name"] == "Cecilia"
    assert "Yhteinen digitaalinen kanava" in seen_first[0]["html"]


def test_event_html_escapes_what_people_typed(client: TestClient, board: dict[str, Any]) -> None:
    anna = join(client, board["id"], "<img src=x onerror=alert(1)>")
    with client.websocket_connect(stream_url(board["id"], token_of(anna), board["seq"])) as ws:
        post_note(client, board, anna, "<script>alert(1)</script>")
        [event] = receive_events(ws, 1)
    assert "<script>" not in event["html"] and "<img" not in event["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in event["html"]


def test_reconnect_with_since_gets_exactly_what_was_missed(
    client: TestClient, board: dict[str, Any]
) -> None:
    anna, ben = join(client, board["id"]), join(client, board["id"])
    with client.websocket_connect(stream_url(board["id"], token_of(anna), board["seq"])) as ws:
        note = post_note(client, board, ben, "Ennen katkosta")
        [created] = receive_events(ws, 1)
    last_seen = created["seq"]
    # Offline for a while: three changes happen.
    client.patch(
        f"/api/v1/boards/{board['id']}/notes/{note['id']}", json={"text": "Muokattu"}, headers=ben
    )
    client.put(f"/api/v1/boards/{board['id']}/notes/{note['id']}/vote", headers=ben)
    client.post(
        f"/api/v1/boards/{board['id']}/notes/{note['id']}/comments",
        json={"text": "Kommentti"},
        headers=ben,
    )
    with client.websocket_connect(stream_url(board["id"], token_of(anna), last_seen)) as ws:
        missed = receive_events(ws, 3)
        ws.send_json({"type": "ping"})
        [pong] = events_of(ws.receive_text())
    assert (pong["type"], pong["data"]) == ("pong", None)
    assert [e["seq"] for e in missed] == [last_seen + 1, last_seen + 2, last_seen + 3]
    assert [e["type"] for e in missed] == ["note.updated", "vote.changed", "comment.created"]
    assert missed[1]["data"] == {"note_id": note["id"], "votes": 1}


def test_catch_up_then_live_without_duplicates(client: TestClient, board: dict[str, Any]) -> None:
    anna, ben = join(client, board["id"]), join(client, board["id"])
    start = board["seq"]
    post_note(client, board, ben, "Yksi")
    post_note(client, board, ben, "Kaksi")
    with client.websocket_connect(stream_url(board["id"], token_of(anna), start)) as ws:
        post_note(client, board, ben, "Kolme")
        seen = receive_events(ws, 3)
        ws.send_json({"type": "ping"})
        assert events_of(ws.receive_text())[0]["type"] == "pong"  # nothing else was queued
    assert [e["data"]["text"] for e in seen] == ["Yksi", "Kaksi", "Kolme"]
    assert [e["seq"] for e in seen] == [start + 1, start + 2, start + 3]


def test_since_from_the_future_gets_a_snapshot(client: TestClient, board: dict[str, Any]) -> None:
    anna = join(client, board["id"])
    with client.websocket_connect(stream_url(board["id"], token_of(anna), 10_000)) as ws:
        [frame] = events_of(ws.receive_text())
    assert frame["type"] == "snapshot"
    assert frame["seq"] == board["seq"]
    assert len(frame["data"]["columns"]) == 6


def test_a_page_read_before_the_hub_heard_of_a_commit_is_not_reloaded(
    client: TestClient, board: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page rendered just after a commit can be ahead of this hub for a moment: its
    stream waits for the event instead of answering with a snapshot (which makes the
    page reload under someone who is typing), and does not send that event twice."""
    anna, ben = join(client, board["id"]), join(client, board["id"])
    db = client.app.state.db
    publish = db.publish
    held: list[Any] = []
    with client.websocket_connect(stream_url(board["id"], token_of(ben), board["seq"])) as watcher:
        monkeypatch.setattr(db, "publish", held.extend)
        post_note(client, board, ben, "Hubi ei ole vielä kuullut")
        page_seq = board["seq"] + 1
        with client.websocket_connect(stream_url(board["id"], token_of(anna), page_seq)) as ws:
            ws.send_json({"type": "ping"})
            assert [e["type"] for e in events_of(ws.receive_text())] == ["pong"]
            monkeypatch.setattr(db, "publish", publish)
            publish(held)
            post_note(client, board, ben, "Seuraava")
            [after] = receive_events(ws, 1)
        assert [e["data"]["text"] for e in receive_events(watcher, 2)] == [
            "Hubi ei ole vielä kuullut",
            "Seuraava",
        ]
    assert (after["seq"], after["data"]["text"]) == (page_seq + 1, "Seuraava")


def test_a_frame_that_is_not_json_gets_an_error_and_the_stream_lives_on(
    client: TestClient, board: dict[str, Any]
) -> None:
    anna, ben = join(client, board["id"]), join(client, board["id"])
    with client.websocket_connect(stream_url(board["id"], token_of(anna), board["seq"])) as ws:
        ws.send_text("this is not json {")
        [error] = events_of(ws.receive_text())
        ws.send_bytes(b"\x00\x01")
        [binary_error] = events_of(ws.receive_text())
        ws.send_json({"type": "shout"})
        [unknown] = events_of(ws.receive_text())
        post_note(client, board, ben, "Yhä elossa")
        [created] = receive_events(ws, 1)
    assert error["type"] == binary_error["type"] == unknown["type"] == "error"
    assert "not JSON" in error["detail"]
    assert created["data"]["text"] == "Yhä elossa"


@pytest.mark.parametrize(("token", "code"), [("made-up", 4401), (None, 4401)])
def test_stream_without_valid_credentials_is_closed(
    client: TestClient, board: dict[str, Any], token: str | None, code: int
) -> None:
    url = f"/api/v1/boards/{board['id']}/ws" + (f"?token={token}" if token else "")
    with client.websocket_connect(url) as ws, pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_text()
    assert closed.value.code == code


def test_stream_of_another_board_is_closed_403(
    client: TestClient, facilitator: dict[str, str], board: dict[str, Any]
) -> None:
    other = client.post("/api/v1/boards", json={"title": "Toinen"}, headers=facilitator).json()
    outsider = join(client, other["id"])
    with (
        client.websocket_connect(stream_url(board["id"], token_of(outsider))) as ws,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        ws.receive_text()
    assert closed.value.code == 4403


def test_bad_since_is_closed_4400(client: TestClient, board: dict[str, Any]) -> None:
    anna = join(client, board["id"])
    url = f"/api/v1/boards/{board['id']}/ws?token={token_of(anna)}&since=yesterday"
    with client.websocket_connect(url) as ws, pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_text()
    assert closed.value.code == 4400


def test_cookie_stream_from_another_site_is_refused(
    client: TestClient, board: dict[str, Any]
) -> None:
    joined = client.post(f"/b/{board['id']}/join", data={"name": "Anna"}, follow_redirects=False)
    assert joined.status_code == 303
    url = f"/api/v1/boards/{board['id']}/ws"
    with (
        client.websocket_connect(url, headers={"Origin": "https://evil.example"}) as ws,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        ws.receive_text()
    assert closed.value.code == 4403
    with client.websocket_connect(url, headers={"Origin": "http://testserver"}) as ws:
        ws.send_json({"type": "ping"})
        assert events_of(ws.receive_text())[0]["type"] == "pong"


def test_frame_budget_lets_a_burst_through_then_drops_the_flood() -> None:
    from app.hub.people import FrameBudget

    budget = FrameBudget(20)
    taken = [budget.take() for _ in range(100)]
    assert taken.count(True) == 20


def test_snapshots_share_the_board_and_keep_each_viewer_apart(
    client: TestClient, board: dict[str, Any]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    note = post_note(client, board, anna, "Annan")
    frames = []
    for person in (anna, ben):
        with client.websocket_connect(stream_url(board["id"], token_of(person), 10_000)) as ws:
            [frame] = events_of(ws.receive_text())
            frames.append(frame)
    assert frames[0]["data"]["notes"] == frames[1]["data"]["notes"]
    assert frames[0]["data"]["viewer"]["own_note_ids"] == [note["id"]]
    assert frames[1]["data"]["viewer"]["own_note_ids"] == []


def test_an_allowed_origin_may_open_the_cookie_stream(
    settings: Any, client: TestClient, board: dict[str, Any]
) -> None:
    settings.allowed_origins = "https://intra.example.fi, https://other.example.fi"
    client.post(f"/b/{board['id']}/join", data={"name": "Anna"})
    url = f"/api/v1/boards/{board['id']}/ws"
    with client.websocket_connect(url, headers={"Origin": "https://intra.example.fi"}) as ws:
        ws.send_json({"type": "ping"})
        assert events_of(ws.receive_text())[0]["type"] == "pong"
