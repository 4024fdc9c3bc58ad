"""Per-person rate limits for writes and sign-ins, shared by every worker through Redis
when it is configured (in-process memory otherwise)."""

from __future__ import annotations

import hashlib
import logging
import math
import time

from limits import RateLimitItem, parse, storage, strategies
from redis.exceptions import RedisError

from app.config import Settings
from app.errors import PajaError
from app.i18n import N_

log = logging.getLogger("paja.ratelimit")


class RateLimited(PajaError):
    status_code = 429

    def __init__(self, template: str, retry_after: int, **params: object) -> None:
        super().__init__(template, seconds=retry_after, **params)
        self.retry_after = retry_after


def _storage(settings: Settings) -> storage.Storage:
    """Redis when configured, so every worker counts together. The key prefix comes from
    the database URL: workers of one deployment share counts, other deployments on the
    same Redis (or test databases) do not."""
    if settings.redis_url is None:
        return storage.MemoryStorage()
    database = settings.database_url.get_secret_value().encode()
    prefix = "paja-limits-" + hashlib.sha256(database).hexdigest()[:12]
    return storage.storage_from_string(settings.redis_url.get_secret_value(), key_prefix=prefix)


class RateLimits:
    """The documented limits (README, "Limits"), checked before a service runs."""

    def __init__(self, settings: Settings) -> None:
        self._limiter = strategies.MovingWindowRateLimiter(_storage(settings))
        # While Redis is away, each worker keeps counting on its own rather than failing
        # every write (the board itself does not need Redis to take a note).
        self._fallback = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
        self.posts = parse(f"{settings.posts_per_minute}/minute")
        self.sign_ins = parse(f"{settings.sign_ins_per_minute}/minute")
        self.passcode_guesses = parse(f"{settings.passcode_guesses_per_minute}/minute")

    def spend_post(self, participant_id: str) -> None:
        """Notes, comments and votes count: one flooding participant is stopped here,
        before the board's write lock, so the others are not slowed down."""
        self._spend(
            self.posts,
            ("post", participant_id),
            N_("You are writing faster than the board allows. Try again in {seconds} s."),
        )

    def spend_sign_in(self, email: str) -> None:
        """Throttle password guessing per account."""
        self._spend(
            self.sign_ins,
            ("sign-in", email.strip().lower()),
            N_("Too many sign-in attempts. Try again in {seconds} s."),
        )

    def _spend(self, item: RateLimitItem, keys: tuple[str, ...], message: str) -> None:
        limiter = self._limiter
        try:
            allowed = limiter.hit(item, *keys)
        except (RedisError, OSError) as error:
            log.warning("rate limits fall back to this process: %s", error)
            limiter = self._fallback
            allowed = limiter.hit(item, *keys)
        if allowed:
            return
        reset = limiter.get_window_stats(item, *keys).reset_time
        raise RateLimited(message, retry_after=max(1, math.ceil(reset - time.time())))

    def check_passcode_guesses(self, board_id: str, client: str) -> None:
        """Refuse before checking a passcode while this client's wrong guesses are used up."""
        keys = ("passcode", board_id, client)
        try:
            limiter = self._limiter
            allowed = limiter.test(self.passcode_guesses, *keys)
        except (RedisError, OSError) as error:
            log.warning("rate limits fall back to this process: %s", error)
            limiter = self._fallback
            allowed = limiter.test(self.passcode_guesses, *keys)
        if not allowed:
            reset = limiter.get_window_stats(self.passcode_guesses, *keys).reset_time
            raise RateLimited(_WRONG_PASSCODES, retry_after=max(1, math.ceil(reset - time.time())))

    def spend_passcode_guess(self, board_id: str, client: str) -> None:
        """Count one wrong passcode; right ones and joins without a passcode cost nothing."""
        self._spend(self.passcode_guesses, ("passcode", board_id, client), _WRONG_PASSCODES)


_WRONG_PASSCODES = N_("Too many wrong passcodes. Try again in {seconds} s.")
