"""Typed dependencies, so a route's signature says what it needs.

A route that touches the database takes a `Work` (MemberWork, WriterWork,
FacilitatorWork) or `UnitsDep` and hands it one function: the caller is resolved from
their token and the change runs and commits in one unit, one thread hop, one connection
(see app/unit.py for why). These dependencies themselves touch no database and run on
the event loop. SessionDep and the Actor/Facilitator dependencies below them remain for
pages that only read; they end their read transaction before returning, so even there a
request never holds a connection while it waits for the next thread."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Request
from sqlmodel import Session

from app.auth_cookies import candidate_tokens
from app.config import Settings
from app.errors import Forbidden, NotAuthenticated
from app.models import Facilitator
from app.services import accounts
from app.services.accounts import Principal
from app.services.members import Actor, actor_for
from app.unit import Units

C = TypeVar("C")
T = TypeVar("T")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def _settings(request: Request) -> Settings:
    """As get_settings, on the event loop: a sync dependency costs a thread hop."""
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.db.session() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(_settings)]
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


def facilitator_of(session: Session, settings: Settings, tokens: list[str]) -> Facilitator:
    """The signed-in facilitator behind these tokens, or 401/403."""
    principal = resolve_principal(session, settings, tokens)
    facilitator = (
        accounts.get_facilitator(session, principal.facilitator_id)
        if principal.facilitator_id
        else None
    )
    if facilitator is None:
        raise Forbidden("Only facilitators can do this. Sign in as a facilitator.")
    return facilitator


def member_of(request: Request, session: Session, board_id: str) -> Actor:
    """The caller as a member of the board (403 when not one); pages then answer in the
    board's language unless the person chose another."""
    tokens = candidate_tokens(request, board_id)
    actor = actor_for(session, resolve_principal(session, get_settings(request), tokens), board_id)
    request.state.board_language = actor.language
    return actor


class Work(Generic[C]):
    """One request's unit of work: `identify` finds the caller (a board member, a
    facilitator) inside the same unit as the change, so both share one connection and
    one thread hop."""

    def __init__(
        self, units: Units, board_id: str | None, identify: Callable[[Session], C]
    ) -> None:
        self.units = units
        self.board_id = board_id
        self.identify = identify

    async def write(self, change: Callable[[Session, C], T]) -> T:
        """Run a change (the service commits it) after its turn in the write queue."""
        return await self.units.write(self.board_id, lambda s: change(s, self.identify(s)))

    async def write_together(self, change: Callable[[Session, C], T]) -> T:
        """Run a change that does not commit in the transaction of the other changes
        waiting for the board's turn (Units.write_together): a new note, a join, a vote, a
        reaction."""
        assert self.board_id is not None, "changes outside a board are not grouped"
        return await self.units.write_together(self.board_id, lambda s: change(s, self.identify(s)))

    async def read(self, query: Callable[[Session, C], T]) -> T:
        """Run a query; reads do not queue behind writes."""
        return await self.units.run(lambda s: query(s, self.identify(s)))


async def get_units(request: Request) -> Units:
    return request.app.state.units


UnitsDep = Annotated[Units, Depends(get_units)]


async def member_work(board_id: str, request: Request, units: UnitsDep) -> Work[Actor]:
    return Work(units, board_id, lambda session: member_of(request, session, board_id))


async def writer_work(board_id: str, request: Request, units: UnitsDep) -> Work[Actor]:
    """As member_work: the write quota is spent by the services themselves
    (members.spend_write, with the request's quota from ratelimit.WriteQuotas), so the
    API and the page forms spend the same one."""
    return Work(units, board_id, lambda session: member_of(request, session, board_id))


async def facilitator_work(request: Request, units: UnitsDep) -> Work[Facilitator]:
    tokens = candidate_tokens(request)
    settings = get_settings(request)
    return Work(units, None, lambda session: facilitator_of(session, settings, tokens))


MemberWork = Annotated[Work[Actor], Depends(member_work)]
WriterWork = Annotated[Work[Actor], Depends(writer_work)]
FacilitatorWork = Annotated[Work[Facilitator], Depends(facilitator_work)]


# --- for pages that only read: sync dependencies on the request's session ------------


def _released(session: Session) -> None:
    """End the dependency's read transaction: its connection goes back to the pool
    before the request waits for the thread that runs the route."""
    if session.in_transaction():
        session.commit()


def get_principal(request: Request, session: SessionDep, settings: SettingsDep) -> Principal:
    try:
        return resolve_principal(session, settings, candidate_tokens(request))
    finally:
        _released(session)


def get_facilitator(request: Request, session: SessionDep, settings: SettingsDep) -> Facilitator:
    try:
        return facilitator_of(session, settings, candidate_tokens(request))
    finally:
        _released(session)


def get_actor(board_id: str, request: Request, session: SessionDep) -> Actor:
    try:
        return member_of(request, session, board_id)
    finally:
        _released(session)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
FacilitatorDep = Annotated[Facilitator, Depends(get_facilitator)]
ActorDep = Annotated[Actor, Depends(get_actor)]
