"""The hub's ordering and back-pressure rules, with an in-memory log."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence

from app.db import Audience, BoardEvent
from app.hub.channel import GAP_WAIT_SECONDS
from app.hub.memory import MemoryHub


def event(seq: int, board_id: str = "b") -> BoardEvent:
    return BoardEvent(board_id=board_id, seq=seq, type="note.created", data={"n": seq})


class FakeLog:
    """Stands in for the events table: what has been committed so far."""

    def __init__(self) -> None:
        self.committed: list[BoardEvent] = []
        self.encodings = 0

    async def since(self, board_id: str, seq: int) -> list[BoardEvent]:
        return [e for e in self.committed if e.board_id == board_id and e.seq > seq]

    async def head(self, board_id: str) -> int:
        return max((e.seq for e in self.committed if e.board_id == board_id), default=0)

    def encode(self, events: Sequence[BoardEvent], language: str, _audience: Audience) -> str:
        self.encodings += 1
        return json.dumps([{"seq": e.seq, "lang": language} for e in events])


def hub_with(log: FakeLog, max_frames: int = 64) -> MemoryHub:
    return MemoryHub(log.encode, log.since, log.head, max_frames=max_frames)


async def drain(subscriber, timeout: float = 1.0) -> list[int]:  # type: ignore[no-untyped-def]
    seqs: list[int] = []
    try:
        while True:
            frame = await asyncio.wait_for(subscriber.next_frame(), timeout)
            if frame is None:  # the stream ended
                return seqs
            seqs.extend(e.seq for e in frame.events)
    except TimeoutError:
        return seqs


def test_out_of_order_announcements_are_delivered_in_seq_order() -> None:
    async def scenario() -> list[int]:
        log = FakeLog()
        hub = hub_with(log)
        await hub.start()
        subscriber = await hub.subscribe("b", "fi")
        log.committed += [event(1), event(2), event(3)]
        hub.deliver_local([event(3)])
        hub.deliver_local([event(1)])
        hub.deliver_local([event(2)])
        hub.deliver_local([event(2)])  # a duplicate announcement
        return await drain(subscriber, timeout=0.3)

    assert asyncio.run(scenario()) == [1, 2, 3]


def test_a_lost_announcement_is_filled_from_the_log() -> None:
    async def scenario() -> list[int]:
        log = FakeLog()
        hub = hub_with(log)
        await hub.start()
        subscriber = await hub.subscribe("b", "fi")
        log.committed += [event(1), event(2), event(3)]
        hub.deliver_local([event(1)])
        hub.deliver_local([event(3)])  # 2 was committed but its announcement was lost
        return await drain(subscriber, timeout=GAP_WAIT_SECONDS * 5)

    assert asyncio.run(scenario()) == [1, 2, 3]


def test_one_encoding_per_language_whatever_the_number_of_clients() -> None:
    async def scenario() -> tuple[int, set[str]]:
        log = FakeLog()
        hub = hub_with(log)
        await hub.start()
        subscribers = [await hub.subscribe("b", lang) for lang in ["fi"] * 50 + ["sv"] * 50]
        log.committed.append(event(1))
        hub.deliver_local([event(1)])
        await asyncio.sleep(0.05)
        frames = {(await s.next_frame()).text for s in subscribers}  # type: ignore[union-attr]
        return log.encodings, frames

    encodings, frames = asyncio.run(scenario())
    assert encodings == 2
    assert len(frames) == 2


def test_a_client_that_does_not_read_is_cut_loose_and_others_go_on() -> None:
    async def scenario() -> tuple[bool, list[int]]:
        log = FakeLog()
        hub = hub_with(log, max_frames=8)
        await hub.start()
        frozen = await hub.subscribe("b", "fi")
        reader = await hub.subscribe("b", "fi")
        received: list[int] = []
        for seq in range(1, 21):
            log.committed.append(event(seq))
            hub.deliver_local([event(seq)])
            await asyncio.sleep(0)  # one loop turn: one frame per event
            received.extend(await drain(reader, timeout=0.01))
        return frozen.overflowed, received

    overflowed, received = asyncio.run(scenario())
    assert overflowed
    assert received == list(range(1, 21))


def test_subscriber_starts_after_the_logs_head() -> None:
    async def scenario() -> tuple[int, list[int]]:
        log = FakeLog()
        log.committed += [event(1), event(2)]
        hub = hub_with(log)
        await hub.start()
        subscriber = await hub.subscribe("b", "fi")
        log.committed.append(event(3))
        hub.deliver_local([event(3)])
        return subscriber.start_seq, await drain(subscriber, timeout=0.2)

    assert asyncio.run(scenario()) == (2, [3])


async def twenty_notes(clients: int, writes_waiting: int = 0) -> tuple[list[int], float]:
    """20 notes committed 10 ms apart on a board with `clients` listeners, while
    `writes_waiting` changes queue to be written: the first listener's frame sizes, and
    how soon the first note reached it. Every note arrives once and in order."""
    log = FakeLog()
    hub = hub_with(log)
    hub.writes_waiting = lambda: writes_waiting
    await hub.start()
    subscribers = [await hub.subscribe("b", "fi") for _ in range(clients)]
    loop = asyncio.get_running_loop()
    started = loop.time()
    log.committed.append(event(1))
    hub.deliver_local([event(1)])
    first = await asyncio.wait_for(subscribers[0].next_frame(), 1)
    first_latency = loop.time() - started
    for seq in range(2, 21):
        await asyncio.sleep(0.01)
        log.committed.append(event(seq))
        hub.deliver_local([event(seq)])
    sizes = [len(first.events)]  # type: ignore[union-attr]
    seqs = [e.seq for e in first.events]  # type: ignore[union-attr]
    while seqs[-1] < 20:
        frame = await asyncio.wait_for(subscribers[0].next_frame(), 1)
        sizes.append(len(frame.events))  # type: ignore[union-attr]
        seqs.extend(e.seq for e in frame.events)  # type: ignore[union-attr]
    assert seqs == list(range(1, 21))
    return sizes, first_latency


def test_a_busy_board_merges_events_into_fewer_frames_and_a_quiet_one_sends_at_once() -> None:
    quiet_sizes, quiet_latency = asyncio.run(twenty_notes(1))
    busy_sizes, busy_latency = asyncio.run(twenty_notes(1000))
    assert len(quiet_sizes) == 20  # one client: every event its own frame
    assert len(busy_sizes) <= 5  # 1,000 clients: a frame per 100 ms window
    assert quiet_latency < 0.05 and busy_latency < 0.05  # the first one goes at once


def test_while_writes_wait_even_a_small_room_gets_merged_frames() -> None:
    """A room that clicks at once: while changes queue to be written, a frame per note
    would take the CPU the queued notes need, so one listener's frames merge too; the
    first note still goes at once, and none is lost or reordered."""
    calm_sizes, _ = asyncio.run(twenty_notes(1, writes_waiting=0))
    busy_sizes, busy_first = asyncio.run(twenty_notes(1, writes_waiting=40))
    assert len(calm_sizes) == 20  # nobody waiting to write: every note its own frame
    assert len(busy_sizes) <= 6  # 40 changes waiting: a frame per 50 ms window
    assert busy_sizes[0] == 1 and busy_first < 0.05  # the first note went at once


class FakeWire:
    """A connection's transport as the hub sees it: what was written, and a backlog."""

    def __init__(self, backlog: int = 0) -> None:
        self.written: list[bytes] = []
        self.pending = backlog

    def write(self, frame: bytes) -> None:
        self.written.append(frame)

    def backlog(self) -> int:
        return self.pending


def unframe(frame: bytes) -> list[int]:
    """The seqs in one unmasked server text frame, checking its header on the way."""
    assert frame[0] == 0x81 and not frame[1] & 0x80  # FIN + text, unmasked
    size, start = frame[1], 2
    if size == 126:
        size, start = int.from_bytes(frame[2:4], "big"), 4
    elif size == 127:
        size, start = int.from_bytes(frame[2:10], "big"), 10
    assert len(frame) == start + size
    return [item["seq"] for item in json.loads(frame[start:])]


def test_live_frames_are_built_once_and_written_to_every_wire_in_order() -> None:
    async def scenario() -> tuple[list[FakeWire], FakeWire, int | None]:
        log = FakeLog()
        hub = hub_with(log)
        await hub.start()
        wires = [FakeWire() for _ in range(3)]
        behind = FakeWire(backlog=2 << 20)  # two megabytes it has not read
        for wire in [*wires, behind]:
            subscriber = await hub.subscribe("b", "fi", wire=wire)  # type: ignore[arg-type]
            subscriber.go_live(lambda _events: "unused")
            if wire is behind:
                slow = subscriber
        for seq in range(1, 4):
            log.committed.append(event(seq))
            hub.deliver_local([event(seq)])
            await asyncio.sleep(0.05)
        return wires, behind, slow.close_code

    wires, behind, close_code = asyncio.run(scenario())
    assert [seq for frame in wires[0].written for seq in unframe(frame)] == [1, 2, 3]
    assert all(a is b for a, b in zip(wires[0].written, wires[2].written, strict=True))
    assert behind.written == [] and close_code == 1013


def test_a_removed_participant_gets_the_event_then_their_stream_ends() -> None:
    async def scenario() -> tuple[bool, bool, list[int]]:
        log = FakeLog()
        hub = hub_with(log)
        await hub.start()
        removed = await hub.subscribe("b", "fi", Audience(False, "p1"))
        other = await hub.subscribe("b", "fi", Audience(False, "p2"))
        gone = BoardEvent("b", 1, "participant.removed", {"participant_id": "p1"})
        log.committed.append(gone)
        hub.deliver_local([gone])
        seen = await drain(removed, timeout=0.2)
        return removed.close_code == 4408, other.close_code is None, seen

    assert asyncio.run(scenario()) == (True, True, [1])
