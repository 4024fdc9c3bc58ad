"""The embedding model runs in a child process at the lowest CPU priority, so the room
always comes first.

Why a process: embedding a note costs some 40 ms of CPU, a thousand times what storing it
does, and a board's notes are embedded in batches while the room goes on voting, joining
and writing. A thread in the server's process shares the core with the requests as an
equal (the model's C code runs without the GIL). A thread cannot be given a lower priority
safely: it also holds the GIL between calls, and a starved holder stalls the whole server
(measured: the browser suite timed out at nice 19). A process holds no lock the server
needs, so it can run as SCHED_IDLE (nice 19 where that is refused) and take only the CPU
nobody else wants. The child is started on the first batch (the model is loaded there,
not in the server), and a child that dies (the OOM killer, say) is replaced on the next."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

import numpy as np

from app.themes import model

T = TypeVar("T")


def lowest_priority() -> None:
    """Run this process only on CPU time nothing else wants."""
    os.nice(19)
    with contextlib.suppress(AttributeError, OSError):  # Linux only; nice 19 stands
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


class BackgroundProcess:
    """One child process, started when first needed, that runs picklable functions."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def call(self, function: Callable[..., T], *args: Any) -> T:
        """function(*args) in the child; raises what it raised. A child that died is
        replaced by the next call, and this call fails (its batch is retried on demand)."""
        pool = self._running()
        try:
            return pool.submit(function, *args).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            raise

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """model.embed, computed in the child."""
        if not texts:
            return model.embed(())
        return self.call(model.embed, list(texts))

    def close(self) -> None:
        """End the child, after the batch it is computing, if any."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _running(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn, not fork: the server has threads and open database connections,
                # and a forked copy of either is unsafe.
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=lowest_priority,
                )
            return self._pool
