"""Alembic environment for the server database; run from code via ``server.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from server.models import Base

config = context.config


def run(connection: Connection) -> None:
    # render_as_batch: SQLite can alter little in place; batch mode copies the table instead.
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Kabar runs its migrations online only (server.db.migrate).")

given = config.attributes.get("connection")
if given is None:
    raise SystemExit("Kabar runs its migrations from code only (server.db.migrate).")
run(given)
