"""cells and cell_versions lose their foreign keys: the ingest checks them itself.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Every row of ``cells`` and ``cell_versions`` is written by ``server.ingest`` in the transaction
that has just read the org unit's path, the caller's account and the published form version
(rows the server never deletes: org units are re-imported by code, accounts deactivated, form
versions kept). The database's per-row checks of the same facts cost PostgreSQL about 1.6 ms of
a 43-cell push. The append-only triggers on ``cell_versions`` stay (SQLite's batch mode copies
the table, so they are created again there).
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: table -> (constraint name, local columns, referred table, referred columns)
FOREIGN_KEYS: dict[str, tuple[tuple[str, list[str], str, list[str]], ...]] = {
    "cells": (
        ("fk_cells_org_unit_org_units", ["org_unit"], "org_units", ["code"]),
        ("fk_cells_user_id_users", ["user_id"], "users", ["id"]),
    ),
    "cell_versions": (
        (
            "fk_cell_versions_form_id_form_versions",
            ["form_id", "form_version"],
            "form_versions",
            ["form_id", "version"],
        ),
        ("fk_cell_versions_org_unit_org_units", ["org_unit"], "org_units", ["code"]),
        ("fk_cell_versions_user_id_users", ["user_id"], "users", ["id"]),
    ),
}


def _sqlite() -> bool:
    return bool(op.get_bind().dialect.name == "sqlite")


def _sqlite_append_only_guard() -> None:
    # As in 0001: batch mode on SQLite dropped the table and its triggers with it.
    for verb, past in (("UPDATE", "changed"), ("DELETE", "deleted")):
        op.execute(
            f"CREATE TRIGGER cell_versions_no_{verb.lower()} BEFORE {verb} ON cell_versions "
            f"BEGIN SELECT RAISE(ABORT, 'cell_versions is append-only: rows cannot be "
            f"{past}'); END"
        )


def upgrade() -> None:
    for table, keys in FOREIGN_KEYS.items():
        with op.batch_alter_table(table) as batch:
            for name, *_ in keys:
                batch.drop_constraint(name, type_="foreignkey")
    if _sqlite():
        _sqlite_append_only_guard()


def downgrade() -> None:
    for table, keys in FOREIGN_KEYS.items():
        with op.batch_alter_table(table) as batch:
            for name, local, referred, remote in keys:
                batch.create_foreign_key(name, referred, local, remote)
    if _sqlite():
        _sqlite_append_only_guard()
