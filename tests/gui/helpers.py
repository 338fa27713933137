"""Finding fields and rules in the shipped definitions, so tests follow the forms, not a copy."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from forms.model import Field, FieldType, FormDefinition, Rule, Severity

LE_RULE = re.compile(r"^\s*(\w+)\s*<=\s*(\w+)\s*$")


def integer_fields(form: FormDefinition) -> list[Field]:
    return [f for f in form.fields if f.type == FieldType.INTEGER]


def plain_integer(form: FormDefinition) -> Field:
    """An integer field that is neither stock nor cumulative (free of cross-day rules)."""
    return next(f for f in integer_fields(form) if not f.stock and not f.cumulative)


def stock_field(forms: list[FormDefinition]) -> tuple[FormDefinition, Field]:
    return next((form, f) for form in forms for f in form.fields if f.stock)


def le_rule(forms: list[FormDefinition]) -> tuple[FormDefinition, Rule, str, str]:
    """An error rule ``a <= b`` between two integer fields: typing a > b breaks it."""
    for form in forms:
        for rule in form.rules:
            if rule.kind != "expr" or rule.severity != Severity.ERROR or rule.when:
                continue
            m = LE_RULE.match(rule.expr or "")
            if not m:
                continue
            a, b = m.groups()
            codes = {f.code: f for f in integer_fields(form)}
            if a in codes and b in codes:
                return form, rule, a, b
    raise AssertionError("the shipped forms should have an error rule 'a <= b'")


def outlier_rule(forms: list[FormDefinition]) -> tuple[FormDefinition, Rule, Field]:
    for form in forms:
        for rule in form.rules:
            if rule.kind == "outlier" and rule.severity == Severity.WARNING:
                field = form.field(rule.fields[0])
                if field.type == FieldType.INTEGER and not field.cumulative:
                    return form, rule, field
    raise AssertionError("the shipped forms should have an outlier warning on an integer field")


def seed_days(
    data_dir: Path,
    facility: str,
    form: FormDefinition,
    end: date,
    days: int,
    values: dict[str, Any],
    *,
    complete: bool = False,
) -> None:
    """Save the same values on ``days`` days up to and including ``end``, through the store."""
    from sync.store import Store

    store = Store.open(data_dir)
    try:
        store.register_form(form)
        for i in range(days):
            day = end - timedelta(days=i)
            store.save_day(facility, form, day, values, author="Penyiap Data", complete=complete)
    finally:
        store.close()
