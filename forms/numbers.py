"""Numbers as officers type and read them: ``1.234`` and ``1.234,5`` (id), ``1,234.5`` (en).

Parsing is strict on purpose: a misplaced separator is a typing mistake to point out, never a
guess, because a figure silently read ten or a thousand times too large is worse than a question.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from forms.errors import InputError
from forms.model import Text

#: the most digits accepted before the decimal separator (beyond any real daily count)
MAX_INTEGER_DIGITS = 15
#: the most digits accepted after the decimal separator
MAX_FRACTION_DIGITS = 6

_MINUS_SIGNS = "-\u2212\u2013"  # hyphen-minus, minus sign, en dash (what Word autocorrects to)


def separators(lang: str) -> tuple[str, str]:
    """(thousands separator, decimal separator) for ``lang``; anything but "en" is id_ID."""
    return (",", ".") if lang == "en" else (".", ",")


def format_number(n: int | Decimal, lang: str = "id") -> str:
    """``1234`` -> ``1.234``; ``Decimal("1234.5")`` -> ``1.234,5`` (id) / ``1,234.5`` (en)."""
    if isinstance(n, bool) or not isinstance(n, int | Decimal):
        raise TypeError(f"format_number expects int or Decimal, got {type(n).__name__}")
    if isinstance(n, Decimal) and not n.is_finite():
        raise ValueError(f"cannot format {n}")
    group, dec = separators(lang)
    text = str(n) if isinstance(n, int) else format(n, "f")
    negative = text.startswith("-")
    digits, _, fraction = text.lstrip("-").partition(".")
    grouped = _group(digits, group)
    if negative and (digits.strip("0") or fraction.strip("0")):
        grouped = "-" + grouped
    return grouped + (dec + fraction if fraction else "")


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def parse_number(text: str, lang: str = "id") -> int | Decimal:
    """Read a typed number: ``int`` when written without a decimal part, else ``Decimal``.

    Raises :class:`InputError` (with an Indonesian and an English message) for anything that is
    not a well-formed number in ``lang``'s convention, including grouping that is not in threes.
    """
    group, dec = separators(lang)
    s = _ascii_digits(text.strip())
    if not s:
        raise InputError(Text("Belum diisi angka.", "No number entered."))
    negative = s[0] in _MINUS_SIGNS
    body = s[1:] if negative else s
    if any(c.isspace() for c in body):
        raise InputError(
            Text(
                "Jangan pakai spasi di dalam angka.",
                "Do not put spaces inside a number.",
            )
        )
    if not body or any(c not in "0123456789" + group + dec for c in body):
        raise InputError(_not_a_number(lang))
    if body.count(dec) > 1:
        raise InputError(
            Text(
                f"Hanya boleh satu tanda desimal ({_name(dec, 'id')}).",
                f"Only one decimal separator ({_name(dec, 'en')}) is allowed.",
            )
        )
    int_part, has_dec, fraction = body.partition(dec)
    if group in fraction:
        raise InputError(_bad_grouping(lang))
    if has_dec and not fraction:
        raise InputError(
            Text(
                f"Angka tidak boleh diakhiri {_name(dec, 'id')}.",
                f"A number cannot end with a {_name(dec, 'en')}.",
            )
        )
    if has_dec and not int_part:
        example = f"0{dec}{fraction}"
        raise InputError(
            Text(f"Tulis {example}, dengan 0 di depan.", f"Write {example}, with a leading 0.")
        )
    if group in int_part:
        groups = int_part.split(group)
        if (
            not 1 <= len(groups[0]) <= 3
            or groups[0].startswith("0")
            or any(len(g) != 3 for g in groups[1:])
        ):
            raise InputError(_bad_grouping(lang))
    digits = int_part.replace(group, "")
    if len(digits.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise InputError(
            Text(
                f"Angka terlalu panjang (paling banyak {MAX_INTEGER_DIGITS} digit).",
                f"The number is too long (at most {MAX_INTEGER_DIGITS} digits).",
            )
        )
    if len(fraction) > MAX_FRACTION_DIGITS:
        raise InputError(
            Text(
                f"Paling banyak {MAX_FRACTION_DIGITS} angka di belakang koma.",
                f"At most {MAX_FRACTION_DIGITS} digits after the decimal point.",
            )
        )
    sign = "-" if negative else ""
    if has_dec:
        value = Decimal(f"{sign}{digits}.{fraction}")
        return value.copy_abs() if value.is_zero() else value
    return int(sign + digits)


def _ascii_digits(s: str) -> str:
    """Other scripts' decimal digits (Arabic-Indic, full-width …) become 0-9; nothing else."""
    if s.isascii():
        return s
    return "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in s
    )


def _name(sep: str, lang: str) -> str:
    names = {
        ".": ("titik", "point"),
        ",": ("koma", "comma"),
    }
    return f"{names[sep][0 if lang == 'id' else 1]} ({sep})"


def _not_a_number(lang: str) -> Text:
    a, b = format_number(1234, lang), format_number(Decimal("12.5"), lang)
    return Text(
        f"Bukan angka. Ketik angka saja, misalnya {a} atau {b}.",
        f"Not a number. Type digits only, e.g. {a} or {b}.",
    )


def _bad_grouping(lang: str) -> Text:
    group, dec = separators(lang)
    big = format_number(1234567, lang)
    frac = format_number(Decimal("1.5"), lang)
    return Text(
        f"Pemisah ribuan {_name(group, 'id')} harus diikuti tepat 3 angka, misalnya {big}. "
        f"Untuk pecahan pakai {_name(dec, 'id')}: {frac}.",
        f"The thousands separator {_name(group, 'en')} must be followed by exactly 3 digits, "
        f"e.g. {big}. For a fraction use a {_name(dec, 'en')}: {frac}.",
    )
