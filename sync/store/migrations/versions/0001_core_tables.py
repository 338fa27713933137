"""Core tables: org units, form versions, cells, day status, submissions, audit, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org_units",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("parent_code", sa.String(64), nullable=True),
        sa.Column("type", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("code", name="pk_org_units"),
    )
    op.create_index("ix_org_units_parent_code", "org_units", ["parent_code"])

    op.create_table(
        "form_versions",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_form_versions"),
        sa.UniqueConstraint(
            "form_id", "version", "sha256", name="uq_form_versions_form_id_version_sha256"
        ),
    )

    op.create_table(
        "cells",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("org_unit", sa.String(64), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("indicator", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sync_state", sa.String(16), nullable=False),
        sa.Column("base_rev", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cells"),
        sa.UniqueConstraint(
            "org_unit",
            "form_id",
            "period",
            "indicator",
            name="uq_cells_org_unit_form_id_period_indicator",
        ),
        sa.CheckConstraint("status IN ('draft', 'complete')", name="ck_cells_status"),
        sa.CheckConstraint(
            "sync_state IN ('local', 'pending', 'sent', 'conflict', 'rejected')",
            name="ck_cells_sync_state",
        ),
        sa.ForeignKeyConstraint(
            ["org_unit"], ["org_units.code"], name="fk_cells_org_unit_org_units"
        ),
    )

    op.create_table(
        "day_status",
        sa.Column("org_unit", sa.String(64), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("completed_by", sa.String(200), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("org_unit", "form_id", "period", name="pk_day_status"),
        sa.CheckConstraint("status IN ('draft', 'complete')", name="ck_day_status_status"),
        sa.ForeignKeyConstraint(
            ["org_unit"], ["org_units.code"], name="fk_day_status_org_unit_org_units"
        ),
    )

    op.create_table(
        "submissions",
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("org_unit", sa.String(64), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("device", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name="pk_submissions"),
        sa.ForeignKeyConstraint(
            ["org_unit"], ["org_units.code"], name="fk_submissions_org_unit_org_units"
        ),
    )

    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("org_unit", sa.String(64), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("indicator", sa.String(64), nullable=True),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("device", sa.String(36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("submission_uuid", sa.String(36), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit"),
        sa.CheckConstraint("action IN ('edit', 'complete', 'reopen')", name="ck_audit_action"),
        sa.ForeignKeyConstraint(
            ["submission_uuid"],
            ["submissions.uuid"],
            name="fk_audit_submission_uuid_submissions",
        ),
    )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("submission_uuid", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("submission_uuid", name="uq_outbox_submission_uuid"),
        sa.CheckConstraint("state IN ('pending', 'sent', 'rejected')", name="ck_outbox_state"),
        sa.ForeignKeyConstraint(
            ["submission_uuid"],
            ["submissions.uuid"],
            name="fk_outbox_submission_uuid_submissions",
        ),
    )


def downgrade() -> None:
    for table in (
        "outbox",
        "audit",
        "submissions",
        "day_status",
        "cells",
        "form_versions",
    ):
        op.drop_table(table)
    op.drop_index("ix_org_units_parent_code", table_name="org_units")
    op.drop_table("org_units")
