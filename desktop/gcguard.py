"""Python's cycle collector runs on the GUI thread only, while a Kabar window is up.

Left automatic, the collector runs in whichever thread happens to allocate when a threshold is
crossed — often a worker reading the store. If the garbage it finds holds Qt objects (a closed
dialog caught in a reference cycle), they are then destroyed on that worker thread, which Qt
does not allow: the app crashes later, somewhere unrelated (seen as rare segfaults in the GUI
tests). So, as Anki does, automatic collection is switched off and a timer on the GUI thread
runs the same generational collections when their thresholds are crossed.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

#: how often the GUI thread looks at the collector's counts
INTERVAL_MS = 1000

_users = 0
_was_enabled = True
_collector: MainThreadCollector | None = None


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect_due)
        self.timer.start(INTERVAL_MS)

    def collect_due(self) -> int:
        """The collections automatic collection would have run by now (Anki's rule)."""
        count0, count1, count2 = gc.get_count()
        limit0, limit1, limit2 = gc.get_threshold()
        found = 0
        if count0 > limit0:
            found = gc.collect(0)
            if count1 > limit1:
                found = gc.collect(1)
                if count2 > limit2:
                    found = gc.collect(2)
        return found


def install() -> MainThreadCollector:
    """Called on the GUI thread when a window is being launched; nests."""
    global _users, _was_enabled, _collector
    if _users == 0:
        _was_enabled = gc.isenabled()
        gc.disable()
        _collector = MainThreadCollector(QCoreApplication.instance())
    _users += 1
    assert _collector is not None
    return _collector


def uninstall() -> None:
    """The window closed (or never opened): the last one gives automatic collection back."""
    global _users, _collector
    if _users == 0:
        return
    _users -= 1
    if _users == 0 and _collector is not None:
        _collector.timer.stop()
        _collector.deleteLater()
        _collector = None
        gc.collect()
        if _was_enabled:
            gc.enable()


def users() -> int:
    """Windows launched and not yet closed (nested launches in tests)."""
    return _users


def active() -> bool:
    return _collector is not None and _collector.timer.isActive()
