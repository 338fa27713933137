"""The outgoing half of sync inside the store: freezing saves into push items and applying the
server's receipts. Each function runs inside the caller's write transaction."""

from __future__ import annotations

import json
import random
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from forms.model import Text
from sync.protocol import (
    REASONS,
    Y_ABSENT,
    CellReceipt,
    ProtocolError,
    SubmissionReceipt,
    format_time,
    parse_time,
    submission_id,
)

from . import queries as q
from .rows import PushItem, ReceiptOutcome
from .values import format_utc, parse_utc
from .wire import FieldsOf, text_to_wire, wire_to_text

NEXT_SEQ_KEY = "sync.next_seq"
#: rejections that are waited out: the item is sent again once the server's metadata changes
WAIT_REASONS = ("unknown_form", "unknown_form_version")
#: after this many re-keys (``id_reused``) an item is held: something is deeply wrong
MAX_REKEYS = 20

_DAYS_TO_FREEZE = """
    SELECT org_unit, form_id, period FROM cells WHERE sync_state = 'local'
    UNION
    SELECT s.org_unit, s.form_id, s.period FROM outbox AS o
    JOIN submissions AS s ON s.uuid = o.submission_uuid
    WHERE o.state = 'pending' AND o.push_uuid IS NULL
"""
_BUSY_DAYS = """
    SELECT org_unit, form_id, period FROM push_items
    WHERE state = 'inflight'
       OR (state = 'held' AND reason IN ('unknown_form', 'unknown_form_version'))
"""
# A cell edited while the server holds an open conflict on it waits for the person's choice
# (the conflict dialog offers the new value as "mine"): sent now it would open a second
# conflict on the server beside the first.
_LOCAL_CELLS = """
    SELECT indicator, value, base_rev, settles, updated_at,
        EXISTS (SELECT 1 FROM local_conflicts AS lc
                WHERE lc.state = 'open' AND lc.server_id IS NOT NULL
                  AND lc.org_unit = cells.org_unit AND lc.form_id = cells.form_id
                  AND lc.period = cells.period AND lc.indicator = cells.indicator) AS waits
    FROM cells
    WHERE org_unit = ? AND form_id = ? AND period = ? AND sync_state = 'local'
    ORDER BY id
"""
_DAY_SAVES = """
    SELECT max(s.form_version), max(s.created_at) FROM outbox AS o
    JOIN submissions AS s ON s.uuid = o.submission_uuid
    WHERE o.state = 'pending' AND o.push_uuid IS NULL
      AND s.org_unit = ? AND s.form_id = ? AND s.period = ?
"""
_DAY_VERSION = """
    SELECT max(form_version) FROM submissions WHERE org_unit = ? AND form_id = ? AND period = ?
"""
_DAY_STATUS = "SELECT status FROM day_status WHERE org_unit = ? AND form_id = ? AND period = ?"
_INSERT_ITEM = """
    INSERT INTO push_items (uuid, seq, org_unit, form_id, form_version, period, payload, frozen,
                            state, attempts, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'inflight', 0, ?)
"""
_CELL_PENDING = """
    UPDATE cells SET sync_state = 'pending'
    WHERE org_unit = ? AND form_id = ? AND period = ? AND indicator = ? AND sync_state = 'local'
"""
_COVER_OUTBOX = """
    UPDATE outbox SET push_uuid = ?, state = ?
    WHERE state = 'pending' AND push_uuid IS NULL AND submission_uuid IN (
        SELECT uuid FROM submissions WHERE org_unit = ? AND form_id = ? AND period = ?)
"""
_ITEM_COLUMNS = (
    "uuid, seq, org_unit, form_id, form_version, period, payload, state, reason, attempts, frozen"
)
_INFLIGHT = f"SELECT {_ITEM_COLUMNS} FROM push_items WHERE state = 'inflight' ORDER BY seq LIMIT ?"
_ITEM_STATE = "SELECT state, frozen FROM push_items WHERE uuid = ?"
_CELL = """
    SELECT value, sync_state, settles FROM cells
    WHERE org_unit = ? AND form_id = ? AND period = ? AND indicator = ?
"""
_SET_CELL_STATE = """
    UPDATE cells SET sync_state = ?
    WHERE org_unit = ? AND form_id = ? AND period = ? AND indicator = ?
"""
_SET_CELL_BASE = """
    UPDATE cells SET base_rev = ?, settles = NULL
    WHERE org_unit = ? AND form_id = ? AND period = ? AND indicator = ?
"""
_OPEN_CONFLICT = """
    SELECT id FROM local_conflicts
    WHERE state = 'open' AND org_unit = ? AND form_id = ? AND period = ? AND indicator = ?
"""
_CLOSE_CONFLICTS = """
    UPDATE local_conflicts SET state = 'closed', settled_at = ?
    WHERE state = 'open' AND org_unit = ? AND form_id = ? AND period = ? AND indicator = ?
"""
_UPDATE_CONFLICT = """
    UPDATE local_conflicts SET server_id = ?, theirs = ?, theirs_rev = ?, theirs_by = ?,
        theirs_at = ?
    WHERE id = ?
"""
_INSERT_CONFLICT = """
    INSERT INTO local_conflicts (server_id, org_unit, form_id, period, indicator, theirs,
        theirs_rev, theirs_by, theirs_at, found_at, state)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')
"""
_INSERT_SET_ASIDE = """
    INSERT INTO set_aside (org_unit, form_id, period, indicator, value, reason, message_id,
        message_en, push_uuid, at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_ITEM_DONE = "UPDATE push_items SET state = 'done', done_at = ? WHERE uuid = ?"
_ITEM_HELD = """
    UPDATE push_items SET state = 'held', reason = ?, message_id = ?, message_en = ?,
        attempts = attempts + 1
    WHERE uuid = ?
"""
_OUTBOX_STATE = "UPDATE outbox SET state = ? WHERE push_uuid = ?"
_REKEY_ITEM = "UPDATE push_items SET uuid = ?, seq = ?, attempts = attempts + 1 WHERE uuid = ?"
_REKEY_OUTBOX = "UPDATE outbox SET push_uuid = ? WHERE push_uuid = ?"
_REJECT_ITEM_CELLS = """
    UPDATE cells SET sync_state = 'rejected'
    WHERE org_unit = ? AND form_id = ? AND period = ? AND indicator = ? AND sync_state = 'pending'
"""
_RELEASE = """
    UPDATE push_items SET state = 'inflight', reason = NULL, message_id = NULL, message_en = NULL
    WHERE state = 'held' AND reason IN ('unknown_form', 'unknown_form_version')
"""


def _next_seq(conn: sqlite3.Connection, jump: int = 0) -> int:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (NEXT_SEQ_KEY,)).fetchone()
    stored = int(row[0]) if row is not None and row[0] else 1
    # Never below a number already used here (a settings row restored from an old backup).
    used = conn.execute("SELECT max(seq) FROM push_items").fetchone()[0]
    seq = max(stored, (used or 0) + 1) + jump
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (NEXT_SEQ_KEY, str(seq + 1)),
    )
    return seq


def _mode(bases: list[int]) -> int:
    if not bases:
        return 0
    counts = Counter(bases)
    return max(counts, key=lambda b: (counts[b], b))


def freeze(
    conn: sqlite3.Connection,
    *,
    device_id: str,
    now: str,
    fields_of: FieldsOf,
    latest_version: Callable[[str], int | None],
    field_order: Callable[[str, int], Sequence[str] | None],
) -> int:
    """One push item per form-day with unsent saves and no item in flight; returns the count.

    The item's cells are the day's ``local`` cells at their current values, each based on
    ``cells.base_rev`` (``[value, base, k]`` when it settles conflict ``k``), by position
    (``y``) when ``field_order`` knows the server's order of that version, else by name
    (``x``); ``c`` is the day's complete flag; ``t`` the newest save. Those cells become
    ``pending`` and the outbox rows of those saves are marked as carried by the item.
    """
    busy = set(conn.execute(_BUSY_DAYS).fetchall())
    days = sorted(set(conn.execute(_DAYS_TO_FREEZE).fetchall()) - busy)
    made = 0
    for ou, form_id, period in days:
        key = (ou, form_id, period)
        local = conn.execute(_LOCAL_CELLS, key).fetchall()
        cells = [c[:5] for c in local if not c[5]]
        waiting = len(cells) < len(local)
        version, saved_at = conn.execute(_DAY_SAVES, key).fetchone()
        if version is None:
            version = conn.execute(_DAY_VERSION, key).fetchone()[0]
        if version is None:
            version = latest_version(form_id) or 1
        status = conn.execute(_DAY_STATUS, key).fetchone()
        complete = status is not None and status[0] == "complete"
        if not cells and not complete:
            if not waiting:
                # Only a reopened day: the server keeps "complete" (it is sticky); nothing to
                # send. (Saves of cells waiting for a settlement stay uncovered.)
                conn.execute(_COVER_OUTBOX, (None, "sent", *key))
            continue
        times = [parse_utc(c[4]) for c in cells]
        if saved_at is not None:
            times.append(parse_utc(saved_at))
        fields = fields_of(form_id)
        base = _mode([c[2] or 0 for c in cells if c[3] is None])
        wire: dict[str, Any] = {}
        texts: dict[str, str | None] = {}
        for indicator, text, base_rev, settles, _ in cells:
            raw = text_to_wire(fields.get(indicator), text)
            cell_base = base_rev or 0
            if settles is not None:
                wire[indicator] = [raw, cell_base, settles]
            elif cell_base != base:
                wire[indicator] = [raw, cell_base]
            else:
                wire[indicator] = raw
            texts[indicator] = text
        # Positional cells (y) when this version's field order is the server's own: the
        # indicator names then never cross the link (half the bytes of a week's backlog).
        codes = field_order(form_id, int(version)) or ()
        y: list[Any] = [Y_ABSENT] * len(codes)
        for i, code in enumerate(codes):
            if code in wire:
                y[i] = wire.pop(code)
        while y and y[-1] == Y_ABSENT:
            y.pop()
        order = [codes[i] for i, cell in enumerate(y) if cell != Y_ABSENT] + list(wire)
        frozen = {indicator: texts[indicator] for indicator in order}
        payload: dict[str, Any] = {
            "ou": ou,
            "f": form_id,
            "v": int(version),
            "p": period,
            "t": format_time(max(times)) if times else format_time(parse_utc(now)),
        }
        if complete:
            payload["c"] = 1
        if base:
            payload["b"] = base
        if y:
            payload["y"] = y
        if wire or not y:
            payload["x"] = wire
        seq = _next_seq(conn)
        uuid = submission_id(device_id, seq)
        conn.execute(
            _INSERT_ITEM,
            (
                uuid,
                seq,
                ou,
                form_id,
                int(version),
                period,
                _dumps(payload),
                _dumps(frozen),
                now,
            ),
        )
        conn.executemany(_CELL_PENDING, [(*key, c[0]) for c in cells])
        conn.execute(_COVER_OUTBOX, (uuid, "pending", *key))
        made += 1
    return made


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def inflight(conn: sqlite3.Connection, limit: int) -> list[PushItem]:
    rows = conn.execute(_INFLIGHT, (limit,)).fetchall()
    return [
        PushItem(
            uuid=r[0],
            seq=int(r[1]),
            org_unit=r[2],
            form_id=r[3],
            form_version=int(r[4]),
            period=date.fromisoformat(r[5]),
            payload=r[6],
            state=r[7],
            reason=r[8],
            attempts=int(r[9]),
            cells=tuple(json.loads(r[10])),
        )
        for r in rows
    ]


def waiting_count(conn: sqlite3.Connection) -> int:
    marks = ", ".join("?" * len(WAIT_REASONS))
    row = conn.execute(
        f"SELECT count(*) FROM push_items WHERE state = 'held' AND reason IN ({marks})",
        WAIT_REASONS,
    ).fetchone()
    return int(row[0])


def release_waiting(conn: sqlite3.Connection) -> int:
    return conn.execute(_RELEASE).rowcount


@dataclass
class _Counts:
    acknowledged: int = 0
    new_conflicts: int = 0
    set_aside: int = 0
    rekeyed: int = 0
    waiting: int = 0


def apply_receipts(
    conn: sqlite3.Connection,
    pairs: Sequence[tuple[PushItem, SubmissionReceipt]],
    *,
    device_id: str,
    now: str,
    fields_of: FieldsOf,
    rng: random.Random,
) -> ReceiptOutcome:
    """Apply one push reply (see sync/store/README.md, "Receipts")."""
    counts = _Counts()
    for item, receipt in pairs:
        row = conn.execute(_ITEM_STATE, (item.uuid,)).fetchone()
        if row is None or row[0] != "inflight":
            continue  # already settled by an earlier reply (a retried request)
        frozen: dict[str, str | None] = json.loads(row[1])
        if receipt.status == "rejected":
            _rejected_item(conn, item, receipt, frozen, counts, device_id, now, rng)
            continue
        fields = fields_of(item.form_id)
        day = (item.org_unit, item.form_id, item.period.isoformat())
        for indicator, cell in receipt.cells.items():
            if indicator not in frozen:
                raise ValueError(f"receipt for {item.uuid} names unknown cell {indicator!r}")
            _apply_cell(conn, day, indicator, frozen[indicator], cell, fields, counts, item, now)
        conn.execute(_ITEM_DONE, (now, item.uuid))
        conn.execute(_OUTBOX_STATE, ("sent", item.uuid))
        counts.acknowledged += 1
    return ReceiptOutcome(
        acknowledged=counts.acknowledged,
        new_conflicts=counts.new_conflicts,
        set_aside=counts.set_aside,
        rekeyed=counts.rekeyed,
        waiting=counts.waiting,
    )


def _apply_cell(
    conn: sqlite3.Connection,
    day: tuple[str, str, str],
    indicator: str,
    sent: str | None,
    cell: CellReceipt,
    fields: Any,
    counts: _Counts,
    item: PushItem,
    now: str,
) -> None:
    key = (*day, indicator)
    current = conn.execute(_CELL, key).fetchone()
    if current is None:
        raise ValueError(f"cell {key} vanished while its push was in flight")
    value, state, settles = current
    # Still the value we sent (and nobody edited it during the sync)?
    ours = state == "pending" and value == sent
    if cell.status in ("applied", "unchanged"):
        assert cell.rev is not None
        if ours:
            conn.execute(q.SET_CELL_SYNC, ("sent", cell.rev, None, *key))
            conn.execute(_CLOSE_CONFLICTS, (now, *key))
        else:
            # Edited during the sync: it goes in the next item, based on what the server has.
            conn.execute(_SET_CELL_BASE, (cell.rev, *key))
        return
    if cell.status == "conflict":
        assert cell.rev is not None and cell.conflict_id is not None
        theirs = wire_to_text(fields.get(indicator), cell.value)
        theirs_at = _at(cell.at)
        existing = conn.execute(_OPEN_CONFLICT, key).fetchone()
        if existing is not None:
            conn.execute(
                _UPDATE_CONFLICT,
                (cell.conflict_id, theirs, cell.rev, cell.by, theirs_at, existing[0]),
            )
        else:
            conn.execute(
                _INSERT_CONFLICT,
                (cell.conflict_id, *key, theirs, cell.rev, cell.by, theirs_at, now),
            )
            counts.new_conflicts += 1
        if ours:
            conn.execute(_SET_CELL_STATE, ("conflict", *key))
        return
    assert cell.status == "rejected" and cell.reason is not None
    if cell.reason == "bad_conflict" and ours and settles is not None:
        # The conflict was closed meanwhile (settled elsewhere): send the value again as a
        # plain edit on the revision the person saw; a newer server value makes a new conflict.
        conn.execute(
            "UPDATE cells SET sync_state = 'local', settles = NULL "
            "WHERE org_unit = ? AND form_id = ? AND period = ? AND indicator = ?",
            key,
        )
        return
    message = cell.message or REASONS.get(cell.reason) or REASONS["bad_submission"]
    conn.execute(
        _INSERT_SET_ASIDE,
        (*key, sent, cell.reason, message.id, message.en, item.uuid, now),
    )
    counts.set_aside += 1
    if ours:
        conn.execute(_SET_CELL_STATE, ("rejected", *key))


def _at(text: str | None) -> str | None:
    """A wire time as stored text (None when absent or unreadable: it is only shown)."""
    if text is None:
        return None
    try:
        return format_utc(parse_time(text))
    except ProtocolError:
        return None


def _rejected_item(
    conn: sqlite3.Connection,
    item: PushItem,
    receipt: SubmissionReceipt,
    frozen: dict[str, str | None],
    counts: _Counts,
    device_id: str,
    now: str,
    rng: random.Random,
) -> None:
    reason = receipt.reason or "bad_submission"
    message: Text = receipt.message or REASONS.get(reason) or REASONS["bad_submission"]
    if reason == "id_reused" and item.attempts < MAX_REKEYS:
        # The server holds another submission under this id (a copied data folder shares our
        # device id): ours was never applied. A fresh number, same content; the jump keeps two
        # copies from colliding on every following number too.
        seq = _next_seq(conn, jump=rng.randint(1, 4096))
        uuid = submission_id(device_id, seq)
        conn.execute(_REKEY_ITEM, (uuid, seq, item.uuid))
        conn.execute(_REKEY_OUTBOX, (uuid, item.uuid))
        counts.rekeyed += 1
        return
    conn.execute(_ITEM_HELD, (reason, message.id, message.en, item.uuid))
    if reason in WAIT_REASONS:
        counts.waiting += 1
        return
    day = (item.org_unit, item.form_id, item.period.isoformat())
    conn.execute(
        _INSERT_SET_ASIDE, (*day, None, None, reason, message.id, message.en, item.uuid, now)
    )
    counts.set_aside += 1
    conn.execute(_OUTBOX_STATE, ("rejected", item.uuid))
    for indicator, text in frozen.items():
        cell = conn.execute(_CELL, (*day, indicator)).fetchone()
        if cell is not None and cell[0] == text:
            conn.execute(_REJECT_ITEM_CELLS, (*day, indicator))
