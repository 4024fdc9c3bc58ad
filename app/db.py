"""The engine, sessions, and the commit hook that hands recorded events to the hub."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
PENDING_EVENTS = "pending_events"
PENDING_ACCESS_ENDS = "pending_access_ends"
WRITE_OPTION = "paja_write"
# session.info: the transaction begun for writing, which begin_write then keeps.
WRITING = "paja_writing"
# session.info: {board id: Board}, the boards locked in the open transaction (cleared
# when it ends, with the events it recorded).
LOCKED_BOARDS = "paja_locked_boards"


@dataclass(frozen=True, slots=True)
class BoardEvent:
    """One committed change, as the hub and the WebSocket see it. `data` records the
    facts, server-only ones included; app.audience turns it into what each viewer
    receives (never send `data` as it is)."""

    board_id: str
    seq: int
    type: str
    data: dict[str, Any] = field(hash=False)


@dataclass(frozen=True, slots=True)
class Audience:
    """Whom a frame is encoded for; app.audience decides what each one sees."""

    facilitator: bool
    participant_id: str | None = None


EVERYONE = Audience(facilitator=False)
FACILITATORS = Audience(facilitator=True)


Publisher = Callable[[list[BoardEvent]], None]


def make_engine(url: str, pool_size: int = 10, max_overflow: int = 30) -> Engine:
    """An engine tuned per backend: SQLite gets WAL, foreign keys and write-ahead locking."""
    parsed = make_url(url)
    # The pool (10 + 30 by default) matches the worker thread pool (40 threads), so a
    # request never waits for a connection while another holds one and waits for a
    # thread. On PostgreSQL, workers × 40 must stay under the server's max_connections.
    sizes = {"pool_size": pool_size, "max_overflow": max_overflow}
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **sizes)
    in_memory = not parsed.database or parsed.database == ":memory:"
    if not in_memory:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        **({} if in_memory else sizes),  # an in-memory database lives in one connection
    )
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    """Reads begin DEFERRED and take no lock. A write begins IMMEDIATE (see begin_write),
    taking the write lock up front so two writers queue instead of failing on a lock
    upgrade. pysqlite's own transaction handling is switched off."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writing = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def begin_write(session: Session) -> None:
    """Start the transaction a change is made in. On SQLite it ends any read
    transaction the request had open (authentication, say) and begins IMMEDIATE, so the
    write lock is held only while the change is made, never while a request waits for a
    worker thread; PostgreSQL needs nothing here (its row locks do the queueing). A
    transaction begun by `begin_write` or `begin_writing` is kept as it is."""
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.info.get(WRITING) is session.get_transaction():
            return
        session.commit()
    begin_writing(session)


def begin_writing(session: Session) -> None:
    """Begin a write transaction (BEGIN IMMEDIATE on SQLite) before anything is read.
    The write queue (app.unit) lets one change run at a time on SQLite, so a change may
    as well hold the write lock from its first read: the caller is identified inside
    the change's own transaction, one BEGIN and one COMMIT instead of two of each."""
    session.connection(execution_options={WRITE_OPTION: True})
    session.info[WRITING] = session.get_transaction()


def end_access_after_commit(session: Session, **who: str) -> None:
    """Close the open streams of whoever this transaction takes access from, once it has
    committed (board_id, participant_id, facilitator_id, token_id; see Hub.end_access)."""
    session.info.setdefault(PENDING_ACCESS_ENDS, []).append(who)


class Database:
    """Owns the engine and publishes each transaction's events once it has committed."""

    def __init__(
        self,
        url: str,
        publish: Publisher | None = None,
        pool_size: int = 10,
        max_overflow: int = 30,
    ) -> None:
        self.url = url
        self.engine = make_engine(url, pool_size, max_overflow)
        # How many threads may use the database at once without waiting for a connection.
        in_memory = self.engine.dialect.name == "sqlite" and not make_url(url).database
        self.capacity = 1 if in_memory else pool_size + max_overflow
        self.publish: Publisher | None = publish
        self.end_access: Callable[..., None] | None = None  # Hub.end_access
        self._sessions = sessionmaker(self.engine, class_=Session, expire_on_commit=False)
        event.listen(self._sessions, "after_commit", self._after_commit)
        event.listen(self._sessions, "after_rollback", self._after_rollback)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def _after_commit(self, session: Session) -> None:
        session.info.pop(LOCKED_BOARDS, None)  # the row locks ended with the transaction
        pending: list[BoardEvent] = session.info.pop(PENDING_EVENTS, [])
        if pending and self.publish is not None:
            self.publish(pending)
        for who in session.info.pop(PENDING_ACCESS_ENDS, []):
            if self.end_access is not None:
                self.end_access(**who)

    @staticmethod
    def _after_rollback(session: Session) -> None:
        session.info.pop(LOCKED_BOARDS, None)
        session.info.pop(PENDING_EVENTS, None)
        session.info.pop(PENDING_ACCESS_ENDS, None)

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Bring the schema to the newest revision; the schema comes from nowhere else."""
    make_engine(url).dispose()  # creates the SQLite directory if needed
    command.upgrade(alembic_config(url), "head")
