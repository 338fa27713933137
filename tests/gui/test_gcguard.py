"""While a Kabar window is up, cyclic garbage is collected on the GUI thread, never on a worker
that happens to allocate (Qt objects freed there crash the app later)."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from desktop import gcguard

pytestmark = pytest.mark.gui


class Node:
    pass


def cyclic_garbage(freed_on: list[int]) -> None:
    """A reference cycle only the cycle collector can free; its finalizer notes the thread."""
    node = Node()
    node.self = node  # type: ignore[attr-defined]
    weakref.finalize(node, lambda: freed_on.append(threading.get_ident()))


def allocate_a_lot() -> None:
    """Enough container allocations to cross every automatic threshold many times."""
    for _ in range(30):
        junk = [[] for _ in range(10_000)]
        for item in junk:
            item.append(junk)


def test_cyclic_garbage_is_freed_on_the_gui_thread_only(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert gcguard.users() == 0  # no earlier test left a launch open (the GUI conftest checks)
    launched = kabar.start()
    assert gcguard.active() and not gc.isenabled()
    freed_on: list[int] = []
    cyclic_garbage(freed_on)
    worker = threading.Thread(target=allocate_a_lot)
    worker.start()
    worker.join(60)
    assert freed_on == []  # the worker's allocations collected nothing
    allocate_a_lot()  # the GUI thread's own garbage crosses the threshold too
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5000)  # the GUI thread's timer collects
    assert freed_on == [threading.get_ident()]
    kabar.stop(launched)
    assert gcguard.users() == 0
    assert not gcguard.active() and gc.isenabled()  # the last window closed: automatic again
