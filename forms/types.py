"""Field types: what an officer types -> a typed value -> text on screen and in storage.

Each field type has one way in from the keyboard (``parse_input``), one way out to the screen
(``format_value``) and one canonical stored form (``to_storage``/``from_storage``).
"""

from __future__ import annotations

import re
from decimal import Decimal

from forms.errors import InputError
from forms.model import Field, FieldType, Text, Value
from forms.numbers import format_number, parse_number, separators

__all__ = [
    "TEXT_MAX_LENGTH",
    "InputError",
    "check_value_type",
    "format_number",
    "format_value",
    "from_storage",
    "parse_input",
    "parse_number",
    "to_storage",
    "yesno_words",
]

#: the longest text value accepted (a note, not an essay; also bounds sync payloads)
TEXT_MAX_LENGTH = 500

_YES = {"ya", "y", "yes", "1", "true", "benar"}
_NO = {"tidak", "tdk", "no", "n", "0", "false", "salah"}


def yesno_words(lang: str = "id") -> tuple[frozenset[str], frozenset[str]]:
    """The words read as yes and as no. "t" means *tidak* only when typing in Indonesian."""
    if lang == "en":
        return frozenset(_YES), frozenset(_NO)
    return frozenset(_YES), frozenset(_NO | {"t"})


def parse_input(field: Field, text: str, lang: str = "id") -> Value:
    """Turn what was typed into ``field``'s typed value; blank -> ``None``.

    Range (min/max) is not checked here: that is validation, which can also explain it.
    """
    stripped = text.strip()
    if not stripped:
        return None
    match field.type:
        case FieldType.INTEGER:
            return _parse_integer(stripped, lang)
        case FieldType.DECIMAL:
            number = parse_number(stripped, lang)
            return Decimal(number) if isinstance(number, int) else number
        case FieldType.YESNO:
            return _parse_yesno(stripped, lang)
        case FieldType.CHOICE:
            return _parse_choice(field, stripped)
        case FieldType.TEXT:
            return _parse_text(stripped)
    raise AssertionError(f"unhandled field type {field.type!r}")


_NOT_WHOLE = Text(
    "Harus bilangan bulat tidak negatif (0, 1, 2, …).",
    "Must be a whole number, zero or more (0, 1, 2, …).",
)


def _parse_integer(text: str, lang: str) -> int:
    group, dec = separators(lang)
    try:
        number = parse_number(text, lang)
    except InputError as e:
        # "1.5" in id is a misplaced thousands separator; on a whole-number field the officer
        # most likely meant a fraction, which this field cannot take: say both things.
        if group in text and re.fullmatch(r"[0-9.,\s]+", text):
            raise InputError(
                Text(
                    f"Kolom ini hanya menerima bilangan bulat. Tanda '{group}' adalah pemisah "
                    f"ribuan dan harus diikuti tepat 3 angka (misalnya "
                    f"{format_number(1234, lang)}).",
                    f"This field takes whole numbers only. '{group}' separates thousands and "
                    f"must be followed by exactly 3 digits (e.g. {format_number(1234, lang)}).",
                )
            ) from e
        raise
    if isinstance(number, Decimal):
        # "1,234" typed the English way in id reads as 1.234 (a fraction): explain both.
        example = format_number(1234, lang)
        raise InputError(
            Text(
                f"Kolom ini hanya menerima bilangan bulat. '{dec}' adalah tanda desimal; "
                f"ribuan ditulis dengan '{group}', misalnya {example}.",
                f"This field takes whole numbers only. '{dec}' is the decimal separator; "
                f"thousands are written with '{group}', e.g. {example}.",
            )
        )
    if number < 0:
        raise InputError(_NOT_WHOLE)
    return number


def _parse_yesno(text: str, lang: str) -> bool:
    yes, no = yesno_words(lang)
    word = text.casefold()
    if word in yes:
        return True
    if word in no:
        return False
    raise InputError(Text("Isi dengan Ya atau Tidak.", "Enter Yes or No."))


def _norm(s: str) -> str:
    return " ".join(s.split()).casefold()


def _parse_choice(field: Field, text: str) -> str:
    wanted = _norm(text)
    for choice in field.choices:
        if wanted in {choice.code.casefold(), _norm(choice.label.id), _norm(choice.label.en)}:
            return choice.code
    options_id = ", ".join(c.label.id for c in field.choices)
    options_en = ", ".join(c.label.en for c in field.choices)
    raise InputError(Text(f"Pilih salah satu: {options_id}.", f"Choose one of: {options_en}."))


def _parse_text(text: str) -> str:
    if "\x00" in text:
        raise InputError(
            Text("Teks berisi karakter yang tidak sah.", "The text contains an invalid character.")
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > TEXT_MAX_LENGTH:
        raise InputError(
            Text(
                f"Teks terlalu panjang: {len(text)} karakter, paling banyak {TEXT_MAX_LENGTH}.",
                f"The text is too long: {len(text)} characters, at most {TEXT_MAX_LENGTH}.",
            )
        )
    return text


def format_value(field: Field, value: Value, lang: str = "id") -> str:
    """Show a typed value the way the officer reads it; ``None`` -> ``""``."""
    if value is None:
        return ""
    check_value_type(field, value)
    match field.type:
        case FieldType.INTEGER | FieldType.DECIMAL:
            assert isinstance(value, int | Decimal)
            return format_number(value, lang)
        case FieldType.YESNO:
            if lang == "en":
                return "Yes" if value else "No"
            return "Ya" if value else "Tidak"
        case FieldType.CHOICE:
            for choice in field.choices:
                if choice.code == value:
                    return choice.label.get(lang)
            return str(value)  # an unknown code is shown as is; validation reports it
        case FieldType.TEXT:
            return str(value)
    raise AssertionError(f"unhandled field type {field.type!r}")


_PY_TYPES: dict[FieldType, tuple[type, ...]] = {
    FieldType.INTEGER: (int,),
    FieldType.DECIMAL: (Decimal, int),
    FieldType.YESNO: (bool,),
    FieldType.CHOICE: (str,),
    FieldType.TEXT: (str,),
}


def check_value_type(field: Field, value: Value) -> None:
    """Raise ``TypeError`` (a bug, not an input problem) if ``value`` cannot belong to ``field``."""
    if value is None:
        return
    ok = isinstance(value, _PY_TYPES[field.type]) and (
        field.type is FieldType.YESNO or not isinstance(value, bool)
    )
    if isinstance(value, Decimal) and not value.is_finite():
        ok = False
    if not ok:
        raise TypeError(
            f"field {field.code!r} ({field.type}) cannot hold {type(value).__name__} {value!r}"
        )


def to_storage(type: FieldType, value: Value) -> str | None:
    """Canonical stored text: ``"12"``, ``"12.5"``, ``"1"``/``"0"``, the choice code, the text."""
    if value is None:
        return None
    match type:
        case FieldType.INTEGER if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        case FieldType.DECIMAL if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return _canonical_decimal(Decimal(value))
        case FieldType.YESNO if isinstance(value, bool):
            return "1" if value else "0"
        case FieldType.CHOICE | FieldType.TEXT if isinstance(value, str):
            return value
    raise TypeError(f"a {type} value cannot be {value!r}")


def _canonical_decimal(d: Decimal) -> str:
    if not d.is_finite():
        raise TypeError(f"a decimal value must be finite, not {d}")
    if d.is_zero():
        return "0"
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


_INT_RE = re.compile(r"0|-?[1-9][0-9]*")
_DEC_RE = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?")


def from_storage(type: FieldType, text: str | None) -> Value:
    """Inverse of :func:`to_storage`; non-canonical text is corruption and raises ``ValueError``."""
    if text is None:
        return None
    match type:
        case FieldType.INTEGER if _INT_RE.fullmatch(text):
            return int(text)
        case FieldType.DECIMAL if _DEC_RE.fullmatch(text) and text != "-0":
            return Decimal(text)
        case FieldType.YESNO if text in ("0", "1"):
            return text == "1"
        case FieldType.CHOICE | FieldType.TEXT:
            return text
    raise ValueError(f"stored text {text!r} is not a canonical {type} value")
