"""Conflicts end to end, on both server engines: two stores edit one cell offline; exactly one
open conflict on the server and on the second store; keep mine / take theirs / another."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.server.conftest import LiveServer
from tests.server.test_sync_support import Client, sub
from tests.sync.support import DAY, PKM, Device, server_cells, server_rows

BOTH_ENGINES = pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"], indirect=True)


def open_server_conflicts(server: LiveServer) -> list[tuple[object, ...]]:
    return server_rows(
        server,
        "SELECT id, indicator, candidate_value FROM conflicts WHERE status = 'open' ORDER BY id",
    )


@BOTH_ENGINES
@pytest.mark.parametrize("choice", ["mine", "theirs", "another"])
def test_concurrent_edits_make_one_conflict_a_person_settles(
    device: Callable[..., Device], server: LiveServer, choice: str
) -> None:
    ani, camat = device("ani"), device("camat")
    ani.save({"suspek_baru": 1, "sembuh": 3})
    ani.sync_ok()
    camat.sync_ok()
    # Both offline: the same cell, different values; another cell equal on both.
    ani.save({"sembuh": 4, "meninggal": 1})
    camat.save({"sembuh": 5, "meninggal": 1})
    ani.sync_ok()
    report = camat.sync_ok()
    assert report.new_conflicts == 1
    [(k, indicator, candidate)] = open_server_conflicts(server)
    assert (indicator, candidate) == ("sembuh", "5")
    [c] = camat.store.open_conflicts(PKM)
    assert (c.server_id, c.mine, c.theirs, c.theirs_by) == (k, 5, 4, "Ani")
    assert camat.states()["sembuh"] == "conflict"
    assert camat.store.day_sync_states(PKM, None, DAY, DAY) == {DAY: "konflik"}
    # Nothing was overwritten: the server and ani still hold ani's value.
    assert server_cells(server)["sembuh"] == "4"
    ani.sync_ok()
    assert ani.store.open_conflicts() == [] and ani.values()["sembuh"] == 4
    assert len(open_server_conflicts(server)) == 1

    value = {"mine": c.mine, "theirs": c.theirs, "another": 6}[choice]
    camat.store.settle_conflict(c.id, value, author="Camat")
    camat.sync_ok()
    ani.sync_ok()
    assert open_server_conflicts(server) == []
    assert server_cells(server)["sembuh"] == str(value)
    assert ani.values()["sembuh"] == camat.values()["sembuh"] == value
    assert camat.store.open_conflicts() == [] and ani.store.open_conflicts() == []
    assert set(camat.states().values()) == set(ani.states().values()) == {"sent"}
    resolved = server_rows(server, "SELECT count(*) FROM conflicts WHERE status = 'resolved'")
    assert resolved == [(1,)]


def test_first_values_entered_on_two_devices_conflict_once(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani, camat = device("ani"), device("camat")
    ani.save({"sembuh": 3})
    camat.save({"sembuh": 4})
    ani.sync_ok()
    camat.sync_ok()
    ani.sync_ok()
    camat.sync_ok()
    assert len(open_server_conflicts(server)) == 1
    assert len(camat.store.open_conflicts()) == 1 and ani.store.open_conflicts() == []
    # Syncing again changes nothing: no second conflict, nothing overwritten.
    camat.sync_ok()
    ani.sync_ok()
    assert len(open_server_conflicts(server)) == 1
    assert len(camat.store.open_conflicts()) == 1
    assert camat.values()["sembuh"] == 4 and ani.values()["sembuh"] == 3


def test_a_conflict_settled_elsewhere_is_never_overwritten(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani, camat = device("ani"), device("camat")
    ani.save({"sembuh": 3})
    ani.sync_ok()
    camat.sync_ok()
    ani.save({"sembuh": 4})
    camat.save({"sembuh": 5})
    ani.sync_ok()
    camat.sync_ok()
    [c] = camat.store.open_conflicts()
    # Meanwhile the district admin settles the server's conflict with another value.
    admin = Client(server.url, "kab")
    [receipt] = admin.receipts(
        sub({"sembuh": [7, c.theirs_rev, c.server_id]}, period=DAY.isoformat())
    )
    assert receipt["s"] == "applied" and "c" not in receipt
    # camat, not knowing, keeps his value: the server no longer has that conflict open, so his
    # value goes again as a plain edit of the value he saw, which meets the admin's 7.
    camat.store.settle_conflict(c.id, c.mine, author="Camat")
    camat.sync_ok()
    assert server_cells(server)["sembuh"] == "7"
    [(k2, _, candidate)] = open_server_conflicts(server)
    assert candidate == "5" and k2 != c.server_id
    [again] = camat.store.open_conflicts()
    assert (again.server_id, again.mine, again.theirs, again.theirs_by) == (k2, 5, 7, "Kab")
    assert camat.store.set_aside() == []
    ani.sync_ok()
    assert ani.values()["sembuh"] == 7 and ani.store.open_conflicts() == []


@BOTH_ENGINES
def test_a_settlement_that_meets_a_newer_value_replaces_its_conflict(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani, camat = device("ani"), device("camat")
    ani.save({"sembuh": 3})
    ani.sync_ok()
    camat.sync_ok()
    ani.save({"sembuh": 4})
    camat.save({"sembuh": 5})
    ani.sync_ok()
    camat.sync_ok()
    [c] = camat.store.open_conflicts()
    # ani changes the figure again before camat's choice reaches the server.
    ani.save({"sembuh": 6})
    ani.sync_ok()
    camat.store.settle_conflict(c.id, c.mine, author="Camat")
    camat.sync_ok()
    # Nothing overwritten; still exactly one open conflict for camat's value, on both sides.
    assert server_cells(server)["sembuh"] == "6"
    [(k, _, candidate)] = open_server_conflicts(server)
    assert candidate == "5" and k != c.server_id
    [again] = camat.store.open_conflicts()
    assert (again.server_id, again.mine, again.theirs) == (k, 5, 6)
