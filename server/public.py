"""Public figures ("satu pintu"), no login: daily sums as JSON and CSV, and one HTML page.

``router`` serves ``/public/v1/daily.json``, ``/public/v1/daily.csv`` and ``/public/``. Read-only,
cacheable for a minute; bad query parameters get 400 in the protocol's error shape.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from server.context import read_session
from server.errors import ApiError
from server.public_figures import (
    LEVELS,
    DailyFigures,
    completeness,
    daily_figures,
    latest_day,
    local_today,
    local_zone,
    province,
)
from server.public_html import render_page

router = APIRouter()

#: public figures change at most with each push; a minute of caching spares the database
CACHE_HEADERS = {"Cache-Control": "public, max-age=60"}


def _level(level: str | None) -> str:
    if level is None:
        return "kabupaten"
    if level not in LEVELS:
        raise ApiError(400, "bad_request", f"level must be one of {', '.join(LEVELS)}")
    return level


def _day(session: Session, raw: str | None) -> date:
    """The asked date (YYYY-MM-DD), or the latest day with complete reports (else today)."""
    if raw is None:
        today = local_today(local_zone(_province_code(session)))
        return latest_day(session, today) or today
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "bad_request", "date must be a day as YYYY-MM-DD") from None


def _province_code(session: Session) -> str | None:
    found = province(session)
    return found[0] if found else None


def figures_json(figures: DailyFigures) -> dict[str, Any]:
    return {
        "date": figures.day.isoformat(),
        "level": figures.level,
        "complete_reports_only": True,
        "forms": [
            {"id": f.id, "version": f.version, "title": {"id": f.title.id, "en": f.title.en}}
            for f in figures.forms
        ],
        "indicators": [
            {
                "key": i.key,
                "form": i.form_id,
                "code": i.code,
                "label": {"id": i.label.id, "en": i.label.en},
            }
            for i in figures.indicators
        ],
        "regions": [
            {
                "code": r.code,
                "name": r.name,
                "facilities": r.facilities,
                "facilities_reported": r.reported,
                "sums": r.sums,
            }
            for r in figures.regions
        ],
    }


def figures_csv(figures: DailyFigures) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "date",
            "code",
            "name",
            "facilities",
            *(f"facilities_reported:{f.id}" for f in figures.forms),
            *(i.key for i in figures.indicators),
        ]
    )
    for r in figures.regions:
        writer.writerow(
            [
                figures.day.isoformat(),
                r.code,
                r.name,
                r.facilities,
                *(r.reported.get(f.id, 0) for f in figures.forms),
                *("" if r.sums[i.key] is None else r.sums[i.key] for i in figures.indicators),
            ]
        )
    return out.getvalue()


LevelParam = Annotated[str | None, Query(description="kabupaten (default) or kecamatan")]
DateParam = Annotated[
    str | None, Query(alias="date", description="YYYY-MM-DD; default: the latest reported day")
]
ReadSession = Annotated[Session, Depends(read_session)]


@router.get("/public/v1/daily.json")
def daily_json(session: ReadSession, level: LevelParam = None, day: DateParam = None) -> Response:
    """Daily sums per region of the integer indicators, from complete reports only."""
    figures = daily_figures(session, _day(session, day), _level(level))
    return JSONResponse(figures_json(figures), headers=CACHE_HEADERS)


@router.get("/public/v1/daily.csv")
def daily_csv(session: ReadSession, level: LevelParam = None, day: DateParam = None) -> Response:
    """The same figures as ``daily.json``, one row per region (UTF-8 CSV)."""
    lvl = _level(level)
    figures = daily_figures(session, _day(session, day), lvl)
    filename = f"kabar-harian-{lvl}-{figures.day.isoformat()}.csv"
    headers = {**CACHE_HEADERS, "Content-Disposition": f'inline; filename="{filename}"'}
    return Response(figures_csv(figures), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/public/", response_class=HTMLResponse)
def page(session: ReadSession) -> Response:
    """The phone-friendly page: the latest figures per kabupaten and who has reported today."""
    found = province(session)
    zone = local_zone(found[0] if found else None)
    now = datetime.now(UTC)
    today = local_today(zone, now)
    latest = latest_day(session, today)
    figures = daily_figures(session, latest, "kabupaten") if latest else None
    place = f"Provinsi {found[1]}" if found else "Semua wilayah"
    html = render_page(place, figures, completeness(session, today), now, zone)
    return HTMLResponse(html, headers=CACHE_HEADERS)
