"""A small world for sync fault tests: the real server, the fault proxy in front of it, real
client stores that log in and sync through it, and the invariants every scenario must hold.

Shared by the fault e2e tests, the state machine, the kill -9 test and the benchmarks.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
from sqlalchemy import select

from forms.loader import builtin_forms
from forms.model import FieldType, FormDefinition, Value
from forms.types import to_storage
from tests.support.faultproxy import FaultProxy

APP_VERSION = "0.1.0"
PASSWORD = "rahasia-123"  # tests.server.conftest.SEED_PASSWORD
FORMS: dict[str, FormDefinition] = {f.id: f for f in builtin_forms()}
COVID = "covid19-harian"
SUMBER = "sumber-daya-harian"
PKM = "P6408040201"  # ani's puskesmas (camat's kecamatan holds it too)
PKM2 = "P6408040202"  # camat's only
PKM3 = "P6408040203"

#: (org unit, form id, period, indicator)
CellKey = tuple[str, str, date, str]


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-memory keyring (never the null backend: it would hide bugs)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@contextmanager
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(previous)


def canonical(form_id: str, indicator: str, value: Value) -> str | None:
    """The stored text both sides compare (``forms.types.to_storage``)."""
    if value is None:
        return None
    return to_storage(FORMS[form_id].field(indicator).type, value)


def random_value(form_id: str, indicator: str, rng: random.Random) -> Value:
    """A valid value for a field (within its min/max), sometimes None (a cleared figure)."""
    from decimal import Decimal

    f = FORMS[form_id].field(indicator)
    if f.type is FieldType.INTEGER:
        low = int(f.min) if f.min is not None else 0
        high = int(f.max) if f.max is not None else low + 500
        return rng.randint(low, min(high, low + 500))
    if f.type is FieldType.DECIMAL:
        return Decimal(rng.randint(0, 240)) / 10
    if f.type is FieldType.YESNO:
        return rng.random() < 0.5
    if f.type is FieldType.CHOICE:
        return rng.choice(f.choices).code
    return rng.choice(["genset", "listrik padam", "aman", "banjir di jalan"])


# -- a client -----------------------------------------------------------------------------------
@dataclass
class Client:
    """One installation: a Store in ``data_dir`` that syncs through ``url`` as ``username``."""

    name: str
    data_dir: Path
    url: str
    username: str
    timeout: tuple[float, float] = (1.0, 2.0)
    attempts: int = 2
    seed: int = 0
    #: the last value this client saved per cell (the oracle for "nothing lost")
    saved: dict[CellKey, str | None] = field(default_factory=dict)
    store: Any = None
    transport: Any = None
    _token: str | None = None

    def open(self) -> Client:
        from sync.store import Store

        self.store = Store.open(self.data_dir)
        return self

    def _transport(
        self, token: str | None = None, timeout: tuple[float, float] | None = None
    ) -> Any:
        from sync.transport import Transport

        return Transport(
            self.url,
            token=token,
            app_version=APP_VERSION,
            timeout=timeout or self.timeout,
            attempts=self.attempts,
            sleep=lambda _s: None,  # retries at once: the test decides when time passes
            rng=random.Random(self.seed),
        )

    def login(self) -> None:
        from sync.credentials import load_token
        from sync.engine import login_and_prepare

        # The login is not under test: a generous timeout (the server's argon2 check can take
        # more than a black-hole test's short read timeout on a busy machine).
        login = self._transport(timeout=(5.0, 60.0))
        try:
            login_and_prepare(self.store, login, self.username, PASSWORD, self.name)
        finally:
            login.close()
        # Each installation is its own laptop with its own keyring; in one test process two
        # installations of the same user would share one keyring entry (server URL | user).
        self._token = load_token(self.url, self.username)
        assert self._token, "login_and_prepare kept no token in the keyring"
        self.transport = self._transport(self._token)

    def token(self) -> str | None:
        """The token this installation's own keyring holds."""
        return self._token

    def restart(self) -> None:
        """Close everything and open again, as after closing the app (the token from the
        keyring, nothing else kept in memory)."""
        self.close()
        self.open()
        self.transport = self._transport(self.token())

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None
        if self.store is not None:
            self.store.close()
            self.store = None

    @property
    def device_id(self) -> str:
        return str(self.store.device_id())

    def edit(
        self,
        org_unit: str,
        form_id: str,
        period: date,
        values: Mapping[str, Value],
        *,
        complete: bool = False,
    ) -> None:
        result = self.store.save_day(
            org_unit, FORMS[form_id], period, values, author=self.name, complete=complete
        )
        for indicator in result.changed:  # a value equal to the one held is no new edit
            value = values[indicator]
            self.saved[(org_unit, form_id, period, indicator)] = canonical(
                form_id, indicator, value
            )

    def sync(self, **kw: Any) -> Any:
        from sync.engine import SyncEngine

        return SyncEngine(self.store, self.transport, **kw).run()

    def local_cells(self, keys: Iterable[CellKey]) -> dict[CellKey, tuple[str | None, str]]:
        """(canonical value, sync_state) of each of ``keys`` this store holds."""
        out: dict[CellKey, tuple[str | None, str]] = {}
        by_day: dict[tuple[str, str, date], list[str]] = {}
        for ou, form_id, period, indicator in keys:
            by_day.setdefault((ou, form_id, period), []).append(indicator)
        for (ou, form_id, period), indicators in by_day.items():
            day = self.store.load_day(ou, FORMS[form_id], period)
            for indicator in indicators:
                meta = day.cells.get(indicator)
                if meta is not None:
                    out[(ou, form_id, period, indicator)] = (
                        canonical(form_id, indicator, meta.value),
                        meta.sync_state,
                    )
        return out


# -- the server's side, read straight from its database -----------------------------------------
@dataclass
class ServerState:
    cells: dict[CellKey, tuple[str | None, int]]  # value, rev
    versions: list[tuple[int, CellKey, str | None, str, str]]  # rev, key, value, device, sub
    submissions: dict[str, str]  # id -> device
    conflicts: list[dict[str, Any]]  # every conflict row


def read_server(db_url: str) -> ServerState:
    from server.db import make_engine
    from server.models import Cell, CellVersion, Conflict, Submission

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            cells = {
                (r.org_unit, r.form_id, r.period, r.indicator): (r.value, r.rev)
                for r in conn.execute(select(Cell))
            }
            versions = [
                (
                    r.rev,
                    (r.org_unit, r.form_id, r.period, r.indicator),
                    r.value,
                    r.device_id,
                    r.submission_id,
                )
                for r in conn.execute(select(CellVersion).order_by(CellVersion.rev))
            ]
            submissions = {
                r.id: r.device_id for r in conn.execute(select(Submission.id, Submission.device_id))
            }
            conflicts = [dict(r._mapping) for r in conn.execute(select(Conflict))]
    finally:
        engine.dispose()
    return ServerState(cells, versions, submissions, conflicts)


def push_items(client: Client) -> list[tuple[str, str]]:
    """(uuid, state) of every push item the client ever made, read from its file."""
    import sqlite3

    conn = sqlite3.connect(f"file:{client.store.path}?mode=ro", uri=True)
    try:
        return [(str(u), str(s)) for u, s in conn.execute("SELECT uuid, state FROM push_items")]
    finally:
        conn.close()


# -- the invariants -----------------------------------------------------------------------------
def check_invariants(db_url: str, clients: list[Client], *, settled: bool = True) -> ServerState:
    """What every scenario must leave behind (``settled``: after a clean final sync of every
    client, so local and server state must agree):

    1. no duplicates: each (submission, indicator) makes at most one cell version; a cell never
       gets two consecutive versions with the same value; every push item a client counts as
       done is on the server exactly once, and the server holds no submission of a device that
       the device does not know;
    2. nothing lost: every client's last saved value of every cell it edited is on the server,
       in the cell's history (from that device or equal to the value it met) or as an open
       conflict candidate from that device (mid-way: or still held by the client, unsent;
       always: or held by the client while it waits for a person to settle the open conflict
       on that cell, which the conflict dialog shows as "mine");
    3. conflicts: per cell and device at most one open conflict; after a settled sync a client
       has an open conflict on a cell exactly when its value differs from the server's, both on
       the server and locally (mine = its value, theirs = the server's current value), and
       every other cell it holds equals the server's, acknowledged ('sent').
    """
    state = read_server(db_url)
    problems: list[str] = []

    # 1. duplicates
    seen: set[tuple[str, str]] = set()
    last_value: dict[CellKey, str | None] = {}
    for _rev, key, value, _device, sub in state.versions:
        if (sub, key[3]) in seen:
            problems.append(f"submission {sub} wrote {key} twice")
        seen.add((sub, key[3]))
        if key in last_value and last_value[key] == value:
            problems.append(f"{key}: two consecutive versions with the same value {value!r}")
        last_value[key] = value
    for key, (value, _rev) in state.cells.items():
        if last_value.get(key, "<none>") != value:
            problems.append(f"{key}: current value {value!r} is not its newest version")
    devices = {c.device_id: c for c in clients}
    for c in clients:
        items = push_items(c)
        done = {u for u, s in items if s == "done"}
        on_server = {u for u, d in state.submissions.items() if d == c.device_id}
        missing = done - on_server
        if missing:
            problems.append(f"{c.name}: {len(missing)} item(s) done locally, not on the server")
        unknown = on_server - {u for u, _s in items}
        if unknown:
            problems.append(f"{c.name}: {len(unknown)} server submission(s) it never made")
        if settled:
            waiting = [u for u, s in items if s == "inflight"]
            if waiting:
                problems.append(f"{c.name}: {len(waiting)} item(s) still in flight")
    for sub, device in state.submissions.items():
        if device not in devices:
            problems.append(f"submission {sub} from an unknown device {device}")

    # 2. nothing lost
    history: dict[CellKey, list[tuple[str | None, str]]] = {}
    for _rev, key, value, device, _sub in state.versions:
        history.setdefault(key, []).append((value, device))
    open_conflicts = [k for k in state.conflicts if k["status"] == "open"]
    candidates: dict[tuple[CellKey, str], list[dict[str, Any]]] = {}
    for k in open_conflicts:
        key = (k["org_unit"], k["form_id"], k["period"], k["indicator"])
        candidates.setdefault((key, k["candidate_device_id"]), []).append(k)
    for c in clients:
        # Not yet on the server is fine mid-way while the client still holds it, unsent; and
        # at any time for a value edited while the server held an open conflict on the cell:
        # it waits in the client for the person's settlement (the dialog offers it as "mine").
        unsent = c.local_cells(c.saved)
        disputed = {
            (k.org_unit, k.form_id, k.period, k.indicator)
            for k in c.store.open_conflicts()
            if k.server_id is not None
        }
        for key, value in c.saved.items():
            values = [v for v, _d in history.get(key, [])]
            in_history = value in values
            as_candidate = any(
                k["candidate_value"] == value for k in candidates.get((key, c.device_id), [])
            )
            never_sent = value is None and key not in state.cells
            held = unsent.get(key, ("", ""))
            waiting = held[0] == value and (
                (not settled and held[1] in ("local", "pending", "conflict"))
                or (key in disputed and held[1] in ("local", "conflict"))
            )
            if not (in_history or as_candidate or never_sent or waiting):
                problems.append(
                    f"{c.name}: saved {key} = {value!r} is not on the server "
                    f"(history {values}, candidates "
                    f"{[k['candidate_value'] for k in candidates.get((key, c.device_id), [])]})"
                )

    # 3. conflicts
    for (key, device), ks in candidates.items():
        if len(ks) > 1:
            problems.append(f"{key}: {len(ks)} open conflicts from device {device}")
    if settled:
        for c in clients:
            problems += _settled_client_problems(c, state, candidates)
    if problems:
        raise AssertionError("sync invariants broken:\n  " + "\n  ".join(problems[:40]))
    return state


def _settled_client_problems(
    c: Client, state: ServerState, candidates: dict[tuple[CellKey, str], list[dict[str, Any]]]
) -> list[str]:
    """After a clean sync: each cell the client holds equals the server's, or the client has
    exactly one open conflict on it, locally and on the server, for its own value."""
    problems: list[str] = []
    local_conflicts = c.store.open_conflicts()
    mine = {(lc.org_unit, lc.form_id, lc.period, lc.indicator): lc for lc in local_conflicts}
    if len(mine) != len(local_conflicts):
        problems.append(f"{c.name}: more than one open local conflict on a cell")
    keys = set(state.cells) | set(c.saved) | set(mine)
    local = c.local_cells(keys)
    for key, (value, sync_state) in local.items():
        server_value = state.cells[key][0] if key in state.cells else "<absent>"
        theirs = candidates.get((key, c.device_id), [])
        lc = mine.get(key)
        if lc is None:
            if value != server_value:
                problems.append(
                    f"{c.name}: holds {key} = {value!r} ({sync_state}), the server "
                    f"{server_value!r}, and there is no open local conflict"
                )
            if sync_state != "sent":
                problems.append(f"{c.name}: {key} still {sync_state!r} after a clean sync")
            if theirs:
                problems.append(f"{c.name}: {key} agrees, yet the server holds an open conflict")
            continue
        lc_mine = canonical(key[1], key[3], lc.mine)
        lc_theirs = canonical(key[1], key[3], lc.theirs)
        if lc_mine != value or lc_theirs != server_value or value == server_value:
            problems.append(
                f"{c.name}: local conflict {key} mine={lc_mine!r} theirs={lc_theirs!r}; "
                f"local value {value!r}, server {server_value!r}"
            )
        # 'local': edited again while in conflict, it waits for the person's settlement and
        # the server's candidate is the value sent before
        if sync_state not in ("conflict", "local"):
            problems.append(f"{c.name}: {key} in an open conflict but {sync_state!r}")
        if len(theirs) != 1 or (sync_state == "conflict" and theirs[0]["candidate_value"] != value):
            problems.append(
                f"{c.name}: {key} = {value!r} ({sync_state}) in local conflict; server "
                f"candidates from this device {[k['candidate_value'] for k in theirs]}"
            )
        elif lc.server_id != theirs[0]["id"]:
            problems.append(
                f"{c.name}: {key} local conflict knows k={lc.server_id}, "
                f"the server's is {theirs[0]['id']}"
            )
    for key in mine:
        if key not in local:
            problems.append(f"{c.name}: open local conflict on {key} without a local cell")
    for (key, device), _ks in candidates.items():
        if device == c.device_id and key not in mine:
            problems.append(f"{c.name}: server conflict on {key} unknown locally")
    missing = [k for k in state.cells if k not in local and in_scope(c, k)]
    if missing:
        problems.append(f"{c.name}: {len(missing)} server cell(s) never pulled, e.g. {missing[0]}")
    if problems:
        named = [k for k in keys if any(str(k) in p for p in problems)]
        problems += [explain(c, k, state) for k in sorted(named, key=str)[:3]]
    return problems


def explain(c: Client, key: CellKey, state: ServerState) -> str:
    """Everything both sides hold about one cell, for a failure message."""
    import sqlite3

    ou, form_id, period, indicator = key
    day = (ou, form_id, period.isoformat())
    conn = sqlite3.connect(f"file:{c.store.path}?mode=ro", uri=True)
    try:
        cell = conn.execute(
            "SELECT value, sync_state, base_rev, settles FROM cells WHERE org_unit = ? "
            "AND form_id = ? AND period = ? AND indicator = ?",
            (*day, indicator),
        ).fetchall()
        conflicts = conn.execute(
            "SELECT id, server_id, theirs, theirs_rev, state FROM local_conflicts WHERE "
            "org_unit = ? AND form_id = ? AND period = ? AND indicator = ?",
            (*day, indicator),
        ).fetchall()
        items = conn.execute(
            "SELECT seq, state, payload FROM push_items WHERE org_unit = ? AND form_id = ? "
            "AND period = ? ORDER BY seq",
            day,
        ).fetchall()
        outbox = conn.execute(
            "SELECT o.state, o.push_uuid IS NOT NULL FROM outbox AS o JOIN submissions AS s "
            "ON s.uuid = o.submission_uuid WHERE s.org_unit = ? AND s.form_id = ? "
            "AND s.period = ?",
            day,
        ).fetchall()
    finally:
        conn.close()
    versions = [(rev, v, d[:8]) for rev, k, v, d, _s in state.versions if k == key]
    server_conflicts = [
        (k["id"], k["candidate_value"], k["candidate_device_id"][:8], k["server_rev"], k["status"])
        for k in state.conflicts
        if (k["org_unit"], k["form_id"], k["period"], k["indicator"]) == key
    ]
    items_on_cell = [(seq, st, p[:300]) for seq, st, p in items]  # the day's items
    return (
        f"{c.name} ({c.device_id[:8]}) {key}: cell {cell}, local conflicts {conflicts}, "
        f"day's items {items_on_cell}, outbox {outbox}; server versions {versions}, "
        f"conflicts {server_conflicts}"
    )


def in_scope(client: Client, key: CellKey) -> bool:
    """The demo accounts' scopes: ani holds PKM; camat all of kecamatan 64.08.04."""
    if client.username == "ani":
        return key[0] == PKM
    if client.username == "camat":
        return key[0].startswith("P64080402")
    return True


# -- a world ------------------------------------------------------------------------------------
class World:
    """The live server (``db_url`` at ``server_port``), one fault proxy, clients made on demand."""

    def __init__(self, db_url: str, server_port: int, root: Path, *, seed: int = 0) -> None:
        self.db_url = db_url
        self.root = root
        self.seed = seed
        self.proxy = FaultProxy("127.0.0.1", server_port, seed=seed).start()
        self.clients: list[Client] = []

    def client(self, name: str, username: str, **kw: Any) -> Client:
        """A new installation, logged in through the (healthy) proxy."""
        c = Client(
            name,
            self.root / f"client-{name}",
            self.proxy.url,
            username,
            seed=self.seed * 100 + len(self.clients),
            **kw,
        ).open()
        c.login()
        self.clients.append(c)
        return c

    def settle(self, rounds: int = 6) -> None:
        """With the faults cleared, every client syncs in turn until two whole rounds in a row
        move nothing (at most ``rounds``): a second round brings everyone what the others
        pushed in the first; a pull that finds a disputed cell agreeing leaves a push that
        closes the server's conflict for the next run, and such a run reports nothing pulled,
        hence two quiet rounds. Each run must finish."""
        self.proxy.clear_faults()
        quiet = 0
        for _ in range(rounds):
            moved = 0
            for c in self.clients:
                report = c.sync()
                assert report.finished, (c.name, report)
                moved += report.pushed + report.pulled
            quiet = quiet + 1 if not moved else 0
            if quiet == 2:
                return
        raise AssertionError(f"the clients still exchange data after {rounds} healthy rounds")

    def check(self, *, settled: bool = True) -> ServerState:
        return check_invariants(self.db_url, self.clients, settled=settled)

    def close(self) -> None:
        for c in self.clients:
            c.close()
        self.proxy.stop()
