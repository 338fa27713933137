"""The client side of setup codes: tolerant parsing (WhatsApp, scanners, typing), any
one-character change caught, offline checks against trusted keys and a locked site, and
redemption against the real server over TLS on loopback with the certificate pinned."""

from __future__ import annotations

import base64
import hashlib
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given, settings
from hypothesis import strategies as st

from server import db, setupcodes
from sync import setupcode as codec
from sync.transport import PermanentError, Transport
from tests.server.conftest import LiveServer
from tests.support.setupcodes import issue_code
from tests.sync.test_transport import certs  # noqa: F401  (the CA-signed loopback certificate)

FACILITY = "P6408040201"
KEY = Ed25519PrivateKey.generate()
KEY_B64 = base64.b64encode(KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
EXPIRES = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def sample(
    url: str = "https://kabar.kaltimprov.go.id:8443", pin: bytes | None = b"\xab" * 32
) -> codec.SetupCode:
    return codec.encode(
        server_url=url,
        facility=FACILITY,
        cert_sha256=pin,
        expires_at=EXPIRES,
        code_id=bytes(range(8)),
        private_key=KEY,
    )


SAMPLE = sample()
TEXT = SAMPLE.text()


def fields(code: codec.SetupCode) -> tuple[object, ...]:
    return (code.server_url, code.facility, code.cert_sha256, code.expires_at, code.code_id)


# -- parsing ----------------------------------------------------------------------------------


def test_round_trip_and_what_the_officer_is_shown() -> None:
    code = codec.parse(TEXT)
    assert fields(code) == ("https://kabar.kaltimprov.go.id:8443", FACILITY, b"\xab" * 32,
                            EXPIRES, bytes(range(8)))  # fmt: skip
    assert code.host == "kabar.kaltimprov.go.id:8443" and code.pin == "ab" * 32
    assert TEXT.startswith("KABAR1-") and TEXT.upper() == TEXT
    assert set(TEXT[7:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567 ")
    compact = code.text(grouped=False)
    assert " " not in compact and codec.parse(compact) == code
    # QR version 10 at error level M holds 311 alphanumeric characters (57×57 modules)
    assert codec.verify(code, [KEY_B64]) and len(compact) <= 311


@pytest.mark.parametrize(
    "dress",
    [
        lambda t: t.lower(),
        lambda t: t.replace(" ", ""),
        lambda t: t.replace(" ", "\n"),
        lambda t: t.replace(" ", "-"),
        lambda t: "\n".join(t[i : i + 23] for i in range(0, len(t), 23)),  # wrapped anyhow
        lambda t: f"Selamat pagi, ini kode Kabar untuk Puskesmas:\n\n*{t}*\n\nBerlaku 14 hari.",
        lambda t: f"```{t}```",
        lambda t: f"_{t}_ ",
        lambda t: t.replace(" ", "\u200b"),  # zero-width spaces
        lambda t: t.replace(" ", "\u00a0"),  # no-break spaces
        lambda t: f"KABAR1 lama tidak berlaku. Pakai ini: {t}",
        lambda t: t.replace("KABAR1-", "kabar1 "),
        lambda t: t + "\r\n",
        lambda t: t.replace("O", "0"),  # a letter O typed as zero
    ],
)
def test_parsing_tolerates_what_whatsapp_scanners_and_people_do(dress) -> None:  # type: ignore[no-untyped-def]
    assert fields(codec.parse(dress(TEXT))) == fields(SAMPLE)


@pytest.mark.parametrize(
    "text",
    ["", "halo", "KABAR1-", "KABAR1-AAAA BBBB", TEXT[:-6], TEXT[:40], "KABAR2-" + TEXT[7:]],
)
def test_missing_or_cut_off_codes_are_damaged(text: str) -> None:
    with pytest.raises(codec.SetupCodeError) as caught:
        codec.parse(text)
    assert caught.value.code == "damaged" and caught.value.message.id


ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz01 -*\n"


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    index=st.integers(min_value=0, max_value=len(SAMPLE.text(grouped=False)) - 1),
    char=st.sampled_from(ALPHABET),
)
def test_any_single_character_change_is_caught_or_changes_nothing(index: int, char: str) -> None:
    compact = SAMPLE.text(grouped=False)
    mutated = compact[:index] + char + compact[index + 1 :]
    try:
        code = codec.parse(mutated)
    except codec.SetupCodeError as e:
        assert e.code == "damaged"
        return
    assert fields(code) == fields(SAMPLE)
    assert code.signed == SAMPLE.signed and code.signature == SAMPLE.signature


def test_every_single_character_change_is_caught_or_changes_nothing() -> None:
    """The same property, exhaustively: every position, every base32 symbol (and a few
    others)."""
    compact = SAMPLE.text(grouped=False)
    same = 0
    for index in range(len(compact)):
        for char in ALPHABET.upper():
            if char == compact[index]:
                continue
            mutated = compact[:index] + char + compact[index + 1 :]
            try:
                code = codec.parse(mutated)
            except codec.SetupCodeError as e:
                assert e.code == "damaged", (index, char)
                continue
            assert code.signed + code.signature == SAMPLE.signed + SAMPLE.signature
            same += 1
    # Only changes that mean the same: separators, look-alikes (0 for O…), the prefix's own
    # hyphen and the unused low bits of the last symbol.
    assert same < 40


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=300))
def test_any_text_parses_or_is_damaged(text: str) -> None:
    try:
        codec.parse(text)
    except codec.SetupCodeError as e:
        assert e.code == "damaged"


def test_http_codes_carry_no_pin_and_a_pin_on_http_is_refused() -> None:
    plain = sample("http://10.0.0.5:8000", None)
    assert codec.parse(plain.text()).pin is None
    with pytest.raises(ValueError):
        sample("http://10.0.0.5:8000", b"\x01" * 32)
    # made by hand and signed anyway: still refused when read
    url = b"http://10.0.0.5:8000"
    signed = (
        codec._HEAD.pack(1, 1, codec.key_id(b"k"), bytes(8), 2_000_000_000)
        + b"\x01" * 32
        + bytes([len(FACILITY)]) + FACILITY.encode()
        + bytes([len(url)]) + url
    )  # fmt: skip
    text = codec._to_text(signed + KEY.sign(codec.SIGNING_DOMAIN + signed), grouped=True)
    with pytest.raises(codec.SetupCodeError) as caught:
        codec.parse(text)
    assert caught.value.detail == "the fields do not decode"


# -- offline checks ---------------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[tuple[str, Callable[[], int]]]:
    """A TCP port that records every connection: proof that nothing went on the network.
    Yields its URL and a function counting the connections made so far (those accepted and
    those still waiting in the backlog: no timing involved)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    seen: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            seen.append(conn)
            conn.close()  # a client that connects fails at once instead of waiting

    def connections() -> int:
        stop.set()
        thread.join(5)
        sock.setblocking(False)
        while True:
            try:
                conn, _ = sock.accept()  # connected before now: queued by the kernel
            except OSError:
                return len(seen)
            seen.append(conn)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", connections
    stop.set()
    thread.join(5)
    sock.close()


def test_trusted_keys_refuse_other_codes_before_any_network(
    listener: tuple[str, Callable[[], int]],
) -> None:
    url, connections = listener
    code = sample(url, None)
    other = base64.b64encode(b"\x07" * 32).decode()
    codec.check_trusted(code, [other, KEY_B64])  # one of them signed it
    codec.check_trusted(code, [])  # none configured: nothing to check offline
    with pytest.raises(codec.SetupCodeError) as caught:
        codec.redeem(code, app_version="0.1.0", trusted_keys=[other, "not base64!"])
    assert caught.value.code == "untrusted"
    assert "jangan" in caught.value.message.id.lower() or "TI" in caught.value.message.id
    with pytest.raises(codec.SetupCodeError) as caught:
        codec.redeem(code, app_version="0.1.0", locked_server="https://kabar.kaltimprov.go.id")
    assert caught.value.code == "locked"
    assert connections() == 0


# -- redemption against the real server -------------------------------------------------------


@pytest.fixture
def tls_server(seeded_url: str, certs: Path) -> Iterator[LiveServer]:  # noqa: F811
    server = LiveServer(seeded_url, certfile=certs / "srv.pem", keyfile=certs / "srv.key").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def self_signed(certs: Path) -> Path:  # noqa: F811
    """A self-signed certificate for 127.0.0.1 (no CA anywhere), beside the CA-signed one."""
    from tests.support.tlscert import self_signed_cert

    self_signed_cert(certs, "self.pem", "self.key")
    return certs


def pin_of(pem: Path) -> bytes:
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem.read_text())).digest()


def issue(db_url: str, server_url: str, pin: bytes | None, *, days_ago: int = 0) -> str:
    return issue_code(db_url, server_url=server_url, facility=FACILITY, pin=pin, days_ago=days_ago)


def redeemed(db_url: str) -> list[object]:
    from sqlalchemy import select

    from server.models import SetupCode

    engine = db.make_engine(db_url)
    try:
        with db.session_factory(engine)() as s:
            return list(s.scalars(select(SetupCode.redeemed_at)))
    finally:
        engine.dispose()


def test_a_pinned_code_redeems_over_tls_without_any_ca(
    tls_server: LiveServer,
    seeded_url: str,
    certs: Path,  # noqa: F811
) -> None:
    # The CA that signed the server's certificate is nowhere in this client's trust: the pin is
    # what makes the connection trusted.
    pin = pin_of(certs / "srv.pem")
    code = codec.parse(issue(seeded_url, tls_server.url, pin))
    result = codec.redeem(code, app_version="0.1.0", trusted_keys=(), device_id="laptop-1")
    assert result.server_url == tls_server.url and result.facility_code == FACILITY
    assert result.facility_name == "Puskesmas Sangatta Utara"
    assert result.pin_sha256 == pin.hex()
    assert [u[0] for u in result.org_units] == ["64", "64.08", "64.08.04", FACILITY]
    assert result.expires_at == code.expires_at
    # later requests with the pin work too; without it (and without the CA) they fail
    pinned = Transport(tls_server.url, app_version="0.1.0", pin_sha256=pin.hex())
    unpinned = Transport(tls_server.url, app_version="0.1.0", attempts=1)
    try:
        assert pinned.setup_keys()
        with pytest.raises(PermanentError) as caught:
            unpinned.setup_keys()
        assert caught.value.code == "tls"
    finally:
        pinned.close()
        unpinned.close()

    # the same install asking again (its answer lost on the way) gets the same answer
    assert codec.redeem(code, app_version="0.1.0", device_id="laptop-1") == result
    with pytest.raises(codec.SetupCodeError) as used:
        codec.redeem(code, app_version="0.1.0", device_id="laptop-2")
    assert used.value.code == "used" and used.value.message == codec.MESSAGES["used"]


def test_a_certificate_that_does_not_match_the_pin_stops_everything(
    tls_server: LiveServer, seeded_url: str, self_signed: Path
) -> None:
    wrong = pin_of(self_signed / "self.pem")  # a pin for another certificate
    code = codec.parse(issue(seeded_url, tls_server.url, wrong))
    with pytest.raises(codec.SetupCodeError) as caught:
        codec.redeem(code, app_version="0.1.0")
    assert caught.value.code == "pin_mismatch"
    assert caught.value.message.id.startswith("Sertifikat server tidak cocok — jangan lanjutkan")
    assert redeemed(seeded_url) == [None]  # nothing reached the server
    later = Transport(tls_server.url, app_version="0.1.0", pin_sha256=wrong.hex())
    with pytest.raises(PermanentError) as caught_later:
        later.setup_keys()
    later.close()
    assert caught_later.value.code == "pin_mismatch"


def test_a_self_signed_server_works_with_its_pin(seeded_url: str, self_signed: Path) -> None:
    server = LiveServer(
        seeded_url, certfile=self_signed / "self.pem", keyfile=self_signed / "self.key"
    ).start()
    try:
        code = codec.parse(issue(seeded_url, server.url, pin_of(self_signed / "self.pem")))
        with pytest.raises(codec.SetupCodeError) as untrusted:
            codec.redeem(code, app_version="0.1.0", trusted_keys=[KEY_B64])
        assert untrusted.value.code == "untrusted"
        engine = db.make_engine(seeded_url)
        try:
            key = setupcodes.signing_key(db.session_factory(engine)).public_key
        finally:
            engine.dispose()
        result = codec.redeem(code, app_version="0.1.0", trusted_keys=[KEY_B64, key])
        assert result.facility_code == FACILITY
    finally:
        server.stop()


def test_expired_and_forged_codes_and_an_unreachable_server(
    tls_server: LiveServer,
    seeded_url: str,
    certs: Path,  # noqa: F811
) -> None:
    pin = pin_of(certs / "srv.pem")
    expired = codec.parse(issue(seeded_url, tls_server.url, pin, days_ago=15))
    with pytest.raises(codec.SetupCodeError) as caught:
        codec.redeem(expired, app_version="0.1.0")
    assert caught.value.code == "expired"
    # signed by a key the server does not have: the client notices before redeeming
    forged = codec.encode(
        server_url=tls_server.url,
        facility=FACILITY,
        cert_sha256=pin,
        expires_at=datetime.now(UTC) + timedelta(days=1),
        code_id=b"\x00" * 8,
        private_key=KEY,
    )
    with pytest.raises(codec.SetupCodeError) as caught:
        codec.redeem(forged, app_version="0.1.0")
    assert caught.value.code == "invalid"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    with pytest.raises(codec.SetupCodeError) as caught:
        codec.redeem(sample(closed, None), app_version="0.1.0", sleep=lambda s: None)
    assert caught.value.code == "offline" and "server" in caught.value.message.id
