"""The engine against the real server: freeze, push, receipts, pull, metadata, round trips."""

from __future__ import annotations

from collections.abc import Callable

from tests.server.conftest import LiveServer
from tests.sync.support import Device, server_cells, server_rows


def test_autosaves_of_one_day_become_one_submission(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani = device("ani")
    ani.save({"suspek_baru": 1})
    ani.save({"suspek_baru": 2, "sembuh": 3})
    ani.save({"meninggal": 0})
    assert ani.store.outbox_count() == 3
    report = ani.sync_ok()
    assert report.pushed == 1
    assert server_rows(server, "SELECT count(*) FROM submissions") == [(1,)]
    assert server_cells(server) == {"suspek_baru": "2", "sembuh": "3", "meninggal": "0"}
    assert set(ani.states().values()) == {"sent"}
    assert ani.store.outbox_count() == 0
    assert ani.store.sync_summary().unsent == 0
    # Sending again sends nothing.
    again = ani.sync_ok()
    assert again.pushed == 0 and again.pulled == 0
    assert server_rows(server, "SELECT count(*) FROM submissions") == [(1,)]
