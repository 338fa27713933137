"""Typing a day through the keyboard: type errors, rule errors, saving, restart, history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import FACILITY, OFFICER, TODAY
from tests.gui.helpers import le_rule, plain_integer

pytestmark = pytest.mark.gui


def edit_of(window, code):  # type: ignore[no-untyped-def]
    for view in window.views:
        if code in view.edits:
            return view, view.edits[code]
    raise KeyError(code)


def type_into(qtbot, editor, text):  # type: ignore[no-untyped-def]
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, text)


def test_keyboard_entry_with_errors_then_save_and_restart(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    launched = kabar.start()
    window = launched.window
    assert window.facility_label.text() == "Puskesmas Sangatta Utara"
    assert "23/11/2026" in window.date_label.text()
    assert window.date_label.text().startswith("Senin")

    form, rule, small, big = le_rule(window.session.forms)
    window.tabs.setCurrentIndex([v.form.id for v in window.views].index(form.id))
    view, fe_small = edit_of(window, small)
    _, fe_big = edit_of(window, big)

    # A type error shows next to the field at once and the value is not taken.
    type_into(qtbot, fe_big.editor, "1x")
    assert fe_big.type_error is not None
    assert fe_big.message.text().startswith("✖")
    assert view.type_errors() == [big]
    assert any(i.rule_id == f"type:{big}" for i in window.summary.issues)

    # Fixed: "1.234" is a valid id_ID number; Enter moves on to the next field.
    type_into(qtbot, fe_big.editor, "3")
    assert fe_big.type_error is None and fe_big.value == 3
    assert fe_big.message.text() == ""

    # The rule a <= b is broken: shown by the field and in the summary.
    type_into(qtbot, fe_small.editor, "1.234")
    assert fe_small.value == 1234
    issue = next(i for i in window.summary.issues if i.rule_id == rule.id)
    shown = [row.message.text() for row in window.summary.rows]
    assert any(issue.message.id in text for text in shown), shown
    assert issue.message.id in fe_small.message.text() + fe_big.message.text()
    qtbot.keyClick(fe_small.editor, Qt.Key.Key_Tab)
    assert fe_small.editor.text() == "1.234"  # reformatted on focus-out

    # Clicking the summary entry focuses the field.
    row = next(r for r in window.summary.rows if r.issue.rule_id == rule.id)
    qtbot.mouseClick(row.message, Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() in (fe_small.editor, fe_big.editor)

    # Fix the rule error; Enter moves to the next field.
    type_into(qtbot, fe_small.editor, "2")
    assert not any(i.rule_id == rule.id for i in window.summary.issues)
    qtbot.keyClick(fe_small.editor, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is not fe_small.editor

    with qtbot.waitSignal(window.saved, timeout=10000):
        qtbot.keyClick(
            QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
        )
    assert window.status.save_label.text().startswith("Tersimpan")
    assert view.dirty_values() == {}
    kabar.stop(launched)

    again = kabar.start()
    view, fe_small = edit_of(again.window, small)
    _, fe_big = edit_of(again.window, big)
    assert fe_small.value == 2 and fe_small.editor.text() == "2"
    assert fe_big.value == 3
    history = again.store.cell_history(FACILITY, form.id, TODAY, small)
    assert [(h.old, h.new, h.author) for h in history] == [(None, 2, OFFICER)]


def test_type_error_is_not_saved(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    launched = kabar.start()
    window = launched.window
    view = window.views[0]
    field = plain_integer(view.form)
    fe = view.edits[field.code]
    type_into(qtbot, fe.editor, "1,5")  # a decimal in an integer field
    assert fe.type_error is not None
    assert window.save() is False  # nothing valid changed
    assert "salah ketik" in window.status.currentMessage()
    assert launched.store.load_day(FACILITY, view.form, TODAY).values.get(field.code) is None


def test_page_keys_move_day_and_autosave(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    launched = kabar.start()
    window = launched.window
    view = window.views[0]
    field = plain_integer(view.form)
    fe = view.edits[field.code]
    type_into(qtbot, fe.editor, "7")
    with qtbot.waitSignal(window.day_loaded, timeout=10000) as blocker:
        qtbot.keyClick(fe.editor, Qt.Key.Key_PageUp)
    yesterday = TODAY - timedelta(days=1)
    assert blocker.args == [yesterday]
    assert window.day == yesterday
    assert "22/11/2026" in window.date_label.text()
    assert "draf" in window.status.currentMessage()
    assert launched.store.load_day(FACILITY, view.form, TODAY).values[field.code] == 7
    assert fe.value is None  # yesterday is empty
    qtbot.waitUntil(lambda: window.calendar.status_of(TODAY) == "draf", timeout=10000)

    with qtbot.waitSignal(window.day_loaded, timeout=10000):
        qtbot.keyClick(window.views[0].edits[field.code].editor, Qt.Key.Key_PageDown)
    assert window.day == TODAY
    assert fe.value == 7 and fe.editor.text() == "7"


def test_future_date_is_refused(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    launched = kabar.start()
    window = launched.window
    qtbot.keyClick(
        window.views[0].edits[plain_integer(window.views[0].form).code].editor, Qt.Key.Key_PageDown
    )
    assert window.day == TODAY
    assert window.notice_label.isVisible()
    assert "akan datang" in window.notice_label.text()
    assert window.go_to(TODAY + timedelta(days=5)) is False
    assert window.session.ops.pending == 0


def test_a_tab_is_built_when_first_opened_and_still_validated_before(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    from forms.loader import builtin_forms
    from tests.gui.conftest import prepare_data_dir
    from tests.gui.helpers import seed_days

    forms = builtin_forms()
    form, rule, low, high = le_rule(forms[1:])  # a form that is not the first tab
    prepare_data_dir(kabar.data_dir)
    seed_days(kabar.data_dir, FACILITY, form, TODAY, 1, {low: 9, high: 3})  # breaks the rule
    window = kabar.start().window
    view = window.view_for(form.id)
    assert window.current_view() is not view
    qtbot.waitUntil(lambda: not window._loading)
    assert not view.built and view.edits == {}
    # Not built, yet its figures are held and judged: the rule's error is already known.
    assert view.values()[low] == 9
    assert any(i.rule_id == rule.id for i in view.issues)
    window.tabs.setCurrentWidget(view)
    assert view.built
    assert view.edits[low].editor.text() == "9"
    assert view.edits[low].message.text()  # the error shows next to the field
    assert view.dirty_values() == {}  # showing loaded figures is not an edit
