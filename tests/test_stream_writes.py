"""Notes sent over the board's stream (#11, app/api/stream_writes.py): the same change as
the REST route, through a cheaper door. The writer gets an ack, everyone the usual
event; whatever is wrong gets an error frame naming it, nothing is stored and the stream
goes on."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api import stream_writes
from app.api.stream_writes import Writer
from tests.conftest import join, post_note
from tests.wsutil import events_of, receive_events, receive_until_closed, stream_url, token_of


def notes_on(client: TestClient, board: dict[str, Any], headers: dict[str, str]) -> list[str]:
    answer = client.get(f"/api/v1/boards/{board['id']}", headers=headers)
    return [note["text"] for note in answer.json()["notes"]]


def send_note(ws: Any, data: Any, ref: Any = "r1") -> dict[str, Any]:
    """Send a note.create frame and return the answer to it (events may come first)."""
    ws.send_text(json.dumps({"type": "note.create", "ref": ref, "data": data}))
    while True:
        for frame in events_of(ws.receive_text()):
            if frame.get("type") in ("ack", "error"):
                return frame


def test_a_note_sent_on_the_stream_is_stored_and_reaches_everyone(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna, ben = join(client, board["id"], "Anna"), join(client, board["id"], "Ben")
    column = board["columns"][1]["id"]
    with (
        client.websocket_connect(stream_url(board["id"], token_of(anna), board["seq"])) as mine,
        client.websocket_connect(stream_url(board["id"], token_of(ben), board["seq"])) as theirs,
    ):
        answer = send_note(mine, {"column_id": column, "text": "Ohjaus kaikille"}, ref="eka")
        assert answer["type"] == "ack" and answer["ref"] == "eka"
        assert answer["data"]["text"] == "Ohjaus kaikille"
        assert answer["data"]["column_id"] == column
        [event] = receive_events(theirs, 1)
        assert event["type"] == "note.created"
        assert event["data"]["id"] == answer["data"]["id"]
        assert event["seq"] == board["seq"] + 1
    assert notes_on(client, board, facilitator) == ["Ohjaus kaikille"]
    metrics = client.get("/metrics").text  # timed for operators, as requests are
    assert 'paja_stream_write_seconds_count{status="201",type="note.create"}' in metrics


def test_a_note_resent_with_its_key_is_stored_once(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    """A page that lost the ack sends the note again, over the stream or the form: the
    client key makes both answers the same note."""
    anna = join(client, board["id"])
    data = {"column_id": board["columns"][0]["id"], "text": "Kerran", "client_key": "avain-123"}
    with client.websocket_connect(stream_url(board["id"], token_of(anna))) as ws:
        first = send_note(ws, data)
        again = send_note(ws, data)
    by_form = client.post(f"/api/v1/boards/{board['id']}/notes", json=data, headers=anna)
    assert first["data"]["id"] == again["data"]["id"] == by_form.json()["id"]
    assert notes_on(client, board, facilitator) == ["Kerran"]


@pytest.mark.parametrize(
    ("data", "ref", "status", "says"),
    [
        (None, "r", 422, "data"),
        ({"text": "Ilman saraketta"}, "r", 422, "data.column_id"),
        ({"column_id": "nope", "text": "Väärä sarake"}, "r", 422, "Saraketta"),
        ({"column_id": 0, "text": "   "}, "r", 422, "Muistiinpano"),
        ({"column_id": 0, "text": "x" * 5001}, "r", 422, "5000"),
        ({"column_id": 0, "text": "Huono avain", "client_key": "ä"}, "r", 422, "client_key"),
        ({"column_id": 0, "text": "Huono viite"}, {"deep": 1}, 422, "ref"),
    ],
    ids=["no-data", "no-column", "unknown-column", "blank", "too-long", "bad-key", "bad-ref"],
)
def test_a_bad_note_gets_an_error_naming_it_and_nothing_is_stored(
    app: Any,
    client: TestClient,
    board: dict[str, Any],
    facilitator: dict[str, str],
    data: Any,
    ref: Any,
    status: int,
    says: str,
) -> None:
    app.state.settings.ws_max_frame_bytes = 20_000  # room for the too-long note
    anna = join(client, board["id"])
    if isinstance(data, dict) and data.get("column_id") == 0:
        data = {**data, "column_id": board["columns"][0]["id"]}
    url = stream_url(board["id"], token_of(anna)) + "&lang=fi"
    with client.websocket_connect(url) as ws:
        answer = send_note(ws, data, ref)
        assert answer["type"] == "error" and answer["status"] == status, answer
        assert says in answer["detail"]
        assert answer["ref"] == (ref if isinstance(ref, str) else None)
        ws.send_text('{"type":"ping","data":1}')
        assert events_of(ws.receive_text())[0]["type"] == "pong"  # the stream goes on
    assert notes_on(client, board, facilitator) == []


def test_a_locked_board_refuses_notes_on_the_stream_too(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"])
    with client.websocket_connect(stream_url(board["id"], token_of(anna), board["seq"])) as ws:
        client.patch(
            f"/api/v1/boards/{board['id']}", json={"status": "locked"}, headers=facilitator
        )
        receive_events(ws, 1)  # board.updated
        answer = send_note(ws, {"column_id": board["columns"][0]["id"], "text": "Myöhässä"})
    assert (answer["type"], answer["status"]) == ("error", 423)
    assert notes_on(client, board, facilitator) == []


def test_the_stream_and_the_api_spend_one_quota(
    app: Any, client: TestClient, board: dict[str, Any]
) -> None:
    from limits import parse

    app.state.rate_limits.posts = parse("3/minute")
    flooder, calm = join(client, board["id"]), join(client, board["id"])
    column = board["columns"][0]["id"]
    post_note(client, board, flooder, "REST 1")
    with client.websocket_connect(stream_url(board["id"], token_of(flooder))) as ws:
        answers = [send_note(ws, {"column_id": column, "text": f"tulva {i}"}) for i in range(3)]
    assert [a["type"] for a in answers] == ["ack", "ack", "error"]
    assert answers[-1]["status"] == 429
    over = client.post(
        f"/api/v1/boards/{board['id']}/notes",
        json={"column_id": column, "text": "REST 2"},
        headers=flooder,
    )
    assert over.status_code == 429
    post_note(client, board, calm, "Rauhallinen")


def test_a_participant_removed_while_streaming_cannot_write_through_it(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    """A socket opened before the removal does not keep the right to write: the stream
    ends, and a note that was on its way is refused, not stored."""
    anna = join(client, board["id"], "Anna")
    column = board["columns"][0]["id"]
    with client.websocket_connect(stream_url(board["id"], token_of(anna))) as ws:
        assert send_note(ws, {"column_id": column, "text": "Ennen"})["type"] == "ack"
        _remove(client, board, facilitator, "Anna")
        late = {"type": "note.create", "data": {"column_id": column, "text": "Jälkeen"}}
        ws.send_text(json.dumps(late))
        code, frames = receive_until_closed(ws, 5)
    assert code == 4408
    assert [f for f in frames if f.get("type") == "ack"] == []
    assert notes_on(client, board, facilitator) == ["Ennen"]


def test_each_note_checks_its_writer_again(
    app: Any, client: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    """The tokens a stream was opened with are checked for every note, as a request's
    are, whether or not the stream has been closed yet."""
    anna = join(client, board["id"], "Anna")
    _remove(client, board, facilitator, "Anna")
    writer = Writer(board["id"], [token_of(anna)], "en")
    note = {"type": "note.create", "data": {"column_id": board["columns"][0]["id"], "text": "x"}}
    state = app.state
    answer = client.portal.call(
        stream_writes.create_note, state.units, state.settings, writer, note
    )
    assert (answer["type"], answer["status"]) == ("error", 403)
    assert notes_on(client, board, facilitator) == []


def _remove(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], name: str
) -> None:
    participants = client.get(f"/api/v1/boards/{board['id']}/participants", headers=facilitator)
    [who] = [p["id"] for p in participants.json() if p["name"] == name]
    removed = client.delete(f"/api/v1/boards/{board['id']}/participants/{who}", headers=facilitator)
    assert removed.status_code in (200, 204), removed.text
