"""Device tokens: issued at login, stored only as SHA-256, expiring and revocable; and the
``current_user`` dependency that turns a Bearer token into a ``Principal``."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request
from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from server import passwords, ratelimit
from server.context import get_context
from server.errors import ApiError
from server.models import Device, OrgUnit, User, UserOrgUnit
from server.scope import Principal
from server.settings import Settings

log = logging.getLogger(__name__)

APP_HEADER = "X-Kabar-App"


def utcnow() -> datetime:
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class LoginResult:
    token: str
    expires_at: datetime
    user: User
    org_units: tuple[str, ...]


def assigned_units(session: Session, user_id: int) -> list[tuple[str, str]]:
    """(code, path) of the user's assigned org units, sorted by code."""
    rows = session.execute(
        select(OrgUnit.code, OrgUnit.path)
        .join(UserOrgUnit, UserOrgUnit.org_unit == OrgUnit.code)
        .where(UserOrgUnit.user_id == user_id)
        .order_by(OrgUnit.code)
    ).all()
    return [(code, path) for code, path in rows]


def login(
    session_maker: sessionmaker[Session],
    username: str,
    password: str,
    device_id: str,
    device_name: str,
    address: str,
    settings: Settings,
    now: datetime | None = None,
) -> LoginResult:
    """Check the password (rate limited) and issue a fresh token for this (user, device)."""
    now = now or utcnow()
    with session_maker() as session, session.begin():
        wait = ratelimit.retry_after(session, username, address, now, settings)
        if wait is not None:
            raise ApiError(
                429, "too_many_attempts", f"retry after {wait} s", {"Retry-After": str(wait)}
            )
        user = session.scalar(select(User).where(User.username == username))
        good = passwords.verify_password(user.password_hash if user else None, password)
        if user is None or not good or not user.active:
            ratelimit.record_failure(session, username, address, now, settings)
            failed = True
        else:
            failed = False
    if failed:
        # Committed above: the failure counts even though the request is refused.
        log.info("failed login for account %r from %s", username[:64], address)
        raise ApiError(401, "bad_credentials")
    assert user is not None
    token = new_token()
    expires_at = now + settings.token_lifetime
    for attempt in range(2):
        try:
            with session_maker() as session, session.begin():
                ratelimit.clear_account(session, username)
                if passwords.needs_rehash(user.password_hash):
                    session.execute(
                        update(User)
                        .where(User.id == user.id)
                        .values(password_hash=passwords.hash_password(password))
                    )
                _store_device_token(
                    session, user.id, device_id, device_name, token, now, expires_at
                )
                units = tuple(code for code, _ in assigned_units(session, user.id))
            break
        except IntegrityError:
            # The same device logged in twice at once; the second try replaces the first.
            if attempt:
                raise
    log.info("login: account %r, device %r", user.username, device_id)
    return LoginResult(token, expires_at, user, units)


def _store_device_token(
    session: Session,
    user_id: int,
    device_id: str,
    device_name: str,
    token: str,
    now: datetime,
    expires_at: datetime,
) -> None:
    device = session.scalar(
        select(Device).where(Device.user_id == user_id, Device.device_id == device_id)
    )
    if device is None:
        device = Device(user_id=user_id, device_id=device_id)
        session.add(device)
    # Logging in again from a device replaces its token (also a revoked one: the password
    # was just proven; an admin who wants a person out deactivates the account).
    device.device_name = device_name
    device.token_hash = token_hash(token)
    device.created_at = now
    device.expires_at = expires_at
    device.revoked_at = None
    device.last_seen_at = now


def revoke_devices(
    session: Session, username: str, device_id: str | None, now: datetime | None = None
) -> list[str]:
    """Revoke the user's device tokens (one device or all); returns the device ids revoked."""
    now = now or utcnow()
    query = (
        select(Device)
        .join(User, User.id == Device.user_id)
        .where(User.username == username, Device.revoked_at.is_(None))
    )
    if device_id is not None:
        query = query.where(Device.device_id == device_id)
    devices = session.scalars(query).all()
    for device in devices:
        device.revoked_at = now
    return [d.device_id for d in devices]


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "token_invalid", "no Bearer token", {"WWW-Authenticate": "Bearer"})
    return token.strip()


_D, _U, _UO, _O = Device.__table__, User.__table__, UserOrgUnit.__table__, OrgUnit.__table__
_WHO = (
    select(
        _D.c.id,
        _D.c.device_id,
        _D.c.revoked_at,
        _D.c.expires_at,
        _D.c.last_seen_at,
        _D.c.app_version,
        _U.c.id.label("uid"),
        _U.c.username,
        _U.c.name,
        _U.c.role,
        _U.c.active,
        _O.c.code,
        _O.c.path,
    )
    .select_from(
        _D.join(_U, _U.c.id == _D.c.user_id)
        .outerjoin(_UO, _UO.c.user_id == _U.c.id)
        .outerjoin(_O, _O.c.code == _UO.c.org_unit)
    )
    .where(_D.c.token_hash == bindparam("h"))
    .order_by(_O.c.code)
)


def current_user(request: Request) -> Principal:
    """FastAPI dependency: the caller, or 401 with the protocol's error code."""
    context = get_context(request)
    token = _bearer(request)
    now = utcnow()
    app_version = request.headers.get(APP_HEADER, "").strip()[:32]
    with context.read_engine.connect() as conn:
        rows = conn.execute(_WHO, {"h": token_hash(token)}).all()
    if not rows:
        raise ApiError(401, "token_invalid", headers={"WWW-Authenticate": "Bearer"})
    r = rows[0]
    if r.revoked_at is not None:
        raise ApiError(401, "token_revoked", headers={"WWW-Authenticate": "Bearer"})
    if not r.active:
        raise ApiError(401, "token_revoked", "account deactivated", {"WWW-Authenticate": "Bearer"})
    if r.expires_at <= now:
        raise ApiError(401, "token_expired", headers={"WWW-Authenticate": "Bearer"})
    units = [(x.code, x.path) for x in rows if x.code is not None]
    device = Device(
        id=r.id, device_id=r.device_id, last_seen_at=r.last_seen_at, app_version=r.app_version
    )
    _note_seen(context.statement_engine, device, now, app_version, context.settings)
    principal = Principal(
        user_id=r.uid,
        username=r.username,
        name=r.name,
        role=r.role,
        org_units=tuple(code for code, _ in units),
        roots=tuple(path for _, path in units),
        device_id=r.device_id,
        device_pk=r.id,
        app_version=app_version,
    )
    request.state.principal = principal
    return principal


def _note_seen(
    engine: Engine,
    device: Device,
    now: datetime,
    app_version: str,
    settings: Settings,
) -> None:
    # Written only when stale or when the app version changed: a write per request would
    # serialize every reader on SQLite and load PostgreSQL for nothing.
    stale = device.last_seen_at is None or now - device.last_seen_at >= settings.last_seen_every
    changed = bool(app_version) and app_version != device.app_version
    if not (stale or changed):
        return
    values: dict[str, object] = {"last_seen_at": now}
    if app_version:
        values["app_version"] = app_version
    with engine.begin() as conn:
        conn.execute(update(Device).where(Device.id == device.id).values(**values))
