"""The Store: the one door to the local replica for the desktop (and later the sync engine).

Every method is a plain blocking call, safe from any thread: reads run concurrently, writes are
serialized, and each save is one SQLite transaction.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from forms.model import Field, FormDefinition, Value

if TYPE_CHECKING:
    from sync.protocol import PullPage, SubmissionReceipt

from . import conflicts
from . import queries as q
from .backup import db_path, list_backups
from .errors import StoreDamagedError, is_damage, store_error, translate_sqlite_error
from .opening import prepare, request_check
from .pool import ConnectionPool
from .rows import (
    DRAF,
    KOSONG,
    LENGKAP,
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
from .values import decode, encode, format_utc, parse_utc
from .wire import FieldsOf

DEVICE_ID_KEY = "device_id"
#: the server's newest form versions as its metadata said: {form id: [version, sha256]}
SERVER_FORMS_KEY = "sync.server_forms"

_SHOWN: dict[str | None, str] = {None: KOSONG, "draft": DRAF, "complete": LENGKAP}


def _utc_now() -> datetime:
    return datetime.now(UTC)


def form_sha256(form: FormDefinition) -> str:
    """Fingerprint of a form version: its file text, or (built in code) its full repr."""
    import hashlib  # here: a start with forms already recorded never hashes (Store._sha_of)

    text = form.source_text or repr(form)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_period(period: date) -> str:
    if isinstance(period, datetime) or not isinstance(period, date):
        raise TypeError(f"period must be a date, not {type(period).__name__}")
    return period.isoformat()


class Store:
    """The local replica in ``<data_dir>/kabar.db``. Open with ``Store.open(data_dir)``."""

    path: Path
    data_dir: Path

    def __init__(
        self,
        data_dir: Path,
        pool: ConnectionPool,
        clock: Callable[[], datetime],
        device: str,
    ) -> None:
        self.data_dir = data_dir
        self.path = pool.path
        self._pool = pool
        self._clock = clock
        self._device = device
        self._cache_lock = threading.Lock()
        # Forms seen by this Store, by id (newest version): decoding audit rows needs the types.
        self._forms: dict[str, FormDefinition] = {}
        self._registered: set[tuple[str, int, str]] = set()
        self._sha: dict[int, tuple[FormDefinition, str]] = {}
        # Org units are never deleted, so a code once found stays valid.
        self._known_units: set[str] = set()
        # Form versions: registered from code in this process, and parsed from stored text.
        self._in_memory: dict[tuple[str, int], FormDefinition] = {}
        self._parsed: dict[str, FormDefinition | None] = {}
        import random  # not at module level: start-up time

        self._rng = random.Random()

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        checked: bool = False,
    ) -> Store:
        """Open (creating, checking, backing up and migrating as needed) ``data_dir/kabar.db``.

        Raises StoreDamagedError when the file is damaged (see ``restore_latest_backup``) and
        StoreError for other problems a person can fix. ``checked``: the integrity check of this
        file has just passed (``sync.integrity.quick_check_ok``); it is not repeated.
        """
        data_dir = Path(data_dir)
        clock = clock or _utc_now
        conn = prepare(data_dir, clock(), checked=checked)
        pool = ConnectionPool(db_path(data_dir))
        try:
            device = cls._ensure_device_id(conn)
        except BaseException:
            conn.close()
            raise
        pool.adopt(conn)
        return cls(data_dir, pool, clock, device)

    @staticmethod
    def _ensure_device_id(conn: sqlite3.Connection) -> str:
        row = conn.execute(q.GET_SETTING, (DEVICE_ID_KEY,)).fetchone()
        if row is not None and row[0]:
            return str(row[0])
        import uuid  # not at module level: it imports platform (start-up time)

        device = str(uuid.uuid4())
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(q.SET_SETTING, (DEVICE_ID_KEY, device))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return device

    def close(self) -> None:
        self._pool.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        try:
            with self._pool.read() as conn:
                yield conn
        except sqlite3.Error as exc:
            self._raise_known(exc)
            raise

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            with self._pool.write() as conn:
                yield conn
        except sqlite3.Error as exc:
            self._raise_known(exc)
            raise

    def _raise_known(self, exc: sqlite3.Error) -> None:
        """Raise the StoreError for a problem a person can act on; return for a bug."""
        if is_damage(exc):
            # The next start-up checks the whole file and offers the backups.
            request_check(self.data_dir)
            raise StoreDamagedError(
                self.path, list_backups(self.data_dir), str(exc), during_use=True
            ) from exc
        known = translate_sqlite_error(exc, self.path)
        if known is not None:
            raise known from exc

    def now(self) -> datetime:
        """The store's clock (aware UTC; injectable for tests)."""
        return self._clock()

    def _now(self) -> str:
        return format_utc(self._clock())

    # -- settings --------------------------------------------------------------------------

    def device_id(self) -> str:
        """This installation's id (uuid4), made once and kept in settings."""
        return self._device

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        with self._read() as conn:
            row = conn.execute(q.GET_SETTING, (key,)).fetchone()
        return default if row is None else row[0]

    def set_setting(self, key: str, value: str | None) -> None:
        """Store ``value`` under ``key``; None removes the setting."""
        if key == DEVICE_ID_KEY:
            raise ValueError("the device id is made once and never changed")
        with self._write() as conn:
            if value is None:
                conn.execute(q.DELETE_SETTING, (key,))
            else:
                conn.execute(q.SET_SETTING, (key, value))

    # -- org units -------------------------------------------------------------------------

    def upsert_org_units(self, units: Iterable[OrgUnitRow]) -> None:
        rows = []
        for unit in units:
            if not unit.code or not unit.name:
                raise ValueError(f"org unit needs a code and a name: {unit!r}")
            rows.append((unit.code, unit.name, unit.level, unit.parent_code, unit.type))
        with self._write() as conn:
            conn.executemany(q.UPSERT_ORG_UNIT, rows)

    def load_demo_org_units(self) -> None:
        """The hand-made demo hierarchy in ``resources/demo/org_units.csv``."""
        import csv

        from resources import DEMO_DIR

        with (DEMO_DIR / "org_units.csv").open(encoding="utf-8", newline="") as handle:
            units = [
                OrgUnitRow(
                    code=row["code"].strip(),
                    name=row["name"].strip(),
                    level=row["level"].strip(),
                    parent_code=row["parent"].strip() or None,
                    type=(row.get("type") or "").strip() or None,
                )
                for row in csv.DictReader(handle)
            ]
        self.upsert_org_units(units)

    def org_units(self) -> list[OrgUnitRow]:
        with self._read() as conn:
            rows = conn.execute(q.ORG_UNITS).fetchall()
        return [OrgUnitRow(*row) for row in rows]

    def org_unit(self, code: str) -> OrgUnitRow | None:
        with self._read() as conn:
            row = conn.execute(q.ORG_UNIT, (code,)).fetchone()
        return None if row is None else OrgUnitRow(*row)

    def _require_unit(self, conn: sqlite3.Connection, code: str) -> None:
        if code in self._known_units:
            return
        if conn.execute(q.ORG_UNIT_EXISTS, (code,)).fetchone() is None:
            raise store_error(
                f"Unit «{code}» tidak dikenal di data lokal. Muat ulang daftar fasilitas lalu "
                "coba lagi; nilai belum disimpan.",
                f"Unit “{code}” is not known in the local data. Reload the facility list and "
                "try again; nothing was saved.",
            )
        with self._cache_lock:
            self._known_units.add(code)

    # -- forms -----------------------------------------------------------------------------

    def _remember(self, form: FormDefinition) -> None:
        """Know ``form`` by id and version (the newest version is the current one)."""
        with self._cache_lock:
            known = self._forms.get(form.id)
            if known is None or known.version <= form.version:
                self._forms[form.id] = form
            self._in_memory[(form.id, form.version)] = form

    def _sha_of(self, form: FormDefinition, conn: sqlite3.Connection | None = None) -> str:
        """The form version's fingerprint (``form_sha256``), kept per form object.

        With ``conn``: a version already recorded with this exact text takes its fingerprint
        from the table instead of hashing (start-up then never loads OpenSSL for hashlib)."""
        with self._cache_lock:
            # By identity: equality ignores source_text, and hashing a whole form each save
            # would cost more than the lookup saves.
            cached = self._sha.get(id(form))
            if cached is not None and cached[0] is form:
                return cached[1]
        row = None
        if conn is not None and form.source_text:
            row = conn.execute(
                q.RECORDED_FORM_SHA, (form.id, form.version, form.source_text)
            ).fetchone()
        sha = str(row[0]) if row is not None else form_sha256(form)
        with self._cache_lock:
            self._sha[id(form)] = (form, sha)
        return sha

    def register_form(self, form: FormDefinition) -> None:
        """Record this form version (id, version, sha256, source); idempotent."""
        self._remember(form)
        with self._read() as conn:
            sha = self._sha_of(form, conn)
            recorded = conn.execute(q.FORM_RECORDED, (form.id, form.version, sha)).fetchone()
        if recorded is not None:
            self._registered_now(form, sha)
        if (form.id, form.version, sha) in self._registered:
            return
        with self._write() as conn:
            self._register(conn, form, sha)
        self._registered_now(form, sha)

    def _register(self, conn: sqlite3.Connection, form: FormDefinition, sha: str) -> None:
        if (form.id, form.version, sha) not in self._registered:
            conn.execute(
                q.REGISTER_FORM,
                (form.id, form.version, sha, form.source_text or repr(form), self._now()),
            )

    def _registered_now(self, form: FormDefinition, sha: str) -> None:
        """Only after the commit: a rolled-back registration must be tried again."""
        with self._cache_lock:
            self._registered.add((form.id, form.version, sha))

    def _form(self, form_id: str) -> FormDefinition:
        with self._cache_lock:
            form = self._forms.get(form_id)
        if form is None:
            raise LookupError(
                f"form {form_id!r} is unknown to this Store: register_form() it first"
            )
        return form

    # -- one day ---------------------------------------------------------------------------

    def load_day(self, org_unit: str, form: FormDefinition, period: date) -> DayData:
        day = _check_period(period)
        self._remember(form)
        fields = {f.code: f for f in form.fields}
        with self._read() as conn:
            rows = conn.execute(q.DAY_CELLS, (org_unit, form.id, day)).fetchall()
            status_row = conn.execute(q.DAY_STATUS, (org_unit, form.id, day)).fetchone()
        values: dict[str, Value] = {}
        cells: dict[str, CellMeta] = {}
        for indicator, text, status, updated_at, sync_state in rows:
            field = fields.get(indicator)
            if field is None:
                continue  # an indicator an older form version had
            value = decode(field, text)
            values[indicator] = value
            cells[indicator] = CellMeta(value, status, parse_utc(updated_at), sync_state)
        status = _SHOWN[status_row[0] if status_row else None]
        if status == KOSONG and any(v is not None for v in values.values()):
            status = DRAF
        ordered = {code: values[code] for code in fields if code in values}
        return DayData(values=ordered, cells={c: cells[c] for c in ordered}, status=status)

    def save_day(
        self,
        org_unit: str,
        form: FormDefinition,
        period: date,
        values: Mapping[str, Value],
        *,
        author: str,
        complete: bool = False,
    ) -> SaveResult:
        """Write the changed cells of one form-day, their audit, a submission and an outbox row
        in ONE transaction; write nothing when nothing changed. See sync/store/README.md."""
        day = _check_period(period)
        author = author.strip()
        if not author:
            raise store_error(
                "Nama petugas belum diisi. Isi nama petugas di Pengaturan lalu simpan lagi.",
                "The officer's name is empty. Fill it in under Settings, then save again.",
            )
        fields = {f.code: f for f in form.fields}
        unknown = [code for code in values if code not in fields]
        if unknown:
            raise store_error(
                f"Indikator {', '.join(sorted(unknown))} tidak ada di formulir «{form.title.id}» "
                f"versi {form.version}. Nilai belum disimpan.",
                f"Indicator(s) {', '.join(sorted(unknown))} are not in form "
                f"“{form.title.en or form.title.id}” version {form.version}. Nothing was saved.",
            )
        # Encode before the transaction: a wrong value must not even take the write lock.
        wanted = {code: encode(fields[code], values[code]) for code in fields if code in values}
        self._remember(form)
        sha = self._sha_of(form)
        now = self._now()
        with self._write() as conn:
            result = self._save(conn, org_unit, form, sha, day, wanted, author, complete, now)
        self._registered_now(form, sha)
        return result

    def _save(
        self,
        conn: sqlite3.Connection,
        org_unit: str,
        form: FormDefinition,
        sha: str,
        day: str,
        wanted: dict[str, str | None],
        author: str,
        complete: bool,
        now: str,
    ) -> SaveResult:
        """The body of save_day's transaction; the caller commits or rolls back."""
        self._require_unit(conn, org_unit)
        self._register(conn, form, sha)
        stored = dict(conn.execute(q.DAY_VALUES, (org_unit, form.id, day)).fetchall())
        status_row = conn.execute(q.DAY_STATUS, (org_unit, form.id, day)).fetchone()
        old_status: str | None = status_row[0] if status_row else None
        # A never-entered cell and a cleared one both read as None: sending None for an
        # untouched field is not a change.
        changed = [code for code, text in wanted.items() if stored.get(code) != text]
        if complete:
            new_status: str | None = "complete"
        elif changed:
            new_status = "draft"
        else:
            new_status = old_status
        if not changed and new_status == old_status:
            shown = _SHOWN[old_status]
            if shown == KOSONG and any(v is not None for v in stored.values()):
                shown = DRAF
            return SaveResult(None, (), shown)
        assert new_status is not None
        import uuid

        submission = str(uuid.uuid4())
        conn.execute(
            q.INSERT_SUBMISSION,
            (
                submission,
                org_unit,
                form.id,
                form.version,
                day,
                author,
                self._device,
                now,
                new_status == "complete",
            ),
        )
        completed = (author, now) if new_status == "complete" else (None, None)
        conn.execute(q.UPSERT_DAY_STATUS, (org_unit, form.id, day, new_status, *completed, now))
        if changed:
            conn.executemany(
                q.UPSERT_CELL,
                [(org_unit, form.id, day, c, wanted[c], new_status, now) for c in changed],
            )
        device = self._device

        def audit_row(
            indicator: str | None, old: str | None, new: str | None, action: str
        ) -> tuple[Any, ...]:
            return (
                org_unit,
                form.id,
                day,
                indicator,
                old,
                new,
                author,
                device,
                now,
                submission,
                action,
            )

        audit = [audit_row(c, stored.get(c), wanted[c], "edit") for c in changed]
        if new_status != old_status and old_status is not None:
            conn.execute(q.SET_CELLS_STATUS, (new_status, org_unit, form.id, day))
        if new_status == "complete" and old_status != "complete":
            audit.append(audit_row(None, old_status, new_status, "complete"))
        elif old_status == "complete" and new_status == "draft":
            audit.append(audit_row(None, old_status, new_status, "reopen"))
        conn.executemany(q.INSERT_AUDIT, audit)
        conn.execute(q.INSERT_OUTBOX, (submission, now))
        return SaveResult(submission, tuple(changed), _SHOWN[new_status])

    # -- many days -------------------------------------------------------------------------

    def day_statuses(
        self, org_unit: str, form_ids: Sequence[str], start: date, end: date
    ) -> dict[date, str]:
        """Per date in [start, end]: 'lengkap' when every listed form is complete, 'draf' when
        any has something, else 'kosong'. One query."""
        first, last = _check_period(start), _check_period(end)
        if end < start:
            raise ValueError(f"end {end} is before start {start}")
        ids = list(dict.fromkeys(form_ids))
        result = {start + timedelta(days=i): KOSONG for i in range((end - start).days + 1)}
        if not ids:
            return result
        marks = ",".join("?" * len(ids))
        with self._read() as conn:
            rows = conn.execute(
                q.DAY_STATUSES.format(marks=marks), (org_unit, *ids, first, last)
            ).fetchall()
        complete: dict[str, int] = {}
        for period, status in rows:
            complete[period] = complete.get(period, 0) + (status == "complete")
        for period, count in complete.items():
            result[date.fromisoformat(period)] = LENGKAP if count == len(ids) else DRAF
        return result

    def previous_values(
        self, org_unit: str, form: FormDefinition, period: date
    ) -> dict[str, Value]:
        """The values (not cleared ones) of the day before ``period``; {} if none."""
        day = _check_period(period - timedelta(days=1))
        self._remember(form)
        fields = {f.code: f for f in form.fields}
        with self._read() as conn:
            rows = conn.execute(q.DAY_VALUES, (org_unit, form.id, day)).fetchall()
        stored = {code: text for code, text in rows if text is not None and code in fields}
        return {code: decode(fields[code], stored[code]) for code in fields if code in stored}

    def history_values(
        self, org_unit: str, form: FormDefinition, period: date, days: int = 28
    ) -> dict[str, list[Value]]:
        """Per field of the form: its values on the ``days`` days before ``period``, oldest
        first, None for a day without a value."""
        if days < 0:
            raise ValueError("days must not be negative")
        _check_period(period)
        self._remember(form)
        first = period - timedelta(days=days)
        fields = {f.code: f for f in form.fields}
        result: dict[str, list[Value]] = {code: [None] * days for code in fields}
        if days == 0:
            return result
        with self._read() as conn:
            rows = conn.execute(
                q.RANGE_VALUES,
                (org_unit, form.id, first.isoformat(), (period - timedelta(days=1)).isoformat()),
            ).fetchall()
        for day, code, text in rows:
            if code in fields and text is not None:
                result[code][(date.fromisoformat(day) - first).days] = decode(fields[code], text)
        return result

    def series(
        self, org_unit: str, form: FormDefinition, indicator: str, end: date, days: int = 30
    ) -> list[tuple[date, Value]]:
        """(date, value) for the ``days`` days ending at ``end`` inclusive; None where empty."""
        if days < 0:
            raise ValueError("days must not be negative")
        _check_period(end)
        self._remember(form)
        field = form.field(indicator)
        first = end - timedelta(days=days - 1)
        points: list[tuple[date, Value]] = [(first + timedelta(days=i), None) for i in range(days)]
        if days == 0:
            return points
        with self._read() as conn:
            rows = conn.execute(
                q.SERIES, (org_unit, form.id, indicator, first.isoformat(), end.isoformat())
            ).fetchall()
        for day, text in rows:
            when = date.fromisoformat(day)
            points[(when - first).days] = (when, decode(field, text))
        return points

    # -- history and listing ---------------------------------------------------------------

    def cell_history(
        self, org_unit: str, form_id: str, period: date, indicator: str
    ) -> list[AuditRow]:
        """Every change of one cell, oldest first."""
        field = self._form(form_id).field(indicator)
        with self._read() as conn:
            rows = conn.execute(
                q.CELL_HISTORY, (org_unit, form_id, _check_period(period), indicator)
            ).fetchall()
        return [
            AuditRow(
                parse_utc(at),
                author,
                device,
                decode(field, old),
                decode(field, new),
                action,
                sub,
                indicator,
            )
            for at, author, device, old, new, action, sub in rows
        ]

    def day_history(self, org_unit: str, form_id: str, period: date) -> list[AuditRow]:
        """Every change of one form-day (cells and status), oldest first."""
        form = self._form(form_id)
        fields = {f.code: f for f in form.fields}
        with self._read() as conn:
            rows = conn.execute(
                q.DAY_HISTORY, (org_unit, form_id, _check_period(period))
            ).fetchall()
        result = []
        for at, author, device, old, new, action, sub, indicator in rows:
            field = fields.get(indicator) if indicator is not None else None
            if field is not None:
                old, new = decode(field, old), decode(field, new)
            result.append(AuditRow(parse_utc(at), author, device, old, new, action, sub, indicator))
        return result

    def stored_cells(self, org_unit: str, form: FormDefinition) -> list[StoredCell]:
        """Every saved cell of one form at one unit, by date then form order (for export).
        Indicators the form no longer has come last in a day, with their stored text."""
        self._remember(form)
        fields = {f.code: f for f in form.fields}
        order = {code: i for i, code in enumerate(fields)}
        with self._read() as conn:
            rows = conn.execute(q.FORM_CELLS, (org_unit, form.id)).fetchall()
        cells = [
            StoredCell(
                period=date.fromisoformat(day),
                indicator=code,
                value=decode(fields[code], text) if code in fields else text,
                status=_SHOWN[status] if status else DRAF,
                updated_at=parse_utc(updated_at),
            )
            for day, code, text, updated_at, status in rows
        ]
        cells.sort(key=lambda c: (c.period, order.get(c.indicator, len(order)), c.indicator))
        return cells

    def form_days(self, org_unit: str, form_id: str) -> dict[date, str]:
        """Every day of one form at one unit that has a status: 'draf' | 'lengkap'."""
        with self._read() as conn:
            rows = conn.execute(q.FORM_DAYS, (org_unit, form_id)).fetchall()
        return {date.fromisoformat(day): _SHOWN[status] for day, status in rows}

    def outbox_count(self) -> int:
        """Submissions waiting to be sent."""
        with self._read() as conn:
            row = conn.execute(q.OUTBOX_PENDING).fetchone()
        return int(row[0])

    # -- form versions seen from the server ---------------------------------------------------

    def register_form_text(self, text: str) -> FormDefinition:
        """Load a form definition from its YAML ``text`` (as ``GET /forms/{id}/{v}`` gives it),
        check it and record the version; FormLoadError when the text is not a valid form."""
        from forms.loader import load_form_text

        form = load_form_text(text, "server")
        self.register_form(form)
        return form

    def has_form_version(self, form_id: str, version: int, sha256: str) -> bool:
        """Whether this exact version (by its text's SHA-256) is registered here."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT 1 FROM form_versions WHERE form_id = ? AND version = ? AND sha256 = ?",
                (form_id, version, sha256),
            ).fetchone()
        return row is not None

    def latest_form(self, form_id: str) -> FormDefinition | None:
        """The newest registered version of ``form_id`` (None when none is registered)."""
        versions = self._versions(form_id)
        return versions[-1] if versions else None

    def form_version(self, form_id: str, version: int) -> FormDefinition | None:
        """One registered version of a form (None when it is not registered or unreadable)."""
        for form in self._versions(form_id):
            if form.version == version:
                return form
        return None

    def _versions(self, form_id: str) -> list[FormDefinition]:
        """Every readable registered version, oldest first (forms registered from code in this
        process included: their stored text is not YAML)."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT version, sha256, source_text FROM form_versions WHERE form_id = ? "
                "ORDER BY version, id",
                (form_id,),
            ).fetchall()
        by_version: dict[int, FormDefinition] = {}
        for version, sha, text in rows:
            form = self._parse_registered(form_id, int(version), sha, text)
            if form is not None:
                by_version[form.version] = form
        with self._cache_lock:
            for (fid, version), form in self._in_memory.items():
                if fid == form_id:
                    by_version[version] = form
        return [by_version[v] for v in sorted(by_version)]

    def _parse_registered(
        self, form_id: str, version: int, sha: str, text: str
    ) -> FormDefinition | None:
        with self._cache_lock:
            if sha in self._parsed:
                return self._parsed[sha]
        from forms.errors import FormLoadError
        from forms.loader import load_form_text

        try:
            form: FormDefinition | None = load_form_text(text, f"{form_id} v{version}")
        except FormLoadError:
            form = None  # registered from code (its repr), or damaged: not usable here
        with self._cache_lock:
            self._parsed[sha] = form
        return form

    def _fields_of(self, form_id: str) -> dict[str, Field]:
        """Every field the form ever had (all registered versions, the newest winning)."""
        fields: dict[str, Field] = {}
        for form in self._versions(form_id):
            fields.update({f.code: f for f in form.fields})
        return fields

    def _server_field_order(self, form_id: str, version: int) -> list[str] | None:
        """The fields of ``version`` in order, when that version is the server's newest and
        its text here is the server's own (same SHA-256): only then may cells go by position."""
        import json

        announced = json.loads(self.get_setting(SERVER_FORMS_KEY) or "{}")
        entry = announced.get(form_id)
        if not isinstance(entry, list) or len(entry) != 2 or entry[0] != version:
            return None
        sha = str(entry[1])
        with self._read() as conn:
            row = conn.execute(
                "SELECT source_text FROM form_versions WHERE form_id = ? AND version = ? "
                "AND sha256 = ?",
                (form_id, version, sha),
            ).fetchone()
        if row is None:
            return None
        form = self._parse_registered(form_id, version, sha, row[0])
        return None if form is None else [f.code for f in form.fields]

    def _lookups(self) -> tuple[FieldsOf, Callable[[str], int | None]]:
        """``_fields_of`` and ``_latest_version`` remembered for one step (a pull page of 600
        days asks the same few forms over and over)."""
        import functools

        return functools.cache(self._fields_of), functools.cache(self._latest_version)

    def _latest_version(self, form_id: str) -> int | None:
        form = self.latest_form(form_id)
        if form is not None:
            return form.version
        with self._read() as conn:
            row = conn.execute(
                "SELECT max(version) FROM form_versions WHERE form_id = ?", (form_id,)
            ).fetchone()
        return None if row[0] is None else int(row[0])

    # -- sync: what people see (sync/store/conflicts.py) ------------------------------------

    def sync_summary(self) -> SyncSummary:
        """Counts and the last sync's outcome, for the status bar."""
        with self._read() as conn:

            def setting(key: str) -> str | None:
                row = conn.execute(q.GET_SETTING, (key,)).fetchone()
                return None if row is None else row[0]

            return conflicts.summary(conn, setting)

    def day_sync_states(
        self, org_unit: str, form_id: str | None, start: date, end: date
    ) -> dict[date, str]:
        """Per day in [start, end] that has cells: 'terkirim' | 'menunggu' | 'konflik' |
        'ditolak' (worst of the day's cells wins). ``form_id`` None: all forms of the unit."""
        first, last = _check_period(start), _check_period(end)
        if end < start:
            raise ValueError(f"end {end} is before start {start}")
        with self._read() as conn:
            return conflicts.day_states(conn, org_unit, form_id, first, last)

    def open_conflicts(self, org_unit: str | None = None) -> list[LocalConflict]:
        """Open local conflicts, oldest first (all units when ``org_unit`` is None)."""
        with self._read() as conn:
            return conflicts.open_conflicts(conn, org_unit, self._fields_of)

    def settle_conflict(self, conflict_id: int, value: Value, *, author: str) -> SaveResult:
        """A person's choice: keep mine (``c.mine``), take theirs (``c.theirs``) or another
        value. Written as a normal save (audit, submission, outbox) whose next push carries
        ``[value, theirs_rev, server_id]``; the local conflict is closed. StoreError when the
        conflict is no longer open or the value does not fit the field."""
        author = author.strip()
        if not author:
            raise store_error(
                "Nama petugas belum diisi. Isi nama petugas di Pengaturan lalu coba lagi.",
                "The officer's name is empty. Fill it in under Settings, then try again.",
            )
        with self._read() as conn:
            found = conflicts.find_open(conn, conflict_id, self._fields_of)
        field = self._fields_of(found.form_id).get(found.indicator)
        if field is None:
            raise LookupError(f"no registered version of {found.form_id!r} has {found.indicator}")
        text = encode(field, value)
        version = self._latest_version(found.form_id) or 1
        now = self._now()
        with self._write() as conn:
            current = conflicts.find_open(conn, conflict_id, self._fields_of)
            submission, changed, status = conflicts.settle(
                conn,
                current,
                text,
                author=author,
                device=self._device,
                now=now,
                form_version=version,
            )
        return SaveResult(submission, (found.indicator,) if changed else (), _SHOWN[status])

    def set_aside(self, org_unit: str | None = None) -> list[SetAside]:
        """What the server refused for good and nobody dismissed yet, newest first."""
        with self._read() as conn:
            return conflicts.set_aside(conn, org_unit, self._fields_of)

    def dismiss_set_aside(self, ids: Iterable[int]) -> int:
        """Hide these SetAside rows from the list (they stay in the file); how many were hidden."""

        wanted = list(ids)
        now = self._now()
        with self._write() as conn:
            return conflicts.dismiss(conn, wanted, now)

    # -- sync: the engine's steps, each one transaction (outgoing.py, incoming.py) -----------
    # (imported inside each method: they need sync.protocol, which opening the window does not)

    def freeze_outbox(self) -> int:
        """Freeze every form-day with unsent saves (and no item in flight for it) into one
        push item; returns how many items were made."""
        from . import outgoing

        now = self._now()
        fields_of, latest_version = self._lookups()
        with self._write() as conn:
            return outgoing.freeze(
                conn,
                device_id=self._device,
                now=now,
                fields_of=fields_of,
                latest_version=latest_version,
                field_order=self._server_field_order,
            )

    def push_batch(self, limit: int) -> list[PushItem]:
        """The in-flight items, oldest first, at most ``limit``."""
        from . import outgoing

        with self._read() as conn:
            return outgoing.inflight(conn, limit)

    def apply_receipts(self, pairs: Sequence[tuple[PushItem, SubmissionReceipt]]) -> ReceiptOutcome:
        """Apply one push reply's receipts (one transaction)."""
        from . import outgoing

        now = self._now()
        fields_of, _ = self._lookups()
        with self._write() as conn:
            return outgoing.apply_receipts(
                conn,
                pairs,
                device_id=self._device,
                now=now,
                fields_of=fields_of,
                rng=self._rng,
            )

    def release_waiting(self) -> int:
        """Items held for an unknown form (version) go back in flight (after new metadata)."""
        from . import outgoing

        with self._write() as conn:
            return outgoing.release_waiting(conn)

    def waiting_items(self) -> int:
        """Items held until the server publishes their form (version)."""
        from . import outgoing

        with self._read() as conn:
            return outgoing.waiting_count(conn)

    def pull_cursor(self) -> int:
        """The revision the next pull starts after (0: never pulled)."""
        from . import incoming

        with self._read() as conn:
            return incoming.cursor(conn) or 0

    def has_pulled(self) -> bool:
        """Whether a pull page was ever applied to this file (False for a new store and for a
        restored backup: its next pull takes everything, this device's own cells too)."""
        from . import incoming

        with self._read() as conn:
            return incoming.cursor(conn) is not None

    def apply_pull(self, page: PullPage) -> PullOutcome:
        """Apply one pull page and store its cursor in the same transaction."""
        from . import incoming

        now = self._now()
        fields_of, latest_version = self._lookups()
        with self._write() as conn:
            return incoming.apply_page(
                conn,
                page,
                now=now,
                fields_of=fields_of,
                latest_version=latest_version,
            )
