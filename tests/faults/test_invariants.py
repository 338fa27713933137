"""The invariant checker itself can fail: a doubled version, a silently overwritten local value
and a conflict closed behind the client's back are each caught."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select, update

from server.db import make_engine
from server.models import CellVersion, Conflict
from tests.faults.world import COVID, PKM, World

DAY = date.today() - timedelta(days=1)


@pytest.fixture
def synced(world: World) -> World:
    a = world.client("ani-1", "ani")
    b = world.client("ani-2", "ani")
    a.edit(PKM, COVID, DAY, {"suspek_baru": 1, "sembuh": 2})
    b.edit(PKM, COVID, DAY, {"suspek_baru": 3})
    world.settle()
    state = world.check()
    assert sum(k["status"] == "open" for k in state.conflicts) == 1
    return world


def test_a_doubled_version_is_caught(synced: World) -> None:
    engine = make_engine(synced.db_url)
    try:
        with engine.begin() as conn:
            row = conn.execute(select(CellVersion).order_by(CellVersion.rev.desc())).first()
            assert row is not None
            copy = dict(row._mapping)
            copy["rev"] = row.rev + 1000
            conn.execute(insert(CellVersion).values(**copy))
    finally:
        engine.dispose()
    with pytest.raises(AssertionError, match=r"wrote .* twice"):
        synced.check()


def test_a_silent_local_overwrite_is_caught(synced: World) -> None:
    a = synced.clients[0]
    path = a.store.path
    a.close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "UPDATE cells SET value = '77' WHERE indicator = 'sembuh' AND org_unit = ?", (PKM,)
        )
    conn.close()
    a.open()
    with pytest.raises(AssertionError, match=r"holds .*sembuh.* '77'"):
        synced.check()


def test_a_conflict_closed_behind_the_clients_back_is_caught(synced: World) -> None:
    engine = make_engine(synced.db_url)
    try:
        with engine.begin() as conn:
            conn.execute(update(Conflict).values(status="resolved"))
    finally:
        engine.dispose()
    with pytest.raises(AssertionError, match=r"server candidates from this device \[\]"):
        synced.check()
