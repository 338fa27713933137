"""One-time setup codes on the server: the signing key (made once, kept in the database),
issuing a code (``kabar-server provision-code``), its QR image, and redemption (once).

The code's format is ``sync.setupcode`` (shared with the client).
"""

from __future__ import annotations

import base64
import logging
import secrets
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from server import audit, ratelimit
from server.accounts import AdminError
from server.errors import ApiError
from server.models import FACILITY_TYPES, OrgUnit, SetupCode, SetupKey
from server.settings import Settings
from sync import setupcode as codec
from sync.protocol import format_time

log = logging.getLogger(__name__)

MAX_DAYS = 90
QR_SUFFIXES = (".png", ".svg")


def utcnow() -> datetime:
    return datetime.now(UTC)


# -- the signing key --------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    public_key: str  # base64 raw Ed25519
    private: Any  # cryptography Ed25519PrivateKey


def _load(row: SetupKey) -> SigningKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    raw = base64.b64decode(row.private_key)
    return SigningKey(row.id, row.public_key, Ed25519PrivateKey.from_private_bytes(raw))


def signing_key(session_maker: sessionmaker[Session], now: datetime | None = None) -> SigningKey:
    """The server's key, made on first use (one row; a race between two hosts keeps one)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    with session_maker() as session:
        row = session.scalars(select(SetupKey).order_by(SetupKey.created_at)).first()
        if row is not None:
            return _load(row)
    private = Ed25519PrivateKey.generate()
    public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    private_raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    try:
        with session_maker() as session, session.begin():
            # Another host may have made one between our read and this write: keep theirs.
            if session.scalars(select(SetupKey.id)).first() is None:
                session.add(
                    SetupKey(
                        id=codec.key_id(public_raw).hex(),
                        public_key=codec.public_key_b64(public_raw),
                        private_key=base64.b64encode(private_raw).decode("ascii"),
                        created_at=now or utcnow(),
                    )
                )
                audit.record(
                    session, audit.cli_actor(), "setup-key", key_id=codec.key_id(public_raw).hex()
                )
    except IntegrityError:
        pass  # the same key id written by a concurrent first use: the row read below serves
    # Both racers read the oldest key, so every host signs with the same one.
    with session_maker() as session:
        row = session.scalars(select(SetupKey).order_by(SetupKey.created_at)).first()
        assert row is not None
        return _load(row)


def public_keys(session: Session) -> list[SetupKey]:
    return list(session.scalars(select(SetupKey).order_by(SetupKey.created_at)))


# -- issuing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    code: codec.SetupCode
    facility_name: str

    @property
    def text(self) -> str:
        return self.code.text()


def clean_server_url(url: str) -> str:
    from sync.transport import normalize_base_url

    try:
        return normalize_base_url(url)
    except ValueError:
        raise AdminError(
            f"--server-url must be an http:// or https:// address, not {url!r}"
        ) from None


def issue(
    session_maker: sessionmaker[Session],
    *,
    server_url: str,
    facility: str,
    cert_sha256: bytes | None,
    days: int,
    actor: str,
    now: datetime | None = None,
) -> Issued:
    """Sign and record a new code for ``facility`` (which must be a facility on this server)."""
    now = now or utcnow()
    server_url = clean_server_url(server_url)
    if not 1 <= days <= MAX_DAYS:
        raise AdminError(f"--days must be 1 to {MAX_DAYS}, not {days}")
    if urlsplit(server_url).scheme == "http" and cert_sha256 is not None:
        raise AdminError("a certificate pin needs an https:// server address")
    key = signing_key(session_maker, now)
    # Whole seconds: the code carries Unix seconds, the database must agree with it.
    expires_at = (now + timedelta(days=days)).replace(microsecond=0)
    with session_maker() as session, session.begin():
        unit = session.get(OrgUnit, facility)
        if unit is None:
            raise AdminError(f"facility {facility!r} does not exist (add-facility first)")
        if unit.level not in FACILITY_TYPES:
            raise AdminError(f"{facility} is a {unit.level}, not a puskesmas or hospital")
        code = codec.encode(
            server_url=server_url,
            facility=facility,
            cert_sha256=cert_sha256,
            expires_at=expires_at,
            code_id=secrets.token_bytes(codec.CODE_ID_LEN),
            private_key=key.private,
        )
        session.add(
            SetupCode(
                id=code.id_hex,
                key_id=key.key_id,
                facility=facility,
                server_url=server_url,
                cert_sha256=code.pin,
                created_by=actor[:64],
                created_at=now,
                expires_at=expires_at,
            )
        )
        audit.record(
            session,
            actor,
            "provision-code",
            code_id=code.id_hex,
            facility=facility,
            server_url=server_url,
            expires_at=format_time(expires_at),
        )
        name = unit.name
    return Issued(code, name)


def cert_from_file(path: Path) -> bytes:
    """The first certificate of a PEM file (the server's leaf certificate), as DER."""
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError as e:
        raise AdminError(f"cannot read {path}: {e.strerror}") from None
    begin, end = "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"
    start = text.find(begin)
    stop = text.find(end, start)
    if start < 0 or stop < 0:
        raise AdminError(f"{path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
    try:
        return ssl.PEM_cert_to_DER_cert(text[start : stop + len(end)])
    except ValueError as e:
        raise AdminError(f"{path}: the certificate does not decode ({e})") from None


def fetch_cert(server_url: str, timeout: float = 10.0) -> bytes:
    """The certificate the server at ``server_url`` presents (DER), read without checking it:
    the fingerprint is printed for IT to compare with the certificate they installed."""
    parts = urlsplit(server_url)
    if parts.scheme != "https" or not parts.hostname:
        raise AdminError("--fetch-cert needs an https:// server address")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((parts.hostname, parts.port or 443), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=parts.hostname) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
    except OSError as e:
        raise AdminError(f"cannot fetch the certificate of {parts.netloc}: {e}") from None
    if not der:
        raise AdminError(f"{parts.netloc} presented no certificate")
    return der


def write_qr(text: str, path: Path) -> None:
    """The code as a QR image, PNG or SVG by ``path``'s extension (segno; alphanumeric mode)."""
    suffix = path.suffix.lower()
    if suffix not in QR_SUFFIXES:
        raise AdminError(f"--qr must end in .png or .svg, not {path.name!r}")
    try:
        import segno
    except ImportError:
        raise AdminError("--qr needs the segno package: pip install 'kabar[server]'") from None
    qr = segno.make(text, error="m", micro=False)
    try:
        qr.save(str(path), scale=6, border=4)
    except OSError as e:
        raise AdminError(f"cannot write {path}: {e.strerror}") from None


# -- redemption -------------------------------------------------------------------------------

#: code -> HTTP status
STATUS = {
    "setup_code_invalid": 400,
    "setup_code_used": 409,
    "setup_code_expired": 410,
    "unknown_org_unit": 409,
}


def _limit_key(address: str) -> str:
    # The per-account limit of the login table counts this address's failed redemptions.
    return f"~setup {address}"[:64]


def redeem(
    session_maker: sessionmaker[Session],
    text: str,
    address: str,
    app_version: str,
    settings: Settings,
    now: datetime | None = None,
    *,
    device_id: str | None = None,
) -> dict[str, Any]:
    """Check ``text`` (signature, record, expiry, not used, facility) and mark it used, once.
    The device that redeemed it may ask again (a lost answer) and gets the same answer."""
    now = now or utcnow()
    key = _limit_key(address)
    with session_maker() as session, session.begin():
        wait = ratelimit.retry_after(session, key, address, now, settings)
        if wait is not None:
            raise ApiError(
                429, "too_many_attempts", f"retry after {wait} s", {"Retry-After": str(wait)}
            )
        refusal, reply = _redeem(session, text, address, app_version, device_id, now)
        if refusal is not None:
            ratelimit.record_failure(session, key, address, now, settings)
    if refusal is not None:
        # Committed above: the failure counts even though the request is refused.
        error, detail = refusal
        log.info("setup code refused from %s: %s (%s)", address, error, detail)
        raise ApiError(STATUS[error], error, detail)
    assert reply is not None
    return reply


def _redeem(
    session: Session,
    text: str,
    address: str,
    app_version: str,
    device_id: str | None,
    now: datetime,
) -> tuple[tuple[str, str] | None, dict[str, Any] | None]:
    try:
        code = codec.parse(text)
    except codec.SetupCodeError as e:
        return ("setup_code_invalid", e.detail), None
    keys = [row.public_key for row in public_keys(session)]
    if not codec.verify(code, keys):
        return ("setup_code_invalid", f"not signed by this server (key {code.key_id_hex})"), None
    row = session.get(SetupCode, code.id_hex)
    if row is None or row.facility != code.facility or row.server_url != code.server_url:
        return ("setup_code_invalid", f"code {code.id_hex} was not issued here"), None
    if row.redeemed_at is not None:
        if device_id is not None and row.redeemed_device == device_id:
            unit = session.get(OrgUnit, code.facility)
            if unit is not None:  # the same device again: its first answer was lost
                return None, _reply(session, code, unit)
        return ("setup_code_used", f"used at {format_time(row.redeemed_at)}"), None
    if now >= code.expires_at or now >= row.expires_at:
        return ("setup_code_expired", f"expired at {format_time(code.expires_at)}"), None
    unit = session.get(OrgUnit, code.facility)
    if unit is None:
        return ("unknown_org_unit", f"facility {code.facility}"), None
    done = session.execute(
        update(SetupCode)
        .where(SetupCode.id == code.id_hex, SetupCode.redeemed_at.is_(None))
        .values(
            redeemed_at=now,
            redeemed_address=address[:64],
            redeemed_app=app_version[:32],
            redeemed_device=device_id,
        )
    )
    if getattr(done, "rowcount", 0) != 1:
        return ("setup_code_used", "used just now"), None
    log.info("setup code %s redeemed for %s from %s", code.id_hex, code.facility, address)
    return None, _reply(session, code, unit)


def _reply(session: Session, code: codec.SetupCode, unit: OrgUnit) -> dict[str, Any]:
    return {
        "server_url": code.server_url,
        "facility": {"code": unit.code, "name": unit.name},
        "org_units": _with_ancestors(session, unit),
        "expires_at": format_time(code.expires_at),
    }


def _with_ancestors(session: Session, unit: OrgUnit) -> list[list[str | None]]:
    """The facility and every ancestor, root first, as metadata lists org units."""
    chain = []
    current: OrgUnit | None = unit
    while current is not None and len(chain) < 16:
        chain.append([current.code, current.name, current.level, current.parent_code, current.type])
        current = session.get(OrgUnit, current.parent_code) if current.parent_code else None
    return chain[::-1]
