"""Which org units a user may read and write: the subtrees of the units they are assigned to.

The role decides what a user may be assigned to (``ROLE_LEVELS``, checked by ``add-user``), so
the subtree rule gives the protocol's table: a puskesmas officer their facility, a kecamatan
officer the facilities under the kecamatan, admins their kabupaten or province.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, false, or_, select
from sqlalchemy.orm import Session

from server.models import OrgUnit

#: the org-unit levels a role may be assigned to
ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    "petugas_puskesmas": ("puskesmas", "rumah_sakit"),
    "petugas_kecamatan": ("kecamatan",),
    "admin_kabupaten": ("kabupaten",),
    "admin_provinsi": ("provinsi",),
}


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of a request."""

    user_id: int
    username: str
    name: str
    role: str
    #: codes of the assigned org units, sorted
    org_units: tuple[str, ...]
    #: materialized paths of the assigned org units (the roots of the scope)
    roots: tuple[str, ...]
    #: the client's device uuid and the devices row id
    device_id: str
    device_pk: int
    #: from the X-Kabar-App header of this request ("" when absent)
    app_version: str = ""


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def path_filter(roots: Iterable[str]) -> ColumnElement[bool]:
    """SQL condition: ``OrgUnit`` lies in one of the subtrees rooted at ``roots`` (paths)."""
    conditions = [OrgUnit.path.like(_escape_like(r) + "%", escape="\\") for r in roots]
    return or_(*conditions) if conditions else false()


def in_scope(principal: Principal) -> ColumnElement[bool]:
    """SQL condition on ``OrgUnit``: the unit is in the principal's scope."""
    return path_filter(principal.roots)


def scope_codes(principal: Principal) -> Select[str]:
    """``SELECT code FROM org_units WHERE <in scope>`` for ``IN (...)`` filters and joins."""
    return select(OrgUnit.code).where(in_scope(principal))


def covers(principal: Principal, org_unit_code: str, session: Session) -> bool:
    """True when ``org_unit_code`` exists and lies in the principal's scope."""
    path = session.scalar(select(OrgUnit.path).where(OrgUnit.code == org_unit_code))
    return path is not None and covers_path(principal, path)


def covers_path(principal: Principal, path: str) -> bool:
    """The same test on a unit's path already at hand (no query)."""
    return any(path.startswith(root) for root in principal.roots)


def ancestor_codes(path: str) -> list[str]:
    """``/64/64.08/64.08.04/`` -> ``['64', '64.08', '64.08.04']`` (the unit itself last)."""
    return [part for part in path.split("/") if part]


def metadata_units(session: Session, principal: Principal) -> list[list[str | None]]:
    """The scope plus the ancestors needed to draw it, as ``[code, name, level, parent, type]``.

    Desa are left out: no form is entered per desa, and a province's 80,000 of them would make
    an admin's metadata megabytes long.
    """
    ancestors = {code for root in principal.roots for code in ancestor_codes(root)}
    condition = or_(in_scope(principal), OrgUnit.code.in_(ancestors)) if ancestors else false()
    rows = session.execute(
        select(OrgUnit.code, OrgUnit.name, OrgUnit.level, OrgUnit.parent_code, OrgUnit.type)
        .where(condition, OrgUnit.level != "desa")
        .order_by(OrgUnit.path)
    ).all()
    return [list(row) for row in rows]
