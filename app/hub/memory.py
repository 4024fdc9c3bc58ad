"""The embedded default: events go straight from the commit hook to this process's
channels. Enough for one process; several processes need the Redis hub."""

from __future__ import annotations

from collections.abc import Sequence

from app.db import BoardEvent
from app.hub.base import Hub


class MemoryHub(Hub):
    def publish(self, events: Sequence[BoardEvent]) -> None:
        if self._loop is None or self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self.deliver_local, list(events))
