"""The sync flows through the real app and the real server on loopback: login through the dialog,
background sync after a save, the unlock at the next start, a server that is down, a login that
expired, a conflict settled each of the three ways, and figures corrected by someone else."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.gui.conftest import FACILITY, prepare_data_dir
from tests.gui.helpers import plain_integer
from tests.gui.test_entry import type_into
from tests.server.conftest import SEED_PASSWORD

pytestmark = pytest.mark.gui

#: the server refuses days after tomorrow (by its clock): the flows use the real today
TODAY = date.today()


def no_sleep(seconds: float) -> None:
    """The transport's back-off, without waiting for real (a refused connection retries)."""


def quick(window: Any) -> Any:
    """The window's sync runner, made quick for tests: no back-off sleeps, a short debounce."""
    runner = window.session.sync
    runner.transport_options = {"sleep": no_sleep, "timeout": (5.0, 10.0)}
    runner.set_debounce_ms(20)
    return runner


def skip_unlock(store: Any, runner: Any) -> bool:
    """For flows that are not about the unlock (it has its own test below)."""
    return True


def server_rows(server: Any, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    path = server.db_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as conn:
        return list(conn.execute(sql, params).fetchall())


def server_value(server: Any, form_id: str, day: date, code: str) -> Any:
    rows = server_rows(
        server,
        "SELECT value FROM cells WHERE org_unit = ? AND form_id = ? AND period = ? "
        "AND indicator = ?",
        FACILITY,
        form_id,
        day.isoformat(),
        code,
    )
    assert len(rows) == 1, rows
    return json.loads(rows[0][0]) if rows[0][0] is not None else None


def log_in_store(data_dir: Path, server: Any, username: str, *, facility: bool = True) -> None:
    """A data folder that already logged in (as a previous session through the dialog would)."""
    from desktop.syncrunner import login
    from sync.store import Store

    if facility:
        prepare_data_dir(data_dir)
    store = Store.open(data_dir)
    try:
        if not store.org_units():
            store.load_demo_org_units()
        login(store, server.url, username, SEED_PASSWORD, FACILITY, sleep=no_sleep)
    finally:
        store.close()


def sync_store(data_dir: Path, server: Any, username: str) -> Any:
    """Another computer's sync (no window): the engine on its own store."""
    from sync.credentials import load_token
    from sync.engine import SyncEngine
    from sync.store import Store
    from sync.transport import Transport

    store = Store.open(data_dir)
    try:
        token = load_token(server.url, username)
        assert token is not None
        transport = Transport(server.url, token=token, app_version="0.1.0", sleep=no_sleep)
        try:
            report = SyncEngine(store, transport).run()
        finally:
            transport.close()
    finally:
        store.close()
    assert report.finished, report
    return report


def save_by_keys(qtbot: Any, window: Any, code: str, text: str) -> None:
    window.activateWindow()  # after a dialog: shortcuts reach the active window only
    qtbot.waitUntil(window.isActiveWindow)
    view = next(v for v in window.views if code in v.edits)
    window.tabs.setCurrentWidget(view)
    type_into(qtbot, view.edits[code].editor, text)
    with qtbot.waitSignal(window.saved, timeout=10000):
        qtbot.keyClick(view.edits[code].editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def synced(kabar: Any, window: Any, runs: int) -> bool:
    """The runner has finished ``runs`` runs and both lanes are idle."""
    runner = window.session.sync
    return runner.runs >= runs and not runner.running and kabar.idle(window)


# -- login, background sync -----------------------------------------------------------------


def test_login_through_the_dialog_then_a_save_is_sent_in_the_background(  # type: ignore[no-untyped-def]
    kabar, qtbot, server, os_keyring
) -> None:
    launched = kabar.start(today=TODAY, extra_args=("--server", server.url))
    window = launched.window
    runner = quick(window)
    status = window.status
    assert status.connection_label.text() == "Belum masuk ke server"
    assert status.sync_button.isVisible() and status.sync_button.text() == "Masuk ke server"

    qtbot.keyClick(window, Qt.Key.Key_F5)  # no login yet: F5 offers it
    qtbot.waitUntil(lambda: window.sync_ui.login_dialog is not None)
    dialog = window.sync_ui.login_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.server.text() == server.url
    qtbot.keyClicks(dialog.username, "ani")
    qtbot.keyClicks(dialog.password, "bukan-sandinya")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)
    assert dialog.problem_text() == "Nama pengguna atau kata sandi salah."
    assert dialog.isVisible() and not runner.logged_in

    type_into(qtbot, dialog.password, SEED_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    assert runner.logged_in and runner.username == "ani"
    assert os_keyring.secrets, "the token is kept in the (stand-in) OS keyring"
    assert SEED_PASSWORD not in json.dumps(list(os_keyring.secrets.values()))
    qtbot.waitUntil(lambda: synced(kabar, window, 1), timeout=20000)
    assert status.connection_label.text() == "Daring"
    assert status.sync_button.text() == "Sinkronkan sekarang"

    form = window.views[0].form
    field = plain_integer(form)
    save_by_keys(qtbot, window, field.code, "1.234")
    qtbot.waitUntil(lambda: window.calendar.sync_state_of(TODAY) == "terkirim", timeout=20000)
    qtbot.waitUntil(lambda: status.outbox_label.text() == "0 belum terkirim", timeout=10000)
    assert status.last_sync_label.text().startswith("Terakhir sinkron: ")
    assert TODAY.strftime("%d/%m/%Y") in status.last_sync_label.text()
    assert not status.problem_label.isVisible()
    assert server_value(server, form.id, TODAY, field.code) == 1234
    qtbot.waitUntil(lambda: kabar.idle(window))
    kabar.stop(launched)


def test_without_a_usable_keyring_the_login_lasts_this_session_and_says_so(  # type: ignore[no-untyped-def]
    kabar, qtbot, server
) -> None:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # a Windows without a usable credential store
    try:
        launched = kabar.start(today=TODAY, extra_args=("--server", server.url))
        window = launched.window
        quick(window)
        window.actions_.login.trigger()
        dialog = window.sync_ui.login_dialog
        qtbot.keyClicks(dialog.username, "ani")
        qtbot.keyClicks(dialog.password, SEED_PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
        assert window.notice_label.isVisible()
        assert "hanya berlaku sampai Kabar ditutup" in window.notice_label.text()
        field = plain_integer(window.views[0].form)
        save_by_keys(qtbot, window, field.code, "8")
        qtbot.waitUntil(lambda: window.calendar.sync_state_of(TODAY) == "terkirim", timeout=20000)
        qtbot.waitUntil(lambda: kabar.idle(window))
        kabar.stop(launched)
    finally:
        keyring.set_keyring(previous)


def test_login_problems_are_said_beside_the_form(kabar, qtbot, server, os_keyring) -> None:  # type: ignore[no-untyped-def]
    launched = kabar.start(today=TODAY)
    window = launched.window
    quick(window)
    window.actions_.login.trigger()
    dialog = window.sync_ui.login_dialog
    qtbot.keyClicks(dialog.username, "ani")
    said = {}
    for name, url in (
        ("unreachable", "http://127.0.0.1:9"),  # nothing listens there
        ("tls", server.url.replace("http://", "https://")),  # not the server's language
    ):
        type_into(qtbot, dialog.server, url)
        type_into(qtbot, dialog.password, SEED_PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)
        said[name] = dialog.problem_text()
    assert said["unreachable"].startswith("Tidak dapat menghubungi server.")
    assert said["tls"].startswith("Sertifikat keamanan server tidak dapat diverifikasi.")
    assert dialog.isVisible() and not window.session.sync.logged_in
    dialog.reject()
    kabar.stop(launched)


# -- unlock, offline, expired login ---------------------------------------------------------


def test_next_start_asks_for_the_password_offline_then_keeps_figures_while_the_server_is_down(  # type: ignore[no-untyped-def]
    kabar, qtbot, server, os_keyring
) -> None:
    from desktop.app import make_unlock_dialog
    from desktop.unlock import UNLOCKED

    log_in_store(kabar.data_dir, server, "ani")
    server.stop()  # the unlock needs no signal, and nothing can be sent now
    seen: dict[str, Any] = {}

    def unlock(store: Any, runner: Any) -> bool:
        dialog = make_unlock_dialog(store, runner)
        qtbot.addWidget(dialog)
        dialog.open()
        assert "ani" in dialog.intro.text()
        qtbot.keyClicks(dialog.password, "rahasia-124")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
        seen["wrong"] = dialog.problem.text()
        type_into(qtbot, dialog.password, SEED_PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.outcome == UNLOCKED, timeout=10000)
        return True

    launched = kabar.start(today=TODAY, unlock=unlock)
    assert seen["wrong"] == "Kata sandi salah. Periksa Caps Lock lalu coba lagi."
    window = launched.window
    runner = quick(window)
    assert runner.logged_in
    form = window.views[0].form
    field = plain_integer(form)
    save_by_keys(qtbot, window, field.code, "12")
    qtbot.waitUntil(lambda: synced(kabar, window, 1), timeout=30000)
    status = window.status
    assert status.connection_label.text() == "Luring"
    assert status.outbox_label.text() == "1 belum terkirim"
    assert status.problem_text(), "the problem is said in plain words"
    assert status.problem_text() == runner.last_report.problem.id
    assert window.calendar.sync_state_of(TODAY) == "menunggu"
    assert runner._timer.interval() == 15 * 60 * 1000  # backed off: no signal, fewer tries
    kabar.stop(launched)


def test_a_login_that_no_longer_works_asks_for_the_password_and_keeps_the_outbox(  # type: ignore[no-untyped-def]
    kabar, qtbot, server, os_keyring
) -> None:
    log_in_store(kabar.data_dir, server, "ani")
    os_keyring.secrets.clear()  # e.g. Windows' credential store was reset
    launched = kabar.start(today=TODAY, unlock=skip_unlock)
    window = launched.window
    runner = quick(window)
    field = plain_integer(window.views[0].form)
    save_by_keys(qtbot, window, field.code, "3")
    qtbot.waitUntil(lambda: window.sync_ui.login_dialog is not None, timeout=20000)
    dialog = window.sync_ui.login_dialog
    assert dialog.isVisible() and dialog.username.text() == "ani"
    assert dialog.focusWidget() is dialog.password
    assert window.status.connection_label.text() == "Masuk lagi untuk mengirim"
    qtbot.waitUntil(lambda: window.status.outbox_label.text() == "1 belum terkirim")
    qtbot.keyClicks(dialog.password, SEED_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.calendar.sync_state_of(TODAY) == "terkirim", timeout=20000)
    assert window.status.outbox_label.text() == "0 belum terkirim"
    assert runner.blocked is None
    qtbot.waitUntil(lambda: kabar.idle(window))
    kabar.stop(launched)


@pytest.fixture
def strict_server(seeded_server_db: Path, tmp_path: Path) -> Any:
    """The real server, asking for an app version newer than this one (426 on push)."""
    import shutil

    from server.settings import Settings
    from tests.server.conftest import LiveServer

    target = tmp_path / "strict-server.db"
    shutil.copyfile(seeded_server_db, target)
    live = LiveServer(f"sqlite:///{target}", Settings(app_minimum="99.0.0")).start()
    yield live
    live.stop()


def test_an_app_too_old_for_the_server_says_so_and_keeps_the_outbox(  # type: ignore[no-untyped-def]
    kabar, qtbot, strict_server, os_keyring
) -> None:
    log_in_store(kabar.data_dir, strict_server, "ani")
    launched = kabar.start(today=TODAY, unlock=skip_unlock)
    window = launched.window
    runner = quick(window)
    field = plain_integer(window.views[0].form)
    save_by_keys(qtbot, window, field.code, "4")
    qtbot.waitUntil(lambda: runner.blocked == "too_old", timeout=20000)
    qtbot.waitUntil(lambda: kabar.idle(window))
    assert window.status.connection_label.text() == "Perbarui Kabar untuk mengirim"
    assert window.notice_label.isVisible() and "terlalu lama" in window.notice_label.text()
    assert window.status.outbox_label.text() == "1 belum terkirim"
    runs = runner.runs
    save_by_keys(qtbot, window, field.code, "5")
    qtbot.waitUntil(lambda: kabar.idle(window))
    # No automatic tries until Kabar is updated (F5 still tries).
    assert runner.runs == runs and not runner._debounce.isActive()
    kabar.stop(launched)


# -- conflicts and corrections by others ----------------------------------------------------


@pytest.mark.parametrize("choice", ["mine", "theirs", "other"])
def test_a_conflict_is_seen_on_the_calendar_and_settled_in_the_window(  # type: ignore[no-untyped-def]
    kabar, qtbot, server, os_keyring, tmp_path, choice
) -> None:
    log_in_store(kabar.data_dir, server, "ani")
    launched = kabar.start(today=TODAY, unlock=skip_unlock)
    window = launched.window
    quick(window)
    form = window.views[0].form
    fields = [f for f in form.fields if f.type == "integer" and not f.stock and not f.cumulative]
    contested, corrected = fields[0], fields[1]
    save_by_keys(qtbot, window, contested.code, "5")
    qtbot.waitUntil(lambda: window.calendar.sync_state_of(TODAY) == "terkirim", timeout=20000)

    # The kecamatan officer, on another computer, pulls that and changes two figures.
    camat_dir = tmp_path / "camat"
    log_in_store(camat_dir, server, "camat", facility=False)
    sync_store(camat_dir, server, "camat")
    from sync.store import Store

    with Store.open(camat_dir) as camat:
        figures = {contested.code: 7, corrected.code: 40}
        camat.save_day(FACILITY, form, TODAY, figures, author="camat")
    sync_store(camat_dir, server, "camat")

    # Here, the officer changes the same figure before seeing theirs: a conflict.
    save_by_keys(qtbot, window, contested.code, "9")
    qtbot.waitUntil(lambda: window.calendar.sync_state_of(TODAY) == "konflik", timeout=20000)
    qtbot.waitUntil(lambda: kabar.idle(window))
    view = window.views[0]
    assert view.edits[corrected.code].editor.text() == "40"  # the other figure: taken, shown
    assert view.edits[contested.code].editor.text() == "9"  # never overwritten silently
    assert view.edits[contested.code].message.text().startswith("⇄ Diubah juga di server")
    assert not view.edits[corrected.code].message.text()
    assert window.sync_notice_bar.isVisible() and window.sync_notice_button.isVisible()
    assert window.actions_.conflicts.text() == "&Konflik (1)…"

    qtbot.mouseClick(window.sync_notice_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.sync_ui.conflict_dialog is not None)
    dialog = window.sync_ui.conflict_dialog
    qtbot.waitUntil(lambda: dialog.current is not None and dialog.history.rowCount() > 0)
    unit = f" {contested.unit.id}" if contested.unit else ""
    assert dialog.mine_value.text() == f"9{unit}" and dialog.theirs_value.text() == f"7{unit}"
    assert dialog.theirs_who.text().startswith("oleh Camat, ")  # the account's name (seed)
    lines = [
        [dialog.history.item(r, col).text() for col in range(5)]
        for r in range(dialog.history.rowCount())
    ]
    assert [line[1:4] for line in lines if line[1] == "Camat"] == [["Camat", "", "7"]], lines
    mine = [line[1:4] for line in lines if line[1] != "Camat"]
    assert mine == [["Siti Aminah", "(kosong)", "5"], ["Siti Aminah", "5", "9"]], lines
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)

    expected = {"mine": 9, "theirs": 7, "other": 11}[choice]
    if choice == "mine":
        qtbot.keyClick(dialog.list, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    elif choice == "theirs":
        qtbot.keyClick(dialog.list, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    else:
        qtbot.keyClick(dialog.list, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
        qtbot.keyClicks(dialog._other.editor, "11")
        qtbot.keyClick(dialog._other.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.calendar.sync_state_of(TODAY) == "terkirim", timeout=20000)
    qtbot.waitUntil(lambda: kabar.idle(window))
    qtbot.waitUntil(lambda: dialog.tabs.tabText(0) == "Konflik (0)")
    assert server_value(server, form.id, TODAY, contested.code) == expected
    statuses = server_rows(
        server, "SELECT status FROM conflicts WHERE indicator = ?", contested.code
    )
    assert statuses == [("resolved",)]
    assert view.edits[contested.code].editor.text() == str(expected)
    assert not view.edits[contested.code].message.text()
    assert window.actions_.conflicts.text() == "&Konflik (0)…"
    assert not window.sync_notice_button.isVisible()
    kabar.stop(launched)


def test_a_correction_by_the_kecamatan_appears_unless_the_officer_is_typing(  # type: ignore[no-untyped-def]
    kabar, qtbot, server, os_keyring, tmp_path
) -> None:
    yesterday = TODAY - timedelta(days=1)
    log_in_store(kabar.data_dir, server, "ani")
    launched = kabar.start(today=TODAY, unlock=skip_unlock)
    window = launched.window
    quick(window)
    form = window.views[0].form
    a, b = [f for f in form.fields if f.type == "integer" and not f.stock and not f.cumulative][:2]
    save_by_keys(qtbot, window, a.code, "5")
    qtbot.waitUntil(lambda: window.calendar.sync_state_of(TODAY) == "terkirim", timeout=20000)

    camat_dir = tmp_path / "camat"
    log_in_store(camat_dir, server, "camat", facility=False)
    sync_store(camat_dir, server, "camat")  # the kecamatan sees the figure first
    from sync.store import Store

    with Store.open(camat_dir) as camat:
        camat.save_day(FACILITY, form, TODAY, {a.code: 6}, author="camat")
        camat.save_day(FACILITY, form, yesterday, {a.code: 2}, author="camat")
    sync_store(camat_dir, server, "camat")

    view = window.views[0]
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: view.edits[a.code].editor.text() == "6", timeout=20000)
    assert "dikoreksi" in window.sync_notice.text()
    qtbot.waitUntil(lambda: window.calendar.sync_state_of(yesterday) == "terkirim")

    with Store.open(camat_dir) as camat:
        camat.save_day(FACILITY, form, TODAY, {a.code: 8}, author="camat")
    sync_store(camat_dir, server, "camat")
    type_into(qtbot, view.edits[b.code].editor, "4")  # typing, not saved yet
    runs = window.session.sync.runs
    window.session.sync.sync_now()  # a timer's run: what is on screen is not saved by it
    qtbot.waitUntil(lambda: synced(kabar, window, runs + 1), timeout=20000)
    qtbot.waitUntil(lambda: "belum disimpan" in window.sync_notice.text())
    assert view.edits[a.code].editor.text() == "6" and view.edits[b.code].editor.text() == "4"
    kabar.stop(launched)  # closing saves the typing as a draft


def test_new_sync_texts_follow_the_language_switch(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    launched = kabar.start(extra_args=("--server", "http://127.0.0.1:9"))
    window = launched.window
    a = window.actions_
    assert a.sync_menu.title() == "&Sinkronisasi"
    assert a.sync_now.text() == "Sinkronkan &sekarang"
    assert a.conflicts.text() == "&Konflik (0)…"
    assert window.status.connection_label.text() == "Belum masuk ke server"
    legend = window.calendar_panel.legend
    assert legend.sync_texts() == ["terkirim", "menunggu", "konflik", "ditolak"]
    window.sync_ui.show_login()
    login = window.sync_ui.login_dialog
    window.sync_ui.show_conflicts()
    conflicts = window.sync_ui.conflict_dialog
    qtbot.waitUntil(lambda: kabar.idle(window))
    a.lang_en.trigger()
    qtbot.waitUntil(lambda: a.sync_menu.title() == "&Sync")
    assert a.sync_now.text() == "Sync &now"
    assert a.conflicts.text() == "&Conflicts (0)…"
    qtbot.waitUntil(lambda: window.status.connection_label.text() == "Not logged in to the server")
    assert legend.sync_texts() == ["sent", "waiting", "conflict", "refused"]
    qtbot.waitUntil(lambda: login.windowTitle() == "Kabar — log in to the server")
    assert login.ok_button.text() == "Log in"
    qtbot.waitUntil(lambda: conflicts.windowTitle() == "Kabar — conflicts and refused figures")
    assert conflicts.tabs.tabText(0) == "Conflicts (0)"
    qtbot.waitUntil(lambda: kabar.idle(window))
    kabar.stop(launched)
