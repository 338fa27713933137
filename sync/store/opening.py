"""Start-up of the replica: integrity check, backup before migrating (or once a day), upgrade."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from .backup import backup_due, db_path, list_backups, make_backup
from .connection import connect
from .errors import StoreDamagedError, is_damage, store_error, translate_sqlite_error
from .migrate import HEAD_REVISION, KNOWN_REVISIONS, current_revision, has_user_tables, upgrade


def prepare(data_dir: Path, now: datetime) -> sqlite3.Connection:
    """Make ``kabar.db`` in ``data_dir`` healthy and at HEAD_REVISION; return a connection to it.

    Raises StoreDamagedError when the file is not a healthy Kabar database, StoreError for the
    other problems a person can fix (folder not writable, file from a newer Kabar, locked).
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
    if existed and path.stat().st_size == 0 and list_backups(data_dir):
        # SQLite would take an empty file for a new database; with backups around, a file that
        # held data was cut short (power cut while the disk cache was being written).
        raise StoreDamagedError(path, list_backups(data_dir), "file is empty")
    try:
        conn = connect(path)
    except sqlite3.Error as exc:
        _raise_open_error(exc, path, data_dir)
    try:
        revision = _checked_revision(conn, path, data_dir, existed)
        if revision != HEAD_REVISION:
            if revision is not None:
                make_backup(conn, data_dir, revision, now)
            conn.close()
            upgrade(path)
            conn = connect(path)
        elif backup_due(data_dir, now):
            make_backup(conn, data_dir, revision, now)
    except sqlite3.Error as exc:
        conn.close()
        _raise_open_error(exc, path, data_dir)
    except BaseException:
        conn.close()
        raise
    return conn


def _checked_revision(
    conn: sqlite3.Connection, path: Path, data_dir: Path, existed: bool
) -> str | None:
    if existed:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        found = [str(row[0]) for row in rows]
        if found != ["ok"]:
            raise StoreDamagedError(path, list_backups(data_dir), "; ".join(found[:5]))
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
