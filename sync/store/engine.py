"""A SQLAlchemy engine on ``kabar.db`` with the same pragmas and real transactions (migrations,
tests and tools; the running app uses ``connection.py``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.pool import ConnectionPoolEntry

from .connection import BUSY_TIMEOUT_MS, PRAGMAS


def make_engine(path: Path) -> Engine:
    """Engine whose every connection has WAL, synchronous=FULL, foreign keys and a busy timeout.

    pysqlite's legacy transaction control (Python 3.11) emits no BEGIN before SELECT or DDL, so
    SQLAlchemy's transaction would not be one SQLite transaction. As the SQLAlchemy 2.1 docs
    advise (dialects/sqlite "Enabling Non-Legacy SQLite Transactional Modes"), the driver is put
    in autocommit mode and BEGIN is emitted on SQLAlchemy's ``begin`` event instead; a connection
    with execution option ``kabar_write=True`` begins IMMEDIATE (takes the write lock up front).
    """
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, record: ConnectionPoolEntry) -> None:
        dbapi_conn.isolation_level = None
        for pragma in PRAGMAS:
            dbapi_conn.execute(pragma).fetchall()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options: dict[str, Any] = dict(conn.get_execution_options())
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("kabar_write") else "BEGIN")

    return engine
