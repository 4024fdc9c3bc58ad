"""The write queue: changes take turns in arrival order, a change that would wait too
long is refused at once with a time to retry, and a refusal changes nothing."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient

from app.unit import Busy, WriteQueue
from tests.conftest import join, post_note


def test_changes_take_turns_in_arrival_order() -> None:
    order: list[int] = []

    async def main() -> None:
        queue = WriteQueue(max_wait=5)

        async def change(number: int) -> None:
            async with queue.turn("board"):
                order.append(number)
                await anyio.sleep(0.01)

        async with anyio.create_task_group() as group:
            for number in range(5):
                group.start_soon(change, number)
                await anyio.sleep(0)  # each arrives after the one before

    anyio.run(main)
    assert order == [0, 1, 2, 3, 4]


def test_a_change_that_would_wait_too_long_is_refused_at_once() -> None:
    async def main() -> Busy:
        queue = WriteQueue(max_wait=1)
        queue.seconds_per_change = 30  # as if each change took half a minute
        async with queue.turn("board"):
            with pytest.raises(Busy) as refused:
                with anyio.fail_after(0.5):  # refused without waiting
                    async with queue.turn("board"):
                        pass
        return refused.value

    refusal = anyio.run(main)
    assert refusal.status_code == 503
    assert refusal.retry_after >= 29


def test_when_changes_turn_out_slow_the_latest_arrivals_are_refused() -> None:
    written: list[int] = []
    refused: list[int] = []

    async def main() -> None:
        queue = WriteQueue(max_wait=0.1)

        async def change(number: int) -> None:
            try:
                async with queue.turn("board"):
                    written.append(number)
            except Busy:
                refused.append(number)

        async with anyio.create_task_group() as group, queue.turn("board"):
            for number in range(10):  # admitted: 10 × 5 ms looks like 50 ms
                group.start_soon(change, number)
                await anyio.sleep(0)
            queue.seconds_per_change = 0.05  # but each takes 50 ms: room for 2

    anyio.run(main)
    assert written == [0, 1]  # the first in line keep their turns, in order
    assert sorted(refused) == list(range(2, 10))


def test_a_waiter_whose_client_left_does_not_take_the_turn_with_it() -> None:
    written: list[str] = []

    async def main() -> None:
        queue = WriteQueue(max_wait=5)

        async def change(name: str) -> None:
            async with queue.turn("board"):
                written.append(name)

        async with anyio.create_task_group() as group, queue.turn("board"):
            async with anyio.create_task_group() as leaving:
                leaving.start_soon(change, "left")
                await anyio.sleep(0.01)
                leaving.cancel_scope.cancel()  # the client hung up while waiting
            group.start_soon(change, "stayed")
            await anyio.sleep(0.01)

    anyio.run(main)
    assert written == ["stayed"]


def test_other_boards_do_not_wait() -> None:
    async def main() -> None:
        queue = WriteQueue(max_wait=0.1)
        async with queue.turn("board-a"):
            with anyio.fail_after(0.05):
                async with queue.turn("board-b"):
                    pass

    anyio.run(main)


def test_a_post_refused_for_load_is_a_quick_503_and_changes_nothing(
    client: TestClient, board: dict[str, Any], app: Any
) -> None:
    headers = join(client, board["id"])
    post_note(client, board, headers, "before the rush")
    units = app.state.units
    before = client.get(f"/api/v1/boards/{board['id']}", headers=headers).json()
    key = units.write_key(board["id"])
    units.queue.seconds_per_change = 60.0  # every change ahead would take a minute
    with client.portal.wrap_async_context_manager(units.queue.turn(key)):
        response = client.post(
            f"/api/v1/boards/{board['id']}/notes",
            json={"column_id": board["columns"][0]["id"], "text": "in the rush"},
            headers=headers,
        )
        form = client.post(
            f"/b/{board['id']}/notes",
            data={"column_id": board["columns"][0]["id"], "text": "from the page"},
            headers={**headers, "HX-Request": "true", "Accept-Language": "fi"},
        )
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert "try again" in response.json()["detail"].lower()
    assert form.status_code == 503
    assert int(form.headers["Retry-After"]) >= 1
    assert "Yritä uudelleen" in form.text
    units.queue.seconds_per_change = 0.005
    after = client.get(f"/api/v1/boards/{board['id']}", headers=headers).json()
    assert after["seq"] == before["seq"]
    assert [n["text"] for n in after["notes"]] == ["before the rush"]
