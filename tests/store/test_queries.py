"""Reads over many days: the calendar's day_statuses, yesterday's values, history and series."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, timedelta

import pytest

from forms.model import FormDefinition
from sync.store import Store

from .conftest import FACILITY, OTHER_FACILITY

D = date(2021, 7, 10)


@pytest.fixture
def second_form(store: Store, form: FormDefinition) -> FormDefinition:
    other = replace(form, id="sumber-uji")
    store.register_form(other)
    return other


def test_day_statuses_over_two_forms(
    store: Store, form: FormDefinition, second_form: FormDefinition
) -> None:
    # D-2: both forms complete -> lengkap; D-1: one complete, one draft -> draf;
    # D: only a cleared value, but a status -> draf; D+1: nothing -> kosong;
    # D+2: one form complete, the other never touched -> draf.
    for f in (form, second_form):
        store.save_day(FACILITY, f, D - timedelta(2), {"kasus_baru": 1}, author="A", complete=True)
    store.save_day(FACILITY, form, D - timedelta(1), {"kasus_baru": 1}, author="A", complete=True)
    store.save_day(FACILITY, second_form, D - timedelta(1), {"kasus_baru": 1}, author="A")
    store.save_day(FACILITY, form, D, {"kasus_baru": 1}, author="A")
    store.save_day(FACILITY, form, D, {"kasus_baru": None}, author="A")
    store.save_day(FACILITY, form, D + timedelta(2), {"sembuh": 0}, author="A", complete=True)
    # Another facility's data never leaks in.
    store.save_day(OTHER_FACILITY, form, D + timedelta(1), {"sembuh": 0}, author="A")

    got = store.day_statuses(
        FACILITY, [form.id, second_form.id], D - timedelta(3), D + timedelta(2)
    )
    assert got == {
        D - timedelta(3): "kosong",
        D - timedelta(2): "lengkap",
        D - timedelta(1): "draf",
        D: "draf",
        D + timedelta(1): "kosong",
        D + timedelta(2): "draf",
    }
    # With one form only, D+2 and D-1 are complete.
    single = store.day_statuses(FACILITY, [form.id], D - timedelta(1), D + timedelta(2))
    assert single[D - timedelta(1)] == "lengkap"
    assert single[D + timedelta(2)] == "lengkap"
    assert store.day_statuses(FACILITY, [], D, D) == {D: "kosong"}
    with pytest.raises(ValueError):
        store.day_statuses(FACILITY, [form.id], D, D - timedelta(1))


def test_day_statuses_for_a_year_is_one_fast_query(store: Store, form: FormDefinition) -> None:
    start = date(2021, 1, 1)
    for i in range(0, 365, 3):
        store.save_day(
            FACILITY, form, start + timedelta(i), {"kasus_baru": i}, author="A", complete=i % 2 == 0
        )
    statements: list[str] = []
    conn_sql: list[str] = []
    with store._pool.read() as conn:
        conn.set_trace_callback(conn_sql.append)
    t0 = time.perf_counter()
    got = store.day_statuses(FACILITY, [form.id], start, start + timedelta(364))
    elapsed = time.perf_counter() - t0
    with store._pool.read() as conn:
        conn.set_trace_callback(None)
    statements = [s for s in conn_sql if s.lstrip().upper().startswith("SELECT")]
    assert len(got) == 365
    assert sum(v == "lengkap" for v in got.values()) == len(range(0, 365, 6))
    assert sum(v == "draf" for v in got.values()) == len(range(3, 365, 6))
    assert len(statements) == 1
    assert elapsed < 0.05


def test_previous_values(store: Store, form: FormDefinition) -> None:
    assert store.previous_values(FACILITY, form, D) == {}
    store.save_day(
        FACILITY,
        form,
        D - timedelta(1),
        {"kasus_baru": 4, "sembuh": 2, "listrik": False},
        author="A",
    )
    store.save_day(FACILITY, form, D - timedelta(1), {"sembuh": None}, author="A")
    store.save_day(FACILITY, form, D - timedelta(2), {"catatan": "dua hari lalu"}, author="A")
    assert store.previous_values(FACILITY, form, D) == {"kasus_baru": 4, "listrik": False}
    assert store.previous_values(FACILITY, form, D + timedelta(1)) == {}


def test_history_values(store: Store, form: FormDefinition) -> None:
    for back, value in ((1, 10), (2, 20), (4, 40), (6, 60)):
        store.save_day(FACILITY, form, D - timedelta(back), {"kasus_baru": value}, author="A")
    store.save_day(FACILITY, form, D, {"kasus_baru": 99}, author="A")  # the day itself: excluded
    history = store.history_values(FACILITY, form, D, days=5)
    assert history["kasus_baru"] == [None, 40, None, 20, 10]
    assert history["sembuh"] == [None] * 5
    assert set(history) == {f.code for f in form.fields}
    assert store.history_values(FACILITY, form, D)["kasus_baru"][-6:] == [
        60,
        None,
        40,
        None,
        20,
        10,
    ]
    assert len(store.history_values(FACILITY, form, D)["kasus_baru"]) == 28


def test_series(store: Store, form: FormDefinition) -> None:
    store.save_day(FACILITY, form, D, {"kasus_baru": 5}, author="A")
    store.save_day(FACILITY, form, D - timedelta(2), {"kasus_baru": 3}, author="A")
    points = store.series(FACILITY, form, "kasus_baru", D, days=4)
    assert points == [
        (D - timedelta(3), None),
        (D - timedelta(2), 3),
        (D - timedelta(1), None),
        (D, 5),
    ]
    assert len(store.series(FACILITY, form, "kasus_baru", D)) == 30
    with pytest.raises(KeyError):
        store.series(FACILITY, form, "tidak_ada", D)
