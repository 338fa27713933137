"""site.toml through the real app: the site's server, facility, CA file and proxy win over the
officer's each start; a locked server cannot be changed (login dialog, --server); a broken or
wrong file still opens the app with a clear notice; the facility chooser is preset/fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.gui.conftest import FACILITY, prepare_data_dir

pytestmark = pytest.mark.gui

SITE_FACILITY = "P6408040202"  # Puskesmas Teluk Lingga (the prepared store uses ...0201)
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def site_file(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def stored(data_dir: Path, key: str) -> Any:
    from sync.store import Store

    store = Store.open(data_dir)
    try:
        return store.get_setting(key)
    finally:
        store.close()


def set_stored(data_dir: Path, key: str, value: str) -> None:
    from sync.store import Store

    store = Store.open(data_dir)
    try:
        store.set_setting(key, value)
    finally:
        store.close()


def test_a_locked_site_file_sets_server_facility_ca_and_proxy(kabar, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop.settings_keys import FACILITY as FACILITY_KEY
    from desktop.settings_keys import SERVER_URL

    prepare_data_dir(kabar.data_dir)
    set_stored(kabar.data_dir, SERVER_URL, "https://officer.example.id")
    (tmp_path / "it" / "prov.pem").parent.mkdir(parents=True)
    (tmp_path / "it" / "prov.pem").write_text(PEM)
    path = site_file(
        tmp_path / "it",
        f'server_url = "https://kabar.kaltimprov.go.id/"\nfacility = "{SITE_FACILITY}"\n'
        'ca_file = "prov.pem"\nproxy = "http://proxy.dinkes.local:3128"\nlocked = true\n',
    )
    launched = kabar.start(extra_args=("--config", str(path)))
    window = launched.window
    session, runner = window.session, window.session.sync
    assert session.facility_code == SITE_FACILITY
    assert window.facility_label.text() == "Puskesmas Teluk Lingga"
    assert runner.server_url == session.server_url == "https://kabar.kaltimprov.go.id"
    assert runner.transport_options["ca_file"] == str((tmp_path / "it" / "prov.pem").resolve())
    assert runner.transport_options["proxy"] == "http://proxy.dinkes.local:3128"
    assert not window.notice_label.isVisible()  # all as written: nothing to say

    window.sync_ui.show_login()
    login = window.sync_ui.login_dialog
    qtbot.waitUntil(login.isVisible)
    assert login.server.text() == "https://kabar.kaltimprov.go.id"
    assert login.server.isReadOnly()
    assert login.server_lock.isVisible()
    assert login.server_lock.text() == (
        f"Ditetapkan oleh petugas TI Anda ({path.absolute()}); tidak dapat diubah di sini."
    )
    login.server.setFocus()
    qtbot.keyClicks(login.server, "x")
    assert login.server.text() == "https://kabar.kaltimprov.go.id"
    login.reject()

    # File → change facility: the chooser is fixed to the site's puskesmas.
    window.change_facility()
    dialog = _first_run_dialog(window)
    assert dialog.selected_code() == SITE_FACILITY
    assert not dialog.tree.isEnabled() and not dialog.filter.isEnabled()
    assert dialog.site_note.isVisible() and "ditetapkan oleh petugas TI" in dialog.site_note.text()
    dialog.reject()
    qtbot.waitUntil(lambda: kabar.idle(window))
    kabar.stop(launched)
    # The officer's own values stay stored (used again if the site file goes away).
    assert stored(kabar.data_dir, SERVER_URL) == "https://officer.example.id"
    assert stored(kabar.data_dir, FACILITY_KEY) == FACILITY


def _first_run_dialog(window: Any) -> Any:
    from desktop.firstrun import FirstRunDialog

    dialog = window.findChild(FirstRunDialog)
    assert dialog is not None
    return dialog


def test_a_locked_server_refuses_the_server_option(kabar, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = site_file(tmp_path / "it", 'server_url = "https://a.go.id"\nlocked = true\n')
    with pytest.raises(SystemExit) as info:
        kabar.start(extra_args=("--config", str(path), "--server", "https://evil.example"))
    message = str(info.value)
    assert "dikunci" in message and str(path.absolute()) in message and "--server" in message


def test_an_unlocked_site_server_gives_way_to_the_command_line(kabar, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = site_file(tmp_path / "it", 'server_url = "https://site.go.id"\n')
    launched = kabar.start(extra_args=("--config", str(path)))
    assert launched.window.session.sync.server_url == "https://site.go.id"
    window = launched.window
    window.sync_ui.show_login()
    assert not window.sync_ui.login_dialog.server.isReadOnly()
    assert not window.sync_ui.login_dialog.server_lock.isVisible()
    window.sync_ui.login_dialog.reject()
    kabar.stop(launched)
    launched = kabar.start(extra_args=("--config", str(path), "--server", "http://127.0.0.1:9"))
    assert launched.window.session.sync.server_url == "http://127.0.0.1:9"
    kabar.stop(launched)


def test_a_broken_site_file_still_opens_locks_the_server_and_says_why(  # type: ignore[no-untyped-def]
    kabar, qtbot, tmp_path, monkeypatch
) -> None:
    from desktop.settings_keys import SERVER_URL

    prepare_data_dir(kabar.data_dir)
    set_stored(kabar.data_dir, SERVER_URL, "https://officer.example.id")
    path = site_file(tmp_path / "machine", 'server_url = "https://a.go.id"\nlockd = true\n')
    monkeypatch.setenv("KABAR_SITE_CONFIG_DIR", str(tmp_path / "machine"))
    launched = kabar.start()
    window = launched.window
    notice = window.notice_label
    assert notice.isVisible()
    assert str(path) in notice.text() and "baris 2" in notice.text()
    assert "'locked'?" in notice.text() and "Angka Anda tetap aman" in notice.text()
    # The last server the officer used keeps working; it cannot be changed until IT fixes it.
    assert window.session.sync.server_url == "https://officer.example.id"
    window.sync_ui.show_login()
    login = window.sync_ui.login_dialog
    assert login.server.isReadOnly() and login.server_lock.isVisible()
    login.reject()
    qtbot.waitUntil(lambda: kabar.idle(window))
    kabar.stop(launched)


def test_a_broken_site_file_without_a_server_says_so_at_login(  # type: ignore[no-untyped-def]
    kabar, qtbot, tmp_path, monkeypatch
) -> None:
    site_file(tmp_path / "machine", "server_url = https://a.go.id\n")  # quotes forgotten
    monkeypatch.setenv("KABAR_SITE_CONFIG_DIR", str(tmp_path / "machine"))
    launched = kabar.start()
    window = launched.window
    window.sync_ui.show_login()
    login = window.sync_ui.login_dialog
    qtbot.waitUntil(login.isVisible)
    assert login.server.text() == "" and login.server.isReadOnly()
    qtbot.keyClicks(login.username, "ani")
    qtbot.keyClicks(login.password, "rahasia")
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert "berkas pengaturan situs" in login.problem_text()
    assert not login.busy  # nothing was sent anywhere
    login.reject()
    qtbot.waitUntil(lambda: kabar.idle(window))
    kabar.stop(launched)


def test_a_config_option_naming_a_missing_file_stops_with_its_path(kabar, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop.app import launch, parse_args

    prepare_data_dir(kabar.data_dir)
    said: list[str] = []
    missing = tmp_path / "nowhere" / "site.toml"
    args = parse_args(["--data-dir", str(kabar.data_dir), "--config", str(missing)])
    assert launch(args, translations_dir=kabar.qm_dir, on_fatal=said.append) is None
    assert len(said) == 1 and str(missing) in said[0] and "tidak ditemukan" in said[0]
    # the store was closed again: another start can open it
    launched = kabar.start()
    kabar.stop(launched)


def test_an_unknown_site_facility_is_reported_and_the_officers_is_kept(kabar, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = site_file(tmp_path / "it", 'facility = "P9999999999"\n')
    launched = kabar.start(extra_args=("--config", str(path)))
    window = launched.window
    assert window.session.facility_code == FACILITY
    assert window.notice_label.isVisible()
    text = window.notice_label.text()
    assert "P9999999999" in text and str(path.absolute()) in text and FACILITY in text
    kabar.stop(launched)


def test_first_run_with_a_site_facility_asks_only_for_the_name(kabar, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop.firstrun import FirstRunDialog
    from sync.siteconfig import load_site_config

    path = site_file(tmp_path / "it", f'facility = "{SITE_FACILITY}"\nlocked = true\n')
    site = load_site_config(path)
    seen: dict[str, Any] = {}

    def first_run(store: Any) -> bool:
        dialog = FirstRunDialog(store, site=site)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(dialog.officer.hasFocus)  # straight to the name
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert dialog.selected_code() == SITE_FACILITY and not dialog.tree.isEnabled()
        qtbot.keyClicks(dialog.officer, "Budi")
        with qtbot.waitSignal(dialog.accepted_choice) as blocker:
            qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        seen["choice"] = blocker.args
        return True

    launched = kabar.start(prepared=False, first_run=first_run, extra_args=("--config", str(path)))
    assert seen["choice"] == [SITE_FACILITY, "Puskesmas Teluk Lingga", "Budi"]
    assert launched.window.session.facility_code == SITE_FACILITY
    kabar.stop(launched)


def test_an_unlocked_site_facility_is_preset_but_can_be_changed(kabar, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop.firstrun import FirstRunDialog
    from sync.siteconfig import load_site_config

    launched = kabar.start()
    site = load_site_config(site_file(tmp_path / "it", f'facility = "{SITE_FACILITY}"\n'))
    dialog = FirstRunDialog(launched.store, site=site)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.selected_code() == SITE_FACILITY  # over the stored one
    assert dialog.tree.isEnabled() and dialog.site_note.isVisible()
    assert "boleh memilih yang lain" in dialog.site_note.text()
    qtbot.keyClicks(dialog.filter, "maloy")
    assert dialog.selected_code() == "P6408050202"
    dialog.reject()
    kabar.stop(launched)


def test_another_config_cannot_undo_the_lock(kabar, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.app import launch, parse_args

    prepare_data_dir(kabar.data_dir)
    machine = site_file(tmp_path / "machine", 'server_url = "https://a.go.id"\nlocked = true\n')
    mine = site_file(tmp_path / "mine", 'server_url = "https://evil.example"\n')
    monkeypatch.setenv("KABAR_SITE_CONFIG_DIR", str(tmp_path / "machine"))
    said: list[str] = []
    args = parse_args(["--data-dir", str(kabar.data_dir), "--config", str(mine)])
    assert launch(args, translations_dir=kabar.qm_dir, on_fatal=said.append) is None
    assert len(said) == 1 and str(mine) in said[0] and str(machine) in said[0]
    assert "dikunci" in said[0]
