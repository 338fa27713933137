"""The app's look: Fusion, plus small style sheets on the few widgets that need colour.

Why no application-wide style sheet: with one, Qt re-polishes every widget subtree on each
re-parent, which cost ~80 ms of the main window's ~120 ms build (the form has ~300 widgets).
A sheet on a single widget costs only that widget, so colours are applied where they show.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

_NOTICE = "background: #fdecea; color: #8e0000; border: 1px solid #c62828; padding: 4px;"

#: object name -> the sheet that widget carries (readable on washed-out laptop screens)
NAMED = {
    "facilityName": "font-size: 15pt; font-weight: bold;",
    "dayTitle": "font-size: 15pt; font-weight: bold; color: #0d47a1;",
    "notice": _NOTICE,
    # news rather than a refusal (a new version is available): calm, not alarming
    "noticeCalm": "background: #e8f1fb; color: #0d3c61; border: 1px solid #5b8fc9; padding: 4px;",
    "summaryNotice": _NOTICE,
    "firstRunProblem": "color: #8e0000;",
    "loginProblem": "color: #8e0000; font-weight: bold;",
    "setupCodeProblem": "color: #8e0000; font-weight: bold;",
    "syncNotice": "background: #fff8e1; color: #4e342e; border: 1px solid #e0a100; padding: 4px;",
    "summaryTitle": "font-weight: bold;",
    "completeButton": "font-weight: bold;",
}

#: (role, state) -> sheet; state "" (no problem) carries no sheet at all
STATES = {
    ("message", "error"): "color: #b71c1c;",
    ("message", "warning"): "color: #8a5a00;",
    ("editor", "error"): "border: 2px solid #c62828;",
    ("editor", "warning"): "border: 2px solid #e0a100;",
    ("issueRow", "error"): (
        "QFrame#issueRow { background: #fdecea; border-left: 4px solid #c62828; }"
    ),
    ("issueRow", "warning"): (
        "QFrame#issueRow { background: #fff8e1; border-left: 4px solid #e0a100; }"
    ),
}


#: Fusion: the same look on every Windows version, with visible focus frames
STYLE = "Fusion"
#: given to a new QApplication: Qt then makes the style itself, and Python never wraps a QStyle
#: (setStyle's returned QStyle made PySide6 build that class's 11 enums: ~12 ms of start-up)
STYLE_ARGS = ["-style", STYLE]


def apply_style(app: QApplication) -> None:
    """For an application made without STYLE_ARGS (tests, a caller's own QApplication)."""
    app.setStyle(STYLE)


def named(widget: QWidget, name: str) -> None:
    """Give ``widget`` its object name and, if that name has one, its style sheet."""
    widget.setObjectName(name)
    sheet = NAMED.get(name)
    if sheet:
        widget.setStyleSheet(sheet)


def problem_label(parent: QWidget, name: str) -> QLabel:
    """A dialog's hidden, word-wrapped line for what went wrong (plain text: a server's reason
    must never be read as markup)."""
    label = QLabel(parent)
    named(label, name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.hide()
    return label


def set_state(widget: QWidget, role: str, state: str) -> None:
    """Show ``state`` ("", "warning", "error") on a widget playing ``role``; no-op if unchanged."""
    if (widget.property("state") or "") == state:
        return  # unchanged; a widget never given a state has none (no empty sheet to set)
    widget.setProperty("state", state)
    widget.setStyleSheet(STATES.get((role, state), ""))
