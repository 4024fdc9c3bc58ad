"""The fan-out load generator: N participants on one board, N WebSockets, notes posted
open-loop at R per second, and what it cost the server per delivery.

    python -m bench.fanout --clients 300 --rate 20 --duration 15 \\
        --url http://127.0.0.1:8000/b/BOARD_ID   # or a base URL plus --facilitator E:PW

Open loop: note i is *scheduled* at start + i/R and carries that time in its text, and
its latency is measured from then, so a server that is slow to accept posts cannot
make its deliveries look fast (no coordinated omission). The figure that carries across
machines is server CPU microseconds per delivery; the baseline server gives the ratio.
Every loop here is bounded by a count and a deadline."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import uvloop

from bench.clients import FrozenClient, PicowsClient, Recorder, Target, WebsocketsClient
from bench.common import (
    CpuSample,
    cpu_seconds,
    listener_pid,
    marker,
    marker_prefix,
    percentiles,
    pids_by_name,
    process_tree,
    raise_open_files,
    rss_bytes,
    written_bytes,
)

HANDSHAKES_IN_FLIGHT = 64
# Below the 40 threads of Paja's sync routes: more concurrent POSTs than that can wedge
# a SQLite server for 30 s (see bench/README.md); the burst scenario goes past it on purpose.
POSTS_IN_FLIGHT = 32
SETTLE_SECONDS = 1.5
STEAL_LIMIT_PCT = 5.0
GENERATOR_SATURATED = 0.9
MAX_NOTES = 50_000
ANSWER_TIMEOUT = 60.0
API = "/api/v1"

Client = PicowsClient | WebsocketsClient


@dataclass(frozen=True, slots=True)
class Options:
    url: str
    clients: int = 100
    rate: float | None = 20.0  # None: as fast as the server takes them (closed loop)
    duration: float = 15.0
    facilitator: str | None = None
    server_pid: int | None = None
    frozen: int = 0
    compression: bool = False
    client_lib: str = "picows"
    concurrency: int = 8
    burst: int = 0
    posters: int = 0  # 0: every note by a different participant
    in_flight: int = 0  # 0: POSTS_IN_FLIGHT (at least the burst)
    join_storm: bool = False
    prefill: int = 0
    drain_timeout: float = 10.0
    aux: tuple[str, ...] = ()
    label: str = ""
    post_via: str = "http"  # "stream": note.create on the posters' own streams


@dataclass(slots=True)
class Board:
    base: str
    id: str
    columns: list[str]
    head: int

    @property
    def ws_url(self) -> str:
        return self.base.replace("http", "ws", 1) + f"{API}/boards/{self.id}/ws"


class ServerProbe:
    """Samples the server's process tree (and optionally PostgreSQL and Redis)."""

    def __init__(self, pid: int, aux: Sequence[str]) -> None:
        self.pid = pid
        self.aux = tuple(aux)

    def pids(self) -> list[int]:
        return process_tree(self.pid)

    def sample(self) -> dict[str, float]:
        pids = self.pids()
        return {
            "cpu_s": cpu_seconds(pids),
            "rss": rss_bytes(pids),
            "written": written_bytes(pids),
            "aux_cpu_s": cpu_seconds(pids_by_name(self.aux)) if self.aux else 0.0,
        }


@dataclass(slots=True)
class Window:
    """CPU of server, generator, machine and steal over the measured interval."""

    probe: ServerProbe
    start: dict[str, float] = field(default_factory=dict)
    machine: CpuSample | None = None
    own_cpu: float = 0.0
    own_sys: float = 0.0
    began: float = 0.0

    def open(self) -> None:
        self.start = self.probe.sample()
        self.machine = CpuSample.read()
        self.own_cpu = time.process_time()
        self.own_sys = os.times().system
        self.began = time.monotonic()

    def close(self) -> dict[str, Any]:
        assert self.machine is not None
        end = self.probe.sample()
        elapsed = time.monotonic() - self.began
        machine = CpuSample.read().since(self.machine)
        own = time.process_time() - self.own_cpu
        server = end["cpu_s"] - self.start["cpu_s"]
        # Approximate: a PostgreSQL backend that exits takes its CPU time with it.
        aux = max(0.0, end["aux_cpu_s"] - self.start["aux_cpu_s"])
        return {
            "elapsed_s": round(elapsed, 2),
            "server_cpu_s": round(server, 3),
            "server_cpu_util": round(server / elapsed, 3),
            "aux_cpu_s": round(aux, 3),
            "server_written_bytes": int(end["written"] - self.start["written"]),
            "generator_cpu_s": round(own, 3),
            "generator_cpu_util": round(own / elapsed, 3),
            "generator_kernel_share": round((os.times().system - self.own_sys) / own, 2)
            if own
            else 0.0,
            "generator_saturated": own / elapsed > GENERATOR_SATURATED,
            # Work by anything else on the machine (PostgreSQL and Redis excluded: --aux).
            "other_cpu_s": round(max(0.0, machine["all_busy_cpu_s"] - server - own - aux), 3),
            **machine,
            "steal_high": machine["steal_pct"] > STEAL_LIMIT_PCT,
        }


async def bounded(
    count: int, limit: int, job: Callable[[int], Awaitable[Any]]
) -> tuple[list[Any], list[float]]:
    """Run job(0..count-1) with at most `limit` in flight; results and seconds each."""
    gate = asyncio.Semaphore(limit)

    async def one(i: int) -> tuple[Any, float]:
        async with gate:
            began = time.perf_counter()
            result = await job(i)
            return result, time.perf_counter() - began

    pairs = await asyncio.gather(*(one(i) for i in range(count)))
    return [p[0] for p in pairs], [p[1] * 1000 for p in pairs]


async def resolve_board(http: httpx.AsyncClient, opts: Options) -> tuple[Board, str]:
    """The board from a participants' link, or a fresh one made by the facilitator.
    Returns it with one participant token used to read it."""
    parts = urlsplit(opts.url)
    base = f"{parts.scheme}://{parts.netloc}"
    if "/b/" in parts.path:
        board_id = parts.path.split("/b/", 1)[1].strip("/")
    elif opts.facilitator:
        board_id = await create_board(http, base, opts.facilitator)
    else:
        raise SystemExit("--url must be a board link (/b/ID) unless --facilitator is given")
    token = await join_one(http, base, board_id)
    snap = await read_board(http, base, board_id, token)
    columns = [c["id"] for c in snap["columns"]]
    return Board(base, board_id, columns, int(snap["seq"])), token


async def create_board(http: httpx.AsyncClient, base: str, facilitator: str) -> str:
    email, password = facilitator.split(":", 1)
    answer = await http.post(f"{base}{API}/auth/token", json={"email": email, "password": password})
    answer.raise_for_status()
    bearer = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    body = {"title": "bench", "template": "elo-national-2020"}
    made = await http.post(f"{base}{API}/boards", json=body, headers=bearer)
    made.raise_for_status()
    return str(made.json()["id"])


async def join_one(http: httpx.AsyncClient, base: str, board_id: str) -> str:
    """Join as a new participant. A pooled keep-alive connection the server closed
    meanwhile fails with a transport error: retry (a spare participant is harmless)."""
    for attempt in range(3):
        try:
            answer = await http.post(f"{base}{API}/boards/{board_id}/participants", json={})
            break
        except httpx.TransportError:
            if attempt == 2:
                raise
    answer.raise_for_status()
    return str(answer.json()["token"])


async def read_board(http: httpx.AsyncClient, base: str, board_id: str, token: str) -> dict:
    answer = await http.get(
        f"{base}{API}/boards/{board_id}", headers={"Authorization": f"Bearer {token}"}
    )
    answer.raise_for_status()
    return dict(answer.json())


class Poster:
    """Posts this run's notes, each by a participant in turn, and records POST timing
    from the note's scheduled time."""

    def __init__(
        self, http: httpx.AsyncClient, board: Board, tokens: list[str], run: int, in_flight: int
    ) -> None:
        self.http, self.board, self.tokens, self.run = http, board, tokens, run
        # Posts beyond this wait here, cheaply, still timed from their scheduled time:
        # queued inside httpx instead, thousands of them cost the generator a core.
        self.gate = asyncio.Semaphore(in_flight)
        self.statuses: Counter[int] = Counter()
        self.post_ms: list[float] = []
        self.posted = 0
        self.ok = 0
        self.retry_after: list[str] = []

    async def post(self, index: int, scheduled_ns: int) -> None:
        board = self.board
        body = {
            "column_id": board.columns[index % len(board.columns)],
            "text": marker(self.run, index, scheduled_ns),
        }
        headers = {"Authorization": f"Bearer {self.tokens[index % len(self.tokens)]}"}
        url = f"{board.base}{API}/boards/{board.id}/notes"
        self.posted += 1
        try:
            async with self.gate:
                answer = await self.http.post(url, json=body, headers=headers)
            status = answer.status_code
            if status == 503:
                self.retry_after.append(answer.headers.get("retry-after", ""))
        except httpx.HTTPError:
            status = 0
        self.statuses[status] += 1
        self.ok += status == 201
        self.post_ms.append((time.perf_counter_ns() - scheduled_ns) / 1e6)

    async def open_loop(self, rate: float, duration: float) -> None:
        """Fire note i at start + i/rate whether or not earlier posts have answered."""
        total = min(int(rate * duration), MAX_NOTES)
        start = time.perf_counter_ns() + 20_000_000
        tasks = []
        for index in range(total):
            scheduled = start + int(index * 1e9 / rate)
            delay = (scheduled - time.perf_counter_ns()) / 1e9
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self.post(index, scheduled)))
        await self.settle(tasks, ANSWER_TIMEOUT)

    async def closed_loop(self, workers: int, duration: float) -> None:
        """Saturation: `workers` posters back to back for `duration` seconds."""
        stop = time.monotonic() + duration
        counter = iter(range(MAX_NOTES))

        async def worker() -> None:
            for index in counter:
                if time.monotonic() >= stop:
                    return
                await self.post(index, time.perf_counter_ns())

        await asyncio.gather(*(worker() for _ in range(workers)))

    async def burst(self, count: int) -> None:
        """`count` notes at the same instant, each by a different participant."""
        now = time.perf_counter_ns()
        await self.settle([asyncio.create_task(self.post(i, now)) for i in range(count)], 180)

    async def settle(self, tasks: list[asyncio.Task[None]], timeout: float) -> None:
        """Wait (bounded) for the answers; a post still unanswered then is counted as such
        (status 0) rather than ending the run, so an overloaded server is still reported."""
        _, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        self.statuses[0] += len(pending)


class StreamPoster(Poster):
    """Posts each note over its participant's open stream (`note.create`) instead of
    HTTP: the page's way (app/api/stream_writes.py). An ack counts as a 201; an error
    frame as its status; no answer within ANSWER_TIMEOUT as 0."""

    def __init__(
        self, clients: Sequence[PicowsClient], board: Board, run: int, in_flight: int
    ) -> None:
        super().__init__(None, board, [], run, in_flight)  # type: ignore[arg-type]
        self.clients = clients

    async def post(self, index: int, scheduled_ns: int) -> None:
        board = self.board
        client = self.clients[index % len(self.clients)]
        data = {
            "column_id": board.columns[index % len(board.columns)],
            "text": marker(self.run, index, scheduled_ns),
        }
        ref = str(index)
        self.posted += 1
        async with self.gate:
            answer = await client.send_note(ref, data, ANSWER_TIMEOUT)
        status = 0 if answer is None else 201 if answer["type"] == "ack" else answer["status"]
        if status == 503 and answer is not None:
            self.retry_after.append(str(answer.get("retry_after", "")))
        self.statuses[status] += 1
        self.ok += status == 201
        self.post_ms.append((time.perf_counter_ns() - scheduled_ns) / 1e6)


def make_client(opts: Options, target: Target, token: str, head: int) -> Client:
    if opts.client_lib == "websockets" or opts.compression:
        return WebsocketsClient(target, token, head, opts.compression)
    return PicowsClient(target, token, head)


async def open_clients(opts: Options, board: Board, tokens: list[str], target: Target):
    """N live clients (at most 64 handshakes in flight) plus the frozen ones."""
    clients = [make_client(opts, target, tokens[i], board.head) for i in range(opts.clients)]
    frozen = [
        FrozenClient(board.ws_url, tokens[opts.clients + i], board.head) for i in range(opts.frozen)
    ]
    everyone: list[Any] = [*clients, *frozen]
    _, handshake_ms = await bounded(
        len(everyone), HANDSHAKES_IN_FLIGHT, lambda i: everyone[i].connect()
    )
    return clients, frozen, handshake_ms


async def wait_delivered(recorder: Recorder, expected: Callable[[], int], timeout: float) -> float:
    """Wait until every posted note reached every live client (or the timeout)."""
    stop = time.monotonic() + timeout
    while time.monotonic() < stop and len(recorder.latencies_ms) < expected():
        await asyncio.sleep(0.05)
    return max(0.0, stop - time.monotonic())


def summarise_clients(clients: Sequence[Client], stored: int | None = None) -> dict[str, Any]:
    """Per-connection tallies; with `stored` (notes answered 201), how many listeners
    received every one of them."""
    tallies = [c.tally for c in clients]
    closes = Counter(code for t in tallies for code in t.close_codes)
    frames = sum(t.frames for t in tallies)
    return {
        "gaps": sum(t.gaps for t in tallies),
        "out_of_order": sum(t.out_of_order for t in tallies),
        "frames": frames,
        "events": sum(t.events for t in tallies),
        "bytes_per_frame": round(sum(t.bytes for t in tallies) / frames) if frames else 0,
        "reconnects_1013": sum(t.reconnects for t in tallies),
        "snapshots": sum(t.snapshots for t in tallies),
        "close_codes": {str(k): v for k, v in closes.items()},
        **(
            {"listeners_with_every_note": sum(t.notes >= stored for t in tallies)}
            if stored is not None
            else {}
        ),
    }


def delivery_report(recorder: Recorder, poster: Poster, live: int, span_s: float) -> dict:
    """Latency of each delivery, the 'everyone has seen it' time of each note, loss."""
    complete = [
        recorder.seen_worst_ms[i]
        for i in range(min(poster.posted, len(recorder.seen_count)))
        if recorder.seen_count[i] >= live
    ]
    deliveries = len(recorder.latencies_ms)
    return {
        "posted": poster.posted,
        "stored_201": poster.ok,
        "post_statuses": {str(k): v for k, v in poster.statuses.items()},
        "server_errors_5xx": sum(v for k, v in poster.statuses.items() if k >= 500),
        "retry_after": sorted(set(poster.retry_after)),
        "deliveries": deliveries,
        "lost_deliveries": max(0, poster.ok * live - deliveries),
        "notes_seen_by_all": len(complete),
        "deliveries_per_s": round(deliveries / span_s, 1) if span_s else 0,
        "achieved_rate": round(poster.ok / span_s, 1) if span_s else 0,
        "latency_ms": percentiles(recorder.latencies_ms),
        "everyone_seen_ms": percentiles(complete),
        "post_ms": percentiles(poster.post_ms),
    }


async def run_fanout(opts: Options) -> dict[str, Any]:
    """Join, connect, measure idle memory, post, drain, and report."""
    connections = max(64, opts.burst, opts.in_flight)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        board, _ = await resolve_board(http, opts)
        probe = ServerProbe(server_pid(opts), opts.aux)
        rss_start = probe.sample()["rss"]
        joins = max(opts.clients + opts.frozen, opts.burst)
        tokens, join_ms = await bounded(
            joins, HANDSHAKES_IN_FLIGHT, lambda _: join_one(http, board.base, board.id)
        )
        run = random.randrange(10**5, 10**6)
        capacity = MAX_NOTES if opts.rate is None else int((opts.rate or 0) * opts.duration) + 1
        recorder = Recorder(max(capacity, opts.burst))
        target = Target(board.ws_url, marker_prefix(run), recorder)
        await asyncio.sleep(SETTLE_SECONDS)
        rss_before = probe.sample()["rss"]
        began = time.monotonic()
        clients, frozen, handshake_ms = await open_clients(opts, board, tokens, target)
        connect_s = time.monotonic() - began
        deadline = time.monotonic() + opts.duration + opts.drain_timeout + 120
        holders = [asyncio.create_task(c.hold(deadline)) for c in clients]
        await asyncio.sleep(SETTLE_SECONDS)
        rss_after = probe.sample()["rss"]
        result = await measure(opts, http, board, tokens, run, recorder, probe, clients)
        result["setup"] = {
            "joins": joins,
            "join_ms": percentiles(join_ms),
            "connect_s": round(connect_s, 2),
            "handshake_ms": percentiles(handshake_ms),
            "rss_idle_before_mb": round(rss_before / 2**20, 1),
            "rss_idle_after_mb": round(rss_after / 2**20, 1),
            # The upper bound counts the joins too; the socket's own delta can hide in
            # memory the joins freed. Kernel socket buffers are in neither.
            "rss_per_connection_kib": round(
                (rss_after - rss_start) / 1024 / (opts.clients + opts.frozen), 1
            ),
            "rss_per_socket_only_kib": round(
                (rss_after - rss_before) / 1024 / (opts.clients + opts.frozen), 1
            ),
        }
        result["clients"] = summarise_clients(clients, result["delivery"]["stored_201"])
        if frozen:
            result["frozen"] = await frozen_report(frozen, board, probe)
        if opts.burst:
            result["burst_stored"] = await count_stored(http, board, tokens[0], run)
        for client in clients:
            await client.close()
        for holder in holders:
            holder.cancel()
    return result


async def measure(
    opts: Options,
    http: httpx.AsyncClient,
    board: Board,
    tokens: list[str],
    run: int,
    recorder: Recorder,
    probe: ServerProbe,
    clients: Sequence[Client],
) -> dict[str, Any]:
    """The measured window: posting, then waiting for the last delivery."""
    posters = tokens[: opts.posters] if opts.posters else tokens
    in_flight = opts.in_flight or max(POSTS_IN_FLIGHT, opts.burst)
    poster = Poster(http, board, posters, run, in_flight)
    if opts.post_via == "stream":  # each poster on its own stream: the listeners
        streams = [c for c in clients[: len(posters)] if isinstance(c, PicowsClient)]
        poster = StreamPoster(streams, board, run, in_flight)
    window = Window(probe)
    window.open()
    first = time.perf_counter_ns()
    if opts.burst:
        await poster.burst(opts.burst)
    elif opts.rate is None:
        await poster.closed_loop(opts.concurrency, opts.duration)
    else:
        await poster.open_loop(opts.rate, opts.duration)
    await wait_delivered(recorder, lambda: poster.ok * opts.clients, opts.drain_timeout)
    span = max((recorder.last_delivery_ns or time.perf_counter_ns()) - first, 1) / 1e9
    machine = window.close()
    report = delivery_report(recorder, poster, opts.clients, span)
    deliveries = report["deliveries"]
    machine["server_us_per_delivery"] = (
        round(machine["server_cpu_s"] * 1e6 / deliveries, 2) if deliveries else None
    )
    machine["generator_us_per_delivery"] = (
        round(machine["generator_cpu_s"] * 1e6 / deliveries, 2) if deliveries else None
    )
    machine["server_written_bytes_per_delivery"] = (
        round(machine["server_written_bytes"] / deliveries) if deliveries else None
    )
    return {"delivery": report, "cpu": machine, "span_s": round(span, 2)}


async def frozen_report(frozen: list[FrozenClient], board: Board, probe: ServerProbe) -> dict:
    """Was the frozen client cut off while frozen? The kernel's view of the server's end
    of the socket says so before the client reads a byte; then it drains."""
    port = urlsplit(board.base).port or 80
    before = [f.server_side(port) for f in frozen]
    rss = probe.sample()["rss"]
    drained = [await f.drain() for f in frozen]
    return {
        "server_side_before_drain": before,
        "server_rss_mb": round(rss / 2**20, 1),
        "drained": drained,
    }


async def count_stored(http: httpx.AsyncClient, board: Board, token: str, run: int) -> int | None:
    """How many of this run's notes the board holds (None: the server did not answer)."""
    try:
        snap = await read_board(http, board.base, board.id, token)
    except httpx.HTTPError:
        return None
    tag = f"|{run}|"
    return sum(1 for note in snap.get("notes", []) if tag in note.get("text", ""))


def server_pid(opts: Options) -> int:
    if opts.server_pid:
        return opts.server_pid
    pid = listener_pid(urlsplit(opts.url).port or 80)
    if pid is None:
        raise SystemExit("no process listens on the URL's port; pass --server-pid")
    return pid


async def run_join_storm(opts: Options) -> dict[str, Any]:
    """1,000 people open the link at once: each joins (POST participants), opens the
    stream with since=0 and is done when it holds the board (a snapshot frame, or the
    replayed log). The board is first filled with `prefill` notes."""
    limits = httpx.Limits(max_connections=HANDSHAKES_IN_FLIGHT)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        board, token = await resolve_board(http, opts)
        await prefill(http, board, token, opts.prefill)
        board.head = int((await read_board(http, board.base, board.id, token))["seq"])
        probe = ServerProbe(server_pid(opts), opts.aux)
        target = Target(board.ws_url, marker_prefix(0), Recorder(1))
        window = Window(probe)
        window.open()
        began = time.perf_counter()
        results, _ = await bounded(
            opts.clients,
            HANDSHAKES_IN_FLIGHT,
            lambda _: storm_one(http, opts, board, target),
        )
        clients = [c for c, _ in results]
        done = await wait_all_head(clients, board.head, began)
        total = max([d for d in done if d is not None], default=0.0)
        report = {
            "board_seq": board.head,
            "notes": opts.prefill,
            "all_have_board_s": round(total, 2),
            "per_client_s": percentiles([d for d in done if d is not None]),
            "join_post_ms": percentiles([ms for _, ms in results]),
            "missing": sum(d is None for d in done),
            "clients": summarise_clients(clients),
            "cpu": window.close(),
        }
        for client in clients:
            await client.close()
    return report


async def storm_one(
    http: httpx.AsyncClient, opts: Options, board: Board, target: Target
) -> tuple[Client, float]:
    began = time.perf_counter()
    token = await join_one(http, board.base, board.id)
    joined = (time.perf_counter() - began) * 1000
    client = make_client(opts, target, token, 0)
    await client.connect()
    return client, joined


async def wait_all_head(
    clients: Sequence[Client], head: int, began: float, timeout: float = 60
) -> list[float | None]:
    """Per client, seconds from the storm's start to the frame that gave it seq `head`
    (nothing else is sent during the storm, so that is its last frame)."""
    stop = time.monotonic() + timeout
    while time.monotonic() < stop and any(c.tally.last_seq < head for c in clients):
        await asyncio.sleep(0.05)
    return [
        c.tally.last_frame_ns / 1e9 - began if c.tally.last_seq >= head else None for c in clients
    ]


async def prefill(http: httpx.AsyncClient, board: Board, token: str, count: int) -> None:
    """Fill the board with realistic notes (a sentence or two each)."""
    text = "Ohjauksen saatavuus paranee, kun palvelut löytyvät yhdestä paikasta. "
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{board.base}{API}/boards/{board.id}/notes"

    async def one(i: int) -> None:
        body = {"column_id": board.columns[i % len(board.columns)], "text": f"{i}: {text * 2}"}
        (await http.post(url, json=body, headers=headers)).raise_for_status()

    await bounded(count, 8, one)


def parse(argv: Sequence[str] | None = None) -> tuple[Options, str | None]:
    summary = (__doc__ or "").split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=summary)
    add = parser.add_argument
    add("--url", required=True, help="board link http://HOST:PORT/b/ID, or base URL")
    add("--clients", type=int, default=100)
    add("--rate", default="20", help="notes per second, or 'max' (closed loop)")
    add("--duration", type=float, default=15.0)
    add("--facilitator", help="EMAIL:PASSWORD: create a fresh board")
    add("--server-pid", type=int, help="default: the process listening on the URL's port")
    add("--frozen", type=int, default=0, help="extra clients that never read")
    add("--compression", action="store_true", help="ask for permessage-deflate")
    add("--client-lib", choices=("picows", "websockets"), default="picows")
    add("--concurrency", type=int, default=8, help="posters in flight for --rate max")
    add("--burst", type=int, default=0, help="post this many notes at once instead")
    add("--posters", type=int, default=0, help="the first N participants post (0: all)")
    add("--in-flight", type=int, default=0, help="most posts awaiting an answer at once")
    add("--join-storm", action="store_true", help="measure joins + snapshot instead")
    add("--prefill", type=int, default=0, help="notes to add before a join storm")
    add("--drain-timeout", type=float, default=10.0)
    add("--aux", default="", help="comma-separated process names whose CPU to report")
    add("--label", default="")
    add("--post-via", choices=("http", "stream"), default="http",
        help="post over HTTP, or as note.create frames on the posters' own streams")  # fmt: skip
    add("--json", help="write the result here as well")
    args = parser.parse_args(argv)
    opts = Options(
        url=args.url,
        clients=args.clients,
        rate=None if args.rate == "max" else float(args.rate),
        duration=args.duration,
        facilitator=args.facilitator,
        server_pid=args.server_pid,
        frozen=args.frozen,
        compression=args.compression,
        client_lib=args.client_lib,
        concurrency=args.concurrency,
        burst=args.burst,
        posters=args.posters,
        in_flight=args.in_flight,
        join_storm=args.join_storm,
        prefill=args.prefill,
        drain_timeout=args.drain_timeout,
        aux=tuple(n for n in args.aux.split(",") if n),
        label=args.label,
        post_via=args.post_via,
    )
    return opts, args.json


def main(argv: Sequence[str] | None = None) -> int:
    opts, json_path = parse(argv)
    raise_open_files()
    runner = run_join_storm if opts.join_storm else run_fanout
    result = {"options": asdict(opts), **uvloop.run(runner(opts))}
    text = json.dumps(result, indent=2)
    if json_path:
        with open(json_path, "w") as handle:
            handle.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
