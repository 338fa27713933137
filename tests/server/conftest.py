"""Server test fixtures: one PostgreSQL cluster per session, a fresh migrated database per test
on both engines (``db_url``), and the real server on loopback (``live_server``)."""

from __future__ import annotations

import itertools
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from server.db import migrate
from server.settings import Settings
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


class LiveServer:
    """The real app under uvicorn on 127.0.0.1 (a thread), reached with ``requests``."""

    def __init__(
        self,
        db_url: str,
        settings: Settings | None = None,
        *,
        certfile: Path | None = None,
        keyfile: Path | None = None,
    ) -> None:
        """With ``certfile``/``keyfile`` it serves https (the setup-code pin tests)."""
        import uvicorn

        from server.app import create_app

        self.db_url = db_url
        self.app = create_app(db_url, settings)
        # Without server/date headers, as ``kabar-server serve`` runs (bytes on 2G).
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=0,
            log_config=None,
            lifespan="on",
            workers=1,
            server_header=False,
            date_header=False,
            ssl_certfile=None if certfile is None else str(certfile),
            ssl_keyfile=None if keyfile is None else str(keyfile),
        )
        self.scheme = "http" if certfile is None else "https"
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="live-server", daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the live server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"{self.scheme}://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture
def live_server_factory() -> Iterator[Callable[..., LiveServer]]:
    """``live_server_factory(db_url, settings=None)`` starts a server; all stop at teardown."""
    started: list[LiveServer] = []

    def start(db_url: str, settings: Settings | None = None) -> LiveServer:
        server = LiveServer(db_url, settings).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def live_server(db_url: str, live_server_factory: Callable[..., LiveServer]) -> LiveServer:
    """The real server on a fresh migrated database (both engines): ``live_server.url``."""
    return live_server_factory(db_url)


DEMO_UNITS = Path(__file__).resolve().parents[2] / "resources" / "demo" / "org_units.csv"
#: demo accounts made by ``seeded_url``: username -> (role, org unit)
SEED_USERS = {
    "ani": ("petugas_puskesmas", "P6408040201"),
    "camat": ("petugas_kecamatan", "64.08.04"),
    "kab": ("admin_kabupaten", "64.08"),
    "prov": ("admin_provinsi", "64"),
}
SEED_PASSWORD = "rahasia-123"


def seed(db_url: str) -> None:
    """The demo hierarchy plus one account per role, all with ``SEED_PASSWORD``."""
    import csv

    from server import accounts, db
    from server.orgunits import add_units

    engine = db.make_engine(db_url)
    try:
        with db.session_scope(db.session_factory(engine)) as s:
            with DEMO_UNITS.open(encoding="utf-8") as f:
                units = [
                    (r["code"], r["name"], r["level"], r["parent"] or None, r["type"] or None)
                    for r in csv.DictReader(f)
                ]
            add_units(s, units)
            for username, (role, unit) in SEED_USERS.items():
                accounts.add_user(
                    s,
                    username=username,
                    name=username.title(),
                    role=role,
                    org_units=[unit],
                    password=SEED_PASSWORD,
                    actor="test",
                )
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def _seeded_sqlite(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-seeded") / "seeded.db"
    shutil.copyfile(sqlite_template, path)
    seed(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _seeded_pg(pg_cluster: PgCluster, pg_template: str) -> str:
    name = "kabar_seeded_template"
    seed(pg_cluster.create_database(name, template=pg_template))
    return name


@pytest.fixture
def seeded_url(engine_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database with the demo hierarchy and one account per role (``SEED_USERS``)."""
    if engine_name == "sqlite":
        target = tmp_path / "kabar-server.db"
        shutil.copyfile(request.getfixturevalue("_seeded_sqlite"), target)
        return f"sqlite:///{target}"
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    template_name: str = request.getfixturevalue("_seeded_pg")
    name = f"kabar_seeded_{next(_counter)}"
    request.addfinalizer(lambda: cluster.drop_database(name))
    return cluster.create_database(name, template=template_name)


@pytest.fixture
def seeded_server(seeded_url: str, live_server_factory: Callable[..., LiveServer]) -> LiveServer:
    return live_server_factory(seeded_url)
