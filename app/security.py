"""Password hashing and token digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_verify() -> None:
    """Spend the time of a real check, so an unknown email is not told apart by speed."""
    verify_password(_DUMMY_HASH, "not-the-password")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(secret: bytes, token: str) -> str:
    """Keyed with the server secret: the stored digest alone opens nothing."""
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()


_DUMMY_HASH = _hasher.hash("paja-dummy-password")
