"""Pages for exports and imports: the printable summary, the export menu, and a new board
from a file. Like the other pages they work as plain forms without JavaScript."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from app import exports
from app.api.deps import ActorDep, SessionDep, SettingsDep
from app.api.routes.exports import DELIMITERS, file_response
from app.errors import PajaError
from app.exports.base import MAX_SUBTITLE_CHARS, ExportOptions, Order, Votes
from app.i18n import pick_language
from app.services import imports
from app.services.members import Actor, get_board, require_facilitator
from app.web.pages import MaybeFacilitator, error_page, is_htmx, page, say

router = APIRouter(include_in_schema=False)

Delimiter = Literal["comma", "semicolon"]


@router.get("/b/{board_id}/print")
def print_view(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    include_names: bool = False,
    order: Order = "board",
    subtitle: Annotated[str, Query(max_length=MAX_SUBTITLE_CHARS)] = "",
    votes: Votes = "auto",
    comments: bool = True,
    overview: bool = True,
    column: Annotated[list[str], Query(max_length=200)] = [],  # noqa: B006 (FastAPI copies it)
) -> Response:
    """The summary as a clean page for the browser's "Save as PDF": the PDF's template."""
    options = ExportOptions(
        include_names=include_names,
        order=order,
        subtitle=subtitle or None,
        votes=votes,
        comments=comments,
        overview=overview,
        columns=tuple(column),
    )
    summary = exports.board_summary(session, actor, options)
    return page(
        request, "print.html", board_language=actor.language, summary=summary, options=options
    )


@router.get("/b/{board_id}/export")
def export_menu(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    """The export menu: a fragment for htmx, else a page of its own."""
    require_facilitator(actor)
    return _export_page(request, session, actor)


@router.post("/b/{board_id}/export")
def export_with_form(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    format_: Annotated[str, Form(alias="format", max_length=20)] = "docx",
    include_names: Annotated[bool, Form()] = False,
    order: Annotated[Order, Form()] = "board",
    subtitle: Annotated[str, Form(max_length=MAX_SUBTITLE_CHARS)] = "",
    delimiter: Annotated[Delimiter, Form()] = "comma",
    votes: Annotated[Votes, Form()] = "auto",
    comments: Annotated[bool, Form()] = True,
    overview: Annotated[bool, Form()] = True,
    column: Annotated[list[str], Form(max_length=200)] = [],  # noqa: B006 (FastAPI copies it)
    template: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """A download from the menu; a Word template, when one is chosen, gives its styles."""
    content = template.file.read() if template is not None and template.filename else None
    options = ExportOptions(
        include_names=include_names,
        order=order,
        subtitle=subtitle or None,
        delimiter=DELIMITERS[delimiter],
        template=content if format_ == "docx" else None,
        votes=votes,
        comments=comments,
        overview=overview,
        columns=tuple(column),
    )
    try:
        file = exports.export_board(session, actor, format_, options)
    except PajaError as error:
        if error.status_code not in (413, 422):
            return error_page(request, error.status_code, say(request, error))
        return _export_page(
            request, session, actor, error.status_code, say(request, error), options
        )
    return file_response(file)


def _export_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    status: int = 200,
    error: str = "",
    options: ExportOptions | None = None,
) -> Response:
    board = get_board(session, actor.board_id)
    template = "_export_menu.html" if is_htmx(request) else "export.html"
    return page(
        request,
        template,
        status=status,
        board_language=actor.language,
        board=board,
        export_columns=exports.board_columns(session, board),
        options=options,
        open_menu=True,
        export_error=error,
    )


@router.get("/boards/import")
def import_form(request: Request, facilitator: MaybeFacilitator) -> Response:
    if facilitator is None:
        return RedirectResponse("/login?next=/boards/import", status_code=303)
    return page(request, "import.html", import_error="", import_form={})


@router.post("/boards/import")
def import_board(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    facilitator: MaybeFacilitator,
    file: Annotated[UploadFile | None, File()] = None,
    title: Annotated[str, Form(max_length=10_000)] = "",
    language: Annotated[str, Form(max_length=5)] = "fi",
) -> Response:
    """A new board from a JSON backup or a Padlet CSV export, then the board itself."""
    if facilitator is None:
        return RedirectResponse("/login", status_code=303)
    upload = imports.Upload(b"")
    if file is not None:
        upload = imports.Upload(file.file.read(), file.content_type or "", file.filename or "")
    try:
        created = imports.create_board_from_file(
            session, settings, facilitator, upload, title=title, language=pick_language(language)
        )
    except PajaError as error:
        session.rollback()
        return page(
            request,
            "import.html",
            status=error.status_code,
            import_error=say(request, error),
            import_form={"title": title, "language": language},
        )
    return RedirectResponse(f"/b/{created.id}", status_code=303)
