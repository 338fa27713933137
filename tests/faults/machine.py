"""The sync state machine: three clients edit, sync, settle conflicts and restart while a fault
proxy misbehaves; after every step nothing is doubled or lost, and after a healthy final sync
every client agrees with the server except for exactly one open conflict per disputed edit.

Used by ``tests/faults/test_state_machine.py`` (a few examples in ``make test``) and by
``benchmarks/sync_soak.py`` (many, long).
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from tests.faults.world import (
    COVID,
    PKM,
    PKM2,
    SUMBER,
    World,
    memory_keyring,
)

TODAY = date.today()
#: a small space of cells so that clients often meet on the same one
PERIODS = (TODAY - timedelta(days=2), TODAY - timedelta(days=1))
CELLS: dict[str, tuple[str, ...]] = {
    COVID: ("suspek_baru", "sembuh", "meninggal"),
    SUMBER: ("listrik_padam", "lama_padam_jam", "catatan"),
}
#: few values, so equal concurrent edits (no conflict) happen as often as different ones
CHOICES: dict[str, list[Any]] = {
    "suspek_baru": [0, 1, 2, None],
    "sembuh": [0, 1, 2],
    "meninggal": [0, 3],
    "listrik_padam": [True, False],
    "lama_padam_jam": [Decimal("1.5"), Decimal("2"), None],
    "catatan": ["genset", "aman"],
}
VALUES: dict[str, st.SearchStrategy[Any]] = {i: st.sampled_from(v) for i, v in CHOICES.items()}
#: (name, username) of the three installations: ani on two laptops and her kecamatan officer
CLIENTS = (("ani-1", "ani"), ("ani-2", "ani"), ("camat", "camat"))

FAULTS = st.one_of(
    st.builds(
        lambda n, repeat: {"reset_after_bytes": n, "reset_repeat": repeat},
        st.integers(1, 4_000),
        st.booleans(),
    ),
    st.sampled_from(
        [
            {"drop_response": True, "drop_match": "POST /api/v1/push"},
            {"drop_response": True, "drop_match": "GET /api/v1/pull"},
            {"drop_response": True, "drop_match": None},
            {"black_hole": True},
            {"http_status": 502},
            {"http_status": 503, "retry_after": 1},
            {"latency_s": 0.02},
        ]
    ),
)


class ServerTemplate:
    """A migrated, seeded SQLite server database with the shipped forms, made once and copied
    for every example (a fresh server per example keeps the invariants exact)."""

    _path: Path | None = None

    @classmethod
    def copy_to(cls, target: Path) -> str:
        if cls._path is None or not cls._path.exists():
            from server.db import migrate
            from tests.server.conftest import seed
            from tests.server.test_sync_support import publish_builtin_forms

            folder = Path(tempfile.mkdtemp(prefix="kabar-machine-template-"))
            path = folder / "template.db"
            url = f"sqlite:///{path}"
            migrate(url)
            seed(url)
            publish_builtin_forms(url)
            cls._path = path
        shutil.copyfile(cls._path, target)
        return f"sqlite:///{target}"


class SyncMachine(RuleBasedStateMachine):
    """One example = a fresh server, proxy and three fresh installations."""

    #: Transport settings: short timeouts keep a black-holed sync around a second
    timeout = (0.5, 0.5)
    attempts = 2

    def __init__(self) -> None:
        super().__init__()
        from tests.server.conftest import LiveServer

        self.root = Path(tempfile.mkdtemp(prefix="kabar-machine-"))
        self._keyring = memory_keyring()
        self._keyring.__enter__()
        url = ServerTemplate.copy_to(self.root / "server.db")
        self.server = LiveServer(url).start()
        port = int(self.server.url.rsplit(":", 1)[1])
        self.world = World(url, port, self.root, seed=0)
        self.steps = 0
        self.syncs = 0
        self.faults = 0
        self.settled = 0
        #: open conflicts on the server once the example converged (for the soak's figures)
        self.final_conflicts = 0

    clients = Bundle("clients")

    @initialize(target=clients)
    def make_clients(self) -> Any:
        from hypothesis.stateful import multiple

        made = [
            self.world.client(name, username, timeout=self.timeout, attempts=self.attempts).name
            for name, username in CLIENTS
        ]
        return multiple(*made)

    def _client(self, name: str) -> Any:
        return next(c for c in self.world.clients if c.name == name)

    @rule(
        name=clients,
        form_id=st.sampled_from(sorted(CELLS)),
        period=st.sampled_from(PERIODS),
        data=st.data(),
    )
    def edit(self, name: str, form_id: str, period: date, data: st.DataObject) -> None:
        client = self._client(name)
        units = [PKM] if client.username == "ani" else [PKM, PKM2]
        unit = data.draw(st.sampled_from(units), label="unit")
        indicators = data.draw(
            st.lists(st.sampled_from(CELLS[form_id]), min_size=1, max_size=3, unique=True),
            label="indicators",
        )
        # Everything is drawn whatever the stores hold: what a fault did can differ between
        # runs of one example (timing), and hypothesis needs the same draws to replay it.
        drawn = {i: data.draw(VALUES[i], label=i) for i in indicators}
        in_conflict = {
            (k.org_unit, k.form_id, k.period, k.indicator) for k in client.store.open_conflicts()
        }
        values = {  # a disputed cell is changed through the conflict dialog (the settle rule)
            i: v for i, v in drawn.items() if (unit, form_id, period, i) not in in_conflict
        }
        if values:
            client.edit(unit, form_id, period, values)

    @rule(form_id=st.sampled_from(sorted(CELLS)), period=st.sampled_from(PERIODS), data=st.data())
    def edit_same_cell(self, form_id: str, period: date, data: st.DataObject) -> None:
        """Two or three installations change one cell of ani's puskesmas before they sync:
        equal values must merge, different ones must each become one conflict."""
        indicator = data.draw(st.sampled_from(CELLS[form_id]), label="indicator")
        who = data.draw(
            st.lists(
                st.sampled_from([c.name for c in self.world.clients]),
                min_size=2,
                max_size=3,
                unique=True,
            ),
            label="who",
        )
        values = [data.draw(VALUES[indicator], label="value") for _ in who]
        key = (PKM, form_id, period, indicator)
        for name, value in zip(who, values, strict=True):
            client = self._client(name)
            in_conflict = {
                (k.org_unit, k.form_id, k.period, k.indicator)
                for k in client.store.open_conflicts()
            }
            if key not in in_conflict:
                client.edit(PKM, form_id, period, {indicator: value})

    @rule()
    def sync_all(self) -> None:
        for client in self.world.clients:
            self.syncs += 1
            client.sync()

    @rule(
        name=clients,
        choice=st.sampled_from(["mine", "theirs", "other"]),
        pick=st.integers(0, 99),
        other=st.integers(0, 99),
    )
    def settle(self, name: str, choice: str, pick: int, other: int) -> None:
        client = self._client(name)
        conflicts = client.store.open_conflicts()
        if not conflicts:
            return
        lc = conflicts[pick % len(conflicts)]
        if choice == "mine":
            value = lc.mine
        elif choice == "theirs":
            value = lc.theirs
        else:
            options = CHOICES[lc.indicator]  # the person types another figure
            value = options[other % len(options)]
        client.store.settle_conflict(lc.id, value, author=client.name)
        self.settled += 1
        from tests.faults.world import canonical

        client.saved[(lc.org_unit, lc.form_id, lc.period, lc.indicator)] = canonical(
            lc.form_id, lc.indicator, value
        )

    @rule(name=clients)
    def sync(self, name: str) -> None:
        self.syncs += 1
        self._client(name).sync()

    @rule(fault=FAULTS)
    def inject_fault(self, fault: dict[str, Any]) -> None:
        self.faults += 1
        self.world.proxy.clear_faults()
        self.world.proxy.configure(latency_s=0.0)
        self.world.proxy.configure(**fault)

    @precondition(lambda self: self.world.proxy.stats().connections > 0)
    @rule()
    def heal(self) -> None:
        self.world.proxy.clear_faults()
        self.world.proxy.configure(latency_s=0.0)

    @rule(name=clients)
    def restart(self, name: str) -> None:
        self._client(name).restart()

    @invariant()
    def nothing_doubled_or_lost(self) -> None:
        self.steps += 1
        if self.world.clients:
            self.world.check(settled=False)

    def teardown(self) -> None:
        try:
            if self.world.clients:
                self.world.proxy.configure(latency_s=0.0)
                self.world.settle()
                state = self.world.check(settled=True)
                self.final_conflicts = sum(k["status"] == "open" for k in state.conflicts)
        finally:
            self.world.close()
            self.server.stop()
            self._keyring.__exit__(None, None, None)
            shutil.rmtree(self.root, ignore_errors=True)
