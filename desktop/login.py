"""Login to the provincial server: address, username and password in, a device token out.

The attempt runs on a worker (the sync lane); whatever goes wrong is said beside the form in plain
words, never as a traceback, and the figures on this computer are untouched either way.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import current_lang
from desktop.launcher import clean_server_url
from desktop.style import problem_label
from desktop.worker import Operations
from forms.model import Text

log = logging.getLogger(__name__)

#: (server URL, username, password) -> sync.transport.LoginResult; runs on a worker thread
Attempt = Callable[[str, str, str], Any]


def problem_text(exc: BaseException, lang: str, unexpected: str) -> str:
    """A known problem's own words; anything else is a bug, logged in full and named plainly."""
    message = getattr(exc, "message", None)
    if isinstance(message, Text):
        return message.get(lang)
    tb = getattr(exc, "__kabar_traceback__", "")
    log.error("unexpected error: %r\n%s", exc, tb)
    return unexpected


class LoginDialog(QDialog):
    """Non-modal friendly: ``open()`` it; ``logged_in`` carries the LoginResult on success."""

    logged_in = Signal(object)
    # a setup code was applied from here (sync.setupcode.Redemption); the server is filled in
    setup_applied = Signal(object)

    def __init__(
        self,
        ops: Operations,
        attempt: Attempt,
        *,
        server_url: str | None,
        username: str | None = None,
        parent: QWidget | None = None,
        locked_by: str | None = None,
        store: Any = None,
        site: Any = None,
    ) -> None:
        """``locked_by``: the site file that fixes the server address (read-only here).
        ``store`` (and the ``site`` config): offer "Have a setup code?" that keeps its settings
        there."""
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.locked_by = locked_by
        self._store = store
        self._site = site
        self.setup_dialog: Any = None
        self._ops = ops
        self._attempt = attempt
        self.busy = False
        self.result_: Any = None
        self._problem: tuple[str, Any] = ("", None)

        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.server = QLineEdit(server_url or "", self)
        self.server.setObjectName("loginServer")
        self.server.setPlaceholderText("https://kabar.example.go.id")
        self.server_lock = QLabel(self)
        self.server_lock.setObjectName("loginServerLock")
        self.server_lock.setWordWrap(True)
        self.server_lock.setVisible(locked_by is not None)
        self.server.setReadOnly(locked_by is not None)
        self.username = QLineEdit(username or "", self)
        self.username.setObjectName("loginUsername")
        self.username.setMaxLength(80)
        self.password = QLineEdit(self)
        self.password.setObjectName("loginPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_label = QLabel(self)
        self.username_label = QLabel(self)
        self.password_label = QLabel(self)
        for label, edit in (
            (self.server_label, self.server),
            (self.username_label, self.username),
            (self.password_label, self.password),
        ):
            label.setBuddy(edit)
        self.problem = problem_label(self, "loginProblem")
        self.busy_label = QLabel(self)
        self.busy_label.hide()
        # Own buttons, not standard ones: a button box retitles its standard buttons on a
        # language switch, after (and over) ours.
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("loginButton")
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.setup_button = QPushButton(self)
        self.setup_button.setObjectName("loginSetupCode")
        self.setup_button.setAutoDefault(False)
        self.setup_button.setVisible(store is not None)
        self.setup_button.clicked.connect(self.show_setup_code)

        form = QFormLayout()
        form.addRow(self.server_label, self.server)
        form.addRow("", self.server_lock)
        form.addRow(self.username_label, self.username)
        form.addRow(self.password_label, self.password)
        column = QVBoxLayout(self)
        column.addWidget(self.intro)
        column.addLayout(form)
        column.addWidget(self.problem)
        column.addWidget(self.busy_label)
        column.addStretch(1)
        column.addWidget(self.setup_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.retranslate()
        first_empty = next(
            (e for e in (self.server, self.username) if not e.text().strip()), self.password
        )
        first_empty.setFocus()

    # -- text ----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Kabar — log in to the server"))
        self.intro.setText(
            self.tr(
                "Log in once with the account your district admin gave you. Afterwards Kabar "
                "sends your figures in the background whenever there is a signal. "
                "Without logging in, everything still works on this computer."
            )
        )
        self.server_label.setText(self.tr("Server &address:"))
        self.server_lock.setText(
            self.tr("Set by your IT staff (%1); it cannot be changed here.").replace(
                "%1", self.locked_by or ""
            )
        )
        self.setup_button.setText(self.tr("Have a setup code?"))
        self.username_label.setText(self.tr("&Username:"))
        self.password_label.setText(self.tr("&Password:"))
        self.ok_button.setText(self.tr("Log in"))
        self.busy_label.setText(self.tr("Contacting the server…"))
        self._show_problem()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def problem_text(self) -> str:
        return self.problem.text()

    def _set_problem(self, kind: str, detail: Any = None) -> None:
        self._problem = (kind, detail)
        self._show_problem()

    def _show_problem(self) -> None:
        kind, detail = self._problem
        lang = current_lang()
        texts = {
            "": "",
            "server": self.tr(
                "Type the server address, starting with http:// or https:// "
                "(ask your district admin)."
            ),
            "server_locked": self.tr(
                "The server address set by your IT staff is missing or not usable; please ask "
                "them to fix the site settings file."
            ),
            "username": self.tr("Type your username."),
            "password": self.tr("Type your password."),
            "unexpected": self.tr(
                "Logging in failed because of an unexpected problem. Your figures are safe on "
                "this computer; please tell your IT staff."
            ),
        }
        if kind == "known":
            message, wait_s = detail
            text = message.get(lang)
            if wait_s:
                minutes = QLocale().toString(max(1, math.ceil(wait_s / 60)))
                text += " " + self.tr("Try again in about %1 minute(s).").replace("%1", minutes)
        else:
            text = texts[kind]
        self.problem.setText(text)
        if self.problem.isVisibleTo(self) != bool(text):
            self.problem.setVisible(bool(text))
            self.adjustSize()  # room for the wrapped message

    # -- a setup code ----------------------------------------------------------------------

    def show_setup_code(self) -> None:
        from desktop.setupcode import SetupCodeDialog

        dialog = SetupCodeDialog(self._store, site=self._site, ops=self._ops, parent=self)
        dialog.applied.connect(self._on_setup_applied)
        self.setup_dialog = dialog
        dialog.open()

    def _on_setup_applied(self, redemption: Any) -> None:
        self.server.setText(redemption.server_url)
        self._set_problem("")
        self.setup_applied.emit(redemption)
        (self.username if not self.username.text().strip() else self.password).setFocus()

    # -- the attempt ---------------------------------------------------------------------

    def submit(self) -> None:
        """Check the form, then log in on the worker (Enter in any field lands here)."""
        if self.busy:
            return
        url = clean_server_url(self.server.text())
        username = self.username.text().strip()
        password = self.password.text()
        missing = (
            ("server" if self.locked_by is None else "server_locked", self.server)
            if url is None
            else ("username", self.username)
            if not username
            else ("password", self.password)
            if not password
            else None
        )
        if missing is not None:
            self._set_problem(missing[0])
            missing[1].setFocus()
            return
        assert url is not None
        self.server.setText(url)
        self._set_busy(True)
        self._set_problem("")
        attempt = self._attempt
        self._ops.run(
            lambda: attempt(url, username, password),
            self._on_done,
            self._on_failed,
            label="login",
        )

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_label.setVisible(busy)
        for widget in (
            self.server, self.username, self.password, self.ok_button, self.setup_button
        ):  # fmt: skip
            widget.setEnabled(not busy)

    def _on_done(self, result: Any) -> None:
        self._set_busy(False)
        self.password.clear()
        self.result_ = result
        self.accept()
        self.logged_in.emit(result)

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        message = getattr(exc, "message", None)
        if isinstance(message, Text):
            # Too many attempts: the server says how long the lock lasts (Retry-After).
            self._set_problem("known", (message, getattr(exc, "retry_after", None)))
        else:
            problem_text(exc, current_lang(), "")  # logs the bug in full
            self._set_problem("unexpected")
        self.password.selectAll()
        self.password.setFocus()
