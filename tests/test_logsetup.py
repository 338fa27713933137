"""The desktop's logs (desktop.logsetup): redaction on the way to the file, rotation, records
kept in memory until the window is idle, uncaught exceptions, and nothing heavy at start-up."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import logsetup
from desktop.logsetup import LOG_NAME, RotatingLog, UtcFormatter
from sync.redaction import MARK, Redactor

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "kbr_Zq81mVx0Lp2Wn7Rt"


@pytest.fixture
def logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[logsetup.Logs]:
    """Installed as ``main`` does, writing to tmp_path/logs, with a redactor of its own."""
    monkeypatch.setenv(logsetup.LOG_DIR_ENV, str(tmp_path / "logs"))
    monkeypatch.setattr(logsetup, "redactor", Redactor(home=str(Path.home())))
    # Our hooks chain to these (pytest's own would turn a planted crash into a failure).
    monkeypatch.setattr(sys, "excepthook", lambda *a: None)
    monkeypatch.setattr(threading, "excepthook", lambda args: None)
    # A live-server test earlier in the session attached the server's own redaction filter
    # (server/logsafe.py) to pytest's handlers on the root logger; it rewrites records in place,
    # so this test would see the server's mark instead of proving the desktop's. Set aside.
    foreign = [
        (handler, f)
        for handler in logging.getLogger().handlers
        for f in list(handler.filters)
        if type(f).__module__ == "server.logsafe"
    ]
    for handler, f in foreign:
        handler.removeFilter(f)
    installed = logsetup.install()
    yield installed
    installed.close()
    for handler, f in foreign:
        handler.addFilter(f)


def text_of(logs: logsetup.Logs) -> str:
    logs.flush()
    assert logs.directory is not None
    return (logs.directory / LOG_NAME).read_text(encoding="utf-8")


def test_records_wait_in_memory_until_the_file_opens(logs: logsetup.Logs, tmp_path: Path) -> None:
    computed: list[str] = []
    logging.getLogger("kabar.test").info(
        "started %s", logsetup.Lazy(lambda: computed.append("v") or "1.2.3")
    )
    assert not (tmp_path / "logs").exists(), "no file I/O before open_file"
    # (pytest's own capture handlers format the record; without them nothing is computed
    # before the file opens: see the start-up probe below)
    assert logs.open_file() == tmp_path / "logs"
    assert computed
    text = text_of(logs)
    assert " INFO kabar.test [MainThread] started 1.2.3" in text
    stamp = text.split(" ", 1)[0]
    assert len(stamp) == 24 and stamp[10] == "T" and stamp.endswith("Z")  # UTC ISO 8601
    logging.getLogger("kabar.test").info("after")
    assert text_of(logs).endswith("after\n")
    assert logs.open_file() == tmp_path / "logs"  # once only
    assert logs.files() == [tmp_path / "logs" / LOG_NAME]


def test_secrets_are_blanked_before_they_reach_the_file(logs: logsetup.Logs) -> None:
    log = logging.getLogger("kabar.test")
    log.warning("GET /pull Authorization: Bearer %s", TOKEN)
    log.info("login password=%s", "rahasia-123")
    log.info('reply {"token": "%s"}', TOKEN)
    logsetup.add_secrets("Siti Aminah")  # known only after the lines above were logged
    log.info("officer %s", "Siti Aminah")
    try:
        raise ValueError(f"bad token={TOKEN} for Siti Aminah")
    except ValueError:
        log.exception("failed")
    logs.open_file()
    text = text_of(logs)
    for secret in (TOKEN, "rahasia-123", "Siti", "Aminah"):
        assert secret not in text, secret
    assert f"Authorization: {MARK}" in text
    assert f"password={MARK}" in text
    assert f'{{"token": "{MARK}"}}' in text
    assert f"officer {MARK}" in text
    assert "ValueError: bad token=" in text and "Traceback" in text


def test_warnings_also_go_to_stderr_redacted(
    logs: logsetup.Logs, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.stderr.setStream(sys.stderr)  # capsys replaced stderr after the handler was made
    logging.getLogger("kabar.test").info("only in the file")
    logging.getLogger("kabar.test").warning("refused: Bearer %s", TOKEN)
    err = capsys.readouterr().err
    assert f"WARNING kabar.test: refused: Bearer {MARK}" in err
    assert "only in the file" not in err and TOKEN not in err


def test_the_file_rotates_and_keeps_a_bounded_number(tmp_path: Path) -> None:
    handler = RotatingLog(tmp_path / LOG_NAME, max_bytes=2000, backups=3)
    handler.setFormatter(UtcFormatter("%(message)s"))
    log = logging.getLogger("kabar.rotation-test")
    log.propagate = False
    log.addHandler(handler)
    try:
        for i in range(400):
            log.warning("line %04d %s", i, "x" * 40)
    finally:
        log.removeHandler(handler)
        handler.close()
        log.propagate = True
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [LOG_NAME, f"{LOG_NAME}.1", f"{LOG_NAME}.2", f"{LOG_NAME}.3"]
    for path in tmp_path.iterdir():
        assert path.stat().st_size <= 2000
    assert (
        (tmp_path / LOG_NAME).read_text(encoding="utf-8").splitlines()[-1].startswith("line 0399")
    )
    oldest = (tmp_path / f"{LOG_NAME}.3").read_text(encoding="utf-8").splitlines()
    newest = (tmp_path / LOG_NAME).read_text(encoding="utf-8").splitlines()
    assert int(oldest[0].split()[1]) < int(newest[0].split()[1])
    assert "line 0000" not in "".join(p.read_text(encoding="utf-8") for p in tmp_path.iterdir())


def test_uncaught_exceptions_are_written_with_their_traceback(logs: logsetup.Logs) -> None:
    try:
        raise RuntimeError(f"boom with token={TOKEN}")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert logs.file is not None, "a crash opens the file at once"

    def crash() -> None:
        raise KeyError("in a worker")

    thread = threading.Thread(target=crash, name="kabar-test-thread")
    thread.start()
    thread.join()
    text = text_of(logs)
    assert "CRITICAL kabar [MainThread] uncaught exception" in text
    assert "RuntimeError: boom with token=" in text and TOKEN not in text
    assert "uncaught exception in thread kabar-test-thread" in text
    assert "KeyError: 'in a worker'" in text


def test_a_log_folder_that_cannot_be_made_is_said_once_and_the_app_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(logsetup.LOG_DIR_ENV, str(blocker / "logs"))
    monkeypatch.setattr(sys, "excepthook", lambda *a: None)
    installed = logsetup.install()
    try:
        logging.getLogger("kabar.test").info("kept nowhere")
        assert installed.open_file() is None
        assert installed.problem is not None
        assert "log tidak dapat ditulis" in capsys.readouterr().err
        logging.getLogger("kabar.test").warning("still fine")  # no exception, no file
        assert installed.files() == []
    finally:
        installed.close()


def test_log_dir_follows_the_environment_or_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.setenv(logsetup.LOG_DIR_ENV, "~/kabar-logs")
    assert logsetup.log_dir() == Path.home() / "kabar-logs"
    monkeypatch.delenv(logsetup.LOG_DIR_ENV)
    assert logsetup.log_dir() == Path(platformdirs.user_log_dir("Kabar", appauthor=False))


def test_install_imports_nothing_heavy_and_does_no_file_io(tmp_path: Path) -> None:
    """Start-up is sacred: installing the logging costs no heavy import and no file."""
    probe = (
        "import sys, logging\n"
        "before = set(sys.modules)\n"
        "from desktop import logsetup\n"
        "logs = logsetup.install()\n"
        "hits = []\n"
        "logging.getLogger('kabar').info('v%s', logsetup.Lazy(lambda: hits.append(1)))\n"
        "assert not hits, 'a lazy argument was computed at start-up'\n"
        "new = sorted(m for m in set(sys.modules) - before)\n"
        "heavy = {'logging.handlers', 'platformdirs', 'importlib.metadata', 'socket',\n"
        "         'pickle', 'zipfile', 'PySide6', 'sqlite3', 'keyring', 'requests'}\n"
        "print(sorted(m for m in new if m in heavy or m.split('.')[0] in heavy))\n"
    )
    env = {"KABAR_LOG_DIR": str(tmp_path / "logs"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert not (tmp_path / "logs").exists()


def test_the_app_writes_its_start_to_the_log_once_idle(tmp_path: Path) -> None:
    """The real start (``python -m desktop``): versions, folders and the facility in the file."""
    from desktop.settings_keys import FACILITY, OFFICER
    from sync.store import Store

    data = tmp_path / "data"
    with Store.open(data) as store:
        store.load_demo_org_units()
        store.set_setting(FACILITY, "P6408040201")
        store.set_setting(OFFICER, "Siti Aminah")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KABAR_LOG_DIR=str(tmp_path / "logs"))
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(data), "--quit-when-idle"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "logs" / LOG_NAME).read_text(encoding="utf-8")
    assert " INFO desktop.app [MainThread] Kabar " in text
    assert "started: Python 3." in text and "PySide6 6." in text and "(Qt 6." in text
    assert f"data folder {data}" in text
    assert "window shown: facility P6408040201, server -, logged in no, language id" in text
    assert text.rstrip().endswith("Kabar stopped")
    assert "Siti" not in text and "Aminah" not in text
