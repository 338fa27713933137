"""``kabar --smoke-test``: prove in seconds that an installed build works, without the user's data.

Starts Qt, migrates a store in a temporary folder, loads the forms and the Indonesian
translation, shows the main window, loads the sync stack (imported lazily by the app, so a
bundle could lack it unnoticed), then prints ONE line ``KABAR_SMOKE_OK {json}`` and exits 0.
A failure prints ``KABAR_SMOKE_FAILED {json}`` and a line for a person on stderr; exit 1.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.launcher import Args

MARKER = "KABAR_SMOKE_OK"
FAILED = "KABAR_SMOKE_FAILED"
#: For tests: a translations folder to use instead of the bundled one (a broken one must fail).
TRANSLATIONS_ENV = "KABAR_SMOKE_TRANSLATIONS_DIR"
#: A string of the main window and its Indonesian text start, and Qt's own Cancel button in
#: Indonesian (Qt ships no Indonesian; resources/translations/qtbase_id.ts provides it).
SAMPLE_CONTEXT = "MainWindow"
SAMPLE_SOURCE = "Future dates cannot be filled in. Choose today or earlier."
SAMPLE_ID_START = "Tanggal"
CANCEL_ID = "Batal"
#: Modules the app imports only when they are needed (sync, unlock, export): a bundle must have
#: them all although none is imported on the way to the window.
LAZY_MODULES = (
    "sync.engine",
    "sync.transport",
    "sync.protocol",
    "sync.credentials",
    "requests",
    "truststore",
    "keyring",
    "argon2",
    "openpyxl",
    "desktop.export",
    "desktop.syncrunner",
    "desktop.login",
    "desktop.unlock",
    "desktop.firstrun",
)
#: The keyring backend (entry point name) each OS must find through keyring's metadata
KEYRING_BACKEND = {"win32": "Windows", "darwin": "macOS"}.get(sys.platform, "SecretService")
IDLE_TIMEOUT_S = 30


class SmokeFailure(Exception):
    """One check did not hold; ``str()`` says what, for IT staff reading a build log."""


def run(args: Args) -> int:
    """Run every check; print the marker line and return 0, or report the failure and return 1."""
    # Before Qt is imported: offscreen unless the caller names a platform (the xcb check does).
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    step = "start"
    report: dict[str, Any] = {}
    started = time.perf_counter()

    def check(name: str, fn: Callable[[], dict[str, Any]]) -> None:
        nonlocal step
        step = name
        report.update(fn())

    try:
        check("version", _version)
        check("paths", _paths)
        with tempfile.TemporaryDirectory(prefix="kabar-smoke-") as tmp:
            _with_qt(Path(tmp), report, check)
        check("sync stack", _sync_stack)
    except Exception as exc:
        detail = str(exc) if isinstance(exc, SmokeFailure) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, SmokeFailure):
            traceback.print_exc(file=sys.stderr)
        print(f"{FAILED} " + json.dumps({"step": step, "error": detail}), file=sys.stderr)
        print(f"kabar --smoke-test: gagal pada langkah '{step}': {detail}", file=sys.stderr)
        return 1
    report["seconds"] = round(time.perf_counter() - started, 2)
    print(f"{MARKER} " + json.dumps(report), flush=True)
    return 0


def _version() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    from desktop.syncrunner import app_version

    try:
        found = version("kabar")
    except PackageNotFoundError:
        raise SmokeFailure("no 'kabar' package metadata: the version would be a guess") from None
    if app_version() != found:
        raise SmokeFailure(f"app_version() says {app_version()}, the metadata {found}")
    return {"version": found, "python": sys.version.split()[0], "frozen": _bundle() is not None}


def _bundle() -> Path | None:
    """The folder of a PyInstaller bundle this runs from; None when run from source."""
    base = getattr(sys, "_MEIPASS", None)
    return Path(base).resolve() if getattr(sys, "frozen", False) and base else None


def _paths() -> dict[str, Any]:
    """Data the code finds through Path(__file__) is there, at an absolute path (in the bundle)."""
    import resources
    from forms.loader import DEFINITIONS_DIR
    from sync.store.migrate import KNOWN_REVISIONS, MIGRATIONS_DIR

    folders = {
        "migrations": MIGRATIONS_DIR,
        "forms": DEFINITIONS_DIR,
        "translations": resources.TRANSLATIONS_DIR,
        "demo": resources.DEMO_DIR,
    }
    bundle = _bundle()
    for name, folder in folders.items():
        if not folder.is_absolute():
            raise SmokeFailure(f"{name} folder is not an absolute path: {folder}")
        if not folder.is_dir():
            raise SmokeFailure(f"{name} folder is missing: {folder}")
        if bundle is not None and not folder.resolve().is_relative_to(bundle):
            raise SmokeFailure(f"{name} folder {folder} is outside the bundle {bundle}")
    revisions = sorted(p.stem for p in (MIGRATIONS_DIR / "versions").glob("*.py"))
    if len(revisions) != len(KNOWN_REVISIONS):
        raise SmokeFailure(
            f"migrations/versions holds {revisions}; expected {len(KNOWN_REVISIONS)} revisions"
            " as source files (Alembic reads them from disk)"
        )
    if not (resources.DEMO_DIR / "org_units.csv").is_file():
        raise SmokeFailure(f"demo org units missing in {resources.DEMO_DIR}")
    return {"bundle": str(bundle) if bundle else None}


def _with_qt(tmp: Path, report: dict[str, Any], check: Callable[..., None]) -> None:
    from PySide6.QtCore import qVersion
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    report.update({"qt": qVersion(), "platform": app.platformName()})
    launched: Any = None

    def window() -> dict[str, Any]:
        nonlocal launched
        launched = _launch(tmp)
        return _window_report(app, launched)

    try:
        check("main window", window)
        check("store", lambda: _store_report(launched.store))
        check("translations", _translations)
    finally:
        if launched is not None:
            launched.window.close()
            launched.close()


def _launch(tmp: Path) -> Any:
    from desktop.app import launch
    from desktop.launcher import parse_args

    failures: list[str] = []

    def refuse(*_args: Any) -> bool:
        raise SmokeFailure("a dialog asked for a person (first run or unlock)")

    def damaged(error: Any, lang: str) -> str:
        raise SmokeFailure(f"the fresh store reads as damaged: {error.message.get(lang)}")

    translations = os.environ.get(TRANSLATIONS_ENV)
    # --quit-when-idle: the headless defaults (a demo facility, no sync, nobody asked anything)
    args = parse_args(["--data-dir", str(tmp / "data"), "--lang", "id", "--quit-when-idle"])
    launched = launch(
        args,
        ask_damaged=damaged,
        first_run=refuse,
        unlock=refuse,
        translations_dir=Path(translations) if translations else None,
        on_fatal=failures.append,
    )
    if launched is None:
        raise SmokeFailure("the app did not start: " + ("; ".join(failures) or "no window"))
    return launched


def _window_report(app: Any, launched: Any) -> dict[str, Any]:
    from PySide6.QtCore import QEventLoop, QTimer

    window = launched.window
    ops = window.session.ops
    if ops.pending:
        loop = QEventLoop()
        ops.idle.connect(loop.quit)
        QTimer.singleShot(IDLE_TIMEOUT_S * 1000, loop.quit)
        loop.exec()
    if ops.pending:
        raise SmokeFailure(f"the main window was still busy after {IDLE_TIMEOUT_S} s")
    app.processEvents()
    if not window.isVisible():
        raise SmokeFailure("the main window is not shown")
    forms = [form.id for form in window.session.forms]
    if not forms:
        raise SmokeFailure("no form was loaded")
    return {"forms": forms, "facility": window.session.facility_code, "title": window.windowTitle()}


def _store_report(store: Any) -> dict[str, Any]:
    import sqlite3

    from sync.integrity import DB_NAME
    from sync.store.migrate import HEAD_REVISION, current_revision

    with sqlite3.connect(store.data_dir / DB_NAME) as conn:
        revision = current_revision(conn)
    if revision != HEAD_REVISION:
        raise SmokeFailure(f"the new store is at revision {revision}, not {HEAD_REVISION}")
    return {"store_revision": revision}


def _translations() -> dict[str, Any]:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop.i18n import current_lang

    text = QCoreApplication.translate(SAMPLE_CONTEXT, SAMPLE_SOURCE)
    if current_lang() != "id" or not text.startswith(SAMPLE_ID_START):
        raise SmokeFailure(
            f"the Indonesian translation is not loaded ({SAMPLE_SOURCE!r} -> {text!r})"
        )
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")
    box.deleteLater()
    if cancel != CANCEL_ID:
        raise SmokeFailure(f"Qt's standard Cancel button reads {cancel!r}, not {CANCEL_ID!r}")
    return {"lang": "id", "sample": text, "cancel": cancel}


def _sync_stack() -> dict[str, Any]:
    import io
    import ssl
    from importlib.metadata import entry_points

    for name in LAZY_MODULES:
        importlib.import_module(name)
    backends = entry_points(group="keyring.backends")
    if KEYRING_BACKEND not in backends.names:
        raise SmokeFailure(
            f"keyring cannot find its {KEYRING_BACKEND} backend (entry points: "
            f"{sorted(backends.names)}): keyring's metadata is not bundled"
        )
    backends[KEYRING_BACKEND].load()

    import argon2
    import keyring
    import openpyxl
    import requests
    import truststore

    hasher = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    if not hasher.verify(hasher.hash("kabar"), "kabar"):
        raise SmokeFailure("argon2 cannot verify its own hash")
    truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    requests.Session().close()
    book = openpyxl.Workbook()
    book.active.append(["kabar", 1])
    book.save(io.BytesIO())
    backend = keyring.get_keyring()
    return {"keyring": f"{type(backend).__module__}.{type(backend).__name__}"}
