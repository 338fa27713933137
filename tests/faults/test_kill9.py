"""A client process killed with SIGKILL at random (seeded) moments while it syncs, 100 times,
with new edits before each start and a second installation editing the same cells: every run
after a restart finishes, and at the end nothing is lost or doubled, on the server or locally."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.faults.world import COVID, PKM, SUMBER, Client, World, random_value

CYCLES = int(os.environ.get("KABAR_KILL_CYCLES", "100"))
#: every N cycles a restarted client must finish a run (and the invariants are checked)
FINISH_EVERY = 10
SCRIPT = Path(__file__).with_name("kill_client.py")
REPO = Path(__file__).resolve().parents[2]
TODAY = date.today()
INDICATORS = {
    COVID: ("suspek_baru", "konfirmasi_baru", "sembuh", "meninggal", "isolasi_mandiri"),
    SUMBER: ("tt_isolasi_terisi", "oksigen_terpakai", "catatan", "listrik_padam"),
}


def _child(client: Client, mode: str) -> subprocess.Popen[str]:
    env = {**os.environ, "KABAR_TEST_TOKEN": client.token() or "", "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), str(client.data_dir), client.url, mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def _wait_ready(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        _out, err = proc.communicate(timeout=10)
        raise AssertionError(f"the client process did not start: {line!r}\n{err[-3000:]}")


def _finish(client: Client) -> None:
    proc = _child(client, "finish")
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    assert proc.returncode == 0, f"a restarted client did not finish:\n{out[-2000:]}{err[-3000:]}"


def _edits(client: Client, rng: random.Random, days: int) -> None:
    for _ in range(rng.randint(1, 3)):
        form_id = rng.choice(sorted(INDICATORS))
        period = TODAY - timedelta(days=rng.randint(1, days))
        chosen = rng.sample(INDICATORS[form_id], rng.randint(1, len(INDICATORS[form_id])))
        in_conflict = {
            (k.org_unit, k.form_id, k.period, k.indicator) for k in client.store.open_conflicts()
        }
        values = {
            i: random_value(form_id, i, rng)
            for i in chosen
            if (PKM, form_id, period, i) not in in_conflict
        }
        if values:
            client.edit(PKM, form_id, period, values)


@pytest.mark.timeout(300)
def test_kill_minus_nine_during_sync(world: World) -> None:
    rng = random.Random(int(os.environ.get("KABAR_KILL_SEED", "99")))
    world.proxy.latency_s = 0.03  # a sync takes long enough for a kill to land mid-flight
    killed = world.client("ani-1", "ani")
    peer = world.client("ani-2", "ani")
    killed.close()
    started = time.monotonic()
    kills = 0
    runs_done: list[int] = []  # runs the child completed before the kill, per cycle
    for cycle in range(1, CYCLES + 1):
        killed.open()
        _edits(killed, rng, days=6)
        killed.close()
        if cycle % 7 == 0:
            _edits(peer, rng, days=6)
            peer.sync()
        proc = _child(killed, "loop")
        _wait_ready(proc)
        time.sleep(rng.uniform(0.0, 0.35))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        out, _err = proc.communicate(timeout=30)
        runs_done.append(out.count("run finished="))
        if cycle % FINISH_EVERY == 0:
            _finish(killed)
            killed.open()
            world.check(settled=False)
            killed.close()
    _finish(killed)
    killed.restart()  # its store and token, in this process
    world.settle()  # both installations, in this process, until nothing moves
    world.check(settled=True)
    assert kills >= CYCLES * 0.9  # the kills really landed while it ran
    # ... and mostly inside the first run, the one with work to do
    assert sum(1 for n in runs_done if n == 0) >= CYCLES * 0.5, runs_done
    assert time.monotonic() - started < 240
