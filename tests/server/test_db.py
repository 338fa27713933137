"""The server schema on both engines: migrations equal the models, append-only tables, the
revision counter, UTC times and the engine settings."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import DBAPIError, StatementError

from server import db
from server.models import AdminAudit, Base, OrgUnit, User
from tests.server.conftest import LiveServer
from tests.support.pgcluster import PgCluster

NOW = datetime(2026, 11, 22, 5, 30, tzinfo=UTC)


@pytest.fixture
def engine(db_url: str) -> Engine:
    engine = db.make_engine(db_url)
    yield engine  # type: ignore[misc]
    engine.dispose()


def test_upgrade_from_empty_matches_the_models(empty_db_url: str) -> None:
    db.migrate(empty_db_url)
    engine = db.make_engine(empty_db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
        assert db.current_revision(engine) == db.HEAD_REVISION
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
    finally:
        engine.dispose()


def test_migrating_twice_is_a_no_op(db_url: str) -> None:
    db.migrate(db_url)
    engine = db.make_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT last FROM revision_counter")).scalar_one() == 0
    finally:
        engine.dispose()


def test_head_revision_constant_is_alembics_head() -> None:
    assert ScriptDirectory(str(db.MIGRATIONS_DIR)).get_current_head() == db.HEAD_REVISION


def test_a_compare_that_can_fail(empty_db_url: str) -> None:
    # Guard: compare_metadata does notice a missing table, so the test above can fail.
    db.migrate(empty_db_url)
    engine = db.make_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE login_failures"))
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert any(d[0] == "add_table" and d[1].name == "login_failures" for d in diff)
    finally:
        engine.dispose()


def _seed(engine: Engine) -> None:
    with db.session_scope(db.session_factory(engine)) as s:
        s.add(OrgUnit(code="64", name="Kalimantan Timur", level="provinsi", path="/64/"))
        s.add(AdminAudit(at=NOW, actor="cli", action="test", detail="{}"))


@pytest.mark.parametrize("table", ["admin_audit", "cell_versions"])
def test_append_only_tables_refuse_update_and_delete(engine: Engine, table: str) -> None:
    _seed(engine)
    with engine.begin() as conn:
        if table == "cell_versions":
            conn.execute(
                text(
                    "INSERT INTO users (id, username, name, role, password_hash, active, "
                    "created_at) VALUES (1, 'ani', 'Ani', 'admin_provinsi', 'x', :t, :at)"
                ),
                {"t": True, "at": NOW.replace(tzinfo=None)},
            )
            conn.execute(
                text("INSERT INTO form_versions VALUES ('f', 1, 'h', 'text', :at, 'cli')"),
                {"at": NOW.replace(tzinfo=None)},
            )
            conn.execute(
                text(
                    "INSERT INTO cell_versions (rev, org_unit, form_id, form_version, period, "
                    "indicator, value, user_id, device_id, client_at, server_at, "
                    "submission_id) VALUES (1, '64', 'f', 1, :p, 'x', '3', 1, 'd', :at, :at, "
                    "'s')"
                ),
                {"p": date(2026, 11, 20), "at": NOW.replace(tzinfo=None)},
            )
    column = "value" if table == "cell_versions" else "actor"
    for statement in (f"UPDATE {table} SET {column} = 'changed'", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 1
    if engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table} CASCADE"))


def test_other_tables_can_be_updated(engine: Engine) -> None:
    # The guard is specific: an ordinary table still takes updates.
    _seed(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE org_units SET name = 'Kaltim'"))
        assert conn.execute(text("SELECT name FROM org_units")).scalar_one() == "Kaltim"


def test_allocate_revisions_gives_consecutive_blocks(engine: Engine) -> None:
    factory = db.session_factory(engine)
    with db.session_scope(factory) as s:
        assert db.allocate_revisions(s, 3) == 1
        assert db.allocate_revisions(s, 1) == 4
    with db.session_scope(factory) as s:
        assert db.allocate_revisions(s, 10) == 5
    with pytest.raises(RuntimeError), db.session_scope(factory) as s:
        db.allocate_revisions(s, 5)
        raise RuntimeError("rolled back")
    with db.session_scope(factory) as s:
        # A rolled-back block is handed out again: no gap in the feed.
        assert db.allocate_revisions(s, 1) == 15
        with pytest.raises(ValueError):
            db.allocate_revisions(s, 0)


def test_concurrent_allocations_never_overlap(engine: Engine) -> None:
    factory = db.session_factory(engine)
    blocks: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                with db.session_scope(factory) as s:
                    first = db.allocate_revisions(s, 3)
                    blocks.append((first, first + 2))
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    revs = sorted(r for a, b in blocks for r in range(a, b + 1))
    assert revs == list(range(1, 121))


def test_times_are_stored_in_utc_and_read_back_aware(engine: Engine) -> None:
    wita = timezone(timedelta(hours=8))
    factory = db.session_factory(engine)
    with db.session_scope(factory) as s:
        s.add(
            User(
                username="ani",
                name="Ani",
                role="petugas_puskesmas",
                password_hash="x",
                active=True,
                created_at=datetime(2026, 11, 22, 13, 30, tzinfo=wita),
            )
        )
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT created_at FROM users")).scalar_one()
    assert str(raw).startswith("2026-11-22 05:30:00")
    with factory() as s:
        user = s.scalars(select(User)).one()
        assert user.created_at == NOW and user.created_at.tzinfo is UTC
    with pytest.raises(StatementError, match="naive"), db.session_scope(factory) as s:
        s.add(
            User(
                username="budi",
                name="Budi",
                role="petugas_puskesmas",
                password_hash="x",
                active=True,
                created_at=datetime(2026, 11, 22),
            )
        )


def test_constraints_hold(engine: Engine) -> None:
    factory = db.session_factory(engine)
    with pytest.raises(DBAPIError), db.session_scope(factory) as s:
        s.add(OrgUnit(code="X", name="x", level="negara", path="/X/"))
    with pytest.raises(DBAPIError), db.session_scope(factory) as s:
        # foreign keys are on (SQLite needs the pragma)
        s.add(OrgUnit(code="64.08", name="x", level="kabupaten", parent_code="99", path="/"))


def test_sqlite_engine_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = db.make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert db.normalize_url(url) == expected


@pytest.mark.parametrize(
    "url", ["mysql://u@h/db", "postgresql+psycopg2://u@h/db", "sqlite://", "nonsense"]
)
def test_unusable_urls_get_a_message(url: str) -> None:
    with pytest.raises(db.DatabaseUrlError):
        db.normalize_url(url)


def test_default_url_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(db.DB_ENV, "postgresql://kabar@db/kabar")
    assert db.default_url() == "postgresql://kabar@db/kabar"
    monkeypatch.delenv(db.DB_ENV)
    assert db.default_url().startswith("sqlite:///")
    assert db.default_url().endswith("kabar-server.db")


def _cell_foreign_keys(engine: Engine) -> dict[str, int]:
    found = inspect(engine)
    return {t: len(found.get_foreign_keys(t)) for t in ("cells", "cell_versions")}


def test_migration_0002_drops_the_cell_foreign_keys_and_keeps_the_rows(
    empty_db_url: str,
) -> None:
    from alembic import command

    db.migrate(empty_db_url, "0001")
    engine = db.make_engine(empty_db_url)
    try:
        assert _cell_foreign_keys(engine) == {"cells": 2, "cell_versions": 3}
        _seed(engine)
        at = NOW.replace(tzinfo=None)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, username, name, role, password_hash, active, "
                    "created_at) VALUES (1, 'ani', 'Ani', 'admin_provinsi', 'x', :t, :at)"
                ),
                {"t": True, "at": at},
            )
            conn.execute(
                text("INSERT INTO form_versions VALUES ('f', 1, 'h', 'text', :at, 'cli')"),
                {"at": at},
            )
            conn.execute(
                text(
                    "INSERT INTO cell_versions (rev, org_unit, form_id, form_version, period, "
                    "indicator, value, user_id, device_id, client_at, server_at, "
                    "submission_id) VALUES (1, '64', 'f', 1, :p, 'x', '3', 1, 'd', :at, :at, "
                    "'s')"
                ),
                {"p": date(2026, 11, 20), "at": at},
            )
        db.migrate(empty_db_url, "0002")
        assert db.current_revision(engine) == "0002"
        assert _cell_foreign_keys(engine) == {"cells": 0, "cell_versions": 0}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT value FROM cell_versions")).scalar_one() == "3"
        # the append-only guard survived (SQLite's batch mode rebuilt the table)
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("DELETE FROM cell_versions"))
        with engine.begin() as conn:
            command.downgrade(db.alembic_config(conn), "0001")
        assert _cell_foreign_keys(engine) == {"cells": 2, "cell_versions": 3}
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("UPDATE cell_versions SET value = '4'"))
    finally:
        engine.dispose()


def test_a_database_connection_dropped_under_the_server_is_one_503_then_served(
    pg_cluster: PgCluster,
    _seeded_pg: str,
    live_server_factory: Callable[..., LiveServer],
) -> None:
    """Pooled connections are not pinged before use: when PostgreSQL drops them (a restart, a
    failover) the next request is a 503 the client retries, never a 500, and the one after it
    is served on a fresh connection."""
    from tests.server.test_auth import assert_error, get, login

    url = pg_cluster.create_database("dropped", template=_seeded_pg)
    server = live_server_factory(url)
    token = login(server).json()["token"]
    assert get(server, "/api/v1/metadata", token).status_code == 200
    pg_cluster.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = 'dropped' AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + 10
    while _backends(pg_cluster, "dropped") and time.monotonic() < deadline:
        time.sleep(0.05)
    first = get(server, "/api/v1/metadata", token)
    assert_error(first, 503, "server_unavailable")
    assert first.headers["Retry-After"] == "5"
    assert get(server, "/api/v1/metadata", token).status_code == 200


def _backends(cluster: PgCluster, dbname: str) -> int:
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=cluster.port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (dbname,)
        ).fetchone()
    assert row is not None
    return int(row[0])
