"""Direct writes to a WebSocket connection: the hub frames a batch once and writes the
same bytes to every connection's transport, with no task woken and no framework wrapper
per client.

`paja serve` runs uvicorn with `WireProtocol` (uvicorn's sans-I/O websockets protocol)
which puts a `Wire` into the ASGI scope's extensions under `WIRE_EXTENSION`. Under any
other server (Starlette's TestClient, say) there is no wire and the stream falls back to
`websocket.send_text` from the connection's own task."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

WIRE_EXTENSION = "paja.wire"
ABORT_AFTER_SECONDS = 1.0


def frame_header(size: int) -> bytes:
    """The header of an unmasked, unfragmented server-to-client text frame of `size`
    payload bytes (RFC 6455 section 5.2)."""
    if size < 126:
        return bytes((0x81, size))
    if size < 1 << 16:
        return bytes((0x81, 126)) + size.to_bytes(2, "big")
    return bytes((0x81, 127)) + size.to_bytes(8, "big")


def text_frame(payload: bytes) -> bytes:
    return frame_header(len(payload)) + payload


class Wire:
    """One connection's transport, for frames that are already encoded."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: WireProtocol) -> None:
        self._protocol = protocol

    @property
    def open(self) -> bool:
        protocol = self._protocol
        return (
            protocol.handshake_complete
            and not protocol.close_sent
            and not protocol.disconnected
            and not protocol.transport.is_closing()
        )

    def write(self, frame: bytes) -> None:
        """Queue a whole frame; a frame is written in one call, so frames never mix."""
        if self.open:
            self._protocol.transport.write(frame)

    def writelines(self, parts: list[bytes]) -> None:
        if self.open:
            self._protocol.transport.writelines(parts)

    def backlog(self) -> int:
        """Bytes written but not yet handed to the kernel: how far behind the client is."""
        transport = self._protocol.transport
        return 0 if transport.is_closing() else transport.get_write_buffer_size()

    def abort(self) -> None:
        """Drop the connection now, unsent bytes included (a close would wait for them)."""
        self._protocol.transport.abort()


class WireProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websockets protocol, with the `Wire` extension in the scope, and an
    abort for a client whose pong never came: closing would wait for its unread bytes."""

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:  # the app's task is created but has not run yet
            scope["extensions"][WIRE_EXTENSION] = Wire(self)

    def keepalive_timeout(self) -> None:
        super().keepalive_timeout()
        if not self.disconnected:
            abort_later(Wire(self), ABORT_AFTER_SECONDS)


def wire_of(scope: dict[str, Any]) -> Wire | None:
    extensions = scope.get("extensions") or {}
    wire = extensions.get(WIRE_EXTENSION)
    return wire if isinstance(wire, Wire) else None


def abort_later(wire: Wire, seconds: float) -> None:
    """A close frame may sit behind a client's backlog; give up on it after `seconds`."""

    def abort_if_open() -> None:
        if not wire._protocol.disconnected:
            wire.abort()

    asyncio.get_running_loop().call_later(seconds, abort_if_open)
