"""Validation of a facility-day: field checks, expression rules, continuity, outliers, order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from forms.loader import load_form_text
from forms.model import (
    Field,
    FieldType,
    FormDefinition,
    Issue,
    Rule,
    Section,
    Severity,
    Text,
    Value,
)
from forms.validate import FormValidator, validate, validator_for
from tests.forms.samples import base_form, with_rules


def by_rule(issues: list[Issue]) -> dict[str, Issue]:
    return {i.rule_id: i for i in issues}


def test_a_clean_day_has_no_issues() -> None:
    values: dict[str, Value] = {
        "isolasi_total": 10,
        "isolasi_terisi": 4,
        "kumulatif": 12,
        "suhu": Decimal("27.5"),
        "padam": False,
        "status": "buka",
        "catatan": "",
    }
    assert validate(base_form(), values, {"kumulatif": 12}, complete=True) == []


def test_required_only_when_marking_complete() -> None:
    form = base_form()
    assert validate(form, {}) == []  # a draft is not nagged about blanks
    issues = validate(form, {}, complete=True)
    assert [(i.rule_id, i.fields) for i in issues] == [("field.required", ("isolasi_terisi",))]
    assert issues[0].severity is Severity.ERROR
    assert issues[0].message == Text(
        "Isolasi terisi wajib diisi.", "Isolation occupied is required."
    )


def test_max_message_formats_the_limit_per_language() -> None:
    text = with_rules("").replace("        max: 100\n", "        max: 1500\n")
    issue = by_rule(validate(load_form_text(text), {"isolasi_total": 2000}))["field.max"]
    assert issue.fields == ("isolasi_total",)
    assert issue.message.id == "Tempat isolasi tidak boleh lebih dari 1.500."
    assert issue.message.en == "Isolation beds must not be more than 1,500."


def test_decimal_limits() -> None:
    form = base_form()
    high = by_rule(validate(form, {"suhu": Decimal("45.6")}))["field.max"]
    assert "45,5" in high.message.id and "45.5" in high.message.en
    low = by_rule(validate(form, {"suhu": Decimal("-10.5")}))["field.min"]
    assert "-10" in low.message.id
    assert validate(form, {"suhu": Decimal("45.5")}) == []
    assert validate(form, {"suhu": Decimal("-10")}) == []


def test_negative_integer_is_below_zero() -> None:
    # parse_input refuses "-3"; a negative arriving another way (sync, import) is still caught
    issue = by_rule(validate(base_form(), {"kumulatif": -3}))["field.min"]
    assert "tidak boleh kurang dari 0" in issue.message.id


def test_unknown_choice_and_overlong_text() -> None:
    issues = by_rule(validate(base_form(), {"status": "rusak", "catatan": "x" * 501}))
    assert "'rusak' tidak dikenal" in issues["field.choice"].message.id
    assert issues["field.length"].fields == ("catatan",)


def test_expression_rule_message_is_filled_per_language() -> None:
    text = with_rules("").replace("        max: 100\n", "        max: 10000\n")
    form = load_form_text(text)
    issue = by_rule(validate(form, {"isolasi_total": 1000, "isolasi_terisi": 1234}))["terisi-maks"]
    assert issue.severity is Severity.ERROR
    assert issue.fields == ("isolasi_terisi", "isolasi_total")
    assert issue.message == Text("Terisi 1.234 melebihi 1.000.", "Occupied 1,234 exceeds 1,000.")


def test_missing_values_are_not_judged_by_rules() -> None:
    assert validate(base_form(), {"isolasi_terisi": 50}) == []


def test_when_condition_gates_the_rule() -> None:
    form = load_form_text(
        with_rules(
            "  - id: padam-catat\n"
            "    severity: warning\n"
            "    when: padam\n"
            "    expr: not is_empty(catatan)\n"
            "    message: {id: 'Tulis catatan', en: 'Write a note'}\n"
        )
    )
    assert "padam-catat" in by_rule(validate(form, {"padam": True}))
    assert validate(form, {"padam": True, "catatan": "genset"}) == []
    assert validate(form, {"padam": False}) == []
    assert validate(form, {}) == []  # unknown condition: not judged


def test_prev_rules_need_a_previous_day() -> None:
    form = base_form()
    today: dict[str, Value] = {"kumulatif": 10}
    assert validate(form, today) == []  # previous unknown: continuity not judged
    assert validate(form, today, {}) == []  # previous day without the figure
    assert validate(form, today, {"kumulatif": 10}) == []
    issue = by_rule(validate(form, today, {"kumulatif": 12}))["auto.cumulative.kumulatif"]
    assert issue.severity is Severity.ERROR
    assert issue.fields == ("kumulatif",)
    assert "hari ini 10, kemarin 12" in issue.message.id
    assert "today 10, yesterday 12" in issue.message.en


def test_prev_placeholder_shows_yesterdays_value_and_empty_values_say_so() -> None:
    form = load_form_text(
        with_rules(
            "  - id: sambung\n"
            "    severity: warning\n"
            "    expr: isolasi_total == prev(isolasi_total)\n"
            "    message:\n"
            "      id: 'Hari ini {isolasi_total}, kemarin {prev(isolasi_total)}, {padam} {{x}}'\n"
            "      en: 'Today {isolasi_total}, yesterday {prev(isolasi_total)}, {padam}'\n"
        )
    )
    issue = by_rule(validate(form, {"isolasi_total": 8}, {"isolasi_total": 9}))["sambung"]
    assert issue.severity is Severity.WARNING
    assert issue.message.id == "Hari ini 8, kemarin 9, (kosong) {x}"
    assert issue.message.en == "Today 8, yesterday 9, (empty)"


def test_errors_first_then_form_order() -> None:
    form = load_form_text(
        with_rules(
            "  - id: status-tutup\n"
            "    severity: warning\n"
            "    expr: status != 'tutup'\n"
            "    message: {id: 'Tutup?', en: 'Closed?'}\n"
            "  - id: catatan-wajib\n"
            "    expr: not is_empty(catatan)\n"
            "    message: {id: 'Catatan', en: 'Notes'}\n"
        )
    )
    values: dict[str, Value] = {"status": "tutup", "isolasi_total": 1, "isolasi_terisi": 5}
    issues = validate(form, values, complete=True)
    assert [(i.severity.value, i.rule_id) for i in issues] == [
        ("error", "terisi-maks"),
        ("error", "catatan-wajib"),
        ("warning", "status-tutup"),
    ]


def _outlier_form() -> FormDefinition:
    return load_form_text(
        with_rules(
            "  - id: aneh\n    kind: outlier\n    fields: [isolasi_terisi]\n    window: 14\n"
        )
    )


def test_outlier_warning_with_its_bounds() -> None:
    history: list[Value] = [0] * 14
    issues = validate(_outlier_form(), {"isolasi_terisi": 40}, history={"isolasi_terisi": history})
    issue = by_rule(issues)["aneh"]
    assert issue.severity is Severity.WARNING
    assert issue.fields == ("isolasi_terisi",)
    assert issue.message.id.startswith("Isolasi terisi: 40 tidak biasa dibanding 14 hari terakhir")
    assert "(biasanya 0–5)" in issue.message.id
    assert "(usually 0–5)" in issue.message.en
    assert (
        validate(_outlier_form(), {"isolasi_terisi": 3}, history={"isolasi_terisi": history}) == []
    )


def test_outlier_looks_only_at_its_window_and_ignores_missing_days() -> None:
    form = _outlier_form()
    # 30 days of ~100 long ago, then the last 14 days at zero: the window is the last 14
    old_then_quiet: list[Value] = [100] * 30 + [0] * 14
    assert "aneh" in by_rule(
        validate(form, {"isolasi_terisi": 40}, history={"isolasi_terisi": old_then_quiet})
    )
    # too few known days inside the window: nothing said
    sparse: list[Value] = [None] * 8 + [0] * 6
    assert validate(form, {"isolasi_terisi": 40}, history={"isolasi_terisi": sparse}) == []
    assert validate(form, {"isolasi_terisi": 40}) == []  # no history at all


def test_wrongly_typed_values_are_bugs() -> None:
    form = base_form()
    with pytest.raises(TypeError):
        validate(form, {"isolasi_total": "10"})
    with pytest.raises(TypeError):
        validate(form, {"padam": 1})
    with pytest.raises(TypeError):
        validate(form, {}, previous={"kumulatif": Decimal("1.5")})
    with pytest.raises(TypeError):
        validate(_outlier_form(), {"isolasi_terisi": 1}, history={"isolasi_terisi": [True] * 14})


def test_unknown_codes_in_values_are_ignored() -> None:
    # values of a field removed in a newer form version must not crash validation
    assert validate(base_form(), {"kolom_lama": "x"}) == []


def test_validator_is_cached_per_form_and_reusable() -> None:
    form = base_form()
    assert validator_for(form) is validator_for(form)
    v = FormValidator(form)
    assert v.validate({"isolasi_total": 1, "isolasi_terisi": 2})[0].rule_id == "terisi-maks"


def test_forms_built_in_code_validate_too() -> None:
    t = Text("Stok", "Stock")
    form = FormDefinition(
        id="kode",
        version=1,
        title=t,
        period="daily",
        org_unit_level="puskesmas",
        sections=(
            Section(
                "s",
                t,
                (
                    Field("awal", t, FieldType.INTEGER),
                    Field("akhir", Text("Akhir", "End"), FieldType.INTEGER),
                ),
            ),
        ),
        rules=(
            Rule(
                "awal-akhir",
                "expr",
                Severity.WARNING,
                Text("{awal} ≠ {prev(akhir)}", "x"),
                ("awal",),
                expr="awal == prev(akhir)",
            ),
        ),
    )
    issues = validate(form, {"awal": 3}, {"akhir": 4})
    assert [(i.rule_id, i.message.id) for i in issues] == [("awal-akhir", "3 ≠ 4")]
