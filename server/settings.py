"""The server's tunable limits and versions, in one place (defaults follow the protocol doc)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

from sync.appversion import is_newer, is_version

#: the app versions the province advertises, when ``serve --app-latest/--app-minimum`` (or the
#: Settings) do not say: every worker process reads them
APP_LATEST_ENV = "KABAR_APP_LATEST"
APP_MINIMUM_ENV = "KABAR_APP_MINIMUM"


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
            latest = os.environ.get(APP_LATEST_ENV, "").strip() or _package_version()
            object.__setattr__(self, "app_latest", latest)
        if not self.app_minimum:
            minimum = os.environ.get(APP_MINIMUM_ENV, "").strip() or "0.1.0"
            object.__setattr__(self, "app_minimum", minimum)


def version_problem(latest: str, minimum: str) -> str | None:
    """Why ``latest``/``minimum`` cannot be advertised (None: they can)."""
    for name, value in (("latest", latest), ("minimum", minimum)):
        if not is_version(value):
            return f"app {name} version must start with a number like 0.5.0 (not {value!r})"
    if is_newer(minimum, latest):
        return (
            f"app minimum {minimum} is above the latest {latest}: every laptop would be refused "
            "with no version to update to"
        )
    return None
