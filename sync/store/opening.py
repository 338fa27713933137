"""Start-up of the replica: integrity check, backup before migrating (or once a day), upgrade.

``PRAGMA quick_check`` reads the whole file (~45 ms for a year of data on the development
machine). It runs on every start (``ALWAYS_QUICK_CHECK``); the desktop app runs it on a thread
with ``sync.integrity.quick_check_ok`` while Qt is still being imported, and passes
``checked=True`` so it is not repeated here. With ``ALWAYS_QUICK_CHECK = False`` it would run
only when there is a reason to doubt the file: the last session did not close cleanly (its -wal
is still there), a damaged page was met while running (marker file), a backup is about to be
taken (once a day), or a migration is due.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from sync.integrity import DB_NAME

from .backup import backup_due, db_path, list_backups, make_backup
from .connection import connect
from .errors import StoreDamagedError, is_damage, store_error, translate_sqlite_error
from .migrate import HEAD_REVISION, KNOWN_REVISIONS, current_revision, has_user_tables, upgrade

ALWAYS_QUICK_CHECK = True
DB_WAL = DB_NAME + "-wal"
#: created when a damaged page is met while running; the next start then checks the whole file
CHECK_MARKER = "kabar.db.needs-check"


def request_check(data_dir: Path) -> None:
    """Make the next start-up run the full integrity check."""
    (data_dir / CHECK_MARKER).touch()


def prepare(data_dir: Path, now: datetime, *, checked: bool = False) -> sqlite3.Connection:
    """Make ``kabar.db`` in ``data_dir`` healthy and at HEAD_REVISION; return a connection to it.

    Raises StoreDamagedError when the file is not a healthy Kabar database, StoreError for the
    other problems a person can fix (folder not writable, file from a newer Kabar, locked).
    ``checked``: the caller ran ``sync.integrity.quick_check_ok`` on this file just before and it
    passed, so the check is not run twice.
    """
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise store_error(
            f"Folder data Kabar tidak dapat dibuat ({data_dir}): {exc.strerror}. Pilih folder "
            "lain dengan --data-dir atau periksa izin folder.",
            f"The Kabar data folder cannot be created ({data_dir}): {exc.strerror}. Choose "
            "another folder with --data-dir or check the folder's permissions.",
        ) from exc
    path = db_path(data_dir)
    existed = path.exists()
    marker = data_dir / CHECK_MARKER
    doubtful = ALWAYS_QUICK_CHECK or marker.exists() or path.with_name(DB_WAL).exists()
    if existed and path.stat().st_size == 0 and list_backups(data_dir):
        # SQLite would take an empty file for a new database; with backups around, a file that
        # held data was cut short (power cut while the disk cache was being written).
        raise StoreDamagedError(path, list_backups(data_dir), "file is empty")
    try:
        conn = connect(path)
    except sqlite3.Error as exc:
        _raise_open_error(exc, path, data_dir)
    try:
        revision = _checked_revision(conn, path, data_dir)
        due = backup_due(data_dir, now)
        if existed and not checked and (doubtful or due or revision != HEAD_REVISION):
            problem = _quick_check(conn)
            if problem is not None:
                raise StoreDamagedError(path, list_backups(data_dir), problem)
            marker.unlink(missing_ok=True)
        if revision != HEAD_REVISION:
            if revision is not None:
                make_backup(conn, data_dir, revision, now)
            conn.close()
            upgrade(path)
            conn = connect(path)
        elif due:
            make_backup(conn, data_dir, revision, now)
    except sqlite3.Error as exc:
        conn.close()
        _raise_open_error(exc, path, data_dir)
    except BaseException:
        conn.close()
        raise
    return conn


def _quick_check(conn: sqlite3.Connection) -> str | None:
    found = [str(row[0]) for row in conn.execute("PRAGMA quick_check").fetchall()]
    return None if found == ["ok"] else "; ".join(found[:5])


def _checked_revision(conn: sqlite3.Connection, path: Path, data_dir: Path) -> str | None:
    revision = current_revision(conn)
    if revision is None and has_user_tables(conn):
        raise StoreDamagedError(path, list_backups(data_dir), "tables without a schema revision")
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise store_error(
            f"Data di {path} dibuat oleh Kabar versi yang lebih baru (skema {revision}). Pasang "
            "Kabar versi terbaru; data tidak diubah.",
            f"The data in {path} was written by a newer Kabar (schema {revision}). Install the "
            "latest Kabar; the data was left untouched.",
        )
    return revision


def _raise_open_error(exc: sqlite3.Error, path: Path, data_dir: Path) -> NoReturn:
    if is_damage(exc):
        raise StoreDamagedError(path, list_backups(data_dir), str(exc)) from exc
    known = translate_sqlite_error(exc, path)
    if known is None:
        raise exc
    raise known from exc
