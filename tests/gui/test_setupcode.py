"""Setup codes through the real app and the real server on loopback: pasted in the first-run
dialog (shown, applied, stored, then the login dialog with the server filled), refused when
expired or already used (nothing stored), from the login dialog, and a locked site."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.support.setupcodes import issue_code
from tests.support.tlscert import self_signed_cert

pytestmark = pytest.mark.gui

CODE_FACILITY = "P6408040202"  # Puskesmas Teluk Lingga


def issue(server: Any, *, days_ago: int = 0, facility: str = CODE_FACILITY) -> str:
    return issue_code(server.db_url, server_url=server.url, facility=facility, days_ago=days_ago)


def stored(data_dir: Path, *keys: str) -> list[Any]:
    from sync.store import Store

    store = Store.open(data_dir)
    try:
        return [store.get_setting(k) for k in keys]
    finally:
        store.close()


def open_setup(qtbot: Any, dialog: Any) -> Any:
    """Click "Punya kode penyiapan?" in ``dialog``; the setup-code dialog it opens."""
    button = dialog.setup_button
    assert button.isVisible() and button.text() == "Punya kode penyiapan?"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    setup = dialog.setup_dialog
    qtbot.waitUntil(setup.isVisible)
    return setup


def paste_and_check(qtbot: Any, setup: Any, text: str) -> None:
    """As a 2D scanner does: the code typed in, then Enter."""
    setup.text.setFocus()
    qtbot.keyClicks(setup.text, text)
    qtbot.keyClick(setup.text, Qt.Key.Key_Return)


def test_a_code_pasted_at_first_run_sets_server_and_facility_then_login_opens(  # type: ignore[no-untyped-def]
    kabar, qtbot, server
) -> None:
    from desktop.firstrun import FirstRunDialog
    from desktop.settings_keys import FACILITY, OFFICER, SERVER_URL, TLS_PIN_SHA256

    text = issue(server)
    seen: dict[str, Any] = {}

    def first_run(store: Any) -> bool:
        dialog = FirstRunDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        setup = open_setup(qtbot, dialog)
        # WhatsApp's way: lower case, the text around it, line breaks
        paste_and_check(qtbot, setup, f"kode: {text.lower()}")
        assert setup.preview.isVisible() and not setup.problem.isVisible()
        preview = setup.preview.text()
        seen["preview"] = preview
        assert setup.focusWidget() is setup.apply_button and setup.apply_button.isEnabled()
        assert store.get_setting(SERVER_URL) is None  # nothing kept before Apply
        qtbot.keyClick(setup.apply_button, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not setup.isVisible(), timeout=30000)
        assert setup.result_.facility_code == CODE_FACILITY
        # back in the first-run dialog: the facility chosen, the name still to type
        assert dialog.selected_code() == CODE_FACILITY
        assert dialog.site_note.isVisible() and "127.0.0.1" in dialog.site_note.text()
        assert dialog.focusWidget() is dialog.officer
        qtbot.keyClicks(dialog.officer, "Budi")
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        with qtbot.waitSignal(dialog.accepted_choice):
            qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        return True

    launched = kabar.start(prepared=False, first_run=first_run)
    host = server.url.split("//")[1]
    assert f"Server: {host}" in seen["preview"]
    assert "Fasilitas: Puskesmas Teluk Lingga (P6408040202)" in seen["preview"]
    until = (datetime.now(UTC) + timedelta(days=14)).astimezone().strftime("%d/%m/%Y")
    assert f"Berlaku sampai: {until}" in seen["preview"]
    window = launched.window
    assert window.session.facility_code == CODE_FACILITY
    assert stored(launched.store.data_dir, SERVER_URL, FACILITY, OFFICER, TLS_PIN_SHA256) == [
        server.url,
        CODE_FACILITY,
        "Budi",
        None,  # an http server: nothing to pin
    ]
    login = window.sync_ui.login_dialog
    assert login is not None
    qtbot.waitUntil(login.isVisible)
    assert login.server.text() == server.url
    assert login.focusWidget() is login.username
    login.reject()


def test_an_expired_code_says_so_and_stores_nothing(kabar, qtbot, server) -> None:  # type: ignore[no-untyped-def]
    from desktop.firstrun import FirstRunDialog
    from desktop.settings_keys import FACILITY, SERVER_URL, SETUP_LOGIN_PENDING

    text = issue(server, days_ago=15)

    def first_run(store: Any) -> bool:
        dialog = FirstRunDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        setup = open_setup(qtbot, dialog)
        paste_and_check(qtbot, setup, text)
        qtbot.mouseClick(setup.apply_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(setup.problem.isVisible, timeout=30000)
        assert setup.problem.text() == (
            "Kode penyiapan ini sudah kedaluwarsa. Minta kode baru ke petugas TI Dinas."
        )
        assert setup.isVisible() and not setup.busy
        setup.reject()
        dialog.reject()
        return False

    assert kabar.start(prepared=False, first_run=first_run) is None
    assert stored(kabar.data_dir, SERVER_URL, FACILITY, SETUP_LOGIN_PENDING) == [None] * 3


def test_damaged_and_used_codes_get_their_own_words(kabar, qtbot, server) -> None:  # type: ignore[no-untyped-def]
    from desktop.settings_keys import SERVER_URL
    from desktop.setupcode import SetupCodeDialog

    launched = kabar.start()
    store = launched.store
    dialog = SetupCodeDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    paste_and_check(qtbot, dialog, "KABAR1-ABCDE FGHIJ")
    assert dialog.problem.text().startswith("Kode tidak terbaca")
    assert not dialog.apply_button.isEnabled() and not dialog.preview.isVisible()

    text = issue(server)
    dialog.text.clear()
    paste_and_check(qtbot, dialog, text)
    assert not dialog.problem.isVisible() and dialog.preview.isVisible()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=30000)
    assert store.get_setting(SERVER_URL) == server.url

    # This laptop applying it again (say the first answer was lost) is fine ...
    again = SetupCodeDialog(store)
    qtbot.addWidget(again)
    again.show()
    paste_and_check(qtbot, again, text)
    qtbot.mouseClick(again.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: again.result_ is not None, timeout=30000)
    # ... another laptop is told the code is spent, and keeps nothing
    from sync.store import Store

    other = Store.open(kabar.tmp_path / "other")
    try:
        third = SetupCodeDialog(other)
        qtbot.addWidget(third)
        third.show()
        paste_and_check(qtbot, third, text)
        qtbot.mouseClick(third.apply_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(third.problem.isVisible, timeout=30000)
        assert third.problem.text() == (
            "Kode penyiapan ini sudah pernah dipakai; setiap kode hanya berlaku sekali. Minta "
            "kode baru ke petugas TI Dinas."
        )
        assert other.get_setting(SERVER_URL) is None
        third.reject()
    finally:
        other.close()


def test_a_shown_code_is_redrawn_in_another_language_without_reading_the_store(  # type: ignore[no-untyped-def]
    kabar, qtbot, server
) -> None:
    """A dialog still on screen when the language changes redraws its preview from what it
    read when the code was pasted: the store may be closed by then (seen in CI, where a
    dialog that outlived its test was retranslated after its store had closed)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from desktop.setupcode import SetupCodeDialog
    from sync.store import Store

    other = Store.open(kabar.tmp_path / "other")
    other.load_demo_org_units()
    dialog = SetupCodeDialog(other)
    qtbot.addWidget(dialog)
    dialog.show()
    paste_and_check(qtbot, dialog, issue(server))
    before = dialog.preview.text()
    assert dialog.preview.isVisible()
    assert f"Puskesmas Teluk Lingga ({CODE_FACILITY})" in before
    other.close()
    QCoreApplication.sendEvent(dialog, QEvent(QEvent.Type.LanguageChange))
    assert dialog.preview.text() == before
    dialog.reject()


def test_a_code_from_the_login_dialog_fills_the_server_and_switches_the_facility(  # type: ignore[no-untyped-def]
    kabar, qtbot, server
) -> None:
    launched = kabar.start()
    window = launched.window
    assert window.session.facility_code != CODE_FACILITY
    window.sync_ui.show_login()
    login = window.sync_ui.login_dialog
    qtbot.waitUntil(login.isVisible)
    assert login.server.text() == ""
    setup = open_setup(qtbot, login)
    paste_and_check(qtbot, setup, issue(server))
    qtbot.mouseClick(setup.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not setup.isVisible(), timeout=30000)
    assert login.server.text() == server.url
    assert window.session.facility_code == CODE_FACILITY
    assert window.facility_label.text() == "Puskesmas Teluk Lingga"
    assert window.session.server_url == server.url
    login.reject()
    # the switch reads the new facility's figures on the worker: let it finish
    qtbot.waitUntil(lambda: kabar.idle(window), timeout=10000)


def test_a_locked_site_refuses_a_code_for_another_server_offline(  # type: ignore[no-untyped-def]
    kabar, qtbot, server, tmp_path
) -> None:
    from desktop.settings_keys import SERVER_URL
    from desktop.setupcode import SetupCodeDialog
    from sync.siteconfig import load_site_config

    path = tmp_path / "it" / "site.toml"
    path.parent.mkdir()
    path.write_text('server_url = "https://kabar.kaltimprov.go.id"\nlocked = true\n')
    site = load_site_config(path)
    launched = kabar.start()
    dialog = SetupCodeDialog(launched.store, site=site)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.text.setPlainText(issue(server))  # pasted with the mouse, no Enter: said at once
    host = server.url.split("//")[1]
    assert dialog.problem.text() == (
        f"Petugas TI telah mengunci komputer ini ke server lain; kode penyiapan untuk {host} "
        "tidak dapat dipakai di sini."
    )
    assert not dialog.apply_button.isEnabled() and not dialog.preview.isVisible()
    assert launched.store.get_setting(SERVER_URL) is None
    dialog.reject()


# -- the pin on later requests, and start-up ------------------------------------------------


def test_the_stored_pin_carries_later_logins_and_a_changed_certificate_fails_loudly(
    tmp_path: Path,
) -> None:
    """A self-signed server: the pin from the code makes the login work without any CA; with
    the certificate changed (another pin) the login fails with the pin message."""
    import hashlib
    import ssl

    from desktop.settings_keys import TLS_PIN_SERVER, TLS_PIN_SHA256
    from desktop.setupcode import apply_redemption
    from desktop.syncrunner import login
    from server.db import migrate
    from sync import setupcode
    from sync.store import Store
    from sync.transport import PermanentError
    from tests.server.conftest import SEED_PASSWORD, LiveServer, seed

    self_signed_cert(tmp_path, "c.pem", "k.pem")
    url = f"sqlite:///{tmp_path / 'server.db'}"
    migrate(url)
    seed(url)
    server = LiveServer(url, certfile=tmp_path / "c.pem", keyfile=tmp_path / "k.pem").start()
    store = Store.open(tmp_path / "data")
    try:
        pin = hashlib.sha256(ssl.PEM_cert_to_DER_cert((tmp_path / "c.pem").read_text())).digest()
        from server import db, setupcodes

        engine = db.make_engine(url)
        try:
            text = setupcodes.issue(
                db.session_factory(engine), server_url=server.url, facility=CODE_FACILITY,
                cert_sha256=pin, days=14, actor="test",
            ).text  # fmt: skip
        finally:
            engine.dispose()
        apply_redemption(store, setupcode.redeem(setupcode.parse(text), app_version="0.1.0"))
        assert store.get_setting(TLS_PIN_SHA256) == pin.hex()
        assert store.get_setting(TLS_PIN_SERVER) == server.url
        outcome = login(store, server.url, "ani", SEED_PASSWORD, CODE_FACILITY)
        assert outcome.result.username == "ani"

        store.set_setting(TLS_PIN_SHA256, "00" * 32)  # as if the server's certificate changed
        with pytest.raises(PermanentError) as caught:
            login(store, server.url, "ani", SEED_PASSWORD, CODE_FACILITY)
        assert caught.value.code == "pin_mismatch"
        assert caught.value.message.id.startswith("Sertifikat server tidak cocok — jangan")
    finally:
        store.close()
        server.stop()


def _start_modules(tmp_path: Path, extra: str = "") -> list[str]:
    import os
    import subprocess
    import sys

    probe = (
        "import atexit, sys\n"
        f"{extra}\n"
        "atexit.register(lambda: print('MODULES', sorted(m for m in sys.modules if "
        "m.split('.')[0] in ('cryptography', 'segno') or m in ('sync.setupcode', "
        "'desktop.setupcode', 'desktop.tlspin'))))\n"
        "from desktop.launcher import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, "--data-dir", str(tmp_path / "d"), "--demo",
         "--quit-when-idle"],
        cwd=Path(__file__).resolve().parents[2],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("MODULES"))
    return list(eval(line.removeprefix("MODULES ")))


def test_start_up_imports_nothing_of_setup_codes(tmp_path: Path) -> None:
    """Start-up is sacred: the dialog, the codec and cryptography load only when asked for."""
    assert _start_modules(tmp_path) == []
    # the probe does see them when they are imported
    assert "sync.setupcode" in _start_modules(tmp_path, "import sync.setupcode")


def test_a_certificate_mismatch_is_said_plainly_and_nothing_is_stored(  # type: ignore[no-untyped-def]
    kabar, qtbot, tmp_path
) -> None:

    from desktop.settings_keys import FACILITY, SERVER_URL, TLS_PIN_SHA256
    from desktop.setupcode import SetupCodeDialog
    from server import db, setupcodes
    from server.db import migrate
    from tests.server.conftest import LiveServer, seed

    self_signed_cert(tmp_path, "c.pem", "k.pem", ip_san=False)
    url = f"sqlite:///{tmp_path / 'server.db'}"
    migrate(url)
    seed(url)
    server = LiveServer(url, certfile=tmp_path / "c.pem", keyfile=tmp_path / "k.pem").start()
    try:
        engine = db.make_engine(url)
        try:
            text = setupcodes.issue(
                db.session_factory(engine), server_url=server.url, facility=CODE_FACILITY,
                cert_sha256=b"\x42" * 32, days=14, actor="test",  # not this server's certificate
            ).text  # fmt: skip
        finally:
            engine.dispose()
        launched = kabar.start()
        store = launched.store
        before = [store.get_setting(k) for k in (SERVER_URL, FACILITY, TLS_PIN_SHA256)]
        dialog = SetupCodeDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        paste_and_check(qtbot, dialog, text)
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(dialog.problem.isVisible, timeout=30000)
        assert dialog.problem.text() == (
            "Sertifikat server tidak cocok — jangan lanjutkan, hubungi TI Dinas."
        )
        assert [store.get_setting(k) for k in (SERVER_URL, FACILITY, TLS_PIN_SHA256)] == before
        dialog.reject()
    finally:
        server.stop()
