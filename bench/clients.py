"""The generator's WebSocket clients: what each one checks per frame, and three ways to
hold a connection open (picows, websockets with permessage-deflate, a frozen raw socket).

Per frame the generator only scans for `"seq":N` and the run's note marker (one compiled
regex, no JSON parsing): with 1,000 clients the generator's single core, not the
server, would otherwise be what is measured."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import socket
import struct
import time
from array import array
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import picows
import websockets
from websockets.asyncio.client import connect as ws_connect

from bench.common import socket_state

SNAPSHOT = re.compile(rb'^\{"type":\s*"snapshot",\s*"seq":\s*(\d+)')
SEQ_KEY = b'{"seq":'
ANSWER = re.compile(rb'\{"type": "(ack|error)"')
CLOSE_TOO_SLOW = 1013


class Recorder:
    """Every delivery of this run's notes: its latency from the note's *scheduled* post
    time, and per note how many clients saw it and when the last one did."""

    def __init__(self, capacity: int) -> None:
        self.latencies_ms = array("d")
        self.seen_count = array("i", bytes(4 * capacity))
        self.seen_worst_ms = array("d", bytes(8 * capacity))
        self.last_delivery_ns = 0

    def record(self, index: int, scheduled_ns: int, now_ns: int) -> None:
        latency = (now_ns - scheduled_ns) / 1e6
        self.latencies_ms.append(latency)
        if index < len(self.seen_count):
            self.seen_count[index] += 1
            if latency > self.seen_worst_ms[index]:
                self.seen_worst_ms[index] = latency
        self.last_delivery_ns = now_ns


@dataclass(slots=True)
class Tally:
    """One client's view of the board's seq stream: a gap is a lost event, a seq at or
    below the last one is out of order (or a duplicate); both must stay at zero."""

    last_seq: int
    gaps: int = 0
    out_of_order: int = 0
    frames: int = 0
    events: int = 0
    bytes: int = 0
    snapshots: int = 0
    notes: int = 0  # this run's notes seen (each at most once)
    reconnects: int = 0
    close_codes: list[int] = field(default_factory=list)
    last_frame_ns: int = 0

    def feed(self, data: bytes, prefix: bytes, recorder: Recorder) -> None:
        """Every event object starts with `{"seq":` (a JSON string cannot contain that
        unescaped), and its first marker after that is its note's text."""
        now = time.perf_counter_ns()
        self.frames += 1
        self.bytes += len(data)
        self.last_frame_ns = now
        if data.startswith(b'{"type":'):
            snapshot = SNAPSHOT.match(data)
            if snapshot:  # the whole board at seq N: everything before it is covered
                self.snapshots += 1
                self.last_seq = max(self.last_seq, int(snapshot[1]))
            return
        position = data.find(SEQ_KEY)
        while position >= 0:
            end = data.find(b",", position + len(SEQ_KEY))
            following = data.find(SEQ_KEY, end)
            if self._advance(int(data[position + len(SEQ_KEY) : end])):
                found = data.find(prefix, end, following if following >= 0 else len(data))
                if found >= 0:
                    index_at = found + len(prefix)
                    bar = data.find(b"|", index_at)
                    quote = data.find(b'"', bar)
                    recorder.record(int(data[index_at:bar]), int(data[bar + 1 : quote]), now)
                    self.notes += 1
            position = following

    def _advance(self, seq: int) -> bool:
        """Account for one event's seq; True when it is new (its marker then counts)."""
        if seq <= self.last_seq:
            self.out_of_order += 1
            return False
        self.gaps += seq - self.last_seq - 1
        self.last_seq = seq
        self.events += 1
        return True


@dataclass(slots=True)
class Target:
    """Where a client connects: the stream URL without since=, and what to feed."""

    ws_url: str
    prefix: bytes
    recorder: Recorder


class _Listener(picows.WSListener):  # type: ignore[misc]
    def __init__(self, client: PicowsClient) -> None:
        self.client = client
        self.parts: list[bytes] = []

    def on_ws_frame(self, transport: picows.WSTransport, frame: picows.WSFrame) -> None:
        kind = frame.msg_type
        if kind == picows.WSMsgType.CLOSE:
            self.client.tally.close_codes.append(int(frame.get_close_code()))
            transport.send_close(picows.WSCloseCode.OK)
            transport.disconnect()
        elif kind in (picows.WSMsgType.TEXT, picows.WSMsgType.CONTINUATION):
            self.parts.append(frame.get_payload_as_bytes())
            if frame.fin:
                data = self.parts[0] if len(self.parts) == 1 else b"".join(self.parts)
                self.parts.clear()
                if ANSWER.match(data):  # the ack or error to a note this client sent
                    self.client.answered(data)
                    return
                self.client.tally.feed(data, self.client.target.prefix, self.client.target.recorder)


class PicowsClient:
    """A fast client (Cython frame parsing) that reconnects with since= after 1013."""

    def __init__(self, target: Target, token: str, start_seq: int) -> None:
        self.target = target
        self.token = token
        self.tally = Tally(start_seq)
        self.transport: picows.WSTransport | None = None
        self.waiting: dict[str, asyncio.Future[dict]] = {}  # notes sent, by ref

    async def connect(self) -> None:
        url = f"{self.target.ws_url}?token={self.token}&since={self.tally.last_seq}"
        self.transport, _ = await picows.ws_connect(
            lambda: _Listener(self), url, websocket_handshake_timeout=30
        )

    async def send_note(self, ref: str, data: dict, timeout: float) -> dict | None:
        """Send a note over this stream (`note.create`) and wait for its ack or error
        (None: no answer within `timeout`)."""
        assert self.transport is not None
        waiting = self.waiting[ref] = asyncio.get_running_loop().create_future()
        frame = json.dumps({"type": "note.create", "ref": ref, "data": data})
        self.transport.send(picows.WSMsgType.TEXT, frame.encode())
        try:
            return await asyncio.wait_for(waiting, timeout)
        except TimeoutError:
            return None
        finally:
            self.waiting.pop(ref, None)

    def answered(self, data: bytes) -> None:
        answer = json.loads(data)
        waiting = self.waiting.get(str(answer.get("ref")))
        if waiting is not None and not waiting.done():
            waiting.set_result(answer)

    async def hold(self, deadline: float) -> None:
        """Stay connected until the deadline; a 1013 (fell behind) means catch up."""
        while self.transport is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                await asyncio.wait_for(self.transport.wait_disconnected(), remaining)
            except TimeoutError:
                return
            if CLOSE_TOO_SLOW not in self.tally.close_codes[-1:]:
                self.transport = None
                return
            self.tally.reconnects += 1
            await self.connect()

    async def close(self) -> None:
        if self.transport is not None and not self.transport.is_disconnected:
            self.transport.send_close(picows.WSCloseCode.GOING_AWAY)
            self.transport.disconnect()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.transport.wait_disconnected(), 2)


class WebsocketsClient:
    """The `websockets` client, for the one thing picows lacks: permessage-deflate."""

    def __init__(self, target: Target, token: str, start_seq: int, compress: bool) -> None:
        self.target = target
        self.token = token
        self.tally = Tally(start_seq)
        self.compress = compress
        self._socket: websockets.asyncio.client.ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        url = f"{self.target.ws_url}?token={self.token}&since={self.tally.last_seq}"
        self._socket = await ws_connect(
            url,
            compression="deflate" if self.compress else None,
            max_size=None,
            ping_interval=None,
            open_timeout=30,
        )
        self._reader = asyncio.create_task(self._read(self._socket))

    async def _read(self, sock: websockets.asyncio.client.ClientConnection) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            while True:
                data = await sock.recv(decode=False)
                self.tally.feed(data, self.target.prefix, self.target.recorder)

    async def hold(self, deadline: float) -> None:
        while self._reader is not None and self._socket is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            done, _ = await asyncio.wait({self._reader}, timeout=remaining)
            if not done:
                return
            code = self._socket.close_code
            self.tally.close_codes.append(code or 0)
            if code != CLOSE_TOO_SLOW:
                self._reader = None
                return
            self.tally.reconnects += 1
            await self.connect()

    async def close(self) -> None:
        if self._socket is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._socket.close(), 2)
        if self._reader is not None:
            self._reader.cancel()


class FrozenClient:
    """A client that completes the handshake and then never reads: a phone that went to
    sleep with the tab open. Its receive buffer is made tiny so the server's backlog for
    it builds in the server, where the bounded queue is supposed to cap it."""

    def __init__(self, ws_url: str, token: str, start_seq: int) -> None:
        self.parts = urlsplit(ws_url)
        self.token = token
        self.start_seq = start_seq
        self.sock: socket.socket | None = None

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        await loop.sock_connect(sock, (self.parts.hostname, self.parts.port))
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {self.parts.path}?token={self.token}&since={self.start_seq} HTTP/1.1\r\n"
            f"Host: {self.parts.hostname}:{self.parts.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        )
        await loop.sock_sendall(sock, request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = await asyncio.wait_for(loop.sock_recv(sock, 1), 30)
            if not chunk:
                raise ConnectionError("the server closed the frozen client's handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(head.split(b"\r\n", 1)[0].decode())
        self.sock = sock

    def server_side(self, server_port: int) -> dict | None:
        """The server's end of this connection, before the client reads anything."""
        assert self.sock is not None
        return socket_state(server_port, self.sock.getsockname()[1])

    async def drain(self, quiet_seconds: float = 3.0, limit_seconds: float = 20.0) -> dict:
        """Read what the server queued for this client; report the bytes, the close code
        if the server sent one, and whether the connection ended."""
        assert self.sock is not None
        loop = asyncio.get_running_loop()
        received = bytearray()
        ended = False
        stop = time.monotonic() + limit_seconds
        while time.monotonic() < stop:
            try:
                chunk = await asyncio.wait_for(loop.sock_recv(self.sock, 1 << 16), quiet_seconds)
            except TimeoutError:
                break
            if not chunk:
                ended = True
                break
            received += chunk
        frames, close_code = _scan_frames(bytes(received))
        self.sock.close()
        return {
            "bytes_queued": len(received),
            "frames_queued": frames,
            "close_code": close_code,
            "connection_ended": ended,
        }


def _scan_frames(data: bytes) -> tuple[int, int | None]:
    """Count server frames (unmasked) and find a close frame's code."""
    offset, frames, close_code = 0, 0, None
    while offset + 2 <= len(data):
        opcode, length = data[offset] & 0x0F, data[offset + 1] & 0x7F
        header = 2
        if length == 126:
            length, header = struct.unpack_from("!H", data, offset + 2)[0], 4
        elif length == 127:
            length, header = struct.unpack_from("!Q", data, offset + 2)[0], 10
        if offset + header + length > len(data):
            break
        if opcode == 0x8 and length >= 2:
            close_code = struct.unpack_from("!H", data, offset + header)[0]
        frames += 1
        offset += header + length
    return frames, close_code
