"""The device token in the OS keyring (never in a file) and the offline unlock verifier
(argon2id of the password; the password itself is never kept)."""

from __future__ import annotations

__all__ = [
    "SERVICE",
    "check_verifier",
    "delete_token",
    "keyring_usable",
    "load_token",
    "make_verifier",
    "save_token",
]

#: the keyring service name; the username key is f"{server_url}|{username}"
SERVICE = "kabar"


def save_token(server_url: str, username: str, token: str) -> None:
    """Keep the token in the OS keyring only."""
    raise NotImplementedError


def load_token(server_url: str, username: str) -> str | None:
    raise NotImplementedError


def delete_token(server_url: str, username: str) -> None:
    raise NotImplementedError


def keyring_usable() -> bool:
    """False with keyring's "fail" backend: the token then lives in memory for this session."""
    raise NotImplementedError


def make_verifier(password: str) -> str:
    """An argon2id hash of ``password`` for the offline unlock; never the password."""
    raise NotImplementedError


def check_verifier(verifier: str, password: str) -> bool:
    raise NotImplementedError
