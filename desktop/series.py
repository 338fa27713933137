"""30-day table: one indicator's values for the 30 days ending at the selected date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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
from forms.model import Field, FormDefinition
from forms.types import format_value

Loader = Callable[[FormDefinition, str, Callable[[Any], None]], None]


class SeriesDialog(QDialog):
    """Non-modal; choosing an indicator asks ``load`` (a worker) for its rows."""

    def __init__(
        self,
        forms: list[FormDefinition],
        end: date,
        lang: str,
        load: Loader,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.forms = forms
        self.lang = lang
        self._load = load
        self._request = 0
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("30-day table"))
        self.resize(460, 620)
        self.indicator = QComboBox(self)
        self.indicator.setObjectName("seriesIndicator")
        for form in forms:
            for field in form.fields:
                text = f"{field.label.get(lang)} ({form.title.get(lang)})"
                self.indicator.addItem(text, (form.id, field.code))
        stamp = QLocale().toString(to_qdate(end), "dd/MM/yyyy")
        self.heading = QLabel(self.tr("30 days up to %1").replace("%1", stamp), self)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels([self.tr("Date"), self.tr("Value")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        column = QVBoxLayout(self)
        column.addWidget(self.indicator)
        column.addWidget(self.heading)
        column.addWidget(self.table, 1)
        column.addWidget(buttons)
        self.indicator.currentIndexChanged.connect(self._on_indicator)

    def select(self, form_id: str, code: str | None) -> None:
        index = 0
        for i in range(self.indicator.count()):
            fid, fcode = self.indicator.itemData(i)
            if fid == form_id and (code is None or fcode == code):
                index = i
                break
        if index == self.indicator.currentIndex():
            self._on_indicator(index)
        else:
            self.indicator.setCurrentIndex(index)

    def current_field(self) -> tuple[FormDefinition, Field]:
        form_id, code = self.indicator.currentData()
        form = next(f for f in self.forms if f.id == form_id)
        return form, form.field(code)

    def _on_indicator(self, _index: int) -> None:
        form, field = self.current_field()
        self._request += 1
        request = self._request

        def done(rows: list[tuple[date, Any]]) -> None:
            if request == self._request:
                self.set_rows(field, rows)

        self._load(form, field.code, done)

    def set_rows(self, field: Field, rows: list[tuple[date, Any]]) -> None:
        self.table.setRowCount(len(rows))
        for r, (day, value) in enumerate(rows):
            when = QLocale().toString(to_qdate(day), "ddd dd/MM/yyyy")
            shown = format_value(field, value, self.lang) if value is not None else "—"
            value_item = QTableWidgetItem(shown)
            value_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, 0, QTableWidgetItem(when))
            self.table.setItem(r, 1, value_item)
