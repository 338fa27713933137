"""Engines, sessions, migrations and the revision counter, for PostgreSQL and SQLite alike.

``make_engine(url)`` sets each engine up for the server; ``migrate(url)`` runs the Alembic
migrations in ``server/migrations`` (the same ones on both engines) from code.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: the newest migration; a test keeps it equal to Alembic's head
HEAD_REVISION = "0003"
#: the environment variable that may name the database (``--db`` wins)
DB_ENV = "KABAR_DB"
SQLITE_BUSY_TIMEOUT_S = 30.0
#: a connection with this execution option begins a plain (deferred) SQLite transaction
READONLY_OPTION = "kabar_readonly"


class DatabaseUrlError(ValueError):
    """The database URL is not one the server can use; the message says why."""


def default_url() -> str:
    """``KABAR_DB`` if set, else the embedded SQLite file in the user's data folder."""
    from_env = os.environ.get(DB_ENV, "").strip()
    if from_env:
        return from_env
    import platformdirs

    folder = Path(platformdirs.user_data_dir("kabar-server", appauthor=False))
    return f"sqlite:///{folder / 'kabar-server.db'}"


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` as psycopg 3; refuse other engines."""
    try:
        parsed = make_url(url)
    except Exception as e:  # sqlalchemy.exc.ArgumentError and friends
        raise DatabaseUrlError(f"not a database URL: {url!r} ({e})") from None
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        else:
            raise DatabaseUrlError(
                f"PostgreSQL is used through psycopg 3: write postgresql://…, not "
                f"{parsed.drivername}://…"
            )
    elif backend == "sqlite":
        if parsed.drivername not in ("sqlite", "sqlite+pysqlite"):
            raise DatabaseUrlError(f"unsupported SQLite driver {parsed.drivername!r}")
        if not parsed.database or parsed.database == ":memory:":
            raise DatabaseUrlError("SQLite needs a file: sqlite:////path/to/kabar-server.db")
    else:
        raise DatabaseUrlError(
            f"unsupported database {backend!r}: use postgresql://… or sqlite:///…"
        )
    return parsed.render_as_string(hide_password=False)


def is_sqlite(engine_or_url: Engine | str) -> bool:
    if isinstance(engine_or_url, Engine):
        return engine_or_url.dialect.name == "sqlite"
    return make_url(engine_or_url).get_backend_name() == "sqlite"


#: pooled PostgreSQL connections are replaced after this long (firewalls drop idle ones)
POOL_RECYCLE_S = 1800


def make_engine(url: str, *, pool_size: int = 5, max_overflow: int = 10) -> Engine:
    """An engine for ``url`` set up for the server.

    SQLite: WAL, synchronous=FULL, foreign keys, a busy timeout, and real transactions (the
    driver in autocommit, BEGIN emitted on SQLAlchemy's ``begin`` event, as the SQLAlchemy
    docs advise). Transactions begin IMMEDIATE (they take the write lock up front): a deferred
    transaction that reads and then writes fails at once with SQLITE_BUSY when another writer
    committed meanwhile, which the busy timeout cannot cure. Read-only work may pass the
    execution option ``kabar_readonly=True`` (see ``session_factory``) to begin deferred.

    PostgreSQL: psycopg 3 with a connection pool whose connections are recycled every
    ``POOL_RECYCLE_S``.
    """
    url = normalize_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        assert database is not None
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, record: ConnectionPoolEntry) -> None:
            dbapi_conn.isolation_level = None
            for pragma in (
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = FULL",
                "PRAGMA foreign_keys = ON",
                f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}",
            ):
                dbapi_conn.execute(pragma).fetchall()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            options: dict[str, Any] = dict(conn.get_execution_options())
            conn.exec_driver_sql("BEGIN" if options.get(READONLY_OPTION) else "BEGIN IMMEDIATE")

        return engine
    # No pre-ping: it is a round trip on every checkout. A connection the database dropped
    # fails its request once (503, see server.errors), and SQLAlchemy then empties the pool.
    return create_engine(
        url, pool_size=pool_size, max_overflow=max_overflow, pool_recycle=POOL_RECYCLE_S
    )


def single_statement_engine(engine: Engine) -> Engine:
    """``engine`` for work that is one statement: PostgreSQL runs it in autocommit (no BEGIN
    and COMMIT round trips around it); SQLite keeps ``engine``'s own transactions."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


def readonly_engine(engine: Engine) -> Engine:
    """``engine`` whose transactions begin deferred on SQLite (readers beside a writer)."""
    return engine.execution_options(**{READONLY_OPTION: True})


def session_factory(engine: Engine, *, readonly: bool = False) -> sessionmaker[Session]:
    """Sessions on ``engine``; ``readonly=True`` lets SQLite readers run beside a writer."""
    if readonly:
        engine = readonly_engine(engine)
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose transaction commits on success and rolls back on any exception."""
    with factory() as session, session.begin():
        yield session


def allocate_revisions(session: Session, n: int) -> int:
    """Take ``n`` consecutive revisions and return the first; call just before commit.

    The counter row stays locked until the transaction ends, so revisions become visible in
    increasing order (the protocol's "gap-free feed").
    """
    if n < 1:
        raise ValueError(f"allocate_revisions needs n >= 1, got {n}")
    last = session.execute(
        text("UPDATE revision_counter SET last = last + :n WHERE id = 1 RETURNING last"),
        {"n": n},
    ).scalar_one()
    return int(last) - n + 1


def migrate(url: str, revision: str = "head") -> None:
    """Create or upgrade the database at ``url`` to ``revision``, in one transaction."""
    from alembic import command

    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), revision)
    finally:
        engine.dispose()


def alembic_config(connection: Connection) -> Any:
    """Built in code (no alembic.ini) with an absolute script location and a given connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def current_revision(engine: Engine) -> str | None:
    """The database's migration revision; None when it has never been migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
