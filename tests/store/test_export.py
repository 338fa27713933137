"""Export: the CSV and XLSX files read back with csv/openpyxl hold the stored values, dates and
numbers as numbers; writing is atomic and an unwritable path gives a clear error."""

from __future__ import annotations

import csv
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from forms.model import FormDefinition
from sync.export import export_csv, export_xlsx
from sync.store import Store, StoreError

from .conftest import FACILITY, OTHER_FACILITY, Clock

D1, D2, D3 = date(2021, 7, 1), date(2021, 7, 2), date(2021, 7, 3)


@pytest.fixture
def filled(store: Store, form: FormDefinition, clock: Clock) -> Store:
    store.save_day(
        FACILITY,
        form,
        D1,
        {
            "kasus_baru": 1234,
            "suhu": Decimal("4.25"),
            "listrik": True,
            "kondisi": "rusak",
            "catatan": "=SUM(A1:A2) genset\x01 mati",
        },
        author="Ani",
        complete=True,
    )
    clock.advance(hours=1)
    store.save_day(FACILITY, form, D2, {"kasus_baru": 0, "sembuh": 7}, author="Ani")
    store.save_day(FACILITY, form, D2, {"sembuh": None}, author="Ani")
    store.save_day(FACILITY, form, D3, {}, author="Ani", complete=True)  # complete, no values
    store.save_day(OTHER_FACILITY, form, D1, {"kasus_baru": 99}, author="Budi")
    return store


def test_csv_long_format_with_bom(filled: Store, form: FormDefinition, tmp_path: Path) -> None:
    out = tmp_path / "ekspor.csv"
    assert export_csv(filled, FACILITY, [form], out) == 7
    raw_bytes = out.read_bytes()
    assert raw_bytes.startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "tanggal",
        "kode_form",
        "kode_indikator",
        "nama_indikator",
        "nilai",
        "status",
        "diubah_utc",
    ]
    got = [(r["tanggal"], r["kode_indikator"], r["nilai"], r["status"]) for r in rows]
    assert got == [
        ("2021-07-01", "kasus_baru", "1234", "lengkap"),
        ("2021-07-01", "suhu", "4.25", "lengkap"),
        ("2021-07-01", "listrik", "1", "lengkap"),
        ("2021-07-01", "kondisi", "rusak", "lengkap"),
        ("2021-07-01", "catatan", "=SUM(A1:A2) genset\x01 mati", "lengkap"),
        ("2021-07-02", "kasus_baru", "0", "draf"),
        ("2021-07-02", "sembuh", "", "draf"),
    ]
    assert {r["kode_form"] for r in rows} == {form.id}
    assert rows[0]["nama_indikator"] == "Kasus baru"
    assert rows[0]["diubah_utc"] == "2021-07-01T08:00:00Z"
    assert rows[5]["diubah_utc"] == "2021-07-01T09:00:00Z"


def test_csv_in_english(filled: Store, form: FormDefinition, tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    export_csv(filled, FACILITY, [form], out, lang="en")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["indicator_name"] == "New cases"
    assert rows[0]["status"] == "complete"
    assert rows[-1]["status"] == "draft"


def test_xlsx_sheet_per_form_numbers_as_numbers(
    filled: Store, form: FormDefinition, tmp_path: Path
) -> None:
    out = tmp_path / "ekspor.xlsx"
    assert export_xlsx(filled, FACILITY, [form], out, app_version="1.2.3") == 3
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Info", "Laporan Uji"]
    sheet = book["Laporan Uji"]
    header = [c.value for c in sheet[1]]
    assert header == [
        "Tanggal",
        "Status",
        "Kasus baru (kasus_baru)",
        "Sembuh (sembuh)",
        "Suhu kulkas (suhu)",
        "Listrik menyala (listrik)",
        "Kondisi ambulans (kondisi)",
        "Catatan (catatan)",
    ]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == [
        [
            datetime(2021, 7, 1),
            "lengkap",
            1234,
            None,
            4.25,
            "Ya",
            "Rusak",
            "=SUM(A1:A2) genset mati",
        ],
        [datetime(2021, 7, 2), "draf", 0, None, None, None, None, None],
        [datetime(2021, 7, 3), "lengkap", None, None, None, None, None, None],
    ]
    first = sheet[2]
    assert first[0].is_date and first[0].number_format == "DD/MM/YYYY"
    assert first[2].data_type == "n" and first[2].number_format == "#,##0"
    assert first[4].data_type == "n"
    assert first[7].data_type == "s"  # the note is text, not a formula
    assert sheet.freeze_panes == "C2"
    assert sheet.column_dimensions["C"].width >= 12

    info = {r[0].value: r[1].value for r in book["Info"].iter_rows()}
    assert info["Fasilitas"] == "Puskesmas Sangatta Utara"
    assert info["Kode fasilitas"] == FACILITY
    assert info["Versi Kabar"] == "1.2.3"
    assert info["Diekspor pada (UTC)"] == datetime(2021, 7, 1, 9, 0)
    assert "harian-uji" in info["Formulir"]


def test_xlsx_in_english_and_two_forms_with_the_same_title(
    filled: Store, form: FormDefinition, tmp_path: Path
) -> None:
    from dataclasses import replace

    twin = replace(form, id="kembar")
    out = tmp_path / "export.xlsx"
    export_xlsx(filled, FACILITY, [form, twin], out, lang="en")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Info", "Test report", "Test report (2)"]
    assert book["Test report"]["A1"].value == "Date"
    assert book["Test report"]["F2"].value == "Yes"
    assert book["Test report (2)"].max_row == 1  # nothing saved for the twin


def test_export_replaces_an_old_file_atomically(
    filled: Store, form: FormDefinition, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "ekspor.csv"
    out.write_text("versi lama", encoding="utf-8")

    def power_cut(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", power_cut)
    with pytest.raises(StoreError) as caught:
        export_csv(filled, FACILITY, [form], out)
    assert "tidak dapat ditulis" in caught.value.message.id
    assert out.read_text(encoding="utf-8") == "versi lama"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "ekspor.csv"]  # no temp left


def test_unwritable_path_gives_a_clear_error(
    filled: Store, form: FormDefinition, tmp_path: Path
) -> None:
    with pytest.raises(StoreError) as caught:
        export_xlsx(filled, FACILITY, [form], tmp_path / "tidak-ada" / "ekspor.xlsx")
    assert "tidak-ada" in caught.value.message.id
    assert "Excel" in caught.value.message.en


def test_export_does_not_import_openpyxl_with_the_store() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    probe = "import sys, sync.store, sync.export; print('openpyxl' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_indicators_an_older_form_version_had_are_exported_too(
    store: Store, form: FormDefinition, tmp_path: Path
) -> None:
    from dataclasses import replace

    store.save_day(FACILITY, form, D1, {"kasus_baru": 1, "sembuh": 2}, author="Ani")
    first, second = form.sections
    without_sembuh = replace(first, fields=tuple(f for f in first.fields if f.code != "sembuh"))
    newer = replace(form, version=2, sections=(without_sembuh, second))
    out = tmp_path / "ekspor.csv"
    assert export_csv(store, FACILITY, [newer], out) == 2
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["kode_indikator"], r["nama_indikator"], r["nilai"]) for r in rows] == [
        ("kasus_baru", "Kasus baru", "1"),
        ("sembuh", "sembuh", "2"),
    ]
    book_path = tmp_path / "ekspor.xlsx"
    export_xlsx(store, FACILITY, [newer], book_path)
    sheet = openpyxl.load_workbook(book_path)["Laporan Uji"]
    header = [c.value for c in sheet[1]]
    assert header[-1] == "(sembuh)"
    assert sheet.cell(row=2, column=len(header)).value == "2"
