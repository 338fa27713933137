"""Canonical stored text <-> the typed JSON the wire carries, for one field (or none known)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from forms.model import Field
from forms.types import to_storage

if TYPE_CHECKING:  # sync.protocol is imported when sync runs, not when the window opens
    from sync.protocol import JsonScalar

#: the fields a form ever had (every registered version, the newest winning), by form id
FieldsOf = Callable[[str], Mapping[str, Field]]


def text_to_wire(field: Field | None, text: str | None) -> JsonScalar:
    """The JSON for a stored text; without a known field the text goes as it is."""
    if field is None or text is None:
        return text
    from sync.protocol import storage_to_json

    try:
        return storage_to_json(field.type, text)
    except (TypeError, ValueError):
        return text  # stored under an older version's type: sent as stored


def wire_to_text(field: Field | None, raw: JsonScalar) -> str | None:
    """The canonical stored text for a wire value (as the server would store it)."""
    if raw is None:
        return None
    if field is not None:
        from sync.protocol import ProtocolError, value_from_json

        try:
            value = value_from_json(field, raw)
        except ProtocolError:
            pass
        else:
            return None if value is None else to_storage(field.type, value)
    if isinstance(raw, bool):
        return "1" if raw else "0"
    return str(raw)
