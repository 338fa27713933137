"""Login, tokens, expiry, revocation, rate limits and the metadata scope matrix, against the
real server on loopback (both engines)."""

from __future__ import annotations

import gzip
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import requests

from server import auth, db
from server.settings import Settings
from tests.server.conftest import SEED_PASSWORD, LiveServer

DEVICE = "0b7c8f0e-5a3b-4bde-9d6e-1f2a3b4c5d6e"


def login(
    server: LiveServer, username: str = "ani", password: str = SEED_PASSWORD, device: str = DEVICE
) -> requests.Response:
    return requests.post(
        f"{server.url}/api/v1/token",
        json={
            "username": username,
            "password": password,
            "device_id": device,
            "device_name": "Laptop Puskesmas",
        },
        timeout=30,
    )


def get(server: LiveServer, path: str, token: str | None, **headers: str) -> requests.Response:
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.get(f"{server.url}{path}", headers=headers, timeout=30)


def assert_error(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code
    assert body["message"]["id"] and body["message"]["en"]
    return dict(body)


def test_login_gives_a_token_that_opens_metadata(seeded_server: LiveServer) -> None:
    r = login(seeded_server)
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["token"]) == 43
    assert body["expires_at"].endswith("Z")
    assert body["user"] == {
        "username": "ani",
        "name": "Ani",
        "role": "petugas_puskesmas",
        "org_units": ["P6408040201"],
    }
    meta = get(seeded_server, "/api/v1/metadata", body["token"], **{"X-Kabar-App": "0.1.0"})
    assert meta.status_code == 200, meta.text
    data = meta.json()
    assert data["user"]["username"] == "ani"
    assert data["server_time"].endswith("Z")
    assert data["app"]["minimum"] == "0.1.0"
    # Only the hash is stored; the app version is recorded.
    engine = db.make_engine(seeded_server.db_url)
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT token_hash, app_version FROM devices").all()
    finally:
        engine.dispose()
    assert rows == [(auth.token_hash(body["token"]), "0.1.0")]


@pytest.mark.parametrize(
    ("username", "password"),
    [("ani", "salah-sandi"), ("nobody", SEED_PASSWORD), ("ANI ", "salah")],
)
def test_bad_credentials(seeded_server: LiveServer, username: str, password: str) -> None:
    assert_error(login(seeded_server, username, password), 401, "bad_credentials")


def test_token_errors(seeded_server: LiveServer) -> None:
    assert_error(get(seeded_server, "/api/v1/metadata", None), 401, "token_invalid")
    assert_error(get(seeded_server, "/api/v1/metadata", "made-up"), 401, "token_invalid")
    r = get(seeded_server, "/api/v1/metadata", None, Authorization="Basic YW5pOng=")
    assert_error(r, 401, "token_invalid")


def test_login_again_replaces_the_device_token(seeded_server: LiveServer) -> None:
    first = login(seeded_server).json()["token"]
    second = login(seeded_server).json()["token"]
    assert first != second
    assert_error(get(seeded_server, "/api/v1/metadata", first), 401, "token_invalid")
    assert get(seeded_server, "/api/v1/metadata", second).status_code == 200
    # Another device keeps its own token.
    other = login(seeded_server, device="another-device").json()["token"]
    assert get(seeded_server, "/api/v1/metadata", second).status_code == 200
    assert get(seeded_server, "/api/v1/metadata", other).status_code == 200


def test_expired_token(seeded_url: str, live_server_factory: Callable[..., LiveServer]) -> None:
    server = live_server_factory(seeded_url, Settings(token_lifetime=timedelta(seconds=-1)))
    token = login(server).json()["token"]
    assert_error(get(server, "/api/v1/metadata", token), 401, "token_expired")


def test_revoked_token_and_login_after(seeded_server: LiveServer) -> None:
    token = login(seeded_server).json()["token"]
    engine = db.make_engine(seeded_server.db_url)
    try:
        with db.session_scope(db.session_factory(engine)) as s:
            assert auth.revoke_devices(s, "ani", DEVICE) == [DEVICE]
        with db.session_scope(db.session_factory(engine)) as s:
            assert auth.revoke_devices(s, "ani", None) == []
    finally:
        engine.dispose()
    assert_error(get(seeded_server, "/api/v1/metadata", token), 401, "token_revoked")
    fresh = login(seeded_server).json()["token"]
    assert get(seeded_server, "/api/v1/metadata", fresh).status_code == 200


def test_failed_logins_are_limited_per_account(
    seeded_url: str, live_server_factory: Callable[..., LiveServer]
) -> None:
    server = live_server_factory(seeded_url, Settings(login_account_limit=3))
    for _ in range(3):
        assert_error(login(server, password="wrong-one"), 401, "bad_credentials")
    # Past the limit even the right password waits.
    r = login(server)
    assert_error(r, 429, "too_many_attempts")
    assert 850 <= int(r.headers["Retry-After"]) <= 900
    # Another account from the same address is not blocked (address limit is 20).
    assert login(server, "camat").status_code == 200


def test_failed_logins_are_limited_per_address(
    seeded_url: str, live_server_factory: Callable[..., LiveServer]
) -> None:
    server = live_server_factory(
        seeded_url, Settings(login_account_limit=100, login_address_limit=4)
    )
    for name in ("x1", "x2", "x3", "x4"):
        assert_error(login(server, name, "nope"), 401, "bad_credentials")
    assert_error(login(server, "kab"), 429, "too_many_attempts")


def test_the_limit_is_shared_by_servers_on_one_database(
    seeded_url: str, live_server_factory: Callable[..., LiveServer]
) -> None:
    # Two app instances (like two uvicorn workers) count failures in the same table.
    settings = Settings(login_account_limit=2)
    one = live_server_factory(seeded_url, settings)
    two = live_server_factory(seeded_url, settings)
    assert_error(login(one, password="wrong-one"), 401, "bad_credentials")
    assert_error(login(two, password="wrong-two"), 401, "bad_credentials")
    assert_error(login(one), 429, "too_many_attempts")


def test_a_good_login_resets_the_account_count(
    seeded_url: str, live_server_factory: Callable[..., LiveServer]
) -> None:
    server = live_server_factory(seeded_url, Settings(login_account_limit=2))
    assert_error(login(server, password="wrong-one"), 401, "bad_credentials")
    assert login(server).status_code == 200
    assert_error(login(server, password="wrong-two"), 401, "bad_credentials")
    assert login(server).status_code == 200


def test_passwords_and_tokens_never_reach_the_logs(
    seeded_server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert_error(login(seeded_server, password="Wrong-Secret-42"), 401, "bad_credentials")
    token = login(seeded_server).json()["token"]
    assert get(seeded_server, "/api/v1/metadata", token).status_code == 200
    assert get(seeded_server, "/api/v1/nope", token).status_code == 404
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "login" in text  # the capture does see the server's records
    for secret in (SEED_PASSWORD, "Wrong-Secret-42", token):
        assert secret not in text


def test_redaction_filter() -> None:
    from server.logsafe import redact

    assert "abc123" not in redact("Authorization: Bearer abc123")
    assert "s3cret" not in redact('{"username": "ani", "password": "s3cret"}')


# -- the scope matrix: role x inside/outside ------------------------------------------------

INSIDE_OUTSIDE = {
    # role account: (units it must see, units it must not see)
    "ani": ({"P6408040201", "64.08.04", "64.08", "64"}, {"P6408040202", "P6408050201", "64.08.05"}),
    "camat": (
        {"64.08.04", "P6408040201", "P6408040202", "P6408040203", "64.08", "64"},
        {"P6408050201", "64.08.05", "P6408010201"},
    ),
    "kab": ({"64.08", "64.08.05", "P6408050201", "P6408010201", "64"}, {"XX"}),
    "prov": ({"64", "64.08", "P6408050202"}, {"XX"}),
}


def test_metadata_lists_the_scope_and_its_ancestors(seeded_server: LiveServer) -> None:
    for username, (inside, outside) in INSIDE_OUTSIDE.items():
        token = login(seeded_server, username).json()["token"]
        units = get(seeded_server, "/api/v1/metadata", token).json()["org_units"]
        codes = {u[0] for u in units}
        assert inside <= codes, username
        assert not (outside & codes), username
        row = next(u for u in units if u[0] == "64.08.04")
        assert row == ["64.08.04", "Sangatta Utara", "kecamatan", "64.08", None]


def test_scope_covers(seeded_url: str) -> None:
    from sqlalchemy import select

    from server.models import OrgUnit
    from server.scope import Principal, covers, in_scope

    engine = db.make_engine(seeded_url)
    try:
        with db.session_factory(engine)() as s:
            assigned = s.get(OrgUnit, "64.08.04")
            assert assigned is not None
            p = Principal(
                1, "camat", "Camat", "petugas_kecamatan", ("64.08.04",), (assigned.path,), DEVICE, 1
            )
            assert covers(p, "P6408040203", s)
            assert covers(p, "64.08.04", s)
            assert not covers(p, "P6408050201", s)
            assert not covers(p, "64.08", s)
            assert not covers(p, "no-such-unit", s)
            codes = set(s.scalars(select(OrgUnit.code).where(in_scope(p))))
            assert codes == {"64.08.04", "P6408040201", "P6408040202", "P6408040203"}
    finally:
        engine.dispose()


# -- bad input ------------------------------------------------------------------------------


def post_raw(server: LiveServer, path: str, data: bytes, **headers: str) -> requests.Response:
    headers.setdefault("Content-Type", "application/json")
    return requests.post(f"{server.url}{path}", data=data, headers=headers, timeout=30)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"{not json", "bad_json"),
        (b'{"username": 1, "password": "x", "device_id": "d", "device_name": "n"}', "bad_request"),
        (b'{"username": "ani"}', "bad_request"),
        (b"[]", "bad_request"),
        (b"", "bad_request"),
        ('{"username": "\u00e9\u00e9", "password": "x"'.encode(), "bad_json"),
    ],
)
def test_bad_token_requests(live_server: LiveServer, data: bytes, code: str) -> None:
    assert_error(post_raw(live_server, "/api/v1/token", data), 400, code)


def test_gzip_request_bodies(seeded_server: LiveServer) -> None:
    body = (
        b'{"username": "ani", "password": "' + SEED_PASSWORD.encode() + b'", '
        b'"device_id": "d1", "device_name": "n"}'
    )
    r = post_raw(
        seeded_server, "/api/v1/token", gzip.compress(body), **{"Content-Encoding": "gzip"}
    )
    assert r.status_code == 200, r.text
    bad = post_raw(
        seeded_server, "/api/v1/token", b"\x1f\x8bnot gzip", **{"Content-Encoding": "gzip"}
    )
    assert_error(bad, 400, "bad_encoding")
    cut = post_raw(
        seeded_server, "/api/v1/token", gzip.compress(body)[:-12], **{"Content-Encoding": "gzip"}
    )
    assert_error(cut, 400, "bad_encoding")
    br = post_raw(seeded_server, "/api/v1/token", body, **{"Content-Encoding": "br"})
    assert_error(br, 415, "unsupported_encoding")


def test_oversize_bodies(live_server: LiveServer) -> None:
    big = b'{"username": "' + b"a" * (1 << 20) + b'"}'
    assert_error(post_raw(live_server, "/api/v1/token", big), 413, "too_large")
    bomb = gzip.compress(b" " * (9 << 20))
    assert len(bomb) < 1 << 20
    r = post_raw(live_server, "/api/v1/token", bomb, **{"Content-Encoding": "gzip"})
    assert_error(r, 413, "too_large")


def test_unknown_paths_and_methods(live_server: LiveServer) -> None:
    assert_error(get(live_server, "/api/v1/nothing-here", None), 404, "not_found")
    r = requests.get(f"{live_server.url}/api/v1/token", timeout=30)
    assert_error(r, 405, "method_not_allowed")


def test_healthz_openapi_and_gzip_responses(seeded_server: LiveServer) -> None:
    assert get(seeded_server, "/healthz", None).json() == {"status": "ok"}
    spec = get(seeded_server, "/api/v1/openapi.json", None, **{"Accept-Encoding": "gzip"})
    assert spec.status_code == 200
    assert spec.headers.get("Content-Encoding") == "gzip"
    assert "/api/v1/token" in spec.json()["paths"]


def test_forms_endpoint(seeded_server: LiveServer) -> None:
    from forms.loader import DEFINITIONS_DIR
    from server import forms_publish

    engine = db.make_engine(seeded_server.db_url)
    try:
        with db.session_scope(db.session_factory(engine)) as s:
            forms_publish.publish(s, DEFINITIONS_DIR / "covid19-harian.yaml", actor="test")
    finally:
        engine.dispose()
    token = login(seeded_server).json()["token"]
    meta = get(seeded_server, "/api/v1/metadata", token).json()
    assert [f["id"] for f in meta["forms"]] == ["covid19-harian"]
    version = meta["forms"][0]["version"]
    r = get(seeded_server, f"/api/v1/forms/covid19-harian/{version}", token)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/yaml")
    assert r.text == (DEFINITIONS_DIR / "covid19-harian.yaml").read_text(encoding="utf-8-sig")
    assert_error(get(seeded_server, "/api/v1/forms/covid19-harian/99", token), 404, "not_found")
    assert_error(get(seeded_server, "/api/v1/forms/covid19-harian/x", token), 400, "bad_request")
    assert_error(get(seeded_server, "/api/v1/forms/covid19-harian/1", None), 401, "token_invalid")
