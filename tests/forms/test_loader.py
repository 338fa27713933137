"""Loading valid definitions: what the file says is what the FormDefinition holds."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from forms.loader import load_form, load_form_text
from forms.model import FieldType, Severity, Text
from tests.forms.samples import BASE, base_form, with_rules


def test_base_form_loads_exactly() -> None:
    form = base_form()
    assert form.id == "contoh"
    assert form.version == 1
    assert form.title == Text("Formulir contoh", "Sample form")
    assert form.period == "daily"  # the default
    assert form.org_unit_level == "puskesmas"
    assert [s.code for s in form.sections] == ["kasus", "lain"]
    assert [f.code for f in form.fields] == [
        "isolasi_total",
        "isolasi_terisi",
        "kumulatif",
        "suhu",
        "padam",
        "status",
        "catatan",
    ]
    total = form.field("isolasi_total")
    assert total.type is FieldType.INTEGER
    assert total.max == Decimal(100) and total.min is None
    assert total.stock and not total.required and not total.cumulative
    assert form.field("isolasi_terisi").required
    suhu = form.field("suhu")
    assert suhu.min == Decimal(-10)
    assert suhu.max == Decimal("45.5")  # exact, never through a float
    status = form.field("status")
    assert [c.code for c in status.choices] == ["buka", "tutup"]
    assert status.choices[1].label == Text("Tutup", "Closed")
    assert form.source == "contoh.yaml"
    assert form.source_text == BASE


def test_expression_rule_defaults() -> None:
    rule = base_form().rules[0]
    assert rule.id == "terisi-maks"
    assert rule.kind == "expr"
    assert rule.severity is Severity.ERROR  # the default for expression rules
    assert rule.fields == ("isolasi_terisi", "isolasi_total")  # the fields the expr names
    assert rule.expr == "isolasi_terisi <= isolasi_total"
    assert rule.when is None


def test_cumulative_field_gets_a_generated_never_falls_rule() -> None:
    rules = {r.id: r for r in base_form().rules}
    auto = rules["auto.cumulative.kumulatif"]
    assert auto.severity is Severity.ERROR
    assert auto.fields == ("kumulatif",)
    assert auto.expr == "kumulatif >= prev(kumulatif)"
    assert "Kumulatif tidak boleh turun" in auto.message.id
    assert "Running total cannot fall" in auto.message.en


def test_prev_only_rule_attaches_to_today_fields_and_explicit_fields_win() -> None:
    form = load_form_text(
        with_rules(
            "  - id: sambung\n"
            "    severity: warning\n"
            "    expr: isolasi_total == prev(isolasi_total)\n"
            "    message: {id: 'Berubah dari {prev(isolasi_total)}', en: 'Changed'}\n"
            "  - id: ditempel\n"
            "    expr: isolasi_terisi <= isolasi_total\n"
            "    fields: [isolasi_terisi]\n"
            "    when: not padam\n"
            "    message: {id: 'a {{b}}', en: 'a'}\n"
        )
    )
    rules = {r.id: r for r in form.rules}
    assert rules["sambung"].fields == ("isolasi_total",)
    assert rules["sambung"].severity is Severity.WARNING
    assert rules["ditempel"].fields == ("isolasi_terisi",)
    assert rules["ditempel"].when == "not padam"


def test_outlier_rule_defaults_and_all_integer() -> None:
    form = load_form_text(with_rules("  - id: aneh\n    kind: outlier\n    fields: all_integer\n"))
    rule = {r.id: r for r in form.rules}["aneh"]
    assert rule.kind == "outlier"
    assert rule.severity is Severity.WARNING
    assert rule.window == 28
    # every integer field except running totals (which always grow)
    assert rule.fields == ("isolasi_total", "isolasi_terisi")
    assert "{value}" in rule.message.id and "{value}" in rule.message.en


def test_yaml_1_1_words_stay_text() -> None:
    # "No", "yes", "off" are text (YAML 1.2), so an English label "No" is not a boolean.
    text = BASE.replace("{id: Tutup, en: Closed}", "{id: Tidak, en: No}").replace(
        "{id: Buka, en: Open}", "{id: Ya, en: yes}"
    )
    status = load_form_text(text).field("status")
    assert [c.label.en for c in status.choices] == ["yes", "No"]


def test_block_and_flow_text_styles_are_the_same_mapping() -> None:
    text = BASE.replace(
        "        label: {id: Catatan, en: Notes}\n",
        "        label:\n          id: Catatan\n          en: Notes\n"
        "        help:\n          id: >-\n"
        "            Hal penting lain,\n            misalnya genset.\n"
        "          en: Anything else, e.g. the generator.\n",
    )
    f = load_form_text(text).field("catatan")
    assert f.label == Text("Catatan", "Notes")
    assert f.help == Text(
        "Hal penting lain, misalnya genset.", "Anything else, e.g. the generator."
    )


def test_load_form_reads_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "contoh.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.replace("\n", "\r\n").encode("utf-8"))
    form = load_form(path)
    assert form.source == str(path)
    assert form.fields == base_form().fields
    assert form.source_text.startswith("id: contoh")


def test_load_form_accepts_str_paths(tmp_path: Path) -> None:
    path = tmp_path / "contoh.yaml"
    path.write_text(BASE, encoding="utf-8")
    assert load_form(str(path)).source == str(path)
    assert load_form(str(path)).source_text == BASE


def test_integer_limits_written_as_decimals_are_accepted_when_whole() -> None:
    form = load_form_text(BASE.replace("        max: 100\n", "        max: 100.0\n"))
    assert form.field("isolasi_total").max == Decimal(100)


@pytest.mark.parametrize("level", ["provinsi", "kabupaten", "kecamatan", "desa", "rumah_sakit"])
def test_other_org_unit_levels(level: str) -> None:
    form = load_form_text(BASE.replace("org_unit_level: puskesmas", f"org_unit_level: {level}"))
    assert form.org_unit_level == level


def test_stock_from_names_the_copied_field() -> None:
    text = BASE.replace(
        "        stock: true\n", "        stock: true\n        stock_from: isolasi_terisi\n"
    )
    assert load_form_text(text).field("isolasi_total").stock_from == "isolasi_terisi"
    assert base_form().field("isolasi_total").stock_from is None
