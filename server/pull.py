"""The read side of sync: the change feed (pull), open conflicts and the day receipts (proofs),
each limited to the caller's org-unit scope."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from forms.model import FieldType
from server.ingest import FormCache
from server.models import Cell, Conflict, DayStatus, OrgUnit, RevisionCounter, User
from server.scope import Principal, in_scope, path_filter
from sync.protocol import (
    ConflictInfo,
    DayReceipt,
    JsonScalar,
    PullCell,
    PullGroup,
    PullPage,
    day_checksum,
    format_time,
    storage_to_json,
)

__all__ = ["day_receipts", "open_conflicts", "pull_page"]


def _to_json(types: dict[str, FieldType], indicator: str, text: str | None) -> JsonScalar:
    field_type = types.get(indicator)
    if field_type is None:
        return text
    try:
        return storage_to_json(field_type, text)
    except ValueError:
        return text  # a value stored under an older version's type: sent as stored


def _names(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    ids = set(user_ids)
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()
    return {r.id: r.name for r in rows}


class _Types:
    """Field types per form id, looked up once per request."""

    def __init__(self, session: Session, forms: FormCache) -> None:
        self._session = session
        self._forms = forms
        self._by_form: dict[str, dict[str, FieldType]] = {}

    def __call__(self, form_id: str) -> dict[str, FieldType]:
        if form_id not in self._by_form:
            self._by_form[form_id] = self._forms.field_types(self._session, form_id)
        return self._by_form[form_id]


def pull_page(
    session: Session,
    principal: Principal,
    forms: FormCache,
    since: int,
    limit: int,
    now: datetime,
    *,
    mine: bool = True,
) -> PullPage:
    """Cells in scope with revision > ``since``, in revision order, at most ``limit``.

    Revisions become visible in increasing order (allocated just before commit, under the
    counter row's lock), so ``to`` = the last revision sent never skips a later commit.
    ``mine=False`` leaves out cells whose current version the caller's device wrote (it has
    them from its receipts); ``to`` still moves past them.
    """
    # Read before the cells: every revision up to it is committed, so a page that holds
    # everything after ``since`` may move the cursor that far (past the caller's own cells).
    counter = None if mine else session.scalar(select(RevisionCounter.last))
    condition = [Cell.rev > since, in_scope(principal)]
    if not mine:
        condition.append(Cell.device_id != principal.device_id)
    rows = session.execute(
        select(
            Cell.org_unit,
            Cell.form_id,
            Cell.period,
            Cell.indicator,
            Cell.value,
            Cell.rev,
            Cell.user_id,
            Cell.client_at,
        )
        .join(OrgUnit, OrgUnit.code == Cell.org_unit)
        .where(*condition)
        .order_by(Cell.rev)
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    types = _Types(session, forms)
    grouped: dict[tuple[str, str, date], list[Any]] = {}
    for row in rows:
        grouped.setdefault((row.org_unit, row.form_id, row.period), []).append(row)
    complete = _complete_days(session, list(grouped))
    names = _names(session, {group[-1].user_id for group in grouped.values()})
    groups = []
    for (ou, form_id, period), cells in grouped.items():
        last = cells[-1]
        form_types = types(form_id)
        groups.append(
            PullGroup(
                org_unit=ou,
                form_id=form_id,
                period=period,
                cells=tuple(
                    PullCell(c.indicator, _to_json(form_types, c.indicator, c.value), c.rev)
                    for c in cells
                ),
                by=names.get(last.user_id),
                at=format_time(last.client_at),
                complete=complete.get((ou, form_id, period), False),
            )
        )
    to = rows[-1].rev if rows else since
    if not more and counter is not None:
        to = max(to, counter)
    return PullPage(int(to), more, format_time(now), tuple(groups))


def _complete_days(
    session: Session, keys: list[tuple[str, str, date]]
) -> dict[tuple[str, str, date], bool]:
    out: dict[tuple[str, str, date], bool] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = session.execute(
            select(
                DayStatus.org_unit, DayStatus.form_id, DayStatus.period, DayStatus.complete
            ).where(tuple_(DayStatus.org_unit, DayStatus.form_id, DayStatus.period).in_(chunk))
        ).all()
        out.update({(r.org_unit, r.form_id, r.period): r.complete for r in rows})
    return out


def open_conflicts(
    session: Session, principal: Principal, forms: FormCache, root_path: str | None
) -> list[ConflictInfo]:
    """Open conflicts in scope (under ``root_path`` when given), oldest first, with the
    cell's current server value."""
    query = (
        select(
            Conflict,
            Cell.value,
            Cell.rev,
            Cell.user_id,
            Cell.client_at,
        )
        .join(OrgUnit, OrgUnit.code == Conflict.org_unit)
        .join(
            Cell,
            (Cell.org_unit == Conflict.org_unit)
            & (Cell.form_id == Conflict.form_id)
            & (Cell.period == Conflict.period)
            & (Cell.indicator == Conflict.indicator),
        )
        .where(Conflict.status == "open", in_scope(principal))
        .order_by(Conflict.id)
    )
    if root_path is not None:
        query = query.where(path_filter([root_path]))
    rows = session.execute(query).all()
    names = _names(
        session, {r.user_id for r in rows} | {r.Conflict.candidate_user_id for r in rows}
    )
    types = _Types(session, forms)
    out = []
    for r in rows:
        c: Conflict = r.Conflict
        form_types = types(c.form_id)
        out.append(
            ConflictInfo(
                conflict_id=c.id,
                org_unit=c.org_unit,
                form_id=c.form_id,
                period=c.period,
                indicator=c.indicator,
                server_value=_to_json(form_types, c.indicator, r.value),
                server_rev=int(r.rev),
                server_by=names.get(r.user_id),
                server_at=format_time(r.client_at),
                candidate_value=_to_json(form_types, c.indicator, c.candidate_value),
                candidate_by=names.get(c.candidate_user_id),
                candidate_device=c.candidate_device_id,
                candidate_at=format_time(c.candidate_client_at),
                received_at=format_time(c.received_at),
                submission=c.submission_id,
            )
        )
    return out


def day_receipts(session: Session, root_path: str, start: date, end: date) -> list[DayReceipt]:
    """Per (org unit, form, period) under ``root_path`` with cells in [start, end]: the count
    and checksum of the values the server holds (``sync.protocol.day_checksum``)."""
    rows = session.execute(
        select(Cell.org_unit, Cell.form_id, Cell.period, Cell.indicator, Cell.value, Cell.rev)
        .join(OrgUnit, OrgUnit.code == Cell.org_unit)
        .where(path_filter([root_path]), Cell.period >= start, Cell.period <= end)
        .order_by(Cell.org_unit, Cell.form_id, Cell.period)
    ).all()
    days: dict[tuple[str, str, date], tuple[dict[str, str | None], list[int]]] = {}
    for r in rows:
        cells, revs = days.setdefault((r.org_unit, r.form_id, r.period), ({}, []))
        cells[r.indicator] = r.value
        revs.append(int(r.rev))
    complete = _complete_days(session, list(days))
    out = []
    for key, (cells, revs) in days.items():
        n, total = day_checksum(cells)
        out.append(
            DayReceipt(
                form_id=key[1],
                period=key[2],
                n=n,
                rev=max(revs),
                sum=total,
                complete=complete.get(key, False),
                org_unit=key[0],
            )
        )
    return out
