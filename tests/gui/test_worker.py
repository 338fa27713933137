"""The worker lane (desktop/worker.py), and the first frame it lets the window show complete."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from tests.gui.conftest import FACILITY, TODAY
from tests.gui.helpers import plain_integer, seed_days


def test_a_finished_operation_is_delivered_at_once_and_only_once(qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop.worker import Operations

    ops = Operations()
    got: list[Any] = []
    idle: list[bool] = []
    ops.idle.connect(lambda: idle.append(True))
    ops.run(lambda: 41 + 1, got.append, label="quick")
    ops.run(lambda: "next", got.append, label="queued behind it")
    # no event loop turn: the outcome reaches on_done inside deliver_running itself
    assert ops.deliver_running(5.0) is True
    assert got == [42]
    assert ops.pending == 1  # the next one started, and was not delivered early
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=5000)
    assert got == [42, "next"] and idle == [True]
    assert ops.deliver_running(0.01) is False  # nothing running


def test_a_slow_operation_is_not_waited_for_beyond_the_limit(qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop.worker import Operations

    ops = Operations()
    release = threading.Event()
    got: list[Any] = []
    failures: list[BaseException] = []
    ops.run(lambda: release.wait(10) and "late", got.append, label="slow")
    assert ops.deliver_running(0.05) is False
    assert got == [] and ops.pending == 1
    release.set()
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=5000)
    assert got == ["late"]  # delivered once, by the event loop

    def boom() -> None:
        raise ValueError("disk")

    ops.run(boom, got.append, failures.append, label="failing")
    assert ops.deliver_running(5.0) is True
    assert [str(e) for e in failures] == ["disk"] and got == ["late"]


def test_the_first_frame_shows_the_saved_day_not_an_empty_form(kabar, qtbot) -> None:  # type: ignore[no-untyped-def]
    """What the officer sees first is the day's figures and the month's marks: the read done
    on the worker while the window was built lands before the window's first paint."""
    from forms.loader import builtin_forms
    from tests.gui.conftest import prepare_data_dir

    prepare_data_dir(kabar.data_dir)
    form = builtin_forms()[0]
    field = plain_integer(form)
    seed_days(kabar.data_dir, FACILITY, form, TODAY, 3, {field.code: 1234}, complete=True)
    first_frame: dict[str, Any] = {}

    def at_show(launched: Any) -> None:
        window = launched.window
        view = window.view_for(form.id)
        first_frame["visible"] = window.isVisible()
        first_frame["pending"] = window.session.ops.pending
        first_frame["text"] = view.edits[field.code].editor.text() if view.built else None
        # one of the two forms is complete: the day is marked "draf"; a day never typed is not
        first_frame["mark"] = window.calendar.status_of(TODAY - timedelta(days=1))
        first_frame["unsaved day"] = window.calendar.status_of(TODAY - timedelta(days=5))

    kabar.start(on_launched=at_show)
    assert first_frame == {
        "visible": True,
        "pending": 0,
        "text": "1.234",
        "mark": "draf",
        "unsaved day": "kosong",
    }
