"""A month calendar that colours each day by its report status and marks its sync state, with a
legend.

Colour is never the only signal: a draft day carries a dot, a complete day a tick and bold text;
the sync state is a symbol in the top-left corner (↑ sent, ◷ waiting, ! conflict, × refused), with
a stripe down the left edge of a day that needs a person (conflict, refused).
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

TERKIRIM, MENUNGGU, KONFLIK, DITOLAK = "terkirim", "menunggu", "konflik", "ditolak"
SYNC_STATES = (TERKIRIM, MENUNGGU, KONFLIK, DITOLAK)
SYNC_MARKERS = {TERKIRIM: "↑", MENUNGGU: "◷", KONFLIK: "!", DITOLAK: "×"}
SYNC_COLOURS = {
    TERKIRIM: QColor("#1b5e20"),
    MENUNGGU: QColor("#5d4037"),
    KONFLIK: QColor("#c62828"),
    DITOLAK: QColor("#6a1b9a"),
}
#: the states that need a person: their day gets a frame in the state's colour
FRAMED = (KONFLIK, DITOLAK)


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
        self.sync_states: dict[date, str] = {}
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

    def set_sync_states(self, states: dict[date, str], first: date, last: date) -> None:
        """Replace the sync marks of ``first``..``last`` (days absent there lose their mark)."""
        for d in [d for d in self.sync_states if first <= d <= last]:
            del self.sync_states[d]
        self.sync_states.update(states)
        self.updateCells()

    def sync_state_of(self, d: date) -> str | None:
        return self.sync_states.get(d)

    def _on_page(self, year: int, month: int) -> None:
        first, last = self.visible_range()
        self.page_shown.emit(first, last)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            # Month and weekday names follow the default locale the language switch set.
            self.setLocale(QLocale())
        super().changeEvent(event)

    def paintCell(self, painter: QPainter, rect: QRect, qdate: QDate) -> None:
        day = to_date(qdate)
        status = self.statuses.get(day, KOSONG)
        in_month = qdate.month() == self.monthShown()
        if status == KOSONG or not in_month:
            super().paintCell(painter, rect, qdate)
        else:
            self._paint_status(painter, rect, qdate, status)
        sync = self.sync_states.get(day)
        if sync is not None and in_month:
            self._paint_sync(painter, rect, sync)

    def _paint_sync(self, painter: QPainter, rect: QRect, sync: str) -> None:
        painter.save()
        colour = SYNC_COLOURS[sync]
        if sync in FRAMED:
            # A stripe, not a frame: rows are short and a frame would cross the day's number.
            painter.fillRect(rect.x() + 1, rect.y() + 1, 4, rect.height() - 2, colour)
        font = QFont(painter.font())
        font.setBold(True)
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.9))
        painter.setFont(font)
        painter.setPen(colour)
        painter.drawText(
            rect.adjusted(6 if sync in FRAMED else 3, 0, 0, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            SYNC_MARKERS[sync],
        )
        painter.restore()

    def _paint_status(self, painter: QPainter, rect: QRect, qdate: QDate, status: str) -> None:
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
    """Swatches explaining the calendar: the report status fills, then the sync marks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(2)
        row = QHBoxLayout()
        sync_row = QHBoxLayout()
        rows.addLayout(row)
        rows.addLayout(sync_row)
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
        for sync in SYNC_STATES:
            colour = SYNC_COLOURS[sync].name()
            stripe = f"border-left:4px solid {colour};" if sync in FRAMED else ""
            swatch = QLabel(SYNC_MARKERS[sync], self)
            swatch.setFixedSize(18, 18)
            swatch.setAlignment(Qt.AlignmentFlag.AlignCenter)
            swatch.setStyleSheet(
                f"background:#ffffff; border:1px solid #777; {stripe} color:{colour};"
                " font-weight:bold;"
            )
            label = QLabel(self)
            self._labels[sync] = label
            sync_row.addWidget(swatch)
            sync_row.addWidget(label)
            sync_row.addSpacing(6)
        sync_row.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self._labels[KOSONG].setText(self.tr("empty"))
        self._labels[DRAF].setText(self.tr("draft"))
        self._labels[LENGKAP].setText(self.tr("complete"))
        self._labels[TERKIRIM].setText(self.tr("sent"))
        self._labels[MENUNGGU].setText(self.tr("waiting"))
        self._labels[KONFLIK].setText(self.tr("conflict"))
        self._labels[DITOLAK].setText(self.tr("refused"))
        tips = {
            TERKIRIM: self.tr("Every figure of the day has reached the server."),
            MENUNGGU: self.tr("Some figures of the day are waiting to be sent."),
            KONFLIK: self.tr("Someone else changed the same figure: choose which value stays."),
            DITOLAK: self.tr("The server refused a figure of the day; see the reason."),
        }
        for sync, tip in tips.items():
            self._labels[sync].setToolTip(tip)

    def texts(self) -> list[str]:
        return [self._labels[s].text() for s in (KOSONG, DRAF, LENGKAP)]

    def sync_texts(self) -> list[str]:
        return [self._labels[s].text() for s in SYNC_STATES]

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
        # Rows tall enough for the day's number and its marks side by side.
        self.calendar.setMinimumHeight(200)
        self.legend = Legend(self)
        column.addWidget(self.calendar)
        column.addWidget(self.legend)
