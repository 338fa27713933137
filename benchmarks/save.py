"""Save benchmark: 1,000 saves of the biggest shipped form through ``Store.save_day``.

A fresh temporary data dir, the real durability settings (WAL, synchronous=FULL: every commit
is flushed to disk), every indicator changed on every save so every cell is written. Reports
p50/p99/max in milliseconds and the pragmas actually in force.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks._report import check, emit, percentile

SAVES = int(os.environ.get("KABAR_BENCH_SAVES", "1000"))
#: saves cycle over this many days: the first round inserts cells, later rounds update them
DAYS = 50
P99_LIMIT_MS = 15


def value_for(field: Any, save: int, index: int) -> Any:
    """A value different from the one saved on the same day the previous round."""
    from forms.model import FieldType

    if field.type is FieldType.INTEGER:
        return (save * 7 + index) % 100_000
    if field.type is FieldType.DECIMAL:
        return Decimal((save * 7 + index) % 100_000) / 10
    if field.type is FieldType.YESNO:
        return (save // DAYS) % 2 == 0
    if field.type is FieldType.CHOICE:
        return field.choices[(save // DAYS) % len(field.choices)].code
    return f"catatan {save}"


def main() -> None:
    from forms.loader import builtin_forms
    from sync.store import Store

    form = max(builtin_forms(), key=lambda f: len(f.fields))
    start = date(2021, 1, 1)
    timings: list[float] = []
    with (
        tempfile.TemporaryDirectory(prefix="kabar-save-") as tmp,
        Store.open(Path(tmp) / "data") as store,
    ):
        store.load_demo_org_units()
        facility = next(u.code for u in store.org_units() if u.level == "puskesmas")
        store.register_form(form)
        with store._pool.read() as conn:
            journal_mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0])
            synchronous = int(conn.execute("PRAGMA synchronous").fetchone()[0])
        for i in range(SAVES):
            values = {f.code: value_for(f, i, k) for k, f in enumerate(form.fields)}
            day = start + timedelta(days=i % DAYS)
            t0 = time.perf_counter()
            result = store.save_day(facility, form, day, values, author="Benchmark")
            timings.append((time.perf_counter() - t0) * 1000)
            if len(result.changed) != len(form.fields):
                raise AssertionError(f"save {i} wrote {len(result.changed)} cells, not all")
        db_bytes = store.path.stat().st_size
    p50 = round(percentile(timings, 50), 3)
    p99 = round(percentile(timings, 99), 3)
    worst = round(max(timings), 3)
    print(
        f"{SAVES} saves of {form.id} ({len(form.fields)} indicators): p50 {p50} ms,"
        f" p99 {p99} ms, max {worst} ms; journal_mode={journal_mode} synchronous={synchronous};"
        f" db {db_bytes // 1024} KiB",
        file=sys.stderr,
    )
    figures = {
        "saves": SAVES,
        "p50_ms": p50,
        "p99_ms": p99,
        "max_ms": worst,
        "journal_mode": journal_mode,
        "synchronous": synchronous,
    }
    emit("save", figures, [check("p99_ms", p99, "<=", P99_LIMIT_MS)])


if __name__ == "__main__":
    main()
