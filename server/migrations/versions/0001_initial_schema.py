"""Initial schema: org units, accounts and devices, forms, cells with history, conflicts, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

The same migration runs on PostgreSQL and SQLite. cell_versions and admin_audit are
append-only: each engine's own triggers refuse UPDATE and DELETE on them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("cell_versions", "admin_audit")


def _create_append_only_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION kabar_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: rows cannot be changed or deleted',
                    TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
            END
            $$
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION kabar_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION kabar_refuse_change()"
            )
    else:
        for table in APPEND_ONLY:
            for verb, past in (("UPDATE", "changed"), ("DELETE", "deleted")):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows cannot be "
                    f"{past}'); END"
                )


def _drop_append_only_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS kabar_refuse_change()")
    else:
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def upgrade() -> None:
    op.create_table(
        "admin_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_audit")),
    )
    op.create_table(
        "form_versions",
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("form_id", "version", name=op.f("pk_form_versions")),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index(
        "ix_login_failures_address_at", "login_failures", ["address", "at"], unique=False
    )
    op.create_index(
        "ix_login_failures_username_at", "login_failures", ["username", "at"], unique=False
    )

    op.create_table(
        "org_units",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("parent_code", sa.String(length=32), nullable=True),
        sa.Column("type", sa.String(length=16), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "level IN ('provinsi', 'kabupaten', 'kecamatan', 'desa', 'puskesmas', 'rumah_sakit')",
            name=op.f("ck_org_units_level"),
        ),
        sa.CheckConstraint(
            "type IS NULL OR type IN ('puskesmas', 'rumah_sakit')", name=op.f("ck_org_units_type")
        ),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["org_units.code"], name=op.f("fk_org_units_parent_code_org_units")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_org_units")),
    )
    op.create_index("ix_org_units_parent_code", "org_units", ["parent_code"], unique=False)
    op.create_index(
        "ix_org_units_path",
        "org_units",
        ["path"],
        unique=False,
        postgresql_ops={"path": "text_pattern_ops"},
    )

    op.create_table(
        "revision_counter",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_revision_counter_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision_counter")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('petugas_puskesmas', 'petugas_kecamatan', "
            "'admin_kabupaten', 'admin_provinsi')",
            name=op.f("ck_users_role"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "cell_versions",
        sa.Column("rev", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("org_unit", sa.String(length=32), nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("client_at", sa.DateTime(), nullable=False),
        sa.Column("server_at", sa.DateTime(), nullable=False),
        sa.Column("submission_id", sa.String(length=36), nullable=False),
        sa.Column("flags", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["form_id", "form_version"],
            ["form_versions.form_id", "form_versions.version"],
            name=op.f("fk_cell_versions_form_id_form_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["org_unit"], ["org_units.code"], name=op.f("fk_cell_versions_org_unit_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_cell_versions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("rev", name=op.f("pk_cell_versions")),
    )
    op.create_index(
        "ix_cell_versions_cell",
        "cell_versions",
        ["org_unit", "form_id", "period", "indicator"],
        unique=False,
    )

    op.create_table(
        "cells",
        sa.Column("org_unit", sa.String(length=32), nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("rev", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("client_at", sa.DateTime(), nullable=False),
        sa.Column("server_at", sa.DateTime(), nullable=False),
        sa.Column("submission_id", sa.String(length=36), nullable=False),
        sa.Column("flags", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_unit"], ["org_units.code"], name=op.f("fk_cells_org_unit_org_units")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_cells_user_id_users")),
        sa.PrimaryKeyConstraint(
            "org_unit", "form_id", "period", "indicator", name=op.f("pk_cells")
        ),
    )
    op.create_index("ix_cells_rev", "cells", ["rev"], unique=True)

    op.create_table(
        "conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_unit", sa.String(length=32), nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("server_rev", sa.BigInteger(), nullable=False),
        sa.Column("candidate_value", sa.Text(), nullable=True),
        sa.Column("candidate_user_id", sa.Integer(), nullable=False),
        sa.Column("candidate_device_id", sa.String(length=64), nullable=False),
        sa.Column("candidate_client_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("submission_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_rev", sa.BigInteger(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f("ck_conflicts_status")),
        sa.ForeignKeyConstraint(
            ["candidate_user_id"], ["users.id"], name=op.f("fk_conflicts_candidate_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_unit"], ["org_units.code"], name=op.f("fk_conflicts_org_unit_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["users.id"], name=op.f("fk_conflicts_resolved_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflicts")),
    )
    op.create_index(
        "ix_conflicts_status_org_unit", "conflicts", ["status", "org_unit"], unique=False
    )

    op.create_table(
        "day_status",
        sa.Column("org_unit", sa.String(length=32), nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("rev", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_unit"], ["org_units.code"], name=op.f("fk_day_status_org_unit_org_units")
        ),
        sa.PrimaryKeyConstraint("org_unit", "form_id", "period", name=op.f("pk_day_status")),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("device_name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.Column("app_version", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_devices_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_devices_token_hash")),
        sa.UniqueConstraint("user_id", "device_id", name=op.f("uq_devices_user_id_device_id")),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("org_unit", sa.String(length=32), nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("client_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("app_version", sa.String(length=32), nullable=True),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("receipt", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["form_id", "form_version"],
            ["form_versions.form_id", "form_versions.version"],
            name=op.f("fk_submissions_form_id_form_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["org_unit"], ["org_units.code"], name=op.f("fk_submissions_org_unit_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_submissions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
    )
    op.create_index(
        "ix_submissions_org_unit_form_id_period",
        "submissions",
        ["org_unit", "form_id", "period"],
        unique=False,
    )

    op.create_table(
        "user_org_units",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("org_unit", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_unit"], ["org_units.code"], name=op.f("fk_user_org_units_org_unit_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_org_units_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "org_unit", name=op.f("pk_user_org_units")),
    )
    op.execute("INSERT INTO revision_counter (id, last) VALUES (1, 0)")
    _create_append_only_guards()


def downgrade() -> None:
    _drop_append_only_guards()
    op.drop_table("user_org_units")
    op.drop_index("ix_submissions_org_unit_form_id_period", table_name="submissions")

    op.drop_table("submissions")
    op.drop_table("devices")
    op.drop_table("day_status")
    op.drop_index("ix_conflicts_status_org_unit", table_name="conflicts")

    op.drop_table("conflicts")
    op.drop_index("ix_cells_rev", table_name="cells")

    op.drop_table("cells")
    op.drop_index("ix_cell_versions_cell", table_name="cell_versions")

    op.drop_table("cell_versions")
    op.drop_table("users")
    op.drop_table("revision_counter")
    op.drop_index(
        "ix_org_units_path", table_name="org_units", postgresql_ops={"path": "text_pattern_ops"}
    )
    op.drop_index("ix_org_units_parent_code", table_name="org_units")

    op.drop_table("org_units")
    op.drop_index("ix_login_failures_username_at", table_name="login_failures")
    op.drop_index("ix_login_failures_address_at", table_name="login_failures")

    op.drop_table("login_failures")
    op.drop_table("form_versions")
    op.drop_table("admin_audit")
