"""The device token in the OS keyring (never in a file) and the offline unlock verifier
(argon2id of the password; the password itself is never kept)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from forms.model import Text

if TYPE_CHECKING:
    from argon2 import PasswordHasher

__all__ = [
    "ARGON2_MEMORY_KIB",
    "ARGON2_PARALLELISM",
    "ARGON2_TIME_COST",
    "SERVICE",
    "CredentialError",
    "check_verifier",
    "delete_token",
    "keyring_usable",
    "load_token",
    "make_verifier",
    "save_token",
]

#: the keyring service name; the username key is f"{server_url}|{username}"
SERVICE = "kabar"

#: argon2id cost: 32 MiB, 2 passes, 1 lane: ~60 ms on the development machine, so well under
#: 0.3 s on an old laptop, and above OWASP's minimum (19 MiB, t=2) for a local verifier.
ARGON2_MEMORY_KIB = 32 * 1024
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1


class CredentialError(Exception):
    """The OS keyring refused; ``message`` says it for people."""

    def __init__(self, message: Text, detail: str = "") -> None:
        self.message = message
        super().__init__(detail or message.en)


_KEYRING_FAILED = Text(
    "Penyimpanan kata sandi Windows tidak dapat dipakai; akses ke server hanya berlaku sampai "
    "aplikasi ditutup.",
    "The Windows credential store cannot be used; access to the server lasts only until the "
    "app is closed.",
)


def _key(server_url: str, username: str) -> str:
    # The same spelling as Transport.base_url, whichever way the address was typed.
    url = server_url.strip().rstrip("/")
    if url.endswith("/api/v1"):
        url = url[: -len("/api/v1")].rstrip("/")
    return f"{url}|{username}"


def save_token(server_url: str, username: str, token: str) -> None:
    """Keep the token in the OS keyring only; CredentialError when the keyring refuses."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, _key(server_url, username), token)
    except KeyringError as e:
        raise CredentialError(_KEYRING_FAILED, f"{type(e).__name__}: {e}") from None


def load_token(server_url: str, username: str) -> str | None:
    """The kept token, or None (none kept, or the keyring cannot be read)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, _key(server_url, username))
    except KeyringError:
        return None


def delete_token(server_url: str, username: str) -> None:
    """Forget the token (a missing one is fine)."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, _key(server_url, username))
    except PasswordDeleteError:
        pass
    except KeyringError as e:
        raise CredentialError(_KEYRING_FAILED, f"{type(e).__name__}: {e}") from None


def keyring_usable() -> bool:
    """False with keyring's "fail" backend (no OS keyring found): the token then lives in
    memory for this session only and the officer is told so."""
    import keyring
    from keyring.backends import chainer, fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return bool(backend.backends)
    return True


def _hasher() -> PasswordHasher:
    # Imported when needed: argon2 is not wanted on the app's start-up path.
    from argon2 import PasswordHasher, Type

    return PasswordHasher(
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=ARGON2_PARALLELISM,
        type=Type.ID,
    )


def make_verifier(password: str) -> str:
    """An argon2id hash of ``password`` for the offline unlock; never the password."""
    return _hasher().hash(password)


def check_verifier(verifier: str, password: str) -> bool:
    """True when ``password`` matches; False for a wrong password or a damaged verifier."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return _hasher().verify(verifier, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
