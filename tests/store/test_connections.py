"""Every connection, from any thread and from SQLAlchemy too, runs with the durable pragmas."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from sync.store import Store
from sync.store.engine import make_engine

EXPECTED = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 5000}


def pragmas_of(conn: object) -> dict[str, object]:
    return {
        name: conn.execute(f"PRAGMA {name}").fetchone()[0]  # type: ignore[attr-defined]
        for name in EXPECTED
    }


def test_pragmas_on_every_pooled_connection_in_every_thread(store: Store) -> None:
    seen: list[dict[str, object]] = []
    ready = threading.Barrier(4)

    def read_in_thread() -> None:
        # Four readers at once force four different connections out of the pool.
        with store._pool.read() as conn:
            ready.wait(timeout=10)
            seen.append(pragmas_of(conn))

    threads = [threading.Thread(target=read_in_thread) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(seen) == 4
    assert all(found == EXPECTED for found in seen)
    with store._pool.write() as conn:
        assert pragmas_of(conn) == EXPECTED


def test_pragmas_on_sqlalchemy_connections(store: Store) -> None:
    engine = make_engine(store.path)
    try:
        for _ in range(2):
            with engine.connect() as conn:
                found = {
                    name: conn.execute(text(f"PRAGMA {name}")).scalar_one() for name in EXPECTED
                }
                assert found == EXPECTED
    finally:
        engine.dispose()


def test_sqlalchemy_transactions_are_sqlite_transactions(tmp_path: Path) -> None:
    """pysqlite's legacy mode would autocommit DDL; our BEGIN hook makes it roll back."""
    engine = make_engine(tmp_path / "t.db")
    try:
        with engine.connect() as conn:
            trans = conn.begin()
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
            trans.rollback()
        with engine.connect() as conn:
            tables = conn.execute(text("SELECT name FROM sqlite_master")).fetchall()
        assert tables == []
    finally:
        engine.dispose()


def test_a_write_takes_the_write_lock_at_begin(store: Store) -> None:
    """BEGIN IMMEDIATE: a second writer (another process) waits instead of failing mid-save."""
    with store._pool.write() as conn:
        assert conn.in_transaction
        other = sqlite3.connect(str(store.path), timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
    other = sqlite3.connect(str(store.path), timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # free again once the write committed
        other.execute("ROLLBACK")
    finally:
        other.close()
