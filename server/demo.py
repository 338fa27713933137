"""``demo-seed``: a small demo province (the demo hierarchy, the shipped forms, one account per
role) so a new admin or the desktop demo has a server to talk to. Running it again changes
nothing."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.loader import DEFINITIONS_DIR
from resources import DEMO_DIR
from server import accounts, audit, forms_publish
from server.models import User
from server.orgunits import add_units

#: the documented demo password of every demo account (a demo server only!)
DEMO_PASSWORD = "demo1234"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: str
    org_unit: str


DEMO_ACCOUNTS = (
    DemoAccount("ani", "Ani Lestari", "petugas_puskesmas", "P6408040201"),
    DemoAccount("budi", "Budi Santoso", "petugas_puskesmas", "P6408040202"),
    DemoAccount("camat", "Citra Kecamatan", "petugas_kecamatan", "64.08.04"),
    DemoAccount("kutim", "Dedi Kabupaten", "admin_kabupaten", "64.08"),
    DemoAccount("kaltim", "Eka Provinsi", "admin_provinsi", "64"),
)


def demo_units() -> list[tuple[str, str, str, str | None, str | None]]:
    with (DEMO_DIR / "org_units.csv").open(encoding="utf-8") as f:
        return [
            (r["code"], r["name"], r["level"], r["parent"] or None, r["type"] or None)
            for r in csv.DictReader(f)
        ]


def seed(session: Session, actor: str) -> list[str]:
    """Create whatever is missing; returns lines describing what the demo server holds."""
    add_units(session, demo_units())
    for path in sorted(DEFINITIONS_DIR.glob("*.yaml")):
        forms_publish.publish(session, path, actor)
    lines = []
    for a in DEMO_ACCOUNTS:
        if session.scalar(select(User.id).where(User.username == a.username)) is None:
            accounts.add_user(
                session,
                username=a.username,
                name=a.name,
                role=a.role,
                org_units=[a.org_unit],
                password=DEMO_PASSWORD,
                actor=actor,
            )
        lines.append(f"  {a.username:<8} {a.role:<18} {a.org_unit:<12} sandi: {DEMO_PASSWORD}")
    audit.record(session, actor, "demo-seed")
    return lines
