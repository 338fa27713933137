"""Status bar: save state ("Tersimpan 10:42"), outbox count and passing messages."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, QLocale
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

MESSAGE_MS = 15000


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.save_label = QLabel(self)
        self.save_label.setObjectName("saveState")
        self.outbox_label = QLabel(self)
        self.outbox_label.setObjectName("outboxCount")
        self.server_label = QLabel(self)
        self.server_label.setObjectName("serverAddress")
        self.addPermanentWidget(self.server_label)
        self.addPermanentWidget(self.save_label)
        self.addPermanentWidget(self.outbox_label)
        self._server: str | None = None
        self._save_state: tuple[str, datetime | None] = ("", None)
        self._outbox = 0
        self._retranslate()

    def set_server(self, url: str | None) -> None:
        self._server = url
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

    def message(self, text: str) -> None:
        self.showMessage(text, MESSAGE_MS)

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
        self.outbox_label.setText(self.tr("%1 not sent yet").replace("%1", str(self._outbox)))
        if self._server:
            self.server_label.setText(self.tr("Server: %1").replace("%1", self._server))
        else:
            self.server_label.setText(self.tr("No server set"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
