"""The local replica: one SQLite file (WAL, synchronous=FULL), its schema migrations, backups,
and the ``Store`` API the desktop codes against."""

from .backup import list_backups, restore_latest_backup, set_aside_damaged
from .errors import StoreDamagedError, StoreError
from .migrate import HEAD_REVISION
from .rows import (
    AuditRow,
    CellMeta,
    DayData,
    LocalConflict,
    OrgUnitRow,
    PullOutcome,
    PushItem,
    ReceiptOutcome,
    SaveResult,
    SetAside,
    StoredCell,
    SyncSummary,
)
from .store import Store

__all__ = [
    "HEAD_REVISION",
    "AuditRow",
    "CellMeta",
    "DayData",
    "LocalConflict",
    "OrgUnitRow",
    "PullOutcome",
    "PushItem",
    "ReceiptOutcome",
    "SaveResult",
    "SetAside",
    "Store",
    "StoreDamagedError",
    "StoreError",
    "StoredCell",
    "SyncSummary",
    "list_backups",
    "restore_latest_backup",
    "set_aside_damaged",
]
