"""The replica's schema as SQLAlchemy 2 typed models: the source of truth for Alembic.

The running app reads and writes through ``connection.py`` with plain SQL (importing SQLAlchemy
costs more start-up time than the whole Qt window); tests prove the migrated database equals
these models and that the ORM reads what the Store wrote.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
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


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime stored as SQLite DATETIME text (always UTC, never local time)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps UTC only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class OrgUnit(Base):
    __tablename__ = "org_units"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(32))
    # No foreign key: a user receives only their subtree, so a parent may be absent.
    parent_code: Mapped[str | None] = mapped_column(String(64), index=True)
    type: Mapped[str | None] = mapped_column(String(32))


class FormVersion(Base):
    __tablename__ = "form_versions"
    __table_args__ = (UniqueConstraint("form_id", "version", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    form_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Cell(Base):
    __tablename__ = "cells"
    __table_args__ = (
        UniqueConstraint("org_unit", "form_id", "period", "indicator"),
        CheckConstraint("status IN ('draft', 'complete')", name="status"),
        CheckConstraint(
            "sync_state IN ('local', 'pending', 'sent', 'conflict', 'rejected')",
            name="sync_state",
        ),
        # The engine looks for the few cells not yet sent among a year of sent ones; with the
        # form-day in it, the status bar's count of unsent form-days reads the index alone.
        Index(None, "sync_state", "org_unit", "form_id", "period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_unit: Mapped[str] = mapped_column(ForeignKey("org_units.code"))
    form_id: Mapped[str] = mapped_column(String(64))
    period: Mapped[date] = mapped_column(Date)
    indicator: Mapped[str] = mapped_column(String(64))
    #: canonical text (forms.types.to_storage); NULL = cleared
    value: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    sync_state: Mapped[str] = mapped_column(String(16))
    #: the server revision this value started from (set by the sync engine)
    base_rev: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: the server's conflict id this local value settles (sent as ``[value, base, k]``)
    settles: Mapped[int | None] = mapped_column(Integer)


class DayStatus(Base):
    __tablename__ = "day_status"
    __table_args__ = (CheckConstraint("status IN ('draft', 'complete')", name="status"),)

    org_unit: Mapped[str] = mapped_column(ForeignKey("org_units.code"), primary_key=True)
    form_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    completed_by: Mapped[str | None] = mapped_column(String(200))
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (Index(None, "org_unit", "form_id", "period"),)

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_unit: Mapped[str] = mapped_column(ForeignKey("org_units.code"))
    form_id: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[int] = mapped_column(Integer)
    period: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(200))
    device: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    complete: Mapped[bool] = mapped_column(Boolean)


class Audit(Base):
    """Append-only: triggers (migration 0002) refuse UPDATE and DELETE."""

    __tablename__ = "audit"
    __table_args__ = (
        Index(None, "org_unit", "form_id", "period", "indicator"),
        CheckConstraint("action IN ('edit', 'complete', 'reopen')", name="action"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_unit: Mapped[str] = mapped_column(String(64))
    form_id: Mapped[str] = mapped_column(String(64))
    period: Mapped[date] = mapped_column(Date)
    #: NULL for a change of the day's status
    indicator: Mapped[str | None] = mapped_column(String(64))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    device: Mapped[str] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    submission_uuid: Mapped[str] = mapped_column(ForeignKey("submissions.uuid"), index=True)
    action: Mapped[str] = mapped_column(String(16))


class Outbox(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'sent', 'rejected')", name="state"),
        Index(None, "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_uuid: Mapped[str] = mapped_column(ForeignKey("submissions.uuid"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(16))
    #: the push item this save was frozen into (NULL: not yet frozen)
    push_uuid: Mapped[str | None] = mapped_column(String(36), index=True)


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)


class PushItem(Base):
    """A frozen submission: the payload never changes once made (the server's idempotency key
    is the id, and the same id must always carry the same content)."""

    __tablename__ = "push_items"
    __table_args__ = (
        CheckConstraint("state IN ('inflight', 'done', 'held')", name="state"),
        Index(None, "state", "seq"),
        Index(None, "org_unit", "form_id", "period"),
    )

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: the device's submission sequence number ``n`` (uuid = uuid5(namespace, device:n))
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    org_unit: Mapped[str] = mapped_column(String(64))
    form_id: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[int] = mapped_column(Integer)
    period: Mapped[date] = mapped_column(Date)
    #: the encoded submission exactly as sent, without its key (``n`` is added when sending)
    payload: Mapped[str] = mapped_column(Text)
    #: indicator -> canonical text of the frozen values (JSON), to compare with the cells later
    frozen: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(Text)
    message_en: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LocalConflict(Base):
    """The server holds another value for a cell this device edited: a person settles it."""

    __tablename__ = "local_conflicts"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'settled', 'closed')", name="state"),
        Index(None, "org_unit", "form_id", "period", "indicator"),
        Index(None, "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: the server's conflict id ``k``; NULL when a pull found it before our push reached it
    server_id: Mapped[int | None] = mapped_column(Integer)
    org_unit: Mapped[str] = mapped_column(String(64))
    form_id: Mapped[str] = mapped_column(String(64))
    period: Mapped[date] = mapped_column(Date)
    indicator: Mapped[str] = mapped_column(String(64))
    #: the server's value as canonical text (NULL: cleared), its revision, author, client time
    theirs: Mapped[str | None] = mapped_column(Text)
    theirs_rev: Mapped[int] = mapped_column(Integer)
    theirs_by: Mapped[str | None] = mapped_column(String(200))
    theirs_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    found_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: open | settled (a person chose) | closed (the values came to agree by themselves)
    state: Mapped[str] = mapped_column(String(16))
    settled_by: Mapped[str | None] = mapped_column(String(200))
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SetAsideRow(Base):
    """Something the server refused for good, with its reason, until a person dismisses it."""

    __tablename__ = "set_aside"
    __table_args__ = (Index(None, "org_unit", "form_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_unit: Mapped[str] = mapped_column(String(64))
    form_id: Mapped[str] = mapped_column(String(64))
    period: Mapped[date] = mapped_column(Date)
    #: NULL: the whole submission
    indicator: Mapped[str | None] = mapped_column(String(64))
    #: the refused value as canonical text
    value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    push_uuid: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    dismissed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
