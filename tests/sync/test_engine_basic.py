"""The engine against the real server: freeze, push, receipts, pull, metadata, round trips."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sync.engine import SyncEngine, SyncReport
from sync.protocol import submission_id
from sync.transport import OFFLINE, TransientError
from tests.server.conftest import LiveServer
from tests.sync.support import (
    COVID,
    DAY,
    PKM,
    PKM2,
    Device,
    builtin,
    server_cells,
    server_rows,
)


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


def test_a_pure_push_is_two_round_trips(device: Callable[..., Device]) -> None:
    ani = device("ani")
    pulls: list[dict[str, Any]] = []
    real_pull = ani.transport.pull

    def pull(since: int, limit: int, *, mine: bool) -> dict[str, Any]:
        reply = real_pull(since, limit, mine=mine)
        pulls.append({"mine": mine, **reply})
        return reply

    ani.transport.pull = pull  # type: ignore[method-assign]
    pushes: list[dict[str, Any]] = []
    real_push = ani.transport.push

    def push(body: dict[str, Any]) -> dict[str, Any]:
        pushes.append(body)
        return real_push(body)

    ani.transport.push = push  # type: ignore[method-assign]
    ani.sync_ok()  # the first pull takes everything (an empty server here)
    before = (ani.transport.bytes_sent, ani.transport.bytes_received)
    ani.save({"suspek_baru": 12, "sembuh": 3}, complete=True)
    report = ani.sync_ok()
    assert report.round_trips == 2 and report.pushed == 1 and report.pulled == 0
    # The second pull leaves out what this device just sent.
    assert [p["mine"] for p in pulls] == [True, False] and pulls[1]["g"] == []
    # The cells went by position in the server's field order: no indicator names.
    [sent] = pushes
    codes = [f.code for f in builtin(COVID).fields]
    y = sent["s"][0]["y"]
    assert "x" not in sent["s"][0]
    assert y[codes.index("suspek_baru")] == 12 and y[codes.index("sembuh")] == 3
    assert len(y) == codes.index("sembuh") + 1
    sent = ani.transport.bytes_sent - before[0]
    received = ani.transport.bytes_received - before[1]
    # Small on the wire: request and reply headers included.
    assert sent + received < 1500, (sent, received)


def test_pulled_changes_appear_with_their_author(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani, camat = device("ani"), device("camat")
    ani.save({"suspek_baru": 5, "sembuh": 1})
    ani.sync_ok()
    camat.sync_ok()
    assert camat.values() == {"suspek_baru": 5, "sembuh": 1}
    # The kecamatan officer corrects one figure and marks the day complete.
    camat.save({"sembuh": 2}, complete=True)
    camat.sync_ok()
    report = ani.sync_ok()
    assert report.pulled == 1
    day = ani.store.load_day(PKM, builtin(COVID), DAY)
    assert day.values == {"suspek_baru": 5, "sembuh": 2} and day.status == "lengkap"
    history = ani.store.cell_history(PKM, COVID, DAY, "sembuh")
    assert [(h.author, h.device, h.new) for h in history] == [
        ("ani", ani.store.device_id(), 1),
        ("Camat", "server", 2),
    ]
    assert set(ani.states().values()) == {"sent"}
    assert ani.store.day_sync_states(PKM, COVID, DAY, DAY) == {DAY: "terkirim"}


def test_different_cells_of_one_day_merge(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani, camat = device("ani"), device("camat")
    ani.save({"suspek_baru": 1})
    ani.sync_ok()
    camat.sync_ok()
    ani.save({"sembuh": 4})
    camat.save({"meninggal": 0})
    ani.sync_ok()
    camat.sync_ok()
    ani.sync_ok()
    expected = {"suspek_baru": 1, "sembuh": 4, "meninggal": 0}
    assert ani.values() == camat.values() == expected
    assert server_cells(server) == {k: str(v) for k, v in expected.items()}
    assert ani.store.open_conflicts() == camat.store.open_conflicts() == []
    assert server_rows(server, "SELECT count(*) FROM conflicts") == [(0,)]


def test_submission_ids_are_short_numbers(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani = device("ani")
    ani.save({"suspek_baru": 1})
    ani.save({"suspek_baru": 2}, period=DAY - timedelta(days=1))
    ani.sync_ok()
    ids = {r[0] for r in server_rows(server, "SELECT id FROM submissions")}
    assert ids == {submission_id(ani.store.device_id(), n) for n in (1, 2)}


def test_a_lost_response_is_answered_by_the_stored_receipt(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani = device("ani")
    ani.sync_ok()
    ani.save({"suspek_baru": 3, "sembuh": 1})
    real_push = ani.transport.push

    def push_then_lose_reply(body: Any) -> dict[str, Any]:
        real_push(body)  # the server commits ...
        raise TransientError(OFFLINE, "offline", "reply lost")  # ... the reply never arrives

    ani.transport.push = push_then_lose_reply  # type: ignore[method-assign]
    report = ani.sync()
    assert not report.finished and report.problem == OFFLINE and report.pushed == 0
    assert set(ani.states().values()) == {"pending"}
    assert ani.store.sync_summary().last_problem == OFFLINE
    ani.transport.push = real_push  # type: ignore[method-assign]
    report = ani.sync_ok()
    assert report.pushed == 1
    assert set(ani.states().values()) == {"sent"}
    assert server_rows(server, "SELECT count(*) FROM submissions") == [(1,)]
    assert server_rows(server, "SELECT count(*) FROM cell_versions") == [(2,)]
    assert ani.store.sync_summary().last_problem is None


def test_a_run_resumes_after_a_crash_between_steps(
    device: Callable[..., Device], server: LiveServer, tmp_path: Path
) -> None:
    ani = device("ani", name="ani-crash")
    ani.save({"suspek_baru": 3})
    ani.store.freeze_outbox()  # the app died right after freezing
    ani.close()
    again = device("ani", name="ani-crash", login=False)
    again.transport.token = ani.transport.token
    assert again.sync_ok().pushed == 1
    assert server_cells(server) == {"suspek_baru": "3"}


def test_mine_0_leaves_out_this_devices_cells_and_moves_on(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani, camat = device("ani"), device("camat")
    ani.save({"suspek_baru": 1, "sembuh": 2})
    ani.sync_ok()
    camat.save({"meninggal": 0}, ou=PKM2)
    camat.sync_ok()
    everything = ani.transport.pull(0, 100, mine=True)
    others = ani.transport.pull(0, 100, mine=False)
    assert {g["ou"] for g in everything["g"]} == {PKM}  # ani's scope is her facility
    assert others["g"] == [] and others["to"] >= everything["to"]
    assert camat.transport.pull(0, 100, mine=False)["g"][0]["x"] == {"suspek_baru": 1, "sembuh": 2}
    # Both replies carry the digest of what GET /metadata says.
    assert everything["m"] == others["m"] == ani.transport.metadata()["m"]


def test_two_engines_on_one_store_take_turns(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani = device("ani")
    for k in range(5):
        ani.save({"suspek_baru": k}, period=DAY - timedelta(days=k))
    other = SyncEngine(ani.store, ani.transport)
    reports: list[SyncReport] = []
    threads = [
        threading.Thread(target=lambda e=e: reports.append(e.run())) for e in (ani.engine, other)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(r.finished for r in reports) and sum(r.pushed for r in reports) == 5
    # One after the other: the second found nothing left to push (only its pull).
    assert sorted(r.round_trips for r in reports) == [1, 2]
    assert server_rows(server, "SELECT count(*) FROM submissions") == [(5,)]
