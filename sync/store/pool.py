"""A small pool of SQLite connections shared by threads.

Each call checks out its own connection, so reads run concurrently from any thread (WAL), while
writes are serialized by one lock and take SQLite's write lock up front (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .checkpoint import FALLBACK_AUTOCHECKPOINT_PAGES, Checkpointer
from .connection import connect


class ConnectionPool:
    """Connections shared between threads, one per call; writes serialized within the process."""

    def __init__(self, path: Path, max_idle: int = 4) -> None:
        self.path = path
        self._max_idle = max_idle
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._closed = False
        self._autocheckpoint = f"PRAGMA wal_autocheckpoint = {FALLBACK_AUTOCHECKPOINT_PAGES}"
        self.checkpointer = Checkpointer(path)

    def _checkout(self) -> sqlite3.Connection:
        with self._lock:
            if self._closed:
                raise RuntimeError(f"the store at {self.path} is closed")
            if self._idle:
                return self._idle.pop()
        return self._own(connect(self.path))

    def _own(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        # Checkpoints are the Checkpointer's job, off the saving thread.
        conn.execute(self._autocheckpoint).fetchall()
        return conn

    def adopt(self, conn: sqlite3.Connection) -> None:
        """Take an already open connection (the one start-up used) into the pool."""
        self._checkin(self._own(conn))

    def _checkin(self, conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            # Only after a failed COMMIT/ROLLBACK: never reuse a connection in an unknown state.
            conn.close()
            return
        with self._lock:
            if not self._closed and len(self._idle) < self._max_idle:
                self._idle.append(conn)
                return
        conn.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every SELECT inside sees the same snapshot."""
        conn = self._checkout()
        try:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
        finally:
            self._checkin(conn)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed if the block ends normally, else rolled back whole."""
        with self._write_lock:
            conn = self._checkout()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    # SQLite may already have rolled back by itself (disk full, I/O error).
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            finally:
                self._checkin(conn)
        self.checkpointer.wrote()

    def close(self) -> None:
        self.checkpointer.close()
        with self._write_lock, self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
