"""Per person limits on a board's live stream, in this process: how many sockets one
person may hold open, and one frame budget that all of their sockets share (so ten
sockets cannot send ten times the pings)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from app.config import Settings


class FrameBudget:
    """A token bucket: `rate` frames a second, bursts up to `rate`."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.tokens = float(rate)
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


@dataclass(slots=True)
class Person:
    """One person's open sockets on one board."""

    budget: FrameBudget
    sockets: int = 0
    key: tuple[str, str] = field(default=("", ""))


class People:
    """Who holds how many sockets on which board."""

    def __init__(self, sockets_per_person: int, settings: Settings) -> None:
        self.sockets_per_person = sockets_per_person
        self._settings = settings  # read when a person arrives, as the settings say then
        self._people: dict[tuple[str, str], Person] = {}

    def enter(self, board_id: str, person_id: str) -> Person | None:
        """Count one more socket; None when the person already holds the most allowed."""
        key = (board_id, person_id)
        person = self._people.get(key)
        if person is None:
            person = self._people[key] = Person(
                FrameBudget(self._settings.ws_frames_per_second), key=key
            )
        if person.sockets >= self.sockets_per_person:
            return None
        person.sockets += 1
        return person

    def leave(self, person: Person) -> None:
        person.sockets -= 1
        if person.sockets <= 0:
            self._people.pop(person.key, None)
