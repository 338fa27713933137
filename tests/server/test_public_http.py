"""Public figures over real HTTP (both engines): JSON, CSV, the HTML page, bad parameters."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
import requests
from sqlalchemy import update

from forms.numbers import format_number
from server import public as public_module
from server.db import make_engine
from server.models import DayStatus
from server.public_figures import WITA, local_today
from tests.server.public_seed import Seed, region_map, seed


@pytest.fixture
def public(db_url: str, live_server_factory: Callable[..., Any]) -> tuple[str, Seed]:
    # "Today" in the demo province (Kalimantan Timur: WITA) is the mixed day of the seed.
    data = seed(db_url, day=local_today(WITA))
    return live_server_factory(db_url).url, data


def _assert_error(reply: requests.Response, status: int, code: str) -> None:
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert body["error"] == code
    assert body["message"]["id"] and body["message"]["en"]


@pytest.mark.parametrize("level", ["kabupaten", "kecamatan"])
def test_json_sums_and_counts(public: tuple[str, Seed], level: str) -> None:
    url, data = public
    reply = requests.get(
        f"{url}/public/v1/daily.json", params={"level": level, "date": data.day.isoformat()}
    )
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "public, max-age=60"
    body = reply.json()
    assert body["date"] == data.day.isoformat()
    assert body["level"] == level
    expected = data.expected(data.day, region_map(level))
    assert {r["code"]: r["sums"] for r in body["regions"]} == expected
    keys = [i["key"] for i in body["indicators"]]
    assert keys == list(next(iter(expected.values())))
    facilities = {}
    for region in region_map(level).values():
        facilities[region] = facilities.get(region, 0) + 1
    assert {r["code"]: r["facilities"] for r in body["regions"]} == facilities


def test_json_defaults_to_kabupaten_and_the_latest_reported_day(public: tuple[str, Seed]) -> None:
    url, data = public
    body = requests.get(f"{url}/public/v1/daily.json").json()
    assert (body["level"], body["date"]) == ("kabupaten", data.day.isoformat())
    earlier = requests.get(
        f"{url}/public/v1/daily.json", params={"date": data.earlier.isoformat()}
    ).json()
    expected = data.expected(data.earlier, region_map("kabupaten"))
    assert {r["code"]: r["sums"] for r in earlier["regions"]} == expected


def test_csv_parses_to_the_same_figures(public: tuple[str, Seed]) -> None:
    url, data = public
    reply = requests.get(
        f"{url}/public/v1/daily.csv", params={"level": "kecamatan", "date": data.day.isoformat()}
    )
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith("text/csv")
    assert "kecamatan" in reply.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    expected = data.expected(data.day, region_map("kecamatan"))
    assert {r["code"] for r in rows} == set(expected)
    for row in rows:
        for key, value in expected[row["code"]].items():
            assert row[key] == ("" if value is None else str(value)), (row["code"], key)
    sangatta = next(r for r in rows if r["code"] == "64.08.04")
    assert sangatta["name"] == "Sangatta Utara"
    assert sangatta["facilities"] == "2"
    assert sangatta["facilities_reported:covid19-harian"] == "2"
    assert sangatta["facilities_reported:sumber-daya-harian"] == "1"


def test_page_shows_figures_and_who_reported_today(public: tuple[str, Seed]) -> None:
    url, data = public
    reply = requests.get(f"{url}/public/")
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    assert reply.headers["Cache-Control"] == "public, max-age=60"
    html = reply.text
    assert '<meta name="viewport"' in html and 'lang="id"' in html
    assert "Provinsi Kalimantan Timur" in html
    assert f"Angka tanggal {data.day.strftime('%d/%m/%Y')}" in html
    expected = data.expected(data.day, region_map("kabupaten"))
    # id_ID grouping: the seeded 1.234 contacts per complete covid report add up past a thousand
    kutai = expected["64.08"]["kontak_erat_dilacak"]
    assert kutai is not None and kutai >= 2000
    assert f'<td class="n">{format_number(kutai, "id")}</td>' in html
    for region in expected.values():
        value = region["konfirmasi_baru"]
        assert f'<td class="n">{"–" if value is None else format_number(value, "id")}</td>' in html
    # who has reported today: per kecamatan n of m, with the facilities still missing
    assert "Kecamatan Sangatta Utara: " in html
    # per kabupaten (folded on a phone): facilities that sent every form today
    assert 'Kabupaten Kutai Timur <small>· <span class="part">1 dari 3</span>' in html
    assert 'Kota Samarinda <small>· <span class="part">1 dari 2</span>' in html
    assert '<span class="part">1 dari 2</span>' in html
    assert "Puskesmas Teluk Lingga (belum: Laporan Harian Sumber Daya)" in html
    assert "Puskesmas Bukuan &lt;Baru&gt; &amp; Co" in html  # escaped, never raw markup
    assert "<Baru>" not in html
    assert "<script" not in html


def test_page_before_any_complete_report(db_url: str, live_server_factory: Any) -> None:
    url = live_server_factory(db_url).url
    reply = requests.get(f"{url}/public/")
    assert reply.status_code == 200
    assert "Belum ada laporan lengkap" in reply.text


@pytest.mark.parametrize(
    "query",
    [
        {"level": "desa"},
        {"level": ""},
        {"date": "20-11-2026"},
        {"date": "2026-02-30"},
        {"date": "2026-11-20T00:00"},
        {"date": "2026-W47-5"},
        {"date": "20261120"},
        {"date": "x" * 5000},
    ],
)
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_bad_parameters_get_400_in_the_protocol_shape(
    public: tuple[str, Seed], query: dict[str, str], fmt: str
) -> None:
    url, _ = public
    _assert_error(requests.get(f"{url}/public/v1/daily.{fmt}", params=query), 400, "bad_request")


def test_read_only(public: tuple[str, Seed]) -> None:
    url, _ = public
    _assert_error(requests.post(f"{url}/public/v1/daily.json", json={}), 405, "method_not_allowed")
    _assert_error(requests.get(f"{url}/public/v1/nope.json"), 404, "not_found")


def test_answers_are_reused_for_a_minute_then_recomputed(
    public: tuple[str, Seed], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, data = public
    query = {"level": "kecamatan", "date": data.day.isoformat()}
    first = requests.get(f"{url}/public/v1/daily.json", params=query).json()
    sangkulirang = {r["code"]: r for r in first["regions"]}["64.08.05"]
    assert sangkulirang["facilities_reported"]["covid19-harian"] == 0
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                update(DayStatus)
                .where(DayStatus.org_unit == "P6408050201", DayStatus.period == data.day)
                .values(complete=True)
            )
    finally:
        engine.dispose()
    # within the minute: the same answer (the database is not asked again)
    assert requests.get(f"{url}/public/v1/daily.json", params=query).json() == first
    monkeypatch.setattr(public_module, "CACHE_SECONDS", 0)
    fresh = requests.get(f"{url}/public/v1/daily.json", params=query).json()
    sangkulirang = {r["code"]: r for r in fresh["regions"]}["64.08.05"]
    assert sangkulirang["facilities_reported"] == {"covid19-harian": 1, "sumber-daya-harian": 1}
    assert sangkulirang["sums"]["suspek_baru"] is not None


def test_reused_answers_stay_whole_through_gzip(public: tuple[str, Seed]) -> None:
    url, _ = public
    for _ in range(3):
        reply = requests.get(f"{url}/public/", headers={"Accept-Encoding": "gzip"})
        assert reply.status_code == 200
        assert reply.headers["Content-Encoding"] == "gzip"
        assert reply.headers["Cache-Control"] == "public, max-age=60"
        assert reply.text.rstrip().endswith("</html>")
    plain = requests.get(f"{url}/public/", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.text == reply.text
