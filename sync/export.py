"""A facility's data out of the replica: tidy CSV for analysis, XLSX (one sheet per form) for
people. Files are written atomically; a path that cannot be written gives a StoreError."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from forms.model import Field, FieldType, FormDefinition, Lang, Value
from forms.types import to_storage

from .store import Store, StoredCell, StoreError
from .store.errors import store_error

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

CSV_HEADER = {
    "id": (
        "tanggal",
        "kode_form",
        "kode_indikator",
        "nama_indikator",
        "nilai",
        "status",
        "diubah_utc",
    ),
    "en": (
        "date",
        "form_code",
        "indicator_code",
        "indicator_name",
        "value",
        "status",
        "updated_utc",
    ),
}
STATUS_WORD = {
    "id": {"draf": "draf", "lengkap": "lengkap"},
    "en": {"draf": "draft", "lengkap": "complete"},
}
#: Control characters XML 1.0 (so XLSX) cannot hold.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_ILLEGAL = re.compile(r"[\[\]:*?/\\]")


def export_csv(
    store: Store,
    org_unit: str,
    forms: Sequence[FormDefinition],
    path: Path,
    lang: Lang = "id",
) -> int:
    """One row per saved cell (long format), UTF-8 with BOM so Excel reads it; values in
    canonical form ("12", "12.5", "1"/"0", choice code). Returns the number of data rows."""
    rows: list[tuple[str, ...]] = []
    for form in forms:
        fields = {f.code: f for f in form.fields}
        for cell in store.stored_cells(org_unit, form):
            field = fields.get(cell.indicator)
            rows.append(
                (
                    cell.period.isoformat(),
                    form.id,
                    cell.indicator,
                    field.label.get(lang) if field else cell.indicator,
                    _canonical(field, cell.value),
                    STATUS_WORD[lang][cell.status],
                    cell.updated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                )
            )

    def write(handle: IO[bytes]) -> None:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(CSV_HEADER[lang])
        writer.writerows(rows)
        text.flush()
        text.detach()

    _write_atomically(path, write)
    return len(rows)


def export_xlsx(
    store: Store,
    org_unit: str,
    forms: Sequence[FormDefinition],
    path: Path,
    lang: Lang = "id",
    *,
    app_version: str | None = None,
) -> int:
    """One sheet per form (a row per date, a column per indicator, numbers as numbers, dates as
    dd/mm/yyyy date cells) and an "Info" sheet. Returns the number of date rows written."""
    # Imported here: openpyxl costs start-up time and is only needed when exporting.
    from openpyxl import Workbook

    workbook = Workbook()
    info = workbook.active
    assert info is not None
    info.title = "Info"
    titles: set[str] = {"info"}
    total = 0
    for form in forms:
        sheet = workbook.create_sheet(_sheet_title(form, lang, titles))
        total += _fill_form_sheet(sheet, store, org_unit, form, lang)
    _fill_info_sheet(info, store, org_unit, forms, lang, app_version or _app_version())

    def write(handle: IO[bytes]) -> None:
        workbook.save(handle)

    _write_atomically(path, write)
    return total


def _canonical(field: Field | None, value: Value) -> str:
    if value is None:
        return ""
    if field is None:
        return str(value)
    return to_storage(field.type, value) or ""


def _sheet_title(form: FormDefinition, lang: Lang, taken: set[str]) -> str:
    base = _SHEET_ILLEGAL.sub(" ", form.title.get(lang)).strip() or form.id
    base = base[:31]
    title, n = base, 2
    while title.casefold() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


def _fill_form_sheet(
    sheet: Worksheet, store: Store, org_unit: str, form: FormDefinition, lang: Lang
) -> int:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    fields = list(form.fields)
    known = {f.code for f in fields}
    cells = store.stored_cells(org_unit, form)
    extra = sorted({c.indicator for c in cells if c.indicator not in known})
    days = store.form_days(org_unit, form.id)
    by_day: dict[date, dict[str, StoredCell]] = {day: {} for day in days}
    for cell in cells:
        by_day.setdefault(cell.period, {})[cell.indicator] = cell

    date_word, status_word = ("Date", "Status") if lang == "en" else ("Tanggal", "Status")
    headers = [date_word, status_word]
    headers += [f"{f.label.get(lang)} ({f.code})" for f in fields]
    headers += [f"({code})" for code in extra]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    for row_number, day in enumerate(sorted(by_day), start=2):
        day_cells = by_day[day]
        status = days.get(day, "draf")
        date_cell = sheet.cell(row=row_number, column=1, value=day)
        date_cell.number_format = "DD/MM/YYYY"
        sheet.cell(row=row_number, column=2, value=STATUS_WORD[lang][status])
        for offset, field in enumerate(fields, start=3):
            stored = day_cells.get(field.code)
            if stored is not None and stored.value is not None:
                _put(sheet, row_number, offset, field, stored.value, lang)
        for offset, code in enumerate(extra, start=3 + len(fields)):
            stored = day_cells.get(code)
            if stored is not None and stored.value is not None:
                _put_text(sheet, row_number, offset, str(stored.value))

    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 10
    for index, header in enumerate(headers[2:], start=3):
        width = min(max(12, len(header) // 2 + 4), 40)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[1].height = 45
    return len(by_day)


def _put(sheet: Worksheet, row: int, column: int, field: Field, value: Value, lang: Lang) -> None:
    kind = field.type
    if kind is FieldType.INTEGER and isinstance(value, int):
        sheet.cell(row=row, column=column, value=value).number_format = "#,##0"
    elif kind is FieldType.DECIMAL and isinstance(value, Decimal):
        sheet.cell(row=row, column=column, value=value).number_format = "#,##0.0##"
    elif kind is FieldType.YESNO:
        word = ("Yes", "No") if lang == "en" else ("Ya", "Tidak")
        _put_text(sheet, row, column, word[0] if value else word[1])
    elif kind is FieldType.CHOICE:
        label = next((c.label.get(lang) for c in field.choices if c.code == value), str(value))
        _put_text(sheet, row, column, label)
    else:
        _put_text(sheet, row, column, str(value))


def _put_text(sheet: Worksheet, row: int, column: int, text: str) -> None:
    cell = sheet.cell(row=row, column=column, value=_XML_ILLEGAL.sub("", text))
    # A note starting with "=" is text, never a formula Excel would run.
    cell.data_type = "s"


def _fill_info_sheet(
    sheet: Worksheet,
    store: Store,
    org_unit: str,
    forms: Sequence[FormDefinition],
    lang: Lang,
    version: str,
) -> None:
    from openpyxl.styles import Font

    unit = store.org_unit(org_unit)
    exported = store.now().astimezone(UTC)
    en = lang == "en"
    rows: list[tuple[str, Any]] = [
        ("Facility" if en else "Fasilitas", unit.name if unit else org_unit),
        ("Facility code" if en else "Kode fasilitas", org_unit),
        ("Exported at (UTC)" if en else "Diekspor pada (UTC)", exported.replace(tzinfo=None)),
        ("Kabar version" if en else "Versi Kabar", version),
    ]
    for form in forms:
        rows.append(
            (
                "Form" if en else "Formulir",
                f"{form.title.get(lang)} ({form.id}, versi {form.version})"
                if not en
                else f"{form.title.get(lang)} ({form.id}, version {form.version})",
            )
        )
    for key, value in rows:
        sheet.append([key, value])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        if isinstance(value, datetime):
            sheet.cell(row=sheet.max_row, column=2).number_format = "DD/MM/YYYY HH:MM:SS"
        else:
            sheet.cell(row=sheet.max_row, column=2).data_type = "s"
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 60


def _app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kabar")
    except PackageNotFoundError:
        return "dev"


def _write_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write to a temporary file next to ``path``, flush it to disk, then rename over ``path``:
    a power cut leaves the old file or the new one, never half of one."""
    path = Path(path)
    try:
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _unwritable(path, exc) from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise _unwritable(path, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def _unwritable(path: Path, exc: OSError) -> StoreError:
    reason = exc.strerror or str(exc)
    return store_error(
        f"Berkas {path} tidak dapat ditulis ({reason}). Pilih folder lain, atau tutup berkas itu "
        "bila sedang dibuka di Excel, lalu ekspor lagi.",
        f"The file {path} cannot be written ({reason}). Choose another folder, or close the file "
        "if it is open in Excel, then export again.",
    )
