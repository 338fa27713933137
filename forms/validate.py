"""Validation of one day's figures: field checks, cross-field rules, continuity and outliers.

The same code runs in the desktop (as the officer types) and on the server (on every received
change), so both always agree on what is an error and what is a warning.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal

from forms.expr import Expr, compile_expr
from forms.messages import fill, split_prev
from forms.model import Field, FieldType, FormDefinition, Issue, Rule, Severity, Text, Value
from forms.numbers import format_number
from forms.outlier import MIN_HISTORY, outlier_bounds
from forms.types import TEXT_MAX_LENGTH, check_value_type, format_value

__all__ = ["MIN_HISTORY", "FormValidator", "outlier_bounds", "validate", "validator_for"]

_EMPTY = Text("(kosong)", "(empty)")


def validate(
    form: FormDefinition,
    values: Mapping[str, Value],
    previous: Mapping[str, Value] | None = None,
    history: Mapping[str, Sequence[Value]] | None = None,
    *,
    complete: bool = False,
) -> list[Issue]:
    """All issues of one facility-day, errors first, then in form order.

    ``previous`` is the same facility's previous day (``None``: unknown, ``prev()`` rules are
    not judged); ``history`` maps field code -> that facility's values for the days before,
    oldest first (``None`` = missing). Missing required figures are errors only when
    ``complete`` (the officer marks the day complete); a draft is not nagged about blanks.
    Values must have their field's Python type (``TypeError`` otherwise: that is a bug).
    """
    return validator_for(form).validate(values, previous, history, complete=complete)


@functools.lru_cache(maxsize=64)
def validator_for(form: FormDefinition) -> FormValidator:
    """A (cached) validator with the form's rules compiled once."""
    return FormValidator(form)


class FormValidator:
    """Validates values of one form; build once per form, call for every change."""

    def __init__(self, form: FormDefinition) -> None:
        self.form = form
        self._fields: dict[str, Field] = {f.code: f for f in form.fields}
        self._order = {code: i for i, code in enumerate(self._fields)}
        self._rules: list[tuple[Rule, Expr | None, Expr | None]] = []
        for rule in form.rules:
            expr = when = None
            if rule.kind == "expr":
                assert rule.expr is not None, f"rule {rule.id} has no expression"
                expr = compile_expr(rule.expr, form.fields)
                when = compile_expr(rule.when, form.fields) if rule.when else None
            self._rules.append((rule, expr, when))

    def validate(
        self,
        values: Mapping[str, Value],
        previous: Mapping[str, Value] | None = None,
        history: Mapping[str, Sequence[Value]] | None = None,
        *,
        complete: bool = False,
    ) -> list[Issue]:
        """See :func:`validate`."""
        issues: list[Issue] = []
        for f in self._fields.values():
            issues.extend(self._field_issues(f, values.get(f.code), complete))
        if previous is not None:
            for f in self._fields.values():
                check_value_type(f, previous.get(f.code))
        for rule, expr, when in self._rules:
            if expr is not None:
                if when is not None and when.evaluate(values, previous) is not True:
                    continue
                if expr.evaluate(values, previous) is False:
                    issues.append(self._rule_issue(rule, values, previous))
            else:
                issues.extend(self._outlier_issues(rule, values, history or {}))
        order = self._order
        return sorted(
            issues,
            key=lambda i: (
                i.severity is not Severity.ERROR,
                min((order.get(c, len(order)) for c in i.fields), default=len(order)),
            ),
        )

    def _field_issues(self, f: Field, value: Value, complete: bool) -> list[Issue]:
        check_value_type(f, value)
        label = f.label
        if value is None:
            if complete and f.required:
                return [
                    _issue(
                        "field.required",
                        f,
                        Text(f"{label.id} wajib diisi.", f"{label.en} is required."),
                    )
                ]
            return []
        if f.type in (FieldType.INTEGER, FieldType.DECIMAL):
            assert isinstance(value, int | Decimal)
            low = f.min if f.min is not None or f.type is FieldType.DECIMAL else Decimal(0)
            if low is not None and value < low:
                return [
                    _issue(
                        "field.min",
                        f,
                        Text(
                            f"{label.id} tidak boleh kurang dari {format_number(low, 'id')}.",
                            f"{label.en} must not be less than {format_number(low, 'en')}.",
                        ),
                    )
                ]
            if f.max is not None and value > f.max:
                return [
                    _issue(
                        "field.max",
                        f,
                        Text(
                            f"{label.id} tidak boleh lebih dari {format_number(f.max, 'id')}.",
                            f"{label.en} must not be more than {format_number(f.max, 'en')}.",
                        ),
                    )
                ]
        elif f.type is FieldType.CHOICE and value not in {c.code for c in f.choices}:
            return [
                _issue(
                    "field.choice",
                    f,
                    Text(
                        f"{label.id}: pilihan {value!r} tidak dikenal.",
                        f"{label.en}: unknown choice {value!r}.",
                    ),
                )
            ]
        elif f.type is FieldType.TEXT and isinstance(value, str) and len(value) > TEXT_MAX_LENGTH:
            return [
                _issue(
                    "field.length",
                    f,
                    Text(
                        f"{label.id}: teks terlalu panjang (paling banyak {TEXT_MAX_LENGTH} "
                        "karakter).",
                        f"{label.en}: the text is too long (at most {TEXT_MAX_LENGTH} characters).",
                    ),
                )
            ]
        return []

    def _rule_issue(
        self, rule: Rule, values: Mapping[str, Value], previous: Mapping[str, Value] | None
    ) -> Issue:
        def text(lang: str) -> str:
            def value_of(name: str) -> str:
                code, from_prev = split_prev(name)
                f = self._fields.get(code)
                if f is None:  # refused at load; only reachable for forms built in code
                    return "{" + name + "}"
                source = previous if from_prev else values
                value = None if source is None else source.get(code)
                return _EMPTY.get(lang) if value is None else format_value(f, value, lang)

            return fill(rule.message.get(lang), value_of)

        return Issue(rule.id, rule.severity, rule.fields, Text(text("id"), text("en")))

    def _outlier_issues(
        self, rule: Rule, values: Mapping[str, Value], history: Mapping[str, Sequence[Value]]
    ) -> list[Issue]:
        issues = []
        for code in rule.fields:
            f = self._fields[code]
            value = values.get(code)
            past = history.get(code)
            if value is None or not past:
                continue
            known = []
            for h in list(past)[-rule.window :]:
                check_value_type(f, h)
                if h is not None:
                    assert isinstance(h, int | Decimal)
                    known.append(h)
            bounds = outlier_bounds(known)
            if bounds is None:
                continue
            low, high = bounds
            assert isinstance(value, int | Decimal)
            if low <= value <= high:
                continue
            issues.append(
                Issue(rule.id, rule.severity, (code,), _outlier_text(rule, f, value, low, high))
            )
        return issues


def _outlier_text(rule: Rule, f: Field, value: int | Decimal, low: Decimal, high: Decimal) -> Text:
    def text(lang: str) -> str:
        parts = {
            "label": f.label.get(lang),
            "value": format_number(value, lang),
            "low": format_number(low, lang),
            "high": format_number(high, lang),
            "days": str(rule.window),
        }
        return fill(rule.message.get(lang), lambda name: parts.get(name, "{" + name + "}"))

    return Text(text("id"), text("en"))


def _issue(rule_id: str, f: Field, message: Text) -> Issue:
    return Issue(rule_id, Severity.ERROR, (f.code,), message)
