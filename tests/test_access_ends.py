"""Access ends when it ends (#13): signing out, a removed co-facilitator, a deleted
board and a removed participant close the open streams within a second, with 4408, on
which the page does not reconnect. With Redis the stream is held by another worker than
the one that ended the access."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.hub.channel import CLOSE_ACCESS_ENDED
from app.main import create_app
from tests.conftest import bearer, facilitator_token, join, make_facilitator, post_note
from tests.wsutil import receive_events, receive_until_closed, stream_url, token_of

pytestmark = [pytest.mark.all_backends]


@pytest.fixture
def watcher(client: TestClient, settings: Settings) -> Iterator[TestClient]:
    """Where streams are opened: a second worker when the hub is Redis (the access end
    must travel between processes), otherwise the same app."""
    if settings.redis_url is None:
        yield client
        return
    with TestClient(create_app(settings)) as other:
        yield other


@contextmanager
def stream(watcher: TestClient, board: dict[str, Any], headers: dict[str, str]) -> Iterator[Any]:
    """An open stream, subscribed: its pong proves the server has let it in."""
    url = stream_url(board["id"], token_of(headers), board["seq"])
    with watcher.websocket_connect(url) as ws:
        ws.send_json({"type": "ping"})
        assert receive_events(ws, 1)[0]["type"] == "pong"
        yield ws


def still_live(ws: Any, client: TestClient, board: dict[str, Any], writer: dict[str, str]) -> bool:
    post_note(client, board, writer, "Yhä täällä")
    return receive_events(ws, 1)[0]["data"]["text"] == "Yhä täällä"


def test_signing_out_closes_that_sessions_streams_only(
    client: TestClient, watcher: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    with stream(watcher, board, facilitator) as mine, stream(watcher, board, anna) as hers:
        assert client.delete("/api/v1/auth/token", headers=facilitator).status_code == 204
        code, _ = receive_until_closed(mine, seconds=1)
        assert code == CLOSE_ACCESS_ENDED
        assert still_live(hers, client, board, anna)


def test_removing_a_co_facilitator_closes_their_streams(
    client: TestClient,
    watcher: TestClient,
    board: dict[str, Any],
    facilitator: dict[str, str],
    db: Any,
) -> None:
    make_facilitator(db, "toinen@example.fi", "Toinen")
    other = bearer(facilitator_token(client, "toinen@example.fi"))
    url = f"/api/v1/boards/{board['id']}/facilitators"
    added = client.post(url, json={"email": "toinen@example.fi"}, headers=facilitator).json()
    with stream(watcher, board, other) as theirs, stream(watcher, board, facilitator) as mine:
        assert client.delete(f"{url}/{added['id']}", headers=facilitator).status_code == 204
        code, _ = receive_until_closed(theirs, seconds=1)
        assert code == CLOSE_ACCESS_ENDED
        assert still_live(mine, client, board, facilitator)


def test_deleting_a_board_closes_everyones_stream_after_saying_so(
    client: TestClient, watcher: TestClient, board: dict[str, Any], facilitator: dict[str, str]
) -> None:
    anna = join(client, board["id"], "Anna")
    with stream(watcher, board, anna) as hers, stream(watcher, board, facilitator) as mine:
        deleted = client.delete(f"/api/v1/boards/{board['id']}", headers=facilitator)
        assert deleted.status_code == 204
        for ws in (hers, mine):
            code, received = receive_until_closed(ws, seconds=1)
            assert code == CLOSE_ACCESS_ENDED
            assert [e["type"] for e in received] == ["board.deleted"]
