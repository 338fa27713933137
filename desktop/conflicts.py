"""The conflict window: figures two people changed differently, settled by a person (keep mine,
take the server's, or enter another), and the figures the server refused, with its reason.

It only shows and asks; the main window loads the lists and carries out a choice on its workers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import QEvent, QLocale, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.calendar import to_qdate
from desktop.fieldedit import FieldEdit
from desktop.i18n import current_lang
from desktop.statusbar import local_stamp
from desktop.style import named
from forms.model import Field, FormDefinition, Severity, Text, Value
from forms.types import format_value
from forms.validate import validate

#: form id -> its definition (None when this computer does not know it)
FormLookup = Callable[[str], FormDefinition | None]
#: org unit code -> its name
UnitName = Callable[[str], str]

KEEP_MINE, TAKE_THEIRS, OTHER = "mine", "theirs", "other"
ID_ROLE = Qt.ItemDataRole.UserRole


def show_value(field: Field | None, value: Value, lang: str, empty: str) -> str:
    if value is None:
        return empty
    if field is None:
        return str(value)
    try:
        return format_value(field, value, lang)
    except TypeError:  # a value of another form version's type: still worth showing
        return str(value)


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def field_errors(form: FormDefinition, field: Field, value: Value) -> list[Text]:
    """The form's own rules for one figure on its own (range, choices): what blocks a value."""
    issues = validate(form, {field.code: value})
    return [
        i.message
        for i in issues
        if i.severity == Severity.ERROR
        and i.rule_id.startswith("field.")
        and i.fields == (field.code,)
    ]


class ConflictDialog(QDialog):
    """Non-modal. Fed through ``set_conflicts``/``set_history``/``set_set_aside``; a person's
    choice leaves as ``settle_requested(conflict, value, choice)``."""

    settle_requested = Signal(object, object, str)  # LocalConflict, value, KEEP_MINE|…
    dismiss_requested = Signal(list)  # SetAside ids the officer has read
    history_wanted = Signal(object)  # LocalConflict
    refresh_wanted = Signal()

    def __init__(
        self, forms: FormLookup, unit_name: UnitName, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self._forms = forms
        self._unit_name = unit_name
        self.conflicts: list[Any] = []
        self.set_aside_rows: list[Any] = []
        self.current: Any = None
        self.busy = False
        self._other: FieldEdit | None = None
        self._history_rows: list[Any] | None = None
        self._notice = ""

        self.tabs = QTabWidget(self)
        # -- conflicts tab --
        page = QWidget(self)
        self.list = QListWidget(page)
        self.list.setObjectName("conflictList")
        self.list.currentItemChanged.connect(lambda cur, _prev: self._select(cur))
        self.list.setMinimumWidth(300)
        self.list.setWordWrap(True)  # long facility and form names wrap, not scroll sideways
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(2)
        self.empty_label = QLabel(page)
        self.empty_label.setWordWrap(True)
        left = QWidget(page)
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.list, 1)
        left_column.addWidget(self.empty_label)

        self.detail = QWidget(page)
        self.heading = QLabel(self.detail)
        named(self.heading, "conflictHeading")
        self.heading.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.heading.setWordWrap(True)
        self.explain = QLabel(self.detail)
        self.explain.setWordWrap(True)
        self.values_box = QGroupBox(self.detail)
        grid = QGridLayout(self.values_box)
        self.mine_caption = QLabel(self.values_box)
        self.mine_value = QLabel(self.values_box)
        self.mine_value.setObjectName("mineValue")
        self.mine_who = QLabel(self.values_box)
        self.theirs_caption = QLabel(self.values_box)
        self.theirs_value = QLabel(self.values_box)
        self.theirs_value.setObjectName("theirsValue")
        self.theirs_who = QLabel(self.values_box)
        for value_label in (self.mine_value, self.theirs_value):
            value_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
            value_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value_label.setMinimumWidth(110)
        grid.addWidget(self.mine_caption, 0, 0)
        grid.addWidget(self.mine_value, 0, 1)
        grid.addWidget(self.mine_who, 0, 2)
        grid.addWidget(self.theirs_caption, 1, 0)
        grid.addWidget(self.theirs_value, 1, 1)
        grid.addWidget(self.theirs_who, 1, 2)
        grid.setColumnStretch(2, 1)

        self.history_caption = QLabel(self.detail)
        self.history = QTableWidget(0, 5, self.detail)
        self.history.setObjectName("conflictHistory")
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.verticalHeader().hide()
        history_header = self.history.horizontalHeader()
        history_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        history_header.setStretchLastSection(True)
        self.history.setMinimumHeight(120)

        self.mine_button = QPushButton(self.detail)
        self.mine_button.setObjectName("keepMine")
        self.theirs_button = QPushButton(self.detail)
        self.theirs_button.setObjectName("takeTheirs")
        self.mine_button.clicked.connect(lambda: self.choose(KEEP_MINE))
        self.theirs_button.clicked.connect(lambda: self.choose(TAKE_THEIRS))
        self.other_box = QGroupBox(self.detail)
        self.other_row = QGridLayout(self.other_box)
        self.other_button = QPushButton(self.other_box)
        self.other_button.setObjectName("useOther")
        self.other_button.clicked.connect(lambda: self.choose(OTHER))
        self.other_problem = QLabel(self.other_box)
        self.other_problem.setStyleSheet("color: #b71c1c;")
        self.other_problem.setWordWrap(True)
        self.other_row.addWidget(self.other_button, 0, 3)
        self.other_row.addWidget(self.other_problem, 1, 0, 1, 5)
        self.other_row.setColumnStretch(4, 1)
        self.notice = QLabel(self.detail)
        self.notice.setObjectName("conflictNotice")
        self.notice.setWordWrap(True)
        choices = QHBoxLayout()
        choices.addWidget(self.mine_button)
        choices.addWidget(self.theirs_button)
        choices.addStretch(1)
        detail_column = QVBoxLayout(self.detail)
        detail_column.setContentsMargins(0, 0, 0, 0)
        detail_column.addWidget(self.heading)
        detail_column.addWidget(self.explain)
        detail_column.addWidget(self.values_box)
        detail_column.addLayout(choices)
        detail_column.addWidget(self.other_box)
        detail_column.addWidget(self.notice)
        detail_column.addWidget(self.history_caption)
        detail_column.addWidget(self.history, 1)

        splitter = QSplitter(page)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        page_column = QVBoxLayout(page)
        page_column.addWidget(splitter)
        self.tabs.addTab(page, "")

        # -- refused tab --
        refused = QWidget(self)
        self.refused_intro = QLabel(refused)
        self.refused_intro.setWordWrap(True)
        self.refused = QTableWidget(0, 6, refused)
        self.refused.setObjectName("setAsideTable")
        self.refused.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.refused.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.refused.setWordWrap(True)
        self.refused.verticalHeader().hide()
        # Reasons wrap: rows follow their text as the window (and the reason column) resizes.
        self.refused.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.refused.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.dismiss_button = QPushButton(refused)
        self.dismiss_button.setObjectName("dismissRefused")
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        self.refused.itemSelectionChanged.connect(self._enable_dismiss)
        refused_column = QVBoxLayout(refused)
        refused_column.addWidget(self.refused_intro)
        refused_column.addWidget(self.refused, 1)
        refused_column.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignRight)
        self.tabs.addTab(refused, "")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.close)
        column = QVBoxLayout(self)
        column.addWidget(self.tabs, 1)
        column.addWidget(self.buttons)
        # Keyboard: the list has the focus; these reach the choices from anywhere in the window.
        QShortcut(QKeySequence("Alt+1"), self, lambda: self.choose(KEEP_MINE))
        QShortcut(QKeySequence("Alt+2"), self, lambda: self.choose(TAKE_THEIRS))
        QShortcut(QKeySequence("Alt+3"), self, self.focus_other)
        # Enter belongs to the field it is typed in (Enter in "another value" uses it), never to
        # a default button that would close the window or settle by accident.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.resize(1000, 600)
        self._show_current()
        self.retranslate()

    # -- data in -------------------------------------------------------------------------

    @property
    def lang(self) -> str:
        return current_lang()

    def set_conflicts(self, conflicts: list[Any]) -> None:
        """The open conflicts; the selection stays on the same conflict when it is still open."""
        keep = self.current.id if self.current is not None else None
        self.conflicts = list(conflicts)
        self.list.blockSignals(True)
        self.list.clear()
        row_to_select = 0
        for i, c in enumerate(self.conflicts):
            item = QListWidgetItem(self._list_text(c))
            item.setData(ID_ROLE, c.id)
            self.list.addItem(item)
            if c.id == keep:
                row_to_select = i
        self.list.blockSignals(False)
        self.busy = False
        if self.conflicts:
            self.list.setCurrentRow(row_to_select)
            self._select(self.list.currentItem())
        else:
            self.current = None
            self._show_current()
        self._retitle()

    def set_history(self, conflict_id: int, rows: list[Any]) -> None:
        if self.current is None or self.current.id != conflict_id:
            return  # an answer for a conflict no longer shown
        self._history_rows = list(rows)
        self._fill_history()

    def set_set_aside(self, rows: list[Any]) -> None:
        self.set_aside_rows = list(rows)
        self._fill_refused()
        self._retitle()
        self._enable_dismiss()

    def dismiss_selected(self) -> bool:
        """Hide the selected refused figures from this list (they stay in the data file)."""
        rows = sorted({index.row() for index in self.refused.selectedIndexes()})
        ids = [self.set_aside_rows[r].id for r in rows if r < len(self.set_aside_rows)]
        if not ids:
            return False
        self.dismiss_button.setEnabled(False)
        self.dismiss_requested.emit(ids)
        return True

    def _enable_dismiss(self) -> None:
        self.dismiss_button.setEnabled(bool(self.refused.selectedIndexes()))

    def show_notice(self, text: str) -> None:
        self._notice = text
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def select_conflict(self, org_unit: str, form_id: str, period: date) -> bool:
        """Select the first open conflict of that day (from the calendar's konflik mark)."""
        for i, c in enumerate(self.conflicts):
            if (c.org_unit, c.form_id, c.period) == (org_unit, form_id, period):
                self.list.setCurrentRow(i)
                return True
        return False

    def select_day(self, org_unit: str, period: date) -> bool:
        for i, c in enumerate(self.conflicts):
            if (c.org_unit, c.period) == (org_unit, period):
                self.tabs.setCurrentIndex(0)
                self.list.setCurrentRow(i)
                return True
        return False

    # -- a person's choice ---------------------------------------------------------------

    def choose(self, choice: str) -> bool:
        """Ask for ``choice`` on the selected conflict; False (and a reason shown) if not now."""
        c = self.current
        if c is None or self.busy:
            return False
        if choice == KEEP_MINE:
            value = c.mine
        elif choice == TAKE_THEIRS:
            value = c.theirs
        else:
            other = self._other
            if other is None:
                return False
            if other.type_error is not None:
                self.other_problem.setText(other.type_error.get(self.lang))
                other.editor.setFocus()
                return False
            form, field = self._form_field(c)
            errors = field_errors(form, field, other.value) if form and field else []
            if errors:
                self.other_problem.setText(errors[0].get(self.lang))
                other.editor.setFocus()
                return False
            if other.value is None and not other.text().strip():
                self.other_problem.setText(self.tr("Type the value to keep first."))
                other.editor.setFocus()
                return False
            value = other.value
        self.other_problem.setText("")
        self.busy = True
        self._enable_choices()
        self.show_notice(self.tr("Saving your choice…"))
        self.settle_requested.emit(c, value, choice)
        return True

    def settle_failed(self, text: str) -> None:
        self.busy = False
        self._enable_choices()
        self.show_notice(text)

    def focus_other(self) -> None:
        if self._other is not None and self.other_box.isEnabled():
            self._other.editor.setFocus()
            if hasattr(self._other.editor, "selectAll"):
                self._other.editor.selectAll()

    # -- display -------------------------------------------------------------------------

    def _form_field(self, c: Any) -> tuple[FormDefinition | None, Field | None]:
        form = self._forms(c.form_id)
        if form is None:
            return None, None
        field = next((f for f in form.fields if f.code == c.indicator), None)
        return form, field

    def _list_text(self, c: Any) -> str:
        form, field = self._form_field(c)
        lang = self.lang
        label = field.label.get(lang) if field is not None else c.indicator
        title = form.title.get(lang) if form is not None else c.form_id
        stamp = QLocale().toString(to_qdate(c.period), "dd/MM/yyyy")
        return f"{stamp} · {label}\n{self._unit_name(c.org_unit)} · {title}"

    def _select(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        wanted = item.data(ID_ROLE)
        c = next((c for c in self.conflicts if c.id == wanted), None)
        changed = c is None or self.current is None or c.id != self.current.id
        self.current = c
        if changed:
            self._history_rows = None
            self.other_problem.setText("")
            self.show_notice("")
        self._show_current()
        if c is not None and changed:
            self.history_wanted.emit(c)

    def _show_current(self) -> None:
        c = self.current
        self.detail.setEnabled(c is not None)
        self._build_other(c)
        self._fill_current()
        self._fill_history()
        self._enable_choices()

    def _enable_choices(self) -> None:
        on = self.current is not None and not self.busy
        for widget in (self.mine_button, self.theirs_button, self.other_box):
            widget.setEnabled(on)

    def _build_other(self, c: Any) -> None:
        """A fresh editor for the selected figure's type (its parsing, its unit)."""
        if self._other is not None:
            for widget in self._other.widgets():
                if widget is not None:
                    self.other_row.removeWidget(widget)
                    widget.deleteLater()
            self._other.deleteLater()
            self._other = None
        if c is None:
            return
        _form, field = self._form_field(c)
        if field is None:
            return
        other = FieldEdit(field, self.lang, self.other_box)
        other.label.setMinimumWidth(0)
        other.label.setText(self.tr("&Another value:"))
        other.edited.connect(lambda _code: self.other_problem.setText(""))
        editor = other.editor
        if isinstance(editor, QLineEdit):
            editor.returnPressed.connect(lambda: self.choose(OTHER))
        self.other_row.addWidget(other.label, 0, 0)
        self.other_row.addWidget(editor, 0, 1)
        self.other_row.addWidget(other.unit, 0, 2)
        for widget in (other.label, editor, other.unit):
            widget.show()  # made after the window was shown: not shown by the layout until later
        other.message.hide()
        if other.copy_button is not None:
            other.copy_button.hide()
        QWidget.setTabOrder(editor, self.other_button)
        self._other = other

    def _fill_current(self) -> None:
        c = self.current
        lang = self.lang
        if c is None:
            for label in (
                self.heading,
                self.explain,
                self.mine_value,
                self.mine_who,
                self.theirs_value,
                self.theirs_who,
            ):
                label.setText("")
            return
        form, field = self._form_field(c)
        label = field.label.get(lang) if field is not None else c.indicator
        title = form.title.get(lang) if form is not None else c.form_id
        stamp = QLocale().toString(to_qdate(c.period), "dd/MM/yyyy")
        self.heading.setText(f"{label} — {stamp}")
        self.explain.setText(
            self.tr(
                "%1, %2. Someone else changed this figure on the server before your change "
                "arrived. Nothing was overwritten: choose the value that is right."
            )
            .replace("%1", self._unit_name(c.org_unit))
            .replace("%2", title)
        )
        empty = self.tr("(empty)")
        unit = f" {field.unit.get(lang)}" if field is not None and field.unit else ""
        self.mine_value.setText(show_value(field, c.mine, lang, empty) + unit)
        self.theirs_value.setText(show_value(field, c.theirs, lang, empty) + unit)
        self.mine_who.setText(self.tr("typed on this computer"))
        who = c.theirs_by or self.tr("someone")
        when = local_stamp(c.theirs_at) if c.theirs_at is not None else self.tr("unknown time")
        self.theirs_who.setText(self.tr("by %1, %2").replace("%1", who).replace("%2", when))
        if self._other is not None:
            self._other.label.setText(self.tr("&Another value:"))

    def _fill_history(self) -> None:
        self.history.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Who"), self.tr("Old"), self.tr("New"), self.tr("Where")]
        )
        rows = self._history_rows
        if rows is None:
            self.history.setRowCount(0)
            self.history_caption.setText(
                self.tr("History of this figure: loading…") if self.current else ""
            )
            return
        self.history_caption.setText(self.tr("History of this figure (newest last):"))
        c = self.current
        _form, field = self._form_field(c) if c is not None else (None, None)
        lang, empty = self.lang, self.tr("(empty)")
        lines = [
            (
                row.at,
                row.author,
                show_value(field, row.old, lang, empty),
                show_value(field, row.new, lang, empty),
                self.tr("server") if row.device == "server" else self.tr("this computer"),
            )
            for row in rows
        ]
        if c is not None and not any(r.device == "server" and r.new == c.theirs for r in rows):
            # The server's value is not applied here while the conflict is open, so this
            # computer's history lacks it: shown from the conflict itself.
            lines.append(
                (
                    c.theirs_at or c.found_at,
                    c.theirs_by or self.tr("someone"),
                    "",
                    show_value(field, c.theirs, lang, empty),
                    self.tr("server (not applied here)"),
                )
            )
            lines.sort(key=lambda line: _utc(line[0]))
        self.history.setRowCount(len(lines))
        for r, (at, *texts) in enumerate(lines):
            for col, text in enumerate([local_stamp(at), *texts]):
                self.history.setItem(r, col, QTableWidgetItem(text))

    def _fill_refused(self) -> None:
        self.refused.setHorizontalHeaderLabels(
            [
                self.tr("Date"),
                self.tr("Facility"),
                self.tr("Form"),
                self.tr("Figure"),
                self.tr("Value"),
                self.tr("Reason"),
            ]
        )
        lang, empty = self.lang, self.tr("(empty)")
        rows = self.set_aside_rows
        self.refused.setRowCount(len(rows))
        for r, row in enumerate(rows):
            form = self._forms(row.form_id)
            field = (
                next((f for f in form.fields if f.code == row.indicator), None)
                if form is not None and row.indicator is not None
                else None
            )
            if row.indicator is None:
                figure = self.tr("the whole day")
                value = ""
            else:
                figure = field.label.get(lang) if field is not None else row.indicator
                value = show_value(field, row.value, lang, empty)
            cells = [
                QLocale().toString(to_qdate(row.period), "dd/MM/yyyy"),
                self._unit_name(row.org_unit),
                form.title.get(lang) if form is not None else row.form_id,
                figure,
                value,
                row.message.get(lang),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 5:
                    item.setToolTip(text)
                self.refused.setItem(r, col, item)

    def _retitle(self) -> None:
        n, m = len(self.conflicts), len(self.set_aside_rows)
        loc = QLocale()
        self.tabs.setTabText(0, self.tr("Conflicts (%1)").replace("%1", loc.toString(n)))
        refused = self.tr("Refused by the server (%1)").replace("%1", loc.toString(m))
        self.tabs.setTabText(1, refused)
        self.empty_label.setText(
            "" if n else self.tr("No open conflicts. Every figure agrees with the server.")
        )
        self.empty_label.setVisible(not n)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Kabar — conflicts and refused figures"))
        self.values_box.setTitle(self.tr("Two values for one figure"))
        self.mine_caption.setText(self.tr("My value:"))
        self.theirs_caption.setText(self.tr("Server's value:"))
        self.mine_button.setText(self.tr("Keep &my value (Alt+1)"))
        self.theirs_button.setText(self.tr("Take the &server's value (Alt+2)"))
        self.other_box.setTitle(self.tr("Or enter another value (Alt+3)"))
        self.other_button.setText(self.tr("Use &this value"))
        self.dismiss_button.setText(self.tr("I have read these: &hide them"))
        self.refused_intro.setText(
            self.tr(
                "The server refused these figures for good. They stay on this computer; "
                "the reason says what to change (often: ask your district admin)."
            )
        )
        if self._other is not None:
            self._other.retranslate(self.lang)
            self._other.label.setText(self.tr("&Another value:"))
        for i, c in enumerate(self.conflicts):
            item = self.list.item(i)
            if item is not None:
                item.setText(self._list_text(c))
        self._fill_current()
        self._fill_history()
        self._fill_refused()
        self._retitle()
        self.show_notice("")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
