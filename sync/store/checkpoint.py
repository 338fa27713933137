"""WAL checkpoints on a background thread, so copying the log into the database file (and its
fsync) happens beside a save instead of inside one. Durability is unchanged: each commit is
still flushed to the log (synchronous=FULL) before save_day returns."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from .connection import connect

#: checkpoint after this many write transactions (one save writes ~25 pages of the log)
WRITES_PER_CHECKPOINT = 16
#: safety net on the app's own connections: if the thread ever falls behind, SQLite itself
#: checkpoints once the log reaches this many pages (~32 MB at 4 KiB pages)
FALLBACK_AUTOCHECKPOINT_PAGES = 8000


class Checkpointer:
    def __init__(self, path: Path, every: int = WRITES_PER_CHECKPOINT) -> None:
        self._path = path
        self._every = every
        self._writes = 0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        #: checkpoints run, and the last error (for tests and diagnostics)
        self.runs = 0
        self.last_error: sqlite3.Error | None = None

    def wrote(self) -> None:
        """Called after each committed write transaction."""
        with self._lock:
            self._writes += 1
            if self._writes < self._every or self._stopping:
                return
            self._writes = 0
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="kabar-wal-checkpoint", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stopping:
                    return
                try:
                    if conn is None:
                        conn = connect(self._path)
                    # PASSIVE: never waits for, nor blocks, readers and writers.
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.runs += 1
                except sqlite3.Error as exc:
                    # Not fatal: the next checkpoint (or SQLite's fallback) catches up.
                    self.last_error = exc
        finally:
            if conn is not None:
                conn.close()

    def close(self) -> None:
        with self._lock:
            self._stopping = True
            thread = self._thread
        self._wake.set()
        if thread is not None:
            thread.join()
