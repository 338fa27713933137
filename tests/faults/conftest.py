"""Fault test fixtures: the server test fixtures re-exported (databases on both engines, the
live server), an in-memory keyring for every test, and a ``World`` (server + fault proxy)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.faults.world import MemoryKeyring, World, memory_keyring
from tests.server.conftest import (  # noqa: F401 (fixtures, re-exported for this folder)
    LiveServer,
    _seeded_pg,
    _seeded_sqlite,
    live_server_factory,
    pg_cluster,
    pg_template,
    sqlite_template,
)
from tests.server.test_sync_support import publish_builtin_forms

_pg_names = itertools.count(1)


@pytest.fixture(autouse=True)
def _memory_keyring() -> Iterator[MemoryKeyring]:
    with memory_keyring() as ring:
        yield ring


@pytest.fixture
def sqlite_server_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A seeded SQLite server database (demo hierarchy, SEED_USERS) with the shipped forms."""
    target = tmp_path / "kabar-server.db"
    shutil.copyfile(request.getfixturevalue("_seeded_sqlite"), target)
    url = f"sqlite:///{target}"
    publish_builtin_forms(url)
    return url


@pytest.fixture
def pg_server_url(request: pytest.FixtureRequest) -> str:
    """The same on PostgreSQL (skips without the Debian binaries)."""
    cluster = request.getfixturevalue("pg_cluster")
    template = request.getfixturevalue("_seeded_pg")
    name = f"kabar_faults_{next(_pg_names)}"
    request.addfinalizer(lambda: cluster.drop_database(name))
    url = cluster.create_database(name, template=template)
    publish_builtin_forms(url)
    return str(url)


def _world(url: str, request: pytest.FixtureRequest, tmp_path: Path, seed: int) -> Iterator[World]:
    factory: Callable[..., LiveServer] = request.getfixturevalue("live_server_factory")
    server = factory(url)
    port = int(server.url.rsplit(":", 1)[1])
    world = World(url, port, tmp_path, seed=seed)
    try:
        yield world
    finally:
        world.close()


@pytest.fixture
def world(
    sqlite_server_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[World]:
    """The real server on SQLite behind a fault proxy; add clients with ``world.client``."""
    yield from _world(sqlite_server_url, request, tmp_path, seed=1)


@pytest.fixture
def pg_world(pg_server_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The same on PostgreSQL."""
    yield from _world(pg_server_url, request, tmp_path, seed=2)
