"""The "setup code" dialog: paste (or scan) the one-time code IT sent, see what it will set,
apply it. The redemption runs on a worker; every failure is said in plain words."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import current_lang
from desktop.settings_keys import (
    FACILITY,
    SERVER_URL,
    SETUP_LOGIN_PENDING,
    TLS_PIN_SERVER,
    TLS_PIN_SHA256,
)
from desktop.style import problem_label
from desktop.worker import Operations

log = logging.getLogger(__name__)


def apply_redemption(store: Any, redemption: Any) -> None:
    """Keep what a redeemed code configures: the facility with its ancestors in the org-unit
    list (the server's own rows; metadata sync keeps them up to date), the server address,
    the facility, the certificate pin, and a login to ask for next."""
    from sync.store import OrgUnitRow

    store.upsert_org_units(OrgUnitRow(*unit) for unit in redemption.org_units)
    store.set_setting(SERVER_URL, redemption.server_url)
    if store.org_unit(redemption.facility_code) is not None:
        store.set_setting(FACILITY, redemption.facility_code)
    store.set_setting(TLS_PIN_SHA256, redemption.pin_sha256)  # None (http) clears an old pin
    store.set_setting(TLS_PIN_SERVER, redemption.server_url if redemption.pin_sha256 else None)
    store.set_setting(SETUP_LOGIN_PENDING, "1")


def locked_server(site: Any) -> str | None:
    """The server a locked site file fixes ("" when locked without one: nothing is allowed)."""
    if site is None or not site.locked:
        return None
    return site.server_url or ""


class _CodeEdit(QPlainTextEdit):
    """Several lines (WhatsApp breaks long codes); Enter checks the code, as a scanner ends."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class SetupCodeDialog(QDialog):
    """Non-modal friendly: ``open()`` it; ``applied`` carries the sync.setupcode.Redemption
    after the store has kept it."""

    applied = Signal(object)

    def __init__(
        self,
        store: Any,
        *,
        site: Any = None,
        ops: Operations | None = None,
        transport_options: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("setupCodeDialog")
        self.store = store
        self.site = site
        self._ops = ops or Operations(self)
        self._options = dict(transport_options or {})
        self.code: Any = None  # the parsed sync.setupcode.SetupCode shown
        self._unit_name: str | None = None  # its facility's name, read once when it was parsed
        self.busy = False
        self.result_: Any = None
        self._problem: tuple[str, Any] = ("", None)

        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.text = _CodeEdit(self)
        self.text.setObjectName("setupCodeText")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.preview = QLabel(self)
        self.preview.setObjectName("setupCodePreview")
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.hide()
        self.problem = problem_label(self, "setupCodeProblem")
        self.busy_label = QLabel(self)
        self.busy_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.apply_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("setupCodeApply")
        self.apply_button.setEnabled(False)
        self.apply_button.setDefault(True)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)

        column = QVBoxLayout(self)
        column.addWidget(self.intro)
        column.addWidget(self.text)
        column.addWidget(self.preview)
        column.addWidget(self.problem)
        column.addWidget(self.busy_label)
        column.addStretch(1)
        column.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self.text.textChanged.connect(self._on_text_changed)
        self.text.submitted.connect(self.check)
        self.retranslate()
        self.text.setFocus()

    # -- text ----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Kabar — setup code"))
        self.intro.setText(
            self.tr(
                "Paste the setup code your district IT staff sent you (it starts with KABAR1-), "
                "or scan its QR code with a barcode scanner. Then press Enter."
            )
        )
        self.apply_button.setText(self.tr("Apply"))
        self.busy_label.setText(self.tr("Contacting the server…"))
        self._show_preview()
        self._show_problem()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_preview(self) -> None:
        code = self.code
        if code is None:
            self.preview.hide()
            return
        facility = (
            f"{self._unit_name} ({code.facility})"
            if self._unit_name is not None
            else self.tr("%1 (not yet in this computer's list; it will be added)").replace(
                "%1", code.facility
            )
        )
        until = code.expires_at.astimezone().strftime("%d/%m/%Y")
        lines = [
            self.tr("This code sets:"),
            self.tr("Server: %1").replace("%1", code.host),
            self.tr("Facility: %1").replace("%1", facility),
            self.tr("Valid until: %1").replace("%1", until),
            "",
            self.tr(
                "Check that the server is the one your IT staff named before you apply. "
                "Each code works once."
            ),
        ]
        if code.pin is None and code.server_url.startswith("http:"):
            lines.append(self.tr("Note: this server does not use encryption (http)."))
        self.preview.setText("\n".join(lines))
        self.preview.show()
        self._fit()

    def _fit(self) -> None:
        """The preview and the messages appear after the dialog is shown: grow to fit them
        (wrapped at the dialog's width) instead of squeezing them over the paste field."""
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def problem_text(self) -> str:
        return self.problem.text()

    def _set_problem(self, kind: str, detail: Any = None) -> None:
        self._problem = (kind, detail)
        self._show_problem()

    def _show_problem(self) -> None:
        kind, detail = self._problem
        # the code refused (detail) or the one shown names its server
        host = getattr(detail, "host", "") or (self.code.host if self.code is not None else "")
        texts = {
            "": "",
            "empty": self.tr("Paste the setup code first."),
            "damaged": self.tr(
                "The code cannot be read: it is mistyped, cut off or damaged. Copy the whole "
                "code from the message again."
            ),
            "expired": self.tr(
                "This setup code has expired. Ask your district IT staff for a new one."
            ),
            "used": self.tr(
                "This setup code has already been used; each code works only once. Ask your "
                "district IT staff for a new one."
            ),
            "invalid": self.tr(
                "This setup code is not valid for its server. Ask your district IT staff for a "
                "new one."
            ),
            "untrusted": self.tr(
                "This setup code was not made by a server this computer trusts. Do not use it; "
                "contact your district IT staff."
            ),
            "pin_mismatch": self.tr(
                "The server's certificate does not match — do not go on, contact your district "
                "IT staff."
            ),
            "locked": self.tr(
                "Your IT staff locked this computer to another server; a setup code for %1 "
                "cannot be used here."
            ).replace("%1", host),
            "unknown_facility": self.tr(
                "The facility in this code is not known on the server. Contact your district "
                "IT staff."
            ),
            "unreachable": self.tr(
                "Cannot reach the server %1. Check the internet connection and try again; the "
                "code stays valid until it is used."
            ).replace("%1", host),
            "unexpected": self.tr(
                "Applying the code failed because of an unexpected problem. Nothing was changed; "
                "please tell your IT staff."
            ),
        }
        text = detail.get(current_lang()) if kind == "known" else texts[kind]
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        self._fit()

    # -- checking ------------------------------------------------------------------------

    def _parse(self) -> tuple[Any, str]:
        """(code, "") or (None, problem kind); no network."""
        from sync import setupcode

        raw = self.text.toPlainText()
        if not raw.strip():
            return None, "empty"
        try:
            code = setupcode.parse(raw)
        except setupcode.SetupCodeError as e:
            return None, e.code
        locked = locked_server(self.site)
        if locked is not None and not (locked and setupcode.same_server(locked, code.server_url)):
            return code, "locked"
        trusted = tuple(getattr(self.site, "provision_keys", ()) or ())
        if trusted and not setupcode.verify(code, trusted):
            return code, "untrusted"
        return code, ""

    def _set_code(self, code: Any) -> None:
        """The code shown. Its facility's name is read here, once: a language change redraws
        the preview from what is kept, never from the store (which may be closed by then)."""
        if code is not None and (self.code is None or code.facility != self.code.facility):
            unit = self.store.org_unit(code.facility)
            self._unit_name = unit.name if unit is not None else None
        elif code is None:
            self._unit_name = None
        self.code = code
        self.apply_button.setEnabled(code is not None)

    def _on_text_changed(self) -> None:
        # Shown as soon as the code reads whole (a scanner's Enter comes right after); problems
        # wait for Enter, not to scold half-typed text.
        if self.busy:
            return
        code, problem = self._parse()
        self._set_code(code if not problem else None)
        self._show_preview()
        if code is not None and problem:
            self._set_problem(problem, code)  # a whole code, refused here: say so at once
        elif self._problem[0]:
            self._set_problem("")

    def check(self) -> bool:
        """Enter in the text: say what is wrong, or show what the code sets and move to Apply."""
        if self.busy:
            return False
        code, problem = self._parse()
        self._set_code(code if not problem else None)
        self._show_preview()
        self._set_problem(problem, code)
        if problem:
            self.text.setFocus()
            return False
        self.apply_button.setFocus()
        return True

    # -- applying ------------------------------------------------------------------------

    def apply(self) -> None:
        """Redeem the shown code on the worker and keep what it sets (Apply, or Enter on it)."""
        if self.busy or (self.code is None and not self.check()):
            return
        from desktop.syncrunner import app_version

        code, store = self.code, self.store
        trusted = tuple(getattr(self.site, "provision_keys", ()) or ())
        locked = locked_server(self.site)
        options = dict(self._options)
        if self.site is not None and getattr(self.site, "proxy", None):
            options.setdefault("proxy", self.site.proxy)
        if self.site is not None and getattr(self.site, "ca_file", None) and code.pin is None:
            options.setdefault("ca_file", self.site.ca_file)
        version = app_version()
        device_id = store.device_id()

        def work() -> Any:
            from sync.setupcode import redeem

            redemption = redeem(
                code,
                app_version=version,
                trusted_keys=trusted,
                locked_server=locked or None,
                device_id=device_id,
                **options,
            )
            apply_redemption(store, redemption)
            return redemption

        self._set_busy(True)
        self._set_problem("")
        self._ops.run(work, self._on_done, self._on_failed, label="setup code")

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_label.setVisible(busy)
        self._fit()
        self.text.setReadOnly(busy)
        self.apply_button.setEnabled(not busy and self.code is not None)

    def _on_done(self, redemption: Any) -> None:
        # Kept even if the officer closed the dialog meanwhile: the server has spent the code.
        self._set_busy(False)
        log.info("setup code applied: facility %s", redemption.facility_code)
        self.result_ = redemption
        self.accept()
        self.applied.emit(redemption)

    def _on_failed(self, exc: BaseException) -> None:
        from sync.setupcode import SetupCodeError

        self._set_busy(False)
        if isinstance(exc, SetupCodeError):
            log.info("setup code refused: %s %s", exc.code, exc.detail)
            kinds = {"offline", "timeout"}
            if exc.code in kinds:
                self._set_problem("unreachable")
            elif exc.code in (
                "damaged", "expired", "used", "invalid", "untrusted", "pin_mismatch",
                "locked", "unknown_facility",
            ):  # fmt: skip
                self._set_problem(exc.code)
            else:  # another transport problem: its own words
                self._set_problem("known", exc.message)
        else:
            tb = getattr(exc, "__kabar_traceback__", "")
            log.error("setup code failed: %r\n%s", exc, tb)
            self._set_problem("unexpected")
        self.text.setFocus()
