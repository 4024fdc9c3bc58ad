"""Which cookie carries which token. A browser holds one facilitator session and one
participant token per board it joined, so joining a second board keeps the first."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import Response

from app.config import Settings

FACILITATOR_COOKIE = "paja_session"
LANGUAGE_COOKIE = "paja_lang"


def participant_cookie(board_id: str) -> str:
    return f"paja_b_{board_id}"


def candidate_tokens(connection: HTTPConnection, board_id: str | None = None) -> list[str]:
    """Tokens to try, most specific first: the bearer token, this board's participant
    cookie, then the facilitator's session cookie."""
    tokens: list[str] = []
    scheme, _, value = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return [value.strip()]
    if board_id is not None and (token := connection.cookies.get(participant_cookie(board_id))):
        tokens.append(token)
    if token := connection.cookies.get(FACILITATOR_COOKIE):
        tokens.append(token)
    return tokens


def set_token_cookie(
    response: Response, settings: Settings, name: str, token: str, days: int
) -> None:
    response.set_cookie(
        name,
        token,
        max_age=days * 86400,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )
