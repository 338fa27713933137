"""Server load benchmark: every puskesmas in Indonesia pushes one day's full report at once.

On a throw-away PostgreSQL cluster with ``kabar-server serve --workers N``: (a) import all of
Kemendagri's region codes with ``kabar-server import-wilayah`` (timed), (b) set up ~10,300
puskesmas, one officer and one device token each, straight in the database (not timed), (c) each
puskesmas pushes both shipped forms for one day (2 submissions in one request, gzip) from
concurrent clients, and the database is checked afterwards for exactly what was sent.
"""

from __future__ import annotations

import gzip
import json
import os
import queue
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks._report import check, emit, percentile
from server.auth import token_hash
from server.demo_run import DemoError, free_port, start_server, stop_server, wait_ready
from sync.protocol import value_to_json

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
FACILITIES = int(os.environ.get("KABAR_BENCH_FACILITIES", "10300"))
#: 2 cores: two workers keep both busy while PostgreSQL and the clients take their share
WORKERS = int(os.environ.get("KABAR_BENCH_WORKERS", "2"))
CLIENTS = int(os.environ.get("KABAR_BENCH_CLIENTS", "8"))
#: 0 (default): every push on its own TCP connection, as 10,300 separate laptops would send it;
#: 1: each client thread keeps one connection alive for all its pushes (which pins a client to
#: one uvicorn worker for the whole run and so measures the kernel's accept lottery as well)
KEEPALIVE = os.environ.get("KABAR_BENCH_KEEPALIVE", "0") == "1"
#: the load phase is cut off here (the limit is 60 s): a failing check, never a hang
LOAD_DEADLINE_S = float(os.environ.get("KABAR_BENCH_DEADLINE_S", "150"))
REQUEST_TIMEOUT_S = 30.0
APP_VERSION = "0.1.0"
BENCH_PASSWORD_HASH_INPUT = "benchmark-only-password"


class BenchError(RuntimeError):
    """The benchmark could not be set up or run; the message says why."""


# -- the server as a subprocess -----------------------------------------------------------------
def server_command(*args: str) -> list[str]:
    """``kabar-server ARGS`` run from this checkout (the console script if installed)."""
    script = Path(sys.executable).parent / "kabar-server"
    if script.exists():
        return [str(script), *args]
    code = "import sys; from server.cli import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", code, *args]


def run_cli(*args: str, timeout: float = 300) -> tuple[float, str]:
    """Run one ``kabar-server`` command; return its wall time and output, raise on failure."""
    start = time.perf_counter()
    result = subprocess.run(
        server_command(*args),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise BenchError(
            f"kabar-server {args[0]} failed ({result.returncode}): "
            f"{(result.stderr or result.stdout).strip()[-2000:]}"
        )
    return elapsed, result.stdout


class ServerProcess:
    """``kabar-server serve`` with N workers, run by ``server.demo_run``'s helpers."""

    def __init__(self, db_url: str, workers: int, log_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.proc = start_server(db_url, self.port, log_path, workers)

    def wait_ready(self, timeout: float = 90) -> None:
        try:
            wait_ready(self.proc, self.base, self.log_path, timeout)
        except DemoError as exc:
            raise BenchError(str(exc)) from None

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        stop_server(self.proc)


# -- set-up straight in the database ------------------------------------------------------------
@dataclass
class Facility:
    code: str
    name: str
    kecamatan: str
    token: str
    device_id: str


def facility_counts(n_kecamatan: int, total: int) -> list[int]:
    """``total`` facilities spread evenly (1 or 2 each when total < 2 × n) and deterministically."""
    ratio = total / n_kecamatan
    return [int((i + 1) * ratio) - int(i * ratio) for i in range(n_kecamatan)]


def seed_facilities(db_url: str, total: int) -> list[Facility]:
    """Puskesmas under the imported kecamatan, an officer and a device token for each."""
    from argon2 import PasswordHasher
    from sqlalchemy import insert, select

    from server.db import make_engine
    from server.models import Device, OrgUnit, User, UserOrgUnit

    engine = make_engine(db_url)
    now = datetime.now(UTC)
    # One real argon2id hash for everyone: hashing 10,000 passwords would take minutes.
    password_hash = PasswordHasher().hash(BENCH_PASSWORD_HASH_INPUT)
    try:
        with engine.begin() as conn:
            kecamatan = conn.execute(
                select(OrgUnit.code, OrgUnit.name, OrgUnit.path)
                .where(OrgUnit.level == "kecamatan")
                .order_by(OrgUnit.code)
            ).all()
            if not kecamatan:
                raise BenchError("no kecamatan in the database: did import-wilayah run?")
            units: list[dict[str, Any]] = []
            facilities: list[Facility] = []
            for (kec_code, kec_name, kec_path), count in zip(
                kecamatan, facility_counts(len(kecamatan), total), strict=True
            ):
                for k in range(1, count + 1):
                    code = f"P{kec_code.replace('.', '')}9{k:02d}"
                    name = f"Puskesmas {kec_name}" + (f" {k}" if k > 1 else "")
                    units.append(
                        {
                            "code": code,
                            "name": name,
                            "level": "puskesmas",
                            "parent_code": kec_code,
                            "type": "puskesmas",
                            "path": f"{kec_path}{code}/",
                        }
                    )
                    facilities.append(
                        Facility(code, name, kec_code, secrets.token_urlsafe(32), str(uuid.uuid4()))
                    )
            conn.execute(insert(OrgUnit), units)
            conn.execute(
                insert(User),
                [
                    {
                        "username": f"pkm{i:05d}",
                        "name": f"Petugas {f.name}",
                        "role": "petugas_puskesmas",
                        "phone": None,
                        "password_hash": password_hash,
                        "active": True,
                        "created_at": now,
                    }
                    for i, f in enumerate(facilities)
                ],
            )
            ids = dict(
                conn.execute(select(User.username, User.id).where(User.username.like("pkm%"))).all()
            )
            user_ids = [ids[f"pkm{i:05d}"] for i in range(len(facilities))]
            conn.execute(
                insert(UserOrgUnit),
                [
                    {"user_id": u, "org_unit": f.code}
                    for u, f in zip(user_ids, facilities, strict=True)
                ],
            )
            conn.execute(
                insert(Device),
                [
                    {
                        "user_id": u,
                        "device_id": f.device_id,
                        "device_name": f"Laptop {f.name}",
                        "token_hash": token_hash(f.token),
                        "created_at": now,
                        "expires_at": now + timedelta(days=90),
                        "revoked_at": None,
                        "last_seen_at": now,  # as a login leaves it
                        "app_version": APP_VERSION,
                    }
                    for u, f in zip(user_ids, facilities, strict=True)
                ],
            )
        return facilities
    finally:
        engine.dispose()


# -- the pushes ---------------------------------------------------------------------------------
def build_bodies(facilities: list[Facility], period: date) -> tuple[list[bytes], int]:
    """One gzip push body per facility (both forms), built before the clock starts."""
    from desktop.demo import _Puskesmas, _values
    from forms.loader import builtin_forms

    forms = sorted(builtin_forms(), key=lambda f: f.id)
    bodies: list[bytes] = []
    cells = 0
    at = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    for i, facility in enumerate(facilities):
        rng = random.Random(i)
        model = _Puskesmas(rng)
        model.day_index = i % 7
        day = {**model.covid(), **model.resources()}
        submissions = []
        for form in forms:
            values = _values(form, day, rng)
            fields = {f.code: f for f in form.fields}
            x = {code: value_to_json(fields[code], v) for code, v in values.items()}
            cells += len(x)
            submissions.append(
                {
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "ou": facility.code,
                    "f": form.id,
                    "v": form.version,
                    "p": period.isoformat(),
                    "t": at,
                    "c": 1,
                    "b": 0,
                    "x": x,
                }
            )
        body = json.dumps({"d": facility.device_id, "s": submissions}, separators=(",", ":"))
        bodies.append(gzip.compress(body.encode("utf-8"), compresslevel=6))
    return bodies, cells


@dataclass
class LoadResult:
    latencies_ms: list[float]
    errors: int
    error_samples: list[str]
    wall_s: float
    completed: int


def push_all(
    base: str, facilities: list[Facility], bodies: list[bytes], clients: int
) -> LoadResult:
    """Every facility pushes once, ``clients`` at a time; stops at the deadline."""
    import requests

    work: queue.SimpleQueue[int] = queue.SimpleQueue()
    for i in range(len(facilities)):
        work.put(i)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + LOAD_DEADLINE_S

    def client() -> None:
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                try:
                    i = work.get_nowait()
                except queue.Empty:
                    return
                headers = {
                    "Authorization": f"Bearer {facilities[i].token}",
                    "Content-Type": "application/json",
                    "Content-Encoding": "gzip",
                    "Accept-Encoding": "gzip",
                    "X-Kabar-App": APP_VERSION,
                }
                if not KEEPALIVE:
                    headers["Connection"] = "close"
                t0 = time.perf_counter()
                problem = None
                try:
                    reply = session.post(
                        base + "/api/v1/push",
                        data=bodies[i],
                        headers=headers,
                        timeout=REQUEST_TIMEOUT_S,
                    )
                    ms = (time.perf_counter() - t0) * 1000
                    if reply.status_code != 200:
                        problem = (
                            f"{facilities[i].code}: HTTP {reply.status_code} {reply.text[:300]}"
                        )
                    else:
                        problem = receipt_problem(facilities[i].code, reply.json())
                except (requests.RequestException, ValueError) as e:
                    ms = (time.perf_counter() - t0) * 1000
                    problem = f"{facilities[i].code}: {type(e).__name__}: {e}"
                with lock:
                    latencies.append(ms)
                    if problem is not None:
                        errors.append(problem)

    threads = [threading.Thread(target=client, name=f"client-{n}") for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    unsent = len(facilities) - len(latencies)
    return LoadResult(latencies, len(errors) + unsent, errors[:5], wall, len(latencies))


def receipt_problem(code: str, body: dict[str, Any]) -> str | None:
    """Anything but two applied submissions with every cell applied is an error."""
    receipts = body.get("r")
    if not isinstance(receipts, list) or len(receipts) != 2:
        return f"{code}: receipts {str(body)[:300]}"
    for r in receipts:
        if r.get("s") != "applied" or r.get("c"):
            return f"{code}: not applied: {str(r)[:300]}"
    return None


def public_timings(base: str) -> dict[str, float]:
    """The public page and daily figures at national scale (reported, no limit in the issue)."""
    import requests

    out = {}
    for name, path in (
        ("public_page_ms", "/public/"),
        ("public_daily_kecamatan_ms", "/public/v1/daily.json?level=kecamatan"),
    ):
        t0 = time.perf_counter()
        reply = requests.get(base + path, timeout=120)
        ms = (time.perf_counter() - t0) * 1000
        out[name] = round(ms, 1) if reply.status_code == 200 else -1.0
    return out


def count_rows(db_url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from server.db import make_engine
    from server.models import Cell, CellVersion, DayStatus, Submission

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return {
                name: int(conn.execute(select(func.count()).select_from(model)).scalar_one())
                for name, model in (
                    ("submissions", Submission),
                    ("cells", Cell),
                    ("cell_versions", CellVersion),
                    ("day_status", DayStatus),
                )
            }
    finally:
        engine.dispose()


# -- main ---------------------------------------------------------------------------------------
def main() -> int:
    wilayah = SHARED_DATA / "wilayah.csv"
    if not wilayah.exists():
        print(
            f"server_load: {wilayah} not found; the benchmark needs Kemendagri's region codes "
            "there (kode,nama CSV)",
            file=sys.stderr,
        )
        return 2
    from tests.support.pgcluster import PgCluster

    figures: dict[str, Any] = {
        "workers": WORKERS,
        "clients": CLIENTS,
        "facilities": FACILITIES,
        "keepalive": KEEPALIVE,
    }
    checks: list[dict[str, Any]] = []
    work_dir = Path(tempfile.mkdtemp(prefix="kabar-bench-"))
    server: ServerProcess | None = None
    try:
        with PgCluster(max_connections=100) as pg:
            db_url = pg.create_database("kabar")
            run_cli("init", "--db", db_url)
            import_s, _ = run_cli("import-wilayah", "--db", db_url, str(wilayah))
            figures["import_wilayah_s"] = round(import_s, 2)
            checks.append(check("import_wilayah_s", round(import_s, 2), "<=", 30))
            for form_file in sorted((REPO / "forms" / "definitions").glob("*.yaml")):
                run_cli("publish-form", "--db", db_url, str(form_file))

            t0 = time.perf_counter()
            facilities = seed_facilities(db_url, FACILITIES)
            period = datetime.now(UTC).date() - timedelta(days=1)
            bodies, cells_sent = build_bodies(facilities, period)
            figures["setup_s"] = round(time.perf_counter() - t0, 1)
            figures["request_body_bytes_mean"] = round(sum(map(len, bodies)) / len(bodies))

            server = ServerProcess(db_url, WORKERS, work_dir / "server.log")
            server.wait_ready()
            result = push_all(server.base, facilities, bodies, CLIENTS)
            lat = result.latencies_ms or [float("inf")]
            figures.update(
                {
                    "all_pushes_s": round(result.wall_s, 2),
                    "pushes_per_s": round(result.completed / result.wall_s, 1),
                    "p50_ms": round(percentile(lat, 50), 1),
                    "p90_ms": round(percentile(lat, 90), 1),
                    "p99_ms": round(percentile(lat, 99), 1),
                    "max_ms": round(max(lat), 1),
                    "errors": result.errors,
                    "cells_sent": cells_sent,
                }
            )
            if result.error_samples:
                figures["error_samples"] = result.error_samples
            checks += [
                check("all_pushes_s", figures["all_pushes_s"], "<=", 60),
                check("pushes_per_s", figures["pushes_per_s"], ">=", 172),
                check("p99_ms", figures["p99_ms"], "<=", 500),
                check("errors", result.errors, "<=", 0),
            ]
            figures.update(public_timings(server.base))
            server.stop()
            rows = count_rows(db_url)
            figures["rows"] = rows
            figures["cells_written"] = rows["cells"]
            want_subs = 2 * len(facilities)
            checks += [
                check("submissions_missing", abs(rows["submissions"] - want_subs), "<=", 0),
                check("cells_missing", abs(rows["cells"] - cells_sent), "<=", 0),
                check("cell_versions_missing", abs(rows["cell_versions"] - cells_sent), "<=", 0),
            ]
    except Exception as e:  # any failure still ends with the JSON line, as a failed check
        print(f"server_load: {type(e).__name__}: {e}", file=sys.stderr)
        if server is not None:
            print(server.log_tail(), file=sys.stderr)
        checks.append(check("completed", 0, ">=", 1))
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work_dir, ignore_errors=True)
    emit("server_load", figures, checks)
    return 0 if all(c["ok"] for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
