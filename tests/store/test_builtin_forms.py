"""The two shipped forms through the store: every field round-trips, and export keeps them."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from forms.loader import builtin_forms
from forms.model import Field, FieldType, FormDefinition, Value
from sync.export import export_csv, export_xlsx
from sync.store import Store

from .conftest import FACILITY

DAY = date(2021, 7, 1)


def sample(field: Field, n: int) -> Value:
    if field.type is FieldType.INTEGER:
        return 1000 + n
    if field.type is FieldType.DECIMAL:
        return Decimal(n) + Decimal("0.25")
    if field.type is FieldType.YESNO:
        return n % 2 == 0
    if field.type is FieldType.CHOICE:
        return field.choices[n % len(field.choices)].code
    return f"catatan {n}"


@pytest.fixture(scope="module")
def forms() -> tuple[FormDefinition, ...]:
    return tuple(builtin_forms())


def test_every_field_of_the_shipped_forms_round_trips(
    store: Store, forms: tuple[FormDefinition, ...], tmp_path: Path
) -> None:
    assert {f.id for f in forms} == {"covid19-harian", "sumber-daya-harian"}
    expected: dict[str, dict[str, Value]] = {}
    for form in forms:
        store.register_form(form)
        values = {f.code: sample(f, n) for n, f in enumerate(form.fields)}
        result = store.save_day(FACILITY, form, DAY, values, author="Ani", complete=True)
        assert result.changed == tuple(f.code for f in form.fields)
        assert store.load_day(FACILITY, form, DAY).values == values
        expected[form.id] = values
    statuses = store.day_statuses(FACILITY, [f.id for f in forms], DAY, DAY)
    assert statuses == {DAY: "lengkap"}

    out = tmp_path / "ekspor.csv"
    assert export_csv(store, FACILITY, forms, out) == sum(len(f.fields) for f in forms)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["kode_form"], r["kode_indikator"]) for r in rows} == {
        (form.id, f.code) for form in forms for f in form.fields
    }

    book_path = tmp_path / "ekspor.xlsx"
    export_xlsx(store, FACILITY, forms, book_path)
    book = openpyxl.load_workbook(book_path)
    assert len(book.sheetnames) == 1 + len(forms)
    for form, name in zip(forms, book.sheetnames[1:], strict=True):
        sheet = book[name]
        numbers = [f for f in form.fields if f.type in (FieldType.INTEGER, FieldType.DECIMAL)]
        for column, field in enumerate(form.fields, start=3):
            cell = sheet.cell(row=2, column=column)
            if field in numbers:
                assert cell.data_type == "n"
                assert Decimal(str(cell.value)) == expected[form.id][field.code]
