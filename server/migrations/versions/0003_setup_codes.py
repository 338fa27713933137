"""setup_keys and setup_codes: the key that signs one-time setup codes and the codes issued.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

The signing key lives in the database so that every uvicorn worker and every host running
``kabar-server provision-code`` against it signs with one key; a code is recorded when issued
and marked when redeemed (``UPDATE … WHERE redeemed_at IS NULL``: once, even under a race).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "setup_keys",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("private_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setup_keys")),
    )
    op.create_table(
        "setup_codes",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("facility", sa.String(length=32), nullable=False),
        sa.Column("server_url", sa.String(length=255), nullable=False),
        sa.Column("cert_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("redeemed_at", sa.DateTime(), nullable=True),
        sa.Column("redeemed_address", sa.String(length=64), nullable=True),
        sa.Column("redeemed_app", sa.String(length=32), nullable=True),
        sa.Column("redeemed_device", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setup_codes")),
    )


def downgrade() -> None:
    op.drop_table("setup_codes")
    op.drop_table("setup_keys")
