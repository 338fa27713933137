"""``--demo``: fill three weeks of plausible figures for the chosen facility when it has none."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from forms.model import Field, FieldType, FormDefinition, Severity, Value

DAYS = 21


def _value(field: Field, day_index: int, rng: random.Random) -> Value:
    if field.type == FieldType.INTEGER:
        if field.cumulative:
            return 40 + 3 * day_index
        if field.stock:
            return 20 + rng.randint(0, 5)
        return rng.randint(0, 6)
    if field.type == FieldType.DECIMAL:
        return Decimal(rng.randint(10, 90)) / 10
    if field.type == FieldType.YESNO:
        return False
    if field.type == FieldType.CHOICE:
        return field.choices[0].code if field.choices else None
    return None


def seed_demo(
    store: Any, facility: str, forms: list[FormDefinition], today: date | None = None
) -> int:
    """Saves demo days (older ones complete when they pass the rules); returns days written."""
    from forms.validate import validate

    today = today or date.today()
    start = today - timedelta(days=DAYS)
    statuses = store.day_statuses(facility, [f.id for f in forms], start, today)
    if any(s != "kosong" for s in statuses.values()):
        return 0
    rng = random.Random(64)
    written = 0
    for offset in range(DAYS, 0, -1):
        day = today - timedelta(days=offset)
        for form in forms:
            values = {f.code: _value(f, DAYS - offset, rng) for f in form.fields}
            previous = store.previous_values(facility, form, day)
            issues = validate(form, values, previous=previous, complete=True)
            clean = not any(i.severity == Severity.ERROR for i in issues)
            complete = clean and offset > 3
            store.save_day(facility, form, day, values, author="Petugas Demo", complete=complete)
        written += 1
    return written
