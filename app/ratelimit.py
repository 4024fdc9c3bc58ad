"""Rate limits per person and per client address, shared by every worker through Redis
when it is configured (in-process memory otherwise). README "Rate limits" gives the
numbers and why: a whole organisation behind one NAT address must never be refused,
one script walking join codes or filling a board must be."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import time
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from limits import RateLimitItem, parse, parse_many, storage, strategies
from redis.exceptions import RedisError
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings
from app.errors import PajaError
from app.i18n import N_

log = logging.getLogger("paja.ratelimit")

Windows = RateLimitItem | Sequence[RateLimitItem]


class RateLimited(PajaError):
    status_code = 429

    def __init__(self, template: str, retry_after: int, **params: object) -> None:
        super().__init__(template, seconds=retry_after, **params)
        self.retry_after = retry_after


def client_address(connection: HTTPConnection) -> str:
    """The address limits count by: the peer uvicorn reports (behind a proxy, the
    forwarded one it trusts: README "The client address behind a proxy"). An IPv6 client
    counts by its /64, the block one home or office gets, so rotating inside it is no
    escape."""
    host = connection.client.host if connection.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


class SweptMemoryStorage(storage.MemoryStorage):
    """limits' in-process storage without its timer thread. MemoryStorage starts a new
    `threading.Timer` (a thread) 10 ms after a hit whenever the last one has run, so on
    a busy board nearly every write started a thread: 0.37 ms of CPU for a note's three
    counters against 0.03 ms without (bench/write_path.py). A counter is expired when
    it is read anyway (`get`); the sweep that frees counters nobody reads again runs
    inline instead, at most once every SWEEP_SECONDS."""

    SWEEP_SECONDS = 10.0

    def __init__(self) -> None:
        super().__init__()
        self.timer.cancel()
        self._next_sweep = time.monotonic() + self.SWEEP_SECONDS

    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_SECONDS
            self._MemoryStorage__expire_events()


def _storage(settings: Settings) -> storage.Storage:
    """Redis when configured, so every worker counts together. The key prefix comes from
    the database URL: workers of one deployment share counts, other deployments on the
    same Redis (or test databases) do not."""
    if settings.redis_url is None:
        return SweptMemoryStorage()
    database = settings.database_url.get_secret_value().encode()
    prefix = "paja-limits-" + hashlib.sha256(database).hexdigest()[:12]
    return storage.storage_from_string(settings.redis_url.get_secret_value(), key_prefix=prefix)


class RateLimits:
    """The documented limits (README, "Rate limits"), checked before any work is done."""

    def __init__(self, settings: Settings) -> None:
        # Sliding-window counters cost the same whatever the window holds; a moving window
        # walks every hit it keeps (4,000 for a room behind one address) on every write.
        self._limiter = strategies.SlidingWindowCounterRateLimiter(_storage(settings))
        self._secret = settings.secret()
        # While Redis is away, each worker keeps counting on its own rather than failing
        # every write (the board itself does not need Redis to take a note).
        self._fallback = strategies.SlidingWindowCounterRateLimiter(SweptMemoryStorage())
        self.posts = parse(f"{settings.posts_per_minute}/minute")
        self.sign_ins = parse(f"{settings.sign_ins_per_minute}/minute")
        self.passcode_guesses = parse(f"{settings.passcode_guesses_per_minute}/minute")
        self.code_lookups = parse_many(settings.code_lookups_per_address)
        self.wrong_codes = parse_many(settings.wrong_codes_per_address)
        self.joins = parse_many(settings.joins_per_address)
        self.board_writes = parse_many(settings.writes_per_address)
        self.address_sign_ins = parse_many(settings.sign_ins_per_address)
        self.feedback = parse_many(settings.feedback_per_address)

    # --- writes ------------------------------------------------------------------------

    def spend_write(self, board_id: str, participant_id: str, client: str) -> None:
        """Notes, comments, votes and reactions count twice: per participant, and per
        client address on this board, so throw-away identities from one script share
        one ceiling that a real room behind one address stays far below."""
        self._spend(
            self.board_writes,
            ("writes", board_id, client),
            N_("Too many writes to this board from your network. Try again in {seconds} s."),
        )
        self._spend(
            self.posts,
            ("post", participant_id),
            N_("You are writing faster than the board allows. Try again in {seconds} s."),
        )

    # --- signing in and joining --------------------------------------------------------

    def spend_sign_in(self, email: str, client: str = "") -> None:
        """Throttle password guessing per account, and per address before any password
        is hashed: random emails cost an argon2 hash each."""
        if client:
            self._spend(
                self.address_sign_ins,
                ("sign-in-from", client),
                N_("Too many sign-in attempts from your network. Try again in {seconds} s."),
            )
        self._spend(
            self.sign_ins,
            ("sign-in", email.strip().lower()),
            N_("Too many sign-in attempts. Try again in {seconds} s."),
        )

    def check_wrong_codes(self, client: str) -> None:
        """Refuse a join-code lookup while this address's wrong codes are used up, even
        with a right code, so walking the codes does not pay; and count the lookup."""
        self._check(self.wrong_codes, ("wrong-code", client), _WRONG_CODES)
        self._spend(self.code_lookups, ("code-lookup", client), _WRONG_CODES)

    def spend_wrong_code(self, client: str) -> None:
        """Count one join code that leads to no board."""
        self._spend(self.wrong_codes, ("wrong-code", client), _WRONG_CODES)

    def spend_join(self, board_id: str, client: str) -> None:
        """Count one join of this board from this address: a room joins once each, a
        script taking the board's seats is stopped long before the board is full."""
        self._spend(
            self.joins,
            ("join", board_id, client),
            N_("Too many people joined this board from your network. Try again in {seconds} s."),
        )

    def check_passcode_guesses(self, board_id: str, client: str) -> None:
        """Refuse before checking a passcode while this client's wrong guesses are used up."""
        self._check(self.passcode_guesses, ("passcode", board_id, client), _WRONG_PASSCODES)

    def spend_passcode_guess(self, board_id: str, client: str) -> None:
        """Count one wrong passcode; right ones and joins without a passcode cost nothing."""
        self._spend(self.passcode_guesses, ("passcode", board_id, client), _WRONG_PASSCODES)

    # --- the accessibility feedback form -----------------------------------------------

    def spend_feedback(self, client: str) -> None:
        """A person sends a message or two; a script filling the feedback box is stopped."""
        self._spend(
            self.feedback,
            ("feedback", client),
            N_("Thank you, we have your earlier messages. Try again in {seconds} s."),
        )

    # --- counting ----------------------------------------------------------------------

    def _counter(self, keys: tuple[str, ...]) -> tuple[str, str]:
        """What a counter is kept under: its kind, and a keyed digest of who and where, so
        Redis holds no client address, email or id (README "Security and privacy")."""
        who = hmac.new(self._secret, "\x1f".join(keys[1:]).encode(), hashlib.sha256)
        return (keys[0], who.hexdigest()[:32])

    def _spend(self, windows: Windows, keys: tuple[str, ...], message: str) -> None:
        """Count one, or refuse (429) without counting when any window is used up."""
        self._check(windows, keys, message)
        counter = self._counter(keys)
        items = _as_list(windows)
        try:
            allowed = all([self._limiter.hit(item, *counter) for item in items])
        except (RedisError, OSError) as error:
            log.warning("rate limits fall back to this process: %s", error)
            allowed = all([self._fallback.hit(item, *counter) for item in items])
        if not allowed:  # another worker took the last one between the check and the hit
            self._check(windows, keys, message)

    def _check(self, windows: Windows, keys: tuple[str, ...], message: str) -> None:
        """Refuse (429, Retry-After until every window has room) without counting."""
        limiter = self._limiter
        items = _as_list(windows)
        keys = self._counter(keys)
        try:
            full = [item for item in items if not limiter.test(item, *keys)]
        except (RedisError, OSError) as error:
            log.warning("rate limits fall back to this process: %s", error)
            limiter = self._fallback
            full = [item for item in items if not limiter.test(item, *keys)]
        if full:
            reset = max(limiter.get_window_stats(item, *keys).reset_time for item in full)
            raise RateLimited(message, retry_after=max(1, math.ceil(reset - time.time())))


@dataclass(frozen=True, slots=True)
class WriteQuota:
    """The limits and the client address of one request: what the write services spend
    (members.spend_write), whichever door, API or page form, the write came through."""

    limits: RateLimits
    client: str

    def spend(self, board_id: str, participant_id: str) -> None:
        self.limits.spend_write(board_id, participant_id, self.client)


_QUOTA: ContextVar[WriteQuota | None] = ContextVar("paja_write_quota", default=None)


def request_quota() -> WriteQuota | None:
    """This request's write quota; None outside a request."""
    return _QUOTA.get()


class WriteQuotas:
    """Pure-ASGI middleware: each HTTP request (and each board stream, which takes notes
    too: app/api/stream_writes.py) carries its write quota (the app's limits, the
    client's address) in a context variable, which follows the request into the threads
    its route and services run in. So the quota is spent below the routes, in one place,
    and no route or dependency can forget to pass it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = getattr(scope.get("app"), "state", None)
        if scope["type"] not in ("http", "websocket") or state is None:
            await self.app(scope, receive, send)
            return
        token = _QUOTA.set(WriteQuota(state.rate_limits, client_address(HTTPConnection(scope))))
        try:
            await self.app(scope, receive, send)
        finally:
            _QUOTA.reset(token)


def _as_list(windows: Windows) -> list[RateLimitItem]:
    return [windows] if isinstance(windows, RateLimitItem) else list(windows)


_WRONG_PASSCODES = N_("Too many wrong passcodes. Try again in {seconds} s.")
_WRONG_CODES = N_("Too many join codes tried from your network. Try again in {seconds} s.")
