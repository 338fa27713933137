"""Conflicts that move: a settlement (or an agreement found by a pull) whose push meets a cell
that moved on again must leave exactly one open conflict for the disputed edit, not two."""

from __future__ import annotations

from datetime import date, timedelta

from tests.faults.world import PKM, SUMBER, World

DAY = date.today() - timedelta(days=1)
CELL = (PKM, SUMBER, DAY, "catatan")


def _open(world: World) -> list[tuple[int, str | None, str]]:
    state = world.check(settled=False)
    return [
        (k["id"], k["candidate_value"], k["candidate_device_id"])
        for k in state.conflicts
        if k["status"] == "open"
    ]


def test_agreement_then_a_new_value_keeps_one_conflict(world: World) -> None:
    a = world.client("ani-1", "ani")
    b = world.client("ani-2", "ani")
    a.edit(*CELL[:3], {"catatan": "genset"})
    a.sync()
    b.edit(*CELL[:3], {"catatan": "aman"})
    b.sync()  # conflict k1: b's "aman" against a's "genset"
    a.edit(*CELL[:3], {"catatan": "aman"})
    a.sync()
    b.sync()  # the pull agrees with b: its next push closes k1 with [aman, rev, k1]
    a.edit(*CELL[:3], {"catatan": "genset"})
    a.sync()  # ... but the cell moves on before that push
    b.sync()
    assert len(_open(world)) == 1
    world.settle()
    world.check()


def test_settlement_meeting_a_moved_cell_keeps_one_conflict(world: World) -> None:
    a = world.client("ani-1", "ani")
    b = world.client("ani-2", "ani")
    a.edit(*CELL[:3], {"catatan": "genset"})
    a.sync()
    b.edit(*CELL[:3], {"catatan": "aman"})
    b.sync()
    (conflict,) = b.store.open_conflicts()
    b.store.settle_conflict(conflict.id, "aman", author="ani-2")  # keep mine
    b.saved[CELL] = "aman"
    a.edit(*CELL[:3], {"catatan": "banjir"})
    a.sync()  # the cell moves on before the settlement is pushed
    b.sync()
    assert len(_open(world)) == 1, _open(world)
    world.settle()
    world.check()


def test_a_conflict_that_came_to_agree_while_edited_again_is_closed_on_the_server(
    world: World,
) -> None:
    """camat's push of "aman" fails; camat then types "genset", which the server already holds
    (ani's). The late push of "aman" makes a conflict, but the cell now agrees with the
    server: nobody has anything to settle, so the server's conflict must be closed too."""
    a = world.client("ani-1", "ani")
    c = world.client("camat", "camat")
    a.edit(*CELL[:3], {"catatan": "genset"})
    a.sync()
    c.edit(*CELL[:3], {"catatan": "aman"})
    world.proxy.http_status = 502
    assert not c.sync().finished  # frozen into a push item that did not get through
    world.proxy.clear_faults()
    c.edit(*CELL[:3], {"catatan": "genset"})
    world.settle()
    state = world.check()
    assert [k["candidate_value"] for k in state.conflicts if k["status"] == "open"] == []
