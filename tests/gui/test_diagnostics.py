"""Bantuan → Ekspor diagnostik… through the real app: secrets planted everywhere (keyring token,
names in settings, a password typed at login, log lines) never reach the zip, while the logs do."""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop import logsetup
from sync.redaction import MARK, Redactor
from tests.gui.conftest import FACILITY, OFFICER
from tests.gui.test_sync_flows import TODAY, quick, synced
from tests.server.conftest import SEED_PASSWORD

pytestmark = pytest.mark.gui

USERNAME = "ani"
ACCOUNT_NAME = "Ani"  # the seed account's name (username.title())


@pytest.fixture
def logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[logsetup.Logs]:
    """The app's logging as ``main`` installs it, into tmp_path/logs, file already open."""
    monkeypatch.setenv(logsetup.LOG_DIR_ENV, str(tmp_path / "logs"))
    monkeypatch.setattr(logsetup, "redactor", Redactor(home=str(Path.home())))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    installed = logsetup.install()
    installed.open_file()
    yield installed
    installed.close()


def word(secret: str) -> re.Pattern[str]:
    return re.compile(rf"(?i)(?<!\w){re.escape(secret)}(?!\w)")


def secrets_in(zip_path: Path, secrets: list[str]) -> list[tuple[str, str]]:
    """(member, secret) for every planted secret found in any member, as text, or in the zip's
    raw bytes (names, comments and stored data)."""
    found = []
    raw = zip_path.read_bytes()
    for secret in secrets:
        if len(secret) >= 8 and secret.encode("utf-8") in raw:
            found.append(("<raw zip>", secret))
    with zipfile.ZipFile(zip_path) as bundle:
        for name in bundle.namelist():
            text = bundle.read(name).decode("utf-8")
            found += [(name, s) for s in secrets if word(s).search(text)]
    return found


def test_the_scanner_finds_a_planted_secret(tmp_path: Path) -> None:
    """The control: an unredacted zip is caught, so the real test cannot pass vacuously."""
    leaky = tmp_path / "leaky.zip"
    with zipfile.ZipFile(leaky, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("logs/kabar.log", "Authorization: Bearer kbr_TOKEN_123456789\n")
        bundle.writestr("diagnostik.txt", "petugas: Siti Aminah; user ani.\n")
    stored = tmp_path / "stored.zip"
    with zipfile.ZipFile(stored, "w", compression=zipfile.ZIP_STORED) as bundle:
        bundle.writestr("a.txt", "rahasia-123")
    secrets = ["kbr_TOKEN_123456789", "Siti Aminah", "ani", "rahasia-123"]
    assert secrets_in(leaky, secrets) == [
        ("logs/kabar.log", "kbr_TOKEN_123456789"),
        ("diagnostik.txt", "Siti Aminah"),
        ("diagnostik.txt", "ani"),
    ]
    assert ("<raw zip>", "rahasia-123") in secrets_in(stored, secrets)
    assert secrets_in(leaky, ["organisasi"]) == []


def test_exported_diagnostics_hold_the_logs_but_no_secret(  # type: ignore[no-untyped-def]
    kabar, qtbot, server, os_keyring, logs, tmp_path: Path
) -> None:
    launched = kabar.start(today=TODAY, extra_args=("--server", server.url))
    window = launched.window
    runner = quick(window)
    # Log in through the dialog, typing the password as an officer would.
    window.actions_.login.trigger()
    dialog = window.sync_ui.login_dialog
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(dialog.username, USERNAME)
    qtbot.keyClicks(dialog.password, SEED_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    qtbot.waitUntil(lambda: synced(kabar, window, 1), timeout=20000)
    [token] = os_keyring.secrets.values()
    store = launched.store
    verifier = store.get_setting("auth.verifier")
    assert runner.logged_in and store.get_setting("auth.name") == ACCOUNT_NAME
    assert store.get_setting("officer") == OFFICER and verifier

    # Lines as a careless library or an old version might have written them.
    planted = logging.getLogger("kabar.planted")
    planted.warning("request headers: Authorization: Bearer %s", token)
    planted.warning("retrying login with password=%s", SEED_PASSWORD)
    planted.info("officer %s, user %s, name %s", OFFICER, USERNAME, ACCOUNT_NAME)
    older = logs.directory / "kabar.log.1"  # written before any of them was known
    older.write_text(
        f"2026-11-20T01:00:00.000Z INFO old [MainThread] Authorization: Bearer {token}\n"
        f'2026-11-20T01:00:01.000Z INFO old [MainThread] reply {{"token": "{token}"}}\n'
        f"2026-11-20T01:00:02.000Z INFO old [MainThread] officer {OFFICER} user {USERNAME}\n"
        f"2026-11-20T01:00:03.000Z INFO old [MainThread] password: {SEED_PASSWORD}\n"
        f"2026-11-20T01:00:04.000Z INFO old [MainThread] verifier {verifier}\n",
        encoding="utf-8",
    )

    export = window.diagnostics
    asked: list[Path] = []
    target = tmp_path / "export" / "kirim-ke-TI.zip"
    target.parent.mkdir()

    def choose(parent: Any, suggested: Path) -> Path:
        asked.append(suggested)
        return target

    export.ask_path = choose
    action = window.actions_.diagnostics
    assert action in window.actions_.help_menu.actions()
    assert action.text() == "Ekspor &diagnostik…"
    assert window.actions_.help_menu.title() == "B&antuan"
    with qtbot.waitSignal(export.saved, timeout=30000) as saved:
        action.trigger()
    assert saved.args == [target] and target.is_file()
    assert re.fullmatch(rf"kabar-diagnostik-{FACILITY}-\d{{8}}-\d{{4}}\.zip", asked[0].name)
    qtbot.waitUntil(lambda: export.box is not None and export.box.isVisible())
    said = export.box.text()
    assert str(target) in said and "WhatsApp" in said and "kata sandi" in said

    secrets = [token, SEED_PASSWORD, OFFICER, *OFFICER.split(), USERNAME, ACCOUNT_NAME, verifier]
    assert secrets_in(target, secrets) == []

    with zipfile.ZipFile(target) as bundle:
        names = set(bundle.namelist())
        assert {"diagnostik.json", "diagnostik.txt", "logs/kabar.log", "logs/kabar.log.1"} <= names
        live = bundle.read("logs/kabar.log").decode("utf-8")
        old = bundle.read("logs/kabar.log.1").decode("utf-8")
        facts = json.loads(bundle.read("diagnostik.json"))
        text = bundle.read("diagnostik.txt").decode("utf-8")
    # The planted lines are there, redacted: the logs really are in the zip.
    assert f"request headers: Authorization: {MARK}" in live
    assert f"retrying login with password={MARK}" in live
    assert f"officer {MARK}, user {MARK}, name {MARK}" in live
    assert "login ok: role petugas_puskesmas" in live and "sync run " in live
    assert f"old [MainThread] Authorization: {MARK}" in old
    assert f'reply {{"token": "{MARK}"}}' in old
    assert f"officer {MARK} user {MARK}" in old
    assert f"password: {MARK}" in old and f"verifier {MARK}" in old

    assert facts["sync"]["facility"] == FACILITY
    assert facts["sync"]["server_url"] == server.url and facts["sync"]["logged_in"] is True
    assert facts["sync"]["last_sync_ok_at"]
    assert facts["store"]["integrity_check"] == "ok"
    assert facts["outbox"]["unsent_form_days"] == 0
    assert facts["keyring"]["usable"] is True and facts["keyring"]["token_kept"] is True
    assert facts["app"]["qt"] and facts["app"]["screens"] and facts["app"]["app_language"] == "id"
    assert "Diagnostik Kabar" in text and FACILITY in text
    qtbot.waitUntil(lambda: kabar.idle(window))
    export.box.close()
    kabar.stop(launched)


def test_a_folder_that_cannot_be_written_is_said_in_indonesian(  # type: ignore[no-untyped-def]
    kabar, qtbot, logs, tmp_path: Path
) -> None:
    launched = kabar.start()
    window = launched.window
    blocker = tmp_path / "bukan-folder"
    blocker.write_text("x", encoding="utf-8")
    export = window.diagnostics
    export.ask_path = lambda parent, suggested: blocker / "diag.zip"
    with qtbot.waitSignal(export.failed, timeout=30000):
        window.actions_.diagnostics.trigger()
    assert "folder ini tidak dapat ditulisi" in window.last_error
    assert "Data laporan tidak terpengaruh" in window.last_error
    assert not export.busy
    # Cancelling the save dialog does nothing at all.
    export.ask_path = lambda parent, suggested: None
    assert export.export() is False
    qtbot.waitUntil(lambda: kabar.idle(window))
    kabar.stop(launched)
