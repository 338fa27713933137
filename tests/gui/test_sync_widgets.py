"""The sync screens on their own, driven through their widgets: the login and unlock dialogs, the
conflict window, the calendar's sync marks and the status bar's sync part (Indonesian)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.worker import Operations
from forms.model import FormDefinition, Text
from forms.types import format_number
from tests.gui.helpers import plain_integer

pytestmark = pytest.mark.gui

DAY = date(2026, 11, 20)
UNIT = "P6408040201"


@pytest.fixture
def indonesian(qm_dir: Path) -> Iterator[Any]:
    from desktop.i18n import Translations

    translations = Translations(qm_dir)
    translations.install("id")
    yield translations
    translations.uninstall()


@pytest.fixture
def lane(qtbot: Any) -> Iterator[Operations]:
    ops = Operations()
    yield ops
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=10000)


def covid_form() -> FormDefinition:
    from forms.loader import builtin_forms

    return builtin_forms()[0]


# -- login ----------------------------------------------------------------------------------


def test_login_checks_the_form_then_says_the_servers_answer(qtbot, indonesian, lane) -> None:  # type: ignore[no-untyped-def]
    from desktop.login import LoginDialog
    from sync.transport import AuthError

    tried: list[tuple[str, str, str]] = []

    def attempt(url: str, username: str, password: str) -> str:
        tried.append((url, username, password))
        if password != "benar":
            raise AuthError(
                Text("Nama pengguna atau kata sandi salah.", "Wrong username or password."),
                code="bad_credentials",
            )
        return "token-result"

    dialog = LoginDialog(lane, attempt, server_url=None, username=None)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.windowTitle() == "Kabar — masuk ke server"
    assert dialog.server.hasFocus() or dialog.focusWidget() is dialog.server

    qtbot.keyClicks(dialog.server, "kabar.kaltim")  # no scheme: refused before any attempt
    qtbot.keyClick(dialog.server, Qt.Key.Key_Return)
    assert "http://" in dialog.problem_text() and not tried
    dialog.server.clear()
    qtbot.keyClicks(dialog.server, "http://127.0.0.1:9/ ")
    qtbot.keyClick(dialog.server, Qt.Key.Key_Return)
    assert dialog.problem_text() == "Ketik nama pengguna Anda."
    qtbot.keyClicks(dialog.username, "ani")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
    assert dialog.problem_text() == "Ketik kata sandi Anda."
    assert not tried

    qtbot.keyClicks(dialog.password, "salah")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert tried == [("http://127.0.0.1:9", "ani", "salah")]
    assert dialog.problem_text() == "Nama pengguna atau kata sandi salah."
    assert dialog.isVisible() and dialog.password.hasFocus()

    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "benar")
    with qtbot.waitSignal(dialog.logged_in, timeout=10000) as blocker:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert blocker.args == ["token-result"]
    assert not dialog.isVisible() and dialog.password.text() == ""


def test_a_bug_in_login_is_said_plainly_not_as_a_traceback(qtbot, indonesian, lane, caplog) -> None:  # type: ignore[no-untyped-def]
    from desktop.login import LoginDialog

    def attempt(url: str, username: str, password: str) -> None:
        raise KeyError("token")

    dialog = LoginDialog(lane, attempt, server_url="http://127.0.0.1:9", username="ani")
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.focusWidget() is dialog.password  # address and name prefilled
    qtbot.keyClicks(dialog.password, "x")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.problem_text().startswith("Gagal masuk karena masalah yang tidak terduga")
    assert "Traceback" not in dialog.problem_text() and "KeyError" not in dialog.problem_text()
    assert "KeyError" in caplog.text  # the bug itself goes to the log, in full


def test_too_many_attempts_says_how_long_to_wait(qtbot, indonesian, lane) -> None:  # type: ignore[no-untyped-def]
    from desktop.login import LoginDialog
    from sync.transport import TransientError

    def attempt(url: str, username: str, password: str) -> None:
        too_many = Text("Terlalu banyak percobaan masuk.", "Too many login attempts.")
        raise TransientError(too_many, "too_many_attempts", retry_after=545.0)

    dialog = LoginDialog(lane, attempt, server_url="http://127.0.0.1:9", username="ani")
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.keyClicks(dialog.password, "x")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.problem_text() == (
        "Terlalu banyak percobaan masuk. Coba lagi sekitar 10 menit lagi."
    )


# -- unlock ---------------------------------------------------------------------------------


def test_unlock_wrong_then_right_and_the_forgot_path(qtbot, indonesian, lane) -> None:  # type: ignore[no-untyped-def]
    from desktop.unlock import LOGIN, UNLOCKED, UnlockDialog

    dialog = UnlockDialog(lane, lambda pw: pw == "rahasia", username="ani")
    qtbot.addWidget(dialog)
    dialog.open()
    assert "ani" in dialog.intro.text()
    assert not dialog.forgot_text.isVisible()
    qtbot.keyClicks(dialog.password, "rahasia1")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.problem.text() == "Kata sandi salah. Periksa Caps Lock lalu coba lagi."
    assert dialog.isVisible() and dialog.outcome != UNLOCKED
    qtbot.mouseClick(dialog.forgot_button, Qt.MouseButton.LeftButton)
    assert dialog.forgot_text.isVisible() and "admin kabupaten" in dialog.forgot_text.text()
    assert dialog.login_button.isVisible()

    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "rahasia")
    with qtbot.waitSignal(dialog.unlocked, timeout=10000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.outcome == UNLOCKED and not dialog.isVisible()

    other = UnlockDialog(lane, lambda pw: False, username="ani")
    qtbot.addWidget(other)
    other.open()
    other.show_forgot()
    with qtbot.waitSignal(other.login_requested):
        qtbot.mouseClick(other.login_button, Qt.MouseButton.LeftButton)
    assert other.outcome == LOGIN


# -- conflicts ------------------------------------------------------------------------------


def conflict(form: FormDefinition, code: str, *, mine: Any = 12, theirs: Any = 15) -> Any:
    from sync.store import LocalConflict

    return LocalConflict(
        id=1,
        server_id=41,
        org_unit="P6408040201",
        form_id=form.id,
        period=DAY,
        indicator=code,
        mine=mine,
        theirs=theirs,
        theirs_rev=7,
        theirs_by="camat",
        theirs_at=datetime(2026, 11, 21, 2, 5, tzinfo=UTC),
        found_at=datetime(2026, 11, 21, 3, 0, tzinfo=UTC),
    )


def clear_by_keys(qtbot: Any, editor: Any) -> None:
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)


def conflict_dialog(qtbot: Any, form: FormDefinition) -> Any:
    from desktop.conflicts import ConflictDialog

    names = {"P6408040201": "Puskesmas Sangatta Utara"}
    dialog = ConflictDialog({form.id: form}.get, lambda code: names.get(code, code))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()  # its Alt+1/2/3 shortcuts work in the active window
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


@pytest.mark.parametrize("choice", ["mine", "theirs", "other"])
def test_conflict_window_shows_both_values_and_asks_for_a_choice(qtbot, indonesian, choice) -> None:  # type: ignore[no-untyped-def]
    from desktop.conflicts import KEEP_MINE, OTHER, TAKE_THEIRS
    from sync.store import AuditRow

    form = covid_form()
    field = plain_integer(form)
    dialog = conflict_dialog(qtbot, form)
    assert dialog.windowTitle() == "Kabar — konflik dan data ditolak"
    with qtbot.waitSignal(dialog.history_wanted) as wanted:
        dialog.set_conflicts([conflict(form, field.code, mine=1234, theirs=15)])
    c = wanted.args[0]
    assert dialog.tabs.tabText(0) == "Konflik (1)"
    item = dialog.list.item(0).text()
    assert "20/11/2026" in item and field.label.id in item and "Puskesmas Sangatta Utara" in item
    assert dialog.mine_value.text().startswith("1.234")  # id_ID digits
    assert dialog.theirs_value.text().startswith("15")
    assert dialog.theirs_who.text().startswith("oleh camat, 21/11/2026 ")
    assert "memuat" in dialog.history_caption.text()
    rows = [
        AuditRow(datetime(2026, 11, 20, 1, 0, tzinfo=UTC), "Siti", "dev-1", None, 10, "edit", "s1"),
        AuditRow(datetime(2026, 11, 21, 2, 5, tzinfo=UTC), "camat", "server", 10, 15, "edit", "s2"),
    ]
    dialog.set_history(c.id, rows)
    assert dialog.history.rowCount() == 2
    assert dialog.history.item(1, 1).text() == "camat"
    assert dialog.history.item(1, 4).text() == "server"
    assert dialog.history.item(0, 4).text() == "komputer ini"

    with qtbot.waitSignal(dialog.settle_requested) as settled:
        if choice == "mine":
            qtbot.keyClick(dialog.list, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
        elif choice == "theirs":
            qtbot.keyClick(dialog.list, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
        else:
            qtbot.keyClick(dialog.list, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
            editor = dialog._other.editor
            assert editor.hasFocus()
            qtbot.keyClicks(editor, "2.000")
            qtbot.keyClick(editor, Qt.Key.Key_Return)
    expected = {"mine": (1234, KEEP_MINE), "theirs": (15, TAKE_THEIRS), "other": (2000, OTHER)}
    assert settled.args[0] is c
    assert (settled.args[1], settled.args[2]) == expected[choice]
    assert not dialog.mine_button.isEnabled()  # one choice at a time, until the lists reload
    dialog.set_conflicts([])
    assert dialog.tabs.tabText(0) == "Konflik (0)"
    assert "Tidak ada konflik" in dialog.empty_label.text()


def test_another_value_is_parsed_and_checked_with_the_forms_rules(qtbot, indonesian) -> None:  # type: ignore[no-untyped-def]
    form = covid_form()
    field = plain_integer(form)
    dialog = conflict_dialog(qtbot, form)
    dialog.set_conflicts([conflict(form, field.code)])
    editor = dialog._other.editor
    emitted: list[Any] = []
    dialog.settle_requested.connect(lambda *args: emitted.append(args))

    dialog.focus_other()
    qtbot.keyClicks(editor, "1,5")  # not a whole number
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert dialog.other_problem.text() and not emitted
    clear_by_keys(qtbot, editor)
    assert field.max is not None, "the test needs a field with a maximum"
    qtbot.keyClicks(editor, format_number(field.max + 1, "id"))  # above the field's maximum
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert "tidak boleh lebih" in dialog.other_problem.text() and not emitted
    clear_by_keys(qtbot, editor)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert dialog.other_problem.text() == "Ketik dulu nilai yang mau dipakai." and not emitted
    qtbot.keyClicks(editor, "7")
    assert dialog.other_problem.text() == ""
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert emitted and emitted[0][1] == 7
    assert dialog.isVisible()  # Enter settled; it did not close the window


def test_refused_figures_are_listed_with_the_servers_reason(qtbot, indonesian) -> None:  # type: ignore[no-untyped-def]
    from sync.store import SetAside

    form = covid_form()
    field = plain_integer(form)
    dialog = conflict_dialog(qtbot, form)
    reason = Text("Isian ini tidak dikenal di versi formulir server.", "Unknown indicator.")
    at = datetime(2026, 11, 21, 4, 0, tzinfo=UTC)
    dialog.set_set_aside(
        [
            SetAside(1, UNIT, form.id, DAY, field.code, 9, "unknown_indicator", reason, at),
            SetAside(2, UNIT, form.id, DAY, None, None, "not_allowed", reason, at),
        ]
    )
    assert dialog.tabs.tabText(1) == "Ditolak server (2)"
    table = dialog.refused
    assert table.item(0, 0).text() == "20/11/2026"
    assert table.item(0, 3).text() == field.label.id and table.item(0, 4).text() == "9"
    assert table.item(0, 5).text() == reason.id
    assert table.item(1, 3).text() == "seluruh hari"
    assert not dialog.dismiss_button.isEnabled()  # nothing chosen yet
    table.selectRow(1)
    with qtbot.waitSignal(dialog.dismiss_requested) as dismissed:
        qtbot.mouseClick(dialog.dismiss_button, Qt.MouseButton.LeftButton)
    assert dismissed.args == [[2]]
    indonesian.install("en")
    qtbot.waitUntil(lambda: dialog.tabs.tabText(1) == "Refused by the server (2)")
    assert dialog.refused.item(0, 5).text() == reason.en
    assert dialog.refused.item(0, 3).text() == field.label.en


# -- calendar and status bar ----------------------------------------------------------------


def test_calendar_sync_marks_replace_a_month_and_the_legend_says_them(qtbot, indonesian) -> None:  # type: ignore[no-untyped-def]
    from desktop.calendar import CalendarPanel

    panel = CalendarPanel()
    qtbot.addWidget(panel)
    cal = panel.calendar
    cal.setSelectedDate(cal.selectedDate().__class__(2026, 11, 20))
    first, last = date(2026, 11, 1), date(2026, 11, 30)
    cal.set_statuses({date(2026, 11, 18): "lengkap", date(2026, 11, 19): "draf"})
    cal.set_sync_states(
        {
            date(2026, 11, 18): "terkirim",
            date(2026, 11, 19): "menunggu",
            date(2026, 11, 20): "konflik",
            date(2026, 10, 31): "ditolak",
        },
        first,
        last,
    )
    panel.show()
    panel.grab()  # paints every mark
    cal.set_sync_states({date(2026, 11, 18): "terkirim"}, first, last)
    assert cal.sync_state_of(date(2026, 11, 19)) is None  # no longer in the month's answer
    assert cal.sync_state_of(date(2026, 10, 31)) == "ditolak"  # another month: kept
    assert panel.legend.sync_texts() == ["terkirim", "menunggu", "konflik", "ditolak"]
    assert panel.legend.texts() == ["kosong", "draf", "lengkap"]
    indonesian.install("en")
    qtbot.waitUntil(lambda: panel.legend.sync_texts() == ["sent", "waiting", "conflict", "refused"])


def test_status_bar_says_the_sync_state_in_indonesian(qtbot, indonesian) -> None:  # type: ignore[no-untyped-def]
    from desktop.statusbar import OFFLINE, ONLINE, StatusBar
    from sync.store import SyncSummary

    bar = StatusBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.set_server("http://127.0.0.1:9")
    assert bar.connection_label.text() == "Belum masuk ke server"
    bar.set_logged_in(True)
    assert not bar.server_label.isVisible() and bar.last_sync_label.text() == "Belum pernah sinkron"
    problem = Text("Server tidak dapat dihubungi.", "The server cannot be reached.")
    last = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
    bar.set_summary(SyncSummary(1234, 0, 0, last, problem, -3 * 86400.0))
    bar.set_connection(OFFLINE)
    assert bar.outbox_label.text() == "1.234 belum terkirim"
    assert bar.connection_label.text() == "Luring"
    stamp = last.astimezone().strftime("%d/%m/%Y %H:%M")
    assert bar.last_sync_label.text() == f"Terakhir sinkron: {stamp}"
    assert bar.problem_label.toolTip() == problem.id
    assert bar.clock_label.isVisible()
    assert bar.clock_text().startswith("Jam komputer ini tampaknya salah (3 hari lebih lambat)")
    bar.set_summary(SyncSummary(0, 0, 0, last, None, 30.0))
    bar.set_connection(ONLINE)
    assert bar.connection_label.text() == "Daring" and not bar.problem_label.isVisible()
    assert not bar.clock_label.isVisible() and bar.outbox_label.text() == "0 belum terkirim"
    indonesian.install("en")
    qtbot.waitUntil(lambda: bar.connection_label.text() == "Online")
    assert bar.outbox_label.text() == "0 not sent yet"


def test_the_network_coming_back_brings_a_sync_soon_after_a_failed_one(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtNetwork import QNetworkInformation

    from desktop.syncrunner import SyncRunner

    class FailedRun:
        finished = False

    runner = SyncRunner(object(), server_url="http://127.0.0.1:9", username="ani")
    online = QNetworkInformation.Reachability.Online
    runner._on_reachability(online)
    assert not runner._debounce.isActive()  # the last sync went well (or none yet): nothing
    runner.last_report = FailedRun()
    with qtbot.waitSignal(runner.network_changed) as changed:
        runner._on_reachability(online)
    assert changed.args == [True] and runner._debounce.isActive()
    runner.stop()
    assert not runner._debounce.isActive()
