"""Operability: one structured log line per request and per WebSocket session, and
Prometheus metrics. Logs never carry note text, tokens or full board ids (the board id
is the participants' key, so only a short hash of it is logged)."""

from __future__ import annotations

import hashlib
import logging
import time

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Histogram(
    "paja_http_request_seconds",
    "Time to answer an HTTP request",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
STREAM_WRITES = Histogram(
    "paja_stream_write_seconds",
    "Time to answer a change sent on a board's stream (a note), by its answer",
    ["type", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
CONNECTIONS = Gauge("paja_websocket_connections", "Open WebSocket streams")
EVENTS = Counter("paja_events_total", "Board events committed and handed to the hub")
FRAMES = Counter("paja_websocket_frames_sent_total", "Frames sent to WebSocket clients")
DROPPED = Counter(
    "paja_websocket_slow_disconnects_total", "Clients cut loose for falling too far behind"
)


class _NoWebSocketPaths(logging.Filter):
    """uvicorn logs each WebSocket handshake with its query string, which holds the
    token; the "websocket" line of our own replaces it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "WebSocket" not in record.getMessage() and "connection " not in record.getMessage()


def configure_logging() -> None:
    """JSON lines on stderr, one object per event, for any log collector to read.
    Called by every worker process as it builds the app; repeating it is harmless."""
    logging.basicConfig(format="%(message)s", level=logging.INFO)
    uvicorn_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _NoWebSocketPaths) for f in uvicorn_log.filters):
        uvicorn_log.addFilter(_NoWebSocketPaths())
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )


log = structlog.get_logger("paja")


def board_tag(board_id: str) -> str:
    """Enough to follow one board through the logs, not enough to open it."""
    return hashlib.sha256(board_id.encode()).hexdigest()[:10]


def route_template(scope: Scope) -> str:
    """The matched route's pattern (/b/{board_id}), never the concrete path with its ids.
    The router records the route in the scope while it dispatches."""
    if scope.get("route") is None:
        return "unmatched"  # a scanner's 404s must not grow the metric's label set
    path = scope["path"]
    for name, value in scope.get("path_params", {}).items():
        path = path.replace(f"/{value}", f"/{{{name}}}", 1)
    return path


class RequestLog:
    """Times every HTTP request, logs it as one line, and records it in the histogram."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            REQUESTS.labels(scope["method"], route, str(status)).observe(elapsed)
            log.info(
                "request",
                method=scope["method"],
                route=route,
                status=status,
                ms=round(elapsed * 1000, 1),
            )


def metrics(_request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
