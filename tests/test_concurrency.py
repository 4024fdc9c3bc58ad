"""Many writers on one board at once: seq stays gap-free and every client sees every
event once, in order."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.models import Event
from tests.conftest import join
from tests.wsutil import receive_events, stream_url, token_of

pytestmark = pytest.mark.all_backends

WRITERS = 8
NOTES_EACH = 10


def test_parallel_writers_keep_seq_gap_free_and_ordered(
    client: TestClient, board: dict[str, Any], db: Any
) -> None:
    writers = [join(client, board["id"], f"Ryhmä {i}") for i in range(WRITERS)]
    readers = [join(client, board["id"]) for _ in range(2)]
    start = board["seq"]
    column_id = board["columns"][0]["id"]

    def write(headers: dict[str, str]) -> list[int]:
        codes = []
        for n in range(NOTES_EACH):
            response = client.post(
                f"/api/v1/boards/{board['id']}/notes",
                json={"column_id": column_id, "text": f"muistiinpano {n}"},
                headers=headers,
            )
            codes.append(response.status_code)
        return codes

    total = WRITERS * NOTES_EACH
    with (
        client.websocket_connect(stream_url(board["id"], token_of(readers[0]), start)) as one,
        client.websocket_connect(stream_url(board["id"], token_of(readers[1]), start)) as two,
    ):
        with ThreadPoolExecutor(WRITERS) as pool:
            results = list(pool.map(write, writers))
        seen_one = [e["seq"] for e in receive_events(one, total)]
        seen_two = [e["seq"] for e in receive_events(two, total)]

    assert all(code == 201 for codes in results for code in codes)
    expected = list(range(start + 1, start + total + 1))
    assert seen_one == expected
    assert seen_two == expected
    with db.session() as session:
        stored = session.exec(
            select(Event.seq).where(Event.board_id == board["id"]).order_by(Event.seq)
        ).all()
    assert list(stored) == list(range(1, start + total + 1))
