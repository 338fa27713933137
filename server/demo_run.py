"""``make demo``: a demo server on loopback, the desktop app pointed at it, stopped afterwards.

``python -m server.demo_run [--headless]``: the server keeps its database in
``demo-data/server/kabar-server.db`` (SQLite, the embedded default); ``init`` and ``demo-seed``
run every time and change nothing when already done. The server is stopped when the app closes,
also on Ctrl+C or an error.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

READY_TIMEOUT_S = 60.0


class DemoError(RuntimeError):
    """The demo could not start; the message says why."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m server.demo_run",
        description="Kabar demo: a demo server on this computer and the desktop app using it",
    )
    parser.add_argument("--data-dir", type=Path, default=Path("demo-data"), help="demo folder")
    parser.add_argument(
        "--headless",
        action="store_true",
        help="no display: draw the app offscreen and close it once it is idle",
    )
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_cli(*args: str) -> None:
    """One ``kabar-server`` command in this process; a failure becomes a DemoError."""
    from server.cli import main

    try:
        code = main(list(args))
    except SystemExit as e:  # argparse exits on bad arguments
        code = e.code if isinstance(e.code, int) else 1
    if code:
        raise DemoError(f"kabar-server {args[0]} failed (exit code {code})")


def start_server(
    db_url: str, port: int, log_path: Path, workers: int = 1
) -> subprocess.Popen[bytes]:
    """``kabar-server serve`` on 127.0.0.1 in its own process group (stopping it ends all of it).

    Shared with ``benchmarks.server_load``.
    """
    code = "import sys; from server.cli import main; sys.exit(main(sys.argv[1:]))"
    args = ["serve", "--db", db_url, "--host", "127.0.0.1", "--port", str(port)]
    args += ["--workers", str(workers)]
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_ready(
    proc: subprocess.Popen[bytes], base: str, log_path: Path, timeout: float = READY_TIMEOUT_S
) -> None:
    """Until ``base``/healthz answers; DemoError with the log's tail if the server dies first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise DemoError(f"the server stopped at start-up ({proc.returncode}):\n{tail}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise DemoError(f"the server did not answer /healthz within {timeout:.0f} s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


#: the demo account whose puskesmas the headless desktop run fills (``server/demo.py``)
DEMO_LOGIN = ("ani", "demo1234")


def preset_demo_facility(data_dir: Path) -> None:
    """The desktop demo enters figures for the demo account's own puskesmas (as IT staff
    preset a laptop's facility), so logging in as that account sends them."""
    from server.demo import DEMO_ACCOUNTS
    from sync.store import Store

    account = next(a for a in DEMO_ACCOUNTS if a.username == DEMO_LOGIN[0])
    with Store.open(data_dir) as store:
        # the desktop's settings keys (desktop/settings_keys.py: FACILITY, OFFICER); the
        # server never imports desktop, and tests/server/test_demo_run.py holds them equal
        if store.get_setting("facility"):
            return  # chosen before (first-run dialog or an earlier demo): the officer's choice
        if not store.org_units():
            store.load_demo_org_units()
        if store.org_unit(account.org_unit) is None:
            return  # not in the desktop's demo hierarchy: the first-run dialog asks
        store.set_setting("facility", account.org_unit)
        store.set_setting("officer", account.name)


def demo_sync(data_dir: Path, base: str) -> None:
    """Headless only: what the officer would do next — log in and sync — done by the engine
    itself, so ``make demo`` without a display still shows the main job end to end."""
    from sync.engine import SyncEngine, login_and_prepare
    from sync.store import Store
    from sync.transport import SyncError, Transport

    username, password = DEMO_LOGIN
    with Store.open(data_dir) as store:
        transport = Transport(base, app_version="0.1.0")
        try:
            login_and_prepare(store, transport, username, password, "Laptop demo")
            report = SyncEngine(store, transport).run()
        except SyncError as e:
            raise DemoError(f"demo sync failed: {e.message.en}") from e
        finally:
            transport.close()
        summary = store.sync_summary()
    print(
        f"Sinkron demo sebagai {username}: {report.pushed} pengiriman diterima server, "
        f"{summary.unsent} hari-formulir belum terkirim, {summary.conflicts} konflik, "
        f"{report.round_trips} kali bolak-balik. KABAR_DEMO_SYNC pushed={report.pushed} "
        f"unsent={summary.unsent} finished={int(report.finished)}",
        flush=True,
    )
    if not report.finished:
        problem = report.problem.en if report.problem else "unknown"
        raise DemoError(f"demo sync did not finish: {problem}")


def run_desktop(data_dir: Path, base: str, headless: bool) -> int:
    cmd = [sys.executable, "-m", "desktop", "--data-dir", str(data_dir), "--server", base, "--demo"]
    env = dict(os.environ)
    if headless:
        cmd.append("--quit-when-idle")
        env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.call(cmd, env=env)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    root = args.data_dir.resolve()
    server_dir = root / "server"
    server_dir.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{server_dir / 'kabar-server.db'}"
    log_path = server_dir / "server.log"
    proc: subprocess.Popen[bytes] | None = None
    try:
        server_cli("init", "--db", db_url)
        server_cli("demo-seed", "--db", db_url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(db_url, port, log_path)
        print(f"KABAR_DEMO_SERVER pid={proc.pid} url={base}", flush=True)
        wait_ready(proc, base, log_path)
        print(f"Server demo berjalan di {base} (halaman publik: {base}/public/)", flush=True)
        preset_demo_facility(root / "desktop")
        code = run_desktop(root / "desktop", base, args.headless)
        if code == 0 and args.headless:
            demo_sync(root / "desktop", base)
        return code
    except DemoError as e:
        print(f"Kabar demo: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        if proc is not None:
            stop_server(proc)
            print("Server demo dihentikan.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
