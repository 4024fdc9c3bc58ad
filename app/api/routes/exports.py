"""Exports of a board (Markdown, Word, PDF/A, CSV, a JSON backup) and imports of files
into one."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from starlette.datastructures import UploadFile

from app import exports
from app.api.deps import ActorDep, FacilitatorDep, SessionDep, SettingsDep
from app.api.routes.common import errors
from app.errors import InvalidInput
from app.exports.backup import Backup
from app.exports.base import MAX_SUBTITLE_CHARS, ExportOptions, Order, Votes
from app.models import Language
from app.schemas import BoardSnapshot
from app.services import imports
from app.services.imports import ImportResult, Upload

router = APIRouter(tags=["exports"])

DELIMITERS = {"comma": ",", "semicolon": ";"}


def inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON schema with its $defs put in place, for an OpenAPI body or answer."""
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref", "")
            if reference.startswith("#/$defs/"):
                rest = {k: v for k, v in node.items() if k != "$ref"}
                return resolve({**definitions[reference.rsplit("/", 1)[1]], **rest})
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    return resolve(schema)


BACKUP_SCHEMA = inlined(Backup.model_json_schema())
# A Padlet export's first line names its columns; one of them is the post's Body or Subject.
PADLET_HEADER = r"^([^\r\n,;\t\"]*,)*(Subject|Body)(,[^\r\n,;\t\"]*)*(\r?\n[\s\S]*)?$"
FILE_SCHEMAS: dict[str, dict[str, Any]] = {
    "md": {"type": "string"},
    "docx": {"type": "string", "format": "binary"},
    "pdf": {"type": "string", "format": "binary"},
    "csv": {"type": "string"},
    "json": BACKUP_SCHEMA,
}
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, with a Content-Disposition filename from the board's title.",
        "content": {
            exporter.media_type: {"schema": FILE_SCHEMAS[name]}
            for name, exporter in exports.EXPORTERS.items()
        },
    },
    **errors(401, 403, 404, 422),
}
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A JSON export of a board (format paja.board, version 1), or a Padlet "
        "CSV export (a header row with at least a Body or Subject column; Section, Author and "
        "Created At are read too): as the body itself, or as the field `file` of a "
        "multipart/form-data form.",
        "content": {
            "application/json": {"schema": BACKUP_SCHEMA},
            "text/csv": {"schema": {"type": "string", "pattern": PADLET_HEADER}},
        },
    }
}


async def uploaded_file(request: Request) -> Upload:
    """The file sent: the whole body, or a form's `file` field."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return Upload(await request.body(), content_type)
    form = await request.form()
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            return Upload(b"")
        return Upload(await file.read(), file.content_type or "", file.filename or "")
    finally:
        await form.close()


UploadDep = Annotated[Upload, Depends(uploaded_file)]


@router.get(
    "/boards/{board_id}/export",
    response_class=Response,
    responses=FILE_RESPONSES,
)
def export_board(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    format_: Annotated[
        str, Query(alias="format", json_schema_extra={"enum": list(exports.EXPORTERS)})
    ] = "md",
    include_names: bool = False,
    order: Order = "board",
    subtitle: Annotated[str, Query(max_length=MAX_SUBTITLE_CHARS)] = "",
    delimiter: Literal["comma", "semicolon"] = "comma",
    votes: Votes = "auto",
    comments: bool = True,
    overview: bool = True,
    column: Annotated[list[str], Query(max_length=200)] = [],  # noqa: B006 (FastAPI copies it)
) -> Response:
    """The summary (md, docx, pdf: PDF/A-2a, tagged), one row per note (csv) or a backup
    (json), as the room saw the board. Author names only with `include_names=true`;
    `votes=auto` shows counts when a voting round was held (`on`, `off`), never "0
    votes"; `order=votes` puts themes and notes with most votes first; `comments=false`
    leaves comments out; `overview=false` leaves out the overview at the top; `column`
    (repeatable) chooses the priorities, every one when absent."""
    unknown_options(request)
    options = ExportOptions(
        include_names=include_names,
        order=order,
        subtitle=subtitle or None,
        delimiter=DELIMITERS[delimiter],
        votes=votes,
        comments=comments,
        overview=overview,
        columns=tuple(column),
    )
    file = exports.export_board(session, actor, format_, options)
    return file_response(file)


EXPORT_OPTIONS = (
    "format",
    "include_names",
    "order",
    "subtitle",
    "delimiter",
    "votes",
    "comments",
    "overview",
    "column",
)


def unknown_options(request: Request) -> None:
    """A misspelt option is a 422 naming the options there are, not silently ignored."""
    unknown = sorted(set(request.query_params) - set(EXPORT_OPTIONS))
    if unknown:
        raise InvalidInput(
            "There is no export option {name}. Choose from: {choices}.",
            name=repr(unknown[0]),
            choices=", ".join(EXPORT_OPTIONS),
        )


def file_response(file: exports.ExportFile) -> Response:
    return Response(
        file.content,
        media_type=file.media_type,
        headers={"Content-Disposition": file.content_disposition, "Cache-Control": "no-store"},
    )


@router.post(
    "/boards/{board_id}/import",
    response_model=ImportResult,
    responses=errors(401, 403, 404, 409, 423),
    openapi_extra=UPLOAD_BODY,
)
def import_into_board(
    actor: ActorDep, session: SessionDep, settings: SettingsDep, upload: UploadDep
) -> ImportResult:
    """Add a file's columns and notes to the board; nothing is added if anything in the
    file is wrong. Columns whose title the board has take the notes of the same title."""
    return imports.import_into(session, settings, actor, upload)


@router.post(
    "/boards/import",
    status_code=status.HTTP_201_CREATED,
    response_model=BoardSnapshot,
    responses=errors(401, 403, 409),
    openapi_extra=UPLOAD_BODY,
)
def create_board_from_file(
    facilitator: FacilitatorDep,
    session: SessionDep,
    settings: SettingsDep,
    upload: UploadDep,
    title: Annotated[str, Query(max_length=200, pattern=r"^[^\x00]*$")] = "",
    language: Language = Language.fi,
) -> BoardSnapshot:
    """A new board from a file: a JSON export is restored as it was; a Padlet export gets
    `title` and `language` (the title also renames a restored board)."""
    return imports.create_board_from_file(
        session, settings, facilitator, upload, title=title, language=language.value
    )
