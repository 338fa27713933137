"""The server's tunable limits and versions, in one place (defaults follow the protocol doc)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kabar")
    except PackageNotFoundError:
        return "0.1.0"


@dataclass(frozen=True)
class Settings:
    #: how long a device token lives
    token_lifetime: timedelta = timedelta(days=90)
    #: failed logins allowed per account / per client address within ``login_window``
    login_account_limit: int = 5
    login_address_limit: int = 20
    login_window: timedelta = timedelta(minutes=15)
    #: request bodies as sent (compressed) and after inflating gzip
    max_body_bytes: int = 1 << 20
    max_inflated_bytes: int = 8 << 20
    #: advertised in metadata; below ``app_minimum`` a push gets 426 app_too_old
    app_latest: str = ""
    app_minimum: str = ""
    #: a device's last_seen_at is written at most this often (a write per request would not do)
    last_seen_every: timedelta = timedelta(minutes=5)

    def __post_init__(self) -> None:
        if not self.app_latest:
            object.__setattr__(self, "app_latest", _package_version())
        if not self.app_minimum:
            object.__setattr__(self, "app_minimum", "0.1.0")
