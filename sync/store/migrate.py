"""Schema revisions: which one a file is at (cheap, no Alembic) and upgrading it (Alembic).

Alembic is imported only when an upgrade is really needed, so an up-to-date start-up stays fast.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

#: The newest revision in migrations/versions; a test keeps it equal to Alembic's head.
HEAD_REVISION = "0004"
#: Every revision, oldest first; a test keeps it equal to Alembic's history.
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def current_revision(conn: sqlite3.Connection) -> str | None:
    """The file's revision; None for a database without Kabar tables (new or empty file)."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if has_table is None:
        return None
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def has_user_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1"
    ).fetchone()
    return row is not None


def alembic_config(db_path: Path) -> Config:
    """Built in code (no alembic.ini at run time) with an absolute script location."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Kept out of sqlalchemy.url: ConfigParser would read a '%' in the path as interpolation.
    config.attributes["kabar_db_path"] = str(db_path)
    return config


def upgrade(db_path: Path, revision: str = "head") -> None:
    """Upgrade ``db_path`` to ``revision`` in ONE SQLite transaction (DDL included)."""
    from alembic import command

    from .engine import make_engine

    engine = make_engine(db_path)
    try:
        with engine.connect().execution_options(kabar_write=True) as conn, conn.begin():
            config = alembic_config(db_path)
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def script_revisions() -> tuple[str, ...]:
    """Alembic's own view of the history, oldest first (for tests and diagnostics)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return tuple(reversed([rev.revision for rev in script.walk_revisions()]))
