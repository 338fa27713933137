"""Guard against a PySide6 build that loses references on Python slot calls (6.12.0 does).

Such a build decrements None's (or True's) reference count on every slot or virtual call that
returns None; Kabar then dies with "none_dealloc" after about a thousand keystrokes.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPushButton

pytestmark = pytest.mark.gui

CALLS = 200


class _Emitter(QObject):
    flag = Signal(bool)
    anything = Signal(object)


def test_slot_calls_keep_none_alive(qtbot) -> None:  # type: ignore[no-untyped-def]
    button = QPushButton()
    qtbot.addWidget(button)
    calls: list[int] = []
    button.clicked.connect(lambda: calls.append(1))
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        button.click()
    lost = before - sys.getrefcount(None)
    assert len(calls) == CALLS
    assert lost < CALLS // 2, f"PySide6 lost {lost} references to None in {CALLS} slot calls"


def test_bool_signals_keep_true_alive(qtbot) -> None:  # type: ignore[no-untyped-def]
    emitter = _Emitter()
    seen: list[object] = []
    emitter.flag.connect(seen.append)
    emitter.anything.connect(seen.append)
    before = sys.getrefcount(True)
    for _ in range(CALLS):
        emitter.flag.emit(True)
        emitter.anything.emit(True)
    seen.clear()
    lost = before - sys.getrefcount(True)
    assert lost < CALLS // 2, f"PySide6 lost {lost} references to True in {2 * CALLS} emits"
