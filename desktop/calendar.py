"""A month calendar that colours each day by its report status, with a legend.

Colour is never the only signal: a draft day carries a dot, a complete day a tick and bold text.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QLocale, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QCalendarWidget, QHBoxLayout, QLabel, QVBoxLayout, QWidget

KOSONG, DRAF, LENGKAP = "kosong", "draf", "lengkap"

# Light fills with dark text: readable on old, washed-out laptop screens.
COLOURS = {KOSONG: QColor("#ffffff"), DRAF: QColor("#ffe08a"), LENGKAP: QColor("#a5d6a7")}
MARKERS = {KOSONG: "", DRAF: "•", LENGKAP: "✓"}


def to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def to_date(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class StatusCalendar(QCalendarWidget):
    """QCalendarWidget that paints status fills; ``page_shown`` asks for a month's statuses."""

    page_shown = Signal(object, object)  # first day, last day (datetime.date) of the visible month

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.statuses: dict[date, str] = {}
        self.setGridVisible(True)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.setLocale(QLocale())
        self.currentPageChanged.connect(self._on_page)

    def visible_range(self) -> tuple[date, date]:
        first = date(self.yearShown(), self.monthShown(), 1)
        last = to_date(QDate(first.year, first.month, 1).addMonths(1).addDays(-1))
        return first, last

    def set_statuses(self, statuses: dict[date, str]) -> None:
        self.statuses.update(statuses)
        self.updateCells()

    def status_of(self, d: date) -> str:
        return self.statuses.get(d, KOSONG)

    def _on_page(self, year: int, month: int) -> None:
        first, last = self.visible_range()
        self.page_shown.emit(first, last)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            # Month and weekday names follow the default locale the language switch set.
            self.setLocale(QLocale())
        super().changeEvent(event)

    def paintCell(self, painter: QPainter, rect: QRect, qdate: QDate) -> None:
        status = self.statuses.get(to_date(qdate), KOSONG)
        in_month = qdate.month() == self.monthShown()
        if status == KOSONG or not in_month:
            super().paintCell(painter, rect, qdate)
            return
        painter.save()
        selected = qdate == self.selectedDate()
        painter.fillRect(rect, COLOURS[status])
        if selected:
            pen = painter.pen()
            pen.setColor(QColor("#1565c0"))
            pen.setWidth(3)
            painter.setPen(pen)
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        font = QFont(painter.font())
        font.setBold(status == LENGKAP or selected)
        painter.setFont(font)
        painter.setPen(QColor("#000000"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(qdate.day()))
        small = QFont(font)
        small.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        painter.setFont(small)
        painter.drawText(
            rect.adjusted(0, 0, -3, -1),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
            MARKERS[status],
        )
        painter.restore()


class Legend(QWidget):
    """Three swatches explaining the calendar's fills and markers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self._labels: dict[str, QLabel] = {}
        for status in (KOSONG, DRAF, LENGKAP):
            swatch = QLabel(MARKERS[status] or " ", self)
            swatch.setFixedSize(18, 18)
            swatch.setAlignment(Qt.AlignmentFlag.AlignCenter)
            swatch.setStyleSheet(
                f"background:{COLOURS[status].name()}; border:1px solid #777; color:#000;"
            )
            label = QLabel(self)
            self._labels[status] = label
            row.addWidget(swatch)
            row.addWidget(label)
            row.addSpacing(8)
        row.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self._labels[KOSONG].setText(self.tr("empty"))
        self._labels[DRAF].setText(self.tr("draft"))
        self._labels[LENGKAP].setText(self.tr("complete"))

    def texts(self) -> list[str]:
        return [self._labels[s].text() for s in (KOSONG, DRAF, LENGKAP)]

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class CalendarPanel(QWidget):
    """The calendar above its legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.calendar = StatusCalendar(self)
        self.legend = Legend(self)
        column.addWidget(self.calendar)
        column.addWidget(self.legend)
