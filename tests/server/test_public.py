"""Public figures from the database: sums, reporting counts, completeness (both engines)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from server.db import make_engine, session_factory
from server.public_figures import (
    WIB,
    WIT,
    WITA,
    completeness,
    daily_figures,
    latest_day,
    local_today,
    local_zone,
)
from tests.server.public_seed import DAY, EARLIER, PLAN, region_map, seed


@pytest.fixture
def session(db_url: str):
    engine = make_engine(db_url)
    with session_factory(engine, readonly=True)() as s:
        yield s
    engine.dispose()


@pytest.mark.parametrize("level", ["kabupaten", "kecamatan"])
@pytest.mark.parametrize("day", [DAY, EARLIER])
def test_sums_count_complete_reports_only(db_url: str, session, level: str, day: date) -> None:
    data = seed(db_url)
    figures = daily_figures(session, day, level)
    expected = data.expected(day, region_map(level))
    got = {r.code: dict(r.sums) for r in figures.regions}
    assert got == expected
    if day == DAY and level == "kabupaten":
        # The draft of P6408050201 (values >= 1) is left out: the sum is the two complete ones.
        covid = {
            r.facility: r.values
            for r in data.reports
            if r.day == DAY and r.form_id == "covid19-harian"
        }
        complete = sum(int(covid[f]["suspek_baru"] or 0) for f in ("P6408040201", "P6408040202"))
        assert got["64.08"]["suspek_baru"] == complete
        assert int(covid["P6408050201"]["suspek_baru"] or 0) > 0


def test_facilities_and_reported_counts(db_url: str, session) -> None:
    seed(db_url)
    figures = daily_figures(session, DAY, "kabupaten")
    regions = {r.code: r for r in figures.regions}
    assert set(regions) == {"64.08", "64.72"}
    assert regions["64.08"].facilities == 3
    assert regions["64.72"].facilities == 2
    for code, region in regions.items():
        for form_id in ("covid19-harian", "sumber-daya-harian"):
            want = sum(
                1
                for fac, forms in PLAN.items()
                if form_id in forms and region_map("kabupaten")[fac] == code
            )
            assert region.reported[form_id] == want


def test_region_without_complete_report_has_no_sums(db_url: str, session) -> None:
    seed(db_url)
    figures = daily_figures(session, DAY, "kecamatan")
    sangkulirang = {r.code: r for r in figures.regions}["64.08.05"]
    assert sangkulirang.reported == {"covid19-harian": 0, "sumber-daya-harian": 0}
    assert set(sangkulirang.sums.values()) == {None}
    # a kecamatan without facilities is not listed at all
    assert "64.72.02" not in {r.code for r in figures.regions}


def test_indicators_are_the_integer_fields_of_every_form(db_url: str, session) -> None:
    data = seed(db_url)
    figures = daily_figures(session, DAY, "kabupaten")
    want = [(f.id, fld.code) for f in data.forms for fld in f.fields if fld.type.value == "integer"]
    assert [(i.form_id, i.code) for i in figures.indicators] == want
    assert "status_layanan" not in {i.code for i in figures.indicators}


def test_unknown_level_is_a_bug(db_url: str, session) -> None:
    with pytest.raises(ValueError):
        daily_figures(session, DAY, "desa")


def test_latest_day_and_completeness(db_url: str, session) -> None:
    seed(db_url)
    assert latest_day(session, date(2026, 12, 31)) == DAY
    assert latest_day(session, EARLIER) == EARLIER
    assert latest_day(session, date(2026, 1, 1)) is None
    status = completeness(session, DAY)
    kec = {k.code: k for rows in status.kabupaten.values() for k in rows}
    assert (kec["64.08.04"].reported, kec["64.08.04"].facilities) == (1, 2)
    assert (kec["64.08.05"].reported, kec["64.08.05"].facilities) == (0, 1)
    assert (kec["64.72.01"].reported, kec["64.72.01"].facilities) == (1, 2)
    missing = dict(kec["64.08.04"].missing)
    assert [t.en for t in missing["Puskesmas Teluk Lingga"]] == ["Daily Resources Report"]
    assert len(dict(kec["64.72.01"].missing)["Puskesmas Bukuan <Baru> & Co"]) == 2
    assert list(status.kabupaten) == [
        ("64.08", "Kabupaten Kutai Timur"),
        ("64.72", "Kota Samarinda"),
    ]


def test_local_zone_follows_the_province() -> None:
    assert local_zone("64") is WITA
    assert local_zone("31") is WIB
    assert local_zone("94") is WIT
    assert local_zone(None) is WIB
    # 20:30 UTC is already the next day in WITA
    late = datetime(2026, 11, 20, 20, 30, tzinfo=UTC)
    assert local_today(WITA, late) == date(2026, 11, 21)
    assert local_today(WIB, datetime(2026, 11, 20, 16, 30, tzinfo=UTC)) == date(2026, 11, 20)
