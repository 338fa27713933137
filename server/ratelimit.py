"""Failed-login limits per account and per address, kept in the database so that every
uvicorn worker (and every server restart) sees the same counts."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from server.models import LoginFailure
from server.settings import Settings


def retry_after(
    session: Session, username: str, address: str, now: datetime, settings: Settings
) -> int | None:
    """Seconds to wait when the account or the address is past its limit, else None."""
    since = now - settings.login_window
    waits = []
    for column, key, limit in (
        (LoginFailure.username, username, settings.login_account_limit),
        (LoginFailure.address, address, settings.login_address_limit),
    ):
        times = session.scalars(
            select(LoginFailure.at)
            .where(column == key, LoginFailure.at > since)
            .order_by(LoginFailure.at.desc())
            .limit(limit)
        ).all()
        if len(times) >= limit:
            # Blocked until the limit-th most recent failure leaves the window.
            free_at = times[limit - 1] + settings.login_window
            waits.append(max(1, math.ceil((free_at - now).total_seconds())))
    return max(waits) if waits else None


def record_failure(
    session: Session, username: str, address: str, now: datetime, settings: Settings
) -> None:
    session.add(LoginFailure(username=username[:64], address=address[:64], at=now))
    # Old rows are worthless; drop this account's and address's as we go (both indexed).
    cutoff = now - settings.login_window
    session.execute(
        delete(LoginFailure).where(
            LoginFailure.at < cutoff,
            or_(LoginFailure.username == username[:64], LoginFailure.address == address[:64]),
        )
    )


def clear_account(session: Session, username: str) -> None:
    """After a successful login the account's count starts again (the address's does not)."""
    session.execute(delete(LoginFailure).where(LoginFailure.username == username[:64]))


def failures(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(LoginFailure)) or 0)
