"""Per-person rate limits for writes and sign-ins, shared by every worker through Redis
when it is configured (in-process memory otherwise)."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse, storage, strategies

from app.config import Settings
from app.errors import PajaError


class RateLimited(PajaError):
    status_code = 429

    def __init__(self, template: str, retry_after: int, **params: object) -> None:
        super().__init__(template, seconds=retry_after, **params)
        self.retry_after = retry_after


class RateLimits:
    """The documented limits (README, "Limits"), checked before a service runs."""

    def __init__(self, settings: Settings) -> None:
        url = settings.redis_url.get_secret_value() if settings.redis_url else "memory://"
        self._limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(url))
        self.posts = parse(f"{settings.posts_per_minute}/minute")
        self.sign_ins = parse(f"{settings.sign_ins_per_minute}/minute")

    def spend_post(self, participant_id: str) -> None:
        """Notes, comments and votes count: one flooding participant is stopped here,
        before the board's write lock, so the others are not slowed down."""
        self._spend(
            self.posts,
            ("post", participant_id),
            "You are writing faster than the board allows. Try again in {seconds} s.",
        )

    def spend_sign_in(self, email: str) -> None:
        """Throttle password guessing per account."""
        self._spend(
            self.sign_ins,
            ("sign-in", email.strip().lower()),
            "Too many sign-in attempts. Try again in {seconds} s.",
        )

    def _spend(self, item: RateLimitItem, keys: tuple[str, ...], message: str) -> None:
        if self._limiter.hit(item, *keys):
            return
        reset = self._limiter.get_window_stats(item, *keys).reset_time
        raise RateLimited(message, retry_after=max(1, math.ceil(reset - time.time())))
