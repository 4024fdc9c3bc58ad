"""/docs under the strict CSP: Swagger UI draws the API from this origin alone."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Request, expect

from tests.browser.conftest import NewContext, Server


def test_the_api_docs_work_under_the_csp_and_ask_only_this_origin(
    new_context: NewContext, server: Server
) -> None:
    page = new_context().new_page()
    requested: list[str] = []
    refused: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("requestfailed", lambda request: refused.append(_failure(request)))
    page.on(
        "console",
        lambda message: refused.append(message.text) if _csp_violation(message) else None,
    )
    page.goto(f"{server.base}/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.get_by_text("/api/v1/boards/{board_id}/notes").first).to_be_visible()
    own = urlsplit(server.base).netloc
    assert {urlsplit(url).netloc for url in requested if not url.startswith("data:")} == {own}
    assert refused == []


def _csp_violation(message: ConsoleMessage) -> bool:
    return "Content Security Policy" in message.text or "Refused to" in message.text


def _failure(request: Request) -> str:
    return f"{request.url}: {request.failure}"
