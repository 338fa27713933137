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
from server.models import AdminAudit, FormVersion
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


#: push and pull replies reuse what their digest covers this long; ``publish_form`` forgets it
#: on commit (an admin change from another process shows after at most this long)
GENERATION_REUSE_S = 5.0
_lock = threading.Lock()
_generations: dict[int, tuple[float, tuple[list[dict[str, Any]], int]]] = {}


def forget_generation() -> None:
    """An admin action was just committed: the next reply reads the generation again."""
    with _lock:
        _generations.clear()


def _generation(context: ServerContext) -> tuple[list[dict[str, Any]], int]:
    """The newest form versions and the newest admin action (every change to org units,
    accounts and forms is one: ``server/audit.py``), read at most every GENERATION_REUSE_S."""
    key = id(context.engine)
    now = time.monotonic()
    with _lock:
        hit = _generations.get(key)
    if hit is not None and now - hit[0] < GENERATION_REUSE_S:
        return hit[1]
    with context.read_engine.connect() as conn:
        forms = latest_forms(conn)
        last_admin = conn.execute(select(func.max(AdminAudit.id))).scalar_one_or_none() or 0
    generation = (forms, int(last_admin))
    with _lock:
        _generations[key] = (now, generation)
    return generation


def digest_for(principal: Principal, context: ServerContext) -> str:
    """``m``: changes whenever this user's ``GET /metadata`` may have changed — their account,
    the app versions, a published form, any admin action (which is how org units change;
    ``server.audit.record`` makes this process see a committed one at once).

    Every push and pull carries it, so it costs no query per request: the server-wide part is
    read at most every ``GENERATION_REUSE_S`` per worker. An admin action that leaves this
    user's metadata as it was only costs their clients one metadata fetch."""
    forms, last_admin = _generation(context)
    p = principal
    return metadata_digest(
        {
            "user": user_json(p.username, p.name, p.role, p.org_units),
            "forms": forms,
            "admin": last_admin,
            "app": {"latest": context.settings.app_latest, "minimum": context.settings.app_minimum},
        }
    )


@router.get("/api/v1/metadata")
def metadata(
    principal: Annotated[Principal, Depends(current_user)],
    session: Annotated[Session, Depends(read_session)],
    context: Annotated[ServerContext, Depends(get_context)],
) -> dict[str, Any]:
    document = metadata_document(session, principal, context, units=None)
    return {"server_time": format_time(utcnow()), "m": digest_for(principal, context), **document}


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
