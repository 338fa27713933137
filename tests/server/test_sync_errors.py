"""Bad input on every sync endpoint gets a 4xx in the protocol's error shape, never a 5xx; the
authorization matrix role x endpoint x inside/outside the scope; the minimum app version."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from typing import Any

import requests

from server import db
from server.orgunits import add_units
from server.settings import Settings
from tests.server import test_sync_support as support
from tests.server.conftest import LiveServer
from tests.server.test_sync_support import PKM, PKM2, PKM_OTHER_KEC, Client, sub

sync_server = support.sync_server
ani = support.ani

#: a facility in another province, outside every seeded account's scope
ELSEWHERE = "P6501010201"


def _shape(reply: requests.Response, status: int, error: str) -> None:
    assert reply.status_code == status, (reply.status_code, reply.text)
    body = reply.json()
    assert body["error"] == error, body
    assert body["message"]["id"] and body["message"]["en"]


def test_bad_input_on_every_endpoint(ani: Client) -> None:
    good = sub({"suspek_baru": 1})
    push = "/api/v1/push"
    _shape(ani.post(push, b'{"d": "x", "s": ['), 400, "bad_json")
    _shape(ani.post(push, b"\xff\xfe not utf-8"), 400, "bad_json")
    _shape(ani.post(push, [1, 2]), 400, "bad_request")
    _shape(ani.post(push, {"d": ani.device}), 400, "bad_request")
    _shape(ani.post(push, {"d": 5, "s": [good]}), 400, "bad_request")
    _shape(ani.post(push, {"d": ani.device, "s": "many"}), 400, "bad_request")
    _shape(ani.post(push, {"d": ani.device, "s": [good] * 501}), 413, "too_large")
    _shape(ani.post(push, {"d": "someone-else", "s": [good]}), 400, "bad_request")
    huge = {"d": ani.device, "s": [sub({"catatan": "x" * 400}, form=support.SUMBER)] * 3000}
    _shape(ani.post(push, huge), 413, "too_large")
    _shape(
        ani.post(push, b"not gzip at all", headers={"Content-Encoding": "gzip"}),
        400,
        "bad_encoding",
    )
    _shape(
        ani.post(push, gzip.compress(b"{"), headers={"Content-Encoding": "gzip"}), 400, "bad_json"
    )
    no_token = requests.post(ani.base + push, json={"d": ani.device, "s": []}, timeout=30)
    _shape(no_token, 401, "token_invalid")
    # a push with wrong values inside is answered per item (200), never a 5xx
    odd = {**good, "x": {"suspek_baru": {"nested": [1]}}, "ou": None}
    reply = ani.push(odd, {**good, "p": None}, {"id": None}, "not an object", good)
    assert reply.status_code == 200, reply.text
    assert [r["s"] for r in reply.json()["r"]] == ["rejected"] * 4 + ["applied"]

    pull = "/api/v1/pull"
    for params in (
        {"since": -1},
        {"since": "abc"},
        {"limit": 0},
        {"limit": 20_001},
        {"since": 2**70},
    ):
        _shape(ani.get(pull, **params), 400, "bad_request")
    assert ani.get(pull, since=0, limit=20_000).status_code == 200

    _shape(ani.get("/api/v1/conflicts", ou="x" * 200), 400, "bad_request")
    _shape(ani.get("/api/v1/conflicts", ou="NOPE"), 404, "not_found")

    receipts = "/api/v1/receipts"
    _shape(ani.get(receipts, ou=PKM), 400, "bad_request")
    _shape(ani.get(receipts, ou=PKM, **{"from": "kemarin", "to": "2026-11-20"}), 400, "bad_request")
    _shape(
        ani.get(receipts, ou=PKM, **{"from": "2026-11-21", "to": "2026-11-20"}), 400, "bad_request"
    )
    _shape(
        ani.get(receipts, ou=PKM, **{"from": "2020-01-01", "to": "2026-11-20"}), 400, "bad_request"
    )
    _shape(
        ani.get(receipts, ou="NOPE", **{"from": "2026-11-01", "to": "2026-11-20"}), 404, "not_found"
    )


def _add_elsewhere(db_url: str) -> None:
    engine = db.make_engine(db_url)
    try:
        with db.session_scope(db.session_factory(engine)) as s:
            add_units(
                s,
                [
                    ("65", "Kalimantan Utara", "provinsi", None, None),
                    ("65.01", "Kabupaten Malinau", "kabupaten", "65", None),
                    ("65.01.01", "Malinau Kota", "kecamatan", "65.01", None),
                    (ELSEWHERE, "Puskesmas Malinau", "puskesmas", "65.01.01", "puskesmas"),
                ],
            )
    finally:
        engine.dispose()


# role -> (account, a facility inside the scope, one outside)
MATRIX = {
    "petugas_puskesmas": ("ani", PKM, PKM2),
    "petugas_kecamatan": ("camat", PKM2, PKM_OTHER_KEC),
    "admin_kabupaten": ("kab", PKM_OTHER_KEC, ELSEWHERE),
    "admin_provinsi": ("prov", "P6408010201", ELSEWHERE),
}


def test_authorization_matrix(
    seeded_url: str, live_server_factory: Callable[..., LiveServer]
) -> None:
    support.publish_builtin_forms(seeded_url)
    _add_elsewhere(seeded_url)
    server = live_server_factory(seeded_url)
    # one figure in every facility of the matrix, written by someone who may
    writers = {
        "ani": Client(server.url, "ani"),
        "camat": Client(server.url, "camat"),
        "prov": Client(server.url, "prov"),
    }
    for facility in {PKM, PKM2, PKM_OTHER_KEC, "P6408010201"}:
        who = "ani" if facility == PKM else "prov"
        [r] = writers[who].receipts(sub({"suspek_baru": 1}, ou=facility))
        assert r["s"] == "applied", (facility, r)
    dates = {"from": "2026-11-01", "to": "2026-11-30"}
    problems: list[str] = []

    def expect(case: str, ok: bool) -> None:
        if not ok:
            problems.append(case)

    for role, (username, inside, outside) in MATRIX.items():
        client = writers.get(username) or Client(server.url, username)
        for where, ou, allowed in (("inside", inside, True), ("outside", outside, False)):
            case = f"{role} {where} {ou}"
            [r] = client.receipts(sub({"sembuh": 2}, ou=ou))
            expect(
                f"push {case}: {r}",
                (r["s"] == "applied") == allowed and (allowed or r["reason"] == "not_allowed"),
            )
            status = 200 if allowed else 403
            got = client.get("/api/v1/conflicts", ou=ou).status_code
            expect(f"conflicts {case}: {got}", got == status)
            got = client.get("/api/v1/receipts", ou=ou, **dates).status_code
            expect(f"receipts {case}: {got}", got == status)
        pulled = {g["ou"] for g in client.get("/api/v1/pull").json()["g"]}
        expect(f"pull {role}: {pulled}", inside in pulled and outside not in pulled)
        listed = client.get("/api/v1/conflicts")
        expect(f"conflicts {role} (no ou): {listed.status_code}", listed.status_code == 200)
    assert not problems, "\n".join(problems)


def test_app_below_the_minimum_is_told_to_update(
    seeded_url: str, live_server_factory: Callable[..., LiveServer]
) -> None:
    support.publish_builtin_forms(seeded_url)
    server = live_server_factory(seeded_url, Settings(app_minimum="0.2.0"))
    client = Client(server.url, "ani")
    body: dict[str, Any] = {"d": client.device, "s": [sub({"suspek_baru": 1})]}
    for old in ("0.1.9", "0.1", "abc"):
        _shape(client.post("/api/v1/push", body, headers={"X-Kabar-App": old}), 426, "app_too_old")
    reply = client.post("/api/v1/push", body, headers={"X-Kabar-App": "0.10.0"})
    assert reply.status_code == 200 and reply.json()["r"][0]["s"] == "applied"
    assert json.loads(reply.text)["server_time"].endswith("Z")


def test_openapi_lists_the_sync_endpoints(sync_server: LiveServer) -> None:
    schema = requests.get(sync_server.url + "/api/v1/openapi.json", timeout=30).json()
    for path in ("/api/v1/push", "/api/v1/pull", "/api/v1/conflicts", "/api/v1/receipts"):
        assert path in schema["paths"], path
    assert "PushBody" in schema["components"]["schemas"]
