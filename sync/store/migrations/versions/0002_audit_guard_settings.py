"""Append-only audit (triggers), day status kept for every cell, lookup indexes, settings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

The audit is the local record of who changed what; no code path may rewrite it, so SQLite
itself refuses UPDATE and DELETE. The cells trigger makes "a day with cells has a status row"
hold for every writer (the future sync engine too), which lets day_statuses read one table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TRIGGERS = {
    "audit_no_update": """
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit is append-only: rows cannot be changed'); END
    """,
    "audit_no_delete": """
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit is append-only: rows cannot be deleted'); END
    """,
    "cells_day_status": """
        CREATE TRIGGER cells_day_status AFTER INSERT ON cells
        BEGIN
            INSERT OR IGNORE INTO day_status (org_unit, form_id, period, status, updated_at)
            VALUES (NEW.org_unit, NEW.form_id, NEW.period, NEW.status, NEW.updated_at);
        END
    """,
}


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )
    op.create_index(
        "ix_submissions_org_unit_form_id_period",
        "submissions",
        ["org_unit", "form_id", "period"],
    )
    op.create_index(
        "ix_audit_org_unit_form_id_period_indicator",
        "audit",
        ["org_unit", "form_id", "period", "indicator"],
    )
    op.create_index("ix_audit_submission_uuid", "audit", ["submission_uuid"])
    op.create_index("ix_outbox_state", "outbox", ["state"])
    # Days saved before this revision get their status row now, as the trigger would have made.
    op.execute(
        """
        INSERT OR IGNORE INTO day_status (org_unit, form_id, period, status, updated_at)
        SELECT org_unit, form_id, period, MAX(status), MAX(updated_at)
        FROM cells GROUP BY org_unit, form_id, period
        """
    )
    for sql in TRIGGERS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_outbox_state", table_name="outbox")
    op.drop_index("ix_audit_submission_uuid", table_name="audit")
    op.drop_index("ix_audit_org_unit_form_id_period_indicator", table_name="audit")
    op.drop_index("ix_submissions_org_unit_form_id_period", table_name="submissions")
    op.drop_table("settings")
