"""Typed values <-> the canonical text kept in SQLite, and UTC timestamps <-> stored text."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from forms.model import Field, FieldType, Value
from forms.types import from_storage, to_storage

from .errors import StoreError, store_error

#: Same text SQLAlchemy's SQLite DateTime writes, so the ORM models read what the Store wrote.
_UTC_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def encode(field: Field, value: Value) -> str | None:
    """The canonical text for ``value``; StoreError when it is not a value of the field's type."""
    if value is None:
        return None
    checked = _checked(field, value)
    if checked is None:
        return None
    try:
        return to_storage(field.type, checked)
    except (TypeError, ValueError) as exc:
        raise _wrong_value(field, value) from exc


def decode(field: Field, text: str | None) -> Value:
    return from_storage(field.type, text)


def _checked(field: Field, value: Value) -> Value:
    kind = field.type
    ok: bool
    if kind is FieldType.INTEGER:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is FieldType.DECIMAL:
        if isinstance(value, int) and not isinstance(value, bool):
            # An int is a decimal without a fraction; accept it rather than make callers convert.
            value = Decimal(value)
        ok = isinstance(value, Decimal) and value.is_finite()
    elif kind is FieldType.YESNO:
        ok = isinstance(value, bool)
    elif kind is FieldType.CHOICE:
        ok = isinstance(value, str) and (
            not field.choices or any(c.code == value for c in field.choices)
        )
    else:
        ok = isinstance(value, str)
        if ok and value == "":
            return None
    if not ok:
        raise _wrong_value(field, value)
    return value


def _wrong_value(field: Field, value: Value) -> StoreError:
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return store_error(
        f"Nilai {shown} tidak cocok untuk «{field.label.id}» ({field.code}, jenis "
        f"{field.type.value}). Nilai belum disimpan.",
        f"Value {shown} does not fit “{field.label.en or field.label.id}” ({field.code}, type "
        f"{field.type.value}). Nothing was saved.",
    )


def format_utc(moment: datetime) -> str:
    """Stored text of an aware datetime, in UTC; a naive datetime is a bug."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: the store keeps UTC only")
    return moment.astimezone(UTC).strftime(_UTC_FORMAT)


def parse_utc(text: str) -> datetime:
    # fromisoformat reads what format_utc writes, without strptime's slow first call (start-up).
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
