"""Errors → HTTP answers: JSON {"detail"} under /api, a page in the person's language
elsewhere. Whatever a client sends, it gets a 4xx, never a 500."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import NotAuthenticated, PajaError

DATABASE_AWAY = "The database is not answering right now. Try again shortly."
DATABASE_RETRY_AFTER = 2  # seconds


def install(app: FastAPI) -> None:
    app.add_exception_handler(PajaError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(OperationalError, _database_down)  # type: ignore[arg-type]
    app.add_exception_handler(PoolTimeout, _database_down)  # type: ignore[arg-type]


def _wants_page(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and request.method == "GET"


def problem(request: Request, status: int, detail: str) -> Response:
    if _wants_page(request):
        from app.web.pages import error_page

        return error_page(request, status, detail)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _retry_after(response: Response, error: PajaError) -> Response:
    seconds = getattr(error, "retry_after", None)
    if seconds is not None:
        response.headers["Retry-After"] = str(seconds)
    return response


async def _domain_error(request: Request, error: PajaError) -> Response:
    if isinstance(error, NotAuthenticated) and _wants_page(request):
        return HTMLResponse(
            status_code=303, headers={"Location": f"/login?next={request.url.path}"}
        )
    if _wants_page(request):
        from app.web.pages import say

        return _retry_after(problem(request, error.status_code, say(request, error)), error)
    return _retry_after(problem(request, error.status_code, error.message), error)


async def _validation_error(request: Request, error: RequestValidationError) -> Response:
    issues = error.errors()
    if any(issue.get("type") == "json_invalid" for issue in issues):
        return problem(request, 400, "The request body is not valid JSON.")
    if any(issue.get("type") == "model_attributes_type" for issue in issues):
        return problem(request, 400, "The request body must be a JSON object.")
    if any(tuple(issue.get("loc", ())) == ("body",) for issue in issues):
        return problem(request, 400, "The request needs a JSON object as its body.")
    return problem(request, 422, describe(issues))


def describe(issues: Sequence[Mapping[str, Any]]) -> str:
    """The first few problems of a validation, as `field: message` (the stream's 422 for
    a note reads alike: app/api/stream_writes.py)."""
    return "; ".join(_describe(issue) for issue in issues[:5])


def _describe(issue: Mapping[str, Any]) -> str:
    location = ".".join(str(part) for part in issue.get("loc", ()) if part != "body")
    message = issue.get("msg", "is not valid")
    return f"{location}: {message}" if location else message


async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
    return problem(request, error.status_code, str(error.detail))


async def _database_down(request: Request, _error: Exception) -> Response:
    """The database is away or overloaded (locked, pool exhausted): a 503 the client can
    retry, never a 500."""
    response = problem(request, 503, DATABASE_AWAY)
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response
