"""Pages around the board: the accessibility statement (required of Finnish public-sector
services by law 306/2019) with its feedback channel, the privacy notice, the projector
view, and the pages a Microsoft Teams tab needs (its configuration page and the
facilitator's sign-in with a one-time code, since sign-in pages do not render in a frame)."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from babel.dates import format_date
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.api.deps import ActorDep, SessionDep, SettingsDep
from app.auth_cookies import FACILITATOR_COOKIE
from app.config import Settings
from app.errors import Forbidden, LimitReached, NotAuthenticated, NotFound, PajaError
from app.i18n import N_
from app.models import Board
from app.ratelimit import RateLimited, RateLimits, client_address
from app.services import accounts, boards, sharing
from app.services.members import get_board, require_facilitator
from app.services.text import clean
from app.web.pages import (
    MaybeFacilitator,
    board_view,
    page,
    page_language,
    say,
    set_session_cookie,
)
from app.web.render import BABEL_LOCALES

router = APIRouter(include_in_schema=False)
log = logging.getLogger("paja.feedback")

# When the accessibility statement was last checked against the service.
STATEMENT_REVIEWED = date(2026, 11, 22)
FEEDBACK_FILE = "accessibility-feedback.jsonl"
MAX_FEEDBACK_CHARS = 5000
MAX_FEEDBACK_FILE_BYTES = 10 * 1024 * 1024
SIGN_IN_CODE_MINUTES = 10
BOARD_LINK = re.compile(r"/b/([A-Za-z0-9_-]{8,64})")


def public_base(request: Request, settings: Settings) -> str:
    """PAJA_BASE_URL when the operator set it, else the address this page was asked on."""
    if "base_url" in settings.model_fields_set:
        return settings.base_url
    return str(request.base_url).rstrip("/")


# --- accessibility statement and privacy notice --------------------------------------


@router.get("/accessibility")
def accessibility_statement(request: Request, settings: SettingsDep) -> HTMLResponse:
    return _statement(request, settings)


@router.post("/accessibility/feedback")
def accessibility_feedback(
    request: Request,
    settings: SettingsDep,
    message: Annotated[str, Form(max_length=100_000)] = "",
    contact: Annotated[str, Form(max_length=320)] = "",
    address: Annotated[str, Form(max_length=2000)] = "",
) -> HTMLResponse:
    """The statement's feedback channel: kept in the data directory for the operator."""
    form = {"message": message, "contact": contact, "address": address}
    try:
        text = clean(message, field=N_("Feedback"), limit=MAX_FEEDBACK_CHARS)
        record = {
            "received": datetime.now(UTC).isoformat(timespec="seconds"),
            "language": page_language(request),
            "address": address.strip(),
            "contact": contact.strip(),
            "message": text,
        }
        request.app.state.rate_limits.spend_feedback(client_address(request))
        _store_feedback(settings, record)
    except PajaError as error:
        response = _statement(request, settings, error.status_code, say(request, error), form)
        if isinstance(error, RateLimited):
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    return _statement(request, settings, sent=True)


def _statement(
    request: Request,
    settings: Settings,
    status: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
    sent: bool = False,
) -> HTMLResponse:
    language = page_language(request)
    return page(
        request,
        "accessibility.html",
        status=status,
        reviewed=format_date(STATEMENT_REVIEWED, "long", locale=BABEL_LOCALES[language]),
        base_url=public_base(request, settings),
        error=error,
        form=form or {},
        sent=sent,
    )


def _store_feedback(settings: Settings, record: dict[str, Any]) -> None:
    """One JSON line per message; a full file refuses more rather than fill the disk."""
    path = settings.data_dir / FEEDBACK_FILE
    if path.exists() and path.stat().st_size > MAX_FEEDBACK_FILE_BYTES:
        raise LimitReached(
            "The feedback box is full. Please tell the organisation that runs this service."
        )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    log.info("accessibility feedback received (%s)", path)


@router.get("/privacy")
def privacy_notice(request: Request, settings: SettingsDep) -> HTMLResponse:
    return page(
        request,
        "privacy.html",
        base_url=public_base(request, settings),
        participant_days=settings.participant_token_days,
        facilitator_days=settings.facilitator_token_days,
        retention_days=settings.retention_days,
        grace_days=settings.purge_grace_days,
    )


# --- the projector view ----------------------------------------------------------------


@router.get("/b/{board_id}/projector")
def projector(request: Request, board_id: str, session: SessionDep) -> Response:
    """The board for a shared screen: large type, no editing, live."""
    return board_view(request, session, board_id, "projector.html", public_view=True)


# --- Microsoft Teams -------------------------------------------------------------------


@router.get("/teams/config")
def teams_config(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    facilitator: MaybeFacilitator,
    board: Annotated[str, Query(max_length=2000)] = "",
) -> HTMLResponse:
    """The tab's configuration page: pick one of your boards, or find one by its code
    or link (inside Teams the facilitator is usually not signed in)."""
    own = boards.list_boards(session, settings, facilitator.id) if facilitator else []
    client = client_address(request)
    found = (
        _find_board(session, request.app.state.rate_limits, client, board)
        if board.strip()
        else None
    )
    missing = bool(board.strip()) and found is None
    return page(
        request,
        "teams_config.html",
        status=404 if missing else 200,
        boards=own,
        found=found,
        query=board,
        error=missing,
        base_url=public_base(request, settings),
    )


def _find_board(session: Session, limits: RateLimits, client: str, text: str) -> Board | None:
    """A board by its six-digit code (counted like the join page's codes) or by a link."""
    if match := BOARD_LINK.search(text):
        try:
            return get_board(session, match.group(1))
        except NotFound:
            return None
    return sharing.find_by_code(session, limits, client, text)


@router.post("/b/{board_id}/teams/code")
def teams_sign_in_code(
    request: Request,
    board_id: str,
    actor: ActorDep,
    session: SessionDep,
    settings: SettingsDep,
    facilitator: MaybeFacilitator,
) -> HTMLResponse:
    """A one-time code that signs this facilitator in inside a Teams tab."""
    require_facilitator(actor)
    if facilitator is None:
        raise Forbidden("Only facilitators can do this. Sign in as a facilitator.")
    code = accounts.issue_token(
        session,
        settings.secret(),
        lifetime=timedelta(minutes=SIGN_IN_CODE_MINUTES),
        facilitator_id=facilitator.id,
    )
    return page(
        request,
        "teams_code.html",
        board=get_board(session, board_id),
        code=code,
        minutes=SIGN_IN_CODE_MINUTES,
        base_url=public_base(request, settings),
    )


@router.get("/teams/signin")
def teams_sign_in_form(
    request: Request,
    session: SessionDep,
    board: Annotated[str, Query(max_length=100)] = "",
    code: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    found = get_board(session, board)
    return page(request, "teams_signin.html", board=found, code=code, error=None)


@router.post("/teams/signin")
def teams_sign_in(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    board: Annotated[str, Form(max_length=100)] = "",
    code: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Trade the one-time code for a session in this frame; the code stops working."""
    found = get_board(session, board)
    try:
        principal = accounts.resolve_token(session, settings.secret(), code.strip())
        if principal.facilitator_id is None:
            raise NotAuthenticated("The token is not valid. Sign in or join the board again.")
    except NotAuthenticated as error:
        message = say(request, error)
        return page(request, "teams_signin.html", status=401, board=found, code=code, error=message)
    accounts.revoke_token(session, settings.secret(), code.strip())
    token = accounts.issue_token(
        session,
        settings.secret(),
        lifetime=timedelta(days=settings.facilitator_token_days),
        facilitator_id=principal.facilitator_id,
    )
    response = RedirectResponse(f"/b/{found.id}", status_code=303)
    set_session_cookie(
        request, response, FACILITATOR_COOKIE, token, settings.facilitator_token_days
    )
    return response
