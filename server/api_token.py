"""``POST /api/v1/token``: username + password + device -> an opaque device token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from server import auth
from server.context import ServerContext, client_address, get_context
from sync.protocol import format_time

router = APIRouter(prefix="/api/v1")


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    device_id: str = Field(min_length=1, max_length=64)
    device_name: str = Field(min_length=1, max_length=200)


def user_json(username: str, name: str, role: str, org_units: tuple[str, ...]) -> dict[str, Any]:
    return {"username": username, "name": name, "role": role, "org_units": list(org_units)}


@router.post("/token")
def token(
    body: TokenRequest,
    request: Request,
    context: Annotated[ServerContext, Depends(get_context)],
) -> dict[str, Any]:
    # A plain def: FastAPI runs it on a worker thread, so argon2 never blocks the event loop.
    result = auth.login(
        context.sessions,
        body.username.strip(),
        body.password,
        body.device_id.strip(),
        body.device_name.strip(),
        client_address(request),
        context.settings,
    )
    user = result.user
    return {
        "token": result.token,
        "expires_at": format_time(result.expires_at),
        "user": user_json(user.username, user.name, user.role, result.org_units),
    }
