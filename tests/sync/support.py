"""Helpers for the sync engine tests: a client device (store + transport + engine) logged in
to the live server, and direct reads of the server's database."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from forms.loader import builtin_forms
from forms.model import FormDefinition, Value
from server.db import make_engine
from sync.engine import SyncEngine, SyncReport, login_and_prepare
from sync.store import SaveResult, Store
from sync.transport import Transport
from tests.server.conftest import SEED_PASSWORD, LiveServer

COVID = "covid19-harian"
SUMBER = "sumber-daya-harian"
PKM = "P6408040201"  # ani's puskesmas
PKM2 = "P6408040202"  # the same kecamatan
#: a few days back: the server refuses periods more than a day after its date
DAY = date.today() - timedelta(days=3)
APP_VERSION = "0.1.0"


def builtin(form_id: str) -> FormDefinition:
    return next(f for f in builtin_forms() if f.id == form_id)


class Device:
    """One laptop: its own store, a transport that never sleeps for real, an engine."""

    def __init__(
        self,
        data_dir: Path,
        url: str,
        username: str,
        *,
        login: bool = True,
        clock: Any = None,
        now: Any = None,
        app_version: str = APP_VERSION,
        batch_size: int = 100,
    ) -> None:
        self.username = username
        self.store = Store.open(data_dir, clock=clock)
        self.sleeps: list[float] = []
        self.transport = Transport(
            url,
            app_version=app_version,
            sleep=self.sleeps.append,
            rng=random.Random(7),
            timeout=(5.0, 30.0),
        )
        self.engine = SyncEngine(self.store, self.transport, batch_size=batch_size, now=now)
        if login:
            self.login()

    def login(self) -> None:
        login_and_prepare(self.store, self.transport, self.username, SEED_PASSWORD, "laptop")

    def save(
        self,
        values: Mapping[str, Value],
        *,
        period: date = DAY,
        form: str = COVID,
        ou: str = PKM,
        complete: bool = False,
        author: str | None = None,
    ) -> SaveResult:
        return self.store.save_day(
            ou, builtin(form), period, values, author=author or self.username, complete=complete
        )

    def values(self, *, period: date = DAY, form: str = COVID, ou: str = PKM) -> dict[str, Value]:
        return self.store.load_day(ou, builtin(form), period).values

    def states(self, *, period: date = DAY, form: str = COVID, ou: str = PKM) -> dict[str, str]:
        day = self.store.load_day(ou, builtin(form), period)
        return {code: meta.sync_state for code, meta in day.cells.items()}

    def sync(self) -> SyncReport:
        report = self.engine.run()
        return report

    def sync_ok(self) -> SyncReport:
        report = self.engine.run()
        assert report.finished and report.problem is None, report
        return report

    def close(self) -> None:
        self.transport.close()
        self.store.close()


def server_rows(server: LiveServer, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = make_engine(server.db_url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params).all()]
    finally:
        engine.dispose()


def server_cells(server: LiveServer, ou: str = PKM, period: date = DAY) -> dict[str, str | None]:
    rows = server_rows(
        server,
        "SELECT indicator, value FROM cells WHERE org_unit = :ou AND period = :p",
        ou=ou,
        p=period,
    )
    return dict(rows)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
