"""The one way slow work leaves the GUI thread: a serial queue of operations on QThreadPool.

In the spirit of Anki's QueryOp: a plain function runs on a worker thread and its result (or
exception) comes back to the GUI thread through a signal. Operations run one at a time, in the
order they were queued, so "save day D" always finishes before "load day D+1" reads it.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any, NamedTuple

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Relay(QObject):
    """Lives in the GUI thread; its queued signals carry a worker's outcome back there."""

    succeeded = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay, sent: threading.Event) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay
        self._sent = sent

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to the GUI thread, never swallowed
            exc.__kabar_traceback__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)
        finally:
            self._sent.set()  # the outcome is posted to the GUI thread (see deliver_running)


class _Op(NamedTuple):
    fn: Callable[[], Any]
    on_done: Done | None
    on_error: Failed | None
    label: str


class Operations(QObject):
    """Serial queue of background operations with one place where errors are reported.

    ``error`` is emitted for every failure that the caller did not handle itself; the main
    window connects it to the status bar / message area.
    """

    busy_changed = Signal(bool)
    idle = Signal()
    error = Signal(object)  # the exception

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._queue: deque[_Op] = deque()
        self._running: _Op | None = None
        self._relay: _Relay | None = None
        self._sent: threading.Event | None = None

    @property
    def pending(self) -> int:
        """Operations queued or running."""
        return len(self._queue) + (1 if self._running else 0)

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        label: str = "",
    ) -> None:
        """Queue ``fn`` to run on a worker; ``on_done(result)`` runs on the GUI thread."""
        was_idle = self.pending == 0
        self._queue.append(_Op(fn, on_done, on_error, label))
        if was_idle:
            self.busy_changed.emit(True)
        self._start_next()

    def deliver_running(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for the running operation and deliver its outcome now, on
        this (the GUI) thread, instead of at the event loop's next turn. True if it was.

        For the first frame only: the window waits a moment for its first read so that it is
        shown complete rather than empty and then filled. Never for anything a person is
        waiting on; the outcome goes through the same queued signal either way.
        """
        sent = self._sent
        if self._running is None or sent is None or not sent.wait(timeout_s):
            return False
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        return self._sent is not sent  # finished: cleared, or the next operation's own

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the pool is idle (used when closing; results are not delivered)."""
        return self._pool.waitForDone(timeout_ms)

    def _start_next(self) -> None:
        if self._running is not None or not self._queue:
            return
        op = self._queue.popleft()
        self._running = op
        relay = _Relay()
        relay.succeeded.connect(self._on_succeeded)
        relay.failed.connect(self._on_failed)
        self._relay = relay  # kept alive until its signal has been delivered
        self._sent = threading.Event()
        self._pool.start(_Task(op.fn, relay, self._sent))

    def _finish(self) -> _Op:
        op = self._running
        assert op is not None, "worker result without a running operation"
        self._running = None
        self._sent = None
        if self._relay is not None:
            self._relay.deleteLater()
            self._relay = None
        return op

    def _on_succeeded(self, result: object) -> None:
        op = self._finish()
        try:
            if op.on_done is not None:
                op.on_done(result)
        finally:
            self._after()

    def _on_failed(self, exc: BaseException) -> None:
        op = self._finish()
        try:
            if op.on_error is not None:
                op.on_error(exc)
            else:
                tb = getattr(exc, "__kabar_traceback__", "")
                log.error("operation %r failed:\n%s", op.label, tb)
                self.error.emit(exc)
        finally:
            self._after()

    def _after(self) -> None:
        self._start_next()
        if self.pending == 0:
            self.busy_changed.emit(False)
            self.idle.emit()
