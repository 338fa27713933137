"""The incoming half of sync inside the store: applying a pulled page (others' changes) per
``sync.merge.apply_pulled``. Runs inside the caller's write transaction, cursor included."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from typing import Any

from sync.merge import PullAction, apply_pulled
from sync.protocol import ProtocolError, PullGroup, PullPage, parse_time

from . import queries as q
from .rows import PullOutcome
from .values import format_utc
from .wire import FieldsOf, wire_to_text

CURSOR_KEY = "sync.cursor"
#: the device name written in the local audit for values that came from the server
SERVER_DEVICE = "server"

_ENSURE_UNIT = """
    INSERT INTO org_units (code, name, level, parent_code, type)
    VALUES (?, ?, 'unknown', NULL, NULL)
    ON CONFLICT (code) DO NOTHING
"""
_CELL = """
    SELECT value, sync_state, settles FROM cells
    WHERE org_unit = ? AND form_id = ? AND period = ? AND indicator = ?
"""
_DAY_STATUS = "SELECT status FROM day_status WHERE org_unit = ? AND form_id = ? AND period = ?"
_INSERT_CELL = """
    INSERT INTO cells (org_unit, form_id, period, indicator, value, status, sync_state, base_rev,
                       updated_at)
    VALUES (?, ?, ?, ?, ?, ?, 'sent', ?, ?)
"""
_TAKE = """
    UPDATE cells SET value = ?, sync_state = 'sent', base_rev = ?, settles = NULL, updated_at = ?
    WHERE org_unit = ? AND form_id = ? AND period = ? AND indicator = ?
"""
_SET_BASE = """
    UPDATE cells SET base_rev = ?
    WHERE org_unit = ? AND form_id = ? AND period = ? AND indicator = ?
"""
_OPEN_CONFLICT = """
    SELECT id, server_id FROM local_conflicts
    WHERE state = 'open' AND org_unit = ? AND form_id = ? AND period = ? AND indicator = ?
"""
_THEIRS = """
    UPDATE local_conflicts SET theirs = ?, theirs_rev = ?, theirs_by = ?, theirs_at = ?
    WHERE id = ?
"""
_CLOSE = "UPDATE local_conflicts SET state = 'closed', settled_at = ? WHERE id = ?"
_INSERT_CONFLICT = """
    INSERT INTO local_conflicts (server_id, org_unit, form_id, period, indicator, theirs,
        theirs_rev, theirs_by, theirs_at, found_at, state)
    VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')
"""
_INSERT_SUBMISSION = """
    INSERT INTO submissions
        (uuid, org_unit, form_id, form_version, period, author, device, created_at, complete)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_INSERT_AUDIT = """
    INSERT INTO audit (org_unit, form_id, period, indicator, old, new, author, device, at,
                       submission_uuid, action)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_UNSENT_IN_DAY = """
    SELECT 1 FROM cells WHERE org_unit = ? AND form_id = ? AND period = ?
      AND sync_state IN ('local', 'pending') LIMIT 1
"""
_COMPLETE_DAY = """
    INSERT INTO day_status
        (org_unit, form_id, period, status, completed_by, completed_at, updated_at)
    VALUES (?, ?, ?, 'complete', ?, ?, ?)
    ON CONFLICT (org_unit, form_id, period) DO UPDATE SET
        status = 'complete', completed_by = excluded.completed_by,
        completed_at = excluded.completed_at, updated_at = excluded.updated_at
"""
_CELLS_COMPLETE = """
    UPDATE cells SET status = 'complete' WHERE org_unit = ? AND form_id = ? AND period = ?
"""
_SET_CURSOR = (
    "INSERT INTO settings (key, value) VALUES (?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


def cursor(conn: sqlite3.Connection) -> int | None:
    """The stored cursor; None when no pull was ever applied (a new or restored store)."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (CURSOR_KEY,)).fetchone()
    return int(row[0]) if row is not None and row[0] else None


def apply_page(
    conn: sqlite3.Connection,
    page: PullPage,
    *,
    now: str,
    fields_of: FieldsOf,
    latest_version: Callable[[str], int | None],
) -> PullOutcome:
    """Apply every group of ``page`` and store its cursor ``to`` (same transaction)."""
    taken = conflicts = 0
    for group in page.groups:
        t, c = _apply_group(conn, group, now, fields_of, latest_version)
        taken += t
        conflicts += c
    # A cursor never goes back (a page answered for an older cursor, e.g. a retried request).
    conn.execute(_SET_CURSOR, (CURSOR_KEY, str(max(page.to, cursor(conn) or 0))))
    return PullOutcome(taken=taken, new_conflicts=conflicts)


def _apply_group(
    conn: sqlite3.Connection,
    group: PullGroup,
    now: str,
    fields_of: FieldsOf,
    latest_version: Callable[[str], int | None],
) -> tuple[int, int]:
    day = (group.org_unit, group.form_id, group.period.isoformat())
    conn.execute(_ENSURE_UNIT, (group.org_unit, group.org_unit))
    fields = fields_of(group.form_id)
    author = group.by or "server"
    at = _at(group.at) or now
    status_row = conn.execute(_DAY_STATUS, day).fetchone()
    cell_status = "complete" if status_row is not None and status_row[0] == "complete" else "draft"
    audit: list[tuple[Any, ...]] = []
    taken = new_conflicts = 0
    submission = str(uuid.uuid4())
    for cell in group.cells:
        key = (*day, cell.indicator)
        pulled = wire_to_text(fields.get(cell.indicator), cell.value)
        local = conn.execute(_CELL, key).fetchone()
        if local is None:
            conn.execute(_INSERT_CELL, (*key, pulled, cell_status, cell.rev, now))
            audit.append((*key, None, pulled, "edit"))
            taken += 1
            continue
        value, state, _settles = local
        waiting = state in ("local", "pending", "conflict")
        action = apply_pulled(waiting, value, pulled)
        conflict = conn.execute(_OPEN_CONFLICT, key).fetchone()
        if action is PullAction.EQUAL:
            if state in ("sent", "rejected"):
                conn.execute(q.SET_CELL_SYNC, ("sent", cell.rev, None, *key))
            elif (
                state in ("conflict", "local") and conflict is not None and conflict[1] is not None
            ):
                # The values agree now (the conflict was settled here, or the cell was edited
                # back to the server's value), but the server's conflict stays open until a
                # push settles it: send [value, rev, k], which the server finds unchanged.
                conn.execute(q.SET_CELL_SYNC, ("local", cell.rev, conflict[1], *key))
            elif state == "conflict":
                conn.execute(q.SET_CELL_SYNC, ("sent", cell.rev, None, *key))
            elif state == "local":
                conn.execute(_SET_BASE, (cell.rev, *key))
            if conflict is not None:
                conn.execute(_CLOSE, (now, conflict[0]))
        elif action is PullAction.KEEP_LOCAL_AND_MARK_CONFLICT:
            theirs = (pulled, cell.rev, group.by, _at(group.at))
            if conflict is not None:
                conn.execute(_THEIRS, (*theirs, conflict[0]))
            else:
                conn.execute(_INSERT_CONFLICT, (*key, *theirs, now))
                new_conflicts += 1
        else:
            conn.execute(_TAKE, (pulled, cell.rev, now, *key))
            audit.append((*key, value, pulled, "edit"))
            taken += 1
            if conflict is not None:
                conn.execute(_CLOSE, (now, conflict[0]))
    old_status = status_row[0] if status_row is not None else None
    completing = (
        group.complete
        and old_status != "complete"
        and conn.execute(_UNSENT_IN_DAY, day).fetchone() is None
    )
    if completing:
        conn.execute(_COMPLETE_DAY, (*day, author, now, now))
        conn.execute(_CELLS_COMPLETE, day)
        audit.append((*day, None, old_status, "complete", "complete"))
    if audit:
        version = latest_version(group.form_id) or 0
        conn.execute(
            _INSERT_SUBMISSION,
            (submission, *day[:2], version, day[2], author, SERVER_DEVICE, now, completing),
        )
        conn.executemany(
            _INSERT_AUDIT,
            [
                (*row[:4], row[4], row[5], author, SERVER_DEVICE, at, submission, row[6])
                for row in audit
            ],
        )
    return taken, new_conflicts


def _at(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return format_utc(parse_time(text))
    except ProtocolError:
        return None
