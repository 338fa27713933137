"""The store's side of sync without a server: freezing, receipts, pulls, conflicts, set-aside,
day states and the summary, driven with hand-made receipts and pull pages."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from sync.protocol import (
    REASONS,
    CellReceipt,
    PullCell,
    PullGroup,
    PullPage,
    SubmissionReceipt,
    submission_id,
)
from sync.store import PushItem, Store, StoreError
from tests.store.conftest import FACILITY, OTHER_FACILITY, Clock, make_form

FORM = make_form()
DAY = date(2026, 11, 20)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    clock = Clock()
    with Store.open(tmp_path / "data", clock=clock) as s:
        s.load_demo_org_units()
        s.register_form(FORM)
        yield s


def payload(item: PushItem) -> dict[str, object]:
    loaded = json.loads(item.payload)
    assert isinstance(loaded, dict)
    return loaded


def only_item(store: Store) -> PushItem:
    [item] = store.push_batch(10)
    return item


def applied(first: int, *indicators: str) -> SubmissionReceipt:
    return SubmissionReceipt(
        "applied",
        first,
        {ind: CellReceipt("applied", first + i) for i, ind in enumerate(indicators)},
    )


def states(store: Store, period: date = DAY) -> dict[str, str]:
    return {k: m.sync_state for k, m in store.load_day(FACILITY, FORM, period).cells.items()}


def test_freeze_makes_one_item_per_day_from_many_saves(store: Store) -> None:
    store.save_day(FACILITY, FORM, DAY, {"kasus_baru": 1}, author="Ani")
    store.save_day(FACILITY, FORM, DAY, {"kasus_baru": 2, "sembuh": 3}, author="Ani")
    store.save_day(FACILITY, FORM, DAY, {"suhu": 4}, author="Ani", complete=True)
    store.save_day(FACILITY, FORM, DAY + timedelta(days=1), {"kasus_baru": 9}, author="Ani")
    assert store.freeze_outbox() == 2
    first, second = store.push_batch(10)
    assert (first.seq, second.seq) == (1, 2)
    assert first.uuid == submission_id(store.device_id(), 1)
    p = payload(first)
    assert p["x"] == {"kasus_baru": 2, "sembuh": 3, "suhu": "4"}
    assert p["c"] == 1 and p["v"] == 1 and p["p"] == DAY.isoformat() and "b" not in p
    assert set(states(store).values()) == {"pending"}
    # Saves are covered by the items: the outbox still counts them until acknowledged.
    assert store.outbox_count() == 4
    # An edit while the item is in flight waits for the next item (its base is not known yet).
    store.save_day(FACILITY, FORM, DAY, {"kasus_baru": 5}, author="Ani")
    assert store.freeze_outbox() == 0
    assert states(store)["kasus_baru"] == "local"


def test_receipts_set_base_and_state(store: Store) -> None:
    store.save_day(FACILITY, FORM, DAY, {"kasus_baru": 1, "sembuh": 2}, author="Ani")
    store.freeze_outbox()
    item = only_item(store)
    # Edited while the push was on its way.
    store.save_day(FACILITY, FORM, DAY, {"sembuh": 7}, author="Ani")
    outcome = store.apply_receipts([(item, applied(40, "kasus_baru", "sembuh"))])
    assert outcome.acknowledged == 1
    assert states(store) == {"kasus_baru": "sent", "sembuh": "local"}
    assert store.outbox_count() == 1  # the edit made during the sync
    # The edit goes next, based on the revision the server gave the first value.
    assert store.freeze_outbox() == 1
    nxt = only_item(store)
    assert payload(nxt)["x"] == {"sembuh": 7} and payload(nxt)["b"] == 41
    # A reply applied twice (a retried request) changes nothing more.
    again = store.apply_receipts([(item, applied(40, "kasus_baru", "sembuh"))])
    assert again.acknowledged == 0


def test_conflict_and_rejected_cells(store: Store) -> None:
    store.save_day(FACILITY, FORM, DAY, {"kasus_baru": 1, "sembuh": 2, "suhu": 3}, author="Ani")
    store.freeze_outbox()
    item = only_item(store)
    receipt = SubmissionReceipt(
        "applied",
        50,
        {
            "kasus_baru": CellReceipt("applied", 50),
            "sembuh": CellReceipt(
                "conflict", 12, conflict_id=77, value=5, by="Budi", at="2026-11-21T09:00:00Z"
            ),
            "suhu": CellReceipt("rejected", reason="out_of_range", message=REASONS["out_of_range"]),
        },
    )
    outcome = store.apply_receipts([(item, receipt)])
    assert (outcome.new_conflicts, outcome.set_aside) == (1, 1)
    assert states(store) == {"kasus_baru": "sent", "sembuh": "conflict", "suhu": "rejected"}
    [c] = store.open_conflicts()
    assert (c.server_id, c.indicator, c.mine, c.theirs, c.theirs_rev) == (77, "sembuh", 2, 5, 12)
    assert c.theirs_by == "Budi" and c.theirs_at is not None
    [aside] = store.set_aside(FACILITY)
    assert (aside.indicator, aside.reason, str(aside.value)) == ("suhu", "out_of_range", "3")
    assert aside.message == REASONS["out_of_range"]
    assert store.day_sync_states(FACILITY, FORM.id, DAY, DAY) == {DAY: "ditolak"}
    summary = store.sync_summary()
    assert (summary.conflicts, summary.set_aside, summary.unsent) == (1, 1, 0)
    assert store.dismiss_set_aside([aside.id]) == 1
    assert store.set_aside() == [] and store.sync_summary().set_aside == 0


@pytest.mark.parametrize("choice", ["mine", "theirs", "another"])
def test_settling_a_conflict_sends_value_base_and_id(store: Store, choice: str) -> None:
    store.save_day(FACILITY, FORM, DAY, {"sembuh": 2}, author="Ani")
    store.freeze_outbox()
    item = only_item(store)
    conflict = CellReceipt("conflict", 12, conflict_id=77, value=5, by="Budi", at=None)
    store.apply_receipts([(item, SubmissionReceipt("applied", None, {"sembuh": conflict}))])
    [c] = store.open_conflicts(FACILITY)
    value = {"mine": c.mine, "theirs": c.theirs, "another": 9}[choice]
    result = store.settle_conflict(c.id, value, author="Ani")
    assert result.submission_uuid is not None
    assert result.changed == (() if choice == "mine" else ("sembuh",))
    assert store.open_conflicts() == []
    assert store.load_day(FACILITY, FORM, DAY).values["sembuh"] == value
    history = store.cell_history(FACILITY, FORM.id, DAY, "sembuh")
    assert (history[-1].author, history[-1].new) == ("Ani", value)
    assert store.freeze_outbox() == 1
    assert payload(only_item(store))["x"] == {"sembuh": [value, 12, 77]}
    with pytest.raises(StoreError):
        store.settle_conflict(c.id, value, author="Ani")


def test_pull_never_overwrites_a_local_edit(store: Store) -> None:
    store.save_day(FACILITY, FORM, DAY, {"kasus_baru": 1}, author="Ani")
    page = PullPage(
        30,
        False,
        "2026-11-22T00:00:00Z",
        (
            PullGroup(
                FACILITY,
                FORM.id,
                DAY,
                (PullCell("kasus_baru", 4, 20), PullCell("sembuh", 6, 21)),
                by="Camat",
                at="2026-11-21T09:00:00Z",
            ),
        ),
    )
    outcome = store.apply_pull(page)
    assert (outcome.taken, outcome.new_conflicts) == (1, 1)
    day = store.load_day(FACILITY, FORM, DAY)
    assert day.values == {"kasus_baru": 1, "sembuh": 6}
    [c] = store.open_conflicts()
    assert (c.server_id, c.mine, c.theirs, c.theirs_rev, c.theirs_by) == (None, 1, 4, 20, "Camat")
    # The pulled value is in the local history, by its author, from the server.
    [row] = store.cell_history(FACILITY, FORM.id, DAY, "sembuh")
    assert (row.author, row.device, row.new) == ("Camat", "server", 6)
    assert store.pull_cursor() == 30
    assert store.day_sync_states(FACILITY, None, DAY, DAY) == {DAY: "konflik"}
    # Our push then meets the server's conflict: the same local conflict gets its server id.
    store.freeze_outbox()
    item = only_item(store)
    assert payload(item)["x"] == {"kasus_baru": 1}  # base 0: the server will see a conflict
    conflict = CellReceipt("conflict", 20, conflict_id=9, value=4, by="Camat", at=None)
    out = store.apply_receipts(
        [(item, SubmissionReceipt("applied", None, {"kasus_baru": conflict}))]
    )
    assert out.new_conflicts == 0
    [c] = store.open_conflicts()
    assert c.server_id == 9


def test_pull_takes_values_marks_complete_and_agrees(store: Store) -> None:
    store.save_day(FACILITY, FORM, DAY, {"kasus_baru": 1}, author="Ani")
    store.freeze_outbox()
    store.apply_receipts([(only_item(store), applied(10, "kasus_baru"))])
    group = PullGroup(
        FACILITY, FORM.id, DAY, (PullCell("kasus_baru", 2, 11),), by="Camat", complete=True
    )
    store.apply_pull(PullPage(11, False, "", (group,)))
    day = store.load_day(FACILITY, FORM, DAY)
    assert day.values == {"kasus_baru": 2} and day.status == "lengkap"
    assert states(store) == {"kasus_baru": "sent"}
    assert store.day_sync_states(FACILITY, FORM.id, DAY, DAY) == {DAY: "terkirim"}
    # A page for an older cursor (a retried request) never moves the cursor back.
    store.apply_pull(PullPage(5, False, "", ()))
    assert store.pull_cursor() == 11


def test_conflict_closes_when_the_server_comes_to_agree(store: Store) -> None:
    store.save_day(FACILITY, FORM, DAY, {"sembuh": 2}, author="Ani")
    store.freeze_outbox()
    conflict = CellReceipt("conflict", 12, conflict_id=77, value=5, by="Budi", at=None)
    store.apply_receipts(
        [(only_item(store), SubmissionReceipt("applied", None, {"sembuh": conflict}))]
    )
    group = PullGroup(FACILITY, FORM.id, DAY, (PullCell("sembuh", 2, 13),), by="Budi")
    store.apply_pull(PullPage(13, False, "", (group,)))
    assert store.open_conflicts() == []
    # The server's conflict is still open: the next push closes it ([value, rev, k]).
    store.freeze_outbox()
    assert payload(only_item(store))["x"] == {"sembuh": [2, 13, 77]}


def test_rejected_submissions_rekey_wait_or_set_aside(store: Store) -> None:
    for unit in (FACILITY, OTHER_FACILITY):
        store.save_day(unit, FORM, DAY, {"kasus_baru": 1}, author="Ani")
    store.save_day(FACILITY, FORM, DAY + timedelta(days=1), {"kasus_baru": 2}, author="Ani")
    store.freeze_outbox()
    items = {(i.org_unit, i.period): i for i in store.push_batch(10)}
    reused = items[(FACILITY, DAY)]
    aside = items[(OTHER_FACILITY, DAY)]
    waiting = items[(FACILITY, DAY + timedelta(days=1))]
    outcome = store.apply_receipts(
        [
            (reused, SubmissionReceipt("rejected", reason="id_reused")),
            (aside, SubmissionReceipt("rejected", reason="not_allowed")),
            (waiting, SubmissionReceipt("rejected", reason="unknown_form_version")),
        ]
    )
    assert (outcome.rekeyed, outcome.set_aside, outcome.waiting) == (1, 1, 1)
    [again] = store.push_batch(10)
    assert again.payload == reused.payload and again.seq > max(i.seq for i in items.values())
    assert again.uuid == submission_id(store.device_id(), again.seq)
    [row] = store.set_aside()
    assert (row.org_unit, row.indicator, row.value, row.reason) == (
        OTHER_FACILITY,
        None,
        None,
        "not_allowed",
    )
    assert row.message == REASONS["not_allowed"]
    assert store.day_sync_states(OTHER_FACILITY, FORM.id, DAY, DAY) == {DAY: "ditolak"}
    # The waiting day blocks a new item for that day until the server knows the version.
    store.save_day(FACILITY, FORM, DAY + timedelta(days=1), {"sembuh": 1}, author="Ani")
    assert store.freeze_outbox() == 0
    assert store.release_waiting() == 1
    assert len(store.push_batch(10)) == 2


def test_an_edit_of_a_conflicted_cell_waits_for_the_settlement(store: Store) -> None:
    store.save_day(FACILITY, FORM, DAY, {"sembuh": 2, "kasus_baru": 1}, author="Ani")
    store.freeze_outbox()
    conflict = CellReceipt("conflict", 12, conflict_id=77, value=5, by="Budi", at=None)
    receipt = SubmissionReceipt(
        "applied", 30, {"sembuh": conflict, "kasus_baru": CellReceipt("applied", 30)}
    )
    store.apply_receipts([(only_item(store), receipt)])
    # Typed over the conflicted cell (and another cell) instead of using the dialog.
    store.save_day(FACILITY, FORM, DAY, {"sembuh": 3, "kasus_baru": 4}, author="Ani")
    assert store.freeze_outbox() == 1
    assert payload(only_item(store))["x"] == {"kasus_baru": 4}  # the conflicted cell waits
    store.apply_receipts([(only_item(store), applied(31, "kasus_baru"))])
    assert store.freeze_outbox() == 0
    [c] = store.open_conflicts()
    assert (c.mine, c.theirs) == (3, 5)
    assert store.day_sync_states(FACILITY, FORM.id, DAY, DAY) == {DAY: "konflik"}
    assert store.sync_summary().unsent == 1
    store.settle_conflict(c.id, c.mine, author="Ani")
    assert store.freeze_outbox() == 1
    assert payload(only_item(store))["x"] == {"sembuh": [3, 12, 77]}


def test_a_restored_backup_pulls_everything_again(tmp_path: Path) -> None:
    from sync.store import restore_latest_backup
    from sync.store.backup import make_backup

    data = tmp_path / "data"
    with Store.open(data, clock=Clock()) as s:
        s.load_demo_org_units()
        s.register_form(FORM)
        assert not s.has_pulled() and s.pull_cursor() == 0
        s.apply_pull(PullPage(0, False, "", ()))  # an empty first pull still counts
        assert s.has_pulled() and s.pull_cursor() == 0
        s.apply_pull(PullPage(40, False, "", ()))
        conn = sqlite3.connect(s.path)
        try:
            make_backup(conn, data, "0003", s.now())
        finally:
            conn.close()
    restore_latest_backup(data)
    with Store.open(data, clock=Clock()) as s:
        # Cells this device sent after the backup are on the server only: take them all.
        assert not s.has_pulled() and s.pull_cursor() == 0


def test_pull_never_overwrites_a_value_in_flight(store: Store) -> None:
    store.save_day(FACILITY, FORM, DAY, {"kasus_baru": 1}, author="Ani")
    store.freeze_outbox()
    assert states(store) == {"kasus_baru": "pending"}
    group = PullGroup(FACILITY, FORM.id, DAY, (PullCell("kasus_baru", 8, 20),), by="Camat")
    outcome = store.apply_pull(PullPage(20, False, "", (group,)))
    assert (outcome.taken, outcome.new_conflicts) == (0, 1)
    assert store.load_day(FACILITY, FORM, DAY).values == {"kasus_baru": 1}
    assert states(store) == {"kasus_baru": "pending"}
    assert [h.new for h in store.cell_history(FACILITY, FORM.id, DAY, "kasus_baru")] == [1]
