"""Server side of issue 4 as the client sees it: no server/date headers, the digest ``m``."""

from __future__ import annotations

from collections.abc import Callable

import requests

from server.cli import _UVICORN_OPTIONS
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
    assert reply.json()["m"] == meta["m"]
    push = requests.post(
        f"{server.url}/api/v1/push",
        json={"d": ani.store.device_id(), "s": []},
        headers=headers,
        timeout=30,
    )
    assert push.status_code == 200 and push.json()["m"] == meta["m"]


def test_the_digest_changes_with_an_admin_action_and_the_metadata_follows(
    device: Callable[..., Device], server: LiveServer
) -> None:
    from server import db
    from server.accounts import add_facility

    camat = device("camat")
    before = camat.transport.metadata()
    assert camat.transport.pull(0, 10, mine=True)["m"] == before["m"]
    engine = db.make_engine(server.db_url)
    try:
        with db.session_factory(engine)() as session, session.begin():
            add_facility(
                session,
                code="P6408040299",
                name="Puskesmas Pembantu Baru",
                under="64.08.04",
                type="puskesmas",
                actor="test",
            )
    finally:
        engine.dispose()
    after = camat.transport.metadata()
    assert after["m"] != before["m"]
    assert camat.transport.pull(0, 10, mine=True)["m"] == after["m"]
    assert "P6408040299" in {u[0] for u in after["org_units"]}
    assert "P6408040299" not in {u[0] for u in before["org_units"]}
