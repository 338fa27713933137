"""The sync endpoints under /api/v1: push, pull, conflicts and receipts (docs/sync-protocol.md).

Handlers are plain functions (FastAPI runs them on its thread pool): the database work blocks.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.api_meta import digest_for
from server.auth import APP_HEADER, current_user
from server.context import ServerContext, get_context
from server.errors import ApiError
from server.ingest import FormCache, ingest_push
from server.models import OrgUnit
from server.pull import day_receipts, open_conflicts, pull_page
from server.scope import Principal, covers_path
from sync.protocol import (
    MAX_PULL_LIMIT,
    MAX_SUBMISSIONS,
    PULL_LIMIT_DEFAULT,
    ProtocolError,
    decode_push,
    encode_conflict,
    encode_day_receipt,
    encode_pull_page,
    format_time,
)

__all__ = ["router"]

router = APIRouter(tags=["sync"])

#: parsed form definitions, shared by every request of this process
_FORMS = FormCache()
#: the longest date range one receipts query may cover
MAX_RECEIPT_DAYS = 366
_STATUS = {"bad_request": 400, "bad_json": 400, "too_large": 413}

User = Annotated[Principal, Depends(current_user)]


class PushBody(BaseModel):
    """A push (see the protocol doc); each submission is checked by ``sync.protocol``."""

    d: str = Field(description="the device id, as at login")
    s: list[Any] = Field(description=f"the submissions, at most {MAX_SUBMISSIONS}")


class PushReply(BaseModel):
    server_time: str
    m: str = Field(description="digest of the caller's metadata: GET /metadata when it changed")
    r: list[dict[str, Any]] = Field(description="one receipt per submission, in order")


class PullReply(BaseModel):
    to: int
    more: bool
    server_time: str
    m: str = Field(description="digest of the caller's metadata: GET /metadata when it changed")
    g: list[dict[str, Any]]


class ConflictsReply(BaseModel):
    conflicts: list[dict[str, Any]]


class ReceiptsReply(BaseModel):
    days: list[dict[str, Any]]


def _version_tuple(text: str) -> tuple[int, ...] | None:
    match = re.match(r"^(\d+(?:\.\d+)*)", text.strip())
    return tuple(int(p) for p in match.group(1).split(".")) if match else None


def _check_app_version(request: Request) -> None:
    """Below the configured minimum: 426 (the client keeps its outbox until updated)."""
    sent = request.headers.get(APP_HEADER, "").strip()
    if not sent:
        return  # not a Kabar app (a script or a test tool): nothing to compare
    minimum = get_context(request).settings.app_minimum
    have, need = _version_tuple(sent), _version_tuple(minimum)
    if need is not None and (have is None or have < need):
        raise ApiError(426, "app_too_old", f"app {sent[:32]!r} is below the minimum {minimum}")


class _FieldOrder:
    """The published field order of a form version, for positional cells (``y``); a read
    session is opened only when a submission uses them."""

    def __init__(self, stack: ExitStack, context: ServerContext) -> None:
        self._stack = stack
        self._context = context
        self._session: Session | None = None

    def __call__(self, form_id: str, version: int) -> list[str]:
        if self._session is None:
            self._session = self._stack.enter_context(self._context.read_sessions())
        form = _FORMS.get(self._session, form_id, version)
        if form is None:
            code = (
                "unknown_form_version"
                if _FORMS.known_id(self._session, form_id)
                else "unknown_form"
            )
            raise ProtocolError(code, detail=f"{form_id} v{version}")
        return [f.code for f in form.fields]


def _now() -> datetime:
    return datetime.now(UTC)


@router.post("/api/v1/push", response_model=PushReply)
def push(body: PushBody, request: Request, principal: User) -> dict[str, Any]:
    _check_app_version(request)
    context = get_context(request)
    with ExitStack() as stack:
        field_order = _FieldOrder(stack, context)
        try:
            decoded = decode_push(body.model_dump(), field_order)
        except ProtocolError as e:
            raise ApiError(_STATUS.get(e.code, 400), e.code, e.detail) from None
    if decoded.device_id != principal.device_id:
        raise ApiError(400, "bad_request", "'d' is not the device this token was issued to")
    now = _now()
    receipts = ingest_push(context.sessions, principal, decoded, _FORMS, now)
    digest = digest_for(principal, context)
    return {"server_time": format_time(now), "m": digest, "r": receipts}


@router.get("/api/v1/pull", response_model=PullReply)
def pull(
    request: Request,
    principal: User,
    since: Annotated[int, Query(ge=0, lt=2**63)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = PULL_LIMIT_DEFAULT,
    mine: Annotated[int, Query(ge=0, le=1)] = 1,
) -> dict[str, Any]:
    context = get_context(request)
    with context.read_sessions() as session, session.begin():
        page = pull_page(session, principal, _FORMS, since, limit, _now(), mine=bool(mine))
    digest = digest_for(principal, context)
    return encode_pull_page(replace(page, metadata_digest=digest))


def _scoped_path(request: Request, principal: Principal, code: str) -> str:
    with get_context(request).read_sessions() as session:
        path = session.scalar(select(OrgUnit.path).where(OrgUnit.code == code))
    if path is None:
        raise ApiError(404, "not_found", f"no org unit {code[:40]!r}")
    if not covers_path(principal, path):
        raise ApiError(403, "forbidden", f"org unit {code[:40]!r} is outside your scope")
    return path


@router.get("/api/v1/conflicts", response_model=ConflictsReply)
def conflicts(
    request: Request,
    principal: User,
    ou: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    root = _scoped_path(request, principal, ou) if ou is not None else None
    with get_context(request).read_sessions() as session, session.begin():
        found = open_conflicts(session, principal, _FORMS, root)
    return {"conflicts": [encode_conflict(c) for c in found]}


@router.get("/api/v1/receipts", response_model=ReceiptsReply)
def receipts(
    request: Request,
    principal: User,
    ou: Annotated[str, Query(max_length=100)],
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
) -> dict[str, Any]:
    if end < start or end - start > timedelta(days=MAX_RECEIPT_DAYS):
        raise ApiError(
            400, "bad_request", f"'from' must not be after 'to', at most {MAX_RECEIPT_DAYS} days"
        )
    root = _scoped_path(request, principal, ou)
    with get_context(request).read_sessions() as session, session.begin():
        days = day_receipts(session, root, start, end)
    return {"days": [encode_day_receipt(d) for d in days]}
