"""A small province with complete and draft reports, written straight into the server database.

Used by the public figures tests; the expected sums are computed here from the same seed, by a
plain loop independent of ``server.public_figures``.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

from forms.loader import DEFINITIONS_DIR, builtin_forms
from forms.model import FieldType, FormDefinition
from server.db import make_engine
from server.models import Cell, DayStatus, FormVersion, OrgUnit, User

UNITS = [
    # code, name, level, parent, type
    ("64", "Kalimantan Timur", "provinsi", None, None),
    ("64.08", "Kabupaten Kutai Timur", "kabupaten", "64", None),
    ("64.08.04", "Sangatta Utara", "kecamatan", "64.08", None),
    ("64.08.05", "Sangkulirang", "kecamatan", "64.08", None),
    ("64.72", "Kota Samarinda", "kabupaten", "64", None),
    ("64.72.01", "Palaran", "kecamatan", "64.72", None),
    ("64.72.02", "Samarinda Ilir", "kecamatan", "64.72", None),  # no facility: never listed
    ("P6408040201", "Puskesmas Sangatta Utara", "puskesmas", "64.08.04", "puskesmas"),
    ("P6408040202", "Puskesmas Teluk Lingga", "puskesmas", "64.08.04", "puskesmas"),
    ("P6408050201", "Puskesmas Sangkulirang", "puskesmas", "64.08.05", "puskesmas"),
    ("P6472010201", "Puskesmas Palaran", "puskesmas", "64.72.01", "puskesmas"),
    ("P6472010202", "Puskesmas Bukuan <Baru> & Co", "puskesmas", "64.72.01", "puskesmas"),
]
DAY = date(2026, 11, 20)
EARLIER = DAY - timedelta(days=1)


@dataclass
class Report:
    facility: str
    form_id: str
    day: date
    complete: bool
    values: dict[str, str | None]


@dataclass
class Seed:
    forms: list[FormDefinition]
    day: date
    earlier: date
    reports: list[Report] = field(default_factory=list)

    def expected(self, day: date, region_of: dict[str, str]) -> dict[str, dict[str, int | None]]:
        """region -> field code -> sum over complete reports (None: nobody reported the form)."""
        out: dict[str, dict[str, int | None]] = {}
        for code in set(region_of.values()):
            out[code] = {}
            for form in self.forms:
                done = [
                    r
                    for r in self.reports
                    if r.day == day
                    and r.complete
                    and r.form_id == form.id
                    and region_of.get(r.facility) == code
                ]
                for fld in form.fields:
                    if fld.type is not FieldType.INTEGER:
                        continue
                    out[code][fld.code] = (
                        sum(int(r.values[fld.code] or 0) for r in done) if done else None
                    )
        return out


def _path(code: str) -> str:
    parents = {c: p for c, _, _, p, _ in UNITS}
    chain = [code]
    while parents[chain[-1]] is not None:
        chain.append(parents[chain[-1]])  # type: ignore[arg-type]
    return "/" + "/".join(reversed(chain)) + "/"


def _values(form: FormDefinition, rng: random.Random, big: bool) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for fld in form.fields:
        if fld.type is FieldType.INTEGER:
            # One figure above a thousand shows the id_ID grouping (1.234) on the page.
            values[fld.code] = str(
                1234 if big and fld.code == "kontak_erat_dilacak" else rng.randint(1, 40)
            )
        elif fld.type is FieldType.YESNO:
            values[fld.code] = "false"
        elif fld.type is FieldType.CHOICE:
            values[fld.code] = fld.choices[0].code
        else:
            values[fld.code] = None
    return values


# facility -> forms marked complete on DAY (others are drafts); EARLIER: everyone complete
PLAN = {
    "P6408040201": ("covid19-harian", "sumber-daya-harian"),
    "P6408040202": ("covid19-harian",),  # resources report still a draft
    "P6408050201": (),  # both drafts
    "P6472010201": ("covid19-harian", "sumber-daya-harian"),
    # P6472010202 sent nothing on DAY
}


def seed(db_url: str, day: date = DAY) -> Seed:
    """Units, the shipped forms, and reports for the day before (all complete) and ``day``
    (complete as in PLAN, the rest drafts)."""
    forms = sorted(builtin_forms(), key=lambda f: f.id)
    result = Seed(forms, day, day - timedelta(days=1))
    rng = random.Random(20261120)
    now = datetime.now(UTC)
    for d in (result.earlier, day):
        for facility, complete_forms in PLAN.items():
            for form in forms:
                complete = d != day or form.id in complete_forms
                result.reports.append(
                    Report(facility, form.id, d, complete, _values(form, rng, big=d == day))
                )
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(OrgUnit),
                [
                    {
                        "code": c,
                        "name": n,
                        "level": lv,
                        "parent_code": p,
                        "type": t,
                        "path": _path(c),
                    }
                    for c, n, lv, p, t in UNITS
                ],
            )
            for form in forms:
                text = (DEFINITIONS_DIR / f"{form.id}.yaml").read_text(encoding="utf-8")
                conn.execute(
                    insert(FormVersion).values(
                        form_id=form.id,
                        version=form.version,
                        sha256=hashlib.sha256(text.encode()).hexdigest(),
                        source_text=text,
                        published_at=now,
                        published_by="test",
                    )
                )
            user_id = conn.execute(
                insert(User)
                .values(
                    username="ani",
                    name="Ani",
                    role="admin_provinsi",
                    password_hash="x",
                    active=True,
                    created_at=now,
                )
                .returning(User.id)
            ).scalar_one()
            rev = 0
            cells, statuses = [], []
            for report in result.reports:
                sub = str(uuid.uuid4())
                for indicator, value in report.values.items():
                    rev += 1
                    cells.append(
                        {
                            "org_unit": report.facility,
                            "form_id": report.form_id,
                            "period": report.day,
                            "indicator": indicator,
                            "value": value,
                            "rev": rev,
                            "user_id": user_id,
                            "device_id": "dev",
                            "client_at": now,
                            "server_at": now,
                            "submission_id": sub,
                            "flags": None,
                        }
                    )
                statuses.append(
                    {
                        "org_unit": report.facility,
                        "form_id": report.form_id,
                        "period": report.day,
                        "complete": report.complete,
                        "rev": rev,
                        "updated_at": now,
                    }
                )
            conn.execute(insert(Cell), cells)
            conn.execute(insert(DayStatus), statuses)
    finally:
        engine.dispose()
    return result


def region_map(level: str) -> dict[str, str]:
    """facility -> its kabupaten or kecamatan code, from the unit table above."""
    parents = {c: p for c, _, _, p, _ in UNITS}
    out = {}
    for code, _, lv, parent, _ in UNITS:
        if lv != "puskesmas":
            continue
        kec = parent
        out[code] = kec if level == "kecamatan" else parents[kec]  # type: ignore[index]
    return out  # type: ignore[return-value]
