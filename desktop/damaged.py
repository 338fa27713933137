"""When the data file is damaged: explain it and let the user restore a backup, start empty or quit.

The damaged file is never deleted: both remedies keep it aside (``sync.store`` does the work).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

RESTORE, FRESH, QUIT = "restore", "fresh", "quit"


class DamagedDialog(QDialog):
    """Three buttons; ``choice`` holds RESTORE, FRESH or QUIT once one was pressed."""

    def __init__(self, error: Any, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("damagedDialog")
        self.choice = QUIT
        self.setWindowTitle(self.tr("Kabar — data file damaged"))
        self.setMinimumWidth(560)
        self.text = QLabel(error.message.get(lang), self)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.restore_button = QPushButton(self.tr("Restore latest backup"), self)
        self.restore_button.setEnabled(bool(getattr(error, "backups", [])))
        self.fresh_button = QPushButton(self.tr("Start with empty data"), self)
        self.quit_button = QPushButton(self.tr("Quit"), self)
        self.restore_button.clicked.connect(lambda: self._choose(RESTORE))
        self.fresh_button.clicked.connect(lambda: self._choose(FRESH))
        self.quit_button.clicked.connect(lambda: self._choose(QUIT))
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.fresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        column = QVBoxLayout(self)
        column.addWidget(self.text)
        column.addLayout(buttons)
        (self.restore_button if self.restore_button.isEnabled() else self.fresh_button).setFocus()

    def _choose(self, choice: str) -> None:
        self.choice = choice
        if choice == QUIT:
            self.reject()
        else:
            self.accept()


def ask_with_dialog(error: Any, lang: str) -> str:
    """The interactive way to ask (a real modal exec; tests pass their own ``ask``)."""
    dialog = DamagedDialog(error, lang)
    dialog.exec()
    return dialog.choice


def apply_choice(choice: str, error: Any, data_dir: Path) -> bool:
    """Carry out RESTORE or FRESH; False for QUIT. Nothing is ever deleted."""
    from sync.store import restore_latest_backup, set_aside_damaged

    if choice == RESTORE:
        restore_latest_backup(data_dir)
        return True
    if choice == FRESH:
        set_aside_damaged(data_dir)
        return True
    return False
