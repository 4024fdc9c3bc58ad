"""Pure-ASGI middleware: request size limits, cross-site request refusal, the security
headers every response carries, and which answers are compressed."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PajaError

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Pages, CSS, JS and JSON shrink 10-30×: a participant's page of 300 notes is 1.3 MB as
# HTML, about 45 KB gzipped. Level 6 is zlib's default: level 9 saves a few per cent for
# twice the CPU. Files that are compressed already (Word, PDF, images) are sent as they
# are, and small answers are not worth the header. Starlette's GZipMiddleware leaves
# WebSocket scopes alone (the stream's frames are small and sent to many, see bench/).
GZIP_MINIMUM_BYTES = 1024
GZIP_LEVEL = 6
GZIP_EXCLUDED_TYPES = (
    *DEFAULT_EXCLUDED_CONTENT_TYPES,
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
# The routes that take a file (an import, a .docx template) and so a larger body.
FILE_UPLOAD_PATHS = re.compile(
    r"^/api/v1/boards/(?:[^/]+/)?import$|^/boards/import$|^/b/[^/]+/export$"
)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)

# With PAJA_TEAMS=1 Teams, and the PAJA_FRAME_ANCESTORS origins, may frame the pages a tab
# shows (the board, its projector view, joining, the tab's configuration and sign-in);
# every other page stays unframeable.
TEAMS_FRAMED_PATHS = re.compile(
    r"^/b/[^/]+(?:/join|/projector)?$|^/join$|^/teams/(?:config|signin)$"
)
TEAMS_FRAME_ANCESTORS = (
    "'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft"
)


async def _send_problem(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """Refuse bodies over the limit with 413, whether or not Content-Length is honest.
    File uploads (FILE_UPLOAD_PATHS) have a limit of their own, `upload_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes or max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_bytes if FILE_UPLOAD_PATHS.match(scope["path"]) else self.max_bytes
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _send_problem(send, 413, self._message(limit))
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _TooLarge:
            await _send_problem(send, 413, self._message(limit))

    @staticmethod
    def _message(limit: int) -> str:
        return f"The request body is larger than {limit} bytes."


class _TooLarge(Exception):
    pass


class CrossSiteRefusal:
    """CSRF protection by Fetch Metadata and Origin: a browser request that changes
    something must come from this site. A bearer token carries no ambient credentials,
    so a request it actually authenticates passes; any other Authorization header (none
    that authenticates, another scheme, an empty or revoked token) is checked like a
    cookie, because then the cookie is what would authenticate it."""

    def __init__(self, app: ASGIApp, trusted_hosts: set[str]) -> None:
        self.app = app
        self.trusted_hosts = trusted_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            headers = Headers(scope=scope)
            if self._cross_site(headers) and not await _bearer_authenticates(scope, headers):
                await _send_problem(send, 403, "Cross-site requests are not accepted.")
                return
        await self.app(scope, receive, send)

    def _cross_site(self, headers: Headers) -> bool:
        site = headers.get("sec-fetch-site")
        if site is not None:
            return site not in ("same-origin", "none")
        origin = headers.get("origin")
        if origin is None or origin == "null":
            return origin == "null"
        return urlsplit(origin).netloc not in {*self.trusted_hosts, headers.get("host", "")}


async def _bearer_authenticates(scope: Scope, headers: Headers) -> bool:
    """Whether the request's bearer token is one the app accepts (asked only of requests
    that look cross-site, so ordinary API clients and same-site pages pay nothing)."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    state = getattr(scope.get("app"), "state", None)
    if scheme.lower() != "bearer" or not token.strip() or state is None:
        return False

    def resolve() -> bool:
        from app.services.accounts import resolve_token

        with state.db.session() as session:
            try:
                resolve_token(session, state.settings.secret(), token.strip())
            except PajaError:
                return False
        return True

    return await run_in_threadpool(resolve)


def _frame_ancestors(scope: Scope) -> str | None:
    """Who may frame a tab page of the app serving this request (Starlette puts the app
    in the scope): Teams with PAJA_TEAMS, and the PAJA_FRAME_ANCESTORS origins; None when
    neither is set, so the page keeps the default 'self'."""
    settings = getattr(getattr(scope.get("app"), "state", None), "settings", None)
    sources = [TEAMS_FRAME_ANCESTORS] if getattr(settings, "teams", False) else ["'self'"]
    sources += getattr(settings, "frame_origins", [])
    return " ".join(sources) if len(sources) > 1 or sources[0] != "'self'" else None


class SecurityHeaders:
    """A strict CSP (no inline script, nothing from other origins) and friends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        policy = CONTENT_SECURITY_POLICY
        if TEAMS_FRAMED_PATHS.match(scope["path"]) and (ancestors := _frame_ancestors(scope)):
            policy = CONTENT_SECURITY_POLICY.replace(
                "frame-ancestors 'self'", f"frame-ancestors {ancestors}"
            )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers.extend(
                    [
                        (b"content-security-policy", policy.encode()),
                        (b"x-content-type-options", b"nosniff"),
                        (b"referrer-policy", b"same-origin"),
                        (b"cross-origin-opener-policy", b"same-origin"),
                    ]
                )
            await send(message)

        await self.app(scope, receive, send_with_headers)
