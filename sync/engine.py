"""The sync engine: freeze the outbox into push items, push them, apply the receipts, pull
what others changed and apply it; every step is its own SQLite transaction, so a run can stop
anywhere (fault, crash, kill) and the next one resumes there without losing or doubling."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from forms.model import Text
from sync.store import Store
from sync.transport import LoginResult, Transport

__all__ = ["SyncEngine", "SyncReport", "login_and_prepare"]


@dataclass(frozen=True)
class SyncReport:
    #: submissions acknowledged in this run
    pushed: int
    #: cells taken from the server
    pulled: int
    new_conflicts: int
    set_aside: int
    round_trips: int
    #: False: stopped by a fault; the next run resumes exactly there
    finished: bool
    #: what went wrong, for the status bar (id + en)
    problem: Text | None
    clock_skew_s: float | None
    #: the token is missing/expired/revoked: ask for the password; the outbox is intact
    needs_login: bool
    app_too_old: bool


class SyncEngine:
    """One sync run at a time per store (``run`` holds a lock)."""

    def __init__(
        self,
        store: Store,
        transport: Transport,
        *,
        batch_size: int = 100,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        raise NotImplementedError

    def run(self, should_stop: Callable[[], bool] = lambda: False) -> SyncReport:
        """freeze → push (batches of ≤ batch_size) → apply receipts → pull (pages) → apply.

        Never raises for network or server trouble (it is in the report); bugs do raise.
        """
        raise NotImplementedError


def login_and_prepare(
    store: Store, transport: Transport, username: str, password: str, device_name: str
) -> LoginResult:
    """Log in, keep the token (keyring), the unlock verifier, the server URL, the username and
    the metadata (org units, forms) in the store. Raises the transport's SyncErrors."""
    raise NotImplementedError
