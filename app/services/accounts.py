"""Facilitator accounts and the tokens that stand for a facilitator or a participant."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, insert
from sqlmodel import Session, select

from app.db import begin_write, end_access_after_commit
from app.errors import Conflict, InvalidInput, NotAuthenticated
from app.models import AuthToken, Facilitator, Participant, utcnow
from app.security import dummy_verify, hash_password, new_token, token_digest, verify_password

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_CHARS = 8


@dataclass(frozen=True, slots=True)
class Principal:
    """Whoever a token stands for: a facilitator account, or one board's participant."""

    token_id: str
    facilitator_id: str | None = None
    participant_id: str | None = None


def normalise_email(email: str) -> str:
    address = email.strip().lower()
    if not EMAIL_PATTERN.match(address) or len(address) > 320:
        raise InvalidInput("That is not an email address.")
    return address


def create_facilitator(session: Session, email: str, password: str, name: str = "") -> Facilitator:
    """Add an account; the email is the login and must be new."""
    begin_write(session)
    address = normalise_email(email)
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput(
            "The password must be at least {count} characters.", count=MIN_PASSWORD_CHARS
        )
    if session.exec(select(Facilitator).where(Facilitator.email == address)).first():
        raise Conflict("A facilitator with the email {email} already exists.", email=address)
    facilitator = Facilitator(
        email=address, name=name.strip(), password_hash=hash_password(password)
    )
    session.add(facilitator)
    session.commit()
    return facilitator


def authenticate(session: Session, email: str, password: str) -> Facilitator:
    """The account for these credentials, or 401 without saying which half was wrong.
    What cannot be an account's (no email address, no password) is refused without
    hashing: no account answers it, so its speed tells nothing, and it costs no argon2."""
    address = email.strip().lower()
    if not password or not EMAIL_PATTERN.match(address) or len(address) > 320:
        raise NotAuthenticated("The email or the password is wrong.")
    facilitator = session.exec(select(Facilitator).where(Facilitator.email == address)).first()
    if facilitator is None:
        dummy_verify()
    elif verify_password(facilitator.password_hash, password):
        return facilitator
    raise NotAuthenticated("The email or the password is wrong.")


INSERT_TOKEN = insert(AuthToken.__table__)  # type: ignore[attr-defined]


def issue_token(
    session: Session, secret: bytes, *, lifetime: timedelta, facilitator_id: str
) -> str:
    """A new facilitator token, committed (a participant's comes with their join)."""
    begin_write(session)
    token = add_token(session, secret, lifetime=lifetime, facilitator_id=facilitator_id)
    session.commit()
    return token


def add_token(
    session: Session,
    secret: bytes,
    *,
    lifetime: timedelta,
    facilitator_id: str | None = None,
    participant_id: str | None = None,
) -> str:
    """A new random token in the open transaction, which the caller commits: a room's
    joins commit together (app.unit). One Core insert, outside the ORM's flush."""
    token = new_token()
    session.execute(  # its id and creation time are the columns' defaults
        INSERT_TOKEN,
        {
            "token_hash": token_digest(secret, token),
            "facilitator_id": facilitator_id,
            "participant_id": participant_id,
            "expires_at": utcnow() + lifetime,
        },
    )
    return token


# Every request resolves a token: the statement is built once (SQLAlchemy then skips
# building it and computing its cache key on each request), and is plain Core on the
# table's columns, which the ORM's result machinery does not touch (34 µs, not 56).
_TOKENS = AuthToken.__table__.c  # type: ignore[attr-defined]
TOKEN_BY_DIGEST = select(
    _TOKENS.id, _TOKENS.facilitator_id, _TOKENS.participant_id, _TOKENS.expires_at
).where(_TOKENS.token_hash == bindparam("digest"))


def resolve_token(session: Session, secret: bytes, token: str) -> Principal:
    """The principal behind a token, or 401 when it is unknown, revoked or expired."""
    row = session.execute(TOKEN_BY_DIGEST, {"digest": token_digest(secret, token)}).first()
    if row is None:
        raise NotAuthenticated("The token is not valid. Sign in or join the board again.")
    if _aware(row.expires_at) <= utcnow():
        raise NotAuthenticated("The token has expired. Sign in or join the board again.")
    return Principal(row.id, row.facilitator_id, row.participant_id)


def revoke_token(session: Session, secret: bytes, token: str) -> None:
    """Sign out: the token stops working everywhere at once."""
    begin_write(session)
    row = session.exec(
        select(AuthToken).where(AuthToken.token_hash == token_digest(secret, token))
    ).first()
    if row is not None:
        session.delete(row)
        end_access_after_commit(session, token_id=row.id)  # its open streams close too
        session.commit()


def get_facilitator(session: Session, facilitator_id: str) -> Facilitator | None:
    return session.get(Facilitator, facilitator_id)


def get_participant(session: Session, participant_id: str) -> Participant | None:
    return session.get(Participant, participant_id)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
