"""What survives: a process killed without close(), concurrent threads, daily backups, and the
ORM models reading exactly what the Store wrote."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.model import FormDefinition
from sync.store import HEAD_REVISION, Store, list_backups
from sync.store.backup import KEEP_BACKUPS
from sync.store.engine import make_engine
from sync.store.models import Audit, Cell, DayStatus

from .conftest import FACILITY, Clock, make_form

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2021, 7, 1)

CRASHING_WRITER = """
import os, sys
from datetime import date
from pathlib import Path
from tests.store.conftest import FACILITY, make_form
from sync.store import Store

store = Store.open(Path(sys.argv[1]))
store.load_demo_org_units()
form = make_form()
for i in range(1, 6):
    store.save_day(FACILITY, form, date(2021, 7, i), {"kasus_baru": i}, author="Ani")
print("saved", flush=True)
os._exit(0)  # no close(), no checkpoint, no interpreter clean-up: like a power cut
"""


def test_saved_values_survive_a_killed_process(data_dir: Path, form: FormDefinition) -> None:
    out = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER, str(data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "saved"
    assert (data_dir / "kabar.db-wal").exists()  # the saves live in the WAL only
    with Store.open(data_dir) as store:
        for i in range(1, 6):
            assert store.load_day(FACILITY, form, date(2021, 7, i)).values == {"kasus_baru": i}
        assert store.outbox_count() == 5


def test_reopen_without_close_in_the_same_process(data_dir: Path, form: FormDefinition) -> None:
    first = Store.open(data_dir)
    first.load_demo_org_units()
    first.save_day(FACILITY, form, DAY, {"suhu": Decimal("3.5")}, author="Ani")
    second = Store.open(data_dir)  # the first one is never closed
    try:
        assert second.load_day(FACILITY, form, DAY).values == {"suhu": Decimal("3.5")}
    finally:
        second.close()
        first.close()


def test_two_writer_threads_and_readers_do_not_lock_each_other_out(
    store: Store, form: FormDefinition
) -> None:
    errors: list[BaseException] = []
    reads = [0]
    stop = threading.Event()

    def writer(offset: int) -> None:
        try:
            for i in range(40):
                day = DAY + timedelta(days=offset * 100 + i % 10)
                store.save_day(
                    FACILITY, form, day, {"kasus_baru": i, "sembuh": offset}, author=f"T{offset}"
                )
        except BaseException as exc:
            errors.append(exc)

    def reader() -> None:
        try:
            while not stop.is_set():
                store.day_statuses(FACILITY, [form.id], DAY, DAY + timedelta(days=120))
                store.load_day(FACILITY, form, DAY)
                store.outbox_count()
                reads[0] += 1
        except BaseException as exc:
            errors.append(exc)

    writers = [threading.Thread(target=writer, args=(n,)) for n in (0, 1)]
    readers = [threading.Thread(target=reader) for _ in range(2)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join(timeout=60)
    stop.set()
    for t in readers:
        t.join(timeout=60)
    assert errors == []
    assert reads[0] > 0
    assert store.outbox_count() == 80
    for offset in (0, 1):
        for i in range(30, 40):
            day = DAY + timedelta(days=offset * 100 + i % 10)
            assert store.load_day(FACILITY, form, day).values == {"kasus_baru": i, "sembuh": offset}


def test_a_second_store_on_the_same_file_waits_instead_of_failing(
    store: Store, form: FormDefinition, data_dir: Path
) -> None:
    """Two Store objects (as two app windows would) write alternately without 'locked' errors."""
    other = Store.open(data_dir)
    errors: list[BaseException] = []

    def write(target: Store, author: str) -> None:
        try:
            for i in range(25):
                target.save_day(
                    FACILITY, form, DAY + timedelta(days=i), {"sembuh": i}, author=author
                )
                target.save_day(
                    FACILITY, form, DAY + timedelta(days=i), {"sembuh": i + 1}, author=author
                )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, n)) for s, n in ((store, "A"), (other, "B"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    other.close()
    assert errors == []


def test_daily_backup_once_a_day_and_only_the_last_ten_kept(data_dir: Path, clock: Clock) -> None:
    Store.open(data_dir, clock=clock).close()
    assert list_backups(data_dir) == []
    clock.advance(hours=1)
    Store.open(data_dir, clock=clock).close()
    [first] = list_backups(data_dir)
    clock.advance(hours=5)
    Store.open(data_dir, clock=clock).close()
    assert list_backups(data_dir) == [first]  # less than a day since the last backup
    for _ in range(KEEP_BACKUPS + 3):
        clock.advance(days=1)
        Store.open(data_dir, clock=clock).close()
    backups = list_backups(data_dir)
    assert len(backups) == KEEP_BACKUPS
    assert first not in backups
    assert backups[0].name == clock.now.strftime(f"kabar-%Y%m%dT%H%M%SZ-rev{HEAD_REVISION}.db")
    assert not list((data_dir / "backups").glob("*.part"))


def test_the_orm_models_read_what_the_store_wrote(store: Store, clock: Clock) -> None:
    form = make_form()
    store.save_day(FACILITY, form, DAY, {"kasus_baru": 2}, author="Ani", complete=True)
    engine = make_engine(store.path)
    try:
        with Session(engine) as session:
            cell = session.scalars(select(Cell)).one()
            assert (cell.org_unit, cell.period, cell.indicator, cell.value) == (
                FACILITY,
                DAY,
                "kasus_baru",
                "2",
            )
            assert cell.updated_at == clock.now
            assert cell.updated_at.tzinfo is not None
            status = session.scalars(select(DayStatus)).one()
            assert (status.status, status.completed_by, status.completed_at) == (
                "complete",
                "Ani",
                clock.now,
            )
            actions = sorted(a.action for a in session.scalars(select(Audit)))
            assert actions == ["complete", "edit"]
    finally:
        engine.dispose()


def test_wal_checkpoints_run_on_a_background_thread(store: Store, form: FormDefinition) -> None:
    import time

    from sync.store.checkpoint import WRITES_PER_CHECKPOINT

    checkpointer = store._pool.checkpointer
    assert checkpointer.runs == 0
    for i in range(WRITES_PER_CHECKPOINT * 3):
        store.save_day(FACILITY, form, DAY + timedelta(days=i % 5), {"kasus_baru": i}, author="A")
    deadline = time.monotonic() + 30
    while checkpointer.runs < 1 and time.monotonic() < deadline:
        threading.Event().wait(0.01)
    assert checkpointer.runs >= 1
    assert checkpointer.last_error is None
    threads = [t for t in threading.enumerate() if t.name == "kabar-wal-checkpoint"]
    assert len(threads) == 1
    store.close()
    assert not threads[0].is_alive()
    # Closing the last connection folds the log into the file: nothing is left in a -wal.
    assert not store.path.with_name("kabar.db-wal").exists()
