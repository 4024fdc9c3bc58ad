"""Builds the ASGI app: settings, database, hub, routes, middleware."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from app import __version__, errors_http
from app.api.routes import (
    auth,
    boards,
    exports,
    health,
    moderation,
    notes,
    participants,
    rows,
    sharing,
    signals,
    themes,
    theming,
    voting,
    ws,
)
from app.config import Settings, get_settings
from app.db import BoardEvent, Database
from app.hub.base import Hub
from app.hub.memory import MemoryHub
from app.hub.people import People
from app.hub.snapshots import SnapshotCache
from app.middleware import (
    GZIP_EXCLUDED_TYPES,
    GZIP_LEVEL,
    GZIP_MINIMUM_BYTES,
    BodySizeLimit,
    CrossSiteRefusal,
    SecurityHeaders,
)
from app.models import Board
from app.observability import EVENTS, RequestLog, configure_logging, metrics
from app.ratelimit import RateLimits, WriteQuotas
from app.services import events
from app.themes import model as embedding_model
from app.themes.background import BackgroundProcess
from app.themes.worker import EmbeddingWorker
from app.unit import Units
from app.web import (
    api_docs,
    exports_pages,
    grid_pages,
    info_pages,
    moderation_pages,
    pages,
    participants_pages,
    sharing_pages,
    signals_pages,
    theme_pages,
    theming_pages,
    toolbar_pages,
    voting_pages,
)
from app.web.render import encode_events

STATIC_DIR = Path(__file__).resolve().parent / "static"


def build_hub(settings: Settings, db: Database) -> Hub:
    """The hub reads the log through these two loaders to start and to fill gaps."""

    async def load_since(board_id: str, seq: int) -> list[BoardEvent]:
        def read() -> list[BoardEvent]:
            with db.session() as session:
                return events.since(session, board_id, seq, settings.catch_up_limit)

        return await run_in_threadpool(read)

    async def load_head(board_id: str) -> int:
        def read() -> int:
            with db.session() as session:
                board = session.get(Board, board_id)
                return board.seq if board else 0

        return await run_in_threadpool(read)

    loaders = (encode_events, load_since, load_head)
    if settings.redis_url is not None:
        from app.hub.redis import RedisHub

        url = settings.redis_url.get_secret_value()
        return RedisHub(url, *loaders, max_frames=settings.ws_queue_frames)
    return MemoryHub(*loaders, max_frames=settings.ws_queue_frames)


def _counting(publish: Callable[[list[BoardEvent]], None]) -> Callable[[list[BoardEvent]], None]:
    def publish_and_count(events: list[BoardEvent]) -> None:
        EVENTS.inc(len(events))
        publish(events)

    return publish_and_count


def _observed(
    publish: Callable[[list[BoardEvent]], None], observe: Callable[[list[BoardEvent]], None]
) -> Callable[[list[BoardEvent]], None]:
    """Committed events go to the hub, then to an observer (the embeddings worker)."""

    def publish_and_observe(events: list[BoardEvent]) -> None:
        publish(events)
        observe(events)

    return publish_and_observe


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging()
    db = Database(
        settings.database_url.get_secret_value(),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    hub = build_hub(settings, db)
    embedder = BackgroundProcess()
    theme_worker = EmbeddingWorker(db, embedder.embed)
    db.publish = _observed(_counting(hub.publish), theme_worker.notice)
    db.end_access = hub.end_access

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await hub.start()
        if settings.theme_engine != "lexical" and embedding_model.available():
            theme_worker.start()
        yield
        await run_in_threadpool(theme_worker.stop)
        await run_in_threadpool(embedder.close)
        await hub.close()
        db.dispose()

    # /docs is app/web/api_docs.py (vendored Swagger UI, within the CSP); FastAPI's own
    # pages load it from a CDN, which the CSP blocks.
    app = FastAPI(
        title="Paja", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.settings = settings
    app.state.db = db
    app.state.units = Units(db, settings.write_wait_seconds)
    hub.writes_waiting = app.state.units.queue.waiting_alone
    app.state.hub = hub
    app.state.theme_worker = theme_worker
    app.state.rate_limits = RateLimits(settings)
    app.state.snapshot_cache = SnapshotCache()
    app.state.stream_people = People(ws.STREAMS_PER_PERSON, settings)
    errors_http.install(app)
    # Routes are matched in order, a regex per route: the room's hottest requests (the
    # board's page and its form posts, the stream, the API's note posts) come first.
    # No two routers share a path, so the order changes nothing else.
    app.include_router(pages.router)
    app.include_router(ws.router, prefix="/api/v1")
    app.include_router(health.router)
    for router in (
        notes.router,
        auth.router,
        boards.router,
        moderation.router,
        rows.router,
        theming.router,
        voting.router,
        exports.router,
        sharing.router,
        signals.router,
        participants.router,
        themes.router,
    ):
        app.include_router(router, prefix="/api/v1")
    app.include_router(moderation_pages.router)
    app.include_router(voting_pages.router)
    app.include_router(exports_pages.router)
    app.include_router(grid_pages.router)
    app.include_router(theming_pages.router)
    app.include_router(info_pages.router)
    app.include_router(sharing_pages.router)
    app.include_router(signals_pages.router)
    app.include_router(theme_pages.router)
    app.include_router(toolbar_pages.router)
    app.include_router(api_docs.router)
    app.include_router(participants_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(WriteQuotas)
    app.add_middleware(CrossSiteRefusal, trusted_hosts=settings.trusted_hosts)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        upload_bytes=settings.max_import_bytes,
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        GZipMiddleware,
        minimum_size=GZIP_MINIMUM_BYTES,
        compresslevel=GZIP_LEVEL,
        exclude_content_types=GZIP_EXCLUDED_TYPES,
    )
    app.add_middleware(RequestLog)
    app.add_route("/metrics", metrics, include_in_schema=False)
    return app
