"""The long run of the sync state machine (tests/faults/machine.py): three clients edit, sync,
settle conflicts and restart while the fault proxy resets, drops answers, black-holes and
answers 502/503; every step must leave nothing doubled or lost and every example must converge.

``python -m benchmarks.sync_soak``; settings from the environment:
``KABAR_SOAK_EXAMPLES`` (examples per batch, default 50), ``KABAR_SOAK_STEPS`` (steps per
example, default 60), ``KABAR_SOAK_MINUTES`` (batches run until this much time is used,
default 10), ``KABAR_SOAK_SEED`` (the first batch's seed; each batch adds one; default 1).
The last stdout line is the JSON report.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from typing import Any

from benchmarks._report import check, emit

EXAMPLES = int(os.environ.get("KABAR_SOAK_EXAMPLES", "50"))
STEPS = int(os.environ.get("KABAR_SOAK_STEPS", "60"))
MINUTES = float(os.environ.get("KABAR_SOAK_MINUTES", "10"))
SEED = int(os.environ.get("KABAR_SOAK_SEED", "1"))


def run_batch(machine: Any, seed: int) -> None:
    """One hypothesis run of the machine with a fixed seed: a failure is shrunk and raised."""
    import hypothesis
    from hypothesis import HealthCheck, settings
    from hypothesis.stateful import get_state_machine_test

    test = get_state_machine_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    hypothesis.seed(seed)(test)()


def main() -> None:
    from tests.faults.machine import SyncMachine

    totals = {
        "examples": 0,
        "steps": 0,
        "syncs": 0,
        "faults": 0,
        "settlements": 0,
        "open_conflicts_at_end": 0,
        "batches": 0,
    }

    class Counted(SyncMachine):
        def teardown(self) -> None:
            totals["examples"] += 1
            totals["steps"] += self.steps
            totals["syncs"] += self.syncs
            totals["faults"] += self.faults
            super().teardown()
            totals["settlements"] += self.settled
            totals["open_conflicts_at_end"] += self.final_conflicts

    figures: dict[str, Any] = {
        "examples_per_batch": EXAMPLES,
        "steps_per_example": STEPS,
        "minutes": MINUTES,
        "first_seed": SEED,
    }
    failure: str | None = None
    start = time.perf_counter()
    seed = SEED
    while time.perf_counter() - start < MINUTES * 60:
        try:
            run_batch(Counted, seed)
        except Exception as exc:
            # The message says what broke; the tail of the trace holds the failing example.
            failure = str(exc)[:8000] + "\n...\n" + traceback.format_exc()[-8000:]
            break
        totals["batches"] += 1
        seed += 1
        print(f"batch {totals['batches']} done: {totals}", file=sys.stderr, flush=True)
    wall = time.perf_counter() - start
    figures.update(totals)
    figures["wall_s"] = round(wall, 1)
    figures["seconds_per_example"] = round(wall / max(1, totals["examples"]), 2)
    if failure is not None:
        figures["failure"] = failure
        figures["failed_seed"] = seed
    checks = [
        check("failures", int(failure is not None), "<=", 0),
        check("examples", totals["examples"], ">=", 1),
    ]
    emit("sync_soak", figures, checks)


if __name__ == "__main__":
    main()
