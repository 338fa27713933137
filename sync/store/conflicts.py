"""Local conflicts, set-aside values, the day sync states and the status-bar summary; and a
person's settlement of a conflict (a normal save whose push carries ``[value, rev, k]``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from datetime import date

from forms.model import Field, Text, Value

from .errors import store_error
from .rows import (
    DITOLAK,
    KONFLIK,
    MENUNGGU,
    TERKIRIM,
    LocalConflict,
    SetAside,
    SyncSummary,
)
from .values import decode, parse_utc
from .wire import FieldsOf

LAST_OK_KEY = "sync.last_ok_at"
LAST_PROBLEM_ID_KEY = "sync.last_problem_id"
LAST_PROBLEM_EN_KEY = "sync.last_problem_en"
CLOCK_SKEW_KEY = "sync.clock_skew_s"

_CONFLICT_COLUMNS = """
    c.id, c.server_id, c.org_unit, c.form_id, c.period, c.indicator, cell.value, c.theirs,
    c.theirs_rev, c.theirs_by, c.theirs_at, c.found_at
"""
_OPEN = f"""
    SELECT {_CONFLICT_COLUMNS} FROM local_conflicts AS c
    LEFT JOIN cells AS cell ON cell.org_unit = c.org_unit AND cell.form_id = c.form_id
        AND cell.period = c.period AND cell.indicator = c.indicator
    WHERE c.state = 'open' {{unit}}
    ORDER BY c.id
"""
_ONE = f"""
    SELECT {_CONFLICT_COLUMNS} FROM local_conflicts AS c
    LEFT JOIN cells AS cell ON cell.org_unit = c.org_unit AND cell.form_id = c.form_id
        AND cell.period = c.period AND cell.indicator = c.indicator
    WHERE c.id = ? AND c.state = 'open'
"""
_SET_ASIDE = """
    SELECT id, org_unit, form_id, period, indicator, value, reason, message_id, message_en, at
    FROM set_aside WHERE dismissed_at IS NULL {unit}
    ORDER BY id DESC
"""
_DAY_STATES = """
    SELECT period, max(CASE sync_state WHEN 'rejected' THEN 4 WHEN 'conflict' THEN 3
                                       WHEN 'local' THEN 2 WHEN 'pending' THEN 2 ELSE 1 END)
    FROM cells WHERE org_unit = ? {form} AND period BETWEEN ? AND ?
    GROUP BY period
"""
_CONFLICT_DAYS = """
    SELECT DISTINCT period FROM local_conflicts
    WHERE state = 'open' AND org_unit = ? {form} AND period BETWEEN ? AND ?
"""
_UNSENT_DAYS = """
    SELECT count(*) FROM (SELECT DISTINCT org_unit, form_id, period FROM cells
                          WHERE sync_state IN ('local', 'pending'))
"""
_STATE_NAMES = {4: DITOLAK, 3: KONFLIK, 2: MENUNGGU, 1: TERKIRIM}


def _decode(field: Field | None, text: str | None) -> Value:
    if field is None or text is None:
        return text
    try:
        return decode(field, text)
    except (TypeError, ValueError):
        return text


def _conflict(row: tuple[object, ...], fields_of: FieldsOf) -> LocalConflict:
    (cid, server_id, ou, form_id, period, indicator, mine, theirs, rev, by, at, found) = row
    assert isinstance(form_id, str) and isinstance(indicator, str)
    field = fields_of(form_id).get(indicator)
    return LocalConflict(
        id=int(str(cid)),
        server_id=None if server_id is None else int(str(server_id)),
        org_unit=str(ou),
        form_id=form_id,
        period=date.fromisoformat(str(period)),
        indicator=indicator,
        mine=_decode(field, mine if isinstance(mine, str) else None),
        theirs=_decode(field, theirs if isinstance(theirs, str) else None),
        theirs_rev=int(str(rev)),
        theirs_by=by if isinstance(by, str) else None,
        theirs_at=parse_utc(at) if isinstance(at, str) else None,
        found_at=parse_utc(str(found)),
    )


def open_conflicts(
    conn: sqlite3.Connection, org_unit: str | None, fields_of: FieldsOf
) -> list[LocalConflict]:
    if org_unit is None:
        rows = conn.execute(_OPEN.format(unit="")).fetchall()
    else:
        rows = conn.execute(_OPEN.format(unit="AND c.org_unit = ?"), (org_unit,)).fetchall()
    return [_conflict(r, fields_of) for r in rows]


def find_open(conn: sqlite3.Connection, conflict_id: int, fields_of: FieldsOf) -> LocalConflict:
    row = conn.execute(_ONE, (conflict_id,)).fetchone()
    if row is None:
        raise store_error(
            "Konflik ini sudah diselesaikan atau tidak ada lagi. Muat ulang daftar konflik.",
            "This conflict is already settled or no longer exists. Reload the conflict list.",
        )
    return _conflict(row, fields_of)


def settle(
    conn: sqlite3.Connection,
    conflict: LocalConflict,
    text: str | None,
    *,
    author: str,
    device: str,
    now: str,
    form_version: int,
) -> tuple[str, bool, str]:
    """Write the person's choice; returns (submission uuid, value changed, day status)."""
    key = (conflict.org_unit, conflict.form_id, conflict.period.isoformat(), conflict.indicator)
    day = key[:3]
    row = conn.execute(
        "SELECT value FROM cells WHERE org_unit = ? AND form_id = ? AND period = ? "
        "AND indicator = ?",
        key,
    ).fetchone()
    old = row[0] if row is not None else None
    status_row = conn.execute(
        "SELECT status FROM day_status WHERE org_unit = ? AND form_id = ? AND period = ?", day
    ).fetchone()
    status = status_row[0] if status_row is not None else "draft"
    import uuid  # not at module level: it imports platform (start-up time)

    submission = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO submissions (uuid, org_unit, form_id, form_version, period, author, device,"
        " created_at, complete) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (submission, *day[:2], form_version, day[2], author, device, now, status == "complete"),
    )
    # The settlement is based on the server value the person saw (theirs_rev) and names the
    # server's conflict, so the push closes it; the day keeps its status (no reopen).
    conn.execute(
        "INSERT INTO cells (org_unit, form_id, period, indicator, value, status, sync_state,"
        " base_rev, updated_at, settles) VALUES (?, ?, ?, ?, ?, ?, 'local', ?, ?, ?)"
        " ON CONFLICT (org_unit, form_id, period, indicator) DO UPDATE SET"
        " value = excluded.value, sync_state = 'local', base_rev = excluded.base_rev,"
        " settles = excluded.settles, updated_at = excluded.updated_at",
        (*key, text, status, conflict.theirs_rev, now, conflict.server_id),
    )
    # The audit row is written even when "keep mine" leaves the value as it was: the history
    # then shows who decided.
    conn.execute(
        "INSERT INTO audit (org_unit, form_id, period, indicator, old, new, author, device, at,"
        " submission_uuid, action) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'edit')",
        (*key, old, text, author, device, now, submission),
    )
    conn.execute(
        "INSERT INTO outbox (submission_uuid, created_at, state) VALUES (?, ?, 'pending')",
        (submission, now),
    )
    conn.execute(
        "UPDATE local_conflicts SET state = 'settled', settled_by = ?, settled_at = ? WHERE id = ?",
        (author, now, conflict.id),
    )
    return submission, old != text, status


def set_aside(
    conn: sqlite3.Connection, org_unit: str | None, fields_of: FieldsOf
) -> list[SetAside]:
    if org_unit is None:
        rows = conn.execute(_SET_ASIDE.format(unit="")).fetchall()
    else:
        rows = conn.execute(_SET_ASIDE.format(unit="AND org_unit = ?"), (org_unit,)).fetchall()
    out = []
    for sid, ou, form_id, period, indicator, value, reason, mid, men, at in rows:
        field = fields_of(form_id).get(indicator) if indicator is not None else None
        out.append(
            SetAside(
                id=int(sid),
                org_unit=ou,
                form_id=form_id,
                period=date.fromisoformat(period),
                indicator=indicator,
                value=_decode(field, value),
                reason=reason,
                message=Text(mid, men),
                at=parse_utc(at),
            )
        )
    return out


def dismiss(conn: sqlite3.Connection, ids: Iterable[int], now: str) -> int:
    count = 0
    for sid in ids:
        count += conn.execute(
            "UPDATE set_aside SET dismissed_at = ? WHERE id = ? AND dismissed_at IS NULL",
            (now, int(sid)),
        ).rowcount
    return count


def day_states(
    conn: sqlite3.Connection, org_unit: str, form_id: str | None, start: str, end: str
) -> dict[date, str]:
    form, params = "", [org_unit, start, end]
    if form_id is not None:
        form, params = "AND form_id = ?", [org_unit, form_id, start, end]
    worst: dict[str, int] = dict(conn.execute(_DAY_STATES.format(form=form), params).fetchall())
    for (period,) in conn.execute(_CONFLICT_DAYS.format(form=form), params).fetchall():
        worst[period] = max(worst.get(period, 0), 3)
    return {date.fromisoformat(p): _STATE_NAMES[w] for p, w in sorted(worst.items())}


def summary(conn: sqlite3.Connection, setting: Callable[[str], str | None]) -> SyncSummary:
    unsent = int(conn.execute(_UNSENT_DAYS).fetchone()[0])
    conflicts = int(
        conn.execute("SELECT count(*) FROM local_conflicts WHERE state = 'open'").fetchone()[0]
    )
    aside = int(
        conn.execute("SELECT count(*) FROM set_aside WHERE dismissed_at IS NULL").fetchone()[0]
    )
    last_ok = setting(LAST_OK_KEY)
    problem_id, problem_en = setting(LAST_PROBLEM_ID_KEY), setting(LAST_PROBLEM_EN_KEY)
    skew = setting(CLOCK_SKEW_KEY)
    return SyncSummary(
        unsent=unsent,
        conflicts=conflicts,
        set_aside=aside,
        last_sync_at=parse_utc(last_ok) if last_ok else None,
        last_problem=Text(problem_id, problem_en or problem_id) if problem_id else None,
        clock_skew_s=float(skew) if skew else None,
    )
