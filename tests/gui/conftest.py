"""GUI test fixtures: a fresh data dir per test, the real app launched without an event loop,
translations built from the current .ts files, and a check that no worker outlives its test."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool

import resources

#: A fixed "today" (a Monday) so dates in the tests do not depend on the day they run.
TODAY = date(2026, 11, 23)
FACILITY = "P6408040201"
FACILITY_NAME = "Puskesmas Sangatta Utara"
OFFICER = "Siti Aminah"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui/" in str(item.path).replace("\\", "/"):
            # The offscreen platform says these for top-level windows (every one, and one that
            # is raised: the conflict window); they are not our bugs.
            item.add_marker(
                pytest.mark.qt_log_ignore(
                    "does not support propagateSizeHints", "does not support raise"
                )
            )


@pytest.fixture(autouse=True)
def _no_widget_outlives_its_test() -> Iterator[None]:
    """Widgets pytest-qt closed at the end of a test are only *scheduled* for deletion; left
    alive, a dialog of one test received the next test's language change after its store had
    closed (CI). They are destroyed here, after the test's own fixtures have finished."""
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    from desktop import gcguard

    assert gcguard.users() == 0, "a launched window was left open (its gcguard user remains)"


@pytest.fixture(scope="session")
def qm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .qm files built from the .ts sources as they are now (not a stale build)."""
    out = tmp_path_factory.mktemp("qm")
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    for ts in resources.TRANSLATIONS_DIR.glob("*.ts"):
        subprocess.run(
            [str(lrelease), "-silent", str(ts), "-qm", str(out / f"{ts.stem}.qm")], check=True
        )
    return out


def prepare_data_dir(data_dir: Path, facility: str = FACILITY, officer: str = OFFICER) -> None:
    """A data dir whose first run is already done."""
    from desktop.settings_keys import FACILITY as FACILITY_KEY
    from desktop.settings_keys import OFFICER as OFFICER_KEY
    from sync.store import Store

    store = Store.open(data_dir)
    try:
        store.load_demo_org_units()
        store.set_setting(FACILITY_KEY, facility)
        store.set_setting(OFFICER_KEY, officer)
    finally:
        store.close()


def refuse_first_run(store: Any) -> bool:
    raise AssertionError("the first-run dialog should not be needed here")


def refuse_unlock(store: Any, runner: Any) -> bool:
    raise AssertionError("the unlock dialog should not be needed here")


class Kabar:
    """Starts and stops the real app (as ``main`` would, minus ``app.exec()``)."""

    def __init__(self, qtbot: Any, tmp_path: Path, qm_dir: Path) -> None:
        self.qtbot = qtbot
        self.tmp_path = tmp_path
        self.qm_dir = qm_dir
        self.running: list[Any] = []
        #: errors the app reported through its one error path; a test that expects one clears it
        self.errors: list[BaseException] = []
        self.data_dir = tmp_path / "data"

    def start(
        self,
        data_dir: Path | None = None,
        *,
        lang: str | None = "id",
        prepared: bool = True,
        first_run: Callable[[Any], bool] = refuse_first_run,
        unlock: Callable[[Any, Any], bool] = refuse_unlock,
        ask_damaged: Callable[[Any, str], str] | None = None,
        today: date = TODAY,
        extra_args: tuple[str, ...] = (),
        on_launched: Callable[[Any], None] | None = None,
    ) -> Any:
        """``on_launched(launched)`` runs as soon as the window is shown, before any event is
        processed (what the first frame will paint)."""
        from desktop.app import launch, parse_args

        data_dir = data_dir or self.data_dir
        if prepared and not (data_dir / "kabar.db").exists():
            prepare_data_dir(data_dir)
        argv = ["--data-dir", str(data_dir)] + (["--lang", lang] if lang else []) + list(extra_args)
        launched = launch(
            parse_args(argv),
            ask_damaged=ask_damaged,
            first_run=first_run,
            unlock=unlock,
            translations_dir=self.qm_dir,
            today=lambda: today,
        )
        if launched is None:
            return None
        self.running.append(launched)
        if on_launched is not None:
            on_launched(launched)
        window = launched.window
        window.session.ops.error.connect(self.errors.append)
        window.session.sync.lane.error.connect(self.errors.append)
        window.activateWindow()
        # Shortcuts only reach an active window; a previous test's window may still hold it.
        self.qtbot.waitUntil(window.isActiveWindow, timeout=10000)
        self.qtbot.waitUntil(lambda: window.session.ops.pending == 0, timeout=10000)
        return launched

    @staticmethod
    def idle(window: Any) -> bool:
        """Neither the main lane nor the sync lane has work queued or running."""
        return window.session.ops.pending == 0 and window.session.sync.lane.pending == 0

    def stop(self, launched: Any) -> None:
        """Close the window like a user (unsaved figures get saved), then the store."""
        window = launched.window
        window.close()
        self.qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
        assert window.session.ops.pending == 0
        # a sync under way was told to stop; it ends at its next safe point
        self.qtbot.waitUntil(lambda: window.session.sync.lane.pending == 0, timeout=30000)
        launched.translations.uninstall()
        launched.store.close()
        self._destroy(window)
        from desktop import gcguard

        gcguard.uninstall()  # as Launch.close does
        self.running.remove(launched)

    def _destroy(self, window: Any) -> None:
        # Destroyed now, not at some later event loop: a dying window would otherwise take the
        # focus away from the next test's window midway (offscreen platform).
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert not shiboken6.isValid(window), "the main window was not destroyed"

    def teardown(self) -> None:
        from desktop import gcguard

        leftover = []
        for launched in list(self.running):
            ops = launched.window.session.ops
            if ops.pending:
                leftover.append(ops.pending)
                self.qtbot.waitUntil(lambda ops=ops: ops.pending == 0, timeout=10000)
            launched.window.session.sync.stop()
            lane = launched.window.session.sync.lane
            self.qtbot.waitUntil(lambda lane=lane: lane.pending == 0, timeout=30000)
            launched.window._close_anyway = True
            launched.window.close()
            launched.translations.uninstall()
            launched.store.close()
            self._destroy(launched.window)
            gcguard.uninstall()  # as Launch.close does; else the next tests run without it
        self.running.clear()
        QThreadPool.globalInstance().waitForDone(10000)
        assert not leftover, f"worker operations still pending at the end of the test: {leftover}"
        assert not self.errors, f"unexpected errors reported by the app: {self.errors!r}"


@pytest.fixture
def kabar(qtbot: Any, tmp_path: Path, qm_dir: Path) -> Iterator[Kabar]:
    k = Kabar(qtbot, tmp_path, qm_dir)
    yield k
    k.teardown()


# -- the sync flows: the real server on loopback and a stand-in for the OS keyring ------------


class OsKeyringStandIn:
    """Stand-in for the OS keyring (Windows Credential Manager; there is no Secret Service on
    the test machine): a real ``keyring`` backend that keeps the secrets in memory."""

    @staticmethod
    def make() -> Any:
        import keyring.backend
        import keyring.errors

        class Backend(keyring.backend.KeyringBackend):
            priority = 1  # type: ignore[assignment]

            def __init__(self) -> None:
                super().__init__()
                self.secrets: dict[tuple[str, str], str] = {}

            def get_password(self, service: str, username: str) -> str | None:
                return self.secrets.get((service, username))

            def set_password(self, service: str, username: str, password: str) -> None:
                self.secrets[(service, username)] = password

            def delete_password(self, service: str, username: str) -> None:
                if self.secrets.pop((service, username), None) is None:
                    raise keyring.errors.PasswordDeleteError(username)

        return Backend()


@pytest.fixture
def os_keyring() -> Iterator[Any]:
    import keyring

    previous = keyring.get_keyring()
    backend = OsKeyringStandIn.make()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def seeded_server_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A server database (SQLite) with the demo hierarchy, the seed accounts and the shipped
    forms published, made once and copied for each test."""
    from server.db import migrate
    from tests.server.conftest import seed
    from tests.server.test_sync_support import publish_builtin_forms

    path = tmp_path_factory.mktemp("gui-server") / "seeded.db"
    url = f"sqlite:///{path}"
    migrate(url)
    seed(url)
    publish_builtin_forms(url)
    return path


@pytest.fixture
def server(seeded_server_db: Path, tmp_path: Path) -> Iterator[Any]:
    """The real Kabar server on 127.0.0.1 (a thread) over a fresh copy of the seeded database."""
    import shutil

    from tests.server.conftest import LiveServer

    target = tmp_path / "server.db"
    shutil.copyfile(seeded_server_db, target)
    live = LiveServer(f"sqlite:///{target}").start()
    yield live
    live.stop()
