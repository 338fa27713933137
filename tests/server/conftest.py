"""Server test fixtures: one PostgreSQL cluster per session, a fresh migrated database per test
on both engines (``db_url``), and the real server on loopback (``live_server``)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.db import migrate
from tests.support.pgcluster import PG_BIN, PgCluster

ENGINES = ["sqlite", "postgresql"]
_TEMPLATE = "kabar_template"
_counter = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL binaries not in {PG_BIN} (Debian package 'postgresql')")
    with PgCluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def pg_template(pg_cluster: PgCluster) -> str:
    """A migrated database that each test's database is copied from (CREATE … TEMPLATE)."""
    migrate(pg_cluster.create_database(_TEMPLATE))
    return _TEMPLATE


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def empty_db_url(engine_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty (never migrated) database on each engine."""
    if engine_name == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    name = f"kabar_empty_{next(_counter)}"
    request.addfinalizer(lambda: cluster.drop_database(name))
    return cluster.create_database(name)


@pytest.fixture
def db_url(engine_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated database on each engine."""
    if engine_name == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "kabar-server.db"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    template_name: str = request.getfixturevalue("pg_template")
    name = f"kabar_test_{next(_counter)}"
    # Dropped after the test (FORCE ends connections a test left open) to keep the cluster small.
    request.addfinalizer(lambda: cluster.drop_database(name))
    return cluster.create_database(name, template=template_name)
