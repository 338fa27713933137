"""Fixtures for the store tests: a small hand-built form, a controllable clock, an open Store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from forms.model import Choice, Field, FieldType, FormDefinition, Section, Text
from sync.store import Store

FACILITY = "P6408040201"
OTHER_FACILITY = "P6408040202"


def make_form(form_id: str = "harian-uji", version: int = 1) -> FormDefinition:
    """Every field type once or twice, like the shipped forms but small."""
    return FormDefinition(
        id=form_id,
        version=version,
        title=Text("Laporan Uji", "Test report"),
        period="daily",
        org_unit_level="puskesmas",
        sections=(
            Section(
                "kasus",
                Text("Kasus", "Cases"),
                (
                    Field("kasus_baru", Text("Kasus baru", "New cases"), FieldType.INTEGER),
                    Field("sembuh", Text("Sembuh", "Recovered"), FieldType.INTEGER),
                    Field("suhu", Text("Suhu kulkas", "Fridge temperature"), FieldType.DECIMAL),
                ),
            ),
            Section(
                "sarana",
                Text("Sarana", "Facilities"),
                (
                    Field("listrik", Text("Listrik menyala", "Power on"), FieldType.YESNO),
                    Field(
                        "kondisi",
                        Text("Kondisi ambulans", "Ambulance condition"),
                        FieldType.CHOICE,
                        choices=(
                            Choice("baik", Text("Baik", "Good")),
                            Choice("rusak", Text("Rusak", "Broken")),
                        ),
                    ),
                    Field("catatan", Text("Catatan", "Notes"), FieldType.TEXT),
                ),
            ),
        ),
    )


class Clock:
    """A clock the test moves by hand; always aware UTC."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2021, 7, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def form() -> FormDefinition:
    return make_form()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path, clock: Clock, form: FormDefinition) -> Iterator[Store]:
    with Store.open(data_dir, clock=clock) as opened:
        opened.load_demo_org_units()
        opened.register_form(form)
        yield opened


def raw(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Read the file directly with sqlite3, bypassing the Store."""
    import sqlite3

    conn = sqlite3.connect(str(path))
    try:
        return [tuple(row) for row in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()
