"""Copy from yesterday, marking complete, cell history and the 30-day table."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from forms.model import Severity
from tests.gui.conftest import FACILITY, OFFICER, TODAY
from tests.gui.helpers import outlier_rule, seed_days, stock_field
from tests.gui.test_entry import type_into

pytestmark = pytest.mark.gui


def test_copy_from_yesterday(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    from forms.loader import builtin_forms

    form, field = stock_field(builtin_forms())
    kabar.start  # noqa: B018 (documentation: the data dir is prepared on first start)
    from tests.gui.conftest import prepare_data_dir

    prepare_data_dir(kabar.data_dir)
    seed_days(kabar.data_dir, FACILITY, form, TODAY - timedelta(days=1), 1, {field.code: 37})
    window = kabar.start().window
    view = window.view_for(form.id)
    window.tabs.setCurrentWidget(view)
    fe = view.edits[field.code]
    assert fe.value is None and fe.copy_button is not None

    qtbot.mouseClick(fe.copy_button, Qt.MouseButton.LeftButton)
    assert fe.value == 37 and fe.editor.text() == "37"
    assert view.dirty_values() == {field.code: 37}

    type_into(qtbot, fe.editor, "")
    assert fe.value is None
    qtbot.keyClick(fe.editor, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert fe.value == 37
    assert "kemarin" in window.status.currentMessage()

    type_into(qtbot, fe.editor, "")
    window.actions_.copy_all.trigger()
    assert fe.value == 37


def test_opening_stock_copies_yesterdays_closing_stock(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    from forms.loader import builtin_forms
    from tests.gui.conftest import prepare_data_dir

    form, field = next(
        (form, f) for form in builtin_forms() for f in form.fields if f.stock and f.stock_from
    )
    assert field.stock_from is not None
    prepare_data_dir(kabar.data_dir)
    # Yesterday opened with 50 and closed with 41: today opens with 41, not 50.
    yesterday = {field.code: 50, field.stock_from: 41}
    seed_days(kabar.data_dir, FACILITY, form, TODAY - timedelta(days=1), 1, yesterday)
    window = kabar.start().window
    view = window.view_for(form.id)
    window.tabs.setCurrentWidget(view)
    fe = view.edits[field.code]
    qtbot.mouseClick(fe.copy_button, Qt.MouseButton.LeftButton)
    assert fe.value == 41
    type_into(qtbot, fe.editor, "")
    window.actions_.copy_all.trigger()
    assert fe.value == 41


def test_mark_complete_needs_no_errors_and_checked_warnings(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    from forms.loader import builtin_forms

    forms = builtin_forms()
    form, rule, field = outlier_rule(forms)
    from tests.gui.conftest import prepare_data_dir

    prepare_data_dir(kabar.data_dir)
    # 28 quiet days make a sudden jump an outlier.
    seed_days(kabar.data_dir, FACILITY, form, TODAY - timedelta(days=1), 28, {field.code: 2})
    launched = kabar.start()
    window = launched.window
    view = window.view_for(form.id)
    window.tabs.setCurrentWidget(view)

    # Empty required fields block it: errors shown, nothing saved.
    qtbot.keyClick(
        view.edits[field.code].editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    assert window.summary.notice.isVisible()
    errors = [i for i in window.summary.issues if i.severity == Severity.ERROR]
    required = [f for f in form.fields if f.required]
    assert required and errors
    assert launched.store.load_day(FACILITY, form, TODAY).status == "kosong"

    # Fill every required field (and the outlier) with plausible values.
    for f in form.fields:
        if f.required or f.code == field.code:
            value = "500" if f.code == field.code else _plausible(view, f)
            if value is not None:
                fe = view.edits[f.code]
                if hasattr(fe.editor, "setText"):
                    type_into(qtbot, fe.editor, value)
                else:
                    fe.editor.setCurrentIndex(1)
                    fe._on_combo(1)
    errors = [i for i in view.revalidate() if i.severity == Severity.ERROR]
    assert errors == [], [i.message.id for i in errors]
    warnings = [i for i in view.issues if i.severity == Severity.WARNING]
    assert any(i.rule_id == rule.id for i in warnings)

    # A warning not yet confirmed blocks it too.
    assert window.mark_complete() is False
    assert "Sudah saya periksa" in window.summary.notice.text()
    for row in window.summary.rows:
        if row.check is not None:
            qtbot.mouseClick(row.check, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.completed, timeout=10000):
        assert window.mark_complete() is True
    qtbot.waitUntil(lambda: window.session.ops.pending == 0)
    assert launched.store.load_day(FACILITY, form, TODAY).status == "lengkap"
    assert view.status == "lengkap"
    assert "✓" in window.tabs.tabText(window.tabs.indexOf(view))
    if len(window.views) == 1:
        assert window.calendar.status_of(TODAY) == "lengkap"


def _plausible(view, field):  # type: ignore[no-untyped-def]
    from forms.model import FieldType

    if field.type == FieldType.INTEGER:
        return "1"
    if field.type == FieldType.DECIMAL:
        return "1"
    if field.type == FieldType.TEXT:
        return "catatan"
    return None


def test_cell_history_dialog_shows_old_and_new(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    launched = kabar.start()
    window = launched.window
    view = window.views[0]
    from tests.gui.helpers import plain_integer

    field = plain_integer(view.form)
    fe = view.edits[field.code]
    for text in ("4", "1.250"):
        type_into(qtbot, fe.editor, text)
        with qtbot.waitSignal(window.saved, timeout=10000):
            window.save()
    fe.editor.setFocus()
    qtbot.keyClick(fe.editor, Qt.Key.Key_F2)
    dialog = window.history_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10000)
    cells = [
        [dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
        for r in range(2)
    ]
    assert cells[0][1:5] == [OFFICER, "", "4", "diisi"]
    assert cells[1][1] == OFFICER and cells[1][3] == "1.250"
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", cells[1][0]), cells[1][0]
    dialog.close()


def test_cell_history_shows_the_previous_value_as_old(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    from tests.gui.helpers import plain_integer

    window = kabar.start().window
    view = window.views[0]
    fe = view.edits[plain_integer(view.form).code]
    for text in ("4", "1.250"):
        type_into(qtbot, fe.editor, text)
        with qtbot.waitSignal(window.saved, timeout=10000):
            window.save()
    window.show_history(fe.field.code)
    dialog = window.history_dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10000)
    row = [dialog.table.item(1, c).text() for c in range(2, 5)]
    dialog.close()
    assert row == ["4", "1.250", "diubah"]


def test_thirty_day_table(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    from forms.loader import builtin_forms
    from tests.gui.conftest import prepare_data_dir
    from tests.gui.helpers import plain_integer

    form = builtin_forms()[0]
    field = plain_integer(form)
    prepare_data_dir(kabar.data_dir)
    seed_days(kabar.data_dir, FACILITY, form, TODAY - timedelta(days=3), 2, {field.code: 1500})
    window = kabar.start().window
    window.views[0].edits[field.code].editor.setFocus()
    qtbot.keyClick(
        window.views[0].edits[field.code].editor, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier
    )
    dialog = window.series_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 30, timeout=10000)
    dates = [dialog.table.item(r, 0).text() for r in range(30)]
    values = [dialog.table.item(r, 1).text() for r in range(30)]
    assert dates[-1].endswith("23/11/2026") and dates[0].endswith("25/10/2026")
    assert values[-4] == "1.500" and values[-5] == "1.500"
    assert values[-1] == "—" and values.count("—") == 28
    dialog.close()
