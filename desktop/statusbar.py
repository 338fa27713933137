"""Status bar: save state ("Tersimpan 10:42"), what is not sent yet, the connection and the last
sync, the last sync problem in plain words, a clock warning, and "Sinkronkan sekarang"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QEvent, QLocale, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QStatusBar, QToolButton, QWidget

from desktop.i18n import current_lang

MESSAGE_MS = 15000
PROBLEM_WIDTH = 330
#: beyond this the engine's clock check speaks up (the contract's ten minutes)
CLOCK_SKEW_S = 600.0

#: connection states, as shown in ``connection_label``
NO_LOGIN, SYNCING, ONLINE, OFFLINE, NEEDS_LOGIN, TOO_OLD = (
    "no_login",
    "syncing",
    "online",
    "offline",
    "needs_login",
    "too_old",
)
_CONNECTION_COLOURS = {
    ONLINE: "#1b5e20",
    OFFLINE: "#8e0000",
    NEEDS_LOGIN: "#8e0000",
    TOO_OLD: "#8e0000",
    SYNCING: "#0d47a1",
    NO_LOGIN: "#555555",
}


def local_stamp(at: datetime) -> str:
    """dd/MM/yyyy HH:mm in this computer's time zone (times are stored in UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone().strftime("%d/%m/%Y %H:%M")


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("syncProblem")
        self.problem_label.setStyleSheet("color: #8e0000;")
        self.problem_label.setMaximumWidth(PROBLEM_WIDTH)
        self.problem_label.hide()
        self.clock_label = QLabel(self)
        self.clock_label.setObjectName("clockWarning")
        self.clock_label.setStyleSheet("color: #8a5a00; font-weight: bold;")
        self.clock_label.hide()
        self.connection_label = QLabel(self)
        self.connection_label.setObjectName("connectionState")
        self.last_sync_label = QLabel(self)
        self.last_sync_label.setObjectName("lastSync")
        self.save_label = QLabel(self)
        self.save_label.setObjectName("saveState")
        self.outbox_label = QLabel(self)
        self.outbox_label.setObjectName("outboxCount")
        self.server_label = QLabel(self)
        self.server_label.setObjectName("serverAddress")
        self.sync_button = QToolButton(self)
        self.sync_button.setObjectName("syncNow")
        self.sync_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # F5 is the keyboard way
        self.sync_button.hide()
        for widget in (
            self.problem_label,
            self.clock_label,
            self.server_label,
            self.connection_label,
            self.last_sync_label,
            self.outbox_label,
            self.sync_button,
            self.save_label,
        ):
            self.addPermanentWidget(widget)
        self._server: str | None = None
        self._save_state: tuple[str, datetime | None] = ("", None)
        self._outbox = 0
        self._connection = NO_LOGIN
        self._logged_in = False
        self._last_sync: datetime | None = None
        self._problem: Any = None  # forms.model.Text
        self._clock_skew_s: float | None = None
        self._sync_action: QAction | None = None
        self._login_action: QAction | None = None
        self._retranslate()

    # -- what the window tells it --------------------------------------------------------

    def set_server(self, url: str | None) -> None:
        self._server = url
        self._retranslate()

    def set_sync_action(self, action: QAction, login: QAction | None = None) -> None:
        """The button: "log in to the server" until logged in (the offer stays in view), then
        "sync now" (F5). It shows once there is a server."""
        self._sync_action, self._login_action = action, login
        self._retranslate()

    def set_saved(self, when: datetime) -> None:
        self._save_state = ("saved", when)
        self._retranslate()

    def set_unsaved(self) -> None:
        self._save_state = ("unsaved", None)
        self._retranslate()

    def set_saving(self) -> None:
        self._save_state = ("saving", None)
        self._retranslate()

    def set_outbox(self, count: int) -> None:
        self._outbox = count
        self._retranslate()

    def set_logged_in(self, logged_in: bool) -> None:
        self._logged_in = logged_in
        if not logged_in:
            self._connection = NO_LOGIN
        elif self._connection == NO_LOGIN:
            self._connection = OFFLINE if self._problem is not None else ONLINE
        self._retranslate()

    def set_connection(self, state: str) -> None:
        self._connection = state
        self._retranslate()

    def set_summary(self, summary: Any) -> None:
        """A ``sync.store.SyncSummary``: unsent count, last sync, last problem, clock skew."""
        self._outbox = summary.unsent
        self._last_sync = summary.last_sync_at
        self._problem = summary.last_problem
        self._clock_skew_s = summary.clock_skew_s
        self._retranslate()

    def set_problem(self, problem: Any) -> None:
        """A problem (``forms.model.Text``) to show until the next clean sync; None clears it."""
        self._problem = problem
        self._retranslate()

    def set_clock_skew(self, skew_s: float | None) -> None:
        self._clock_skew_s = skew_s
        self._retranslate()

    def message(self, text: str) -> None:
        self.showMessage(text, MESSAGE_MS)

    # -- reading (tests, tooltips) -------------------------------------------------------

    @property
    def connection(self) -> str:
        return self._connection

    def problem_text(self) -> str:
        return self._problem.get(current_lang()) if self._problem is not None else ""

    def clock_text(self) -> str:
        skew = self._clock_skew_s
        if skew is None or abs(skew) <= CLOCK_SKEW_S:
            return ""
        days = abs(skew) / 86400
        if days >= 1:
            amount = self.tr("%1 days").replace("%1", QLocale().toString(round(days)))
        else:
            amount = self.tr("%1 hours").replace("%1", QLocale().toString(round(abs(skew) / 3600)))
        direction = self.tr("ahead") if skew > 0 else self.tr("behind")
        return (
            self.tr(
                "This computer's clock seems wrong (%1 %2). Figures are still sent in the right "
                "order; please correct the clock in Windows."
            )
            .replace("%1", amount)
            .replace("%2", direction)
        )

    # -- text ----------------------------------------------------------------------------

    def _retranslate(self) -> None:
        state, when = self._save_state
        if state == "saved" and when is not None:
            stamp = QLocale().toString(when.time(), "HH:mm")
            self.save_label.setText(self.tr("Saved %1").replace("%1", stamp))
        elif state == "unsaved":
            self.save_label.setText(self.tr("Not saved yet"))
        elif state == "saving":
            self.save_label.setText(self.tr("Saving…"))
        else:
            self.save_label.setText("")
        self.outbox_label.setText(
            self.tr("%1 not sent yet").replace("%1", QLocale().toString(self._outbox))
        )
        if self._server:
            self.server_label.setText(self.tr("Server: %1").replace("%1", self._server))
        else:
            self.server_label.setText(self.tr("No server set"))
        # Once logged in, the address moves to the connection's tooltip: room for messages.
        self.server_label.setVisible(not self._logged_in)
        self._retranslate_sync()

    def _retranslate_sync(self) -> None:
        names = {
            NO_LOGIN: self.tr("Not logged in to the server"),
            SYNCING: self.tr("Syncing…"),
            ONLINE: self.tr("Online"),
            OFFLINE: self.tr("Offline"),
            NEEDS_LOGIN: self.tr("Log in again to send"),
            TOO_OLD: self.tr("Update Kabar to send"),
        }
        label = self.connection_label
        label.setText(names[self._connection])
        label.setStyleSheet(f"color: {_CONNECTION_COLOURS[self._connection]};")
        label.setVisible(bool(self._server))
        label.setToolTip(self.tr("Server: %1").replace("%1", self._server or ""))
        if self._last_sync is not None:
            self.last_sync_label.setText(
                self.tr("Last sync: %1").replace("%1", local_stamp(self._last_sync))
            )
        else:
            self.last_sync_label.setText(self.tr("Never synced"))
        self.last_sync_label.setVisible(self._logged_in)
        problem = self.problem_text()
        metrics = self.problem_label.fontMetrics()
        self.problem_label.setText(
            metrics.elidedText(problem, Qt.TextElideMode.ElideRight, PROBLEM_WIDTH)
        )
        self.problem_label.setToolTip(problem)
        self.problem_label.setVisible(bool(problem))
        clock = self.clock_text()
        self.clock_label.setText(self.tr("⚠ Check the clock") if clock else "")
        self.clock_label.setToolTip(clock)
        self.clock_label.setVisible(bool(clock))
        action = self._sync_action
        if not self._logged_in and self._login_action is not None:
            action = self._login_action
        if action is not None and self.sync_button.defaultAction() is not action:
            self.sync_button.setDefaultAction(action)
        self.sync_button.setVisible(bool(self._server) and action is not None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
