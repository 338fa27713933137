"""Sync engine: frozen push items, local conflicts, set-aside values; cells remember the
conflict they settle (and are indexed by sync state), outbox rows the push item that carries
them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cells", sa.Column("settles", sa.Integer(), nullable=True))
    op.create_index("ix_cells_sync_state", "cells", ["sync_state"])
    op.add_column("outbox", sa.Column("push_uuid", sa.String(36), nullable=True))
    op.create_index("ix_outbox_push_uuid", "outbox", ["push_uuid"])

    op.create_table(
        "push_items",
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("org_unit", sa.String(64), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("frozen", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("message_id", sa.Text(), nullable=True),
        sa.Column("message_en", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("uuid", name="pk_push_items"),
        sa.UniqueConstraint("seq", name="uq_push_items_seq"),
        sa.CheckConstraint("state IN ('inflight', 'done', 'held')", name="ck_push_items_state"),
    )
    op.create_index("ix_push_items_state_seq", "push_items", ["state", "seq"])
    op.create_index(
        "ix_push_items_org_unit_form_id_period", "push_items", ["org_unit", "form_id", "period"]
    )

    op.create_table(
        "local_conflicts",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("server_id", sa.Integer(), nullable=True),
        sa.Column("org_unit", sa.String(64), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("indicator", sa.String(64), nullable=False),
        sa.Column("theirs", sa.Text(), nullable=True),
        sa.Column("theirs_rev", sa.Integer(), nullable=False),
        sa.Column("theirs_by", sa.String(200), nullable=True),
        sa.Column("theirs_at", sa.DateTime(), nullable=True),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("settled_by", sa.String(200), nullable=True),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_local_conflicts"),
        sa.CheckConstraint(
            "state IN ('open', 'settled', 'closed')", name="ck_local_conflicts_state"
        ),
    )
    op.create_index(
        "ix_local_conflicts_org_unit_form_id_period_indicator",
        "local_conflicts",
        ["org_unit", "form_id", "period", "indicator"],
    )
    op.create_index("ix_local_conflicts_state", "local_conflicts", ["state"])

    op.create_table(
        "set_aside",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("org_unit", sa.String(64), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("indicator", sa.String(64), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("push_uuid", sa.String(36), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_set_aside"),
    )
    op.create_index(
        "ix_set_aside_org_unit_form_id_period", "set_aside", ["org_unit", "form_id", "period"]
    )


def downgrade() -> None:
    op.drop_index("ix_set_aside_org_unit_form_id_period", table_name="set_aside")
    op.drop_table("set_aside")
    op.drop_index("ix_local_conflicts_state", table_name="local_conflicts")
    op.drop_index(
        "ix_local_conflicts_org_unit_form_id_period_indicator", table_name="local_conflicts"
    )
    op.drop_table("local_conflicts")
    op.drop_index("ix_push_items_org_unit_form_id_period", table_name="push_items")
    op.drop_index("ix_push_items_state_seq", table_name="push_items")
    op.drop_table("push_items")
    op.drop_index("ix_outbox_push_uuid", table_name="outbox")
    # SQLite >= 3.35 drops a column in place; a batch copy would lose the cells trigger (0002).
    op.execute("ALTER TABLE outbox DROP COLUMN push_uuid")
    op.drop_index("ix_cells_sync_state", table_name="cells")
    op.execute("ALTER TABLE cells DROP COLUMN settles")
