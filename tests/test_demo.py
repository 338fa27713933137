"""``--demo`` data reads like a careful officer's: it passes the shipped rules it claims to."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from desktop.demo import DAYS, DRAFT_DAYS, seed_demo
from forms.loader import builtin_forms
from forms.model import Severity
from forms.validate import validate
from sync.store import Store

TODAY = date(2026, 11, 23)
FACILITY = "P6408040201"


def test_demo_days_are_complete_and_pass_every_rule(tmp_path: Path) -> None:
    forms = builtin_forms()
    with Store.open(tmp_path) as store:
        store.load_demo_org_units()
        assert seed_demo(store, FACILITY, forms, today=TODAY) == DAYS - 1  # one day missed
        start = TODAY - timedelta(days=DAYS)
        statuses = store.day_statuses(FACILITY, [f.id for f in forms], start, TODAY)
        counts = Counter(statuses.values())
        assert counts["draf"] == DRAFT_DAYS
        assert counts["lengkap"] == DAYS - 1 - DRAFT_DAYS
        for day, status in statuses.items():
            for form in forms:
                values = store.load_day(FACILITY, form, day).values
                if not values:
                    continue
                issues = validate(
                    form,
                    values,
                    previous=store.previous_values(FACILITY, form, day),
                    history=store.history_values(FACILITY, form, day),
                    complete=True,
                )
                errors = [i.rule_id for i in issues if i.severity == Severity.ERROR]
                assert errors == [], (day, form.id, errors)
                if status == "lengkap":
                    # continuity warnings too: the running totals and the oxygen stock carry on
                    continuity = [i.rule_id for i in issues if "sambung" in i.rule_id]
                    assert continuity == [], (day, form.id, continuity)
        # A second run leaves a facility that already has figures alone.
        assert seed_demo(store, FACILITY, forms, today=TODAY) == 0
