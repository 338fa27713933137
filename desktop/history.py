"""Cell history dialog: who changed one figure, when (local time), old → new, and how."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.calendar import to_qdate
from forms.model import Field
from forms.types import format_value


def local_time(at: datetime) -> str:
    """dd/MM/yyyy HH:mm in the computer's time zone; stored times are UTC."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone().strftime("%d/%m/%Y %H:%M")


class CellHistoryDialog(QDialog):
    """Non-modal; rows arrive from a worker through ``set_rows``."""

    def __init__(self, field: Field, day: date, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.lang = lang
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Cell history"))
        self.resize(760, 360)
        stamp = QLocale().toString(to_qdate(day), "dd/MM/yyyy")
        self.heading = QLabel(f"{field.label.get(lang)} — {stamp}", self)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Who"), self.tr("Old"), self.tr("New"), self.tr("Action")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel(self.tr("Loading…"), self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.table, 1)
        column.addWidget(self.empty)
        column.addWidget(buttons)

    def action_name(self, row: Any) -> str:
        if row.action == "complete":
            return self.tr("marked complete")
        if row.action == "reopen":
            return self.tr("reopened")
        if row.old is None and row.new is not None:
            return self.tr("entered")
        if row.new is None:
            return self.tr("cleared")
        return self.tr("changed")

    def set_rows(self, rows: list[Any]) -> None:
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = [
                local_time(row.at),
                row.author,
                format_value(self.field, row.old, self.lang),
                format_value(self.field, row.new, self.lang),
                self.action_name(row),
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 1:  # the device id is long and rarely needed: on hover only
                    item.setToolTip(self.tr("Computer: %1").replace("%1", str(row.device)))
                self.table.setItem(r, c, item)
        self.empty.setText("" if rows else self.tr("This figure has not been entered yet."))
        self.empty.setVisible(not rows)
