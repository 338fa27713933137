"""id_ID and English number text: formatting, strict parsing and its messages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from forms.errors import InputError
from forms.numbers import MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS, format_number, parse_number


@pytest.mark.parametrize(
    ("value", "id_text", "en_text"),
    [
        (0, "0", "0"),
        (7, "7", "7"),
        (999, "999", "999"),
        (1000, "1.000", "1,000"),
        (1234, "1.234", "1,234"),
        (1_000_000, "1.000.000", "1,000,000"),
        (-1234, "-1.234", "-1,234"),
        (Decimal("1234.5"), "1.234,5", "1,234.5"),
        (Decimal("0.25"), "0,25", "0.25"),
        (Decimal("12.50"), "12,50", "12.50"),
        (Decimal("1E+3"), "1.000", "1,000"),
        (Decimal("-0.0"), "0,0", "0.0"),
        (Decimal("-1234567.125"), "-1.234.567,125", "-1,234,567.125"),
    ],
)
def test_format_number(value: int | Decimal, id_text: str, en_text: str) -> None:
    assert format_number(value, "id") == id_text
    assert format_number(value, "en") == en_text
    assert format_number(value) == id_text  # id is the default


def test_format_number_refuses_non_numbers() -> None:
    with pytest.raises(TypeError):
        format_number(True)
    with pytest.raises(TypeError):
        format_number(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        format_number(Decimal("NaN"))


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("12", "id", 12),
        (" 12 ", "id", 12),
        ("0", "id", 0),
        ("007", "id", 7),
        ("1.234", "id", 1234),
        ("1.000.000", "id", 1_000_000),
        ("1234567", "id", 1_234_567),
        ("1.234,5", "id", Decimal("1234.5")),
        ("1234,5", "id", Decimal("1234.5")),
        ("0,5", "id", Decimal("0.5")),
        ("-3", "id", -3),
        ("\u22123", "id", -3),  # the Unicode minus sign
        ("-0,0", "id", Decimal("0")),
        ("1,234.5", "en", Decimal("1234.5")),
        ("1,234", "en", 1234),
        ("1.5", "en", Decimal("1.5")),
        ("１２", "id", 12),  # full-width digits
        ("١٢٣", "id", 123),  # Arabic-Indic digits
        ("9" * MAX_INTEGER_DIGITS, "id", int("9" * MAX_INTEGER_DIGITS)),
        ("0," + "1" * MAX_FRACTION_DIGITS, "id", Decimal("0." + "1" * MAX_FRACTION_DIGITS)),
    ],
)
def test_parse_number_accepts(text: str, lang: str, expected: int | Decimal) -> None:
    result = parse_number(text, lang)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("text", "lang", "needle_id", "needle_en"),
    [
        ("", "id", "Belum diisi", "No number"),
        ("   ", "id", "Belum diisi", "No number"),
        ("abc", "id", "Bukan angka", "Not a number"),
        ("12a", "id", "Bukan angka", "Not a number"),
        ("1e5", "id", "Bukan angka", "Not a number"),
        ("+5", "id", "Bukan angka", "Not a number"),
        ("1 234", "id", "spasi", "spaces"),
        ("1.2345", "id", "tepat 3 angka", "exactly 3 digits"),
        ("1.5", "id", "tepat 3 angka", "exactly 3 digits"),
        ("12.34", "id", "tepat 3 angka", "exactly 3 digits"),
        ("1234.567", "id", "tepat 3 angka", "exactly 3 digits"),
        ("0.123", "id", "tepat 3 angka", "exactly 3 digits"),
        ("1.234.56", "id", "tepat 3 angka", "exactly 3 digits"),
        ("1,234.5", "id", "tepat 3 angka", "exactly 3 digits"),  # English habit in id
        ("1,5", "en", "tepat 3 angka", "exactly 3 digits"),
        ("12,", "id", "diakhiri koma", "end with a comma"),
        (",5", "id", "Tulis 0,5", "Write 0,5"),
        (".5", "en", "Tulis 0.5", "Write 0.5"),
        ("1,2,3", "id", "satu tanda desimal", "Only one decimal"),
        ("-", "id", "Bukan angka", "Not a number"),
        ("1" * (MAX_INTEGER_DIGITS + 1), "id", "terlalu panjang", "too long"),
        ("1" * 5000, "id", "terlalu panjang", "too long"),
        ("0," + "1" * (MAX_FRACTION_DIGITS + 1), "id", "di belakang koma", "after the decimal"),
        ("²", "id", "Bukan angka", "Not a number"),  # a superscript is a digit but not decimal
        ("12\x00", "id", "Bukan angka", "Not a number"),
    ],
)
def test_parse_number_refuses_with_a_message(
    text: str, lang: str, needle_id: str, needle_en: str
) -> None:
    with pytest.raises(InputError) as info:
        parse_number(text, lang)
    assert needle_id in info.value.message.id
    assert needle_en in info.value.message.en


def test_grouping_message_uses_the_typing_language_examples() -> None:
    with pytest.raises(InputError) as info:
        parse_number("1.5", "id")
    assert "1.234.567" in info.value.message.en  # examples follow how the officer types
    assert "1,5" in info.value.message.id
    with pytest.raises(InputError) as info:
        parse_number("1,5", "en")
    assert "1,234,567" in info.value.message.id


@pytest.mark.parametrize("n", [0, 5, 999, 1000, 123456789, 10**15 - 1])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_format_then_parse_is_identity(n: int, lang: str) -> None:
    assert parse_number(format_number(n, lang), lang) == n
    d = Decimal(n) / 8
    assert parse_number(format_number(d, lang), lang) == d
