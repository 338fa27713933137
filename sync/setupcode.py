"""One-time setup codes: the signed ``KABAR1-…`` text that carries server URL, facility and the
server certificate's fingerprint; its codec (shared with the server) and the client's redemption.

Binary layout before base32 (all integers big-endian)::

    version u8 = 1 | flags u8 (bit 0: fingerprint present) | key id 4 | code id 8 |
    expires u32 (Unix seconds, UTC) | [fingerprint 32] | facility u8-length + UTF-8 |
    server URL u8-length + UTF-8 | Ed25519 signature 64 | checksum 4

The signature covers everything before it (with the domain ``SIGNING_DOMAIN`` in front); the
checksum (SHA-256, first 4 bytes, of everything before it) tells a mistyped or damaged code
from a forged one without any key. Nothing here imports ``requests`` or ``cryptography`` until
a function needs them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from forms.model import Text

__all__ = [
    "FORMAT_VERSION",
    "PREFIX",
    "Redemption",
    "SetupCode",
    "SetupCodeError",
    "check_trusted",
    "encode",
    "fingerprint_hex",
    "key_id",
    "parse",
    "public_key_b64",
    "redeem",
    "same_server",
    "verify",
]

PREFIX = "KABAR1-"
FORMAT_VERSION = 1
SIGNING_DOMAIN = b"kabar-setup-code\x00"
KEY_ID_LEN = 4
CODE_ID_LEN = 8
SIGNATURE_LEN = 64
CHECKSUM_LEN = 4
FINGERPRINT_LEN = 32
_HEAD = struct.Struct(f">BB{KEY_ID_LEN}s{CODE_ID_LEN}sI")
_FLAG_PIN = 0x01
#: base32 (RFC 4648) plus what people and scanners type instead: 0 for O, 1 for I, 8 for B
_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
_LOOKALIKES = {"0": "O", "1": "I", "8": "B"}
_PREFIX_RE = re.compile(r"KABAR\s*1\s*[-‐‑–—]?", re.IGNORECASE)
#: the group size of the text form (spaces let WhatsApp wrap it; parsing ignores them)
GROUP = 5

#: SetupCodeError.code -> the message for a person (the desktop says them in its own words)
MESSAGES: dict[str, Text] = {
    "damaged": Text(
        "Kode penyiapan tidak terbaca (salah ketik atau terpotong). Salin ulang seluruh kode.",
        "The setup code cannot be read (mistyped or cut off). Copy the whole code again.",
    ),
    "invalid": Text(
        "Kode penyiapan tidak sah untuk server ini. Minta kode baru ke TI Dinas.",
        "The setup code is not valid for this server. Ask the district IT for a new code.",
    ),
    "untrusted": Text(
        "Kode penyiapan ini tidak ditandatangani oleh server yang dipercaya di komputer ini. "
        "Jangan dipakai; hubungi TI Dinas.",
        "This setup code is not signed by a server this computer trusts. Do not use it; "
        "contact the district IT.",
    ),
    "expired": Text(
        "Kode penyiapan sudah kedaluwarsa. Minta kode baru ke TI Dinas.",
        "The setup code has expired. Ask the district IT for a new code.",
    ),
    "used": Text(
        "Kode penyiapan sudah pernah dipakai. Setiap kode hanya berlaku sekali; minta kode baru "
        "ke TI Dinas.",
        "The setup code has already been used. Each code works once; ask the district IT for "
        "a new one.",
    ),
    "pin_mismatch": Text(
        "Sertifikat server tidak cocok — jangan lanjutkan, hubungi TI Dinas.",
        "The server's certificate does not match — do not go on, contact the district IT.",
    ),
    "locked": Text(
        "Komputer ini dikunci ke server lain oleh TI Dinas; kode penyiapan untuk server berbeda "
        "tidak dapat dipakai.",
        "The district IT locked this computer to another server; a setup code for a different "
        "server cannot be used.",
    ),
    "unknown_facility": Text(
        "Fasilitas dalam kode penyiapan tidak dikenal di server. Hubungi TI Dinas.",
        "The facility in the setup code is not known on the server. Contact the district IT.",
    ),
}


class SetupCodeError(Exception):
    """A setup code that cannot be used; ``code`` says why (a key of :data:`MESSAGES`, or a
    transport code such as ``offline``), ``message`` says it for people."""

    def __init__(self, code: str, detail: str = "", message: Text | None = None) -> None:
        self.code = code
        self.detail = detail
        self.message = message if message is not None else MESSAGES[code]
        super().__init__(f"{code}: {detail or self.message.en}")


@dataclass(frozen=True)
class SetupCode:
    """A parsed code. ``signed`` + ``signature`` are the bytes as issued (verified by keys)."""

    server_url: str
    facility: str
    cert_sha256: bytes | None
    expires_at: datetime
    code_id: bytes
    key_id: bytes
    signed: bytes
    signature: bytes

    @property
    def id_hex(self) -> str:
        return self.code_id.hex()

    @property
    def key_id_hex(self) -> str:
        return self.key_id.hex()

    @property
    def host(self) -> str:
        """The server as shown to the officer before applying: host[:port]."""
        return urlsplit(self.server_url).netloc

    @property
    def pin(self) -> str | None:
        """The certificate fingerprint as lowercase hex, or None (an http server)."""
        return None if self.cert_sha256 is None else self.cert_sha256.hex()

    def text(self, grouped: bool = True) -> str:
        """The code as issued: ``KABAR1-`` and base32 (grouped for reading, or compact for QR)."""
        return _to_text(self.signed + self.signature, grouped)


@dataclass(frozen=True)
class Redemption:
    """What a redeemed code configures on this computer."""

    server_url: str
    facility_code: str
    facility_name: str
    #: the facility and its ancestors, as metadata carries org units: (code, name, level,
    #: parent, type)
    org_units: tuple[tuple[str, str, str, str | None, str | None], ...]
    #: SHA-256 of the server certificate (lowercase hex), None for http
    pin_sha256: str | None
    expires_at: datetime


# -- codec ------------------------------------------------------------------------------------


def _checksum(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()[:CHECKSUM_LEN]


def _to_text(signed_and_signature: bytes, grouped: bool) -> str:
    raw = signed_and_signature + _checksum(signed_and_signature)
    body = base64.b32encode(raw).decode("ascii").rstrip("=")
    if grouped:
        body = " ".join(body[i : i + GROUP] for i in range(0, len(body), GROUP))
    return PREFIX + body


def key_id(public_raw: bytes) -> bytes:
    """The first 4 bytes of SHA-256 of a raw Ed25519 public key: which key signed a code."""
    return hashlib.sha256(public_raw).digest()[:KEY_ID_LEN]


def public_key_b64(public_raw: bytes) -> str:
    return base64.b64encode(public_raw).decode("ascii")


def fingerprint_hex(der: bytes) -> str:
    """SHA-256 of a certificate (DER) as lowercase hex, the form a pin is kept in."""
    return hashlib.sha256(der).hexdigest()


def _field(text: str, what: str) -> bytes:
    data = text.encode("utf-8")
    if not data or len(data) > 255:
        raise ValueError(f"{what} must be 1 to 255 bytes of UTF-8, got {len(data)}")
    return bytes([len(data)]) + data


def encode(
    *,
    server_url: str,
    facility: str,
    cert_sha256: bytes | None,
    expires_at: datetime,
    code_id: bytes,
    private_key: Any,
) -> SetupCode:
    """Sign a new code with ``private_key`` (a cryptography Ed25519PrivateKey)."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    if len(code_id) != CODE_ID_LEN:
        raise ValueError(f"code id must be {CODE_ID_LEN} bytes")
    if cert_sha256 is not None and len(cert_sha256) != FINGERPRINT_LEN:
        raise ValueError("the certificate fingerprint must be a SHA-256 (32 bytes)")
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must be an aware (UTC) datetime")
    public_raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    kid = key_id(public_raw)
    seconds = int(expires_at.timestamp())
    flags = _FLAG_PIN if cert_sha256 is not None else 0
    signed = (
        _HEAD.pack(FORMAT_VERSION, flags, kid, code_id, seconds)
        + (cert_sha256 or b"")
        + _field(facility, "facility")
        + _field(server_url, "server URL")
    )
    signature = private_key.sign(SIGNING_DOMAIN + signed)
    code = _decode_signed(signed, signature)
    if code is None:
        raise ValueError(f"not a valid setup code: {server_url!r} with pin {cert_sha256!r}")
    return code


def _symbols(text: str) -> str:
    """The base32 symbols after the prefix, in upper case; separators and invisible
    characters (spaces, line breaks, hyphens, zero-width marks) skipped; stops at anything
    else (WhatsApp's *bold* stars, the text after the code)."""
    out = []
    for ch in text:
        up = _LOOKALIKES.get(ch, ch.upper())
        if up in _ALPHABET:
            out.append(up)
        elif ch.isspace() or ch in "-‐‑–—" or unicodedata.category(ch) in ("Cf", "Zs"):
            continue
        else:
            break
    return "".join(out)


def _b32(symbols: str) -> bytes:
    """Decode base32 without padding; raises binascii.Error on a bad length."""
    return base64.b32decode(symbols + "=" * (-len(symbols) % 8))


def _symbols_for(n_bytes: int) -> int:
    return -(-n_bytes * 8 // 5)


def parse(text: str) -> SetupCode:
    """The code in ``text`` (pasted from WhatsApp, typed by a 2D scanner, or typed by hand):
    ``SetupCodeError('damaged')`` when it is missing, cut off or altered."""
    first: SetupCodeError | None = None
    # The message around the code may name "KABAR1" too: the first place that parses wins.
    for match in _PREFIX_RE.finditer(text):
        try:
            return _parse_at(text[match.end() :])
        except SetupCodeError as e:
            first = first or e
    raise first or SetupCodeError("damaged", "no KABAR1- code in the text")


def _parse_at(text: str) -> SetupCode:
    symbols = _symbols(text)
    head_len = _HEAD.size + FINGERPRINT_LEN + 2 + 255 + 8  # enough to read both lengths
    try:
        # Decode whole 8-symbol blocks first: enough to learn the code's own length.
        probe = _b32(symbols[: min(len(symbols), _symbols_for(head_len)) // 8 * 8])
        total = _total_length(probe)
        if total is None or len(symbols) < _symbols_for(total):
            raise SetupCodeError("damaged", "the code is cut off")
        data = _b32(symbols[: _symbols_for(total)])[:total]
    except binascii.Error as e:
        raise SetupCodeError("damaged", f"not base32: {e}") from None
    body, checksum = data[:-CHECKSUM_LEN], data[-CHECKSUM_LEN:]
    if _checksum(body) != checksum:
        raise SetupCodeError("damaged", "checksum does not match")
    code = _decode_signed(body[:-SIGNATURE_LEN], body[-SIGNATURE_LEN:])
    if code is None:
        raise SetupCodeError("damaged", "the fields do not decode")
    return code


def _total_length(probe: bytes) -> int | None:
    """The whole code's length in bytes from its first bytes; None if they are not enough."""
    if len(probe) < _HEAD.size + 1:
        return None
    version, flags = probe[0], probe[1]
    if version != FORMAT_VERSION or flags & ~_FLAG_PIN:
        raise SetupCodeError("damaged", f"unknown format {version}/{flags}")
    at = _HEAD.size + (FINGERPRINT_LEN if flags & _FLAG_PIN else 0)
    for _ in range(2):
        if len(probe) <= at:
            return None
        at += 1 + probe[at]
    return at + SIGNATURE_LEN + CHECKSUM_LEN


def _decode_signed(signed: bytes, signature: bytes) -> SetupCode | None:
    try:
        version, flags, kid, code_id, seconds = _HEAD.unpack_from(signed)
        at = _HEAD.size
        fingerprint = None
        if flags & _FLAG_PIN:
            fingerprint = signed[at : at + FINGERPRINT_LEN]
            at += FINGERPRINT_LEN
        n = signed[at]
        facility = signed[at + 1 : at + 1 + n].decode("utf-8")
        at += 1 + n
        n = signed[at]
        url = signed[at + 1 : at + 1 + n].decode("utf-8")
        at += 1 + n
    except (struct.error, IndexError, UnicodeDecodeError):
        return None
    if at != len(signed) or len(signature) != SIGNATURE_LEN or version != FORMAT_VERSION:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or not facility.strip():
        return None
    if parts.scheme == "http" and fingerprint is not None:
        return None  # a pin on plain http means nothing: a forged or broken code
    return SetupCode(
        server_url=url,
        facility=facility,
        cert_sha256=fingerprint,
        expires_at=datetime.fromtimestamp(seconds, UTC),
        code_id=code_id,
        key_id=kid,
        signed=signed,
        signature=signature,
    )


# -- signatures -------------------------------------------------------------------------------


def _public_raw(key: str | bytes) -> bytes | None:
    if isinstance(key, bytes):
        return key if len(key) == 32 else None
    try:
        raw = base64.b64decode(key.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


def verify(code: SetupCode, public_keys: Iterable[str | bytes]) -> bool:
    """True when one of ``public_keys`` (raw or base64 Ed25519) signed ``code``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    for key in public_keys:
        raw = _public_raw(key)
        if raw is None:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(raw).verify(
                code.signature, SIGNING_DOMAIN + code.signed
            )
        except InvalidSignature:
            continue
        return True
    return False


def check_trusted(code: SetupCode, trusted_keys: Sequence[str]) -> None:
    """Offline: with trusted keys (site.toml ``provision_keys``), a code none of them signed is
    refused before anything goes on the network."""
    if trusted_keys and not verify(code, trusted_keys):
        raise SetupCodeError("untrusted", f"key {code.key_id_hex} is not among the trusted keys")


def same_server(a: str, b: str) -> bool:
    def origin(url: str) -> tuple[str, str, int | None]:
        parts = urlsplit(url.strip().rstrip("/"))
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return parts.scheme.lower(), (parts.hostname or "").lower(), port

    return origin(a) == origin(b) and urlsplit(a).path.rstrip("/") == urlsplit(b).path.rstrip("/")


# -- redemption -------------------------------------------------------------------------------

#: server error code -> SetupCodeError code
_SERVER_CODES = {
    "setup_code_invalid": "invalid",
    "setup_code_expired": "expired",
    "setup_code_used": "used",
    "unknown_org_unit": "unknown_facility",
}


def redeem(
    code: SetupCode,
    *,
    app_version: str,
    trusted_keys: Sequence[str] = (),
    locked_server: str | None = None,
    device_id: str | None = None,
    **transport_options: Any,
) -> Redemption:
    """Redeem ``code`` at the server it names (once; the server records it).

    Before any network: a site locked to another server refuses it (``locked``), and with
    trusted keys a code none of them signed is refused (``untrusted``). Over https the
    connection is pinned to the code's certificate fingerprint (a mismatch: ``pin_mismatch``).
    The code must verify against the key the server publishes (``invalid``). Network trouble
    comes back as SetupCodeError with the transport's code and message (``offline``, ``tls``…).
    ``device_id`` (this install's): a retry after a lost answer is not refused as ``used``.
    """
    if locked_server and not same_server(locked_server, code.server_url):
        raise SetupCodeError("locked", f"site locked to {locked_server}, code for {code.host}")
    check_trusted(code, trusted_keys)
    from sync.transport import SyncError, Transport

    options = dict(transport_options)
    options.setdefault("attempts", 2)
    try:
        transport = Transport(
            code.server_url, app_version=app_version, pin_sha256=code.pin, **options
        )
    except ValueError as e:
        raise SetupCodeError("damaged", str(e)) from None
    failure: SetupCodeError | None = None
    try:
        keys = transport.setup_keys()
        if not verify(code, keys):
            raise SetupCodeError("invalid", f"not signed by the server's key {keys}")
        reply = transport.redeem_setup_code(code.text(grouped=False), device_id)
    except SyncError as e:
        code_ = _SERVER_CODES.get(e.code)
        failure = (
            SetupCodeError(code_, e.detail)
            if code_
            else SetupCodeError(e.code or "offline", e.detail, e.message)
        )
    finally:
        transport.close()
    if failure is not None:
        # Raised out here: the transport's exception (its frames hold the HTTP response and
        # connection) is not kept alive as this one's context while the caller holds it.
        raise failure
    return _redemption(code, reply)


def _redemption(code: SetupCode, reply: dict[str, Any]) -> Redemption:
    from sync.protocol import ProtocolError, parse_time
    from sync.transport import UNREADABLE

    try:
        facility = reply["facility"]
        units = tuple(
            (
                str(u[0]),
                str(u[1]),
                str(u[2]),
                None if u[3] is None else str(u[3]),
                None if u[4] is None else str(u[4]),
            )
            for u in reply["org_units"]
        )
        result = Redemption(
            server_url=str(reply["server_url"]),
            facility_code=str(facility["code"]),
            facility_name=str(facility["name"]),
            org_units=units,
            pin_sha256=code.pin,
            expires_at=parse_time(reply["expires_at"], key="expires_at"),
        )
    except (KeyError, TypeError, IndexError, ProtocolError) as e:
        raise SetupCodeError("bad_reply", f"redeem reply: {e!r}", UNREADABLE) from None
    if result.facility_code != code.facility or not same_server(result.server_url, code.server_url):
        raise SetupCodeError("invalid", "the server answered for another code")
    return result
