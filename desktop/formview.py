"""The entry form generated from one FormDefinition: sections as group boxes in a scroll area.

It holds the day's loaded values, tells which fields the user changed, and re-validates on every
edit (type errors from parsing, rule errors/warnings from ``forms.validate``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.fieldedit import FieldEdit
from forms.model import FieldType, FormDefinition, Issue, Severity, Text, Value
from forms.validate import validate

TYPE_RULE_PREFIX = "type:"
LABEL_WIDTH = 300
COPY_WIDTH = 90
UNIT_WIDTH = 80


class FormView(QScrollArea):
    """One tab of the main window.

    Its field widgets are built the first time the tab is shown (or a caller needs them):
    the tab a user does not open costs nothing at start-up. Until then it still holds the day's
    data and validates it, so the summary and "Tandai lengkap" see every form.
    """

    edited = Signal()  # the user changed a value
    issues_changed = Signal()
    copy_requested = Signal(str)  # field code
    history_requested = Signal(str)  # field code
    finished = Signal()  # Enter on the last field

    def __init__(self, form: FormDefinition, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.lang = lang
        self.loaded: dict[str, Value] = {}
        self.previous: dict[str, Value] = {}
        self.history: dict[str, list[Value]] = {}
        self.status = "kosong"
        #: after a "Tandai lengkap" attempt, required-missing errors are shown too
        self.complete_check = False
        self.issues: list[Issue] = []
        #: field code -> its cell's sync state, for the cells a person must look at
        self.sync_states: dict[str, str] = {}
        self.edits: dict[str, FieldEdit] = {}
        self._groups: list[tuple[QGroupBox, Text]] = []
        self._grids: list[QGridLayout] = []
        self._order = [f.code for f in form.fields]
        self.built = False

        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def showEvent(self, event: QShowEvent) -> None:
        self.ensure_built()
        super().showEvent(event)

    def ensure_built(self) -> None:
        """Create the field widgets (once), showing the data and issues already held."""
        if self.built:
            return
        self.built = True
        form, lang = self.form, self.lang
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(8, 8, 8, 8)
        column.setSpacing(10)
        for section in form.sections:
            box = QGroupBox(section.title.get(lang), body)
            grid = QGridLayout(box)
            grid.setHorizontalSpacing(8)
            grid.setVerticalSpacing(4)
            grid.setColumnStretch(4, 1)
            # The same column widths in every section, so edits and units line up down the page.
            grid.setColumnMinimumWidth(0, LABEL_WIDTH)
            grid.setColumnMinimumWidth(2, COPY_WIDTH)
            grid.setColumnMinimumWidth(3, UNIT_WIDTH)
            self._grids.append(grid)
            for row, field in enumerate(section.fields):
                fe = FieldEdit(field, lang, box)
                fe.edited.connect(self._on_edited)
                fe.copy_requested.connect(self.copy_requested)
                fe.history_requested.connect(self.history_requested)
                fe.editor.installEventFilter(self)
                fe.label.setFixedWidth(LABEL_WIDTH)  # long labels wrap instead of widening
                grid.addWidget(fe.label, row, 0)
                if field.type == FieldType.TEXT:
                    # A wide text edit spans the copy and unit columns (a note has neither)
                    # instead of widening this section's number column.
                    grid.addWidget(fe.editor, row, 1, 1, 3)
                    fe.unit.hide()
                else:
                    grid.addWidget(fe.editor, row, 1)
                    if fe.copy_button is not None:
                        grid.addWidget(fe.copy_button, row, 2)
                    grid.addWidget(fe.unit, row, 3)
                grid.addWidget(fe.message, row, 4)
                self.edits[field.code] = fe
            if not any(f.stock for f in section.fields):
                # QGridLayout gives an empty column no spacing: hold the copy column open.
                grid.addWidget(QWidget(box), 0, 2)
            column.addWidget(box)
            self._groups.append((box, section.title))
        column.addStretch(1)
        self.setWidget(body)
        for code, fe in self.edits.items():
            fe.set_value(self.loaded.get(code))
            fe.set_sync_state(self.sync_states.get(code, ""))
        self._show_issues()
        self._align_columns()

    def _align_columns(self) -> None:
        """Every section gets the same column widths, so edits, buttons and units line up down
        the page: a section without a "↓ Kemarin" button would otherwise be narrower there."""
        rows = list(self.edits.values())
        copy_w = max(
            [COPY_WIDTH, *(fe.copy_button.sizeHint().width() for fe in rows if fe.copy_button)]
        )
        unit_w = max([UNIT_WIDTH, *(fe.unit.sizeHint().width() for fe in rows)])
        for grid in self._grids:
            grid.setColumnMinimumWidth(2, copy_w)
            grid.setColumnMinimumWidth(3, unit_w)

    # -- language ------------------------------------------------------------------------

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        for box, title in self._groups:
            box.setTitle(title.get(lang))
        for fe in self.edits.values():
            fe.retranslate(lang)
        if self.built:
            self._align_columns()  # "↓ Yesterday" is wider than "↓ Kemarin"

    # -- the day's data ------------------------------------------------------------------

    def set_day(
        self,
        values: dict[str, Value],
        status: str,
        previous: dict[str, Value],
        history: dict[str, list[Value]],
    ) -> None:
        self.loaded = dict(values)
        self.previous = dict(previous)
        self.history = dict(history)
        self.status = status
        self.complete_check = False
        for code, fe in self.edits.items():
            fe.set_value(values.get(code))
        self.revalidate()

    def set_sync_states(self, states: dict[str, str]) -> None:
        """The day's cells that are in conflict or refused (others are not worth a word)."""
        self.sync_states = {c: s for c, s in states.items() if s in ("conflict", "rejected")}
        for code, fe in self.edits.items():
            fe.set_sync_state(self.sync_states.get(code, ""))

    def values(self) -> dict[str, Value]:
        """Every field's last good value (a field with a type error keeps its loaded value)."""
        if not self.built:
            return {code: self.loaded.get(code) for code in self._order}
        out: dict[str, Value] = {}
        for code, fe in self.edits.items():
            out[code] = self.loaded.get(code) if fe.type_error is not None else fe.value
        return out

    def dirty_values(self) -> dict[str, Value]:
        """The good values that differ from what was loaded or last saved."""
        return {
            code: fe.value
            for code, fe in self.edits.items()
            if fe.type_error is None and not _same(fe.value, self.loaded.get(code))
        }

    def mark_saved(self, saved: dict[str, Value], status: str) -> None:
        self.loaded.update(saved)
        self.status = status

    def type_errors(self) -> list[str]:
        return [code for code, fe in self.edits.items() if fe.type_error is not None]

    # -- validation ----------------------------------------------------------------------

    def revalidate(self) -> list[Issue]:
        mistyped = self.type_errors()
        issues = [
            Issue(TYPE_RULE_PREFIX + code, Severity.ERROR, (code,), self._type_message(code))
            for code in mistyped
        ]
        found = validate(
            self.form,
            self.values(),
            previous=self.previous,
            history=self.history,
            complete=self.complete_check,
        )
        # A rule about only mistyped fields (e.g. "required") would judge the old value: the
        # typing error is the one thing to fix first.
        issues += [i for i in found if not set(i.fields) <= set(mistyped)]
        self.issues = issues
        self._show_issues()
        self.issues_changed.emit()
        return issues

    def _show_issues(self) -> None:
        per_field: dict[str, list[Issue]] = {code: [] for code in self.edits}
        for issue in self.issues:
            if issue.rule_id.startswith(TYPE_RULE_PREFIX):
                continue  # the field shows its own type error
            for code in issue.fields:
                if code in per_field:
                    per_field[code].append(issue)
        for code, fe in self.edits.items():
            fe.set_issues(per_field[code])

    def _type_message(self, code: str) -> Text:
        fe = self.edits[code]
        err = fe.type_error
        assert err is not None
        label = fe.field.label
        return Text(f"{label.id}: {err.id}", f"{label.get('en')}: {err.get('en')}")

    def _on_edited(self, code: str) -> None:
        self.revalidate()
        self.edited.emit()

    # -- focus and keyboard --------------------------------------------------------------

    def focus_field(self, code: str) -> None:
        self.ensure_built()
        fe = self.edits[code]
        self.ensureWidgetVisible(fe.editor)
        fe.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        if hasattr(fe.editor, "selectAll"):
            fe.editor.selectAll()

    def focus_first(self) -> None:
        self.focus_field(self._order[0])

    def focused_code(self) -> str | None:
        for code, fe in self.edits.items():
            if fe.editor.hasFocus():
                return code
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key_event: Any = event
            assert isinstance(key_event, QKeyEvent)
            if (
                key_event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and (key_event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
                == Qt.KeyboardModifier.NoModifier
            ):
                self._advance(watched)
                return True
        return super().eventFilter(watched, event)

    def _advance(self, watched: QObject) -> None:
        codes = [c for c in self._order if self.edits[c].editor is watched]
        if not codes:
            return
        index = self._order.index(codes[0])
        if index + 1 < len(self._order):
            self.focus_field(self._order[index + 1])
        else:
            self.finished.emit()


def _same(a: Value, b: Value) -> bool:
    return type(a) is type(b) and a == b
