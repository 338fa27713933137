"""``--demo``: three weeks of plausible figures for the chosen facility when it has none.

The figures follow a small model of one puskesmas, so they pass the shipped forms' rules the way
a careful officer's would: daily counts around a slowly moving level, running totals that add up,
beds in use within beds available, and an oxygen stock that carries over from day to day. Fields
the model does not know (a form added later) get a plain small count. Older days are marked
complete, the last few stay drafts, and one day is left empty, as in real life.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from forms.model import Field, FieldType, FormDefinition, Severity, Value

DAYS = 21
#: days before today that are left as drafts (not yet checked by the officer)
DRAFT_DAYS = 2
#: a day the officer missed (counted back from today)
MISSED_DAY = 9


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for the small daily counts of one puskesmas."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


class _Puskesmas:
    """The state of one simulated facility, moved forward a day at a time."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.level = 2.0  # expected new confirmed cases a day
        self.totals = {"konfirmasi": 40, "sembuh": 31, "meninggal": 1}
        self.active = 8
        self.oxygen = 24
        self.day_index = 0

    def covid(self) -> dict[str, Value]:
        r = self.rng
        self.level = max(0.3, self.level * r.uniform(0.85, 1.2))
        new = _poisson(r, self.level)
        recovered = min(self.active, _poisson(r, self.active / 7))
        died = 1 if self.active > 4 and r.random() < 0.04 else 0
        self.active += new - recovered - died
        t = self.totals
        t["konfirmasi"] += new
        t["sembuh"] += recovered
        t["meninggal"] += died
        antigen = _poisson(r, 14) + 3 * new
        antigen_pos = min(antigen, new + _poisson(r, 0.5))
        pcr_sent = _poisson(r, 3) + new
        pcr_back = min(pcr_sent, _poisson(r, 3))
        traced = 4 * new + _poisson(r, 2)
        return {
            "suspek_baru": _poisson(r, 5),
            "probable_baru": _poisson(r, 0.4),
            "konfirmasi_baru": new,
            "konfirmasi_bergejala": r.randint(0, new),
            "konfirmasi_kumulatif": t["konfirmasi"],
            "sembuh": recovered,
            "sembuh_kumulatif": t["sembuh"],
            "meninggal": died,
            "meninggal_kumulatif": t["meninggal"],
            "isolasi_mandiri": max(0, self.active - 1),
            "dirujuk_rs": 1 if self.active > 6 and r.random() < 0.2 else 0,
            "kontak_erat_dilacak": traced,
            "kontak_erat_karantina": r.randint(0, traced),
            "tes_antigen": antigen,
            "tes_antigen_positif": antigen_pos,
            "pcr_spesimen_dikirim": pcr_sent,
            "pcr_hasil_diterima": pcr_back,
            "pcr_positif": r.randint(0, pcr_back),
            "vaksin_dosis_1": _poisson(r, 12),
            "vaksin_dosis_2": _poisson(r, 9),
            "vaksin_booster": _poisson(r, 20),
            "kipi_dilaporkan": 0,
            "kipi_serius": 0,
        }

    def resources(self) -> dict[str, Value]:
        r = self.rng
        start = self.oxygen
        used = min(start, _poisson(r, 3))
        received = 10 if start - used < 8 else 0  # a refill run when the stock gets low
        self.oxygen = start + received - used
        outage = r.random() < 0.15
        return {
            "tt_isolasi_total": 10,
            "tt_isolasi_terisi": min(10, max(0, self.active // 3)),
            "tt_icu_total": 2,
            "tt_icu_terisi": 1 if self.active > 9 else 0,
            "oksigen_stok_awal": start,
            "oksigen_diterima": received,
            "oksigen_terpakai": used,
            "oksigen_stok_akhir": self.oxygen,
            "konsentrator_oksigen": 2,
            "ventilator_tersedia": 1,
            "ventilator_dipakai": 0,
            "oksimeter_berfungsi": 4,
            "stok_apd_hari": 20 - self.day_index % 7,
            "nakes_bertugas": 18 + r.randint(-2, 2),
            "nakes_terpapar": 0,
            "nakes_isolasi": 0,
            "status_layanan": "normal",
            "listrik_padam": outage,
            "lama_padam_jam": Decimal(r.randint(1, 6)) if outage else None,
            "catatan": "Genset dipakai saat listrik padam." if outage else None,
        }


def _fallback(field: Field, rng: random.Random) -> Value:
    """A plain value for a field the model does not know."""
    if field.type == FieldType.INTEGER and not field.cumulative:
        return rng.randint(0, 5)
    if field.type == FieldType.YESNO:
        return False
    if field.type == FieldType.CHOICE and field.choices:
        return field.choices[0].code
    return None


def _values(form: FormDefinition, model: dict[str, Value], rng: random.Random) -> dict[str, Value]:
    return {f.code: model[f.code] if f.code in model else _fallback(f, rng) for f in form.fields}


def seed_demo(
    store: Any, facility: str, forms: list[FormDefinition], today: date | None = None
) -> int:
    """Save demo days through the store (older ones complete when they pass every rule)."""
    from forms.validate import validate

    today = today or date.today()
    start = today - timedelta(days=DAYS)
    statuses = store.day_statuses(facility, [f.id for f in forms], start, today)
    if any(s != "kosong" for s in statuses.values()):
        return 0
    rng = random.Random(64)
    puskesmas = _Puskesmas(rng)
    written = 0
    for offset in range(DAYS, 0, -1):
        day = today - timedelta(days=offset)
        puskesmas.day_index = DAYS - offset
        model = {**puskesmas.covid(), **puskesmas.resources()}
        if offset == MISSED_DAY:
            continue  # the model's day still passes: the next day's totals carry on from it
        for form in forms:
            values = _values(form, model, rng)
            previous = store.previous_values(facility, form, day)
            issues = validate(form, values, previous=previous, complete=True)
            clean = not any(i.severity == Severity.ERROR for i in issues)
            complete = clean and offset > DRAFT_DAYS
            store.save_day(facility, form, day, values, author="Petugas Demo", complete=complete)
        written += 1
    return written
