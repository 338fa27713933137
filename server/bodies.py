"""Request bodies: a size cap as sent, gzip inflated with a cap, other encodings refused.

A pure ASGI middleware: it reads the body once, checks and inflates it, and hands the handler
a plain body, so every endpoint gets the same limits and the same error shape.
"""

from __future__ import annotations

import zlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from server.errors import error_response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _Refused(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


def inflate(data: bytes, limit: int) -> bytes:
    """Inflate gzip ``data`` (one or more members) to at most ``limit`` bytes."""
    out = bytearray()
    rest = data
    while rest:
        d = zlib.decompressobj(wbits=31)
        try:
            out += d.decompress(rest, limit + 1 - len(out))
        except zlib.error as e:
            raise _Refused(400, "bad_encoding", f"gzip: {e}") from None
        if len(out) > limit:
            raise _Refused(413, "too_large", f"more than {limit} bytes after inflating")
        if d.unconsumed_tail:
            raise _Refused(413, "too_large", f"more than {limit} bytes after inflating")
        if not d.eof:
            raise _Refused(400, "bad_encoding", "gzip data ends early")
        rest = d.unused_data
    return bytes(out)


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body: int, max_inflated: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_inflated = max_inflated

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [(k.lower(), v) for k, v in scope.get("headers", [])]
        try:
            body = await self._read(headers, receive)
            body = self._decode(headers, body)
        except _Refused as r:
            response = error_response(r.status, r.code, r.detail)
            await response(scope, receive, send)
            return
        headers = [(k, v) for k, v in headers if k not in (b"content-encoding", b"content-length")]
        if body or scope["method"] not in ("GET", "HEAD"):
            headers.append((b"content-length", str(len(body)).encode()))
        scope = dict(scope, headers=headers)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # the disconnect, if any

        await self.app(scope, replay, send)

    async def _read(self, headers: list[tuple[bytes, bytes]], receive: Receive) -> bytes:
        for k, v in headers:
            if k == b"content-length":
                try:
                    declared = int(v)
                except ValueError:
                    raise _Refused(400, "bad_request", "bad Content-Length") from None
                if declared > self.max_body:
                    raise _Refused(413, "too_large", f"more than {self.max_body} bytes")
        chunks = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunks += message.get("body", b"")
            if len(chunks) > self.max_body:
                raise _Refused(413, "too_large", f"more than {self.max_body} bytes")
            if not message.get("more_body", False):
                break
        return bytes(chunks)

    def _decode(self, headers: list[tuple[bytes, bytes]], body: bytes) -> bytes:
        encodings = [
            e.strip().lower()
            for k, v in headers
            if k == b"content-encoding"
            for e in v.decode("latin-1").split(",")
            if e.strip()
        ]
        for encoding in reversed(encodings):
            if encoding == "identity":
                continue
            if encoding not in ("gzip", "x-gzip"):
                raise _Refused(415, "unsupported_encoding", f"Content-Encoding {encoding!r}")
            body = inflate(body, self.max_inflated)
        return body
