"""Bantuan → Ekspor diagnostik…: a zip for IT staff (logs, versions, store health, outbox, last
sync errors), built on the window's worker, never on the GUI thread; no passwords, tokens or names.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QStandardPaths, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop import logsetup

if TYPE_CHECKING:
    from desktop.mainwindow import MainWindow

log = logging.getLogger(__name__)

# (parent, suggested path) -> the chosen path, or None when the person cancelled
AskPath = Callable[[QWidget, Path], Path | None]


def default_name(facility_code: str, when: datetime) -> str:
    """kabar-diagnostik-<facility code>-<yyyymmdd-HHMM>.zip (local time: what the officer sees)."""
    code = re.sub(r"[^A-Za-z0-9._-]", "_", facility_code) or "tanpa-fasilitas"
    return f"kabar-diagnostik-{code}-{when:%Y%m%d-%H%M}.zip"


def default_folder() -> Path:
    """Documents when there is one, else the home folder."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def ask_save_path(parent: QWidget, suggested: Path) -> Path | None:
    """The interactive way (a real modal dialog; tests set ``DiagnosticsExport.ask_path``)."""
    chosen, _filter = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("DiagnosticsExport", "Save diagnostics"),
        str(suggested),
        QCoreApplication.translate("DiagnosticsExport", "Zip files (*.zip)"),
    )
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".zip" else path.with_name(path.name + ".zip")


def qt_facts(lang: str) -> dict[str, Any]:
    """What only the GUI side knows: Qt, the screens, the language (read on the GUI thread)."""
    import PySide6
    from PySide6.QtCore import qVersion

    screens = []
    for screen in QGuiApplication.screens():
        size, free = screen.geometry(), screen.availableGeometry()
        screens.append(
            {
                "size": f"{size.width()}x{size.height()}",
                "available": f"{free.width()}x{free.height()}",
                "scale": screen.devicePixelRatio(),
                "dpi": round(screen.logicalDotsPerInch()),
            }
        )
    system = QLocale.system()
    return {
        "pyside6": PySide6.__version__,
        "qt": qVersion(),
        "qt_platform": QGuiApplication.platformName(),
        "screens": screens,
        "system_locale": system.name(),
        "system_ui_languages": list(system.uiLanguages()),
        "app_language": lang,
    }


class DiagnosticsExport(QObject):
    """The menu action's work: ask where, collect and write on ``session.ops``, then say where
    the file is and that it may be sent over WhatsApp."""

    saved = Signal(object)  # the zip's Path
    failed = Signal(object)  # the exception (its ``message`` has been shown)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        # replaced in tests: never a real modal dialog there
        self.ask_path: AskPath = ask_save_path
        self.box: QMessageBox | None = None
        self.busy = False

    def export(self) -> bool:
        """Ask for the file and start writing it; False when nothing was started."""
        if self.busy:
            self.window.status.message(self.tr("The diagnostics file is still being made…"))
            return False
        s = self.session
        suggested = default_folder() / default_name(s.facility_code, datetime.now())
        target = self.ask_path(self.window, suggested)
        if target is None:
            return False
        app = qt_facts(s.lang)
        store, logs, known = s.store, logsetup.installed(), logsetup.redactor.literals
        if logs is not None:
            logs.open_file()  # asked for before the window was ever idle: this run's lines too

        def work() -> Path:
            from desktop.syncrunner import app_version
            from sync import diagnostics

            if logs is not None:
                logs.flush()
            folder = logs.directory if logs is not None and logs.directory else None
            folder = folder or logsetup.log_dir()
            files = logsetup.log_files(folder)
            facts = diagnostics.collect(
                store,
                app={
                    "kabar": app_version(),
                    **app,
                    "log_folder": str(folder),
                    "log_problem": logs.problem if logs is not None else None,
                },
                log_files=files,
            )
            redactor = diagnostics.export_redactor(store, known)
            return diagnostics.write_zip(target, facts, files, redactor)

        self.busy = True
        self.window.status.message(self.tr("Making the diagnostics file…"))
        s.ops.run(work, self._done, self._failed, label="diagnostics")
        return True

    def _done(self, path: Path) -> None:
        self.busy = False
        log.info("diagnostics file written (%s bytes)", path.stat().st_size)
        text = self.tr(
            "The diagnostics file was saved:\n%1\n\n"
            "It contains no passwords, tokens or names, and none of the figures you typed. "
            "You can send it to your IT staff, for example over WhatsApp."
        ).replace("%1", str(path))
        self.window.status.message(self.tr("Diagnostics saved: %1").replace("%1", str(path)))
        box = QMessageBox(
            QMessageBox.Icon.Information, self.tr("Diagnostics saved"), text, parent=self.window
        )
        box.setObjectName("diagnosticsBox")
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        folder = box.addButton(self.tr("Open folder"), QMessageBox.ButtonRole.ActionRole)
        folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
        )
        self.box = box
        box.open()
        self.saved.emit(path)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        log.warning("diagnostics file not written: %s", exc)
        self.window.show_error(exc)  # DiagnosticsError carries its Indonesian message
        self.failed.emit(exc)
