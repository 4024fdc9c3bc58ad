"""The stream stands up to what a client sends (#13 findings 6 and 10): a cookie never
opens it from another origin, every frame gets an answer and the stream goes on, pings
are small, and one person's sockets and frames are limited together."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.api.routes.ws import CLOSE_TOO_MANY, STREAMS_PER_PERSON
from app.auth_cookies import FACILITATOR_COOKIE
from tests.conftest import join, post_note
from tests.wsutil import events_of, receive_events, replies_within, stream_url, token_of


def reply_to(ws: Any, frame: str) -> dict[str, Any]:
    """The server's answer, which must itself be valid (strict) JSON."""
    ws.send_text(frame)
    text = ws.receive_text()
    [reply] = events_of(text)
    json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in a reply"))
    return reply


@pytest.mark.parametrize("spelling", ["token=", "token=%20", "TOKEN=x&token="])
def test_a_cookie_from_another_origin_never_opens_the_stream(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], spelling: str
) -> None:
    cookie = f"{FACILITATOR_COOKIE}={token_of(facilitator)}"
    url = f"/api/v1/boards/{board['id']}/ws?{spelling}"
    headers = {"Origin": "http://127.0.0.1:9999", "Cookie": cookie}
    with (
        client.websocket_connect(url, headers=headers) as ws,
        pytest.raises(WebSocketDisconnect) as refused,
    ):
        ws.receive_text()
    assert refused.value.code == 4403


@pytest.mark.parametrize(
    "frame",
    [
        "[" * 2048,
        '{"type":"ping","data":' + "[" * 1500 + "]" * 1500 + "}",
        '{"type":"ping","data":NaN}',
        '{"type":"ping","data":-Infinity}',
        '{"type":"ping","data":1e999}',
        '{"type":"ping","data":' + "9" * 4000 + "}",
        '{"type":"ping","data":"' + "x" * 5000 + '"}',
    ],
    ids=["brackets", "deep-ping", "nan", "infinity", "1e999", "huge-int", "oversized"],
)
def test_a_frame_that_cannot_be_answered_gets_an_error_and_the_stream_goes_on(
    client: TestClient, board: dict[str, Any], frame: str
) -> None:
    anna = join(client, board["id"])
    with client.websocket_connect(stream_url(board["id"], token_of(anna), board["seq"])) as ws:
        assert reply_to(ws, frame)["type"] == "error"
        assert reply_to(ws, '{"type":"ping","data":{"t":1}}')["data"] == {"t": 1}
        post_note(client, board, anna, "Yhä pystyssä")
        assert receive_events(ws, 1)[0]["data"]["text"] == "Yhä pystyssä"


def test_one_person_holds_at_most_a_few_streams_on_a_board(
    client: TestClient, board: dict[str, Any]
) -> None:
    anna, ben = join(client, board["id"]), join(client, board["id"])
    url = stream_url(board["id"], token_of(anna), board["seq"])
    opened = [client.websocket_connect(url) for _ in range(STREAMS_PER_PERSON)]
    try:
        for ws in opened:
            ws.__enter__()
            assert reply_to(ws, '{"type":"ping"}')["type"] == "pong"
        with client.websocket_connect(url) as extra, pytest.raises(WebSocketDisconnect) as refused:
            extra.receive_text()
        assert refused.value.code == CLOSE_TOO_MANY
        # Someone else is not affected, and a closed stream frees its place.
        with client.websocket_connect(stream_url(board["id"], token_of(ben))) as other:
            assert reply_to(other, '{"type":"ping"}')["type"] == "pong"
        opened.pop().__exit__(None, None, None)
        with client.websocket_connect(url) as again:
            assert reply_to(again, '{"type":"ping"}')["type"] == "pong"
    finally:
        for ws in opened:
            ws.__exit__(None, None, None)


def test_frames_are_limited_per_person_not_per_socket(
    settings: Any, client: TestClient, board: dict[str, Any]
) -> None:
    anna, ben = join(client, board["id"]), join(client, board["id"])
    rate = settings.ws_frames_per_second
    url = stream_url(board["id"], token_of(anna), board["seq"])
    with (
        client.websocket_connect(url) as first,
        client.websocket_connect(url) as second,
        client.websocket_connect(stream_url(board["id"], token_of(ben))) as other,
    ):
        for ws in (first, second):
            for _ in range(rate):
                ws.send_text('{"type":"ping"}')
        answered = replies_within(first, 0.3) + replies_within(second, 0.3)
        assert rate <= len(answered) < rate + 10  # one budget, refilled for a moment
        assert reply_to(other, '{"type":"ping"}')["type"] == "pong"
