"""Users and facilities, as the admin CLI (and demo-seed) create them; every check a person
can fail has an ``AdminError`` with a message for them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from server import audit, passwords
from server.models import FACILITY_TYPES, ROLES, OrgUnit, User, UserOrgUnit
from server.scope import ROLE_LEVELS

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
FACILITY_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


class AdminError(Exception):
    """A refused admin action; ``str()`` is the one-line message for the admin."""


def add_user(
    session: Session,
    *,
    username: str,
    name: str,
    role: str,
    org_units: list[str],
    password: str,
    phone: str | None = None,
    actor: str,
) -> User:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise AdminError(
            f"username {username!r}: use 2-64 lowercase letters, digits, '.', '_' or '-'"
        )
    if not name.strip():
        raise AdminError("the user's name is empty")
    if role not in ROLES:
        raise AdminError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
    if not org_units:
        raise AdminError("a user needs at least one --org-unit")
    try:
        passwords.check_strength(password)
    except passwords.WeakPasswordError as e:
        raise AdminError(str(e)) from None
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AdminError(f"username {username!r} is taken")
    allowed = ROLE_LEVELS[role]
    for code in dict.fromkeys(org_units):
        unit = session.get(OrgUnit, code)
        if unit is None:
            raise AdminError(f"org unit {code!r} does not exist (import-wilayah/add-facility)")
        if unit.level not in allowed:
            raise AdminError(
                f"a {role} is assigned to a {' or '.join(allowed)}, but {code!r} is a {unit.level}"
            )
    user = User(
        username=username,
        name=name.strip(),
        role=role,
        phone=(phone or "").strip() or None,
        password_hash=passwords.hash_password(password),
        active=True,
        created_at=datetime.now(UTC),
    )
    session.add(user)
    session.flush()
    for code in dict.fromkeys(org_units):
        session.add(UserOrgUnit(user_id=user.id, org_unit=code))
    audit.record(
        session, actor, "add-user", username=username, role=role, org_units=list(org_units)
    )
    return user


def add_facility(
    session: Session, *, code: str, name: str, under: str, type: str, actor: str
) -> OrgUnit:
    code, name = code.strip(), name.strip()
    if not FACILITY_CODE_RE.match(code):
        raise AdminError(f"facility code {code!r}: 1-32 letters, digits, '.', '_' or '-'")
    if not name:
        raise AdminError("the facility's name is empty")
    if type not in FACILITY_TYPES:
        raise AdminError(f"unknown facility type {type!r}; choose {' or '.join(FACILITY_TYPES)}")
    parent = session.get(OrgUnit, under)
    if parent is None:
        raise AdminError(f"kecamatan {under!r} does not exist (run import-wilayah first)")
    if parent.level != "kecamatan":
        raise AdminError(f"a facility goes under a kecamatan, but {under!r} is a {parent.level}")
    existing = session.get(OrgUnit, code)
    if existing is not None:
        if existing.parent_code != under or existing.level != type:
            raise AdminError(
                f"org unit {code!r} already exists ({existing.level} under "
                f"{existing.parent_code}); a code is never reused"
            )
        existing.name = name
        unit = existing
    else:
        unit = OrgUnit(
            code=code,
            name=name,
            level=type,
            parent_code=under,
            type=type,
            path=f"{parent.path}{code}/",
        )
        session.add(unit)
    audit.record(session, actor, "add-facility", code=code, name=name, under=under, type=type)
    return unit
