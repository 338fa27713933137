"""Whole-request errors in the protocol's one shape: ``{"error", "message": {id, en}, "detail"}``.

Handlers turn FastAPI's own refusals (validation, 404, 405) into the same shape, so a client
never meets a bare HTML or FastAPI-style error.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from forms.model import Text
from sync.protocol import REASONS

log = logging.getLogger(__name__)

#: whole-request codes the protocol's REASONS table does not carry
EXTRA_MESSAGES: dict[str, Text] = {
    "method_not_allowed": Text(
        "Cara permintaan ini tidak didukung di alamat ini.",
        "This method is not allowed on this address.",
    ),
    "server_unavailable": Text(
        "Server sedang tidak bisa melayani. Data Anda tetap tersimpan; coba lagi sebentar lagi.",
        "The server cannot serve right now. Your data stays saved; try again shortly.",
    ),
    "server_error": Text(
        "Terjadi kesalahan di server. Data Anda tetap tersimpan; coba lagi nanti.",
        "The server met an error. Your data stays saved; try again later.",
    ),
}

STATUS_CODES = {400: "bad_request", 401: "token_invalid", 403: "forbidden", 404: "not_found"}
STATUS_CODES.update({405: "method_not_allowed", 413: "too_large", 415: "unsupported_encoding"})
STATUS_CODES.update({426: "app_too_old", 429: "too_many_attempts", 503: "server_unavailable"})


def message(code: str) -> Text:
    return REASONS.get(code) or EXTRA_MESSAGES[code]


def error_body(code: str, detail: str | None = None) -> dict[str, Any]:
    text = message(code)
    body: dict[str, Any] = {"error": code, "message": {"id": text.id, "en": text.en}}
    if detail:
        body["detail"] = detail
    return body


def error_response(
    status: int, code: str, detail: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, detail), status_code=status, headers=headers)


class ApiError(Exception):
    """Raise anywhere in a request to answer ``status`` with error ``code``."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        message(code)  # an unknown code is a bug: fail here, not while answering
        super().__init__(f"{status} {code}: {detail or ''}")
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers


def _validation_detail(exc: RequestValidationError) -> tuple[str, str]:
    problems = []
    code = "bad_request"
    for err in exc.errors()[:5]:
        if err.get("type") == "json_invalid":
            code = "bad_json"
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        problems.append(f"{where or 'body'}: {err.get('msg', 'invalid')}")
    return code, "; ".join(problems)


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        code, detail = _validation_detail(exc)
        return error_response(400, code, detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = STATUS_CODES.get(exc.status_code, "bad_request")
        status = exc.status_code if exc.status_code in STATUS_CODES else 400
        detail = exc.detail if isinstance(exc.detail, str) else None
        if detail in ("Not Found", "Method Not Allowed"):
            detail = f"{request.method} {request.url.path}"
        return error_response(status, code, detail, dict(exc.headers or {}))

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        # Pooled connections are not pinged before use (a round trip on every request): a
        # connection the database dropped (restart, failover) fails here once, SQLAlchemy then
        # empties the pool, and the client retries the 503 like any transient fault.
        if exc.connection_invalidated or isinstance(exc, OperationalError):
            log.warning(
                "database unavailable on %s %s: %s",
                request.method,
                request.url.path,
                type(exc.orig).__name__,
            )
            return error_response(503, "server_unavailable", headers={"Retry-After": "5"})
        return await _bug(request, exc)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        # A bug: logged loudly with its traceback; the client treats a 500 as transient.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "server_error")
