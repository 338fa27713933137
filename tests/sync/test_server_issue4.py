"""Server side of issue 4 as the client sees it: no server/date headers, the digest ``m``."""

from __future__ import annotations

from collections.abc import Callable

import requests

from server.cli import _UVICORN_OPTIONS
from sync.protocol import metadata_digest
from tests.server.conftest import LiveServer
from tests.sync.support import Device


def test_serve_sends_no_server_or_date_header() -> None:
    assert _UVICORN_OPTIONS["server_header"] is False
    assert _UVICORN_OPTIONS["date_header"] is False


def test_replies_are_lean_and_carry_the_metadata_digest(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani = device("ani")
    headers = {"Authorization": f"Bearer {ani.transport.token}", "X-Kabar-App": "0.1.0"}
    reply = requests.get(f"{server.url}/api/v1/pull", headers=headers, timeout=30)
    assert reply.status_code == 200
    assert "server" not in reply.headers and "date" not in reply.headers
    meta = requests.get(f"{server.url}/api/v1/metadata", headers=headers, timeout=30).json()
    assert reply.json()["m"] == metadata_digest(meta)
    push = requests.post(
        f"{server.url}/api/v1/push",
        json={"d": ani.store.device_id(), "s": []},
        headers=headers,
        timeout=30,
    )
    assert push.status_code == 200 and push.json()["m"] == metadata_digest(meta)
