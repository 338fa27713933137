"""Optional: a real province's daily 2020 series (shared data, not in the repo) through the
store, with its real defects (negative daily corrections); skipped when the data is absent."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from forms.loader import builtin_forms
from sync.export import export_csv
from sync.store import OrgUnitRow, Store

from .conftest import FACILITY

SERIES = Path("/work/shared/data/covid-2020-provinsi/KALIMANTAN_TIMUR.csv")
WILAYAH = Path("/work/shared/data/wilayah.csv")
COLUMNS = {
    "confirmed": "konfirmasi_baru",
    "total_confirmed": "konfirmasi_kumulatif",
    "recover": "sembuh",
    "total_recover": "sembuh_kumulatif",
    "death": "meninggal",
    "total_death": "meninggal_kumulatif",
}


@pytest.mark.skipif(not SERIES.exists(), reason=f"shared real data not present: {SERIES}")
def test_a_real_province_series_round_trips(store: Store, tmp_path: Path) -> None:
    form = next(f for f in builtin_forms() if f.id == "covid19-harian")
    with SERIES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        values = {code: int(row[column]) for column, code in COLUMNS.items()}
        store.save_day(FACILITY, form, date.fromisoformat(row["date"]), values, author="Ani")
    last = date.fromisoformat(rows[-1]["date"])
    series = store.series(FACILITY, form, "konfirmasi_baru", last, days=len(rows))
    assert [v for _, v in series] == [int(r["confirmed"]) for r in rows]
    statuses = store.day_statuses(FACILITY, [form.id], date.fromisoformat(rows[0]["date"]), last)
    assert set(statuses.values()) == {"draf"}
    out = tmp_path / "kaltim.csv"
    assert export_csv(store, FACILITY, [form], out) == len(rows) * len(COLUMNS)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        exported = [r for r in csv.DictReader(handle) if r["kode_indikator"] == "meninggal"]
    assert sum(int(r["nilai"]) for r in exported) == int(rows[-1]["total_death"])


@pytest.mark.skipif(not WILAYAH.exists(), reason=f"shared real data not present: {WILAYAH}")
def test_the_whole_kemendagri_hierarchy_loads(store: Store) -> None:
    levels = {1: "provinsi", 2: "kabupaten", 3: "kecamatan", 4: "desa"}
    with WILAYAH.open(encoding="utf-8", newline="") as handle:
        units = [
            OrgUnitRow(
                code=row["kode"],
                name=row["nama"],
                level=levels[row["kode"].count(".") + 1],
                parent_code=row["kode"].rsplit(".", 1)[0] if "." in row["kode"] else None,
                type=None,
            )
            for row in csv.DictReader(handle)
        ]
    store.upsert_org_units(units)
    loaded = store.org_units()
    assert len(loaded) >= len(units)
    kutim = [u for u in loaded if u.parent_code == "64.08" and u.level == "kecamatan"]
    assert len(kutim) == 18
