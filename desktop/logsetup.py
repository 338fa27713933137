"""Kabar's logs: a rotating UTF-8 file in the user's log folder (``KABAR_LOG_DIR`` overrides it),
warnings on stderr, secrets redacted before anything is written, uncaught exceptions recorded.

Start-up stays free of I/O and of heavy imports: records wait in memory until ``open_file``
runs once the window is idle (or at once on a crash or a failed start). No Qt here.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from sync.redaction import Redactor

#: set it to write the logs somewhere else (tests; several installs side by side with --data-dir)
LOG_DIR_ENV = "KABAR_LOG_DIR"
LOG_NAME = "kabar.log"
#: the live file is rotated at this size; ``BACKUP_COUNT`` older files are kept (5 MiB in all)
MAX_BYTES = 1024 * 1024
BACKUP_COUNT = 4
#: records kept in memory until the file is open (a start that logs more drops the oldest)
BUFFER_LIMIT = 2000
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

log = logging.getLogger("kabar")

#: every secret or personal value the app has met in this run (device token, officer's name,
#: username, account name); the log handlers and the diagnostics export blank them out
redactor = Redactor(home=str(Path.home()))


def add_secrets(*values: str | None) -> None:
    """Never write these to a log (the token when it is read, names when they are known)."""
    redactor.add(*values)


def log_dir() -> Path:
    """Where the logs go: ``$KABAR_LOG_DIR``, else ``platformdirs.user_log_dir("Kabar")``."""
    chosen = os.environ.get(LOG_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs  # not at start-up: the file is opened once the window is idle

    return Path(platformdirs.user_log_dir("Kabar", appauthor=False))


def log_files(directory: Path) -> list[Path]:
    """The live log and its rotated copies that exist in ``directory``, newest first."""
    names = [LOG_NAME] + [f"{LOG_NAME}.{i}" for i in range(1, BACKUP_COUNT + 1)]
    return [directory / n for n in names if (directory / n).is_file()]


class UtcFormatter(logging.Formatter):
    """Times as UTC ISO 8601 (2026-11-22T10:06:15.123Z): one clock for every laptop."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


class RedactingFilter(logging.Filter):
    """Rewrites each record's message, traceback and stack with ``redactor`` before any handler
    formats it (the record is shared: every later handler sees the redacted text)."""

    def __init__(self, redact: Callable[[str], str]) -> None:
        super().__init__()
        self._redact = redact
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string still gets logged (redacted) rather than lost
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = self._redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


class RotatingLog(logging.FileHandler):
    """A size-rotated UTF-8 log (kabar.log, kabar.log.1 … kabar.log.N).

    Not ``logging.handlers.RotatingFileHandler``: that module imports socket, pickle and queue
    (~8 ms at start-up). A rename that fails (another Kabar holds the file on Windows) is
    skipped: writing goes on in the current file and rotation is tried again later.
    """

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES, backups: int = BACKUP_COUNT):
        super().__init__(path, mode="a", encoding="utf-8", delay=True)
        self.max_bytes = max_bytes
        self.backups = backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._should_rotate(record):
                self._rotate()
            super().emit(record)
        except Exception:
            self.handleError(record)

    def _should_rotate(self, record: logging.LogRecord) -> bool:
        if self.max_bytes <= 0:
            return False
        if self.stream is None:
            self.stream = self._open()
        self.stream.seek(0, os.SEEK_END)
        size = self.stream.tell()
        return size > 0 and size + len(self.format(record).encode("utf-8")) + 1 > self.max_bytes

    def _rotate(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None  # type: ignore[assignment]
        base = self.baseFilename
        try:
            for i in range(self.backups - 1, 0, -1):
                older = f"{base}.{i}"
                if os.path.exists(older):
                    os.replace(older, f"{base}.{i + 1}")
            if self.backups > 0:
                os.replace(base, f"{base}.1")
            else:
                os.remove(base)
        except OSError:
            pass  # kept writing to the same file; the next record tries again


class _Waiting(logging.Handler):
    """Holds records until the file is open (start-up does no file I/O)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if len(self.records) > BUFFER_LIMIT:
            del self.records[0]


class Logs:
    """The installed logging of one run of the app (see ``install``)."""

    def __init__(self, level: int, stderr_level: int) -> None:
        self.filter = RedactingFilter(redactor)
        self.formatter = UtcFormatter(FORMAT)
        self.stderr = logging.StreamHandler(sys.stderr)
        self.stderr.setLevel(stderr_level)
        self.stderr.addFilter(self.filter)
        self.stderr.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        # Unfiltered until replayed into the file: redacted then, with every secret known by
        # that time, and lazy arguments (the app's version) are not computed at start-up.
        self.waiting: _Waiting | None = _Waiting()
        self.file: RotatingLog | None = None
        self.directory: Path | None = None
        self.problem: str | None = None
        self._lock = threading.Lock()
        self._root = logging.getLogger()
        self._previous_level = self._root.level
        self._previous_hooks: tuple[Any, Any] = (sys.excepthook, threading.excepthook)
        self._root.setLevel(level)
        self._root.addHandler(self.stderr)
        self._root.addHandler(self.waiting)
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def open_file(self) -> Path | None:
        """Open the log file (once) and write what waited in memory; the folder, or None when
        it cannot be written (said once on stderr; the app goes on without a file)."""
        with self._lock:
            if self.file is not None or self.waiting is None:
                return self.directory
            waiting, self.waiting = self.waiting, None
            self._root.removeHandler(waiting)
            try:
                directory = log_dir()
                directory.mkdir(parents=True, exist_ok=True)
                handler = RotatingLog(directory / LOG_NAME)
                handler.stream = handler._open()  # fail here, not at the first record
            except OSError as exc:
                self.problem = f"{exc.strerror or exc} ({getattr(exc, 'filename', '')})"
                print(f"Kabar: log tidak dapat ditulis: {self.problem}", file=sys.stderr)
                return None
            handler.setLevel(logging.INFO)
            handler.addFilter(self.filter)
            handler.setFormatter(self.formatter)
            for record in waiting.records:
                handler.handle(record)
            self._root.addHandler(handler)
            self.file, self.directory = handler, directory
            return directory

    def flush(self) -> None:
        if self.file is not None:
            self.file.flush()

    def files(self) -> list[Path]:
        """This run's log files (newest first); none before the file is open."""
        return log_files(self.directory) if self.directory is not None else []

    def close(self) -> None:
        """Undo ``install`` (tests; the end of ``main``)."""
        global _installed
        for handler in (self.stderr, self.waiting, self.file):
            if handler is not None:
                self._root.removeHandler(handler)
                handler.close()
        self._root.setLevel(self._previous_level)
        if sys.excepthook == self._excepthook:
            sys.excepthook = self._previous_hooks[0]
        if threading.excepthook == self._thread_excepthook:
            threading.excepthook = self._previous_hooks[1]
        if _installed is self:
            _installed = None

    # -- crashes -----------------------------------------------------------------------------

    def _excepthook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        previous = self._previous_hooks[0]
        if not issubclass(kind, KeyboardInterrupt):
            log.critical("uncaught exception", exc_info=(kind, exc, tb))
            self.open_file()
            self.flush()
        # The default hook would print the traceback a second time (the stderr handler did).
        if previous is not sys.__excepthook__ or issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        previous = self._previous_hooks[1]
        if not issubclass(args.exc_type, SystemExit):
            name = args.thread.name if args.thread is not None else "?"
            log.critical(
                "uncaught exception in thread %s",
                name,
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
            )
            self.open_file()
            self.flush()
        if previous is not threading.__excepthook__:
            previous(args)


_installed: Logs | None = None


def install(*, level: int = logging.INFO, stderr_level: int = logging.WARNING) -> Logs:
    """Set up logging for this run (idempotent): root at ``level``, warnings on stderr, records
    kept in memory until ``Logs.open_file``, excepthooks for the main thread and the others."""
    global _installed
    if _installed is None:
        _installed = Logs(level, stderr_level)
    return _installed


def installed() -> Logs | None:
    return _installed


def route_qt_messages() -> None:
    """Qt's own warnings (platform plugin, fonts) go to the log too, not only to stderr."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(kind: Any, _context: Any, message: str) -> None:
        qt_log.log(levels.get(kind, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


class Lazy:
    """A log argument computed only when the record is formatted (the app's version needs
    importlib.metadata, ~20 ms: paid when the file is written, after the window is idle)."""

    def __init__(self, compute: Callable[[], object]) -> None:
        self._compute = compute

    def __str__(self) -> str:
        try:
            return str(self._compute())
        except Exception as exc:
            return f"? ({type(exc).__name__})"
