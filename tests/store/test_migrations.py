"""Schema migrations: from empty and from every earlier revision to head, equal to the models,
data kept, a backup taken first, and Alembic left unimported when nothing needs migrating."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sync.store import HEAD_REVISION, Store, StoreError, list_backups
from sync.store.engine import make_engine
from sync.store.migrate import KNOWN_REVISIONS, script_revisions, upgrade
from sync.store.models import Base

from .conftest import FACILITY, Clock, make_form, raw

ROOT = Path(__file__).resolve().parents[2]


def schema_diff(path: Path) -> list[object]:
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_head_constant_is_alembics_head() -> None:
    assert script_revisions() == KNOWN_REVISIONS
    assert KNOWN_REVISIONS[-1] == HEAD_REVISION
    assert len(KNOWN_REVISIONS) >= 2


def test_migrating_an_empty_file_matches_the_models(tmp_path: Path) -> None:
    path = tmp_path / "kabar.db"
    upgrade(path)
    assert raw(path, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
    assert schema_diff(path) == []


def test_the_schema_check_can_fail(tmp_path: Path) -> None:
    """A database one revision short differs from the models: the comparison has teeth."""
    path = tmp_path / "kabar.db"
    upgrade(path, KNOWN_REVISIONS[0])
    assert schema_diff(path) != []


def write_at_0001(path: Path) -> None:
    """Data as a Kabar at revision 0001 wrote it (plain SQL against that revision's tables)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    at = "2021-06-30 08:00:00.000000"
    with conn:
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO org_units VALUES (?, 'Puskesmas Sangatta Utara', 'puskesmas',"
            " '64.08.04', 'puskesmas')",
            (FACILITY,),
        )
        conn.execute(
            "INSERT INTO submissions VALUES ('s-1', ?, 'harian-uji', 1, '2021-06-30', 'Ani',"
            " 'dev-1', ?, 0)",
            (FACILITY, at),
        )
        conn.execute(
            "INSERT INTO cells (org_unit, form_id, period, indicator, value, status, sync_state,"
            " base_rev, updated_at) VALUES (?, 'harian-uji', '2021-06-30', 'kasus_baru', '7',"
            " 'draft', 'local', NULL, ?)",
            (FACILITY, at),
        )
        conn.execute(
            "INSERT INTO audit (org_unit, form_id, period, indicator, old, new, author, device,"
            " at, submission_uuid, action) VALUES (?, 'harian-uji', '2021-06-30', 'kasus_baru',"
            " NULL, '7', 'Ani', 'dev-1', ?, 's-1', 'edit')",
            (FACILITY, at),
        )
        conn.execute(
            "INSERT INTO outbox (submission_uuid, created_at, state) VALUES ('s-1', ?, 'pending')",
            (at,),
        )
        conn.execute("COMMIT")
    conn.close()


@pytest.mark.parametrize("start", KNOWN_REVISIONS[:-1])
def test_upgrade_from_each_earlier_revision(tmp_path: Path, start: str) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / "kabar.db"
    upgrade(path, start)
    write_at_0001(path)
    old_bytes_rev = raw(path, "SELECT version_num FROM alembic_version")
    assert old_bytes_rev == [(start,)]

    clock = Clock()
    form = make_form()
    with Store.open(data_dir, clock=clock) as store:
        day = store.load_day(FACILITY, form, date(2021, 6, 30))
        assert day.values == {"kasus_baru": 7}
        # The day written before revision 0002 got its status row during the upgrade.
        assert day.status == "draf"
        assert store.outbox_count() == 1
        store.register_form(form)
        [row] = store.cell_history(FACILITY, form.id, date(2021, 6, 30), "kasus_baru")
        assert (row.old, row.new, row.author) == (None, 7, "Ani")

    assert raw(path, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
    assert schema_diff(path) == []


def test_backup_before_migrating_holds_the_old_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / "kabar.db"
    upgrade(path, "0001")
    write_at_0001(path)
    with Store.open(data_dir, clock=Clock()):
        pass
    [backup] = list_backups(data_dir)
    assert backup.name == "kabar-20210701T080000Z-rev0001.db"
    # The backup is the old database: old revision, old data, no table of revision 0002.
    assert raw(backup, "SELECT version_num FROM alembic_version") == [("0001",)]
    assert raw(backup, "SELECT value FROM cells") == [("7",)]
    assert raw(backup, "SELECT name FROM sqlite_master WHERE name = 'settings'") == []
    assert raw(backup, "PRAGMA journal_mode") == [("delete",)]


def test_a_file_from_a_newer_kabar_is_refused_untouched(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / "kabar.db"
    upgrade(path)
    conn = sqlite3.connect(str(path))
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store.open(data_dir)
    assert "lebih baru" in caught.value.message.id
    assert "newer" in caught.value.message.en
    assert path.read_bytes() == before
    assert list_backups(data_dir) == []


def test_the_audit_triggers_exist_at_head(tmp_path: Path) -> None:
    path = tmp_path / "kabar.db"
    upgrade(path)
    names = {r[0] for r in raw(path, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"audit_no_update", "audit_no_delete", "cells_day_status"} <= names


def test_opening_an_up_to_date_store_imports_neither_alembic_nor_sqlalchemy(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    Store.open(data_dir).close()
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from sync.store import Store\n"
        f"s = Store.open(Path({str(data_dir)!r}))\n"
        "s.load_demo_org_units()\n"
        "s.close()\n"
        "heavy = ('alembic', 'sqlalchemy', 'requests', 'keyring', 'argon2')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy\n"
        "             or m in ('sync.protocol', 'sync.engine', 'sync.transport')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    # also what only sync needs: opening the window must not wait for it (benchmarks.startup)
    assert out.stdout.strip() == "[]"


def test_opening_an_old_store_does_import_alembic(tmp_path: Path) -> None:
    """The other side of the test above: the probe sees an import when one happens."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    upgrade(data_dir / "kabar.db", "0001")
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from sync.store import Store\n"
        f"Store.open(Path({str(data_dir)!r})).close()\n"
        "print('alembic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "True"


def test_a_failing_migration_leaves_the_file_at_its_old_revision(tmp_path: Path) -> None:
    """All of an upgrade is one transaction, DDL included: half a migration is never kept."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / "kabar.db"
    upgrade(path, "0001")
    write_at_0001(path)
    # An object 0002 wants to create already exists, so 0002 fails after its first steps.
    conn = sqlite3.connect(str(path))
    with conn:
        conn.execute("CREATE INDEX ix_outbox_state ON outbox (state)")
    conn.close()
    with pytest.raises(Exception, match="ix_outbox_state"):
        Store.open(data_dir, clock=Clock())
    assert raw(path, "SELECT version_num FROM alembic_version") == [("0001",)]
    assert raw(path, "SELECT name FROM sqlite_master WHERE name = 'settings'") == []
    assert raw(path, "SELECT count(*) FROM day_status") == [(0,)]
    assert raw(path, "SELECT value FROM cells") == [("7",)]
    assert len(list_backups(data_dir)) == 1
