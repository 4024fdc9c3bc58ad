"""The CPU one note costs the server, measured in-process without sockets.

Why: a burst of notes is limited by the CPU each note costs (one core takes the room's
writes on SQLite). The socket scenarios (`bench.scenarios at_once`) show the effect; this
shows the cause, and where it goes, with far less noise: the real app on a real SQLite
file, 100 joined participants, N notes posted one after another through the ASGI
interface (httpx's ASGITransport, so HTTP parsing in uvicorn is the only part left out).

    PYTHONPATH=. python -m bench.write_path --notes 600 [--profile out.prof]
    PYTHONPATH=. python -m bench.write_path --at-once 200
    PYTHONPATH=. python -m bench.write_path --votes-at-once 100

`--at-once N` sends N notes at the same instant through the stream's door
(`stream_writes.create_note`, as the board page does), three rounds after a warm-up, and
reports the CPU per note: the notes that arrive while one change holds the write turn
commit together (app.unit, `Units.write_together`).

`--votes-at-once N` opens a round and lets N people (each joined participant once, or
more) put a vote on the same note at the same instant through `PUT …/notes/{id}/vote`,
three rounds after a warm-up, and reports the wall time and the CPU per vote.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import logging
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from app.config import Settings
from app.db import migrate
from app.main import create_app
from app.services import accounts

PASSWORD = "correct horse battery"
PARTICIPANTS = 100


def _settings(data_dir: Path) -> Settings:
    database = data_dir / "paja.db"
    migrate(f"sqlite:///{database}")
    return Settings(
        database_url=f"sqlite:///{database}",
        secret_key="bench-secret-key-that-is-long-enough",
        data_dir=data_dir,
        base_url="http://bench",
        theme_engine="lexical",
        posts_per_minute=100_000,
        max_notes_per_board=100_000,
    )


async def _room(client: httpx.AsyncClient, app: Any) -> tuple[str, list[str], list[dict]]:
    """A board with the national strategy's columns and PARTICIPANTS joined people."""
    with app.state.db.session() as session:
        accounts.create_facilitator(session, "fasi@example.fi", PASSWORD, "Fasi")
    board = (
        await client.post(
            "/api/v1/boards",
            json={"title": "ELO-foorumi", "template": "elo-national-2020"},
            headers=await _facilitator_headers(client),
        )
    ).json()
    tokens = []
    for i in range(PARTICIPANTS):
        joined = await client.post(
            f"/api/v1/boards/{board['id']}/participants", json={"name": f"P{i}"}
        )
        tokens.append(joined.json()["token"])
    return board["id"], tokens, board["columns"]


async def _post_all(
    client: httpx.AsyncClient, board_id: str, tokens: list[str], columns: list[dict], notes: int
) -> list[float]:
    """Post `notes` notes one after another; the CPU seconds of each."""
    costs = []
    for i in range(notes):
        began = time.process_time()
        answer = await client.post(
            f"/api/v1/boards/{board_id}/notes",
            json={
                "column_id": columns[i % len(columns)]["id"],
                "text": f"Idea number {i} for the strategy",
            },
            headers={
                "Authorization": f"Bearer {tokens[i % len(tokens)]}",
                "Sec-Fetch-Site": "same-origin",
            },
        )
        costs.append(time.process_time() - began)
        if answer.status_code != 201:
            raise SystemExit(f"note {i}: {answer.status_code} {answer.text}")
    return costs


@contextlib.asynccontextmanager
async def _running_room() -> AsyncIterator[tuple[Any, httpx.AsyncClient, str, list[str], list]]:
    """The app on a fresh SQLite file with its lifespan running, an in-process client,
    and the room (_room): the board, its participants' tokens and its columns."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(_settings(Path(folder)))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                board_id, tokens, columns = await _room(client, app)
                yield app, client, board_id, tokens, columns


async def _main(notes: int, profile: str | None) -> None:
    async with _running_room() as (app, client, board_id, tokens, columns):
        await _post_all(client, board_id, tokens, columns, 50)  # warm up
        statements = _count_statements(app.state.db.engine)
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        costs = await _post_all(client, board_id, tokens, columns, notes)
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
    costs.sort()
    print(
        f"{notes} notes posted one after another: CPU per note "
        f"median {statistics.median(costs) * 1000:.2f} ms, "
        f"p90 {costs[int(len(costs) * 0.9)] * 1000:.2f} ms, "
        f"mean {statistics.fmean(costs) * 1000:.2f} ms; "
        f"SQL statements per note {statements[0] / notes:.1f}"
    )


async def _at_once(notes: int) -> None:
    """Rounds of `notes` note.create frames sent at the same instant, in process."""
    from app.api import stream_writes

    async with _running_room() as (app, _client, board_id, tokens, columns):
        units, settings = app.state.units, app.state.settings

        async def send(number: int) -> None:
            writer = stream_writes.Writer(board_id, [tokens[number % len(tokens)]], "fi")
            data = {"column_id": columns[number % len(columns)]["id"], "text": f"Idea {number}"}
            answer = await stream_writes.create_note(units, settings, writer, {"data": data})
            if answer["type"] != "ack":
                raise SystemExit(f"note {number}: {answer}")

        await _rounds(send, notes, "notes at once through the stream's change", "a note")


async def _votes_at_once(votes: int) -> None:
    """Rounds of `votes` votes on one note sent at the same instant, in process."""
    async with _running_room() as (_app, client, board_id, tokens, columns):
        facilitator = await _facilitator_headers(client)
        note = await client.post(
            f"/api/v1/boards/{board_id}/notes",
            json={"column_id": columns[0]["id"], "text": "Yhteinen ohjauskalenteri"},
            headers={**facilitator, "Sec-Fetch-Site": "same-origin"},
        )
        url = f"/api/v1/boards/{board_id}/notes/{note.json()['id']}/vote"
        opened = await client.post(
            f"/api/v1/boards/{board_id}/voting",
            json={"budget": 50, "max_per_note": 50},
            headers=facilitator,
        )
        opened.raise_for_status()

        async def vote(number: int) -> None:
            headers = {"Authorization": f"Bearer {tokens[number % len(tokens)]}"}
            answer = await client.put(url, headers={**headers, "Sec-Fetch-Site": "same-origin"})
            if answer.status_code != 200:
                raise SystemExit(f"vote {number}: {answer.status_code} {answer.text}")

        await _rounds(vote, votes, "votes at once on one note", "a vote (the client's included)")


async def _rounds(send: Callable[[int], Awaitable[None]], count: int, what: str, each: str) -> None:
    """A warm-up, then three rounds of `count` sends at the same instant: wall and CPU."""
    await asyncio.gather(*(send(number) for number in range(min(count, 50))))
    for _ in range(3):
        began, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(send(number) for number in range(count)))
        cpu, wall = time.process_time() - began, time.perf_counter() - wall
        print(
            f"{count} {what}: wall {wall:.3f} s, "
            f"CPU {cpu:.3f} s = {cpu / count * 1000:.2f} ms {each}"
        )


async def _facilitator_headers(client: httpx.AsyncClient) -> dict[str, str]:
    answer = await client.post(
        "/api/v1/auth/token", json={"email": "fasi@example.fi", "password": PASSWORD}
    )
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _count_statements(engine: Any) -> list[int]:
    """Every statement the server sends to the database from now on (BEGIN and COMMIT
    are not statements to SQLAlchemy: add 2 for a note's transaction)."""
    from sqlalchemy import event

    count = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _one(*_args: Any) -> None:
        count[0] += 1

    return count


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the bench client's own log
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=600)
    parser.add_argument("--profile", help="write a cProfile of the timed posts here")
    parser.add_argument("--at-once", type=int, help="N notes at the same instant, instead")
    parser.add_argument("--votes-at-once", type=int, help="N votes at the same instant")
    args = parser.parse_args()
    if args.votes_at_once:
        asyncio.run(_votes_at_once(args.votes_at_once))
        return
    if args.at_once:
        asyncio.run(_at_once(args.at_once))
        return
    asyncio.run(_main(args.notes, args.profile))


if __name__ == "__main__":
    main()
