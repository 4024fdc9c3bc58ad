"""The unit of work every HTTP change runs in, and the queue that admits changes.

Why this shape. A request used to reach the database in several thread-pool hops: the
sign-in check (a sync dependency) took a pooled connection, then the request waited for
a second thread to run the route while still holding it. With 200 posts at once every
thread waited for a connection held by a request that waited for a thread, until the
30 s pool timeout fired. Three designs remove that cycle; this module is the first:

- ONE unit per request: the caller's token is resolved, the service runs and commits,
  and the session is closed, all in one thread hop on one connection (`Units.run`). A
  request holds a connection only while a thread is running it, so no thread can wait
  for a connection held by a request that waits for a thread.
- Writers queue as coroutines, not threads (`WriteQueue`): on SQLite every change takes
  the one write lock anyway (BEGIN IMMEDIATE), so a change waits for its turn on the
  event loop, first come first served, and only then takes a thread. Forty threads never
  sleep in SQLite's busy handler. On PostgreSQL the queue is per board (its row lock is
  what serialises a board's `seq`); boards do not wait for each other.
- Units run on a thread limiter no larger than the connection pool, so a unit's thread
  never waits for a connection either.

- New notes commit together (`Units.write_together`): when a room presses Enter in the
  same second, the notes that arrive while one change holds the turn join one group,
  which takes the next turn and is written in one thread hop, one session and one
  transaction. Each note still runs its own service call (the caller checked, its
  quota, its event and seq) inside a SAVEPOINT, so a refused note changes nothing and
  the others in its group are stored; each is answered when the group has committed,
  so an acknowledged note is durable. A note alone pays the same as before; a burst pays
  one thread hop, one session, one BEGIN/COMMIT and one board lock per group instead of
  per note. Other changes keep their own transaction: their services commit themselves.

Moving the database off the thread pool (an async driver) would rewrite every service.

Back-pressure: a change that would wait longer than `write_wait_seconds` is refused at
once with 503 and Retry-After (`Busy`), before it touches anything; one that does get its
turn runs to the end, so nothing acknowledged is lost and `seq` stays gap-free."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from sqlmodel import Session

from app.db import LOCKED_BOARDS, PENDING_ACCESS_ENDS, PENDING_EVENTS, Database, begin_writing
from app.errors import PajaError
from app.i18n import N_

T = TypeVar("T")

# The first estimate of one change's time, before any has been measured.
FIRST_GUESS_SECONDS = 0.005
SMOOTHING = 0.1  # weight of the newest measurement in the moving average
# One change that stalled (the process was descheduled, a slow disk) counts as at most
# this many times the estimate, so a single outlier does not turn a queue away.
OUTLIER_CAP = 4.0
# At most this many changes share a transaction: a group holds the write turn for about
# this many notes' work (~1 ms each), and each of its writers waits for all of it.
MAX_GROUP = 50
# Plain SQL on the session's connection, not SQLAlchemy's nested transactions: a
# savepoint per note then costs two short statements and nothing of the ORM's.
SAVEPOINT = "SAVEPOINT paja_change"
RELEASE = "RELEASE SAVEPOINT paja_change"
ROLLBACK_TO = "ROLLBACK TO SAVEPOINT paja_change"


class Busy(PajaError):
    """Too many changes are waiting: nothing was changed, try again after `retry_after`."""

    status_code = 503

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            N_(
                "Many people are writing at the same moment and your change was not saved. "
                "Try again in {seconds} s."
            ),
            seconds=retry_after,
        )
        self.retry_after = retry_after


@dataclass(slots=True)
class _Waiter:
    """A change waiting for its turn; `refused` when the queue turned it away instead;
    `group` when it is a group of notes that will commit together."""

    called: anyio.Event = field(default_factory=anyio.Event)
    refused: bool = False
    group: bool = False


@dataclass(slots=True)
class _Line:
    """One queue: whether a change holds the turn, and who waits for it, in order."""

    busy: bool = False
    waiting: deque[_Waiter] = field(default_factory=deque)


class WriteQueue:
    """Admits one change at a time per key, first come first served. Waiting costs a
    coroutine, not a thread or a connection. A change whose expected wait (changes ahead
    × the recent time per change) passes `max_wait` is refused at once; when changes
    turn out slower than expected, the latest arrivals are refused as soon as that shows,
    so the ones that stay are written within about `max_wait`."""

    def __init__(self, max_wait: float) -> None:
        self.max_wait = max_wait
        self.seconds_per_change = FIRST_GUESS_SECONDS
        self._lines: dict[Hashable, _Line] = {}

    def waiting_alone(self) -> int:
        """How many changes that will commit one by one wait for their turn: each will
        be a frame of its own unless the hub holds frames back (a group of notes is one
        frame anyway)."""
        return sum(not w.group for line in self._lines.values() for w in line.waiting)

    def expected_wait(self, key: Hashable) -> float:
        line = self._lines.get(key)
        ahead = (len(line.waiting) + line.busy) if line else 0
        return ahead * self.seconds_per_change

    @asynccontextmanager
    async def turn(self, key: Hashable, *, group: bool = False) -> AsyncIterator[None]:
        """Hold the key's turn for the block; refuse with Busy rather than wait too long.
        `group`: the turn is for a group of notes that commit together."""
        expected = self.expected_wait(key)
        if expected > self.max_wait:
            raise Busy(self._retry_after(expected))
        line = self._lines.setdefault(key, _Line())
        if line.busy:
            await self._wait(line, key, group)
        line.busy = True
        began = time.perf_counter()
        try:
            yield
        finally:
            self._measured(time.perf_counter() - began)
            self._trim(line)
            self._pass_on(key, line)

    async def _wait(self, line: _Line, key: Hashable, group: bool) -> None:
        waiter = _Waiter(group=group)
        line.waiting.append(waiter)
        try:
            await waiter.called.wait()
        except BaseException:  # the request itself was cancelled (the client left)
            if waiter.called.is_set() and not waiter.refused:
                self._pass_on(key, line)  # it had just been given the turn: hand it on
            elif not waiter.refused:
                line.waiting.remove(waiter)
            raise
        if waiter.refused:  # by then the changes ahead of it will have been written
            raise Busy(max(1, math.ceil(self.max_wait / 2)))

    def _trim(self, line: _Line) -> None:
        """Turn away the latest arrivals that could not be written within `max_wait`."""
        room = int(self.max_wait / self.seconds_per_change)
        while len(line.waiting) > max(room, 1):
            waiter = line.waiting.pop()
            waiter.refused = True
            waiter.called.set()

    def _pass_on(self, key: Hashable, line: _Line) -> None:
        if line.waiting:
            line.waiting.popleft().called.set()  # busy stays True: the turn is theirs
            return
        line.busy = False
        del self._lines[key]

    def _measured(self, seconds: float) -> None:
        seconds = min(seconds, OUTLIER_CAP * self.seconds_per_change)
        self.seconds_per_change += SMOOTHING * (seconds - self.seconds_per_change)

    def _retry_after(self, expected: float) -> int:
        """Seconds until a change arriving then would wait less than `max_wait`."""
        return max(1, math.ceil(expected - self.max_wait))


@dataclass(slots=True)
class _Group:
    """Changes that will share one transaction. Open while it waits for its turn in the
    write queue (whoever arrives meanwhile joins it), closed once it has the turn.
    `done` resolves to, per change and in order, what it returned or the error it raised."""

    done: asyncio.Future[list[Any]]
    changes: list[Callable[[Session], Any]] = field(default_factory=list)


class Units:
    """Runs units of work for one app: a session opened, used and closed in one thread
    hop, on threads no more numerous than the pool's connections."""

    def __init__(self, db: Database, max_wait: float) -> None:
        self.db = db
        self.queue = WriteQueue(max_wait)
        self.threads = anyio.CapacityLimiter(db.capacity)
        self.one_writer = db.engine.dialect.name == "sqlite"
        self._open_groups: dict[Hashable, _Group] = {}
        self._group_tasks: set[asyncio.Task[None]] = set()

    def write_key(self, board_id: str | None) -> Hashable | None:
        """Who a change waits behind: every change on SQLite (one write lock for the
        file), the board's changes on PostgreSQL, nobody for a change outside a board."""
        if self.one_writer:
            return "database"
        return board_id

    async def run(self, work: Callable[[Session], T]) -> T:
        """`work` with a fresh session, in one thread hop; the session is closed there."""
        return await anyio.to_thread.run_sync(self._in_thread, work, limiter=self.threads)

    async def write(self, board_id: str | None, work: Callable[[Session], T]) -> T:
        """`work` (which commits) after its turn in the write queue."""
        key = self.write_key(board_id)
        if key is None:
            return await self.run(work)
        async with self.queue.turn(key):
            if self.one_writer:
                return await self.run(lambda session: self._writing(session, work))
            return await self.run(work)

    async def write_together(self, board_id: str, change: Callable[[Session], T]) -> T:
        """`change` (which must not commit) in the same transaction as the other changes
        of its board that arrive while the write turn is taken; returns what `change`
        returned once that transaction has committed, or raises what it raised (then
        nothing of it was stored) or what refused the whole group (Busy, the database)."""
        key = self.write_key(board_id)
        group = self._open_groups.get(key)
        if group is None or len(group.changes) >= MAX_GROUP:
            group = self._open_group(key)
        index = len(group.changes)
        group.changes.append(change)
        # Shielded: a writer that leaves does not cancel its group's commit.
        outcome = (await asyncio.shield(group.done))[index]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def _open_group(self, key: Hashable) -> _Group:
        loop = asyncio.get_running_loop()
        group = _Group(loop.create_future())
        self._open_groups[key] = group
        task = loop.create_task(self._commit_group(key, group))
        self._group_tasks.add(task)  # the loop keeps only a weak reference to a task
        task.add_done_callback(self._group_tasks.discard)
        return group

    async def _commit_group(self, key: Hashable, group: _Group) -> None:
        """Wait for the turn, close the group, write it in one unit; tell every writer."""
        try:
            async with self.queue.turn(key, group=True):
                self._close(key, group)
                outcomes = await self.run(lambda session: self._together(session, group))
        except BaseException as failed:  # refused (Busy), the database, shutting down
            self._close(key, group)
            group.done.set_result([failed] * len(group.changes))
            if not isinstance(failed, Exception):
                raise
            return
        group.done.set_result(outcomes)

    def _close(self, key: Hashable, group: _Group) -> None:
        if self._open_groups.get(key) is group:
            del self._open_groups[key]

    def _together(self, session: Session, group: _Group) -> list[Any]:
        """Every change of the group, each in its own savepoint, then one commit."""
        if self.one_writer:
            begin_writing(session)
        outcomes = [_in_savepoint(session, change) for change in group.changes]
        session.commit()
        return outcomes

    def _in_thread(self, work: Callable[[Session], T]) -> T:
        with self.db.session() as session:
            return work(session)

    @staticmethod
    def _writing(session: Session, work: Callable[[Session], T]) -> T:
        """On SQLite the change holds the turn anyway: its transaction writes from the
        start, the caller's identification included (db.begin_writing)."""
        begin_writing(session)
        return work(session)


def _in_savepoint(session: Session, change: Callable[[Session], Any]) -> Any:
    """What `change` returned, or the exception it raised after everything it did was
    rolled back to the savepoint: its rows, what it added or deleted but had not flushed
    yet, its events waiting for the commit, what the session had loaded and the board
    locks it took (PostgreSQL releases a row lock taken inside a savepoint rolled back),
    which the next change takes again."""
    pending = [session.info.setdefault(name, []) for name in (PENDING_EVENTS, PENDING_ACCESS_ENDS)]
    before = [len(items) for items in pending]
    connection = session.connection()
    connection.exec_driver_sql(SAVEPOINT)
    try:
        result = change(session)
        session.flush()  # what it added belongs inside its savepoint
    except Exception as refused:
        connection.exec_driver_sql(ROLLBACK_TO)
        for items, length in zip(pending, before, strict=True):
            del items[length:]
        for unflushed in [*session.new, *session.deleted]:  # or the next flush would
            session.expunge(unflushed)
        session.expire_all()  # the board's seq, say, is read again
        session.info.pop(LOCKED_BOARDS, None)  # a lock taken in the savepoint is gone
        return refused
    connection.exec_driver_sql(RELEASE)
    return result
