"""The API's documentation page, /docs: Swagger UI served from this origin only (the
vendored swagger-ui-dist and a started-from-file script), so it works under the CSP that
FastAPI's CDN-loading page broke. PAJA_API_DOCS=0 turns it off."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.errors import NotFound

router = APIRouter(include_in_schema=False)

VENDOR = "/static/vendor/swagger-ui"


@router.get("/docs")
def api_docs(request: Request) -> HTMLResponse:
    if not request.app.state.settings.api_docs:
        raise NotFound("The API documentation is turned off here (PAJA_API_DOCS).")
    title = escape(f"{request.app.title} API")
    return HTMLResponse(
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        f'<link rel="icon" href="/static/favicon.svg">\n'
        f'<link rel="stylesheet" href="{VENDOR}/swagger-ui.css">\n'
        f'<script src="{VENDOR}/swagger-ui-bundle.js" defer></script>\n'
        '<script src="/static/api-docs.js" defer></script>\n'
        f'</head>\n<body data-openapi="{escape(request.app.openapi_url or "")}">\n'
        f'<main id="swagger-ui"><h1>{title}</h1></main>\n'
        "</body>\n</html>\n"
    )
