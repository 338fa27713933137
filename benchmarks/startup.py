"""Start-up benchmark: process start to main window shown and idle, against a bare PySide6 window.

One facility with a year of data (365 days × every indicator of every shipped form) is seeded
through the real store; then Kabar and a bare one-window PySide6 program are started alternately,
offscreen, and timed from process start to the line each prints once its window is shown and its
event loop is idle. Resident memory is read by each process at that moment.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks._report import check, emit, median

#: starts of each program (alternating); the median of 15 holds still on a noisy machine
RUNS = int(os.environ.get("KABAR_BENCH_RUNS", "15"))
MARKER = "KABAR_IDLE "

#: the bare one-window program both start-up benchmarks measure Kabar against
BARE_WINDOW = Path(__file__).resolve().parent.parent / "build_spec" / "bare" / "bare_window.py"


def value_for(field: Any, day_index: int, rng: random.Random) -> Any:
    from forms.model import FieldType

    if field.type is FieldType.INTEGER:
        if field.cumulative:
            return 10 * day_index
        return rng.randint(0, 30)
    if field.type is FieldType.DECIMAL:
        return Decimal(rng.randint(0, 500)) / 10
    if field.type is FieldType.YESNO:
        return rng.random() < 0.1
    if field.type is FieldType.CHOICE:
        return field.choices[0].code
    return f"catatan hari ke-{day_index}"


def seed_year(data_dir: Path) -> dict[str, Any]:
    """A year of full reports for one facility, written through the real store."""
    from desktop.settings_keys import FACILITY, OFFICER
    from forms.loader import builtin_forms
    from sync.store import Store

    forms = builtin_forms()
    rng = random.Random(2020)
    store = Store.open(data_dir)
    try:
        store.load_demo_org_units()
        facility = next(u.code for u in store.org_units() if u.level == "puskesmas")
        store.set_setting(FACILITY, facility)
        store.set_setting(OFFICER, "Petugas Benchmark")
        for form in forms:
            store.register_form(form)
        today = date.today()
        cells = 0
        for offset in range(365, 0, -1):
            day = today - timedelta(days=offset)
            for form in forms:
                values = {f.code: value_for(f, 365 - offset, rng) for f in form.fields}
                store.save_day(facility, form, day, values, author="Benchmark", complete=True)
                cells += len(values)
    finally:
        store.close()
    return {"facility": facility, "days": 365, "cells": cells}


def time_to_idle(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    assert proc.stdout is not None
    elapsed, rss = None, 0
    for line in proc.stdout:
        if line.startswith(MARKER):
            elapsed = time.perf_counter() - start
            rss = int(json.loads(line[len(MARKER) :])["rss_kb"])
            break
    _, err = proc.communicate(timeout=60)
    if elapsed is None or proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} exited {proc.returncode} without an idle marker:\n{err}")
    return elapsed, rss


def alternate(
    kabar_cmd: list[str], bare_cmd: list[str], env: dict[str, str], runs: int = RUNS
) -> tuple[list[float], list[int], list[float], list[int]]:
    """One warm-up each (the OS file cache, Kabar's forms cache), then ``runs`` alternating
    starts: (kabar times, kabar RSS, bare times, bare RSS)."""
    time_to_idle(kabar_cmd, env)
    time_to_idle(bare_cmd, env)
    kabar_t: list[float] = []
    kabar_rss: list[int] = []
    bare_t: list[float] = []
    bare_rss: list[int] = []
    for _ in range(runs):
        t, r = time_to_idle(kabar_cmd, env)
        kabar_t.append(t)
        kabar_rss.append(r)
        t, r = time_to_idle(bare_cmd, env)
        bare_t.append(t)
        bare_rss.append(r)
    return kabar_t, kabar_rss, bare_t, bare_rss


def main() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    # An installed app (wheel or PyInstaller bundle) ships compiled bytecode, as PySide6 in the bare
    # window does; without this an editable checkout recompiles ~100 modules on every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    root = Path(__file__).resolve().parent.parent
    packages = [str(root / p) for p in ("forms", "sync", "desktop", "resources")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], check=True)
    with tempfile.TemporaryDirectory(prefix="kabar-startup-") as tmp:
        data_dir = Path(tmp) / "data"
        t0 = time.perf_counter()
        seeded = seed_year(data_dir)
        seed_s = time.perf_counter() - t0
        db_bytes = sum(p.stat().st_size for p in data_dir.glob("kabar.db*"))
        kabar_cmd = [sys.executable, "-m", "desktop", "--data-dir", str(data_dir)]
        kabar_cmd += ["--lang", "id", "--quit-when-idle"]
        bare_cmd = [sys.executable, str(BARE_WINDOW)]
        kabar_t, kabar_rss, bare_t, bare_rss = alternate(kabar_cmd, bare_cmd, env)
    k_t, b_t = median(kabar_t), median(bare_t)
    k_rss, b_rss = median(kabar_rss), median(bare_rss)
    time_ratio = round(k_t / b_t, 3)
    rss_ratio = round(k_rss / b_rss, 3)
    figures = {
        "runs": RUNS,
        "seeded_days": seeded["days"],
        "seeded_cells": seeded["cells"],
        "seed_seconds": round(seed_s, 2),
        "db_bytes": db_bytes,
        "kabar_idle_s": round(k_t, 3),
        "bare_idle_s": round(b_t, 3),
        "kabar_idle_s_all": [round(x, 3) for x in kabar_t],
        "bare_idle_s_all": [round(x, 3) for x in bare_t],
        "kabar_rss_mb": round(k_rss / 1024, 1),
        "bare_rss_mb": round(b_rss / 1024, 1),
        "time_ratio": time_ratio,
        "rss_ratio": rss_ratio,
    }
    print(
        f"Kabar {k_t:.3f}s / bare {b_t:.3f}s = {time_ratio}×;"
        f" RSS {k_rss / 1024:.1f} MB / {b_rss / 1024:.1f} MB = {rss_ratio}×",
        file=sys.stderr,
    )
    emit(
        "startup",
        figures,
        [
            check("startup_time_ratio", time_ratio, "<=", 2.5),
            check("startup_rss_ratio", rss_ratio, "<=", 2.0),
        ],
    )


if __name__ == "__main__":
    main()
