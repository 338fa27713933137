"""``GET /api/v1/setup/key`` and ``POST /api/v1/setup/redeem``: one-time setup codes, no login
(a fresh install has no account yet); redemption is rate limited like login."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from server import setupcodes
from server.auth import APP_HEADER
from server.context import ServerContext, client_address, get_context, read_session
from server.errors import ApiError
from sync.protocol import format_time

router = APIRouter(prefix="/api/v1/setup")


class RedeemRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    #: the code as the officer pasted it (the server parses it as tolerantly as the client)
    code: str = Field(min_length=1, max_length=4000)
    #: the install's device id: the same device asking again (its answer was lost) gets the
    #: same answer instead of "already used"
    device_id: str | None = Field(default=None, min_length=1, max_length=64)


@router.get("/key")
def key(session: Annotated[Session, Depends(read_session)]) -> dict[str, Any]:
    rows = setupcodes.public_keys(session)
    if not rows:
        raise ApiError(404, "not_found", "no setup code has been issued on this server yet")
    return {
        "keys": [
            {"key_id": r.id, "public_key": r.public_key, "created_at": format_time(r.created_at)}
            for r in rows
        ]
    }


@router.post("/redeem")
def redeem(
    body: RedeemRequest,
    request: Request,
    context: Annotated[ServerContext, Depends(get_context)],
) -> dict[str, Any]:
    return setupcodes.redeem(
        context.sessions,
        body.code,
        client_address(request),
        request.headers.get(APP_HEADER, "").strip(),
        context.settings,
        device_id=body.device_id.strip() if body.device_id else None,
    )
