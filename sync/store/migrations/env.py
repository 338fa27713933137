"""Alembic environment for the local replica; run from code via ``sync.store.migrate``."""

from __future__ import annotations

from pathlib import Path

from alembic import context
from sqlalchemy.engine import Connection

from sync.store.engine import make_engine

config = context.config


def run(connection: Connection) -> None:
    # render_as_batch: SQLite can alter little in place; batch mode copies the table instead.
    # The models matter only to a developer autogenerating a revision; an upgrade never reads
    # them (tests/store/test_migrations.py compares them with the revisions). The bundle leaves
    # out SQLAlchemy's ORM, which they are written in (build_spec/bundle_rules.py): there the
    # import fails and the upgrade runs without them.
    try:
        from sync.store.models import Base
    except ImportError:
        metadata = None
    else:
        metadata = Base.metadata
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Kabar runs its migrations online only (sync.store.migrate.upgrade).")

given = config.attributes.get("connection")
if given is not None:
    run(given)
else:
    engine = make_engine(Path(config.attributes["kabar_db_path"]))
    try:
        with engine.begin() as connection:
            run(connection)
    finally:
        engine.dispose()
