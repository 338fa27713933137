"""The provincial server's schema as SQLAlchemy 2 typed models (the source of truth for Alembic).

The same models and migrations serve PostgreSQL (production) and SQLite (the embedded default).
Times are aware UTC datetimes in Python and naive UTC in the database, on both engines.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

LEVELS = ("provinsi", "kabupaten", "kecamatan", "desa", "puskesmas", "rumah_sakit")
FACILITY_TYPES = ("puskesmas", "rumah_sakit")
ROLES = ("petugas_puskesmas", "petugas_kecamatan", "admin_kabupaten", "admin_provinsi")
CONFLICT_STATUSES = ("open", "resolved")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime, stored naive (TIMESTAMP WITHOUT TIME ZONE / SQLite text) in UTC."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            # A naive time would be stored as if it were UTC: a silent, hours-long error.
            raise ValueError(f"naive datetime {value!r}: give an aware (UTC) datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class OrgUnit(Base):
    """A Kemendagri region (provinsi > kabupaten > kecamatan > desa) or a facility."""

    __tablename__ = "org_units"
    __table_args__ = (
        CheckConstraint(_in("level", LEVELS), name="level"),
        CheckConstraint(f"type IS NULL OR {_in('type', FACILITY_TYPES)}", name="type"),
        # text_pattern_ops: "path LIKE 'prefix%'" uses the index under any collation.
        Index("ix_org_units_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
        Index("ix_org_units_parent_code", "parent_code"),
    )

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("org_units.code"))
    type: Mapped[str | None] = mapped_column(String(16))
    #: every ancestor's code and its own, e.g. ``/64/64.08/64.08.04/P6408040201/``; a subtree
    #: is ``path LIKE '<path of its root>%'``
    path: Mapped[str] = mapped_column(Text)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class UserOrgUnit(Base):
    """One assignment of a user to an org unit; a user acts on the subtrees of all of them."""

    __tablename__ = "user_org_units"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    org_unit: Mapped[str] = mapped_column(ForeignKey("org_units.code"), primary_key=True)


class Device(Base):
    """One install of the app that a user logged in from; holds that device's current token."""

    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("user_id", "device_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the client's own device uuid (as sent at login and in every push)
    device_id: Mapped[str] = mapped_column(String(64))
    device_name: Mapped[str] = mapped_column(String(200))
    #: SHA-256 hex of the token; the token itself is never stored
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    app_version: Mapped[str | None] = mapped_column(String(32))


class LoginFailure(Base):
    """A failed login, counted per account and per address (shared by every worker)."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "at"),
        Index("ix_login_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class FormVersion(Base):
    """A published form definition; the same (id, version) always means the same text."""

    __tablename__ = "form_versions"

    form_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
    published_by: Mapped[str] = mapped_column(String(64))


class RevisionCounter(Base):
    """One row: the last revision handed out (see ``server.db.allocate_revisions``)."""

    __tablename__ = "revision_counter"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(BigInteger)


class Cell(Base):
    """The current value of one figure: (org unit, form, period, indicator).

    No foreign keys here nor on ``cell_versions``: only ``server.ingest`` writes these rows, in
    the transaction that checked the org unit, account and form version (migration 0002)."""

    __tablename__ = "cells"
    __table_args__ = (Index("ix_cells_rev", "rev", unique=True),)

    org_unit: Mapped[str] = mapped_column(String(32), primary_key=True)
    form_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    indicator: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: canonical text of the typed value (sync.protocol); NULL = a cleared figure
    value: Mapped[str | None] = mapped_column(Text)
    rev: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(Integer)
    #: the client's device uuid
    device_id: Mapped[str] = mapped_column(String(64))
    client_at: Mapped[datetime] = mapped_column(UtcDateTime)
    server_at: Mapped[datetime] = mapped_column(UtcDateTime)
    submission_id: Mapped[str] = mapped_column(String(36))
    flags: Mapped[str | None] = mapped_column(Text)


class CellVersion(Base):
    """Every version of every cell, append-only (the database refuses UPDATE and DELETE)."""

    __tablename__ = "cell_versions"
    __table_args__ = (Index("ix_cell_versions_cell", "org_unit", "form_id", "period", "indicator"),)

    rev: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    org_unit: Mapped[str] = mapped_column(String(32))
    form_id: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[int] = mapped_column(Integer)
    period: Mapped[date] = mapped_column(Date)
    indicator: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(Integer)
    device_id: Mapped[str] = mapped_column(String(64))
    client_at: Mapped[datetime] = mapped_column(UtcDateTime)
    server_at: Mapped[datetime] = mapped_column(UtcDateTime)
    submission_id: Mapped[str] = mapped_column(String(36))
    flags: Mapped[str | None] = mapped_column(Text)


class Submission(Base):
    """One pushed submission and the receipt given for it (returned again for a duplicate)."""

    __tablename__ = "submissions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["form_id", "form_version"], ["form_versions.form_id", "form_versions.version"]
        ),
        Index("ix_submissions_org_unit_form_id_period", "org_unit", "form_id", "period"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: the client's device uuid
    device_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    org_unit: Mapped[str] = mapped_column(ForeignKey("org_units.code"))
    form_id: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[int] = mapped_column(Integer)
    period: Mapped[date] = mapped_column(Date)
    client_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    complete: Mapped[bool] = mapped_column(Boolean)
    app_version: Mapped[str | None] = mapped_column(String(32))
    payload_sha256: Mapped[str] = mapped_column(String(64))
    #: the receipt as JSON text
    receipt: Mapped[str] = mapped_column(Text)


class Conflict(Base):
    """An incoming value that met a newer server value; kept until a person settles it."""

    __tablename__ = "conflicts"
    __table_args__ = (
        CheckConstraint(_in("status", CONFLICT_STATUSES), name="status"),
        Index("ix_conflicts_status_org_unit", "status", "org_unit"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_unit: Mapped[str] = mapped_column(ForeignKey("org_units.code"))
    form_id: Mapped[str] = mapped_column(String(64))
    period: Mapped[date] = mapped_column(Date)
    indicator: Mapped[str] = mapped_column(String(64))
    #: the server's revision of the cell when the candidate arrived
    server_rev: Mapped[int] = mapped_column(BigInteger)
    candidate_value: Mapped[str | None] = mapped_column(Text)
    candidate_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    candidate_device_id: Mapped[str] = mapped_column(String(64))
    candidate_client_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    submission_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16), default="open")
    resolved_rev: Mapped[int | None] = mapped_column(BigInteger)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class DayStatus(Base):
    """Whether a facility marked a form-day complete (for "who has reported today")."""

    __tablename__ = "day_status"

    org_unit: Mapped[str] = mapped_column(ForeignKey("org_units.code"), primary_key=True)
    form_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    complete: Mapped[bool] = mapped_column(Boolean)
    rev: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AdminAudit(Base):
    """Every admin action, append-only (the database refuses UPDATE and DELETE)."""

    __tablename__ = "admin_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    #: JSON text
    detail: Mapped[str] = mapped_column(Text)


class SetupKey(Base):
    """The server's Ed25519 key that signs setup codes (one row; kept here so every worker and
    every admin host signs with the same key). The private key never leaves the server."""

    __tablename__ = "setup_keys"

    #: hex of the first 4 bytes of SHA-256 of the raw public key (``sync.setupcode.key_id``)
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: raw keys, base64
    public_key: Mapped[str] = mapped_column(String(64))
    private_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SetupCode(Base):
    """A one-time setup code as issued (``kabar-server provision-code``) and when it was used."""

    __tablename__ = "setup_codes"

    #: the code's random id (hex of 8 bytes)
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16))
    facility: Mapped[str] = mapped_column(String(32))
    server_url: Mapped[str] = mapped_column(String(255))
    #: the certificate pin the code carries (hex), None for http or --no-pin
    cert_sha256: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    redeemed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: the client address, the app's version header and the install's device id at redemption
    redeemed_address: Mapped[str | None] = mapped_column(String(64))
    redeemed_app: Mapped[str | None] = mapped_column(String(32))
    redeemed_device: Mapped[str | None] = mapped_column(String(64))


#: tables the application only ever appends to; triggers refuse UPDATE and DELETE
APPEND_ONLY_TABLES = ("cell_versions", "admin_audit")
