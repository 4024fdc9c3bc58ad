"""Bearer tokens for programs; browsers use the login page instead."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, status

from app.api.deps import SessionDep, SettingsDep
from app.api.routes.common import errors
from app.auth_cookies import candidate_tokens
from app.ratelimit import client_address
from app.schemas import TokenOut, TokenRequest
from app.services import accounts

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=TokenOut, responses=errors(401, 429))
def create_token(
    body: TokenRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> TokenOut:
    """Exchange a facilitator's email and password for a bearer token."""
    request.app.state.rate_limits.spend_sign_in(body.email, client_address(request))
    facilitator = accounts.authenticate(session, body.email, body.password)
    token = accounts.issue_token(
        session,
        settings.secret(),
        lifetime=timedelta(days=settings.facilitator_token_days),
        facilitator_id=facilitator.id,
    )
    return TokenOut(access_token=token)


@router.delete("/token", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401))
def revoke_token(request: Request, session: SessionDep, settings: SettingsDep) -> None:
    """Revoke the bearer token this request carries; it stops working at once."""
    for token in candidate_tokens(request)[:1]:
        accounts.revoke_token(session, settings.secret(), token)
