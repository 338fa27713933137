"""Plain, immutable results the Store hands out; callers never see SQL rows or sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from forms.model import Value

#: Day status as shown to people (and returned by the API).
KOSONG = "kosong"
DRAF = "draf"
LENGKAP = "lengkap"


@dataclass(frozen=True)
class OrgUnitRow:
    code: str
    name: str
    level: str
    parent_code: str | None
    type: str | None


@dataclass(frozen=True)
class CellMeta:
    value: Value
    #: 'draft' | 'complete' (follows the day's status)
    status: str
    updated_at: datetime
    #: 'local' until the sync engine takes it ('pending' | 'sent' | 'conflict' | 'rejected')
    sync_state: str


@dataclass(frozen=True)
class DayData:
    """One form-day. ``values``/``cells`` hold only cells ever saved: a cleared cell is present
    with ``None``; a cell never entered is absent."""

    values: dict[str, Value]
    cells: dict[str, CellMeta]
    #: 'kosong' | 'draf' | 'lengkap'
    status: str


@dataclass(frozen=True)
class SaveResult:
    #: None when nothing changed (and nothing was written)
    submission_uuid: str | None
    #: indicator codes whose value changed, in form order
    changed: tuple[str, ...]
    #: the day's status after the save: 'kosong' | 'draf' | 'lengkap'
    status: str


@dataclass(frozen=True)
class AuditRow:
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


@dataclass(frozen=True)
class StoredCell:
    """One saved cell with its day, as listed for export."""

    period: date
    indicator: str
    value: Value
    #: the day's status: 'draf' | 'lengkap'
    status: str
    updated_at: datetime
