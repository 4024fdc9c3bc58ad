"""The `paja` command: serve, migrate, create-facilitator."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from app.config import Settings, describe_problems, get_settings
from app.db import Database, migrate
from app.errors import PajaError


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        get_settings()
    except ValidationError as error:
        for sentence in describe_problems(error):
            print(f"paja: {sentence}", file=sys.stderr)
        return 2
    try:
        return args.handler(args)
    except PajaError as error:
        print(f"paja: {error.message}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paja", description="Paja, the live workshop board.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="apply migrations, then serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--demo", action="store_true", help="create a demo board and print links")
    serve.add_argument(
        "--forwarded-allow-ips",
        help="proxies whose X-Forwarded-For is believed (default: $FORWARDED_ALLOW_IPS or "
        "127.0.0.1); rate limits count by the address it gives",
    )
    serve.set_defaults(handler=_serve)

    migrate_cmd = commands.add_parser("migrate", help="apply pending migrations and exit")
    migrate_cmd.set_defaults(handler=_migrate)

    purge_cmd = commands.add_parser(
        "purge", help="archive idle boards and delete long-idle ones (PAJA_RETENTION_DAYS)"
    )
    purge_cmd.add_argument("--dry-run", action="store_true", help="count, change nothing")
    purge_cmd.set_defaults(handler=_purge)

    backup = commands.add_parser("backup", help="a consistent copy of the SQLite database")
    backup.add_argument("destination", help="file to write (must not exist)")
    backup.set_defaults(handler=_backup)

    teams = commands.add_parser(
        "teams-manifest", help="write a Microsoft Teams app package for PAJA_BASE_URL"
    )
    teams.add_argument("--output", default="paja-teams.zip", help="the zip to write")
    teams.add_argument("--developer", default="Paja", help="the organisation Teams shows")
    teams.add_argument("--app-id", help="a GUID; by default one derived from PAJA_BASE_URL")
    teams.set_defaults(handler=_teams_manifest)

    create = commands.add_parser("create-facilitator", help="add a facilitator account")
    create.add_argument("email")
    create.add_argument("--password", help="prompted for when not given")
    create.add_argument("--name", default="")
    create.set_defaults(handler=_create_facilitator)
    return parser


def _teams_manifest(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.teams import write_package

    settings = get_settings()
    path = write_package(Path(args.output), settings.base_url, args.app_id, args.developer)
    print(f"paja: wrote {path} for {settings.base_url}/teams/config.")
    if not settings.base_url.startswith("https://"):
        print("paja: Teams opens only HTTPS addresses: set PAJA_BASE_URL.", file=sys.stderr)
    if not settings.teams:
        print("paja: set PAJA_TEAMS=1 on the server so Teams may show its pages.", file=sys.stderr)
    return 0


def _database_url() -> str:
    return get_settings().database_url.get_secret_value()


def _migrate(_args: argparse.Namespace) -> int:
    migrate(_database_url())
    print("paja: the database schema is up to date.")
    return 0


def _purge(args: argparse.Namespace) -> int:
    from app.services.retention import purge

    settings = get_settings()
    if settings.retention_days is None:
        print("paja: PAJA_RETENTION_DAYS is not set; nothing is purged.", file=sys.stderr)
        return 2
    database = Database(_database_url())
    with database.session() as session:
        result = purge(
            session, settings.retention_days, settings.purge_grace_days, dry_run=args.dry_run
        )
    database.dispose()
    verb = "would be" if args.dry_run else "were"
    print(
        f"paja: {result.archived} boards {verb} archived, {result.deleted} deleted for good, "
        f"{result.expired_tokens} expired sign-ins removed."
    )
    return 0


def _backup(args: argparse.Namespace) -> int:
    """SQLite's online backup API copies a consistent snapshot while the server runs."""
    import sqlite3
    from contextlib import closing
    from pathlib import Path

    from sqlalchemy.engine import make_url

    url = make_url(_database_url())
    if url.get_backend_name() != "sqlite" or not url.database:
        print("paja: backup copies SQLite databases; use pg_dump for PostgreSQL.", file=sys.stderr)
        return 2
    destination = Path(args.destination)
    if destination.exists():
        print(f"paja: {destination} exists; choose a new file.", file=sys.stderr)
        return 1
    with (
        closing(sqlite3.connect(url.database)) as source,
        closing(sqlite3.connect(destination)) as target,
    ):
        source.backup(target)
    print(f"paja: backed up {url.database} to {destination}.")
    return 0


def _create_facilitator(args: argparse.Namespace) -> int:
    from app.services import accounts

    password = args.password
    if password is None:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            print("paja: the passwords differ.", file=sys.stderr)
            return 1
    migrate(_database_url())
    database = Database(_database_url())
    with database.session() as session:
        facilitator = accounts.create_facilitator(session, args.email, password, args.name)
    database.dispose()
    print(f"paja: facilitator {facilitator.email} created.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    if args.workers > 1 and settings.redis_url is None:
        print(
            "paja: --workers above 1 needs PAJA_REDIS_URL, so that every worker hears every "
            "board's events.",
            file=sys.stderr,
        )
        return 2
    from app.observability import configure_logging

    configure_logging()
    if settings.redis_url is not None:
        _require_redis(settings.redis_url.get_secret_value())
    migrate(_database_url())
    if args.demo:
        _print_demo(_public_address(settings, args))
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        ws="app.hub.wire:WireProtocol",  # the hub writes pre-framed batches directly
        ws_max_size=settings.ws_max_frame_bytes,
        ws_per_message_deflate=False,
        ws_ping_interval=settings.ws_ping_seconds,
        ws_ping_timeout=settings.ws_ping_seconds,
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
        log_level="info",
        access_log=False,  # RequestLog writes one structured line per request instead
    )
    return 0


def _require_redis(url: str) -> None:
    """Fail before serving, with a sentence naming the URL, when Redis is not there."""
    import redis

    from app.hub.redis import redacted

    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.ping()
    except (redis.RedisError, OSError) as error:
        raise SystemExit(f"paja: Redis at {redacted(url)} does not answer ({error}).") from error
    finally:
        client.close()


def _public_address(settings: Settings, args: argparse.Namespace) -> str:
    """PAJA_BASE_URL when set; otherwise where this server actually listens."""
    if "base_url" in settings.model_fields_set:
        return settings.base_url
    return f"http://{args.host}:{args.port}"


def _print_demo(base: str) -> None:
    from app.demo import ensure_demo

    database = Database(_database_url())
    with database.session() as session:
        demo = ensure_demo(session, get_settings())
    database.dispose()
    print(
        "\nPaja demo\n"
        f"  facilitator: {base}/login  ({demo.email} / {demo.password})\n"
        f"  participants: {base}/b/{demo.board_id}  (or {base}/join with code {demo.join_code})\n"
        f"  a board mid-workshop: {base}/b/{demo.workshop_id}  (code {demo.workshop_code})\n",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
