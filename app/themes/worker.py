"""The one background thread that computes embeddings, so neither the event loop nor a
request thread ever runs the model for a note someone just wrote. It follows committed
events (note.created, note.updated), and computes on demand what a suggestion misses."""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future

import numpy as np

from app.db import BoardEvent, Database
from app.themes import model, store

log = logging.getLogger(__name__)

TEXT_EVENTS = {"note.created", "note.updated"}
BATCH = 16
QUEUE_LIMIT = 20_000  # past this, notes are embedded when a suggestion asks for them
# A room that writes at once needs the CPU (and SQLite's one writer) for its notes: the
# worker starts a batch once writing has paused this long, or after the longest hold.
QUIET_SECONDS = 1.5
LONGEST_HOLD_SECONDS = 20.0

Embed = Callable[[Sequence[str]], np.ndarray]
_STOP = object()


class EmbeddingWorker:
    """A queue of note ids and one thread that embeds them, a batch at a time."""

    def __init__(self, db: Database, embed: Embed = model.embed) -> None:
        self.db = db
        self.embed = embed
        self._queue: queue.Queue[object] = queue.Queue(QUEUE_LIMIT)
        self._thread: threading.Thread | None = None
        self._last_write = 0.0
        self._asked = threading.Event()  # a suggestion waits: no holding off

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="paja-embeddings", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Finish the batch at hand and end; what is left waits for the next suggestion."""
        if self._thread is None:
            return
        self._drain()
        self._queue.put(_STOP)
        self._thread.join(timeout=30)
        self._thread = None

    def notice(self, events: list[BoardEvent]) -> None:
        """Called after every commit: queue the notes whose text is new."""
        if self._thread is None:
            return
        self._last_write = time.monotonic()
        for event in events:
            note_id = event.data.get("id") if event.type in TEXT_EVENTS else None
            if isinstance(note_id, str):
                self._offer(note_id)

    def later(self, note_ids: Sequence[str]) -> None:
        """Queue notes a suggestion found without vectors (written before the worker ran,
        or imported), so the next suggestion finds them."""
        if self._thread is None:
            return
        for note_id in note_ids:
            self._offer(note_id)

    def compute(self, note_ids: Sequence[str], timeout: float) -> bool:
        """Embed these notes now (ahead of nothing: the queue is first in, first out)
        and wait at most `timeout` seconds; False when the time ran out."""
        done: Future[None] = Future()
        if self._thread is None:
            self._embed(list(note_ids))
            return True
        self._asked.set()
        try:
            self._queue.put((list(note_ids), done), timeout=timeout)
            done.result(timeout=timeout)
        except (queue.Full, TimeoutError, CancelledError):
            return False
        return True

    def _offer(self, note_id: str) -> None:
        with contextlib.suppress(queue.Full):  # if full: computed on demand instead
            self._queue.put_nowait(note_id)

    def _drain(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, tuple):
                item[1].cancel()

    def _run(self) -> None:
        held: object = None
        while True:
            item, held = (held if held is not None else self._queue.get()), None
            if item is _STOP:
                return
            if isinstance(item, tuple):
                note_ids, done = item
                if done.set_running_or_notify_cancel():
                    self._safely(note_ids)
                    done.set_result(None)
                if self._queue.empty():
                    self._asked.clear()
                continue
            self._hold_off()
            batch = [item]
            while len(batch) < BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if not isinstance(more, str):
                    held = more  # an on-demand job or the stop: right after this batch
                    break
                batch.append(more)
            self._safely([str(note_id) for note_id in batch])

    def _hold_off(self) -> None:
        """Wait while the board is being written to (at most LONGEST_HOLD_SECONDS), unless
        a suggestion is waiting: embedding a note costs far more CPU than storing it."""
        deadline = time.monotonic() + LONGEST_HOLD_SECONDS
        while not self._asked.is_set():
            now = time.monotonic()
            until = min(self._last_write + QUIET_SECONDS, deadline)
            if now >= until:
                return
            self._asked.wait(until - now)

    def _safely(self, note_ids: list[str]) -> None:
        try:
            self._embed(note_ids)
        except Exception:  # a failed batch must not end the thread; it is retried on demand
            log.exception("embedding notes failed")

    def _embed(self, note_ids: list[str]) -> None:
        for start in range(0, len(note_ids), BATCH):
            with self.db.session() as session:
                notes = store.missing(session, note_ids[start : start + BATCH])
                if notes:
                    vectors = self.embed([note.text for note in notes])
                    store.save(session, notes, vectors)
