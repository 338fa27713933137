"""``python -m server.demo_run --headless``: the server starts, the desktop goes idle, the server is
gone afterwards; a second run reuses the same demo database."""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

REPO = Path(__file__).resolve().parents[2]


def _run(data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "server.demo_run", "--headless", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=110,
        cwd=REPO,
        env=env,
        check=False,
    )


def _refused(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.timeout(240)
def test_headless_demo_runs_against_a_demo_server_and_stops_it(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "KABAR_IDLE" in out
    match = re.search(r"KABAR_DEMO_SERVER pid=(\d+) url=http://127\.0\.0\.1:(\d+)", out)
    assert match, out
    pid, port = int(match.group(1)), int(match.group(2))
    assert "Server demo dihentikan." in out
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert _refused(port)
    # the demo accounts were printed, and the desktop remembered the server it was pointed at
    assert "ani" in out and "demo1234" in out
    db = tmp_path / "server" / "kabar-server.db"
    with sqlite3.connect(db) as conn:
        users = conn.execute("SELECT count(*) FROM users").fetchone()[0]
    assert users >= 5
    assert (tmp_path / "desktop").is_dir()
    # the headless demo logged in as ani and sent ani's puskesmas's demo weeks to the server
    assert '"facility": "P6408040201"' in out
    sent = re.search(r"KABAR_DEMO_SYNC pushed=(\d+) unsent=(\d+) finished=1", out)
    assert sent, out
    assert int(sent.group(1)) > 0 and sent.group(2) == "0"
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT count(*), count(DISTINCT org_unit) FROM submissions").fetchone()
    assert rows == (int(sent.group(1)), 1)

    # Again: init and demo-seed change nothing, a new server starts and stops.
    again = _run(tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == users
    # nothing new to send the second time, and nothing sent twice
    assert "KABAR_DEMO_SYNC pushed=0 unsent=0 finished=1" in again.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM submissions").fetchone()[0] == int(sent.group(1))
