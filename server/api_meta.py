"""``GET /api/v1/metadata``, ``GET /api/v1/forms/{id}/{version}`` and ``GET /healthz``."""

from __future__ import annotations

import threading
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from server.api_token import user_json
from server.auth import current_user, utcnow
from server.context import ServerContext, get_context, read_session
from server.errors import ApiError
from server.models import FormVersion
from server.scope import Principal, metadata_units
from sync.protocol import format_time, metadata_digest

router = APIRouter()


def latest_forms(session: Session | Connection) -> list[dict[str, Any]]:
    """Every form's newest published version."""
    newest = (
        select(FormVersion.form_id, func.max(FormVersion.version).label("version"))
        .group_by(FormVersion.form_id)
        .subquery()
    )
    rows = session.execute(
        select(FormVersion.form_id, FormVersion.version, FormVersion.sha256)
        .join(
            newest,
            (newest.c.form_id == FormVersion.form_id) & (newest.c.version == FormVersion.version),
        )
        .order_by(FormVersion.form_id)
    ).all()
    return [{"id": f, "version": v, "sha256": h} for f, v, h in rows]


def metadata_document(
    session: Session | Connection,
    principal: Principal,
    context: ServerContext,
    *,
    units: list[Any] | None = None,
    forms: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The caller's metadata without ``server_time`` (what the digest ``m`` covers)."""
    p = principal
    return {
        "user": user_json(p.username, p.name, p.role, p.org_units),
        "forms": forms if forms is not None else latest_forms(session),
        "org_units": units if units is not None else metadata_units(session, principal),
        "app": {"latest": context.settings.app_latest, "minimum": context.settings.app_minimum},
    }


#: org units change only through the admin CLI; push and pull replies reuse a scope's list for
#: this long (forms are read every time: a newly published version must show on the next sync)
UNITS_REUSE_S = 30.0
_units_lock = threading.Lock()
_units_cache: dict[tuple[int, str, tuple[str, ...]], tuple[float, list[Any]]] = {}


def _cached_units(
    session: Session | Connection, principal: Principal, context: ServerContext
) -> list[Any]:
    key = (id(context.engine), principal.role, principal.roots)
    now = time.monotonic()
    with _units_lock:
        hit = _units_cache.get(key)
    if hit is not None and now - hit[0] < UNITS_REUSE_S:
        return hit[1]
    units = metadata_units(session, principal)
    with _units_lock:
        if len(_units_cache) > 10_000:
            _units_cache.clear()
        _units_cache[key] = (now, units)
    return units


#: push and pull replies reuse the list of newest form versions this long; ``publish_form``
#: forgets it on commit (a publish from another process shows after at most this long)
FORMS_REUSE_S = 5.0
_forms_cache: dict[int, tuple[float, list[dict[str, Any]]]] = {}


def forget_forms() -> None:
    """A form version was just published: the next reply reads the list again."""
    with _units_lock:
        _forms_cache.clear()


def _cached_forms(conn: Connection, context: ServerContext) -> list[dict[str, Any]]:
    key = id(context.engine)
    now = time.monotonic()
    with _units_lock:
        hit = _forms_cache.get(key)
    if hit is not None and now - hit[0] < FORMS_REUSE_S:
        return hit[1]
    forms = latest_forms(conn)
    with _units_lock:
        _forms_cache[key] = (now, forms)
    return forms


def digest_for(principal: Principal, context: ServerContext) -> str:
    """``m`` of push and pull replies: the digest of what ``GET /metadata`` would return.

    Every push and pull pays for it, so it costs at most one single-statement read (the org
    units of a scope not seen in the last ``UNITS_REUSE_S``), without a transaction around it."""
    with context.read_engine.connect() as conn:
        units = _cached_units(conn, principal, context)
        forms = _cached_forms(conn, context)
        return metadata_digest(
            metadata_document(conn, principal, context, units=units, forms=forms)
        )


@router.get("/api/v1/metadata")
def metadata(
    principal: Annotated[Principal, Depends(current_user)],
    session: Annotated[Session, Depends(read_session)],
    context: Annotated[ServerContext, Depends(get_context)],
) -> dict[str, Any]:
    document = metadata_document(session, principal, context, units=None)
    return {"server_time": format_time(utcnow()), **document}


@router.get("/api/v1/forms/{form_id}/{version}", response_class=PlainTextResponse)
def form_text(
    form_id: str,
    version: int,
    principal: Annotated[Principal, Depends(current_user)],
    session: Annotated[Session, Depends(read_session)],
) -> Response:
    row = session.scalar(
        select(FormVersion).where(FormVersion.form_id == form_id, FormVersion.version == version)
    )
    if row is None:
        raise ApiError(404, "not_found", f"form {form_id!r} version {version} is not published")
    return Response(
        row.source_text,
        media_type="text/yaml; charset=utf-8",
        headers={"X-Kabar-Form-Sha256": row.sha256},
    )


@router.get("/healthz")
def healthz(request: Request) -> dict[str, str]:
    with get_context(request).read_sessions() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok"}
