"""Backups of ``kabar.db`` (SQLite online backup API), integrity checks, and the ways out of a
damaged file: restore the newest healthy backup, or set the damaged file aside."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sync.integrity import DB_NAME

from .errors import StoreDamagedError

BACKUP_DIR = "backups"
#: backups kept; older ones are deleted after each new backup
KEEP_BACKUPS = 10
#: a backup is taken on open when the newest one is older than this
BACKUP_INTERVAL = timedelta(days=1)

_BACKUP_NAME = re.compile(r"^kabar-(\d{8}T\d{6}Z)-rev([A-Za-z0-9_]+)(?:-(\d+))?\.db$")
_STAMP = "%Y%m%dT%H%M%SZ"


def db_path(data_dir: Path) -> Path:
    return data_dir / DB_NAME


def backups_dir(data_dir: Path) -> Path:
    return data_dir / BACKUP_DIR


def _parsed(path: Path) -> tuple[datetime, int] | None:
    match = _BACKUP_NAME.match(path.name)
    if match is None:
        return None
    taken = datetime.fromisoformat(match.group(1)).replace(tzinfo=UTC)  # basic ISO 8601
    return taken, int(match.group(3) or 1)


def list_backups(data_dir: Path) -> list[Path]:
    """Backup files, newest first."""
    folder = backups_dir(data_dir)
    if not folder.is_dir():
        return []
    found = [(key, p) for p in folder.iterdir() if (key := _parsed(p)) is not None]
    return [p for _, p in sorted(found, key=lambda item: item[0], reverse=True)]


def backup_due(data_dir: Path, now: datetime) -> bool:
    backups = list_backups(data_dir)
    if not backups:
        return True
    parsed = _parsed(backups[0])
    assert parsed is not None
    # abs(): an old laptop's clock may jump backwards; then take a fresh backup too.
    return abs(now - parsed[0]) >= BACKUP_INTERVAL


def make_backup(
    source: sqlite3.Connection,
    data_dir: Path,
    revision: str | None,
    now: datetime,
    keep: int = KEEP_BACKUPS,
) -> Path:
    """Copy the open database into ``backups/kabar-<UTC stamp>-rev<revision>.db``.

    Written under a temporary name and renamed, so a power cut never leaves a half backup that
    looks whole; the copy is a single self-contained file (rollback journal, not WAL).
    """
    folder = backups_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"kabar-{now.astimezone(UTC).strftime(_STAMP)}-rev{revision or 'none'}"
    target = folder / f"{stem}.db"
    counter = 2
    while target.exists():
        target = folder / f"{stem}-{counter}.db"
        counter += 1
    partial = target.with_name(target.name + ".part")
    dest = sqlite3.connect(str(partial), isolation_level=None)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE").fetchall()
    finally:
        dest.close()
    _fsync(partial)
    os.replace(partial, target)
    prune_backups(data_dir, keep)
    return target


def prune_backups(data_dir: Path, keep: int = KEEP_BACKUPS) -> None:
    for old in list_backups(data_dir)[keep:]:
        old.unlink(missing_ok=True)


def quick_check(path: Path) -> str | None:
    """None when SQLite's quick_check passes, else what it found."""
    try:
        conn = sqlite3.connect(str(path), isolation_level=None)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    found = [str(row[0]) for row in rows]
    return None if found == ["ok"] else "; ".join(found[:5])


def set_aside_damaged(data_dir: Path, now: datetime | None = None) -> Path:
    """Move ``kabar.db`` (and its -wal/-shm) to ``kabar.db.damaged-<UTC stamp>``; never deletes.

    After this the app can start with an empty database. Returns the new path of the main file.
    """
    main = db_path(data_dir)
    sides = [main.with_name(main.name + suffix) for suffix in ("-wal", "-shm")]
    if not main.exists() and not any(side.exists() for side in sides):
        raise FileNotFoundError(main)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime(_STAMP)
    aside = main.with_name(f"{DB_NAME}.damaged-{stamp}")
    counter = 2
    while aside.exists():
        aside = main.with_name(f"{DB_NAME}.damaged-{stamp}-{counter}")
        counter += 1
    # Side files first: a -wal left next to a fresh kabar.db would be replayed into it.
    for side in sides:
        if side.exists():
            os.replace(side, aside.with_name(aside.name + side.name[len(main.name) :]))
    if main.exists():
        os.replace(main, aside)
    return aside


def restore_latest_backup(data_dir: Path) -> Path:
    """Put the newest healthy backup in place of ``kabar.db`` and return that backup's path.

    The current file, if any, is set aside first (see ``set_aside_damaged``). Raises
    StoreDamagedError when no usable backup exists.
    """
    main = db_path(data_dir)
    backups = list_backups(data_dir)
    chosen = next((b for b in backups if quick_check(b) is None), None)
    if chosen is None:
        detail = "backups exist but none passes quick_check" if backups else "no backup"
        raise StoreDamagedError(main, [], detail)
    if any(main.with_name(main.name + s).exists() for s in ("", "-wal", "-shm")):
        set_aside_damaged(data_dir)
    partial = main.with_name(main.name + ".restoring")
    shutil.copyfile(chosen, partial)
    _forget_pull_cursor(partial)
    _fsync(partial)
    os.replace(partial, main)
    return chosen


def _forget_pull_cursor(path: Path) -> None:
    """The backup misses what this device sent after it was taken, and later pulls leave this
    device's own cells out: the restored file's next pull must take everything again."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        has_settings = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings'"
        ).fetchone()
        if has_settings is not None:
            conn.execute(
                "DELETE FROM settings WHERE key IN ('sync.cursor', 'sync.metadata_digest')"
            )
    finally:
        conn.close()


def _fsync(path: Path) -> None:
    # O_RDWR: Windows refuses to flush a read-only descriptor.
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
