"""Password hashing with argon2id (argon2-cffi); plain passwords are never stored or logged."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
#: verified for unknown usernames so a wrong name costs the same time as a wrong password
_DUMMY_HASH = _hasher.hash("kabar: no such user")

MIN_LENGTH = 8


class WeakPasswordError(ValueError):
    """The chosen password is not acceptable; the message says why (for the admin)."""


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(f"the password needs at least {MIN_LENGTH} characters")
    if password.strip() != password:
        raise WeakPasswordError("the password must not begin or end with a space")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; an unknown user (None) takes the same time and fails."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
