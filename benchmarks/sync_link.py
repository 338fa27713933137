"""Sync over 2G: the real server (``kabar-server serve`` on SQLite) behind the fault proxy set to
64 kbit/s each way and 300 ms one-way latency; the real client store and sync engine.

(a) one puskesmas's 7-day backlog of both shipped forms, already logged in, nothing to pull:
    bytes through the proxy (both directions, HTTP headers included), HTTP round trips after
    login and wall time against the ideal (bytes / bandwidth + round-trip time × (HTTP round
    trips + TCP connects)); beside it the same values as a gzipped DHIS2 ``dataValueSets`` JSON
    payload and as gzipped bare CSV.
(b) a kecamatan officer's first pull of 10 facilities × 30 days, pushed beforehand by the
    puskesmas straight to the server: bytes per value on the wire and wall time against ideal.
(c) a kecamatan officer's backlog of 60 days × 10 facilities pushed through the same link while
    it is reset 20 times at random points: it completes, nothing doubled, nothing missing.

The 2G link also resets about every 20 s; (a) and (b) are timed without those resets (a reset
would add a reconnect and a resend that the ideal does not count); (c) gets 20 of them.
``python -m benchmarks.sync_link``; the last stdout line is the JSON report.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import string
import sys
import tempfile
import threading
import time
import traceback
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks._report import check, emit

BANDWIDTH_BPS = 64_000  # bits per second, each way
RATE = BANDWIDTH_BPS / 8  # bytes per second
LATENCY_S = 0.3  # one way
RTT_S = 2 * LATENCY_S
APP_VERSION = "0.1.0"
PASSWORD = "bench-sandi-123"
RESETS_C = int(os.environ.get("KABAR_LINK_RESETS", "20"))
DAYS_A, DAYS_B, DAYS_C = 7, 30, 60
FACILITIES = 10
#: (c) gives up here: a failing check, never a hang
DEADLINE_C_S = float(os.environ.get("KABAR_LINK_DEADLINE_S", "900"))
#: (kecamatan, officer) for (b) and (c); ani's puskesmas is under 64.08.04 for (a)
KEC_B, KEC_C = "64.08.05", "64.08.01"
TODAY = datetime.now(UTC).date()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the server ---------------------------------------------------------------------------------
def facility_codes(kecamatan: str) -> list[str]:
    """Ten facility codes under a kecamatan (the demo's own first, then made-up ones)."""
    stem = "P" + kecamatan.replace(".", "") + "02"
    return [f"{stem}{i:02d}" for i in range(1, FACILITIES + 1)]


def prepare_database(db_url: str) -> None:
    """The demo province, the shipped forms, ten facilities under two kecamatan, an officer
    per facility and per kecamatan (password ``PASSWORD``)."""
    from sqlalchemy import select

    from server import accounts, db
    from server.demo import seed
    from server.models import OrgUnit
    from server.orgunits import add_units

    db.migrate(db_url)
    engine = db.make_engine(db_url)
    try:
        with db.session_scope(db.session_factory(engine)) as s:
            seed(s, "benchmark")
            known = set(s.scalars(select(OrgUnit.code)))
            units = []
            for kec in (KEC_B, KEC_C):
                for i, code in enumerate(facility_codes(kec), 1):
                    if code not in known:
                        units.append(
                            (code, f"Puskesmas Bench {kec} {i}", "puskesmas", kec, "puskesmas")
                        )
            add_units(s, units)
            users = [("pkm_ani", "Ani Lestari", "petugas_puskesmas", "P6408040201")]
            for kec in (KEC_B, KEC_C):
                users.append((f"camat_{kec[-2:]}", f"Camat {kec}", "petugas_kecamatan", kec))
                for code in facility_codes(kec):
                    users.append(
                        (f"pkm_{code.lower()}", f"Petugas {code}", "petugas_puskesmas", code)
                    )
            for username, name, role, unit in users:
                accounts.add_user(
                    s,
                    username=username,
                    name=name,
                    role=role,
                    org_units=[unit],
                    password=PASSWORD,
                    actor="benchmark",
                )
    finally:
        engine.dispose()


# -- clients ------------------------------------------------------------------------------------
class Installation:
    """A client store in its own folder, logged in at ``url`` as ``username``."""

    def __init__(self, root: Path, url: str, username: str, *, attempts: int = 4) -> None:
        from sync.engine import login_and_prepare
        from sync.store import Store
        from sync.transport import Transport

        self.store = Store.open(root / username)
        self.transport = Transport(
            url, app_version=APP_VERSION, attempts=attempts, rng=random.Random(7)
        )
        self.login = login_and_prepare(
            self.store, self.transport, username, PASSWORD, f"Laptop {username}"
        )

    def run(self) -> Any:
        from sync.engine import SyncEngine

        return SyncEngine(self.store, self.transport).run()

    def close(self) -> None:
        self.transport.close()
        self.store.close()


def realistic_days(
    store: Any, facility: str, days: int, seed: int, author: str
) -> list[tuple[str, str, date, str, Any]]:
    """``days`` days of both shipped forms for one facility, saved as an officer would (the
    demo model's figures); returns (unit, form, period, indicator, value) of every value."""
    from desktop.demo import _Puskesmas, _values
    from forms.loader import builtin_forms

    forms = sorted(builtin_forms(), key=lambda f: f.id)
    rng = random.Random(seed)
    model = _Puskesmas(rng)
    saved = []
    for k in range(days, 0, -1):
        period = TODAY - timedelta(days=k)
        model.day_index = days - k
        day = {**model.covid(), **model.resources()}
        for form in forms:
            values = _values(form, day, rng)
            store.save_day(facility, form, period, values, author=author, complete=True)
            saved += [(facility, form.id, period, c, v) for c, v in values.items() if v is not None]
    return saved


# -- what went over the wire --------------------------------------------------------------------
def split_messages(transcript: list[tuple[int, str, bytes]]) -> dict[str, Any]:
    """Header and body bytes per HTTP message in a proxy transcript."""
    messages = []
    for conn, direction, data in transcript:
        rest = data
        while rest:
            head_end = rest.find(b"\r\n\r\n")
            if head_end < 0:
                messages.append({"conn": conn, "dir": direction, "head": len(rest), "body": 0})
                break
            head = rest[:head_end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            first = head.split(b"\r\n", 1)[0].decode("latin-1")
            messages.append(
                {
                    "conn": conn,
                    "dir": direction,
                    "line": first,
                    "head": head_end + 4,
                    "body": length,
                    "headers": head.decode("latin-1").split("\r\n")[1:],
                }
            )
            rest = rest[head_end + 4 + length :]
    return {
        "messages": [
            {k: m[k] for k in ("dir", "line", "head", "body") if k in m} for m in messages
        ],
        "header_bytes": sum(m["head"] for m in messages),
        "body_bytes": sum(m["body"] for m in messages),
        "request_headers": next((m["headers"] for m in messages if m["dir"] == "up"), []),
        "response_headers": next((m["headers"] for m in messages if m["dir"] == "down"), []),
    }


def dhis2_sizes(values: list[tuple[str, str, date, str, Any]], stored_by: str) -> dict[str, int]:
    """The same values as a DHIS2 ``dataValueSets`` payload (11-character uids, the default
    category option combo) and as bare CSV: raw and gzipped sizes."""
    from forms.loader import builtin_forms
    from sync.protocol import value_to_json

    rng = random.Random(2)
    alphabet = string.ascii_letters + string.digits

    def uid() -> str:  # DHIS2's shape: a letter, then ten letters or digits
        return rng.choice(string.ascii_letters) + "".join(rng.choices(alphabet, k=10))

    fields = {(f.code): f for form in builtin_forms() for f in form.fields}
    elements = {code: uid() for code in sorted(fields)}
    units = {ou: uid() for ou in sorted({v[0] for v in values})}
    default_combo = "HllvX50cXC0"  # DHIS2's "default" category option combo
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    data_values = []
    csv_lines = ["period,org_unit,indicator,value"]
    for ou, _form, period, code, value in values:
        wire = value_to_json(fields[code], value)
        text = "true" if wire is True else "false" if wire is False else str(wire)
        data_values.append(
            {
                "dataElement": elements[code],
                "period": period.strftime("%Y%m%d"),
                "orgUnit": units[ou],
                "categoryOptionCombo": default_combo,
                "attributeOptionCombo": default_combo,
                "value": text,
                "storedBy": stored_by,
                "created": created,
            }
        )
        csv_lines.append(f"{period.isoformat()},{ou},{code},{json.dumps(text)[1:-1]}")
    payload = json.dumps({"dataValues": data_values}, separators=(",", ":")).encode()
    csv = ("\n".join(csv_lines) + "\n").encode()
    return {
        "dhis2_json_bytes": len(payload),
        "dhis2_json_gzip_bytes": len(gzip.compress(payload, 9)),
        "csv_bytes": len(csv),
        "csv_gzip_bytes": len(gzip.compress(csv, 9)),
    }


def ideal_s(total_bytes: int, round_trips: int, connects: int) -> float:
    return total_bytes / RATE + RTT_S * (round_trips + connects)


# -- the three parts ----------------------------------------------------------------------------
def part_a(root: Path, proxy: Any, figures: dict[str, Any], checks: list[dict[str, Any]]) -> None:
    proxy.configure(latency_s=0.0, bandwidth_bps=None)
    ani = Installation(root, proxy.url, "pkm_ani")
    try:
        ani.run()  # whatever a first sync fetches once (nothing to push or pull yet)
        values = realistic_days(ani.store, "P6408040201", DAYS_A, seed=1, author="Ani")
        proxy.configure(latency_s=LATENCY_S, bandwidth_bps=BANDWIDTH_BPS, record=True)
        proxy.close_connections()  # days offline: the kept-alive connection is long gone
        proxy.reset_stats()
        trips_before = ani.transport.round_trips
        start = time.perf_counter()
        report = ani.run()
        wall = time.perf_counter() - start
        stats = proxy.stats()
        wire = split_messages(proxy.transcript())
        proxy.configure(record=False)
    finally:
        ani.close()
    trips = stats.requests
    ideal = ideal_s(stats.bytes_total, trips, stats.connections)
    a = {
        "values": len(values),
        "submissions": report.pushed,
        "finished": report.finished,
        "bytes_up": stats.bytes_up,
        "bytes_down": stats.bytes_down,
        "bytes_total": stats.bytes_total,
        "header_bytes": wire["header_bytes"],
        "body_bytes": wire["body_bytes"],
        "http_round_trips": trips,
        "engine_round_trips": ani.transport.round_trips - trips_before,
        "tcp_connects": stats.connections,
        "wall_s": round(wall, 3),
        "ideal_s": round(ideal, 3),
        "wall_over_ideal": round(wall / ideal, 3),
        "messages": wire["messages"],
        "request_headers": wire["request_headers"],
        "response_headers": wire["response_headers"],
        **dhis2_sizes(values, "ani"),
    }
    figures["a_backlog_7_days"] = a
    log(
        f"(a) {a['bytes_total']} B both ways ({a['header_bytes']} B of it HTTP headers), "
        f"{trips} round trips, {wall:.2f} s (ideal {ideal:.2f} s); the same {len(values)} values "
        f"as DHIS2 dataValueSets JSON: {a['dhis2_json_gzip_bytes']} B gzipped "
        f"({a['dhis2_json_bytes']} B raw), as bare CSV: {a['csv_gzip_bytes']} B gzipped"
    )
    checks.append(check("a_finished", int(report.finished), ">=", 1))
    checks.append(check("a_submissions_pushed", report.pushed, ">=", 2 * DAYS_A))
    checks.append(check("a_bytes_both_ways", stats.bytes_total, "<=", 1_500))
    checks.append(check("a_http_round_trips", trips, "<=", 2))
    checks.append(check("a_wall_over_ideal", round(wall / ideal, 3), "<=", 1.5))


def push_directly(root: Path, base_url: str, kecamatan: str, days: int) -> int:
    """Every facility's officer saves ``days`` days and syncs straight to the server."""
    total = 0
    for n, code in enumerate(facility_codes(kecamatan)):
        inst = Installation(root, base_url, f"pkm_{code.lower()}")
        try:
            total += len(realistic_days(inst.store, code, days, seed=100 + n, author=code))
            for _ in range(5):
                if inst.run().finished:
                    break
            else:
                raise RuntimeError(f"{code}: the direct push did not finish")
        finally:
            inst.close()
    return total


def part_b(
    root: Path, base_url: str, proxy: Any, figures: dict[str, Any], checks: list[dict[str, Any]]
) -> None:
    values = push_directly(root, base_url, KEC_B, DAYS_B)
    proxy.configure(latency_s=0.0, bandwidth_bps=None)
    officer = Installation(root, proxy.url, f"camat_{KEC_B[-2:]}")
    try:
        proxy.configure(latency_s=LATENCY_S, bandwidth_bps=BANDWIDTH_BPS, record=True)
        proxy.close_connections()  # the timed sync connects, as it would in the field
        proxy.reset_stats()
        start = time.perf_counter()
        report = officer.run()
        wall = time.perf_counter() - start
        stats = proxy.stats()
        wire = split_messages(proxy.transcript())
        proxy.configure(record=False)
    finally:
        officer.close()
    trips = stats.requests
    ideal = ideal_s(stats.bytes_total, trips, stats.connections)
    per_value = stats.bytes_total / values
    b = {
        "values": values,
        "pulled": report.pulled,
        "finished": report.finished,
        "bytes_up": stats.bytes_up,
        "bytes_down": stats.bytes_down,
        "header_bytes": wire["header_bytes"],
        "body_bytes": wire["body_bytes"],
        "bytes_per_value": round(per_value, 3),
        "http_round_trips": trips,
        "tcp_connects": stats.connections,
        "wall_s": round(wall, 3),
        "ideal_s": round(ideal, 3),
        "wall_over_ideal": round(wall / ideal, 3),
        "messages": wire["messages"],
    }
    figures["b_first_pull_10x30"] = b
    log(f"(b) {values} values, {per_value:.2f} B/value, {wall:.2f} s (ideal {ideal:.2f} s)")
    checks.append(check("b_finished", int(report.finished), ">=", 1))
    checks.append(check("b_all_values_pulled", report.pulled, ">=", values))
    checks.append(check("b_bytes_per_value", round(per_value, 3), "<=", 3.0))
    checks.append(check("b_wall_over_ideal", round(wall / ideal, 3), "<=", 1.5))


class ResetArmer:
    """Arms the proxy to reset after a random number of bytes, again after each reset, until
    ``count`` resets were done (random points of the transfer, seeded)."""

    def __init__(self, proxy: Any, count: int, mean_bytes: float, seed: int) -> None:
        self.proxy, self.count, self.mean = proxy, count, mean_bytes
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="reset-armer", daemon=True)

    def _arm(self) -> None:
        self.proxy.configure(
            reset_after_bytes=max(1, int(self.mean * self.rng.uniform(0.2, 1.8))),
            reset_repeat=False,
        )

    def _run(self) -> None:
        done = self.proxy.stats().resets
        self._arm()
        while not self.stop.wait(0.02):
            now = self.proxy.stats().resets
            if now >= self.count:
                self.proxy.configure(reset_after_bytes=None)
                return
            if now != done:
                done = now
                self._arm()


def part_c(
    root: Path, db_url: str, proxy: Any, figures: dict[str, Any], checks: list[dict[str, Any]]
) -> None:
    from sqlalchemy import func, select

    from forms.loader import builtin_forms
    from server.db import make_engine
    from server.models import Cell, CellVersion, Submission

    proxy.configure(latency_s=0.0, bandwidth_bps=None)
    officer = Installation(root, proxy.url, f"camat_{KEC_C[-2:]}")
    codes = facility_codes(KEC_C)
    saved: list[tuple[str, str, date, str, Any]] = []
    try:
        officer.run()
        for n, code in enumerate(codes):
            saved += realistic_days(officer.store, code, DAYS_C, seed=500 + n, author="Camat")
        # Resets spread over about the first 2/3 of the transfer, estimated at 1.5 bytes a
        # value (they also make it longer: each one costs a resent request).
        mean = len(saved) * 1.5 * (2 / 3) / RESETS_C
        proxy.configure(latency_s=LATENCY_S, bandwidth_bps=BANDWIDTH_BPS)
        proxy.reset_stats()
        armer = ResetArmer(proxy, RESETS_C, mean, seed=3)
        armer.thread.start()
        start = time.perf_counter()
        runs = 0
        finished = False
        first_finish: tuple[float, int] | None = None  # (s, resets so far)
        while time.perf_counter() - start < DEADLINE_C_S:
            runs += 1
            report = officer.run()
            if report.finished and first_finish is None:
                first_finish = (time.perf_counter() - start, proxy.stats().resets)
            if report.finished and proxy.stats().resets >= RESETS_C:
                finished = True
                break
        wall = time.perf_counter() - start
        armer.stop.set()
        armer.thread.join(5)
        stats = proxy.stats()
        items = officer.store.push_batch(10_000)
    finally:
        officer.close()
    fields = {f.code: f for form in builtin_forms() for f in form.fields}
    from forms.types import to_storage

    expected = {
        (ou, form_id, period, code): to_storage(fields[code].type, value)
        for ou, form_id, period, code, value in saved
    }
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            cells = {
                (r.org_unit, r.form_id, r.period, r.indicator): r.value
                for r in conn.execute(select(Cell).where(Cell.org_unit.in_(codes)))
            }
            versions = conn.execute(
                select(func.count()).select_from(CellVersion).where(CellVersion.org_unit.in_(codes))
            ).scalar_one()
            submissions = conn.execute(
                select(func.count()).select_from(Submission).where(Submission.org_unit.in_(codes))
            ).scalar_one()
    finally:
        engine.dispose()
    missing = sum(1 for k, v in expected.items() if cells.get(k) != v)
    extra = sum(1 for k in cells if k not in expected)
    duplicates = versions - len(expected)
    c = {
        "values": len(expected),
        "form_days": DAYS_C * FACILITIES * 2,
        "server_submissions": submissions,
        "runs": runs,
        "resets": stats.resets,
        "finished": finished,
        "in_flight_left": len(items),
        "bytes_up": stats.bytes_up,
        "bytes_down": stats.bytes_down,
        "http_round_trips": stats.requests,
        "tcp_connects": stats.connections,
        "wall_s": round(wall, 1),
        "backlog_done_s": round(first_finish[0], 1) if first_finish else None,
        "resets_before_backlog_done": first_finish[1] if first_finish else None,
        "missing": missing,
        "duplicate_versions": duplicates,
        "unexpected_cells": extra,
    }
    figures["c_backlog_60x10_resets"] = c
    log(f"(c) {len(expected)} values, {stats.resets} resets, {runs} runs, {wall:.1f} s")
    checks.append(check("c_completed", int(finished and not items), ">=", 1))
    checks.append(check("c_resets", stats.resets, ">=", RESETS_C))
    checks.append(
        check("c_duplicates", duplicates + max(0, submissions - 2 * DAYS_C * FACILITIES), "<=", 0)
    )
    checks.append(check("c_missing", missing + extra, "<=", 0))


def main() -> None:
    figures: dict[str, Any] = {
        "link": {
            "bandwidth_bps_each_way": BANDWIDTH_BPS,
            "latency_one_way_s": LATENCY_S,
            "resets": "off while (a) and (b) are timed; 20 at random byte counts in (c)",
            "tcp": "plain HTTP; each timed sync opens a fresh TCP connection, whose handshake "
            "the proxy delays by one round trip",
        }
    }
    checks: list[dict[str, Any]] = []
    import keyring

    from server.demo_run import free_port, start_server, stop_server, wait_ready
    from tests.faults.world import MemoryKeyring
    from tests.support.faultproxy import FaultProxy

    keyring.set_keyring(MemoryKeyring())  # the benchmark never touches the OS keyring
    with tempfile.TemporaryDirectory(prefix="kabar-sync-link-") as tmp:
        root = Path(tmp)
        db_url = f"sqlite:///{root / 'server.db'}"
        server = None
        proxy = None
        try:
            prepare_database(db_url)
            port = free_port()
            log_path = root / "server.log"
            server = start_server(db_url, port, log_path)
            base = f"http://127.0.0.1:{port}"
            wait_ready(server, base, log_path)
            proxy = FaultProxy("127.0.0.1", port, seed=20).start()
            for part in ("a", "b", "c"):
                if os.environ.get("KABAR_LINK_PARTS", "abc").find(part) < 0:
                    continue
                log(f"part ({part}) ...")
                if part == "a":
                    part_a(root, proxy, figures, checks)
                elif part == "b":
                    part_b(root, base, proxy, figures, checks)
                else:
                    part_c(root, db_url, proxy, figures, checks)
        except Exception as exc:  # any failure still ends with the JSON line
            figures["error"] = f"{type(exc).__name__}: {exc}"
            figures["traceback"] = traceback.format_exc()[-4000:]
            checks.append(check("ran_to_the_end", 0, ">=", 1))
        finally:
            if proxy is not None:
                proxy.stop()
            if server is not None:
                stop_server(server)
    emit("sync_link", figures, checks)


if __name__ == "__main__":
    main()
