"""The SQL the Store runs, in one place (plain SQL: see models.py for why not SQLAlchemy here)."""

from __future__ import annotations

GET_SETTING = "SELECT value FROM settings WHERE key = ?"
SET_SETTING = (
    "INSERT INTO settings (key, value) VALUES (?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
DELETE_SETTING = "DELETE FROM settings WHERE key = ?"

UPSERT_ORG_UNIT = """
    INSERT INTO org_units (code, name, level, parent_code, type) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (code) DO UPDATE SET
        name = excluded.name, level = excluded.level,
        parent_code = excluded.parent_code, type = excluded.type
"""
ORG_UNITS = "SELECT code, name, level, parent_code, type FROM org_units ORDER BY code"
ORG_UNIT = "SELECT code, name, level, parent_code, type FROM org_units WHERE code = ?"
ORG_UNIT_EXISTS = "SELECT 1 FROM org_units WHERE code = ?"

#: the fingerprint of a form version already recorded with exactly this text
RECORDED_FORM_SHA = """
    SELECT sha256 FROM form_versions WHERE form_id = ? AND version = ? AND source_text = ?
"""

FORM_RECORDED = """
    SELECT 1 FROM form_versions WHERE form_id = ? AND version = ? AND sha256 = ?
"""

REGISTER_FORM = """
    INSERT INTO form_versions (form_id, version, sha256, source_text, registered_at)
    VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (form_id, version, sha256) DO NOTHING
"""

DAY_CELLS = """
    SELECT indicator, value, status, updated_at, sync_state FROM cells
    WHERE org_unit = ? AND form_id = ? AND period = ?
"""
DAY_VALUES = "SELECT indicator, value FROM cells WHERE org_unit = ? AND form_id = ? AND period = ?"
DAY_STATUS = "SELECT status FROM day_status WHERE org_unit = ? AND form_id = ? AND period = ?"

INSERT_SUBMISSION = """
    INSERT INTO submissions
        (uuid, org_unit, form_id, form_version, period, author, device, created_at, complete)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
UPSERT_DAY_STATUS = """
    INSERT INTO day_status
        (org_unit, form_id, period, status, completed_by, completed_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (org_unit, form_id, period) DO UPDATE SET
        status = excluded.status, completed_by = excluded.completed_by,
        completed_at = excluded.completed_at, updated_at = excluded.updated_at
"""
# sync_state goes back to 'local': an edit of a sent value has to be sent again.
UPSERT_CELL = """
    INSERT INTO cells
        (org_unit, form_id, period, indicator, value, status, sync_state, base_rev, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, 'local', NULL, ?)
    ON CONFLICT (org_unit, form_id, period, indicator) DO UPDATE SET
        value = excluded.value, status = excluded.status, sync_state = 'local',
        updated_at = excluded.updated_at
"""
SET_CELLS_STATUS = """
    UPDATE cells SET status = ? WHERE org_unit = ? AND form_id = ? AND period = ?
"""
INSERT_AUDIT = """
    INSERT INTO audit (org_unit, form_id, period, indicator, old, new, author, device, at,
                       submission_uuid, action)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
INSERT_OUTBOX = "INSERT INTO outbox (submission_uuid, created_at, state) VALUES (?, ?, 'pending')"
OUTBOX_PENDING = "SELECT count(*) FROM outbox WHERE state = 'pending'"

# Every day with cells has a day_status row (trigger cells_day_status, migration 0002), so the
# calendar reads one small table.
DAY_STATUSES = """
    SELECT period, status FROM day_status
    WHERE org_unit = ? AND form_id IN ({marks}) AND period BETWEEN ? AND ?
"""
RANGE_VALUES = """
    SELECT period, indicator, value FROM cells
    WHERE org_unit = ? AND form_id = ? AND period BETWEEN ? AND ?
"""
SERIES = """
    SELECT period, value FROM cells
    WHERE org_unit = ? AND form_id = ? AND indicator = ? AND period BETWEEN ? AND ?
"""
CELL_HISTORY = """
    SELECT at, author, device, old, new, action, submission_uuid FROM audit
    WHERE org_unit = ? AND form_id = ? AND period = ? AND indicator = ?
    ORDER BY id
"""
DAY_HISTORY = """
    SELECT at, author, device, old, new, action, submission_uuid, indicator FROM audit
    WHERE org_unit = ? AND form_id = ? AND period = ?
    ORDER BY id
"""
FORM_CELLS = """
    SELECT c.period, c.indicator, c.value, c.updated_at, d.status
    FROM cells AS c
    LEFT JOIN day_status AS d
        ON d.org_unit = c.org_unit AND d.form_id = c.form_id AND d.period = c.period
    WHERE c.org_unit = ? AND c.form_id = ?
"""
FORM_DAYS = """
    SELECT period, status FROM day_status WHERE org_unit = ? AND form_id = ? ORDER BY period
"""
#: a cell's sync state, base revision and the conflict it settles (sync: both directions)
SET_CELL_SYNC = """
    UPDATE cells SET sync_state = ?, base_rev = ?, settles = ?
    WHERE org_unit = ? AND form_id = ? AND period = ? AND indicator = ?
"""
