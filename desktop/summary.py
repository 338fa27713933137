"""The errors/warnings summary of the current form, with a "checked" box per warning.

Clicking an entry focuses its field. Confirmations are remembered per (form, day) until the day
changes, so "Tandai lengkap" can require every warning to be looked at.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.style import named, set_state
from forms.model import Issue, Severity

IssueKey = tuple[str, tuple[str, ...]]


def issue_key(issue: Issue) -> IssueKey:
    return issue.rule_id, issue.fields


class IssueRow(QFrame):
    """One issue; a click (or Enter when focused) asks to focus its first field."""

    activated = Signal(str)

    def __init__(self, issue: Issue, lang: str, confirmed: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.issue = issue
        self.setObjectName("issueRow")
        self.setProperty("severity", issue.severity.value)
        set_state(self, "issueRow", issue.severity.value)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 4, 6, 4)
        column.setSpacing(2)
        mark = "✖ " if issue.severity == Severity.ERROR else "⚠ "
        self.message = QLabel(mark + issue.message.get(lang), self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        column.addWidget(self.message)
        self.check: QCheckBox | None = None
        if issue.severity == Severity.WARNING:
            self.check = QCheckBox(self.tr("I have checked this"), self)
            self.check.setChecked(confirmed)
            column.addWidget(self.check)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.issue.fields:
            self.activated.emit(self.issue.fields[0])
        super().mouseReleaseEvent(event)


class SummaryPanel(QWidget):
    """Lists the current form's issues; errors first."""

    field_activated = Signal(str)
    confirmations_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = "id"
        self.issues: list[Issue] = []
        self.rows: list[IssueRow] = []
        self._confirmed: set[tuple[str, IssueKey]] = set()
        self._context = ""  # form id of the shown issues

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(self)
        named(self.title, "summaryTitle")
        self.notice = QLabel(self)  # why "Tandai lengkap" was refused, if it was
        named(self.notice, "summaryNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._body = QWidget()
        self._rows_layout = QVBoxLayout(self._body)
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.setSpacing(4)
        self._rows_layout.addStretch(1)
        self._scroll.setWidget(self._body)
        column.addWidget(self.title)
        column.addWidget(self.notice)
        column.addWidget(self._scroll, 1)
        self._retitle()

    # -- content -------------------------------------------------------------------------

    def show_issues(self, context: str, issues: list[Issue], lang: str) -> None:
        self._context = context
        self.lang = lang
        self.issues = sorted(issues, key=lambda i: i.severity != Severity.ERROR)
        for row in self.rows:
            # Not setParent(None): that would make it a top-level window, stealing activation.
            self._rows_layout.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.rows = []
        for issue in self.issues:
            confirmed = (context, issue_key(issue)) in self._confirmed
            row = IssueRow(issue, lang, confirmed, self._body)
            row.activated.connect(self.field_activated)
            if row.check is not None:
                key = issue_key(issue)
                row.check.toggled.connect(lambda on, key=key: self._set_confirmed(key, on))
            self._rows_layout.insertWidget(self._rows_layout.count() - 1, row)
            self.rows.append(row)
        if not self.issues:
            self.notice.hide()
        self._retitle()

    def forget_confirmations(self) -> None:
        """A new day: nothing has been checked yet."""
        self._confirmed.clear()
        self.notice.hide()

    def _set_confirmed(self, key: IssueKey, on: bool) -> None:
        if on:
            self._confirmed.add((self._context, key))
        else:
            self._confirmed.discard((self._context, key))
        self.confirmations_changed.emit()

    def unconfirmed_warnings(self, context: str, issues: list[Issue]) -> list[Issue]:
        return [
            i
            for i in issues
            if i.severity == Severity.WARNING and (context, issue_key(i)) not in self._confirmed
        ]

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # -- language ------------------------------------------------------------------------

    def _retitle(self) -> None:
        errors = sum(1 for i in self.issues if i.severity == Severity.ERROR)
        warnings = len(self.issues) - errors
        if not self.issues:
            self.title.setText(self.tr("No errors or warnings"))
        else:
            text = self.tr("Errors: %1 · Warnings: %2")
            self.title.setText(text.replace("%1", str(errors)).replace("%2", str(warnings)))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retitle()
        super().changeEvent(event)
