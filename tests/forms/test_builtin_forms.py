"""The shipped forms: complete, bilingual, internally consistent, and their rules do their job."""

from __future__ import annotations

from decimal import Decimal

import pytest

from forms.expr import compile_expr
from forms.loader import DEFINITIONS_DIR, builtin_forms
from forms.messages import placeholders, split_prev
from forms.model import FieldType, FormDefinition, Severity, Text, Value
from forms.validate import validate


def form(form_id: str) -> FormDefinition:
    return next(f for f in builtin_forms() if f.id == form_id)


def test_two_forms_sorted_by_id_with_35_to_45_fields() -> None:
    forms = builtin_forms()
    assert [f.id for f in forms] == ["covid19-harian", "sumber-daya-harian"]
    total = sum(len(f.fields) for f in forms)
    assert 35 <= total <= 45, total
    assert builtin_forms() is not builtin_forms()  # a fresh list each call …
    assert builtin_forms()[0] is builtin_forms()[0]  # … of forms loaded once


def test_source_and_text_are_the_files() -> None:
    for f in builtin_forms():
        path = DEFINITIONS_DIR / f"{f.id}.yaml"
        assert f.source == str(path)
        assert f.source_text == path.read_text(encoding="utf-8")


def _texts(f: FormDefinition) -> list[tuple[str, Text]]:
    out = [("title", f.title)]
    for s in f.sections:
        out.append((f"sections.{s.code}.title", s.title))
        for fld in s.fields:
            out.append((f"fields.{fld.code}.label", fld.label))
            out += [(f"fields.{fld.code}.help", fld.help)] if fld.help else []
            out += [(f"fields.{fld.code}.unit", fld.unit)] if fld.unit else []
            out += [(f"fields.{fld.code}.choices", c.label) for c in fld.choices]
    out += [(f"rules.{r.id}.message", r.message) for r in f.rules]
    return out


@pytest.mark.parametrize("form_id", ["covid19-harian", "sumber-daya-harian"])
def test_every_text_in_both_languages(form_id: str) -> None:
    for where, text in _texts(form(form_id)):
        assert text.id.strip() and text.en.strip(), where


@pytest.mark.parametrize("form_id", ["covid19-harian", "sumber-daya-harian"])
def test_every_rule_references_existing_fields(form_id: str) -> None:
    f = form(form_id)
    codes = {fld.code for fld in f.fields}
    for rule in f.rules:
        assert rule.fields and set(rule.fields) <= codes, rule.id
        for text in (rule.expr, rule.when):
            if text:
                expr = compile_expr(text, f.fields)
                assert set(expr.fields) | set(expr.prev_fields) <= codes
        if rule.kind == "expr":
            for lang in ("id", "en"):
                for name in placeholders(rule.message.get(lang)):
                    assert split_prev(name)[0] in codes, (rule.id, name)
    for fld in f.fields:
        if fld.stock_from:
            assert fld.stock_from in codes


@pytest.mark.parametrize("form_id", ["covid19-harian", "sumber-daya-harian"])
def test_sections_fit_a_small_screen(form_id: str) -> None:
    # 1366x768: a section of at most 8 fields fits without scrolling inside the section
    for s in form(form_id).sections:
        assert 1 <= len(s.fields) <= 8, s.code


def test_each_form_has_stock_fields_and_an_outlier_rule() -> None:
    for f in builtin_forms():
        assert any(fld.stock for fld in f.fields), f.id
        assert any(r.kind == "outlier" for r in f.rules), f.id


def _clean_covid_day() -> dict[str, Value]:
    return {
        "suspek_baru": 3,
        "probable_baru": 1,
        "konfirmasi_baru": 2,
        "konfirmasi_bergejala": 1,
        "konfirmasi_kumulatif": 42,
        "sembuh": 1,
        "sembuh_kumulatif": 30,
        "meninggal": 0,
        "meninggal_kumulatif": 2,
        "isolasi_mandiri": 8,
        "dirujuk_rs": 0,
        "kontak_erat_dilacak": 12,
        "kontak_erat_karantina": 10,
        "tes_antigen": 25,
        "tes_antigen_positif": 2,
        "pcr_spesimen_dikirim": 4,
        "pcr_hasil_diterima": 3,
        "pcr_positif": 1,
        "vaksin_dosis_1": 20,
        "vaksin_dosis_2": 15,
        "vaksin_booster": 5,
        "kipi_dilaporkan": 1,
        "kipi_serius": 0,
    }


def _covid_yesterday() -> dict[str, Value]:
    return {"konfirmasi_kumulatif": 40, "sembuh_kumulatif": 29, "meninggal_kumulatif": 2}


def test_covid_clean_day_passes_completely() -> None:
    day = _clean_covid_day()
    assert set(day) == {fld.code for fld in form("covid19-harian").fields}
    history = {code: [v] * 28 for code, v in day.items()}
    assert validate(form("covid19-harian"), day, _covid_yesterday(), history, complete=True) == []


@pytest.mark.parametrize(
    ("change", "rule_id", "severity"),
    [
        ({"tes_antigen_positif": 30}, "antigen-positif-maks", Severity.ERROR),
        ({"pcr_positif": 4}, "pcr-positif-maks", Severity.ERROR),
        ({"konfirmasi_bergejala": 3}, "bergejala-maks", Severity.ERROR),
        ({"kipi_serius": 2}, "kipi-serius-maks", Severity.ERROR),
        ({"sembuh_kumulatif": 41}, "hasil-akhir-maks", Severity.ERROR),
        (
            {"konfirmasi_kumulatif": 39, "konfirmasi_baru": 0},
            "auto.cumulative.konfirmasi_kumulatif",
            Severity.ERROR,
        ),
        ({"konfirmasi_kumulatif": 45}, "konfirmasi-kumulatif-sambung", Severity.WARNING),
        ({"sembuh_kumulatif": 31, "sembuh": 1}, "sembuh-kumulatif-sambung", Severity.WARNING),
        (
            {"kontak_erat_dilacak": 0, "kontak_erat_karantina": 0},
            "kontak-erat-dilacak",
            Severity.WARNING,
        ),
        ({"kontak_erat_karantina": 13}, "karantina-maks", Severity.WARNING),
    ],
)
def test_covid_rules_catch_their_mistake(
    change: dict[str, Value], rule_id: str, severity: Severity
) -> None:
    day = _clean_covid_day() | change
    issues = {i.rule_id: i for i in validate(form("covid19-harian"), day, _covid_yesterday())}
    assert rule_id in issues, sorted(issues)
    assert issues[rule_id].severity is severity


def test_covid_outlier_on_a_typo() -> None:
    day = _clean_covid_day() | {"suspek_baru": 300}  # 3 typed with two extra zeros
    history: dict[str, list[Value]] = {"suspek_baru": [3, 2, 4, 3, 1, 5, 3, 2, 3, 4] * 3}
    issues = validate(form("covid19-harian"), day, _covid_yesterday(), history)
    assert [(i.rule_id, i.fields) for i in issues] == [("angka-tidak-biasa", ("suspek_baru",))]


def _clean_resource_day() -> dict[str, Value]:
    return {
        "tt_isolasi_total": 10,
        "tt_isolasi_terisi": 6,
        "tt_icu_total": 0,
        "tt_icu_terisi": 0,
        "oksigen_stok_awal": 12,
        "oksigen_diterima": 5,
        "oksigen_terpakai": 4,
        "oksigen_stok_akhir": 13,
        "konsentrator_oksigen": 2,
        "ventilator_tersedia": 0,
        "ventilator_dipakai": 0,
        "oksimeter_berfungsi": 6,
        "stok_apd_hari": 30,
        "nakes_bertugas": 24,
        "nakes_terpapar": 0,
        "nakes_isolasi": 1,
        "status_layanan": "normal",
        "listrik_padam": True,
        "lama_padam_jam": Decimal("2.5"),
        "catatan": "Genset menyala 2,5 jam.",
    }


def test_resources_clean_day_passes_completely() -> None:
    day = _clean_resource_day()
    assert set(day) == {fld.code for fld in form("sumber-daya-harian").fields}
    yesterday: dict[str, Value] = {"oksigen_stok_akhir": 12}
    assert validate(form("sumber-daya-harian"), day, yesterday, complete=True) == []


@pytest.mark.parametrize(
    ("change", "rule_id", "severity", "field"),
    [
        ({"tt_isolasi_terisi": 11}, "isolasi-terisi-maks", Severity.ERROR, "tt_isolasi_terisi"),
        ({"tt_icu_terisi": 1}, "icu-terisi-maks", Severity.ERROR, "tt_icu_terisi"),
        ({"oksigen_stok_akhir": 14}, "oksigen-neraca", Severity.ERROR, "oksigen_stok_akhir"),
        (
            {"oksigen_terpakai": 18, "oksigen_stok_akhir": -1},
            "oksigen-terpakai-maks",
            Severity.ERROR,
            "oksigen_terpakai",
        ),
        (
            {"oksigen_stok_awal": 11, "oksigen_stok_akhir": 12},
            "oksigen-awal-sama-kemarin",
            Severity.WARNING,
            "oksigen_stok_awal",
        ),
        (
            {"ventilator_dipakai": 1},
            "ventilator-dipakai-maks",
            Severity.ERROR,
            "ventilator_dipakai",
        ),
        ({"nakes_terpapar": 2}, "nakes-isolasi-maks", Severity.WARNING, "nakes_terpapar"),
        ({"lama_padam_jam": None}, "lama-padam-diisi", Severity.WARNING, "lama_padam_jam"),
        ({"listrik_padam": False}, "lama-padam-tanpa-padam", Severity.ERROR, "lama_padam_jam"),
        ({"lama_padam_jam": Decimal(25)}, "field.max", Severity.ERROR, "lama_padam_jam"),
        ({"status_layanan": "libur"}, "field.choice", Severity.ERROR, "status_layanan"),
    ],
)
def test_resource_rules_catch_their_mistake(
    change: dict[str, Value], rule_id: str, severity: Severity, field: str
) -> None:
    day = _clean_resource_day() | change
    issues = validate(form("sumber-daya-harian"), day, {"oksigen_stok_akhir": 12})
    found = [i for i in issues if i.rule_id == rule_id]
    assert found, sorted(i.rule_id for i in issues)
    assert found[0].severity is severity
    assert field in found[0].fields


def test_oxygen_balance_message_reads_naturally() -> None:
    day = _clean_resource_day() | {"oksigen_stok_akhir": 1400, "oksigen_stok_awal": 1200}
    f = form("sumber-daya-harian")
    issue = next(i for i in validate(f, day) if i.rule_id == "oksigen-neraca")
    assert issue.message.id == (
        "Stok akhir oksigen 1.400 tidak cocok: stok awal 1.200 + diterima 5 − terpakai 4."
    )
    assert issue.message.en.startswith("End-of-day oxygen stock 1,400 does not add up")


def test_opening_oxygen_copies_yesterdays_closing_stock() -> None:
    opening = form("sumber-daya-harian").field("oksigen_stok_awal")
    assert opening.stock and opening.stock_from == "oksigen_stok_akhir"
    assert opening.type is FieldType.INTEGER
