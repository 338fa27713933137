"""One-time setup codes on the server, both engines: ``kabar-server provision-code`` (text, PNG
and SVG QR images, certificate pins), ``provision-key``, and ``POST /api/v1/setup/redeem`` over
real HTTP (once, expired, altered, another key's, rate limited, two at once)."""

from __future__ import annotations

import base64
import hashlib
import ssl
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from server import db
from server.cli import main
from server.models import AdminAudit, SetupCode
from server.settings import Settings
from sync import setupcode as codec
from tests.server.conftest import LiveServer
from tests.support.setupcodes import issue_code

FACILITY = "P6408040201"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def make_code(capsys: pytest.CaptureFixture[str], url: str, *extra: str) -> str:
    code, out, err = run(
        capsys,
        "provision-code",
        "--db",
        url,
        "--facility",
        FACILITY,
        "--server-url",
        "http://127.0.0.1:9",
        *extra,
    )
    assert code == 0, err
    return out.strip().splitlines()[-1]


def issue(url: str, *, now: datetime | None = None, server_url: str = "http://127.0.0.1:9") -> str:
    return issue_code(url, server_url=server_url, facility=FACILITY, now=now)


def redeem(server: LiveServer, text: str, device_id: str | None = None) -> requests.Response:
    body = {"code": text} if device_id is None else {"code": text, "device_id": device_id}
    return requests.post(
        f"{server.url}/api/v1/setup/redeem",
        json=body,
        headers={"X-Kabar-App": "0.1.0"},
        timeout=30,
    )


def rows(url: str) -> list[SetupCode]:
    engine = db.make_engine(url)
    try:
        with db.session_factory(engine)() as s:
            return list(s.scalars(select(SetupCode)))
    finally:
        engine.dispose()


# -- the command line -------------------------------------------------------------------------


def test_provision_code_prints_a_code_and_writes_png_and_svg(
    seeded_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    png, svg = tmp_path / "code.png", tmp_path / "code.svg"
    text = make_code(capsys, seeded_url, "--qr", str(png), "--days", "3")
    parsed = codec.parse(text)
    assert (parsed.facility, parsed.server_url, parsed.pin) == (
        FACILITY,
        "http://127.0.0.1:9",
        None,
    )
    left = parsed.expires_at - datetime.now(UTC)
    assert timedelta(days=2, hours=23) < left <= timedelta(days=3)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width = int.from_bytes(data[16:20], "big")
    assert width >= 21 * 6  # a QR symbol (21+ modules) at scale 6

    make_code(capsys, seeded_url, "--qr", str(svg))
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and root.findall(".//{http://www.w3.org/2000/svg}path")
    recorded = rows(seeded_url)
    assert len(recorded) == 2 and parsed.id_hex in {r.id for r in recorded}
    assert all(r.redeemed_at is None and r.facility == FACILITY for r in recorded)


def test_provision_key_prints_the_key_that_signs_the_codes(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = make_code(capsys, seeded_url)
    code, out, _ = run(capsys, "provision-key", "--db", seeded_url)
    assert code == 0
    key = out.split('provision_keys = ["')[1].split('"')[0]
    assert codec.verify(codec.parse(text), [key])
    assert not codec.verify(codec.parse(text), [base64.b64encode(b"\x01" * 32).decode()])
    # one key for every later code and every host
    second = make_code(capsys, seeded_url)
    assert codec.verify(codec.parse(second), [key])
    engine = db.make_engine(seeded_url)
    try:
        with db.session_factory(engine)() as s:
            actions = list(s.scalars(select(AdminAudit.action)))
    finally:
        engine.dispose()
    assert actions.count("provision-code") == 2 and actions.count("setup-key") == 1


@pytest.fixture(scope="module")
def server_cert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.support.tlscert import self_signed_cert

    d = tmp_path_factory.mktemp("cert")
    self_signed_cert(d, "srv.pem", "srv.key", cn="kabar")
    return d


def test_provision_code_pins_a_certificate_file(
    seeded_url: str, capsys: pytest.CaptureFixture[str], server_cert: Path
) -> None:
    pem = server_cert / "srv.pem"
    der = ssl.PEM_cert_to_DER_cert(pem.read_text())
    code, out, err = run(
        capsys, "provision-code", "--db", seeded_url, "--facility", FACILITY,
        "--server-url", "https://kabar.example.go.id", "--cert", str(pem),
    )  # fmt: skip
    assert code == 0, err
    parsed = codec.parse(out.strip().splitlines()[-1])
    assert parsed.pin == hashlib.sha256(der).hexdigest()
    assert parsed.pin[:2].upper() + ":" in out  # the fingerprint is shown for IT to compare


def test_provision_code_fetches_the_certificate_the_server_presents(
    seeded_url: str, capsys: pytest.CaptureFixture[str], server_cert: Path
) -> None:
    import socket

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(server_cert / "srv.pem", server_cert / "srv.key")
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve_one() -> None:
        conn, _ = listener.accept()
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                tls.recv(1)  # until the client closes
        except (OSError, ssl.SSLError):
            pass

    thread = threading.Thread(target=serve_one, daemon=True)
    thread.start()
    try:
        code, out, err = run(
            capsys, "provision-code", "--db", seeded_url, "--facility", FACILITY,
            "--server-url", f"https://127.0.0.1:{port}", "--fetch-cert",
        )  # fmt: skip
    finally:
        thread.join(10)
        listener.close()
    assert code == 0, err
    der = ssl.PEM_cert_to_DER_cert((server_cert / "srv.pem").read_text())
    assert codec.parse(out.splitlines()[-1]).pin == hashlib.sha256(der).hexdigest()
    # nobody listening: one line, no code recorded
    code, _, err = run(
        capsys, "provision-code", "--db", seeded_url, "--facility", FACILITY,
        "--server-url", f"https://127.0.0.1:{port}", "--fetch-cert",
    )  # fmt: skip
    assert code == 1 and "cannot fetch the certificate" in err
    assert len(rows(seeded_url)) == 1


@pytest.mark.parametrize(
    ("args", "exit_code", "says"),
    [
        (["--server-url", "https://kabar.example.go.id"], 2, "--no-pin"),
        (["--server-url", "ftp://kabar"], 1, "http:// or https://"),
        (["--server-url", "http://kabar", "--fetch-cert"], 2, "need an https"),
        (["--server-url", "http://kabar", "--days", "0"], 1, "--days"),
        (["--server-url", "http://kabar", "--qr", "code.jpg"], 2, ".png or .svg"),
        (["--server-url", "http://kabar", "--facility", "P000"], 1, "does not exist"),
        (["--server-url", "http://kabar", "--facility", "64.08.04"], 1, "not a puskesmas"),
        (["--server-url", "https://kabar", "--cert", "/nonexistent.pem"], 1, "cannot read"),
    ],
)
def test_provision_code_refusals_are_one_line_and_record_nothing(
    seeded_url: str,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    exit_code: int,
    says: str,
) -> None:
    facility = [] if "--facility" in args else ["--facility", FACILITY]
    code, _, err = run(capsys, "provision-code", "--db", seeded_url, *facility, *args)
    assert code == exit_code and says in err and "Traceback" not in err
    assert rows(seeded_url) == []


def test_provision_code_without_a_server_url_uses_the_environment(
    seeded_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KABAR_PUBLIC_URL", raising=False)
    code, _, err = run(capsys, "provision-code", "--db", seeded_url, "--facility", FACILITY)
    assert code == 1 and "--server-url" in err
    monkeypatch.setenv("KABAR_PUBLIC_URL", "http://kabar.lan:8000/")
    code, out, _ = run(capsys, "provision-code", "--db", seeded_url, "--facility", FACILITY)
    assert code == 0
    assert codec.parse(out.splitlines()[-1]).server_url == "http://kabar.lan:8000"


# -- redemption over HTTP ---------------------------------------------------------------------


def test_key_endpoint_before_and_after_the_first_code(
    seeded_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    before = requests.get(f"{seeded_server.url}/api/v1/setup/key", timeout=30)
    assert before.status_code == 404 and before.json()["error"] == "not_found"
    text = make_code(capsys, seeded_server.db_url)
    keys = requests.get(f"{seeded_server.url}/api/v1/setup/key", timeout=30).json()["keys"]
    assert len(keys) == 1 and keys[0]["key_id"] == codec.parse(text).key_id_hex
    assert codec.verify(codec.parse(text), [keys[0]["public_key"]])


def test_a_code_redeems_once_then_is_used(
    seeded_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    text = make_code(capsys, seeded_server.db_url)
    # as pasted from WhatsApp: decorated, lower case, broken over lines
    pasted = f"Kode Kabar:\n*{text.lower().replace(' ', chr(10))}*\nTerima kasih"
    first = redeem(seeded_server, pasted)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["server_url"] == "http://127.0.0.1:9"
    assert body["facility"] == {"code": FACILITY, "name": "Puskesmas Sangatta Utara"}
    assert [u[0] for u in body["org_units"]] == ["64", "64.08", "64.08.04", FACILITY]
    assert body["org_units"][-1][2:] == ["puskesmas", "64.08.04", "puskesmas"]
    assert body["expires_at"].endswith("Z")
    [row] = rows(seeded_server.db_url)
    assert row.redeemed_at is not None and row.redeemed_address == "127.0.0.1"
    assert row.redeemed_app == "0.1.0"

    again = redeem(seeded_server, text)
    assert again.status_code == 409
    assert again.json()["error"] == "setup_code_used"
    assert again.json()["message"]["id"]


def test_the_device_that_redeemed_a_code_may_ask_again(seeded_server: LiveServer) -> None:
    """A lost answer (2G) is retried: the same install gets the same answer, nobody else."""
    text = issue(seeded_server.db_url)
    first = redeem(seeded_server, text, device_id="dev-1")
    assert first.status_code == 200
    retry = redeem(seeded_server, text, device_id="dev-1")
    assert retry.status_code == 200 and retry.json() == first.json()
    for other in ("dev-2", None):
        refused = redeem(seeded_server, text, device_id=other)
        assert refused.status_code == 409 and refused.json()["error"] == "setup_code_used"
    [row] = rows(seeded_server.db_url)
    assert row.redeemed_device == "dev-1"


def test_an_expired_code_is_refused(seeded_server: LiveServer) -> None:
    text = issue(seeded_server.db_url, now=datetime.now(UTC) - timedelta(days=15))
    reply = redeem(seeded_server, text)
    assert reply.status_code == 410 and reply.json()["error"] == "setup_code_expired"
    assert rows(seeded_server.db_url)[0].redeemed_at is None


def _flip(text: str, index: int) -> str:
    ch = text[index]
    other = "B" if ch != "B" else "C"
    return text[:index] + other + text[index + 1 :]


def test_altered_codes_are_invalid(seeded_server: LiveServer) -> None:
    text = codec.parse(issue(seeded_server.db_url)).text(grouped=False)
    body = text[len(codec.PREFIX) :]
    for index in (len(codec.PREFIX) + 3, len(codec.PREFIX) + len(body) // 2, len(text) - 12):
        reply = redeem(seeded_server, _flip(text, index))
        assert reply.status_code == 400 and reply.json()["error"] == "setup_code_invalid"
    # The facility changed and the checksum made right again: only the signature notices.
    code = codec.parse(text)
    signed = code.signed.replace(FACILITY.encode(), b"P6408050201")
    forged = codec._to_text(signed + code.signature, grouped=True)
    assert codec.parse(forged).facility == "P6408050201"
    reply = redeem(seeded_server, forged)
    assert reply.status_code == 400 and reply.json()["error"] == "setup_code_invalid"
    assert "not signed" in reply.json()["detail"]
    assert rows(seeded_server.db_url)[0].redeemed_at is None
    # the genuine code still works
    assert redeem(seeded_server, text).status_code == 200


def test_a_code_signed_by_another_key_is_invalid(seeded_server: LiveServer) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    genuine = codec.parse(issue(seeded_server.db_url))
    other = codec.encode(
        server_url=genuine.server_url,
        facility=FACILITY,
        cert_sha256=None,
        expires_at=genuine.expires_at,
        code_id=genuine.code_id,  # even the id of a real, unused code
        private_key=Ed25519PrivateKey.generate(),
    )
    reply = redeem(seeded_server, other.text())
    assert reply.status_code == 400 and reply.json()["error"] == "setup_code_invalid"
    assert redeem(seeded_server, genuine.text()).status_code == 200


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": 5}, {"code": "x" * 5000}])
def test_malformed_requests_are_400(seeded_server: LiveServer, body: object) -> None:
    reply = requests.post(f"{seeded_server.url}/api/v1/setup/redeem", json=body, timeout=30)
    assert reply.status_code == 400 and reply.json()["error"] == "bad_request"


def test_failed_redemptions_are_rate_limited_per_address(
    seeded_url: str, live_server_factory: Callable[..., LiveServer]
) -> None:
    settings = Settings(login_account_limit=3)
    server = live_server_factory(seeded_url, settings)
    text = issue(seeded_url)
    for _ in range(3):
        assert redeem(server, "KABAR1-AAAA").status_code == 400
    locked = redeem(server, text)
    assert locked.status_code == 429 and locked.json()["error"] == "too_many_attempts"
    assert int(locked.headers["Retry-After"]) > 0
    assert rows(seeded_url)[0].redeemed_at is None  # the genuine code was not spent


def test_two_redemptions_at_once_only_one_wins(
    seeded_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    text = issue(seeded_server.db_url)
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def go() -> None:
        barrier.wait()
        statuses.append(redeem(seeded_server, text).status_code)

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(statuses) == [200, 409, 409, 409]
