"""Local unlock at start-up once this computer has logged in: the password is checked offline
against the stored argon2 verifier (on a worker: argon2 is slow by design) and sent nowhere."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.login import problem_text
from desktop.style import problem_label
from desktop.worker import Operations

#: password -> does it match the stored verifier; runs on a worker thread
Check = Callable[[str], bool]

UNLOCKED, LOGIN, QUIT = "unlocked", "login", "quit"


class UnlockDialog(QDialog):
    """``outcome`` ends as UNLOCKED, LOGIN (log in to the server instead) or QUIT."""

    unlocked = Signal()
    login_requested = Signal()

    def __init__(
        self, ops: Operations, check: Check, *, username: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self._ops = ops
        self._check = check
        self.username = username
        self.outcome = QUIT
        self.busy = False
        self.failures = 0
        self._problem = ""

        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.password_label = QLabel(self)
        self.password = QLineEdit(self)
        self.password.setObjectName("unlockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_label.setBuddy(self.password)
        self.problem = problem_label(self, "loginProblem")
        self.forgot_button = QPushButton(self)
        self.forgot_button.setObjectName("forgotPassword")
        self.forgot_button.setFlat(True)
        self.forgot_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.forgot_button.setStyleSheet(
            "QPushButton { color: #0d47a1; text-decoration: underline; border: none; }"
        )
        self.forgot_button.setAutoDefault(False)
        self.forgot_button.clicked.connect(self.show_forgot)
        self.forgot_text = QLabel(self)
        self.forgot_text.setObjectName("forgotText")
        self.forgot_text.setWordWrap(True)
        self.forgot_text.hide()
        self.login_button = QPushButton(self)
        self.login_button.setObjectName("unlockLogin")
        self.login_button.setAutoDefault(False)
        self.login_button.clicked.connect(self._login_instead)
        self.login_button.hide()
        # Own buttons, not standard ones: a button box retitles its standard buttons on a
        # language switch, after (and over) ours.
        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("unlockButton")
        self.ok_button.setDefault(True)
        self.cancel_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(self.password_label)
        row.addWidget(self.password, 1)
        forgot_row = QHBoxLayout()
        forgot_row.addWidget(self.forgot_button)
        forgot_row.addStretch(1)
        column = QVBoxLayout(self)
        column.addWidget(self.intro)
        column.addLayout(row)
        column.addWidget(self.problem)
        column.addLayout(forgot_row)
        column.addWidget(self.forgot_text)
        column.addWidget(self.login_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addStretch(1)
        column.addWidget(self.buttons)
        self.setMinimumWidth(500)
        self.retranslate()
        self.password.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Kabar — unlock"))
        self.intro.setText(
            self.tr(
                "This computer is linked to the account %1. Type its password to open Kabar. "
                "The password is checked on this computer only; no signal is needed."
            ).replace("%1", self.username)
        )
        self.password_label.setText(self.tr("&Password:"))
        self.ok_button.setText(self.tr("Open"))
        self.cancel_button.setText(self.tr("Quit"))
        self.forgot_button.setText(self.tr("Forgot your password?"))
        self.forgot_text.setText(
            self.tr(
                "Ask your district admin to set a new password for your account. Then log in "
                "to the server once (this needs a signal): the new password replaces the old "
                "one on this computer. Figures already saved here are kept."
            )
        )
        self.login_button.setText(self.tr("Log in to the server…"))
        self._show_problem()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_problem(self) -> None:
        texts = {
            "": "",
            "empty": self.tr("Type your password."),
            "wrong": self.tr("Wrong password. Check Caps Lock and try again."),
            "unexpected": self.tr(
                "The password could not be checked because of an unexpected problem. "
                "Please tell your IT staff."
            ),
        }
        text = texts[self._problem]
        self.problem.setText(text)
        if self.problem.isVisibleTo(self) != bool(text):
            self.problem.setVisible(bool(text))
            self.adjustSize()

    def show_forgot(self) -> None:
        self.forgot_text.show()
        self.login_button.show()
        self.adjustSize()  # room for the revealed, wrapped text

    def submit(self) -> None:
        if self.busy:
            return
        password = self.password.text()
        if not password:
            self._problem = "empty"
            self._show_problem()
            return
        self.busy = True
        self.password.setEnabled(False)
        self.ok_button.setEnabled(False)
        check = self._check
        self._ops.run(lambda: check(password), self._on_checked, self._on_failed, label="unlock")

    def _ready_again(self) -> None:
        self.busy = False
        self.password.setEnabled(True)
        self.ok_button.setEnabled(True)
        self.password.selectAll()
        self.password.setFocus()

    def _on_checked(self, ok: bool) -> None:
        if ok:
            self.busy = False
            self.password.clear()
            self.outcome = UNLOCKED
            self.accept()
            self.unlocked.emit()
            return
        self.failures += 1
        self._problem = "wrong"
        self._show_problem()
        if self.failures >= 2:
            self.show_forgot()  # two misses: the way out is worth showing unasked
        self._ready_again()

    def _on_failed(self, exc: BaseException) -> None:
        problem_text(exc, "id", "")  # logs the bug in full
        self._problem = "unexpected"
        self._show_problem()
        self.show_forgot()
        self._ready_again()

    def _login_instead(self) -> None:
        self.outcome = LOGIN
        self.accept()
        self.login_requested.emit()

    def reject(self) -> None:
        self.outcome = QUIT
        super().reject()
