"""Applies one push: each submission in its own transaction, judged cell by cell with the
protocol's merge rules, revisions allocated last, every version kept, a receipt per submission.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import Boolean, bindparam, insert, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from forms.loader import load_form_text
from forms.model import Field, FieldType, FormDefinition, Severity, Value
from forms.types import from_storage, to_storage
from forms.validate import validator_for
from server.db import allocate_revisions
from server.models import (
    Cell,
    CellVersion,
    Conflict,
    FormVersion,
    User,
    UtcDateTime,
)
from server.models import Submission as SubmissionRow
from server.scope import Principal, covers_path
from sync.merge import Apply, CurrentCell, Unchanged, decide
from sync.merge import Conflict as ConflictDecision
from sync.protocol import (
    CellReceipt,
    ProtocolError,
    PushRequest,
    Submission,
    SubmissionReceipt,
    decode_receipt,
    encode_receipt,
    format_time,
    rejected_receipt,
    storage_to_json,
    submission_sha256,
    value_from_json,
)

__all__ = ["FormCache", "ingest_push", "ingest_submission"]

log = logging.getLogger(__name__)

#: field checks that make a cell's value unacceptable (the rest are flags)
_REFUSING = {
    "field.min": "out_of_range",
    "field.max": "out_of_range",
    "field.choice": "bad_type",
    "field.length": "bad_type",
}
#: attempts at one submission when a concurrent writer created the same row first
_ATTEMPTS = 3


class FormCache:
    """Published form definitions, parsed once per (database, id, version): the same id and
    version always mean the same text on one server (``publish-form`` refuses otherwise)."""

    def __init__(self) -> None:
        self._forms: dict[tuple[str, str, int], FormDefinition | None] = {}
        self._types: dict[tuple[str, str, tuple[int, ...]], dict[str, FieldType]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _db(session: Session) -> str:
        return str(session.get_bind().engine.url)

    def get(self, session: Session, form_id: str, version: int) -> FormDefinition | None:
        key = (self._db(session), form_id, version)
        with self._lock:
            if key in self._forms and self._forms[key] is not None:
                return self._forms[key]
        text = session.scalar(
            select(FormVersion.source_text).where(
                FormVersion.form_id == form_id, FormVersion.version == version
            )
        )
        form = None if text is None else load_form_text(text, f"{form_id} v{version}")
        if form is not None:
            with self._lock:
                self._forms[key] = form
        return form

    def known_id(self, session: Session, form_id: str) -> bool:
        return (
            session.scalar(select(FormVersion.version).where(FormVersion.form_id == form_id))
            is not None
        )

    def field_types(self, session: Session, form_id: str) -> dict[str, FieldType]:
        """Every field the form ever had -> its type in the newest version that has it."""
        versions = tuple(
            session.scalars(
                select(FormVersion.version)
                .where(FormVersion.form_id == form_id)
                .order_by(FormVersion.version)
            )
        )
        key = (self._db(session), form_id, versions)
        with self._lock:
            cached = self._types.get(key)
        if cached is not None:
            return cached
        types: dict[str, FieldType] = {}
        for version in versions:
            form = self.get(session, form_id, version)
            assert form is not None
            types.update({f.code: f.type for f in form.fields})
        with self._lock:
            self._types[key] = types
        return types


def ingest_push(
    sessions: sessionmaker[Session],
    principal: Principal,
    request: PushRequest,
    forms: FormCache,
    now: datetime,
) -> list[dict[str, Any]]:
    """The encoded receipts of ``request``'s submissions, in order."""
    out: list[dict[str, Any]] = []
    for item in request.submissions:
        if isinstance(item, ProtocolError):
            out.append(encode_receipt(rejected_receipt(item)))
            continue
        receipt = ingest_submission(sessions, principal, item, forms, now)
        out.append(encode_receipt(receipt))
    return out


def ingest_submission(
    sessions: sessionmaker[Session],
    principal: Principal,
    sub: Submission,
    forms: FormCache,
    now: datetime,
) -> SubmissionReceipt:
    """Judge and apply one submission in one transaction; a retry when a concurrent writer made
    the same row first (it is then judged against that row, never overwriting it)."""
    for attempt in range(_ATTEMPTS):
        try:
            with sessions() as session, session.begin():
                return _ingest(session, principal, sub, forms, now)
        except IntegrityError:
            if attempt == _ATTEMPTS - 1:
                raise
            log.info("submission %s met a concurrent writer; judging it again", sub.id)
        except OperationalError as e:  # a PostgreSQL deadlock or serialization failure
            if attempt == _ATTEMPTS - 1 or "deadlock" not in str(e).lower():
                raise
    raise AssertionError("unreachable")


@dataclass
class _Judged:
    field: Field
    text: str | None
    value: Value
    base: int
    conflict_id: int | None


_ST = SubmissionRow.__table__
_CT = Cell.__table__
_INS_SUB = insert(_ST)
_DUP_PATH = text(
    "SELECT s.payload_sha256 AS sha, s.receipt AS receipt, "
    "(SELECT path FROM org_units WHERE code = :code) AS path "
    "FROM (SELECT 1) AS one LEFT JOIN submissions s ON s.id = :id"
)
_LOCK = (
    select(_CT.c.indicator, _CT.c.value, _CT.c.rev, _CT.c.user_id, _CT.c.client_at)
    .where(
        _CT.c.org_unit == bindparam("ou"),
        _CT.c.form_id == bindparam("f"),
        _CT.c.period == bindparam("p"),
    )
    .with_for_update()
)


def _ingest(
    session: Session, principal: Principal, sub: Submission, forms: FormCache, now: datetime
) -> SubmissionReceipt:
    sha = submission_sha256(sub)
    conn = session.connection()
    both = conn.execute(_DUP_PATH, {"id": sub.id, "code": sub.org_unit}).first()
    stored = None if both.sha is None else both
    if stored is not None:
        if stored.sha != sha:
            return rejected_receipt(ProtocolError("id_reused", detail=sub.id))
        previous = decode_receipt(json.loads(stored.receipt), [c.indicator for c in sub.cells])
        return SubmissionReceipt("duplicate", previous.rev, previous.cells)

    path = both.path
    if path is None:
        return rejected_receipt(ProtocolError("unknown_org_unit", detail=sub.org_unit))
    if not covers_path(principal, path):
        return rejected_receipt(ProtocolError("not_allowed", detail=sub.org_unit))
    form = forms.get(session, sub.form_id, sub.form_version)
    if form is None:
        code = "unknown_form_version" if forms.known_id(session, sub.form_id) else "unknown_form"
        return rejected_receipt(ProtocolError(code, detail=f"{sub.form_id} v{sub.form_version}"))
    if sub.period > now.date() + timedelta(days=1):
        return rejected_receipt(ProtocolError("bad_period", detail=sub.period.isoformat()))

    receipts: dict[str, CellReceipt] = {}
    judged: dict[str, _Judged] = {}
    fields = {f.code: f for f in form.fields}
    for cell in sub.cells:
        f = fields.get(cell.indicator)
        if f is None:
            receipts[cell.indicator] = _rejected("unknown_indicator", cell.indicator)
            continue
        try:
            value = value_from_json(f, cell.raw)
        except ProtocolError as e:
            receipts[cell.indicator] = CellReceipt("rejected", reason=e.code, message=e.message)
            continue
        judged[cell.indicator] = _Judged(
            f, to_storage(f.type, value), value, cell.base, cell.conflict_id
        )
        receipts[cell.indicator] = CellReceipt("applied")  # placeholder, keeps the order

    current = _lock_day(session, sub)
    flags = _validate(form, sub, judged, current, receipts)

    settle_ids = {j.conflict_id for j in judged.values() if j.conflict_id is not None}
    open_conflicts = _open_conflicts(session, settle_ids) if settle_ids else {}

    applies: list[str] = []
    new_conflicts: list[tuple[str, CurrentCell]] = []
    settled: dict[int, int | None] = {}  # conflict id -> revision that settled it (None: later)
    for indicator, j in judged.items():
        if j.conflict_id is not None:
            target = open_conflicts.get(j.conflict_id)
            if target != (sub.org_unit, sub.form_id, sub.period, indicator):
                receipts[indicator] = _rejected("bad_conflict", str(j.conflict_id))
                continue
        row = current.get(indicator)
        decision = decide(
            CurrentCell(row.value, row.rev) if row is not None else None, j.text, j.base
        )
        if isinstance(decision, Apply):
            applies.append(indicator)
            if j.conflict_id is not None:
                settled[j.conflict_id] = None
        elif isinstance(decision, Unchanged):
            receipts[indicator] = CellReceipt("unchanged", decision.rev)
            if j.conflict_id is not None:
                settled[j.conflict_id] = decision.rev
        else:
            assert isinstance(decision, ConflictDecision)
            new_conflicts.append((indicator, decision.current))

    # Conflicts: the candidate is kept; the sender learns the server's value, author and time.
    if new_conflicts:
        names = _names(session, {current[i].user_id for i, _ in new_conflicts})
        for indicator, cur in new_conflicts:
            j = judged[indicator]
            # One open conflict per cell and device: this candidate replaces an older one from
            # the same device (say a settlement that met a newer server value), which closes
            # without a revision of its own.
            session.execute(
                update(Conflict)
                .where(
                    Conflict.org_unit == sub.org_unit,
                    Conflict.form_id == sub.form_id,
                    Conflict.period == sub.period,
                    Conflict.indicator == indicator,
                    Conflict.candidate_device_id == principal.device_id,
                    Conflict.status == "open",
                )
                .values(status="resolved", resolved_at=now, resolved_by=principal.user_id)
            )
            conflict_id = session.execute(
                insert(Conflict)
                .values(
                    org_unit=sub.org_unit,
                    form_id=sub.form_id,
                    period=sub.period,
                    indicator=indicator,
                    server_rev=cur.rev,
                    candidate_value=j.text,
                    candidate_user_id=principal.user_id,
                    candidate_device_id=principal.device_id,
                    candidate_client_at=sub.client_at,
                    received_at=now,
                    submission_id=sub.id,
                    status="open",
                )
                .returning(Conflict.id)
            ).scalar_one()
            row = current[indicator]
            receipts[indicator] = CellReceipt(
                "conflict",
                cur.rev,
                conflict_id=conflict_id,
                value=_json_of(j.field, cur.value),
                by=names.get(row.user_id),
                at=format_time(row.client_at),
            )

    first: int | None = None
    if applies and conn.dialect.name == "postgresql":
        # The counter row stays locked from the allocation to the commit (gap-free feed), so
        # every server's writes pass through this one statement: keep it to one round trip.
        first = _pg_apply(
            conn,
            principal,
            sub,
            form,
            judged,
            applies,
            current,
            flags,
            receipts,
            sha,
            now,
            commit=not settled,  # settling conflicts needs the revisions first
        )
    elif applies:
        # Last, just before commit: the counter row stays locked until then (gap-free feed).
        first = allocate_revisions(session, len(applies))
        _write_cells(session, principal, sub, form, judged, applies, current, flags, first, now)
    if first is not None:
        for offset, indicator in enumerate(applies):
            receipts[indicator] = CellReceipt("applied", first + offset)
        rev_of = {ind: first + k for k, ind in enumerate(applies)}
        for conflict_id in settled:
            if settled[conflict_id] is None:
                ind = next(i for i, j in judged.items() if j.conflict_id == conflict_id)
                settled[conflict_id] = rev_of[ind]
    for conflict_id, rev in settled.items():
        session.execute(
            update(Conflict)
            .where(Conflict.id == conflict_id, Conflict.status == "open")
            .values(
                status="resolved", resolved_rev=rev, resolved_at=now, resolved_by=principal.user_id
            )
        )

    receipt = SubmissionReceipt("applied", first, receipts)
    if applies and conn.dialect.name == "postgresql":
        return receipt  # the day status and the submission row went with the cells
    _write_day_status(session, sub, first, len(applies), now)
    conn.execute(_INS_SUB, _submission_row(principal, sub, sha, now, _receipt_text(receipt)))
    return receipt


def _receipt_text(receipt: SubmissionReceipt) -> str:
    return json.dumps(encode_receipt(receipt), separators=(",", ":"))


def _submission_row(
    principal: Principal, sub: Submission, sha: str, now: datetime, receipt: str
) -> dict[str, Any]:
    return {
        "id": sub.id,
        "device_id": principal.device_id,
        "user_id": principal.user_id,
        "org_unit": sub.org_unit,
        "form_id": sub.form_id,
        "form_version": sub.form_version,
        "period": sub.period,
        "client_at": sub.client_at,
        "received_at": now,
        "complete": sub.complete,
        "app_version": principal.app_version or None,
        "payload_sha256": sha,
        "receipt": receipt,
    }


#: stands in for the first revision while the receipt text is made, before it is known
_FIRST_MARK = 7_777_777_777_777_777


def _pg_apply(
    conn: Connection,
    principal: Principal,
    sub: Submission,
    form: FormDefinition,
    judged: dict[str, _Judged],
    applies: Sequence[str],
    current: dict[str, _Row],
    flags: dict[str, list[str]],
    receipts: dict[str, CellReceipt],
    sha: str,
    now: datetime,
    commit: bool,
) -> int:
    """Allocate the revisions and write versions, cells, day status and the submission row in
    one statement (PostgreSQL), and with ``commit`` end the transaction; returns the first
    revision."""
    for offset, indicator in enumerate(applies):
        receipts[indicator] = CellReceipt("applied", _FIRST_MARK + offset)
    text_ = _receipt_text(SubmissionReceipt("applied", _FIRST_MARK, receipts))
    head, mark, tail = text_.partition(str(_FIRST_MARK))
    assert mark and str(_FIRST_MARK) not in tail
    params = _submission_row(principal, sub, sha, now, "")
    del params["receipt"]
    params.update(
        {
            "n": len(applies),
            "receipt_head": head,
            "receipt_tail": tail,
            "server_at": now,
            "submission_id": sub.id,
            "indicators": list(applies),
            "vals": [judged[i].text for i in applies],
            "flag_list": [
                json.dumps(sorted(set(flags[i]))) if i in flags else None for i in applies
            ],
            "isnew": [i not in current for i in applies],
        }
    )
    if not commit:
        return int(conn.execute(_PG_APPLY, params).scalar_one())
    for key in ("client_at", "server_at", "received_at"):
        params[key] = params[key].astimezone(UTC).replace(tzinfo=None)  # as UtcDateTime does
    # The statement and COMMIT go in one round trip (psycopg's pipeline): the counter row is
    # then free as soon as PostgreSQL has run them, never held while this thread waits for
    # the GIL. The session's own commit afterwards finds no transaction and does nothing.
    driver = conn.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    try:
        with driver.pipeline():
            cursor = driver.execute(_PG_APPLY_PSYCOPG, params)
            driver.commit()
        row = cursor.fetchone()
    except psycopg.Error as e:  # as SQLAlchemy would raise it: the retry loop knows those
        raise DBAPIError.instance(_PG_APPLY_SQL, params, e, psycopg.Error) from e
    assert row is not None
    return int(row[0])


def _rejected(reason: str, detail: str) -> CellReceipt:
    e = ProtocolError(reason, detail=detail)
    return CellReceipt("rejected", reason=e.code, message=e.message)


@dataclass(frozen=True)
class _Row:
    value: str | None
    rev: int
    user_id: int
    client_at: datetime


def _lock_day(session: Session, sub: Submission) -> dict[str, _Row]:
    """The day's current cells, locked against concurrent writers until commit (PostgreSQL;
    SQLite transactions are serialized already)."""
    rows = (
        session.connection()
        .execute(_LOCK, {"ou": sub.org_unit, "f": sub.form_id, "p": sub.period})
        .all()
    )
    return {r.indicator: _Row(r.value, r.rev, r.user_id, r.client_at) for r in rows}


def _validate(
    form: FormDefinition,
    sub: Submission,
    judged: dict[str, _Judged],
    current: dict[str, _Row],
    receipts: dict[str, CellReceipt],
) -> dict[str, list[str]]:
    """Refuse out-of-range cells; return the rule ids to flag on each remaining cell.

    Rules see the day as it will be: the server's values with this submission's on top.
    """
    validator = validator_for(form)
    fields = {f.code: f for f in form.fields}
    day: dict[str, Value] = {}
    for indicator, row in current.items():
        f = fields.get(indicator)
        if f is None:
            continue
        try:
            day[indicator] = from_storage(f.type, row.value)
        except ValueError:
            continue  # stored under an older version with another type: not judged here
    for _ in range(2):
        values = dict(day)
        values.update({i: j.value for i, j in judged.items()})
        issues = validator.validate(values, complete=sub.complete)
        refused = False
        for issue in issues:
            reason = _REFUSING.get(issue.rule_id)
            if reason and len(issue.fields) == 1 and issue.fields[0] in judged:
                indicator = issue.fields[0]
                del judged[indicator]
                receipts[indicator] = CellReceipt("rejected", reason=reason, message=issue.message)
                refused = True
        if not refused:
            break
    flags: dict[str, list[str]] = {}
    for issue in issues:
        if issue.rule_id in _REFUSING and issue.fields and issue.fields[0] not in judged:
            continue
        if issue.severity in (Severity.ERROR, Severity.WARNING):
            for code in issue.fields:
                if code in judged:
                    flags.setdefault(code, []).append(issue.rule_id)
    return flags


def _open_conflicts(session: Session, ids: set[int]) -> dict[int, tuple[str, str, date, str]]:
    rows = session.execute(
        select(
            Conflict.id, Conflict.org_unit, Conflict.form_id, Conflict.period, Conflict.indicator
        )
        .where(Conflict.id.in_(ids), Conflict.status == "open")
        .with_for_update()
    ).all()
    return {r.id: (r.org_unit, r.form_id, r.period, r.indicator) for r in rows}


def _names(session: Session, user_ids: set[int]) -> dict[int, str]:
    rows = session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all()
    return {r.id: r.name for r in rows}


def _json_of(field: Field, text: str | None) -> Any:
    try:
        return storage_to_json(field.type, text)
    except ValueError:
        return text  # stored under another version's type: shown as stored


_COLUMNS = "org_unit, form_id, period, indicator, value, rev, user_id, device_id, client_at, "
_COLUMNS += "server_at, submission_id, flags"
_TIMES = (bindparam("client_at", type_=UtcDateTime()), bindparam("server_at", type_=UtcDateTime()))
_DAY_STATUS = text(
    "INSERT INTO day_status (org_unit, form_id, period, complete, rev, updated_at) "
    "VALUES (:org_unit, :form_id, :period, :complete, :rev, :updated_at) "
    "ON CONFLICT (org_unit, form_id, period) DO UPDATE SET "
    "complete = day_status.complete OR excluded.complete, "
    "rev = CASE WHEN excluded.rev > day_status.rev THEN excluded.rev ELSE day_status.rev END, "
    "updated_at = excluded.updated_at"
).bindparams(bindparam("updated_at", type_=UtcDateTime()), bindparam("complete", type_=Boolean()))


_CELL_VALUES = (
    ":org_unit, :form_id, :period, u.indicator, u.value, u.rev, :user_id, :device_id, "
    ":client_at, :server_at, :submission_id, u.flags"
)
_PG_APPLY_SQL = (
    "WITH r AS (UPDATE revision_counter SET last = last + :n WHERE id = 1 "
    "RETURNING last - :n + 1 AS first), "
    "u AS (SELECT t.indicator, t.value, t.flags, t.isnew, r.first + t.ord - 1 AS rev FROM r, "
    "unnest(CAST(:indicators AS text[]), CAST(:vals AS text[]), CAST(:flag_list AS text[]), "
    "CAST(:isnew AS boolean[])) WITH ORDINALITY AS t(indicator, value, flags, isnew, ord)), "
    f"v AS (INSERT INTO cell_versions ({_COLUMNS}, form_version) "
    f"SELECT {_CELL_VALUES}, :form_version FROM u), "
    f"c AS (INSERT INTO cells ({_COLUMNS}) SELECT {_CELL_VALUES} FROM u WHERE u.isnew), "
    "x AS (UPDATE cells SET value = u.value, rev = u.rev, user_id = :user_id, "
    "device_id = :device_id, client_at = :client_at, server_at = :server_at, "
    "submission_id = :submission_id, flags = u.flags FROM u WHERE NOT u.isnew "
    "AND cells.org_unit = :org_unit AND cells.form_id = :form_id AND cells.period = :period "
    "AND cells.indicator = u.indicator), "
    "d AS (INSERT INTO day_status (org_unit, form_id, period, complete, rev, updated_at) "
    "SELECT :org_unit, :form_id, :period, :complete, r.first + :n - 1, :server_at FROM r "
    "ON CONFLICT (org_unit, form_id, period) DO UPDATE SET "
    "complete = day_status.complete OR excluded.complete, "
    "rev = CASE WHEN excluded.rev > day_status.rev THEN excluded.rev ELSE day_status.rev END, "
    "updated_at = excluded.updated_at), "
    "s AS (INSERT INTO submissions (id, device_id, user_id, org_unit, form_id, form_version, "
    "period, client_at, received_at, complete, app_version, payload_sha256, receipt) "
    "SELECT :id, :device_id, :user_id, :org_unit, :form_id, :form_version, :period, "
    ":client_at, :received_at, :complete, :app_version, :payload_sha256, "
    "CAST(:receipt_head AS text) || r.first || CAST(:receipt_tail AS text) FROM r) "
    "SELECT first FROM r"
)
_PG_APPLY = text(_PG_APPLY_SQL).bindparams(
    *_TIMES,
    bindparam("received_at", type_=UtcDateTime()),
    bindparam("complete", type_=Boolean()),
)
_PG_APPLY_PSYCOPG = re.sub(r"(?<!:):(\w+)", r"%(\1)s", _PG_APPLY_SQL)


def _write_cells(
    session: Session,
    principal: Principal,
    sub: Submission,
    form: FormDefinition,
    judged: dict[str, _Judged],
    applies: Sequence[str],
    current: dict[str, _Row],
    flags: dict[str, list[str]],
    first: int,
    now: datetime,
) -> None:
    common: dict[str, Any] = {
        "org_unit": sub.org_unit,
        "form_id": sub.form_id,
        "period": sub.period,
        "user_id": principal.user_id,
        "device_id": principal.device_id,
        "client_at": sub.client_at,
        "server_at": now,
        "submission_id": sub.id,
    }
    rows: dict[bool, list[dict[str, Any]]] = {True: [], False: []}  # exists already -> rows
    for offset, indicator in enumerate(applies):
        flag = json.dumps(sorted(set(flags[indicator]))) if indicator in flags else None
        rows[indicator in current].append(
            {
                "indicator": indicator,
                "value": judged[indicator].text,
                "rev": first + offset,
                "flags": flag,
            }
        )
    conn = session.connection()
    # SQLite (PostgreSQL: _pg_apply): in-process, a statement per row costs no round trip
    versions = [{**common, **r, "form_version": form.version} for r in rows[False] + rows[True]]
    conn.execute(insert(CellVersion), versions)
    if rows[False]:
        conn.execute(insert(Cell), [{**common, **r} for r in rows[False]])
    for r in rows[True]:
        conn.execute(
            update(Cell)
            .where(
                Cell.org_unit == sub.org_unit,
                Cell.form_id == sub.form_id,
                Cell.period == sub.period,
                Cell.indicator == r["indicator"],
            )
            .values(
                value=r["value"],
                rev=r["rev"],
                user_id=principal.user_id,
                device_id=principal.device_id,
                client_at=sub.client_at,
                server_at=now,
                submission_id=sub.id,
                flags=r["flags"],
            )
        )


def _write_day_status(
    session: Session, sub: Submission, first: int | None, n: int, now: datetime
) -> None:
    """A day once marked complete stays complete; its ``rev`` is the day's newest revision."""
    if first is None and not sub.complete:
        return
    session.execute(
        _DAY_STATUS,
        {
            "org_unit": sub.org_unit,
            "form_id": sub.form_id,
            "period": sub.period,
            "complete": sub.complete,
            "rev": first + n - 1 if first is not None else 0,
            "updated_at": now,
        },
    )
