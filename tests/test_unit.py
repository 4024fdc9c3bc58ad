"""The write queue: changes take turns in arrival order, a change that would wait too
long is refused at once with a time to retry, and a refusal changes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from app.api import stream_writes
from app.api.deps import resolve_principal
from app.errors import Conflict, InvalidInput, LimitReached, NotFound
from app.models import Board, Note
from app.schemas import NoteCreate, ReactionName
from app.services import notes, sharing, signals
from app.services.members import actor_for, lock_board
from app.unit import Busy, WriteQueue
from tests.conftest import join, post_note
from tests.wsutil import receive_events, stream_url, token_of


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


@pytest.mark.all_backends
def test_notes_sent_in_the_same_moment_commit_together_and_a_refused_one_changes_nothing(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], app: Any
) -> None:
    """A room presses Enter at once while another change holds the write turn: the notes
    that arrive meanwhile are written in one transaction (one commit), each answered
    with its own note; one that is refused (a column of no board) gets its own 422 and
    leaves no note, no event and no gap in seq for the others."""
    people = [join(client, board["id"], f"P{i}") for i in range(6)]
    tokens = [headers["Authorization"].removeprefix("Bearer ") for headers in people]
    column = board["columns"][0]["id"]
    units, settings = app.state.units, app.state.settings
    start = client.get(f"/api/v1/boards/{board['id']}", headers=facilitator).json()["seq"]
    commits = _count_commits(app.state.db.engine)

    async def room() -> list[dict[str, Any]]:
        async def send(number: int) -> dict[str, Any]:
            writer = stream_writes.Writer(board["id"], [tokens[number]], "en")
            place = "no-such-column" if number == 3 else column
            message = {"ref": str(number), "data": {"column_id": place, "text": f"Idea {number}"}}
            return await stream_writes.create_note(units, settings, writer, message)

        async with units.queue.turn(units.write_key(board["id"])):
            sending = [asyncio.ensure_future(send(number)) for number in range(6)]
            await asyncio.sleep(0.05)  # all six arrive while the turn is taken
            assert not any(task.done() for task in sending)
            before = commits[0]
        answers = await asyncio.gather(*sending)
        assert commits[0] == before + 1  # the five notes and the refusal: one commit
        return answers

    answers = client.portal.call(room)
    assert [a["type"] for a in answers] == ["ack", "ack", "ack", "error", "ack", "ack"]
    assert answers[3]["status"] == 422 and "column" in answers[3]["detail"]
    after = client.get(f"/api/v1/boards/{board['id']}", headers=facilitator).json()
    stored = [note["text"] for note in after["notes"]]
    assert stored == ["Idea 0", "Idea 1", "Idea 2", "Idea 4", "Idea 5"]
    assert [a["data"]["id"] for a in answers if a["type"] == "ack"] == [
        note["id"] for note in after["notes"]
    ]
    assert after["seq"] == start + 5  # one seq per stored note, none for the refusal
    url = stream_url(board["id"], token_of(facilitator), start)
    with client.websocket_connect(url) as stream:
        events = receive_events(stream, 5)
    assert [e["seq"] for e in events] == list(range(start + 1, start + 6))
    assert [e["type"] for e in events] == ["note.created"] * 5
    assert [e["data"]["id"] for e in events] == [note["id"] for note in after["notes"]]


@pytest.mark.all_backends
def test_people_who_open_the_link_at_once_join_together_and_a_full_board_stops_at_its_limit(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], app: Any
) -> None:
    """A room opens the link while another change holds the write turn: the joins that
    arrive meanwhile commit in one transaction, each gets a token that works, and the
    board's seat limit still holds inside the group: the late ones get the same 409 as a
    join alone, and leave no participant behind."""
    app.state.settings.max_participants_per_board = 4  # the facilitator and three more
    units, settings = app.state.units, app.state.settings
    limits = app.state.rate_limits
    commits = _count_commits(app.state.db.engine)

    def join_as(name: str) -> Any:
        return lambda s: sharing.join(s, settings, limits, board["id"], "192.0.2.7", name, None)

    changes = [join_as(f"P{n}") for n in range(5)]
    answers = _arriving_together(client, units, board["id"], changes, commits)
    joined, refused = answers[:3], answers[3:]
    assert all(isinstance(a, LimitReached) and a.status_code == 409 for a in refused)
    for answer, name in zip(joined, ["P0", "P1", "P2"], strict=True):
        me = client.get(
            f"/api/v1/boards/{board['id']}/me", headers={"Authorization": f"Bearer {answer.token}"}
        )
        assert (me.status_code, me.json()["name"]) == (200, name)
        assert me.json()["participant_id"] == answer.participant_id
    people = client.get(f"/api/v1/boards/{board['id']}/participants", headers=facilitator)
    assert sorted(p["name"] for p in people.json() if p["role"] == "participant") == [
        "P0",
        "P1",
        "P2",
    ]


@pytest.mark.all_backends
def test_votes_cast_at_once_commit_together_and_one_over_the_budget_changes_nothing(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], app: Any
) -> None:
    """The facilitator opens a round of two votes each and the room clicks at once: the
    votes that arrive while the write turn is taken commit in one transaction, each
    answered with its own count; a third vote by the same person is refused (409) and
    leaves no vote, no event and no gap in seq."""
    anna = join(client, board["id"], "Anna")
    bea = join(client, board["id"], "Bea")
    idea = post_note(client, board, facilitator, "Yhteinen ohjauskalenteri")["id"]
    round_ = client.post(
        f"/api/v1/boards/{board['id']}/voting",
        json={"budget": 2, "max_per_note": 2},
        headers=facilitator,
    )
    assert round_.status_code == 200, round_.text
    start = client.get(f"/api/v1/boards/{board['id']}", headers=facilitator).json()["seq"]
    units, settings = app.state.units, app.state.settings
    commits = _count_commits(app.state.db.engine)

    def vote(person: dict[str, str]) -> Any:
        token = person["Authorization"].removeprefix("Bearer ")

        def change(session: Session) -> Any:
            actor = actor_for(session, resolve_principal(session, settings, [token]), board["id"])
            return notes.set_vote(session, actor, idea, on=True)

        return change

    changes = [vote(person) for person in (anna, bea, anna, anna, bea)]
    answers = _arriving_together(client, units, board["id"], changes, commits)
    refused = answers[3]
    assert isinstance(refused, Conflict) and refused.status_code == 409
    assert [(a.mine, a.votes_left) for a in answers if not isinstance(a, Exception)] == [
        (1, 1),
        (1, 1),
        (2, 0),
        (2, 0),
    ]
    after = client.get(f"/api/v1/boards/{board['id']}", headers=facilitator).json()
    assert [n["votes"] for n in after["notes"] if n["id"] == idea] == [4]
    assert after["seq"] == start + 4  # one event per stored vote, none for the refusal
    with client.websocket_connect(stream_url(board["id"], token_of(facilitator), start)) as ws:
        events = receive_events(ws, 4)
    assert [(e["seq"], e["type"]) for e in events] == [
        (start + n, "vote.changed") for n in range(1, 5)
    ]
    assert [e["data"]["votes"] for e in events] == [1, 2, 3, 4]


@pytest.mark.all_backends
def test_reactions_given_at_once_commit_together_and_one_on_no_note_changes_nothing(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], app: Any
) -> None:
    """The room reacts to an idea at once: the reactions commit in one transaction, each
    answered with the giver's own reactions, one on a note that is not there gets its
    404, and the counts the room sees go up one event at a time."""
    people = [join(client, board["id"], name) for name in ("Anna", "Bea", "Cai")]
    idea = post_note(client, board, facilitator, "Ohjaamot kaikkiin kuntiin")["id"]
    start = client.get(f"/api/v1/boards/{board['id']}", headers=facilitator).json()["seq"]
    units, settings = app.state.units, app.state.settings
    commits = _count_commits(app.state.db.engine)

    def react(person: dict[str, str], note_id: str, name: ReactionName) -> Any:
        token = person["Authorization"].removeprefix("Bearer ")

        def change(session: Session) -> Any:
            actor = actor_for(session, resolve_principal(session, settings, [token]), board["id"])
            return signals.set_reaction(session, actor, note_id, name, on=True)

        return change

    heart, bulb = ReactionName.heart, ReactionName.bulb
    changes = [
        react(people[0], idea, heart),
        react(people[1], "no-such-note", heart),
        react(people[1], idea, heart),
        react(people[2], idea, bulb),
    ]
    answers = _arriving_together(client, units, board["id"], changes, commits)
    assert isinstance(answers[1], NotFound) and answers[1].status_code == 404
    assert [a.mine for a in answers if not isinstance(a, Exception)] == [
        ["heart"],
        ["heart"],
        ["bulb"],
    ]
    with client.websocket_connect(stream_url(board["id"], token_of(facilitator), start)) as ws:
        events = receive_events(ws, 3)
    assert [(e["seq"], e["type"]) for e in events] == [
        (start + n, "reaction.changed") for n in (1, 2, 3)
    ]
    assert [e["data"]["reactions"] for e in events] == [
        {"heart": 1},
        {"heart": 2},
        {"heart": 2, "bulb": 1},
    ]


def test_what_a_refused_change_added_but_had_not_flushed_is_not_stored_by_the_next(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], app: Any
) -> None:
    """A change that adds a row and is refused before anything is flushed leaves
    nothing: the next change of its group flushes only its own rows."""
    units = app.state.units
    column = board["columns"][0]["id"]

    def add_then_refuse(session: Session) -> None:
        session.add(Note(board_id=board["id"], column_id=column, text="never stored"))
        raise InvalidInput("Refused before the flush.")

    changes = [add_then_refuse, lambda s: None]
    refused, kept = _arriving_together(client, units, board["id"], changes)
    assert isinstance(refused, InvalidInput) and kept is None
    after = client.get(f"/api/v1/boards/{board['id']}", headers=facilitator).json()
    assert [n["text"] for n in after["notes"]] == []


def _arriving_together(
    client: TestClient,
    units: Any,
    board_id: str,
    changes: list[Callable[[Session], Any]],
    commits: list[int] | None = None,
) -> list[Any]:
    """Start `changes` while another change holds the board's write turn, so they all
    arrive before it is free: what each returned, or what refused it. With `commits`
    counted, they must have committed in one transaction."""

    async def room() -> list[Any]:
        async with units.queue.turn(units.write_key(board_id)):
            started = [asyncio.ensure_future(units.write_together(board_id, c)) for c in changes]
            await asyncio.sleep(0.05)
            assert not any(task.done() for task in started)
            before = commits[0] if commits else 0
        answers = await asyncio.gather(*started, return_exceptions=True)
        if commits is not None:
            assert commits[0] == before + 1
        return answers

    return client.portal.call(room)


def _count_commits(engine: Any) -> list[int]:
    count = [0]

    @event.listens_for(engine, "commit")
    def _one(*_args: Any) -> None:
        count[0] += 1

    return count


@pytest.mark.all_backends
def test_a_change_refused_after_it_wrote_is_rolled_back_inside_its_group(
    client: TestClient, board: dict[str, Any], facilitator: dict[str, str], app: Any
) -> None:
    """A grouped change that fails after it has stored its note and event leaves
    neither, and the next change of its group takes the very next seq."""
    headers = join(client, board["id"], "Anna")
    token = headers["Authorization"].removeprefix("Bearer ")
    units, settings = app.state.units, app.state.settings
    start = client.get(f"/api/v1/boards/{board['id']}", headers=facilitator).json()["seq"]
    data = NoteCreate(column_id=board["columns"][0]["id"], text="kept")

    def add(session: Session, text: str) -> str:
        actor = actor_for(session, resolve_principal(session, settings, [token]), board["id"])
        return notes.add_note(session, settings, actor, data.model_copy(update={"text": text})).id

    still_held: list[Board] = []  # as a service holding the board while it fails

    def add_then_fail(session: Session) -> str:
        add(session, "rolled back")
        still_held.append(lock_board(session, board["id"]))
        raise InvalidInput("Refused after writing.")

    changes = [add_then_fail, lambda s: add(s, "kept")]
    refused, kept_id = _arriving_together(client, units, board["id"], changes)
    assert isinstance(refused, InvalidInput)
    after = client.get(f"/api/v1/boards/{board['id']}", headers=facilitator).json()
    assert [(n["id"], n["text"]) for n in after["notes"]] == [(kept_id, "kept")]
    assert after["seq"] == start + 1
    with client.websocket_connect(stream_url(board["id"], token_of(facilitator), start)) as ws:
        [created] = receive_events(ws, 1)
    assert (created["seq"], created["data"]["id"]) == (start + 1, kept_id)


def test_the_hub_holds_frames_back_for_changes_that_commit_alone_not_for_notes_in_a_group() -> None:
    """A waiting vote will be a frame of its own: the hub merges frames while one waits.
    A waiting group of notes goes out in one frame when it commits: holding frames back
    for it would only delay every note."""

    async def main() -> tuple[int, int]:
        queue = WriteQueue(max_wait=5)
        seen: list[int] = []

        async def wait(group: bool) -> None:
            async with queue.turn("board", group=group):
                pass

        async with anyio.create_task_group() as tasks, queue.turn("board"):
            tasks.start_soon(wait, True)
            await anyio.sleep(0.01)
            seen.append(queue.waiting_alone())
            tasks.start_soon(wait, False)
            await anyio.sleep(0.01)
            seen.append(queue.waiting_alone())
        return seen[0], seen[1]

    assert anyio.run(main) == (0, 1)
