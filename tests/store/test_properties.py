"""Random sequences of saves: the store always holds the last saved value per cell, the audit
replays to exactly that state, and status/outbox follow the rules."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from forms.model import FieldType, Value
from forms.types import to_storage
from sync.store import Store

from .conftest import FACILITY, Clock, make_form

FORM = make_form()
DAYS = [date(2021, 7, 1) + timedelta(days=i) for i in range(3)]

VALUES: dict[FieldType, st.SearchStrategy[Any]] = {
    FieldType.INTEGER: st.integers(0, 10**9),
    FieldType.DECIMAL: st.decimals(-(10**6), 10**6, places=3, allow_nan=False),
    FieldType.YESNO: st.booleans(),
    FieldType.CHOICE: st.sampled_from(["baik", "rusak"]),
    FieldType.TEXT: st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
}


@st.composite
def day_values(draw: st.DrawFn) -> dict[str, Value]:
    chosen = draw(st.lists(st.sampled_from([f.code for f in FORM.fields]), unique=True))
    return {code: draw(st.none() | VALUES[FORM.field(code).type]) for code in chosen}


def canonical(code: str, value: Value) -> str | None:
    if value == "":
        return None  # an empty text is a cleared text
    return to_storage(FORM.field(code).type, value)


class SaveSequence(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="kabar-prop-"))
        self.clock = Clock()
        self.store = Store.open(self.dir, clock=self.clock)
        self.store.load_demo_org_units()
        self.store.register_form(FORM)
        # The model: the rows a correct store holds, the day statuses, the submissions.
        self.rows: dict[tuple[date, str], str | None] = {}
        self.status: dict[date, str] = {}
        self.submissions = 0

    @rule(day=st.sampled_from(DAYS), values=day_values(), complete=st.booleans())
    def save(self, day: date, values: dict[str, Value], complete: bool) -> None:
        self.clock.advance(seconds=1)
        result = self.store.save_day(FACILITY, FORM, day, values, author="Ani", complete=complete)
        changed = []
        for code in (f.code for f in FORM.fields if f.code in values):
            text = canonical(code, values[code])
            if self.rows.get((day, code)) != text:
                self.rows[(day, code)] = text
                changed.append(code)
        old = self.status.get(day)
        new = "complete" if complete else ("draft" if changed else old)
        if new is not None:
            self.status[day] = new
        assert result.changed == tuple(changed)
        if changed or new != old:
            self.submissions += 1
            assert result.submission_uuid is not None
        else:
            assert result.submission_uuid is None
        assert result.status == {None: "kosong", "draft": "draf", "complete": "lengkap"}[new]

    @precondition(lambda self: self.submissions > 0)
    @rule()
    def reopen_store(self) -> None:
        self.store.close()
        self.store = Store.open(self.dir, clock=self.clock)
        self.store.register_form(FORM)

    @invariant()
    def stored_values_are_the_last_saved(self) -> None:
        for day in DAYS:
            loaded = self.store.load_day(FACILITY, FORM, day)
            expected = {code: text for (d, code), text in self.rows.items() if d == day}
            got = {code: canonical(code, v) for code, v in loaded.values.items()}
            assert got == expected
        assert self.store.outbox_count() == self.submissions

    @invariant()
    def audit_replays_to_the_stored_state(self) -> None:
        conn = sqlite3.connect(str(self.store.path))
        try:
            audit = conn.execute(
                "SELECT submission_uuid, period, indicator, old, new, action FROM audit ORDER BY id"
            ).fetchall()
            cells = conn.execute("SELECT period, indicator, value FROM cells").fetchall()
            statuses = conn.execute("SELECT period, status FROM day_status").fetchall()
        finally:
            conn.close()
        replayed: dict[tuple[str, str], str | None] = {}
        status: dict[str, str | None] = {}
        by_submission: dict[str, list[tuple[Any, ...]]] = {}
        for row in audit:
            by_submission.setdefault(row[0], []).append(row[1:])
        for rows in by_submission.values():
            period = rows[0][0]
            assert all(r[0] == period for r in rows)  # one submission, one day
            status_rows = [r for r in rows if r[1] is None]
            for _, indicator, old, new, action in rows:
                if indicator is None:
                    # old is the day's status before this save
                    assert status.get(period) == old
                    assert action == ("complete" if new == "complete" else "reopen")
                else:
                    assert replayed.get((period, indicator)) == old
                    replayed[(period, indicator)] = new
                    assert action == "edit"
            # Edits alone leave the status as it was (a first edit makes the day a draft).
            status[period] = status_rows[-1][3] if status_rows else status.get(period) or "draft"
        assert replayed == {(p, i): v for p, i, v in cells}
        assert status == dict(statuses)

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)


SaveSequence.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestSaveSequence = SaveSequence.TestCase


def test_decimal_model_matches_canonical_text() -> None:
    """The model's comparison is the store's: 1.50 and 1.5 are one value."""
    assert canonical("suhu", Decimal("1.50")) == canonical("suhu", Decimal("1.5"))
