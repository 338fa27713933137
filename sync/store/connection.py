"""SQLite connections for the running app, with the pragmas every connection needs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

BUSY_TIMEOUT_MS = 5000

#: Run on every new connection. journal_mode is stored in the file, the rest is per connection.
PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
)


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode: transactions are begun explicitly (BEGIN/COMMIT), because
    the sqlite3 module's implicit transactions do not cover SELECTs and DDL (Python < 3.12)."""
    conn = sqlite3.connect(
        str(path),
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        for pragma in PRAGMAS:
            conn.execute(pragma).fetchall()
    except BaseException:
        conn.close()
        raise
    return conn
