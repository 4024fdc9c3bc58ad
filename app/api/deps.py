"""Typed dependencies, so a route's signature says what it needs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.auth_cookies import candidate_tokens
from app.config import Settings
from app.errors import Forbidden, NotAuthenticated
from app.models import Facilitator
from app.services import accounts
from app.services.accounts import Principal
from app.services.members import Actor, actor_for


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.db.session() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


def resolve_principal(session: Session, settings: Settings, tokens: list[str]) -> Principal:
    """The first token that is valid wins; the last refusal explains what went wrong."""
    if not tokens:
        raise NotAuthenticated("Sign in, or join the board from its link, first.")
    error: NotAuthenticated | None = None
    for token in tokens:
        try:
            return accounts.resolve_token(session, settings.secret(), token)
        except NotAuthenticated as refusal:
            error = refusal
    assert error is not None
    raise error


def get_principal(request: Request, session: SessionDep, settings: SettingsDep) -> Principal:
    return resolve_principal(session, settings, candidate_tokens(request))


def get_facilitator(request: Request, session: SessionDep, settings: SettingsDep) -> Facilitator:
    principal = resolve_principal(session, settings, candidate_tokens(request))
    facilitator = (
        accounts.get_facilitator(session, principal.facilitator_id)
        if principal.facilitator_id
        else None
    )
    if facilitator is None:
        raise Forbidden("Only facilitators can do this. Sign in as a facilitator.")
    return facilitator


def get_actor(board_id: str, request: Request, session: SessionDep, settings: SettingsDep) -> Actor:
    principal = resolve_principal(session, settings, candidate_tokens(request, board_id))
    actor = actor_for(session, principal, board_id)
    # Pages answer in the board's language unless the person chose another.
    request.state.board_language = actor.language
    return actor


PrincipalDep = Annotated[Principal, Depends(get_principal)]
FacilitatorDep = Annotated[Facilitator, Depends(get_facilitator)]
ActorDep = Annotated[Actor, Depends(get_actor)]
