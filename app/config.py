"""Settings, read once from the environment (prefix PAJA_) and an optional .env file."""

from __future__ import annotations

import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from limits import parse_many
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite:///./data/paja.db"
REDIS_SCHEMES = ("redis", "rediss", "unix")
MIN_SECRET_CHARS = 16

FRAME_ORIGIN = re.compile(r"https://(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(:\d{1,5})?", re.IGNORECASE)


class Settings(BaseSettings):
    """Everything an operator can set; the contract lists the public ones."""

    model_config = SettingsConfigDict(env_prefix="PAJA_", env_file=".env", extra="ignore")

    database_url: SecretStr = SecretStr(DEFAULT_DATABASE_URL)
    redis_url: SecretStr | None = None
    secret_key: SecretStr | None = None
    base_url: str = "http://127.0.0.1:8000"
    # Other origins (comma-separated, e.g. "https://intra.example.fi") whose pages may open
    # a board's live stream with the browser's cookie; the app's own origin always may.
    allowed_origins: str = ""
    data_dir: Path = Path("./data")
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=30, ge=0)
    # A change that would wait longer than this for its turn to write is refused with
    # 503 and Retry-After instead (app/unit.py).
    write_wait_seconds: float = Field(default=10.0, gt=0)
    # Microsoft Teams: lets Teams frame the board, join and tab-configuration pages.
    teams: bool = False
    # Other sites (an intranet, a learning platform) that may frame those same pages:
    # space- or comma-separated https origins, "*." allowed as the first label.
    frame_ancestors: str = ""
    # /docs, the API's Swagger UI page (vendored, same origin); 0 turns it off.
    api_docs: bool = True

    # Limits. The README's "Limits" table mirrors these; tests/test_docs.py keeps it honest.
    max_note_chars: int = Field(default=5000, ge=1)
    max_comment_chars: int = Field(default=2000, ge=1)
    max_title_chars: int = Field(default=200, ge=1)
    max_question_chars: int = Field(default=2000, ge=1)
    max_columns_per_board: int = Field(default=50, ge=1)
    max_rows_per_board: int = Field(default=10, ge=1)
    max_notes_per_board: int = Field(default=5000, ge=1)
    max_participants_per_board: int = Field(default=2000, ge=1)
    # PAJA_MAX_WORK_GROUPS_PER_BOARD is the name this had before; it is still read.
    max_discussion_groups_per_board: int = Field(
        default=50,
        ge=1,
        validation_alias=AliasChoices(
            "max_discussion_groups_per_board",
            "paja_max_discussion_groups_per_board",
            "paja_max_work_groups_per_board",
        ),
    )
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # Imports (a JSON backup, a Padlet CSV) and .docx templates: only their routes take this.
    max_import_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    # Clients send pings (tens of bytes) and notes; a larger frame closes the stream
    # (1009), so the page sends a note that would not fit as a form post instead.
    ws_max_frame_bytes: int = Field(default=4096, ge=1024)
    ws_queue_frames: int = Field(default=256, ge=8)
    ws_send_timeout_seconds: float = Field(default=10.0, gt=0)
    # The server pings every client this often and closes one whose pong has not come
    # back this long after: a pong queues behind every frame not yet read, so this caps a
    # client's backlog at about twice this many seconds, even inside the kernel's buffers.
    ws_ping_seconds: float = Field(default=5.0, gt=0)
    catch_up_limit: int = Field(default=1000, ge=10)
    posts_per_minute: int = Field(default=60, ge=1)
    sign_ins_per_minute: int = Field(default=10, ge=1)
    passcode_guesses_per_minute: int = Field(default=10, ge=1)
    ws_frames_per_second: int = Field(default=20, ge=1)
    # Per client address (README "Rate limits" says why these numbers): a whole
    # organisation behind one NAT address is one client address. `limits` syntax,
    # several windows separated by ";".
    code_lookups_per_address: str = "600/minute"
    wrong_codes_per_address: str = "100/10 minutes;1000/day"
    joins_per_address: str = "300/hour;600/day"
    writes_per_address: str = "1200/minute;4000/hour"
    sign_ins_per_address: str = "30/minute;300/hour"
    feedback_per_address: str = "5/hour;20/day"
    # Retention (`paja purge`): unset keeps boards until a facilitator deletes them.
    retention_days: int | None = Field(default=None, ge=1)
    purge_grace_days: int = Field(default=30, ge=0)
    participant_token_days: int = Field(default=90, ge=1)
    facilitator_token_days: int = Field(default=14, ge=1)
    # Theme suggestions (app/themes): which engine, and the bounds that keep a request short.
    theme_engine: Literal["auto", "lexical", "embedding"] = "auto"
    theme_max_notes: int = Field(default=2000, ge=2)
    theme_embed_on_demand: int = Field(default=50, ge=0)
    theme_timeout_seconds: float = Field(default=10.0, gt=0)

    @field_validator(
        "code_lookups_per_address",
        "wrong_codes_per_address",
        "joins_per_address",
        "writes_per_address",
        "sign_ins_per_address",
        "feedback_per_address",
    )
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        """Refuse at start what `limits` could not count, rather than at the first request."""
        try:
            windows = parse_many(value)
        except ValueError:
            windows = []
        if not windows or any(window.amount < 1 for window in windows):
            raise ValueError(
                f"{value!r} is not a rate limit such as 100/minute or 30/minute;300/hour"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _a_database(cls, value: SecretStr) -> SecretStr:
        """SQLite or PostgreSQL, checked at start rather than at the first connection."""
        url = value.get_secret_value().strip()
        try:
            backend = make_url(url).get_backend_name() if url else ""
        except ArgumentError:
            backend = ""
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(
                "it must be a database URL such as sqlite:///./data/paja.db or "
                "postgresql+psycopg://user@host/paja"
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _a_redis(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and urlsplit(value.get_secret_value()).scheme not in REDIS_SCHEMES:
            raise ValueError("it must be a Redis URL such as redis://localhost:6379/0 (or unset)")
        return value

    @field_validator("secret_key")
    @classmethod
    def _a_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < MIN_SECRET_CHARS:
            raise ValueError(
                f"it must be at least {MIN_SECRET_CHARS} characters (or unset, and Paja "
                "generates one)"
            )
        return value

    @field_validator("base_url")
    @classmethod
    def _an_address(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("it must be the public address, such as https://paja.example.fi")
        return value.strip()

    @field_validator("data_dir", mode="before")
    @classmethod
    def _a_directory(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise ValueError("it must name a directory, such as ./data")
        return value

    @field_validator("frame_ancestors")
    @classmethod
    def _only_https_origins(cls, value: str) -> str:
        """Each entry goes into the Content-Security-Policy verbatim, so only plain
        https origins pass: nothing that could add a directive or a source keyword."""
        for origin in value.replace(",", " ").split():
            if not FRAME_ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"PAJA_FRAME_ANCESTORS: {origin!r} is not an https origin "
                    "such as https://intra.example.fi or https://*.example.fi"
                )
        return value

    @property
    def frame_origins(self) -> list[str]:
        return self.frame_ancestors.replace(",", " ").split()

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def trusted_hosts(self) -> set[str]:
        """host[:port] of PAJA_BASE_URL and of every PAJA_ALLOWED_ORIGINS entry."""
        origins = [self.base_url, *self.allowed_origins.split(",")]
        return {urlsplit(origin.strip()).netloc for origin in origins if origin.strip()}

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.get_secret_value().startswith("sqlite")

    @property
    def cookie_secure(self) -> bool:
        """Secure cookies whenever the public address is HTTPS."""
        return self.base_url.startswith("https://")

    def secret(self) -> bytes:
        """The signing key: the configured one, or one generated once and kept in data_dir."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        return _stored_secret(self.data_dir.resolve())


@lru_cache
def _stored_secret(data_dir: Path) -> bytes:
    """Generate the key on first start so a restart keeps everyone's sessions."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


SECRET_SETTINGS = {"database_url", "redis_url", "secret_key"}


def describe_problems(error: ValidationError) -> list[str]:
    """One sentence per setting Paja cannot start with, naming it (and its value, unless
    it may hold a password)."""
    sentences = []
    for problem in error.errors():
        name = str(problem["loc"][0]) if problem["loc"] else ""
        variable = f"PAJA_{name.upper()}"
        reason = problem["msg"].removeprefix("Value error, ").removeprefix(f"{variable}: ")
        reason = reason[0].lower() + reason[1:] if reason else "it is not valid"
        shown = "" if name in SECRET_SETTINGS else f"={problem.get('input')!r}"
        sentences.append(f"{variable}{shown} cannot be used: {reason.rstrip('.')}.")
    return sentences


@lru_cache
def get_settings() -> Settings:
    """One Settings per process; tests clear the cache to override it."""
    return Settings()
