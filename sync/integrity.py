"""SQLite's quick integrity check with nothing but ``sqlite3``: cheap to import, so the app can
start it on a thread before anything heavy is imported (SQLite runs it without the GIL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

#: the replica's file name inside the data folder
DB_NAME = "kabar.db"


def quick_check_ok(path: Path) -> bool:
    """True when ``path`` is an existing SQLite file whose ``PRAGMA quick_check`` says ok.

    False means "not shown to be healthy" (missing, unreadable, damaged): the caller then runs
    its own full opening path, which finds and explains the problem.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(path, timeout=5)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return [str(r[0]) for r in rows] == ["ok"]
