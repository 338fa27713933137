"""Public figures ("satu pintu"), no login: daily sums as JSON and CSV, and one HTML page.

``router`` serves ``/public/v1/daily.json``, ``/public/v1/daily.csv`` and ``/public/``. Read-only,
cacheable for a minute; bad query parameters get 400 in the protocol's error shape.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from server.context import ServerContext, get_context, read_session
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

#: answers are reused (here and by browsers and proxies) for this long: spares the database
CACHE_SECONDS = 60
#: only this form: ``date.fromisoformat`` also takes week dates and compact forms
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


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
        if not _ISO_DAY.fullmatch(raw):
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


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)


class RecentAnswers:
    """Answers made in the last ``CACHE_SECONDS``, per database and query, in this process.

    The page is public: at national scale one answer reads ~450,000 cells (1.5 s), so a crowd
    must not make the database recompute it for every visitor.
    """

    def __init__(self, max_entries: int = 64) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[tuple[str, ...], tuple[float, Answer]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...], make: Callable[[], Answer]) -> Response:
        now = time.monotonic()
        with self._lock:
            found = self._items.get(key)
        if found is not None and now - found[0] < CACHE_SECONDS:
            answer = found[1]
        else:
            answer = make()  # outside the lock: a slow answer never blocks the others
            with self._lock:
                self._items[key] = (now, answer)
                self._items.move_to_end(key)
                while len(self._items) > self.max_entries:
                    self._items.popitem(last=False)
        # A new Response each time: middleware (gzip) edits a response's headers in place.
        headers = {"Cache-Control": f"public, max-age={CACHE_SECONDS}", **answer.headers}
        return Response(answer.body, media_type=answer.media_type, headers=headers)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


RECENT = RecentAnswers()

LevelParam = Annotated[str | None, Query(description="kabupaten (default) or kecamatan")]
DateParam = Annotated[
    str | None, Query(alias="date", description="YYYY-MM-DD; default: the latest reported day")
]
ReadSession = Annotated[Session, Depends(read_session)]
Context = Annotated[ServerContext, Depends(get_context)]


@router.get("/public/v1/daily.json")
def daily_json(
    session: ReadSession, context: Context, level: LevelParam = None, day: DateParam = None
) -> Response:
    """Daily sums per region of the integer indicators, from complete reports only."""

    def make() -> Answer:
        figures = daily_figures(session, _day(session, day), _level(level))
        body = json.dumps(figures_json(figures), ensure_ascii=False, separators=(",", ":"))
        return Answer(body.encode("utf-8"), "application/json")

    return RECENT.get((str(context.engine.url), "json", level or "", day or ""), make)


@router.get("/public/v1/daily.csv")
def daily_csv(
    session: ReadSession, context: Context, level: LevelParam = None, day: DateParam = None
) -> Response:
    """The same figures as ``daily.json``, one row per region (UTF-8 CSV)."""

    def make() -> Answer:
        lvl = _level(level)
        figures = daily_figures(session, _day(session, day), lvl)
        filename = f"kabar-harian-{lvl}-{figures.day.isoformat()}.csv"
        headers = {"Content-Disposition": f'inline; filename="{filename}"'}
        return Answer(figures_csv(figures).encode("utf-8"), "text/csv; charset=utf-8", headers)

    return RECENT.get((str(context.engine.url), "csv", level or "", day or ""), make)


@router.get("/public/", response_class=HTMLResponse)
def page(session: ReadSession, context: Context) -> Response:
    """The phone-friendly page: the latest figures per kabupaten and who has reported today."""

    def make() -> Answer:
        found = province(session)
        zone = local_zone(found[0] if found else None)
        now = datetime.now(UTC)
        today = local_today(zone, now)
        latest = latest_day(session, today)
        figures = daily_figures(session, latest, "kabupaten") if latest else None
        place = f"Provinsi {found[1]}" if found else "Semua wilayah"
        html = render_page(place, figures, completeness(session, today), now, zone)
        return Answer(html.encode("utf-8"), "text/html; charset=utf-8")

    return RECENT.get((str(context.engine.url), "page"), make)
