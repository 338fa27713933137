"""The sync state machine (tests/faults/machine.py) with a modest number of examples; the long
run is ``python -m benchmarks.sync_soak``."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from tests.faults.machine import SyncMachine

#: ``KABAR_MACHINE_EXAMPLES`` raises the count locally without editing the file
EXAMPLES = int(os.environ.get("KABAR_MACHINE_EXAMPLES", "12"))

TestSyncMachine = SyncMachine.TestCase
TestSyncMachine.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=25,
    deadline=None,
    derandomize=True,  # the same examples on every run of make test
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
