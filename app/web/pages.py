"""Pages and their htmx fragments. Each handler validates the form, calls one service,
and answers with a page, a fragment, or a redirect (so every form works without
JavaScript too)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app import teams
from app.api.deps import (
    MemberWork,
    SessionDep,
    SettingsDep,
    UnitsDep,
    Work,
    get_facilitator,
    get_settings,
    resolve_principal,
)
from app.auth_cookies import (
    FACILITATOR_COOKIE,
    LANGUAGE_COOKIE,
    candidate_tokens,
    participant_cookie,
    set_token_cookie,
)
from app.errors import Forbidden, NotAuthenticated, NotFound, PajaError
from app.i18n import LANGUAGES, from_accept_language, pick_language, translations
from app.models import BoardStatus, Facilitator, Language, NoteKind
from app.ratelimit import RateLimited, client_address
from app.schemas import (
    BoardCreate,
    BoardSnapshot,
    BoardUpdate,
    ColumnCreate,
    CommentCreate,
    NoteCreate,
    NoteUpdate,
)
from app.services import accounts, boards, notes, own_templates, rows, sharing
from app.services.members import REMOVED, Actor, actor_for, get_board
from app.services.passcodes import PasscodeMissing, WrongPasscode
from app.web import signals_context
from app.web.render import render
from app.web.toolbar_context import toolbar_extras

router = APIRouter(include_in_schema=False)

MAX_PASTED_COLUMNS = 50
PASSCODE_ERRORS = (PasscodeMissing, WrongPasscode, RateLimited)
CLIENT_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


def page_language(request: Request, board_language: str | None = None) -> str:
    """?lang= first, then the remembered choice, then the board's, then the browser's."""
    return pick_language(
        request.query_params.get("lang"),
        request.cookies.get(LANGUAGE_COOKIE),
        board_language or getattr(request.state, "board_language", None),
        from_accept_language(request.headers.get("accept-language")),
    )


def page(
    request: Request,
    template: str,
    status: int = 200,
    board_language: str | None = None,
    **context: Any,
) -> HTMLResponse:
    language = page_language(request, board_language)
    html = render(language, template, request=request, path=request.url.path, **context)
    response = HTMLResponse(html, status_code=status)
    chosen = request.query_params.get("lang")
    if chosen and chosen.strip().lower()[:2] in LANGUAGES:
        settings = get_settings(request)
        teams.set_cookie(
            request, response, settings, LANGUAGE_COOKIE, language, 365 * 86400, httponly=False
        )
    return response


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    return page(request, "error.html", status=status, status_code=status, detail=detail)


def say(request: Request, error: PajaError) -> str:
    """The error's message in the language the page is shown in."""
    return error.translated(translations(page_language(request)).gettext)


def _current_facilitator(
    request: Request, session: SessionDep, settings: SettingsDep
) -> Facilitator | None:
    """The signed-in facilitator, or None: pages redirect to /login instead of a 401."""
    try:
        return get_facilitator(request, session, settings)
    except (NotAuthenticated, Forbidden):
        return None


MaybeFacilitator = Annotated[Facilitator | None, Depends(_current_facilitator)]


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


# --- facilitator: login, dashboard, creating boards ------------------------------------


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return page(request, "login.html", next=_safe_next(next), error=None, email="")


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    try:
        request.app.state.rate_limits.spend_sign_in(email, client_address(request))
        facilitator = accounts.authenticate(session, email, password)
    except NotAuthenticated:
        return page(
            request, "login.html", status=401, next=_safe_next(next), error="bad_login", email=email
        )
    except RateLimited as refusal:
        response = page(
            request,
            "login.html",
            status=429,
            next=_safe_next(next),
            error=say(request, refusal),
            email=email,
        )
        response.headers["Retry-After"] = str(refusal.retry_after)
        return response
    token = accounts.issue_token(
        session,
        settings.secret(),
        lifetime=timedelta(days=settings.facilitator_token_days),
        facilitator_id=facilitator.id,
    )
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_token_cookie(response, settings, FACILITATOR_COOKIE, token, settings.facilitator_token_days)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    token = request.cookies.get(FACILITATOR_COOKIE)
    if token:
        accounts.revoke_token(session, settings.secret(), token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(FACILITATOR_COOKIE, path="/")
    return response


@router.get("/")
def dashboard(
    request: Request, session: SessionDep, settings: SettingsDep, facilitator: MaybeFacilitator
) -> Response:
    """A participant's way in (the join code) first; a signed-in facilitator's boards."""
    if facilitator is None:
        return page(request, "home.html")
    return _dashboard(request, session, settings, facilitator)


def _dashboard(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    facilitator: Facilitator,
    status: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    return page(
        request,
        "dashboard.html",
        status=status,
        facilitator=facilitator,
        boards=boards.list_boards(session, settings, facilitator.id),
        templates=own_templates.list_templates(session, facilitator.id),
        error=error,
        form=form or {},
    )


@router.post("/boards")
def create_board(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    facilitator: MaybeFacilitator,
    title: Annotated[str, Form(max_length=10_000)] = "",
    event: Annotated[str, Form(max_length=10_000)] = "",
    question: Annotated[str, Form(max_length=10_000)] = "",
    language: Annotated[str, Form(max_length=5)] = "fi",
    template: Annotated[str, Form(max_length=100)] = "",
    columns: Annotated[str, Form(max_length=50_000)] = "",
) -> Response:
    if facilitator is None:
        return RedirectResponse("/login", status_code=303)
    form = {
        "title": title,
        "event": event,
        "question": question,
        "columns": columns,
        "language": language,
    }
    lines = [line.strip() for line in columns.splitlines() if line.strip()]
    try:
        if len(lines) > MAX_PASTED_COLUMNS:
            raise PajaError(f"At most {MAX_PASTED_COLUMNS} columns.")
        data = BoardCreate(
            title=title,
            event=event,
            question=question,
            language=Language(pick_language(language)),
            template=template or None,
            columns=[ColumnCreate(title=line) for line in lines] or None,
        )
        created = boards.create_board(session, settings, facilitator, data)
    except PajaError as error:
        return _dashboard(
            request,
            session,
            settings,
            facilitator,
            status=error.status_code,
            error=say(request, error),
            form=form,
        )
    return RedirectResponse(f"/b/{created.id}", status_code=303)


# --- joining ---------------------------------------------------------------------------


@router.get("/join")
def join_code_form(request: Request, session: SessionDep, code: str | None = None) -> Response:
    if not code:
        return page(request, "join.html", code="", error=None)
    limits = request.app.state.rate_limits
    try:
        board = sharing.find_by_code(session, limits, client_address(request), code[:100])
    except RateLimited as refusal:
        response = page(request, "join.html", status=429, code=code, error=say(request, refusal))
        response.headers["Retry-After"] = str(refusal.retry_after)
        return response
    if board is None:
        return page(request, "join.html", status=404, code=code, error="unknown_code")
    return RedirectResponse(f"/b/{board.id}", status_code=303)


@router.post("/b/{board_id}/join")
async def join_board(
    request: Request,
    board_id: str,
    units: UnitsDep,
    settings: SettingsDep,
    name: Annotated[str, Form(max_length=10_000)] = "",
    passcode: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    client = client_address(request)
    limits = request.app.state.rate_limits
    try:
        joined = await units.write_together(
            board_id, lambda s: sharing.join(s, settings, limits, board_id, client, name, passcode)
        )
    except PajaError as error:
        board = await units.run(lambda s: get_board(s, board_id))
        response = page(
            request,
            "join_board.html",
            status=error.status_code,
            board=board,
            board_language=board.language,
            error=say(request, error),
            error_field="passcode"
            if board.passcode_hash and isinstance(error, PASSCODE_ERRORS)
            else "name",
            name=name,
            teams=settings.teams,
        )
        if isinstance(error, RateLimited):
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    response = RedirectResponse(f"/b/{board_id}", status_code=303)
    set_session_cookie(
        request,
        response,
        participant_cookie(board_id),
        joined.token,
        settings.participant_token_days,
    )
    return response


def set_session_cookie(
    request: Request, response: Response, name: str, token: str, days: int
) -> None:
    """The usual Lax cookie, or inside a Teams tab the third-party kind that survives there."""
    settings = get_settings(request)
    if teams.in_teams_frame(request, settings):
        teams.set_cookie(request, response, settings, name, token, days * 86400)
    else:
        set_token_cookie(response, settings, name, token, days)


# --- the board -------------------------------------------------------------------------


def _page_actor(request: Request, session: SessionDep, board_id: str) -> Actor | None:
    """The viewer as a member of the board, or None when they still have to join."""
    settings = get_settings(request)
    tokens = candidate_tokens(request, board_id)
    try:
        principal = resolve_principal(session, settings, tokens)
        return actor_for(session, principal, board_id)
    except (NotAuthenticated, Forbidden) as refusal:
        request.state.refusal = refusal
        return None


@router.get("/b/{board_id}")
def board_page(request: Request, board_id: str, session: SessionDep) -> Response:
    return board_view(request, session, board_id, "board.html")


def board_view(
    request: Request, session: SessionDep, board_id: str, template: str, public_view: bool = False
) -> Response:
    """The board drawn by `template` (the board page, the projector view: `public_view`,
    what the room may see), or the join form for someone who is not a member yet."""
    board = get_board(session, board_id)
    actor = _page_actor(request, session, board_id)
    settings = get_settings(request)
    if actor is None:
        # Someone a facilitator removed is told so, not silently shown the form.
        refusal = getattr(request.state, "refusal", None)
        removed = refusal is not None and refusal.template == REMOVED
        return page(
            request,
            "join_board.html",
            board=board,
            board_language=board.language,
            error=say(request, refusal) if removed else None,
            name="",
            teams=settings.teams,
        )
    if public_view:
        snapshot = boards.board_snapshot(session, actor, public_view=True)
    else:
        snapshot = request.app.state.snapshot_cache.board_for(session, actor)
    extras = signals_context.board_extras(request, session, actor, snapshot)
    extras |= toolbar_extras(request, session, actor, snapshot)
    return page(
        request,
        template,
        board_language=board.language,
        board=snapshot,
        viewer=snapshot.viewer,
        columns=snapshot.columns,
        notes_by_column=_group_notes(snapshot),
        rows=snapshot.rows,
        notes_by_cell=_group_by_cell(snapshot),
        themes_by_column=themes_by_column(snapshot),
        statuses=[s.value for s in BoardStatus],
        base_url=_public_base(request),
        teams=settings.teams,
        facilitators=sharing.list_facilitators(session, actor) if actor.is_facilitator else [],
        max_note_chars=settings.max_note_chars,
        max_frame_bytes=settings.ws_max_frame_bytes,
        **extras,
    )


def _public_base(request: Request) -> str:
    """PAJA_BASE_URL when the operator set it, else the address this page was asked on."""
    settings = get_settings(request)
    if "base_url" in settings.model_fields_set:
        return settings.base_url
    return str(request.base_url).rstrip("/")


def _group_notes(snapshot: Any) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {c.id: [] for c in snapshot.columns}
    for note in snapshot.notes:
        grouped.setdefault(note.column_id, []).append(note.model_dump(mode="json"))
    return grouped


def _group_by_cell(snapshot: BoardSnapshot) -> dict[str, list[dict[str, Any]]]:
    """A grid board's notes by "column/row", in board order."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for note in snapshot.notes:
        if note.row_id is not None:
            key = f"{note.column_id}/{note.row_id}"
            grouped.setdefault(key, []).append(note.model_dump(mode="json"))
    return grouped


def themes_by_column(snapshot: BoardSnapshot) -> dict[str, list[dict[str, Any]]]:
    """Each column's theme cards, each with its notes, as the theme partial draws them."""
    cards: dict[str, list[dict[str, Any]]] = {c.id: [] for c in snapshot.columns}
    if not snapshot.themes:
        return cards
    notes = {note.id: note for note in snapshot.notes}
    for theme in snapshot.themes:
        members = [notes[i].model_dump(mode="json") for i in theme.note_ids]
        card = {**theme.model_dump(mode="json"), "notes": members}
        cards.setdefault(theme.column_id, []).append(card)
    return cards


def _fragment_or_redirect(
    request: Request, board_id: str, template: str | None = None, **context: Any
) -> Response:
    if not is_htmx(request):
        return RedirectResponse(f"/b/{board_id}", status_code=303)
    if template is None:
        return Response(status_code=204)
    return page(request, template, board_id=board_id, **context)


def _form_error(request: Request, error: PajaError, template: str, **context: Any) -> Response:
    """Field errors go next to the field (the form comes back with its text); others to
    the page's alert region."""
    if is_htmx(request) and error.status_code in (413, 422):
        message = say(request, error)
        return page(request, template, status=error.status_code, error=message, **context)
    return _refuse(request, error)


def _refuse(request: Request, error: PajaError) -> Response:
    """A refusal that belongs to no field: the page's alert region shows it."""
    message = say(request, error)
    if not is_htmx(request):
        return _retry_after(error_page(request, error.status_code, message), error)
    response = page(request, "_flash.html", status=error.status_code, message=message)
    response.headers["HX-Retarget"] = "#flash"
    response.headers["HX-Reswap"] = "innerHTML"
    return _retry_after(response, error)


def _retry_after(response: Response, error: PajaError) -> Response:
    """A refusal for load (503) or rate (429) says when to try again."""
    seconds = getattr(error, "retry_after", None)
    if seconds is not None:
        response.headers["Retry-After"] = str(seconds)
    return response


async def apply_change(
    request: Request, work: Work[Actor], change: Callable[[Session, Actor], object]
) -> Response:
    """A form post that makes one change, in one unit of work: back to the board (htmx:
    no content, the live event redraws it), or the refusal in the page's alert region."""
    try:
        await work.write(change)
    except PajaError as error:
        return _refuse(request, error)
    return _fragment_or_redirect(request, work.board_id or "")


def _trigger(response: Response, name: str, detail: dict[str, Any]) -> Response:
    response.headers["HX-Trigger"] = json.dumps({name: detail})
    return response


@router.post("/b/{board_id}/notes")
async def add_note(
    request: Request,
    board_id: str,
    work: MemberWork,
    settings: SettingsDep,
    column_id: Annotated[str, Form(max_length=100)] = "",
    text: Annotated[str, Form(max_length=100_000)] = "",
    client_key: Annotated[str, Form(max_length=64)] = "",
    row_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    context: dict[str, Any] = {"column": {"id": column_id}}
    key = client_key if CLIENT_KEY.fullmatch(client_key) else None
    data = NoteCreate(column_id=column_id, text=text, client_key=key, row_id=row_id or None)

    def write(session: Session, actor: Actor) -> str:
        if row_id:  # the cell's form comes back with the cell's prompt as its label
            context["row"] = {"id": row_id, "title": rows.row_title(session, board_id, row_id)}
        return notes.add_note(session, settings, actor, data).id

    try:
        note_id = await work.write_together(write)
    except PajaError as error:
        return _form_error(
            request, error, "_note_form.html", text=text, board_id=board_id, **context
        )
    response = _fragment_or_redirect(
        request, board_id, "_note_form.html", text="", error=None, **context
    )
    return _trigger(response, "paja:own-note", {"id": note_id})


@router.get("/b/{board_id}/notes/{note_id}")
def note_page(request: Request, board_id: str, note_id: str, session: SessionDep) -> Response:
    """One note with every action open to this viewer, as forms: where the card's "⋯"
    leads without JavaScript."""
    board = get_board(session, board_id)
    actor = _page_actor(request, session, board_id)
    if actor is None:
        return RedirectResponse(f"/b/{board_id}", status_code=303)
    snapshot = boards.board_snapshot(session, actor)
    note = next((n for n in snapshot.notes if n.id == note_id), None)
    if note is None:
        missing = NotFound("There is no such note on this board.")
        return error_page(request, 404, say(request, missing))
    column = next((c.title for c in snapshot.columns if c.id == note.column_id), "")
    return page(
        request,
        "note.html",
        board_language=board.language,
        board=snapshot,
        viewer=snapshot.viewer,
        note=note,
        column_title=column,
        can_change=actor.is_facilitator or note.id in snapshot.viewer.own_note_ids,
    )


@router.post("/b/{board_id}/notes/{note_id}/edit")
async def edit_note(
    request: Request,
    board_id: str,
    note_id: str,
    work: MemberWork,
    settings: SettingsDep,
    text: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    change = NoteUpdate(text=text)
    try:
        await work.write(lambda s, actor: notes.update_note(s, settings, actor, note_id, change))
    except PajaError as error:
        note = {"id": note_id, "text": text}
        return _form_error(request, error, "_note_edit_form.html", note=note, board_id=board_id)
    return _fragment_or_redirect(request, board_id)


Direction = Literal["up", "down", "left", "right"]


@router.post("/b/{board_id}/notes/{note_id}/move")
async def move_note(
    request: Request,
    board_id: str,
    note_id: str,
    work: MemberWork,
    settings: SettingsDep,
    column_id: Annotated[str, Form(max_length=100)] = "",
    position: Annotated[int | None, Form(ge=0, le=1_000_000)] = None,
    direction: Annotated[Direction | None, Form()] = None,
    row_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """A drop (column_id, row_id on a grid, and position) or a keyboard move (direction:
    one step up, down, or to the neighbouring column at the same height; on a grid board
    up and down cross into the next row's cell)."""

    def move(session: Session, actor: Actor) -> None:
        place = (column_id, row_id, position)
        if direction is not None:
            place = _step(boards.board_snapshot(session, actor), note_id, direction)
            if place is None:  # already at the edge: nothing to change
                return
        column, row, at = place
        change = NoteUpdate(column_id=column or None, row_id=row or None, position=at)
        notes.update_note(session, settings, actor, note_id, change)

    try:
        await work.write(move)
    except PajaError as error:
        return _refuse(request, error)
    return _fragment_or_redirect(request, board_id)


def _step(
    snapshot: BoardSnapshot, note_id: str, direction: Direction
) -> tuple[str, str, int] | None:
    """Where one keyboard step takes the note (column, row or "", position), or None at
    the board's edge. On a grid board a step up from a cell's first note goes to the end
    of the cell above, a step down from its last to the start of the cell below."""
    note = next((n for n in snapshot.notes if n.id == note_id), None)
    if note is None:
        raise NotFound("There is no such note on this board.")
    row = note.row_id or ""
    in_cell = [
        n.id
        for n in snapshot.notes
        if n.column_id == note.column_id and n.row_id == note.row_id and n.theme_id is None
    ]
    if note_id not in in_cell:  # a note in a theme: a step takes it out, to the cell's end
        return (note.column_id, row, len(in_cell))
    index = in_cell.index(note_id)
    if direction in ("up", "down"):
        step = -1 if direction == "up" else 1
        if 0 <= index + step < len(in_cell):
            return (note.column_id, row, index + step)
        row_ids = [r.id for r in snapshot.rows]
        if not row:
            return None
        neighbour = row_ids.index(row) + step
        if not 0 <= neighbour < len(row_ids):
            return None
        below = [
            n
            for n in snapshot.notes
            if n.column_id == note.column_id and n.row_id == row_ids[neighbour]
        ]
        return (note.column_id, row_ids[neighbour], len(below) if step < 0 else 0)
    column_ids = [c.id for c in snapshot.columns]
    neighbour = column_ids.index(note.column_id) + (-1 if direction == "left" else 1)
    return (column_ids[neighbour], row, index) if 0 <= neighbour < len(column_ids) else None


@router.post("/b/{board_id}/notes/{note_id}/kind")
async def set_note_kind(
    request: Request,
    board_id: str,
    note_id: str,
    work: MemberWork,
    settings: SettingsDep,
    kind: Annotated[NoteKind, Form()] = NoteKind.note,
) -> Response:
    return await apply_change(
        request,
        work,
        lambda s, actor: notes.update_note(s, settings, actor, note_id, NoteUpdate(kind=kind)),
    )


@router.post("/b/{board_id}/notes/{note_id}/delete")
async def delete_note(request: Request, board_id: str, note_id: str, work: MemberWork) -> Response:
    return await apply_change(request, work, lambda s, actor: notes.delete_note(s, actor, note_id))


@router.post("/b/{board_id}/notes/{note_id}/comments")
async def add_comment(
    request: Request,
    board_id: str,
    note_id: str,
    work: MemberWork,
    settings: SettingsDep,
    text: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    context = {"note": {"id": note_id}}
    comment = CommentCreate(text=text)
    try:
        await work.write(lambda s, actor: notes.add_comment(s, settings, actor, note_id, comment))
    except PajaError as error:
        return _form_error(
            request, error, "_comment_form.html", text=text, board_id=board_id, **context
        )
    return _fragment_or_redirect(
        request, board_id, "_comment_form.html", text="", error=None, **context
    )


@router.post("/b/{board_id}/notes/{note_id}/vote")
async def toggle_vote(
    request: Request,
    board_id: str,
    note_id: str,
    work: MemberWork,
    on: Annotated[bool, Form()] = True,
) -> Response:
    try:
        result = await work.write_together(
            lambda s, actor: notes.set_vote(s, actor, note_id, on=on)
        )
    except PajaError as error:
        return _refuse(request, error)
    response = _fragment_or_redirect(request, board_id)
    detail = {"id": note_id, "voted": result.voted, "mine": result.mine}
    return _trigger(response, "paja:voted", detail | {"votes_left": result.votes_left})


@router.post("/b/{board_id}/status")
async def set_status(
    request: Request,
    board_id: str,
    work: MemberWork,
    settings: SettingsDep,
    status: Annotated[BoardStatus, Form()] = BoardStatus.open,
) -> Response:
    return await apply_change(
        request,
        work,
        lambda s, actor: boards.update_board(s, settings, actor, BoardUpdate(status=status)),
    )
