"""Helpers for the sync API tests: published forms, logged-in clients, submissions.

No tests here; the fixtures are imported by the ``test_sync_*`` modules.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, insert

from forms.loader import builtin_forms
from server.db import make_engine
from server.models import FormVersion
from tests.server.conftest import SEED_PASSWORD, LiveServer

COVID = "covid19-harian"
SUMBER = "sumber-daya-harian"
PKM = "P6408040201"  # ani's puskesmas
PKM2 = "P6408040202"  # same kecamatan as PKM
PKM_OTHER_KEC = "P6408050201"
DAY = date(2026, 11, 20)


def publish_builtin_forms(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            for form in builtin_forms():
                conn.execute(
                    insert(FormVersion).values(
                        form_id=form.id,
                        version=form.version,
                        sha256=hashlib.sha256(form.source_text.encode()).hexdigest(),
                        source_text=form.source_text,
                        published_at=datetime.now(UTC),
                        published_by="test",
                    )
                )
    finally:
        engine.dispose()


def engine_of(server: LiveServer) -> Engine:
    return make_engine(server.db_url)


def count(server: LiveServer, sql: str, **params: Any) -> int:
    from sqlalchemy import text

    engine = engine_of(server)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql), params).scalar_one())
    finally:
        engine.dispose()


class Client:
    """A logged-in device talking to the live server."""

    def __init__(self, base: str, username: str, device: str | None = None) -> None:
        self.base = base
        self.username = username
        self.device = device or str(uuid.uuid4())
        reply = requests.post(
            f"{base}/api/v1/token",
            json={
                "username": username,
                "password": SEED_PASSWORD,
                "device_id": self.device,
                "device_name": f"laptop of {username}",
            },
            timeout=30,
        )
        assert reply.status_code == 200, reply.text
        self.token = reply.json()["token"]
        self.headers = {"Authorization": f"Bearer {self.token}", "X-Kabar-App": "0.1.0"}

    def post(
        self, path: str, body: Any, *, compress: bool = False, headers: dict[str, str] | None = None
    ) -> requests.Response:
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        h = {**self.headers, "Content-Type": "application/json", **(headers or {})}
        if compress:
            data = gzip.compress(data)
            h["Content-Encoding"] = "gzip"
        return requests.post(self.base + path, data=data, headers=h, timeout=60)

    def push(self, *subs: dict[str, Any], **kw: Any) -> requests.Response:
        return self.post("/api/v1/push", {"d": self.device, "s": list(subs)}, **kw)

    def receipts(self, *subs: dict[str, Any]) -> list[dict[str, Any]]:
        reply = self.push(*subs)
        assert reply.status_code == 200, reply.text
        r: list[dict[str, Any]] = reply.json()["r"]
        assert len(r) == len(subs)
        return r

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(self.base + path, params=params, headers=self.headers, timeout=60)


def sub(
    x: dict[str, Any],
    *,
    ou: str = PKM,
    form: str = COVID,
    version: int = 1,
    period: str = DAY.isoformat(),
    base: int = 0,
    complete: bool = False,
    sid: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": sid or str(uuid.uuid4()),
        "ou": ou,
        "f": form,
        "v": version,
        "p": period,
        "t": "2026-11-20T03:41:07Z",
        "x": x,
    }
    if base:
        out["b"] = base
    if complete:
        out["c"] = 1
    return out


@pytest.fixture
def sync_server(seeded_url: str, live_server_factory: Callable[..., LiveServer]) -> LiveServer:
    publish_builtin_forms(seeded_url)
    return live_server_factory(seeded_url)


@pytest.fixture
def ani(sync_server: LiveServer) -> Client:
    return Client(sync_server.url, "ani")


@pytest.fixture
def camat(sync_server: LiveServer) -> Client:
    return Client(sync_server.url, "camat")
