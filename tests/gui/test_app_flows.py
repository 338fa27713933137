"""First run, language switch, export, a damaged data file, closing with unsaved figures, and the
headless ``--quit-when-idle`` start used by the benchmark and the demo."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.gui.conftest import FACILITY, OFFICER, TODAY, prepare_data_dir
from tests.gui.helpers import plain_integer
from tests.gui.test_entry import type_into

pytestmark = pytest.mark.gui


def test_first_run_through_the_widgets(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop.firstrun import FirstRunDialog

    seen: dict[str, object] = {}

    def first_run(store) -> bool:  # type: ignore[no-untyped-def]
        dialog = FirstRunDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()
        # A region is not selectable; the filter picks the first matching puskesmas.
        qtbot.keyClicks(dialog.filter, "teluk")
        assert dialog.selected_code() == "P6408040202"
        assert not ok.isEnabled() and "nama petugas" in dialog.problem.text().lower()
        qtbot.keyClicks(dialog.officer, "  Budi   Santoso ")
        assert ok.isEnabled()
        seen["hidden"] = dialog._items["P6408050201"].isHidden()
        with qtbot.waitSignal(dialog.accepted_choice) as blocker:
            qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        seen["choice"] = blocker.args
        return True

    launched = kabar.start(prepared=False, first_run=first_run)
    assert seen["hidden"] is True
    assert seen["choice"] == ["P6408040202", "Puskesmas Teluk Lingga", "Budi Santoso"]
    window = launched.window
    assert window.facility_label.text() == "Puskesmas Teluk Lingga"
    assert "Budi Santoso" in window.officer_label.text()
    kabar.stop(launched)

    again = kabar.start()  # refuses a second first run
    assert again.window.session.facility_code == "P6408040202"
    assert again.window.session.officer == "Budi Santoso"


def test_first_run_cancelled_quits(kabar) -> None:  # type: ignore[no-untyped-def]
    assert kabar.start(prepared=False, first_run=lambda store: False) is None


def test_region_rows_cannot_be_chosen(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop.firstrun import FirstRunDialog

    launched = kabar.start()
    dialog = FirstRunDialog(launched.store)
    qtbot.addWidget(dialog)
    dialog.tree.setCurrentItem(dialog._items["64.08.04"])
    assert dialog.selected_code() is None
    assert "puskesmas" in dialog.problem_text().lower()


def test_language_switch_at_runtime_both_ways(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    launched = kabar.start(lang=None)
    window = launched.window
    view = window.views[0]
    field = plain_integer(view.form)
    fe = view.edits[field.code]
    type_into(qtbot, fe.editor, "1234")
    qtbot.keyClick(fe.editor, Qt.Key.Key_Tab)
    assert window.save_button.text() == "Simpan draf (Ctrl+S)"
    assert window.actions_.file_menu.title() == "&Berkas"
    assert fe.label.text().startswith(field.label.id)
    assert window.date_label.text().startswith("Senin")
    assert fe.editor.text() == "1.234"
    window.go_to(window.day + timedelta(days=1))  # refused: a notice in Indonesian
    assert window.notice_label.isVisibleTo(window) and window.status.currentMessage()

    window.actions_.lang_en.trigger()
    qtbot.waitUntil(lambda: window.save_button.text() == "Save draft (Ctrl+S)")
    # Passing messages in the old language are cleared, not left behind.
    assert window.status.currentMessage() == ""
    assert not window.notice_label.isVisibleTo(window)
    assert window.actions_.file_menu.title() == "&File"
    assert fe.label.text().startswith(field.label.en)
    assert window.date_label.text().startswith("Monday")
    assert window.tabs.tabText(0).startswith(view.form.title.en)
    qtbot.waitUntil(lambda: window.legend_text() == ["empty", "draft", "complete"])
    assert window.summary.title.text() == "No errors or warnings"
    assert fe.editor.text() == "1,234"  # English number format
    assert window.calendar.locale().language() == window.calendar.locale().Language.English

    window.actions_.lang_id.trigger()
    qtbot.waitUntil(lambda: window.save_button.text() == "Simpan draf (Ctrl+S)")
    assert fe.label.text().startswith(field.label.id)
    qtbot.waitUntil(lambda: window.legend_text() == ["kosong", "draf", "lengkap"])
    window.actions_.lang_en.trigger()
    qtbot.waitUntil(lambda: window.session.ops.pending == 0)
    kabar.stop(launched)

    # The choice is remembered.
    again = kabar.start(lang=None)
    assert again.window.save_button.text() == "Save draft (Ctrl+S)"


def test_export_writes_xlsx_and_csv(kabar, qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("sync.export")
    openpyxl = pytest.importorskip("openpyxl")
    from desktop import export

    launched = kabar.start()
    window = launched.window
    view = window.views[0]
    field = plain_integer(view.form)
    type_into(qtbot, view.edits[field.code].editor, "4321")
    with qtbot.waitSignal(window.saved, timeout=10000):
        window.save()
    out = tmp_path / "flashdisk"
    out.mkdir()
    monkeypatch.setattr(export, "ask_folder", lambda parent: out)
    window.actions_.export.trigger()
    qtbot.waitUntil(lambda: window.session.ops.pending == 0, timeout=20000)
    stem = export.file_stem(FACILITY, TODAY)
    xlsx, csv_path = out / f"{stem}.xlsx", out / f"{stem}.csv"
    assert str(xlsx) in window.status.currentMessage()
    text = csv_path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines(), delimiter=";" if ";" in text else ","))
    assert any(field.code in row or field.label.id in row for row in rows)
    assert any(any(cell in ("4321", "4.321") for cell in row) for row in rows)
    book = openpyxl.load_workbook(xlsx, read_only=True)
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    book.close()
    assert 4321 in cells or "4.321" in cells


def test_export_failure_is_explained(kabar, qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("sync.export")
    from desktop import export

    window = kabar.start().window
    missing = tmp_path / "no-such-folder"
    monkeypatch.setattr(export, "ask_folder", lambda parent: missing)
    window.actions_.export.trigger()
    qtbot.waitUntil(lambda: window.session.ops.pending == 0, timeout=20000)
    assert str(missing) in window.last_error and "Pilih folder lain" in window.last_error
    assert window.last_error in window.status.currentMessage()
    assert len(kabar.errors) == 1
    kabar.errors.clear()


def test_closing_with_unsaved_figures_saves_them(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    launched = kabar.start()
    window = launched.window
    view = window.views[0]
    field = plain_integer(view.form)
    type_into(qtbot, view.edits[field.code].editor, "88")
    window.close()  # not saved yet: the close waits for the draft save
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
    assert launched.store.load_day(FACILITY, view.form, TODAY).values[field.code] == 88
    kabar.stop(launched)


def _damage(data_dir: Path) -> None:
    db = data_dir / "kabar.db"
    for extra in ("kabar.db-wal", "kabar.db-shm"):
        (data_dir / extra).unlink(missing_ok=True)
    db.write_bytes(b"this is not a database" * 500)


def test_damaged_file_start_empty_keeps_the_damaged_file(kabar) -> None:  # type: ignore[no-untyped-def]
    from desktop.damaged import FRESH

    prepare_data_dir(kabar.data_dir)
    _damage(kabar.data_dir)
    asked: list[object] = []

    def ask(error, lang):  # type: ignore[no-untyped-def]
        asked.append(error)
        return FRESH

    def first_run(store) -> bool:  # type: ignore[no-untyped-def]
        store.set_setting("facility", FACILITY)
        store.set_setting("officer", OFFICER)
        return True

    launched = kabar.start(prepared=False, ask_damaged=ask, first_run=first_run)
    assert len(asked) == 1 and "rusak" in asked[0].message.id
    kept = [p for p in kabar.data_dir.rglob("*") if p.is_file() and p.name != "kabar.db"]
    assert any(p.read_bytes().startswith(b"this is not a database") for p in kept)
    assert launched.window.isVisible()


def test_damaged_file_quit_changes_nothing(kabar) -> None:  # type: ignore[no-untyped-def]
    from desktop.damaged import QUIT

    prepare_data_dir(kabar.data_dir)
    _damage(kabar.data_dir)
    before = (kabar.data_dir / "kabar.db").read_bytes()
    assert kabar.start(prepared=False, ask_damaged=lambda e, lang: QUIT) is None
    assert (kabar.data_dir / "kabar.db").read_bytes() == before


def test_damaged_dialog_buttons(qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop.damaged import FRESH, RESTORE, DamagedDialog
    from sync.store import StoreDamagedError

    error = StoreDamagedError(Path("kabar.db"), [], "test")
    dialog = DamagedDialog(error, "id")
    qtbot.addWidget(dialog)
    dialog.show()
    assert error.message.id in dialog.text.text()
    assert not dialog.restore_button.isEnabled()  # no backup to restore
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.fresh_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == FRESH

    with_backup = StoreDamagedError(Path("kabar.db"), [Path("b1")], "test")
    dialog2 = DamagedDialog(with_backup, "id")
    qtbot.addWidget(dialog2)
    dialog2.show()
    assert dialog2.restore_button.isEnabled()
    with qtbot.waitSignal(dialog2.accepted):
        qtbot.mouseClick(dialog2.restore_button, Qt.MouseButton.LeftButton)
    assert dialog2.choice == RESTORE


def test_quit_when_idle_prints_one_line(tmp_path) -> None:
    prepare_data_dir(tmp_path / "data")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop",
            "--data-dir",
            str(tmp_path / "data"),
            "--lang",
            "id",
            "--quit-when-idle",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("KABAR_IDLE ")]
    assert len(lines) == 1
    info = json.loads(lines[0].removeprefix("KABAR_IDLE "))
    assert info["facility"] == FACILITY and info["rss_kb"] > 10_000


def test_the_server_address_is_remembered_and_shown(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    launched = kabar.start(extra_args=("--server", "http://127.0.0.1:8765/"))
    status = launched.window.status
    assert status.server_label.text() == "Server: http://127.0.0.1:8765"
    kabar.stop(launched)
    again = kabar.start()  # no --server this time: the saved address is used
    assert again.window.status.server_label.text() == "Server: http://127.0.0.1:8765"


def test_no_server_yet_is_said_plainly(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    launched = kabar.start()
    assert launched.window.status.server_label.text() == "Server belum diatur"


def test_the_ca_file_is_remembered_and_given_to_every_sync(kabar, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pem = tmp_path / "dinas-ca.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    launched = kabar.start(extra_args=("--ca-file", str(pem)))
    assert launched.window.session.sync.transport_options["ca_file"] == str(pem.resolve())
    kabar.stop(launched)
    again = kabar.start()  # no --ca-file this time: the saved one is used
    assert again.window.session.sync.transport_options["ca_file"] == str(pem.resolve())


def test_first_run_offers_a_hospital_as_well(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    """A rumah sakit (kabar-server add-facility --type rumah_sakit, or a setup code naming one)
    can be chosen like a puskesmas; a kecamatan still cannot."""
    from desktop.firstrun import FirstRunDialog
    from sync.store.rows import OrgUnitRow

    seen: dict[str, object] = {}

    def first_run(store) -> bool:  # type: ignore[no-untyped-def]
        kecamatan = next(u for u in store.org_units() if u.level == "kecamatan")
        store.upsert_org_units(
            [OrgUnitRow("R6408990001", "RSUD Uji Coba", "rumah_sakit", kecamatan.code, None)]
        )
        dialog = FirstRunDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.filter, "rsud uji")
        seen["picked"] = dialog.selected_code()
        dialog.filter.clear()
        dialog.tree.setCurrentItem(dialog._items[kecamatan.code])
        seen["region"] = dialog.selected_code()
        dialog.tree.setCurrentItem(dialog._items["R6408990001"])
        qtbot.keyClicks(dialog.officer, "Dewi")
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok.isEnabled()
        with qtbot.waitSignal(dialog.accepted_choice) as blocker:
            qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        seen["choice"] = blocker.args
        return True

    launched = kabar.start(prepared=False, first_run=first_run)
    assert seen["picked"] == "R6408990001"
    assert seen["region"] is None
    assert seen["choice"] == ["R6408990001", "RSUD Uji Coba", "Dewi"]
    assert launched.window.facility_label.text() == "RSUD Uji Coba"
    kabar.stop(launched)
