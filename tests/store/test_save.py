"""save_day: one transaction, audit old -> new, status transitions, nothing written when nothing
changed, and clear refusals for values the form cannot hold."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from forms.model import FormDefinition
from sync.store import Store, StoreError
from sync.store import store as store_module

from .conftest import FACILITY, Clock, raw

DAY = date(2021, 7, 1)


def counts(store: Store) -> dict[str, int]:
    tables = ("cells", "audit", "submissions", "outbox", "day_status")
    return {t: raw(store.path, f"SELECT count(*) FROM {t}")[0][0] for t in tables}  # type: ignore[misc]


def test_first_save_writes_cells_audit_submission_and_outbox(
    store: Store, form: FormDefinition, clock: Clock
) -> None:
    result = store.save_day(
        FACILITY,
        form,
        DAY,
        {"kasus_baru": 3, "suhu": Decimal("4.50"), "listrik": True, "catatan": "genset"},
        author="Ani",
    )
    assert result.submission_uuid is not None
    assert result.changed == ("kasus_baru", "suhu", "listrik", "catatan")
    assert result.status == "draf"
    assert counts(store) == {"cells": 4, "audit": 4, "submissions": 1, "outbox": 1, "day_status": 1}
    stored = dict(raw(store.path, "SELECT indicator, value FROM cells"))  # type: ignore[arg-type]
    assert stored == {"kasus_baru": "3", "suhu": "4.5", "listrik": "1", "catatan": "genset"}
    [submission] = raw(
        store.path,
        "SELECT uuid, author, device, form_version, complete, created_at FROM submissions",
    )
    assert submission == (
        result.submission_uuid,
        "Ani",
        store.device_id(),
        1,
        0,
        "2021-07-01 08:00:00.000000",
    )
    assert raw(store.path, "SELECT submission_uuid, state FROM outbox") == [
        (result.submission_uuid, "pending")
    ]
    assert store.outbox_count() == 1

    day = store.load_day(FACILITY, form, DAY)
    assert day.values == {
        "kasus_baru": 3,
        "suhu": Decimal("4.5"),
        "listrik": True,
        "catatan": "genset",
    }
    assert day.status == "draf"
    meta = day.cells["suhu"]
    assert (meta.status, meta.sync_state, meta.updated_at) == ("draft", "local", clock.now)


def test_audit_records_old_new_who_and_when(
    store: Store, form: FormDefinition, clock: Clock
) -> None:
    first = store.save_day(FACILITY, form, DAY, {"kasus_baru": 3}, author="Ani")
    t1 = clock.now
    clock.advance(minutes=5)
    second = store.save_day(FACILITY, form, DAY, {"kasus_baru": 5}, author="Budi")
    clock.advance(minutes=5)
    third = store.save_day(FACILITY, form, DAY, {"kasus_baru": None}, author="Citra")
    history = store.cell_history(FACILITY, form.id, DAY, "kasus_baru")
    assert [(h.old, h.new, h.author, h.action, h.submission_uuid) for h in history] == [
        (None, 3, "Ani", "edit", first.submission_uuid),
        (3, 5, "Budi", "edit", second.submission_uuid),
        (5, None, "Citra", "edit", third.submission_uuid),
    ]
    assert history[0].at == t1
    assert history[2].at == clock.now
    assert {h.device for h in history} == {store.device_id()}


def test_cleared_is_kept_apart_from_never_entered(store: Store, form: FormDefinition) -> None:
    store.save_day(FACILITY, form, DAY, {"kasus_baru": 3, "sembuh": None}, author="Ani")
    day = store.load_day(FACILITY, form, DAY)
    # None for a field never entered is not a change: no row, no audit.
    assert "sembuh" not in day.values
    store.save_day(FACILITY, form, DAY, {"kasus_baru": None}, author="Ani")
    day = store.load_day(FACILITY, form, DAY)
    assert day.values == {"kasus_baru": None}
    assert raw(store.path, "SELECT indicator, value FROM cells") == [("kasus_baru", None)]
    assert day.status == "draf"


def test_saving_the_same_values_writes_nothing(store: Store, form: FormDefinition) -> None:
    store.save_day(FACILITY, form, DAY, {"kasus_baru": 3, "suhu": Decimal("4.5")}, author="Ani")
    before = counts(store)
    again = store.save_day(
        FACILITY,
        form,
        DAY,
        {"kasus_baru": 3, "suhu": Decimal("4.50"), "sembuh": None},
        author="Budi",
    )
    assert again.submission_uuid is None
    assert again.changed == ()
    assert again.status == "draf"
    assert counts(store) == before


def test_an_empty_save_on_an_empty_day_writes_nothing(store: Store, form: FormDefinition) -> None:
    result = store.save_day(FACILITY, form, DAY, {"kasus_baru": None}, author="Ani")
    assert (result.submission_uuid, result.status) == (None, "kosong")
    assert counts(store)["submissions"] == 0
    assert store.load_day(FACILITY, form, DAY).status == "kosong"


def test_status_transitions_complete_reopen_complete(store: Store, form: FormDefinition) -> None:
    store.save_day(FACILITY, form, DAY, {"kasus_baru": 3}, author="Ani")
    done = store.save_day(FACILITY, form, DAY, {"kasus_baru": 3}, author="Ani", complete=True)
    assert done.submission_uuid is not None
    assert (done.changed, done.status) == ((), "lengkap")
    day = store.load_day(FACILITY, form, DAY)
    assert day.status == "lengkap"
    assert day.cells["kasus_baru"].status == "complete"
    assert raw(store.path, "SELECT completed_by FROM day_status") == [("Ani",)]

    # Complete again with nothing changed: nothing to write.
    same = store.save_day(FACILITY, form, DAY, {"kasus_baru": 3}, author="Ani", complete=True)
    assert (same.submission_uuid, same.status) == (None, "lengkap")
    # Unchanged values without complete do not reopen the day.
    kept = store.save_day(FACILITY, form, DAY, {"kasus_baru": 3}, author="Ani")
    assert (kept.submission_uuid, kept.status) == (None, "lengkap")

    reopened = store.save_day(FACILITY, form, DAY, {"kasus_baru": 4}, author="Budi")
    assert (reopened.changed, reopened.status) == (("kasus_baru",), "draf")
    day = store.load_day(FACILITY, form, DAY)
    assert day.status == "draf"
    assert day.cells["kasus_baru"].status == "draft"
    assert raw(store.path, "SELECT completed_by, completed_at FROM day_status") == [(None, None)]

    store.save_day(FACILITY, form, DAY, {"kasus_baru": 5}, author="Citra", complete=True)
    history = store.day_history(FACILITY, form.id, DAY)
    assert [(h.indicator, h.old, h.new, h.action, h.author) for h in history] == [
        ("kasus_baru", None, 3, "edit", "Ani"),
        (None, "draft", "complete", "complete", "Ani"),
        ("kasus_baru", 3, 4, "edit", "Budi"),
        (None, "complete", "draft", "reopen", "Budi"),
        ("kasus_baru", 4, 5, "edit", "Citra"),
        (None, "draft", "complete", "complete", "Citra"),
    ]
    assert store.outbox_count() == 4
    flags = raw(store.path, "SELECT complete FROM submissions ORDER BY rowid")
    assert flags == [(0,), (1,), (0,), (1,)]


def test_completing_an_untouched_day(store: Store, form: FormDefinition) -> None:
    result = store.save_day(FACILITY, form, DAY, {}, author="Ani", complete=True)
    assert result.submission_uuid is not None
    assert result.status == "lengkap"
    [row] = store.day_history(FACILITY, form.id, DAY)
    assert (row.old, row.new, row.action) == (None, "complete", "complete")


def test_unknown_indicator_is_refused(store: Store, form: FormDefinition) -> None:
    with pytest.raises(StoreError) as caught:
        store.save_day(FACILITY, form, DAY, {"kasus_baru": 1, "tidak_ada": 2}, author="Ani")
    assert "tidak_ada" in caught.value.message.id
    assert "tidak_ada" in caught.value.message.en
    assert counts(store)["cells"] == 0


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("kasus_baru", "3"),
        ("kasus_baru", True),
        ("kasus_baru", Decimal("3")),
        ("suhu", 4.5),
        ("suhu", Decimal("NaN")),
        ("listrik", 1),
        ("kondisi", "hilang"),
        ("kondisi", 1),
        ("catatan", 5),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(
    store: Store, form: FormDefinition, code: str, value: object
) -> None:
    with pytest.raises(StoreError) as caught:
        store.save_day(FACILITY, form, DAY, {"sembuh": 1, code: value}, author="Ani")  # type: ignore[dict-item]
    assert code in caught.value.message.id
    assert counts(store)["cells"] == 0


def test_an_int_is_accepted_for_a_decimal(store: Store, form: FormDefinition) -> None:
    store.save_day(FACILITY, form, DAY, {"suhu": 4}, author="Ani")
    assert store.load_day(FACILITY, form, DAY).values == {"suhu": Decimal(4)}


def test_unknown_org_unit_and_empty_author_are_refused(store: Store, form: FormDefinition) -> None:
    with pytest.raises(StoreError, match="not known"):
        store.save_day("P999", form, DAY, {"kasus_baru": 1}, author="Ani")
    with pytest.raises(StoreError, match="officer"):
        store.save_day(FACILITY, form, DAY, {"kasus_baru": 1}, author="  ")
    assert counts(store)["submissions"] == 0


def test_a_failing_audit_insert_leaves_nothing_written(store: Store, form: FormDefinition) -> None:
    """A fault inside SQLite after the cells are written: the whole save rolls back."""
    store.save_day(FACILITY, form, DAY, {"kasus_baru": 3}, author="Ani")
    before = counts(store)
    conn = sqlite3.connect(str(store.path))
    with conn:
        conn.execute(
            "CREATE TRIGGER fail_audit BEFORE INSERT ON audit "
            "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
        )
    conn.close()
    with pytest.raises(sqlite3.IntegrityError, match="injected fault"):
        store.save_day(
            FACILITY, form, DAY, {"kasus_baru": 4, "sembuh": 2}, author="Budi", complete=True
        )
    assert counts(store) == before
    day = store.load_day(FACILITY, form, DAY)
    assert (day.values, day.status) == ({"kasus_baru": 3}, "draf")
    assert store.outbox_count() == 1


def test_a_python_fault_mid_save_leaves_nothing_written(
    store: Store, form: FormDefinition, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug between the cell upsert and the outbox row: nothing of the save remains."""
    monkeypatch.setattr(store_module.q, "INSERT_OUTBOX", "INSERT INTO no_such_table VALUES (?, ?)")
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        store.save_day(FACILITY, form, DAY, {"kasus_baru": 4}, author="Budi")
    assert counts(store) == {"cells": 0, "audit": 0, "submissions": 0, "outbox": 0, "day_status": 0}
    monkeypatch.undo()
    # The store is still usable afterwards (the connection was not left inside a transaction).
    result = store.save_day(FACILITY, form, DAY, {"kasus_baru": 4}, author="Budi")
    assert result.submission_uuid is not None


def test_audit_rows_cannot_be_changed_or_deleted(store: Store, form: FormDefinition) -> None:
    store.save_day(FACILITY, form, DAY, {"kasus_baru": 3}, author="Ani")
    conn = sqlite3.connect(str(store.path))
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit SET new = '999'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit")
    finally:
        conn.close()
    assert raw(store.path, "SELECT new FROM audit") == [("3",)]


def test_register_form_is_idempotent_per_version_and_text(
    store: Store, form: FormDefinition
) -> None:
    from dataclasses import replace

    store.register_form(form)
    store.register_form(replace(form))
    assert raw(store.path, "SELECT form_id, version FROM form_versions") == [(form.id, 1)]
    store.register_form(replace(form, version=2))
    store.register_form(replace(form, source_text="id: harian-uji\nversion: 1\n"))
    assert len(raw(store.path, "SELECT 1 FROM form_versions")) == 3
    # A new Store (new process) does not register the same version twice either.
    path = store.path
    store.close()
    with Store.open(path.parent) as again:
        again.register_form(form)
    assert len(raw(path, "SELECT 1 FROM form_versions")) == 3


def test_a_recorded_form_version_is_not_hashed_or_written_again_at_the_next_start(
    store: Store, form: FormDefinition, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start-up registers every built-in form: a version already recorded with exactly this
    text takes its fingerprint from the table (no hashlib, no write transaction)."""
    from dataclasses import replace

    form = replace(form, source_text="id: harian-uji\nversion: 1\n")  # as loaded from YAML
    store.register_form(form)
    sha = store_module.form_sha256(form)
    assert (sha,) in raw(store.path, "SELECT sha256 FROM form_versions")
    before = len(raw(store.path, "SELECT 1 FROM form_versions"))
    path = store.path
    store.close()

    def no_hashing(_form: FormDefinition) -> str:
        raise AssertionError("a recorded form version was hashed again")

    monkeypatch.setattr(store_module, "form_sha256", no_hashing)
    with Store.open(path.parent) as again:
        writes: list[str] = []
        monkeypatch.setattr(again, "_write", lambda *a, **k: writes.append("write"))
        again.register_form(replace(form))  # an equal copy, as a new process loads it
        assert writes == []
        # saves carry the recorded fingerprint
        assert again._sha_of(again._form(form.id)) == sha
    # a form built in code (no text) is still hashed: nothing to look it up by
    # a changed text under the same version is hashed (and recorded) as before
    monkeypatch.undo()
    with Store.open(path.parent) as third:
        third.register_form(replace(form, source_text=form.source_text + "\n# komentar\n"))
    assert len(raw(path, "SELECT 1 FROM form_versions")) == before + 1


def test_settings_and_device_id(store: Store) -> None:
    device = store.device_id()
    assert len(device) == 36
    assert store.get_setting("petugas") is None
    assert store.get_setting("petugas", "x") == "x"
    store.set_setting("petugas", "Ani")
    assert store.get_setting("petugas") == "Ani"
    store.set_setting("petugas", None)
    assert store.get_setting("petugas") is None
    with pytest.raises(ValueError):
        store.set_setting("device_id", "other")
    path = store.path
    store.close()
    with Store.open(path.parent) as again:
        assert again.device_id() == device


def test_org_units(store: Store) -> None:
    units = store.org_units()
    assert len(units) == 11
    unit = store.org_unit(FACILITY)
    assert unit is not None
    assert (unit.name, unit.level, unit.parent_code, unit.type) == (
        "Puskesmas Sangatta Utara",
        "puskesmas",
        "64.08.04",
        "puskesmas",
    )
    province = store.org_unit("64")
    assert province is not None and province.parent_code is None and province.type is None
    assert store.org_unit("nope") is None
    from sync.store import OrgUnitRow

    store.upsert_org_units(
        [OrgUnitRow(FACILITY, "PKM Sangatta Utara", "puskesmas", "64.08.04", "puskesmas")]
    )
    assert store.org_unit(FACILITY).name == "PKM Sangatta Utara"  # type: ignore[union-attr]
    assert len(store.org_units()) == 11


def test_closed_store_refuses_calls(store: Store, form: FormDefinition) -> None:
    store.close()
    with pytest.raises(RuntimeError, match="closed"):
        store.load_day(FACILITY, form, DAY)


def test_disk_full_gives_a_clear_error_and_loses_nothing(
    store: Store, form: FormDefinition
) -> None:
    """SQLITE_FULL (here: the file may not grow) mid-save: StoreError, nothing half written."""
    store.save_day(FACILITY, form, DAY, {"kasus_baru": 3}, author="Ani")
    before = counts(store)
    with store._pool.write() as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    # Every pooled connection may now only use the pages the file already has.
    limited = []
    for _ in range(4):
        conn = store._pool._checkout()
        conn.execute(f"PRAGMA max_page_count = {pages}")
        limited.append(conn)
    for conn in limited:
        store._pool._checkin(conn)
    note = "catatan panjang " * 2000
    with pytest.raises(StoreError) as caught:
        store.save_day(FACILITY, form, DAY, {"kasus_baru": 4, "catatan": note}, author="Ani")
    assert "Disk penuh" in caught.value.message.id
    assert "disk is full" in caught.value.message.en
    assert counts(store) == before
    assert store.load_day(FACILITY, form, DAY).values == {"kasus_baru": 3}


def test_a_data_dir_that_cannot_be_made_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "bukan-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        Store.open(blocker / "data")
    assert "tidak dapat dibuat" in caught.value.message.id
    assert "--data-dir" in caught.value.message.en


def test_a_form_version_first_seen_in_a_failed_save_is_registered_by_the_next(
    store: Store, form: FormDefinition, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    newer = replace(form, version=2)
    monkeypatch.setattr(store_module.q, "INSERT_OUTBOX", "INSERT INTO no_such_table VALUES (?, ?)")
    with pytest.raises(sqlite3.OperationalError):
        store.save_day(FACILITY, newer, DAY, {"kasus_baru": 1}, author="Ani")
    monkeypatch.undo()
    assert raw(store.path, "SELECT version FROM form_versions") == [(1,)]
    store.save_day(FACILITY, newer, DAY, {"kasus_baru": 1}, author="Ani")
    assert raw(store.path, "SELECT version FROM form_versions ORDER BY version") == [(1,), (2,)]
