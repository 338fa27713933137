"""A damaged kabar.db: refused with a clear error, the latest backup restored, the damaged file
kept aside; or, without a backup, set aside so the app can start empty."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from forms.model import FormDefinition
from sync.integrity import quick_check_ok
from sync.store import (
    Store,
    StoreDamagedError,
    list_backups,
    restore_latest_backup,
    set_aside_damaged,
)

from .conftest import FACILITY, Clock, raw

DAY = date(2021, 7, 1)


def store_with_backup(data_dir: Path, form: FormDefinition, clock: Clock, days: int = 2) -> None:
    """A store opened on ``days`` days, saving kasus_baru = 7, 8, ... once a day; the daily
    backup on each later open holds the value saved the day before."""
    for i in range(days):
        with Store.open(data_dir, clock=clock) as store:
            store.load_demo_org_units()
            store.save_day(FACILITY, form, DAY, {"kasus_baru": 7 + i}, author="Ani")
        clock.advance(days=1)
    # A new file needs no backup; every later day's first open takes one.
    assert len(list_backups(data_dir)) == days - 1


def garbage(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def truncate(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2 + 100)


def clobber_pages(path: Path) -> None:
    """Keep the header, overwrite the schema and data pages: SQLite opens it, quick_check fails."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page * 1 + 100 : page * 1 + 900] = os.urandom(800)
    data[100:page] = os.urandom(page - 100)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [garbage, truncate, clobber_pages])
def test_damaged_file_is_refused_then_the_latest_backup_restored(
    data_dir: Path, form: FormDefinition, clock: Clock, damage: object
) -> None:
    store_with_backup(data_dir, form, clock)
    path = data_dir / "kabar.db"
    damage(path)  # type: ignore[operator]
    damaged_bytes = path.read_bytes()

    with pytest.raises(StoreDamagedError) as caught:
        Store.open(data_dir, clock=clock)
    err = caught.value
    assert err.path == path
    assert err.backups == list_backups(data_dir)
    assert len(err.backups) == 1
    assert "rusak" in err.message.id and "cadangan" in err.message.id
    assert "damaged" in err.message.en and "backup" in err.message.en

    restored = restore_latest_backup(data_dir)
    assert restored == err.backups[0]
    aside = [p for p in data_dir.iterdir() if p.name.startswith("kabar.db.damaged-")]
    assert [p.read_bytes() for p in aside if not p.name.endswith(("-wal", "-shm"))] == [
        damaged_bytes
    ]
    with Store.open(data_dir, clock=clock) as store:
        # The value from before the last backup is back; the later edit is lost with the file.
        assert store.load_day(FACILITY, form, DAY).values == {"kasus_baru": 7}


def test_an_emptied_file_with_backups_counts_as_damaged(
    data_dir: Path, form: FormDefinition, clock: Clock
) -> None:
    store_with_backup(data_dir, form, clock)
    (data_dir / "kabar.db").write_bytes(b"")
    with pytest.raises(StoreDamagedError):
        Store.open(data_dir, clock=clock)


def test_restore_skips_a_damaged_backup(data_dir: Path, form: FormDefinition, clock: Clock) -> None:
    store_with_backup(data_dir, form, clock, days=3)
    newest, older = list_backups(data_dir)
    garbage(newest)
    garbage(data_dir / "kabar.db")
    assert restore_latest_backup(data_dir) == older
    assert raw(data_dir / "kabar.db", "PRAGMA quick_check") == [("ok",)]


def test_without_a_backup_the_damaged_file_is_set_aside(data_dir: Path, clock: Clock) -> None:
    data_dir.mkdir()
    path = data_dir / "kabar.db"
    garbage(path)
    original = path.read_bytes()
    with pytest.raises(StoreDamagedError) as caught:
        Store.open(data_dir, clock=clock)
    # As if a crashed Kabar had left its write-ahead log behind: it goes aside with the file.
    (data_dir / "kabar.db-wal").write_bytes(b"wal bytes")
    assert caught.value.backups == []
    assert "belum ada cadangan" in caught.value.message.id
    with pytest.raises(StoreDamagedError):
        restore_latest_backup(data_dir)
    assert path.read_bytes() == original  # a failed restore touches nothing

    aside = set_aside_damaged(data_dir)
    assert aside.read_bytes() == original
    assert aside.with_name(aside.name + "-wal").read_bytes() == b"wal bytes"
    assert not path.exists() and not (data_dir / "kabar.db-wal").exists()
    with Store.open(data_dir, clock=clock) as store:
        assert store.outbox_count() == 0
    # A second damaged file on the same second does not overwrite the first one set aside.
    garbage(path)
    assert set_aside_damaged(data_dir) != aside
    assert aside.read_bytes() == original


def test_a_locked_database_is_not_called_damaged(data_dir: Path, clock: Clock) -> None:
    import sqlite3

    from sync.store import StoreError

    Store.open(data_dir, clock=clock).close()
    holder = sqlite3.connect(str(data_dir / "kabar.db"), isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")  # leave WAL so an exclusive lock blocks reads
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as caught:
            Store.open(data_dir, clock=clock)
        assert not isinstance(caught.value, StoreDamagedError)
        assert "jendela Kabar lain" in caught.value.message.id
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def clobber_table(path: Path, table: str) -> None:
    """Overwrite the root page of one table: only reading that table finds the damage."""
    [(root,)] = raw(path, "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
    [(page_size,)] = raw(path, "PRAGMA page_size")
    data = bytearray(path.read_bytes())
    start = (int(root) - 1) * int(page_size)  # type: ignore[call-overload]
    data[start : start + int(page_size)] = b"\xa5" * int(page_size)  # type: ignore[call-overload]
    path.write_bytes(bytes(data))


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the full integrity checks start-up runs."""
    from sync.store import opening

    calls: list[int] = []
    real = opening._quick_check

    def counted(conn: object) -> str | None:
        calls.append(1)
        return real(conn)  # type: ignore[arg-type]

    monkeypatch.setattr(opening, "_quick_check", counted)
    return calls


@pytest.fixture
def only_when_in_doubt(monkeypatch: pytest.MonkeyPatch) -> None:
    """The optional mode: check only when there is a reason to doubt the file."""
    from sync.store import opening

    monkeypatch.setattr(opening, "ALWAYS_QUICK_CHECK", False)


def test_every_start_checks_an_existing_file_by_default(
    data_dir: Path, form: FormDefinition, clock: Clock, checks: list[int]
) -> None:
    with Store.open(data_dir, clock=clock) as store:  # new file: nothing to check
        store.load_demo_org_units()
        store.save_day(FACILITY, form, DAY, {"kasus_baru": 7}, author="Ani")
    assert checks == []
    for expected in (1, 2, 3):  # closed cleanly and backed up today, still checked
        clock.advance(hours=1)
        Store.open(data_dir, clock=clock).close()
        assert len(checks) == expected


def test_a_check_just_passed_is_not_repeated(
    data_dir: Path, form: FormDefinition, clock: Clock, checks: list[int]
) -> None:
    with Store.open(data_dir, clock=clock) as store:
        store.load_demo_org_units()
        store.save_day(FACILITY, form, DAY, {"kasus_baru": 7}, author="Ani")
    assert quick_check_ok(data_dir / "kabar.db")
    Store.open(data_dir, clock=clock, checked=True).close()
    assert checks == []


def test_the_early_check_never_passes_a_damaged_missing_or_foreign_file(
    data_dir: Path, form: FormDefinition, clock: Clock, tmp_path: Path
) -> None:
    assert not quick_check_ok(tmp_path / "nothing-here.db")
    assert not (tmp_path / "nothing-here.db").exists()  # looking never creates a file
    text = tmp_path / "notes.db"
    text.write_text("catatan, bukan basis data\n" * 100, encoding="utf-8")
    assert not quick_check_ok(text)
    store_with_backup(data_dir, form, clock)
    assert quick_check_ok(data_dir / "kabar.db")
    clobber_table(data_dir / "kabar.db", "cells")
    assert not quick_check_ok(data_dir / "kabar.db")
    # What the app does with a failed early check: open without checked=True, which finds it.
    with pytest.raises(StoreDamagedError):
        Store.open(data_dir, clock=clock, checked=False)


@pytest.mark.usefixtures("only_when_in_doubt")
def test_full_check_only_when_there_is_a_reason(
    data_dir: Path, form: FormDefinition, clock: Clock, checks: list[int]
) -> None:
    with Store.open(data_dir, clock=clock) as store:  # new file: nothing to check
        store.load_demo_org_units()
        store.save_day(FACILITY, form, DAY, {"kasus_baru": 7}, author="Ani")
    assert checks == []
    clock.advance(hours=1)
    Store.open(data_dir, clock=clock).close()  # first backup is due: checked first
    assert len(checks) == 1
    clock.advance(hours=1)
    Store.open(data_dir, clock=clock).close()  # closed cleanly, backed up today: no check
    assert len(checks) == 1
    (data_dir / "kabar.db-wal").write_bytes(b"")  # as if the last session had crashed
    Store.open(data_dir, clock=clock).close()
    assert len(checks) == 2
    clock.advance(days=1)
    Store.open(data_dir, clock=clock).close()  # the daily backup
    assert len(checks) == 3


def test_a_damaged_file_is_never_backed_up(
    data_dir: Path, form: FormDefinition, clock: Clock
) -> None:
    store_with_backup(data_dir, form, clock)
    before = list_backups(data_dir)
    clobber_table(data_dir / "kabar.db", "cells")
    with pytest.raises(StoreDamagedError):
        Store.open(data_dir, clock=clock)  # a day later: a backup is due, so checked first
    assert list_backups(data_dir) == before


@pytest.mark.usefixtures("only_when_in_doubt")
def test_damage_met_while_running_is_reported_and_checked_at_the_next_start(
    data_dir: Path, form: FormDefinition, clock: Clock
) -> None:
    store_with_backup(data_dir, form, clock)
    Store.open(data_dir, clock=clock).close()  # today's backup taken
    clobber_table(data_dir / "kabar.db", "cells")
    store = Store.open(data_dir, clock=clock)  # closed cleanly, backed up today: not checked
    try:
        with pytest.raises(StoreDamagedError) as caught:
            store.load_day(FACILITY, form, DAY)
        assert caught.value.during_use
        assert "Tutup Kabar lalu buka lagi" in caught.value.message.id
    finally:
        store.close()
    with pytest.raises(StoreDamagedError) as at_start:
        Store.open(data_dir, clock=clock)
    assert not at_start.value.during_use
    restore_latest_backup(data_dir)
    with Store.open(data_dir, clock=clock) as store:
        assert store.load_day(FACILITY, form, DAY).values == {"kasus_baru": 8}
    assert not (data_dir / "kabar.db.needs-check").exists()
