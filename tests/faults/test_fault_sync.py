"""End to end through the fault proxy: three real client stores (ani on two laptops, the
kecamatan officer) edit the same and different cells, sync while the link misbehaves, sync again
once it is healthy; afterwards the server holds exactly what was saved, nothing twice, and every
concurrent edit with different values is exactly one open conflict."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest

from tests.faults.world import COVID, FORMS, PKM, PKM2, SUMBER, Client, World, random_value

TODAY = date.today()
D1, D2, D3 = (TODAY - timedelta(days=k) for k in (3, 2, 1))

#: fault name -> proxy settings during the faulty phase
FAULTS: dict[str, dict[str, Any]] = {
    "latency_bandwidth": {"latency_s": 0.05, "bandwidth_bps": 64_000},
    "reset_in_every_request": {"reset_after_bytes": 150, "reset_repeat": True},
    "reset_every_1100_bytes": {"reset_after_bytes": 1_100, "reset_repeat": True},
    "drop_push_response": {"drop_response": True, "drop_match": "POST /api/v1/push"},
    "drop_pull_response": {"drop_response": True, "drop_match": "GET /api/v1/pull"},
    "push_response_never_comes": {
        "drop_response": True,
        "drop_match": "POST /api/v1/push",
        "drop_hang": True,
    },
    "black_hole": {"black_hole": True},
    "http_502": {"http_status": 502},
    "http_503": {"http_status": 503, "retry_after": 1},
}


#: faults that cost a read timeout per attempt: one client syncs once through them per round
SLOW = {"black_hole", "push_response_never_comes"}


def full_day(form_id: str, rng: random.Random) -> dict[str, Any]:
    return {f.code: random_value(form_id, f.code, rng) for f in FORMS[form_id].fields}


def round_one(a: Client, b: Client, c: Client, rng: random.Random) -> int:
    """Edits made offline on three installations; returns the open conflicts they must make
    whatever order the pushes land in."""
    # suspek_baru: two different values (1 conflict); konfirmasi_baru: equal everywhere (none);
    # meninggal: three different values (2 conflicts); the rest: different cells (merged).
    a.edit(PKM, COVID, D1, {"suspek_baru": 5, "konfirmasi_baru": 3, "sembuh": 1, "meninggal": 0})
    b.edit(PKM, COVID, D1, {"suspek_baru": 7, "konfirmasi_baru": 3, "probable_baru": 2})
    b.edit(PKM, COVID, D1, {"meninggal": 4})  # a second save of the same day
    c.edit(PKM, COVID, D1, {"konfirmasi_baru": 3, "isolasi_mandiri": 9, "meninggal": 6})
    c.edit(PKM2, SUMBER, D1, full_day(SUMBER, rng), complete=True)
    a.edit(PKM, SUMBER, D2, full_day(SUMBER, rng))
    b.edit(PKM, COVID, D2, {"dirujuk_rs": 1, "tes_antigen": 40})
    return 1 + 2


def round_two(a: Client, b: Client, c: Client, rng: random.Random) -> int:
    """Edits on top of what everyone pulled; returns the new conflicts they must make."""
    a.edit(PKM, COVID, D1, {"sembuh": 2})  # both based on the same revision: 1 conflict
    c.edit(PKM, COVID, D1, {"sembuh": 8})
    a.edit(PKM, SUMBER, D2, {"catatan": "genset rusak", "lama_padam_jam": None})
    b.edit(PKM, COVID, D3, full_day(COVID, rng), complete=True)
    c.edit(PKM2, COVID, D3, {"suspek_baru": 11})
    return 1


def open_conflicts(world: World) -> int:
    return sum(1 for k in world.check(settled=False).conflicts if k["status"] == "open")


def run_scenario(world: World, fault: dict[str, Any], seed: int, *, slow: bool = False) -> None:
    rng = random.Random(seed)
    a = world.client("ani-1", "ani")
    b = world.client("ani-2", "ani")
    c = world.client("camat", "camat")
    expected = 0
    for edits in (round_one, round_two):
        expected += edits(a, b, c, rng)
        world.proxy.reset_stats()
        world.proxy.configure(**fault)
        faulty = [a] if slow else [a, b, c, a, b, c]
        reports = [cl.sync() for cl in faulty]
        stats = world.proxy.stats()
        _fault_bit(fault, stats, reports)
        world.check(settled=False)  # even mid-way: nothing doubled, no double conflicts
        world.settle()
        state = world.check()
        assert sum(1 for k in state.conflicts if k["status"] == "open") == expected


def _fault_bit(fault: dict[str, Any], stats: Any, reports: list[Any]) -> None:
    """The fault really happened (a test that cannot fail proves nothing)."""
    if fault.get("black_hole") or fault.get("http_status"):
        assert not any(r.finished for r in reports)
        assert all(r.problem is not None for r in reports)
    if fault.get("black_hole") or fault.get("drop_hang"):
        assert stats.bytes_down == 0
    if fault.get("http_status"):
        assert stats.statuses_sent >= len(reports)
    if fault.get("drop_response"):
        assert stats.responses_dropped > 0
        assert not all(r.finished for r in reports)
    if fault.get("reset_after_bytes"):
        assert stats.resets > 0
    if fault.get("bandwidth_bps"):
        assert all(r.finished for r in reports)


@pytest.mark.parametrize("fault_name", list(FAULTS))
def test_sync_through_fault(world: World, fault_name: str) -> None:
    run_scenario(world, FAULTS[fault_name], seed=len(fault_name), slow=fault_name in SLOW)


def test_lost_push_response_on_postgresql(pg_world: World) -> None:
    run_scenario(pg_world, FAULTS["drop_push_response"], seed=7)


def test_reset_after_each_byte_count(world: World) -> None:
    """A reset at every point of a small exchange: after 1, 2, … bytes, seeded steps."""
    rng = random.Random(11)
    a = world.client("ani-1", "ani")
    b = world.client("ani-2", "ani")
    a.edit(PKM, COVID, D1, {"suspek_baru": 1})
    b.edit(PKM, COVID, D1, {"suspek_baru": 2})
    a.sync()
    world.proxy.reset_stats()
    b.sync()
    exchange = world.proxy.stats().bytes_total  # one clean sync's bytes both ways
    point = 1
    day = D2
    while point < exchange:
        a.edit(PKM, COVID, day, {"sembuh": point})
        world.proxy.configure(reset_after_bytes=point, reset_repeat=False)
        a.sync()
        world.proxy.clear_faults()
        day = day - timedelta(days=1)
        point += rng.randint(40, 160)
    world.settle()
    world.check()
