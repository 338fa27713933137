"""The HTTP client of the sync protocol: one requests session (keep-alive, gzip both ways,
minimal headers, TLS via the OS trust store), retries with backoff, errors a person can read."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from forms.model import Text

__all__ = [
    "AppTooOldError",
    "AuthError",
    "LoginResult",
    "PermanentError",
    "SyncError",
    "TransientError",
    "Transport",
]


class SyncError(Exception):
    """A known sync problem; ``message`` says it for people (id + en), ``code`` for IT."""

    def __init__(self, message: Text, code: str = "", detail: str = "") -> None:
        self.message = message
        self.code = code
        self.detail = detail
        super().__init__(f"{code or type(self).__name__}: {detail or message.en}")


class TransientError(SyncError):
    """Offline, timeout, reset, 5xx, 429: nothing lost, try again later."""

    #: seconds the server asked us to wait (Retry-After), when it said so
    retry_after: float | None = None


class AuthError(SyncError):
    """401 (token invalid, expired or revoked; wrong password): ask for the password."""


class AppTooOldError(SyncError):
    """426: this app is below the server's minimum version; the outbox waits for the update."""


class PermanentError(SyncError):
    """Another 4xx: sending the same request again will not help (``code`` says why)."""


@dataclass(frozen=True)
class LoginResult:
    token: str
    expires_at: datetime
    username: str
    name: str
    role: str
    org_units: tuple[str, ...]


class Transport:
    """One server, one session; see docs/sync-protocol.md for the endpoints."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        app_version: str,
        ca_file: str | None = None,
        timeout: tuple[float, float] = (15.0, 60.0),
        attempts: int = 4,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        raise NotImplementedError

    def login(self, username: str, password: str, device_id: str, device_name: str) -> LoginResult:
        """``POST /token``; the token is kept on this transport for the next calls."""
        raise NotImplementedError

    def metadata(self) -> dict[str, Any]:
        """``GET /metadata`` (the user, forms, org units, app versions, server time)."""
        raise NotImplementedError

    def form_text(self, form_id: str, version: int) -> str:
        """``GET /forms/{id}/{version}``: the definition's YAML text."""
        raise NotImplementedError

    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /push`` (gzipped); the decoded JSON reply."""
        raise NotImplementedError

    def pull(self, since: int, limit: int, *, mine: bool) -> dict[str, Any]:
        """``GET /pull?since=…&limit=…[&mine=0]``; the decoded JSON reply."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError
