"""Export: ask for a folder, then write the facility's data as XLSX and CSV (on a worker)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from forms.model import FormDefinition, Text


class ExportFailed(Exception):
    """The files could not be written (no permission, disk full, file open in Excel...)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.message = Text(
            f"Ekspor gagal: {path} tidak bisa ditulis ({reason}). "
            "Pilih folder lain atau tutup file itu bila sedang dibuka.",
            f"Export failed: {path} could not be written ({reason}). "
            "Choose another folder or close the file if it is open.",
        )


def ask_folder(parent: QWidget) -> Path | None:
    """The folder to export into, or None when the user cancels."""
    title = QCoreApplication.translate("Export", "Export to folder")
    folder = QFileDialog.getExistingDirectory(parent, title, str(Path.home()))
    return Path(folder) if folder else None


def file_stem(org_unit: str, day: date) -> str:
    return f"kabar-{org_unit}-{day.isoformat()}"


def export_files(
    store: Any,
    org_unit: str,
    forms: list[FormDefinition],
    folder: Path,
    lang: str,
    day: date,
) -> list[Path]:
    """Write ``<stem>.xlsx`` and ``<stem>.csv``; runs on a worker (openpyxl is imported here)."""
    from sync.export import export_csv, export_xlsx

    stem = file_stem(org_unit, day)
    xlsx, csv = folder / f"{stem}.xlsx", folder / f"{stem}.csv"
    for path, write in ((xlsx, export_xlsx), (csv, export_csv)):
        try:
            write(store, org_unit, forms, path, lang=lang)
        except OSError as exc:
            raise ExportFailed(path, exc.strerror or str(exc)) from exc
    return [xlsx, csv]
