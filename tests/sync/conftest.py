"""Sync engine fixtures: the server fixtures (both engines, live server on loopback) re-exported,
an in-memory keyring, and logged-in client devices with their own store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from tests.server import conftest as server_fixtures
from tests.server.conftest import LiveServer
from tests.server.test_sync_support import publish_builtin_forms
from tests.sync.support import Device

# The server's fixtures, shared: one PostgreSQL cluster per session, seeded databases per test.
pg_cluster = server_fixtures.pg_cluster
pg_template = server_fixtures.pg_template
sqlite_template = server_fixtures.sqlite_template
db_url = server_fixtures.db_url
_seeded_sqlite = server_fixtures._seeded_sqlite
_seeded_pg = server_fixtures._seeded_pg
seeded_url = server_fixtures.seeded_url
live_server_factory = server_fixtures.live_server_factory


class MemoryKeyring(KeyringBackend):
    """The stand-in for the OS keyring in tests: this machine has no Secret Service, and
    keyring's "fail" backend would hide bugs. Kept in memory, per test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(params=["sqlite"])
def engine_name(request: pytest.FixtureRequest) -> str:
    """SQLite by default (cheap); tests that matter on both engines parametrize it
    indirectly with ``BOTH_ENGINES``."""
    return str(request.param)


@pytest.fixture
def server(seeded_url: str, live_server_factory: Callable[..., LiveServer]) -> LiveServer:
    """The live server with the demo accounts and the built-in forms published."""
    publish_builtin_forms(seeded_url)
    return live_server_factory(seeded_url)


@pytest.fixture
def device(server: LiveServer, tmp_path: Path) -> Iterator[Callable[..., Device]]:
    """``device(username, name=...)``: a logged-in client with its own store."""
    made: list[Device] = []

    def make(username: str = "ani", name: str | None = None, **kw: object) -> Device:
        d = Device(tmp_path / (name or f"{username}-{len(made)}"), server.url, username, **kw)
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()
