"""The app and the server's advertised versions, through the real app and the real server: a
newer latest shows a calm notice once per version per run (not when equal), and an app below
the minimum keeps its figures until an updated app sends them all."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.gui.helpers import plain_integer
from tests.gui.test_sync_flows import (
    TODAY,
    log_in_store,
    quick,
    save_by_keys,
    server_value,
    skip_unlock,
    synced,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def versioned_server(seeded_server_db: Path, tmp_path: Path) -> Iterator[Any]:
    """``versioned_server(latest=..., minimum=...)``: the real server advertising those."""
    from server.settings import Settings
    from tests.server.conftest import LiveServer

    started: list[Any] = []

    def start(**versions: str) -> Any:
        target = tmp_path / f"server-{len(started)}.db"
        shutil.copyfile(seeded_server_db, target)
        live = LiveServer(f"sqlite:///{target}", Settings(**versions)).start()
        started.append(live)
        return live

    yield start
    for live in started:
        live.stop()


def this_version() -> str:
    from desktop.syncrunner import app_version

    return app_version()


def test_a_newer_version_is_offered_once(kabar, qtbot, versioned_server, os_keyring) -> None:  # type: ignore[no-untyped-def]
    server = versioned_server(app_latest="0.10.0", app_minimum="0.0.1")
    assert this_version() == "0.1.0"  # the comparison below is 0.10.0 > 0.1.0, as numbers
    log_in_store(kabar.data_dir, server, "ani")
    launched = kabar.start(today=TODAY, unlock=skip_unlock)
    window = launched.window
    runner = quick(window)
    # What the last sync (here: the login) heard is offered at start, off the GUI thread.
    qtbot.waitUntil(lambda: window.notice_label.isVisible(), timeout=10000)
    text = window.notice_label.text()
    assert "Versi baru Kabar 0.10.0 tersedia" in text and "0.1.0" in text
    assert "angka Anda tetap aman" in text
    assert window.notice_label.objectName() == "noticeCalm"  # news, not a red refusal
    assert window.sync_ui.offered == {"0.10.0"}
    window.show_notice("")  # the officer read it
    field = plain_integer(window.views[0].form)
    runs = runner.runs
    save_by_keys(qtbot, window, field.code, "3")
    qtbot.waitUntil(lambda: synced(kabar, window, runs + 1), timeout=20000)
    assert server_value(server, window.views[0].form.id, TODAY, field.code) == 3
    assert not window.notice_label.isVisible()  # not again in this run
    kabar.stop(launched)


def test_no_notice_when_the_server_advertises_this_version(  # type: ignore[no-untyped-def]
    kabar, qtbot, versioned_server, os_keyring
) -> None:
    server = versioned_server(app_latest=this_version(), app_minimum="0.0.1")
    log_in_store(kabar.data_dir, server, "ani")
    launched = kabar.start(today=TODAY, unlock=skip_unlock)
    window = launched.window
    runner = quick(window)
    runs = runner.runs
    runner.sync_now()
    qtbot.waitUntil(lambda: synced(kabar, window, runs + 1), timeout=20000)
    assert runner.last_report.finished and runner.last_report.app_latest == this_version()
    assert not window.notice_label.isVisible() and window.sync_ui.offered == set()
    kabar.stop(launched)


def test_an_updated_app_sends_what_the_old_one_kept(  # type: ignore[no-untyped-def]
    kabar, qtbot, versioned_server, os_keyring, monkeypatch
) -> None:
    server = versioned_server(app_latest="0.2.0", app_minimum="0.2.0")
    log_in_store(kabar.data_dir, server, "ani")
    launched = kabar.start(today=TODAY, unlock=skip_unlock)
    window = launched.window
    runner = quick(window)
    field = plain_integer(window.views[0].form)
    form_id = window.views[0].form.id
    save_by_keys(qtbot, window, field.code, "7")
    qtbot.waitUntil(lambda: runner.blocked == "too_old", timeout=20000)
    qtbot.waitUntil(lambda: kabar.idle(window))
    assert "terlalu lama" in window.notice_label.text()
    assert "tetap tersimpan" in window.notice_label.text()
    assert window.notice_label.objectName() == "notice"  # this one needs action: red
    assert window.status.outbox_label.text() == "1 belum terkirim"
    kabar.stop(launched)
    assert server_value_or_none(server, form_id, field.code) is None

    # Kabar 0.2.0 installed over it: the same data folder, the same login.
    monkeypatch.setattr("desktop.syncrunner.app_version", lambda: "0.2.0")
    launched = kabar.start(today=TODAY, unlock=skip_unlock)
    window = launched.window
    runner = quick(window)
    runner.sync_now()
    qtbot.waitUntil(lambda: window.status.outbox_label.text() == "0 belum terkirim", timeout=20000)
    qtbot.waitUntil(lambda: kabar.idle(window))
    assert runner.blocked is None and runner.last_report.pushed == 1
    assert server_value(server, form_id, TODAY, field.code) == 7
    assert window.sync_ui.offered == set()  # 0.2.0 is the latest: nothing to offer
    kabar.stop(launched)


def server_value_or_none(server: Any, form_id: str, code: str) -> Any:
    from tests.gui.test_sync_flows import server_rows

    rows = server_rows(
        server,
        "SELECT value FROM cells WHERE form_id = ? AND period = ? AND indicator = ?",
        form_id,
        TODAY.isoformat(),
        code,
    )
    return rows[0][0] if rows else None
