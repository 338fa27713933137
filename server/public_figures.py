"""Daily public figures: sums of the integer indicators per region, from complete reports only.

Read by ``server.public`` (JSON, CSV, the HTML page). A facility's figures for a form count on a
day only when it marked that form-day complete; drafts never reach the public.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from forms.loader import load_form_text
from forms.model import FieldType, FormDefinition, Text
from server.models import Cell, DayStatus, FormVersion, OrgUnit

LEVELS = ("kabupaten", "kecamatan")
#: Indonesia keeps no daylight saving time: WIB, WITA and WIT are fixed offsets.
WIB, WITA, WIT = (timezone(timedelta(hours=h)) for h in (7, 8, 9))
#: provinces (by Kemendagri code) outside WIB
_PROVINCE_ZONE = {
    **dict.fromkeys(("51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"), WITA),
    **dict.fromkeys(("81", "82", "91", "92", "93", "94", "95", "96"), WIT),
}


@dataclass(frozen=True)
class Indicator:
    """One summed figure; ``key`` names it in JSON and CSV (the field code when unambiguous)."""

    key: str
    form_id: str
    code: str
    label: Text


@dataclass(frozen=True)
class PublicForm:
    id: str
    version: int
    title: Text
    #: the org unit level expected to send it (e.g. puskesmas)
    level: str


@dataclass
class Facility:
    code: str
    name: str
    level: str
    path: str
    #: the forms this facility is expected to send
    forms: tuple[str, ...]


@dataclass
class RegionFigures:
    code: str
    name: str
    facilities: int = 0
    #: form id -> facilities whose report for that form is complete
    reported: dict[str, int] = field(default_factory=dict)
    #: indicator key -> sum; None when no facility's report for its form is complete
    sums: dict[str, int | None] = field(default_factory=dict)


@dataclass
class DailyFigures:
    day: date
    level: str
    forms: list[PublicForm]
    indicators: list[Indicator]
    regions: list[RegionFigures]

    def total(self, name: str) -> RegionFigures:
        """All regions added up (the province when the server holds one)."""
        total = RegionFigures(code="", name=name)
        for region in self.regions:
            total.facilities += region.facilities
            for form_id, n in region.reported.items():
                total.reported[form_id] = total.reported.get(form_id, 0) + n
        for ind in self.indicators:
            values = [r.sums[ind.key] for r in self.regions if r.sums.get(ind.key) is not None]
            total.sums[ind.key] = sum(v for v in values if v is not None) if values else None
        return total


@dataclass
class Completeness:
    """Who has reported on ``day``, per kecamatan (grouped by kabupaten)."""

    day: date
    forms: list[PublicForm]
    #: (kabupaten code, name) -> rows of (kecamatan code, name, facilities, missing)
    kabupaten: dict[tuple[str, str], list[KecamatanStatus]]


@dataclass
class KecamatanStatus:
    code: str
    name: str
    facilities: int
    reported: int
    #: (facility name, titles of the forms still missing) for every facility not done
    missing: list[tuple[str, list[Text]]]


# -- reading ------------------------------------------------------------------------------------
_FORM_CACHE: dict[str, FormDefinition] = {}


def published_forms(session: Session) -> list[FormDefinition]:
    """The newest published version of every form, in form id order."""
    newest = (
        select(FormVersion.form_id, func.max(FormVersion.version).label("version"))
        .group_by(FormVersion.form_id)
        .subquery()
    )
    rows = session.execute(
        select(
            FormVersion.form_id, FormVersion.version, FormVersion.sha256, FormVersion.source_text
        )
        .join(
            newest,
            and_(FormVersion.form_id == newest.c.form_id, FormVersion.version == newest.c.version),
        )
        .order_by(FormVersion.form_id)
    ).all()
    forms = []
    for form_id, version, sha256, source_text in rows:
        form = _FORM_CACHE.get(sha256)
        if form is None:
            form = load_form_text(source_text, f"{form_id} v{version}")
            _FORM_CACHE[sha256] = form
        forms.append(form)
    return forms


def indicators_of(forms: Iterable[FormDefinition]) -> list[Indicator]:
    """The integer fields of ``forms`` in form order, keyed by code (``form:code`` if shared)."""
    pairs = [(f, fld) for f in forms for fld in f.fields if fld.type is FieldType.INTEGER]
    seen: dict[str, int] = defaultdict(int)
    for _, fld in pairs:
        seen[fld.code] += 1
    return [
        Indicator(
            fld.code if seen[fld.code] == 1 else f"{f.id}:{fld.code}", f.id, fld.code, fld.label
        )
        for f, fld in pairs
    ]


def _facilities(session: Session, forms: list[FormDefinition]) -> list[Facility]:
    by_level: dict[str, list[str]] = defaultdict(list)
    for f in forms:
        by_level[f.org_unit_level].append(f.id)
    if not by_level:
        return []
    rows = session.execute(
        select(OrgUnit.code, OrgUnit.name, OrgUnit.level, OrgUnit.path)
        .where(OrgUnit.level.in_(list(by_level)))
        .order_by(OrgUnit.name, OrgUnit.code)
    ).all()
    return [Facility(c, n, lv, p, tuple(by_level[lv])) for c, n, lv, p in rows]


def _regions(session: Session, level: str) -> dict[str, str]:
    rows = session.execute(select(OrgUnit.code, OrgUnit.name).where(OrgUnit.level == level)).all()
    return {code: name for code, name in rows}


def _region_of(path: str, regions: dict[str, str]) -> str | None:
    return next((seg for seg in path.split("/") if seg in regions), None)


def _complete(session: Session, day: date) -> set[tuple[str, str]]:
    rows = session.execute(
        select(DayStatus.org_unit, DayStatus.form_id).where(
            DayStatus.period == day, DayStatus.complete.is_(True)
        )
    ).all()
    return {(ou, f) for ou, f in rows}


def daily_figures(session: Session, day: date, level: str) -> DailyFigures:
    """Per region at ``level`` (with at least one facility): facilities, reports, sums."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    forms = published_forms(session)
    indicators = indicators_of(forms)
    regions = _regions(session, level)
    figures: dict[str, RegionFigures] = {}
    facility_region: dict[str, str] = {}
    for fac in _facilities(session, forms):
        code = _region_of(fac.path, regions)
        if code is None:
            continue
        region = figures.get(code)
        if region is None:
            region = figures[code] = RegionFigures(code, regions[code])
            region.reported = {f.id: 0 for f in forms}
        region.facilities += 1
        facility_region[fac.code] = code
    for ou, form_id in _complete(session, day):
        code = facility_region.get(ou)
        if code is not None and form_id in figures[code].reported:
            figures[code].reported[form_id] += 1
    for region in figures.values():
        for ind in indicators:
            region.sums[ind.key] = 0 if region.reported.get(ind.form_id) else None
    key_of = {(ind.form_id, ind.code): ind.key for ind in indicators}
    if key_of:
        rows = session.execute(
            select(Cell.org_unit, Cell.form_id, Cell.indicator, Cell.value)
            .join(
                DayStatus,
                and_(
                    DayStatus.org_unit == Cell.org_unit,
                    DayStatus.form_id == Cell.form_id,
                    DayStatus.period == Cell.period,
                ),
            )
            .where(
                Cell.period == day,
                DayStatus.complete.is_(True),
                Cell.indicator.in_(sorted({ind.code for ind in indicators})),
                Cell.value.is_not(None),
            )
        )
        for ou, form_id, indicator, value in rows:
            key = key_of.get((form_id, indicator))
            code = facility_region.get(ou)
            if key is None or code is None:
                continue
            try:
                number = int(value)
            except ValueError:
                continue  # stored under an older version where the field was not an integer
            total = figures[code].sums[key]
            figures[code].sums[key] = number if total is None else total + number
    ordered = sorted(figures.values(), key=lambda r: r.code)
    published = [PublicForm(f.id, f.version, f.title, f.org_unit_level) for f in forms]
    return DailyFigures(day, level, published, indicators, ordered)


def completeness(session: Session, day: date) -> Completeness:
    """For every kecamatan with facilities: how many reported every expected form on ``day``."""
    forms = published_forms(session)
    titles = {f.id: f.title for f in forms}
    kecamatan = _regions(session, "kecamatan")
    kabupaten = _regions(session, "kabupaten")
    done = _complete(session, day)
    rows: dict[str, KecamatanStatus] = {}
    kab_of: dict[str, str] = {}
    for fac in _facilities(session, forms):
        kec = _region_of(fac.path, kecamatan)
        if kec is None:
            continue
        status = rows.get(kec)
        if status is None:
            status = rows[kec] = KecamatanStatus(kec, kecamatan[kec], 0, 0, [])
            kab_of[kec] = _region_of(fac.path, kabupaten) or ""
        status.facilities += 1
        missing = [titles[f] for f in fac.forms if (fac.code, f) not in done]
        if missing:
            status.missing.append((fac.name, missing))
        else:
            status.reported += 1
    grouped: dict[tuple[str, str], list[KecamatanStatus]] = {}
    for kec in sorted(rows, key=lambda c: (kab_of[c], kecamatan[c])):
        kab = kab_of[kec]
        grouped.setdefault((kab, kabupaten.get(kab, "")), []).append(rows[kec])
    published = [PublicForm(f.id, f.version, f.title, f.org_unit_level) for f in forms]
    return Completeness(day, published, grouped)


def latest_day(session: Session, not_after: date) -> date | None:
    """The newest day (up to ``not_after``) with at least one complete report."""
    found = session.execute(
        select(func.max(DayStatus.period)).where(
            DayStatus.complete.is_(True), DayStatus.period <= not_after
        )
    ).scalar_one_or_none()
    return found


def province(session: Session) -> tuple[str, str] | None:
    """(code, name) of the province when the server holds exactly one; else None."""
    rows = session.execute(
        select(OrgUnit.code, OrgUnit.name).where(OrgUnit.level == "provinsi").limit(2)
    ).all()
    return (rows[0][0], rows[0][1]) if len(rows) == 1 else None


def local_zone(province_code: str | None) -> tzinfo:
    """The province's time zone (WIB when unknown or when the server holds several)."""
    return _PROVINCE_ZONE.get(province_code or "", WIB)


def local_today(zone: tzinfo, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(zone).date()
