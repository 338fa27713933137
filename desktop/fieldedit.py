"""One field of a form: its label, editor, unit, "copy from yesterday" button and message label.

The editor parses on every keystroke with ``forms.types.parse_input``; a value that does not
parse is never handed out (``value`` keeps the last good one and ``type_error`` says why).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QFocusEvent
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from desktop.style import set_state
from forms.model import Field, FieldType, Issue, Severity, Text, Value
from forms.types import InputError, format_value, parse_input

EDIT_WIDTH = 130


class LineEdit(QLineEdit):
    """A QLineEdit that reformats on focus-out and offers cell history in its context menu."""

    focus_lost = Signal()
    history_requested = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_lost.emit()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu()
        menu.addSeparator()
        action = menu.addAction(self.tr("Cell history…"))
        action.triggered.connect(self.history_requested)
        menu.exec(event.globalPos())
        menu.deleteLater()


class ComboEdit(QComboBox):
    """Yes/no and choice fields; the empty first entry means "not filled in"."""

    history_requested = Signal()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        action = menu.addAction(self.tr("Cell history…"))
        action.triggered.connect(self.history_requested)
        menu.exec(event.globalPos())
        menu.deleteLater()


class FieldEdit(QObject):
    """The widgets of one field row; the form view lays them out in a grid."""

    edited = Signal(str)  # field code; the value (or its type error) changed by the user
    copy_requested = Signal(str)
    history_requested = Signal(str)

    def __init__(self, field: Field, lang: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.field = field
        self.lang = lang
        self.value: Value = None
        self.type_error: Text | None = None
        self.issues: list[Issue] = []
        #: the cell's sync state when a person must look ('conflict' | 'rejected'), else ""
        self.sync_state = ""

        self.label = QLabel(parent)
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(300)
        self.unit = QLabel(parent)
        self.unit.setMinimumWidth(80)
        self.message = QLabel(parent)
        self.message.setWordWrap(True)
        self.message.setObjectName("fieldMessage")
        self.message.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        self.editor: QLineEdit | QComboBox
        if field.type in (FieldType.YESNO, FieldType.CHOICE):
            combo = ComboEdit(parent)
            combo.activated.connect(self._on_combo)
            combo.history_requested.connect(lambda: self.history_requested.emit(field.code))
            self.editor = combo
        else:
            line = LineEdit(parent)
            if field.type in (FieldType.INTEGER, FieldType.DECIMAL):
                line.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            line.textEdited.connect(self._on_text)
            line.focus_lost.connect(self._reformat)
            line.history_requested.connect(lambda: self.history_requested.emit(field.code))
            self.editor = line
        self.editor.setObjectName(f"edit_{field.code}")
        self.editor.setFixedWidth(EDIT_WIDTH if field.type != FieldType.TEXT else 2 * EDIT_WIDTH)
        self.label.setBuddy(self.editor)

        self.copy_button: QToolButton | None = None
        if field.stock:
            button = QToolButton(parent)
            button.setObjectName(f"copy_{field.code}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep Tab going field to field
            button.setAutoRaise(True)
            button.clicked.connect(lambda: self.copy_requested.emit(field.code))
            self.copy_button = button
        self.retranslate(lang)

    # -- display -------------------------------------------------------------------------

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        f = self.field
        label = f.label.get(lang) + (" *" if f.required else "")
        self.label.setText(label)
        self.unit.setText(f.unit.get(lang) if f.unit else "")
        tip = f.help.get(lang) if f.help else ""
        self.editor.setToolTip(tip)
        self.label.setToolTip(tip)
        if self.copy_button is not None:
            self.copy_button.setText(self.tr("↓ Yesterday"))
            self.copy_button.setToolTip(self.tr("Copy from yesterday (Ctrl+D)"))
        if isinstance(self.editor, QComboBox):
            self._fill_combo()
        elif self.type_error is None:
            self.editor.setText(format_value(f, self.value, lang))
        self._show_messages()

    def _fill_combo(self) -> None:
        combo = self.editor
        assert isinstance(combo, QComboBox)
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("", None)
        if self.field.type == FieldType.YESNO:
            # Stored as text: PySide6 mishandles the refcount of Python bools kept in QVariants.
            combo.addItem(self.tr("Yes"), "1")
            combo.addItem(self.tr("No"), "0")
        else:
            for choice in self.field.choices:
                combo.addItem(choice.label.get(self.lang), choice.code)
        combo.setCurrentIndex(self._combo_index(self.value))
        combo.blockSignals(False)

    def _combo_index(self, value: Value) -> int:
        combo = self.editor
        assert isinstance(combo, QComboBox)
        if value is None:
            return 0
        if isinstance(value, bool):
            value = "1" if value else "0"
        for i in range(1, combo.count()):
            if combo.itemData(i) == value:
                return i
        return 0

    def set_sync_state(self, state: str) -> None:
        """Say beside the field when it is in conflict with the server or was refused."""
        state = state if state in ("conflict", "rejected") else ""
        if state != self.sync_state:
            self.sync_state = state
            self._show_messages()

    def set_issues(self, issues: list[Issue]) -> None:
        self.issues = issues
        self._show_messages()

    def _show_messages(self) -> None:
        lines: list[str] = []
        state = ""
        if self.type_error is not None:
            lines.append("✖ " + self.type_error.get(self.lang))
            state = "error"
        if self.sync_state == "conflict":
            lines.append(
                "⇄ " + self.tr("Changed on the server too: choose the value (Sync › Conflicts).")
            )
            state = "warning"
        elif self.sync_state == "rejected":
            lines.append("× " + self.tr("Refused by the server: see Sync › Conflicts for why."))
            state = "warning"
        for issue in self.issues:
            if issue.severity == Severity.ERROR:
                lines.append("✖ " + issue.message.get(self.lang))
                state = "error"
            else:
                lines.append("⚠ " + issue.message.get(self.lang))
                state = state or "warning"
        self.message.setText("\n".join(lines))
        set_state(self.message, "message", state)
        set_state(self.editor, "editor", state)

    # -- values --------------------------------------------------------------------------

    def set_value(self, value: Value) -> None:
        """Show a stored value (not a user edit: no ``edited`` signal)."""
        self.value = value
        self.type_error = None
        if isinstance(self.editor, QComboBox):
            self.editor.setCurrentIndex(self._combo_index(value))
        else:
            self.editor.setText(format_value(self.field, value, self.lang))
        self._show_messages()

    def set_value_by_user(self, value: Value) -> None:
        """Change the value as if typed (e.g. "copy from yesterday")."""
        self.set_value(value)
        self.edited.emit(self.field.code)

    def _on_text(self, text: str) -> None:
        try:
            self.value = parse_input(self.field, text, self.lang)
        except InputError as exc:
            self.type_error = exc.message
        else:
            self.type_error = None
        self._show_messages()
        self.edited.emit(self.field.code)

    def _on_combo(self, index: int) -> None:
        combo = self.editor
        assert isinstance(combo, QComboBox)
        data = combo.itemData(index)
        if self.field.type == FieldType.YESNO and data is not None:
            self.value = data == "1"
        else:
            self.value = data
        self.edited.emit(self.field.code)

    def _reformat(self) -> None:
        if self.type_error is None and isinstance(self.editor, QLineEdit):
            text = format_value(self.field, self.value, self.lang)
            if text != self.editor.text():
                self.editor.setText(text)

    def text(self) -> str:
        if isinstance(self.editor, QComboBox):
            return self.editor.currentText()
        return self.editor.text()

    def widgets(self) -> list[Any]:
        return [self.label, self.editor, self.unit, self.copy_button, self.message]
