"""The app's look: one style sheet for error/warning states, readable on washed-out screens."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

STYLE = """
QLabel#facilityName { font-size: 15pt; font-weight: bold; }
QLabel#dayTitle { font-size: 15pt; font-weight: bold; color: #0d47a1; }
QLabel#notice, QLabel#summaryNotice {
    background: #fdecea; color: #8e0000; border: 1px solid #c62828; padding: 4px;
}
QLabel#firstRunProblem { color: #8e0000; }
QLabel#summaryTitle { font-weight: bold; }
QLabel#fieldMessage[state="error"] { color: #b71c1c; }
QLabel#fieldMessage[state="warning"] { color: #8a5a00; }
QLineEdit[state="error"], QComboBox[state="error"] { border: 2px solid #c62828; }
QLineEdit[state="warning"], QComboBox[state="warning"] { border: 2px solid #e0a100; }
QFrame#issueRow[severity="error"] { background: #fdecea; border-left: 4px solid #c62828; }
QFrame#issueRow[severity="warning"] { background: #fff8e1; border-left: 4px solid #e0a100; }
QPushButton#completeButton { font-weight: bold; }
"""


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")  # the same look on every Windows version, with visible focus frames
    app.setStyleSheet(STYLE)
