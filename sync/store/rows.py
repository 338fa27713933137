"""Plain, immutable results the Store hands out; callers never see SQL rows or sessions.

Named tuples rather than frozen dataclasses: a frozen dataclass compiles six generated methods
when its class is made (~0.75 ms each class on the test machine), and this module is imported
by the thread opening the store while the window waits for it; a named tuple costs ~0.2 ms.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from forms.model import Text, Value

#: Day status as shown to people (and returned by the API).
KOSONG = "kosong"
DRAF = "draf"
LENGKAP = "lengkap"

#: Day sync state as shown in the calendar (worst wins: ditolak > konflik > menunggu > terkirim).
TERKIRIM = "terkirim"
MENUNGGU = "menunggu"
KONFLIK = "konflik"
DITOLAK = "ditolak"


class OrgUnitRow(NamedTuple):
    code: str
    name: str
    level: str
    parent_code: str | None
    type: str | None


class CellMeta(NamedTuple):
    value: Value
    #: 'draft' | 'complete' (follows the day's status)
    status: str
    updated_at: datetime
    #: 'local' until the sync engine takes it ('pending' | 'sent' | 'conflict' | 'rejected')
    sync_state: str


class DayData(NamedTuple):
    """One form-day. ``values``/``cells`` hold only cells ever saved: a cleared cell is present
    with ``None``; a cell never entered is absent."""

    values: dict[str, Value]
    cells: dict[str, CellMeta]
    #: 'kosong' | 'draf' | 'lengkap'
    status: str


class SaveResult(NamedTuple):
    #: None when nothing changed (and nothing was written)
    submission_uuid: str | None
    #: indicator codes whose value changed, in form order
    changed: tuple[str, ...]
    #: the day's status after the save: 'kosong' | 'draf' | 'lengkap'
    status: str


class AuditRow(NamedTuple):
    at: datetime
    author: str
    device: str
    old: Value
    new: Value
    #: 'edit' | 'complete' | 'reopen'
    action: str
    submission_uuid: str
    #: None for a status change ('complete' / 'reopen'; then old/new are 'draft'/'complete'/None)
    indicator: str | None = None


class StoredCell(NamedTuple):
    """One saved cell with its day, as listed for export."""

    period: date
    indicator: str
    value: Value
    #: the day's status: 'draf' | 'lengkap'
    status: str
    updated_at: datetime


class LocalConflict(NamedTuple):
    """The server holds another value for a cell edited here; a person settles it."""

    #: local id (for ``Store.settle_conflict``)
    id: int
    #: the server's conflict id ``k``; None: found by a pull, our push has not reached it yet
    server_id: int | None
    org_unit: str
    form_id: str
    period: date
    indicator: str
    #: the local value
    mine: Value
    #: the server's value
    theirs: Value
    theirs_rev: int
    #: the server value's author and their client time (UTC)
    theirs_by: str | None
    theirs_at: datetime | None
    #: UTC
    found_at: datetime


class SetAside(NamedTuple):
    """Something the server refused for good, with the reason in plain words."""

    #: local id (for ``Store.dismiss_set_aside``)
    id: int
    org_unit: str
    form_id: str
    period: date
    #: None: the whole submission
    indicator: str | None
    #: None when the whole submission was refused
    value: Value
    #: protocol reason code (sync.protocol.REASONS)
    reason: str
    #: the server's message (id + en)
    message: Text
    at: datetime


class SyncSummary(NamedTuple):
    """What the status bar shows."""

    #: form-days with cells in local/pending state (saved here, not yet acknowledged)
    unsent: int
    #: open local conflicts
    conflicts: int
    #: SetAside rows not yet dismissed
    set_aside: int
    #: the last sync that finished (UTC)
    last_sync_at: datetime | None
    #: the last problem in plain words (None after a clean sync)
    last_problem: Text | None
    #: local clock minus server clock at the last contact, when it was off by > 10 minutes
    clock_skew_s: float | None


class PushItem(NamedTuple):
    """A frozen submission waiting for (or done with) the server; see sync/store/README.md."""

    uuid: str
    #: the device's sequence number ``n``
    seq: int
    org_unit: str
    form_id: str
    form_version: int
    period: date
    #: the wire submission without its key (``n`` is added when it is sent)
    payload: str
    #: 'inflight' | 'done' | 'held'
    state: str
    reason: str | None
    attempts: int
    #: its cells' indicators in wire order (``y`` then ``x``): how its receipt is read
    cells: tuple[str, ...] = ()


class ReceiptOutcome(NamedTuple):
    """What applying one push reply did (for the sync report)."""

    #: submissions acknowledged (applied or duplicate)
    acknowledged: int = 0
    new_conflicts: int = 0
    #: new SetAside rows
    set_aside: int = 0
    #: items given a fresh id after ``id_reused`` (sent again)
    rekeyed: int = 0
    #: items held until the server's metadata changes (unknown form or version)
    waiting: int = 0


class PullOutcome(NamedTuple):
    """What applying one pull page did."""

    #: cells whose pulled value was taken
    taken: int = 0
    new_conflicts: int = 0
