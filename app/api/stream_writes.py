"""Notes sent over the board's stream: the room's way to say "here is my idea" when a
hundred people press Enter in the same second.

Why a second door for the same change. A note posted over HTTP costs the server about
5 ms of CPU, and the change itself (the caller checked again, the service, its commit)
is under 2 ms of that; the rest is HTTP: parsing, the middleware, routing, the body's
validation and the answer. A participant's page already holds an authenticated socket
to the board, so it sends its note there and skips the rest (bench/README "Notes over
the stream"). The change runs through the same unit of work, write queue and service
as `POST /api/v1/boards/{id}/notes`: quotas, permissions, idempotency keys and
back-pressure cannot differ between the doors.

    → {"type": "note.create", "ref": "k1", "data": {"column_id": …, "text": …,
       "client_key": …, "row_id": …}}
    ← {"type": "ack", "ref": "k1", "data": <the note as the REST API returns it>}
    ← {"type": "error", "ref": "k1", "status": 422, "detail": "…"}   (503: "retry_after")

The note itself reaches everyone, the writer included, as the usual `note.created`
event; the ack only tells the writer that it is stored. Who is writing is checked again
for every note with the stream's own tokens, as a request would be: a revoked token or a
removed participant cannot keep writing through a socket opened earlier."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from app.api.deps import resolve_principal
from app.config import Settings
from app.errors import PajaError
from app.errors_http import DATABASE_AWAY, DATABASE_RETRY_AFTER, describe
from app.i18n import translations
from app.observability import STREAM_WRITES
from app.schemas import NoteCreate
from app.services import notes
from app.services.members import actor_for
from app.unit import Units

MAX_REF_CHARS = 64


@dataclass(frozen=True, slots=True)
class Writer:
    """What a stream knows to write as its person: the board, the tokens it was opened
    with (checked again for each change) and the language its errors are said in."""

    board_id: str
    tokens: list[str]
    language: str


async def create_note(
    units: Units, settings: Settings, writer: Writer, message: dict[str, Any]
) -> dict[str, Any]:
    """The answer to one `note.create` frame: an ack with the stored note, or an error
    that names what was wrong; nothing is stored unless the answer is an ack. Timed per
    answer in /metrics (`paja_stream_write_seconds`), as HTTP requests are by route."""
    started = time.perf_counter()
    answer = await _create_note(units, settings, writer, message)
    status = str(answer.get("status", 201))
    STREAM_WRITES.labels("note.create", status).observe(time.perf_counter() - started)
    return answer


async def _create_note(
    units: Units, settings: Settings, writer: Writer, message: dict[str, Any]
) -> dict[str, Any]:
    ref = message.get("ref")
    if ref is not None and not (isinstance(ref, str) and len(ref) <= MAX_REF_CHARS):
        return _error(None, 422, f"ref must be a string of at most {MAX_REF_CHARS} characters.")
    try:
        body = NoteCreate.model_validate(message.get("data"))
    except ValidationError as invalid:
        issues = [{**issue, "loc": ("data", *issue["loc"])} for issue in invalid.errors()]
        return _error(ref, 422, describe(issues))

    def write(session: Session) -> dict[str, Any]:
        principal = resolve_principal(session, settings, writer.tokens)
        actor = actor_for(session, principal, writer.board_id)
        return notes.add_note(session, settings, actor, body).model_dump(mode="json")

    try:
        note = await units.write_together(writer.board_id, write)
    except PajaError as refused:
        said = refused.translated(translations(writer.language).gettext)
        return _error(ref, refused.status_code, said, getattr(refused, "retry_after", None))
    except (OperationalError, PoolTimeout):
        return _error(ref, 503, DATABASE_AWAY, DATABASE_RETRY_AFTER)
    return {"type": "ack", "ref": ref, "data": note}


def _error(
    ref: str | None, status: int, detail: str, retry_after: int | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"type": "error", "ref": ref, "status": status, "detail": detail}
    if retry_after is not None:
        error["retry_after"] = retry_after
    return error
