"""Concurrent writers on both engines: the same submission sent twice at once is applied once;
two first values for one new cell at once give one applied and one conflict, never a loss."""

from __future__ import annotations

import threading
from typing import Any

from tests.server import test_sync_support as support
from tests.server.conftest import LiveServer
from tests.server.test_sync_support import Client, count, sub

sync_server = support.sync_server
ani = support.ani
camat = support.camat


def _at_once(*calls: tuple[Client, dict[str, Any]]) -> list[dict[str, Any]]:
    barrier = threading.Barrier(len(calls))
    out: list[Any] = [None] * len(calls)

    def run(i: int, client: Client, s: dict[str, Any]) -> None:
        barrier.wait()
        out[i] = client.receipts(s)[0]

    threads = [threading.Thread(target=run, args=(i, c, s)) for i, (c, s) in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_the_same_submission_twice_at_once(ani: Client, sync_server: LiveServer) -> None:
    for day in range(1, 6):
        s = sub({"suspek_baru": day, "sembuh": 1}, period=f"2026-11-0{day}")
        statuses = sorted(r["s"] for r in _at_once((ani, s), (ani, s)))
        assert statuses == ["applied", "duplicate"]
    assert count(sync_server, "SELECT count(*) FROM cell_versions") == 10
    assert count(sync_server, "SELECT count(*) FROM submissions") == 5


def test_two_first_values_at_once(ani: Client, camat: Client, sync_server: LiveServer) -> None:
    for day in range(1, 6):
        p = f"2026-11-0{day}"
        a, b = _at_once((ani, sub({"sembuh": 1}, period=p)), (camat, sub({"sembuh": 2}, period=p)))
        kinds = sorted(["applied" if "c" not in r else r["c"]["sembuh"]["s"] for r in (a, b)])
        assert kinds == ["applied", "conflict"], (a, b)
    assert count(sync_server, "SELECT count(*) FROM cell_versions") == 5
    assert count(sync_server, "SELECT count(*) FROM conflicts WHERE status = 'open'") == 5
