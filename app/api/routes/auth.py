"""Bearer tokens for programs; browsers use the login page instead."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, status
from sqlmodel import Session

from app.api.deps import SettingsDep, UnitsDep
from app.api.routes.common import errors
from app.auth_cookies import candidate_tokens
from app.ratelimit import client_address
from app.schemas import TokenOut, TokenRequest
from app.services import accounts

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=TokenOut, responses=errors(401, 429))
async def create_token(
    body: TokenRequest, request: Request, units: UnitsDep, settings: SettingsDep
) -> TokenOut:
    """Exchange a facilitator's email and password for a bearer token."""

    def check(session: Session) -> str:
        request.app.state.rate_limits.spend_sign_in(body.email, client_address(request))
        return accounts.authenticate(session, body.email, body.password).id

    # The password check is slow on purpose: it runs before the change queues to write.
    facilitator_id = await units.run(check)
    token = await units.write(
        None,
        lambda session: accounts.issue_token(
            session,
            settings.secret(),
            lifetime=timedelta(days=settings.facilitator_token_days),
            facilitator_id=facilitator_id,
        ),
    )
    return TokenOut(access_token=token)


@router.delete("/token", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401))
async def revoke_token(request: Request, units: UnitsDep, settings: SettingsDep) -> None:
    """Revoke the bearer token this request carries; it stops working at once."""
    tokens = candidate_tokens(request)
    if tokens:
        await units.write(None, lambda s: accounts.revoke_token(s, settings.secret(), tokens[0]))
