"""Field types: parsing what officers type, showing values, canonical storage text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.errors import InputError
from forms.model import Choice, Field, FieldType, Text, Value
from forms.types import (
    TEXT_MAX_LENGTH,
    check_value_type,
    format_value,
    from_storage,
    parse_input,
    to_storage,
)

T = Text("Label", "Label")
INTEGER = Field("jumlah", Text("Jumlah", "Count"), FieldType.INTEGER)
DECIMAL = Field("lama", Text("Lama", "Length"), FieldType.DECIMAL)
YESNO = Field("padam", Text("Padam", "Power cut"), FieldType.YESNO)
CHOICE = Field(
    "status",
    Text("Status", "Status"),
    FieldType.CHOICE,
    choices=(
        Choice("buka", Text("Buka", "Open")),
        Choice("tutup", Text("Tutup sementara", "Closed")),
    ),
)
TEXT = Field("catatan", Text("Catatan", "Notes"), FieldType.TEXT)


@pytest.mark.parametrize(
    ("field", "text", "lang", "expected"),
    [
        (INTEGER, "12", "id", 12),
        (INTEGER, " 12 ", "id", 12),
        (INTEGER, "0", "id", 0),
        (INTEGER, "1.234", "id", 1234),
        (INTEGER, "1.000.000", "id", 1_000_000),
        (INTEGER, "1,234", "en", 1234),
        (INTEGER, "", "id", None),
        (INTEGER, "   ", "id", None),
        (DECIMAL, "1.234,5", "id", Decimal("1234.5")),
        (DECIMAL, "2,5", "id", Decimal("2.5")),
        (DECIMAL, "12", "id", Decimal(12)),
        (DECIMAL, "-3,5", "id", Decimal("-3.5")),
        (DECIMAL, "1,234.5", "en", Decimal("1234.5")),
        (YESNO, "ya", "id", True),
        (YESNO, "YA", "id", True),
        (YESNO, "Y", "id", True),
        (YESNO, "yes", "id", True),
        (YESNO, "1", "id", True),
        (YESNO, "tidak", "id", False),
        (YESNO, "Tidak", "id", False),
        (YESNO, "t", "id", False),
        (YESNO, "no", "id", False),
        (YESNO, "0", "id", False),
        (YESNO, "n", "en", False),
        (YESNO, "Yes", "en", True),
        (CHOICE, "buka", "id", "buka"),
        (CHOICE, "TUTUP", "id", "tutup"),
        (CHOICE, "tutup  sementara", "id", "tutup"),
        (CHOICE, "Closed", "en", "tutup"),
        (TEXT, "  genset rusak  ", "id", "genset rusak"),
        (TEXT, "baris 1\r\nbaris 2", "id", "baris 1\nbaris 2"),
    ],
)
def test_parse_input(field: Field, text: str, lang: str, expected: Value) -> None:
    result = parse_input(field, text, lang)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("field", "text", "lang", "needle"),
    [
        (INTEGER, "-3", "id", "Harus bilangan bulat tidak negatif"),
        (INTEGER, "-1.234", "id", "Harus bilangan bulat tidak negatif"),
        (INTEGER, "1,5", "id", "hanya menerima bilangan bulat. ',' adalah tanda desimal"),
        (INTEGER, "1,234", "id", "ribuan ditulis dengan '.', misalnya 1.234"),
        (INTEGER, "12,0", "id", "hanya menerima bilangan bulat"),
        (INTEGER, "1.5", "en", "ribuan ditulis dengan ',', misalnya 1,234"),
        (INTEGER, "abc", "id", "Bukan angka"),
        (INTEGER, "12,", "id", "diakhiri koma"),
        (INTEGER, ",5", "id", "Tulis 0,5"),
        (INTEGER, "1.2345", "id", "pemisah ribuan"),
        (INTEGER, "1" * 40, "id", "terlalu panjang"),
        (YESNO, "mungkin", "id", "Ya atau Tidak"),
        (YESNO, "t", "en", "Ya atau Tidak"),  # "t" is ambiguous (true/tidak) outside id
        (CHOICE, "rusak", "id", "Pilih salah satu: Buka, Tutup sementara"),
        (TEXT, "x" * (TEXT_MAX_LENGTH + 1), "id", "terlalu panjang"),
        (TEXT, "a\x00b", "id", "tidak sah"),
    ],
)
def test_parse_input_refuses(field: Field, text: str, lang: str, needle: str) -> None:
    with pytest.raises(InputError) as info:
        parse_input(field, text, lang)
    assert needle in info.value.message.id
    assert info.value.message.en  # there is always an English message too


def test_integer_with_misplaced_thousands_separator_says_both_things() -> None:
    # "1.5" typed on a whole-number field: separator misuse AND whole numbers only.
    with pytest.raises(InputError) as info:
        parse_input(INTEGER, "1.5", "id")
    msg = info.value.message
    assert "hanya menerima bilangan bulat" in msg.id and "pemisah ribuan" in msg.id
    assert "whole numbers only" in msg.en and "1.234" in msg.en


def test_text_at_the_limit_is_accepted() -> None:
    assert parse_input(TEXT, "x" * TEXT_MAX_LENGTH) == "x" * TEXT_MAX_LENGTH


@pytest.mark.parametrize(
    ("field", "value", "id_text", "en_text"),
    [
        (INTEGER, 1234, "1.234", "1,234"),
        (INTEGER, 0, "0", "0"),
        (DECIMAL, Decimal("1234.5"), "1.234,5", "1,234.5"),
        (YESNO, True, "Ya", "Yes"),
        (YESNO, False, "Tidak", "No"),
        (CHOICE, "tutup", "Tutup sementara", "Closed"),
        (CHOICE, "hilang", "hilang", "hilang"),  # unknown code shown as is (validation reports)
        (TEXT, "genset rusak", "genset rusak", "genset rusak"),
        (INTEGER, None, "", ""),
        (TEXT, None, "", ""),
    ],
)
def test_format_value(field: Field, value: Value, id_text: str, en_text: str) -> None:
    assert format_value(field, value, "id") == id_text
    assert format_value(field, value, "en") == en_text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (INTEGER, "12"),
        (INTEGER, True),
        (INTEGER, Decimal(1)),
        (YESNO, 1),
        (TEXT, 5),
        (DECIMAL, Decimal("NaN")),
    ],
)
def test_wrongly_typed_values_are_bugs(field: Field, value: Value) -> None:
    with pytest.raises(TypeError):
        check_value_type(field, value)
    with pytest.raises(TypeError):
        format_value(field, value)


@pytest.mark.parametrize(
    ("ftype", "value", "stored"),
    [
        (FieldType.INTEGER, 12, "12"),
        (FieldType.INTEGER, 0, "0"),
        (FieldType.DECIMAL, Decimal("12.5"), "12.5"),
        (FieldType.DECIMAL, Decimal("12.50"), "12.5"),
        (FieldType.DECIMAL, Decimal("1E+3"), "1000"),
        (FieldType.DECIMAL, Decimal("-0.0"), "0"),
        (FieldType.DECIMAL, Decimal("0.000001"), "0.000001"),
        (FieldType.YESNO, True, "1"),
        (FieldType.YESNO, False, "0"),
        (FieldType.CHOICE, "tutup", "tutup"),
        (FieldType.TEXT, "baris 1\nbaris 2", "baris 1\nbaris 2"),
        (FieldType.TEXT, None, None),
    ],
)
def test_storage_canonical_text(ftype: FieldType, value: Value, stored: str | None) -> None:
    assert to_storage(ftype, value) == stored
    assert from_storage(ftype, stored) == value


@pytest.mark.parametrize(
    ("ftype", "text"),
    [
        (FieldType.INTEGER, "12.0"),
        (FieldType.INTEGER, "012"),
        (FieldType.INTEGER, "-0"),
        (FieldType.INTEGER, " 12"),
        (FieldType.INTEGER, "1.234"),
        (FieldType.DECIMAL, "12.50"),
        (FieldType.DECIMAL, "1e3"),
        (FieldType.DECIMAL, "-0"),
        (FieldType.DECIMAL, "NaN"),
        (FieldType.YESNO, "ya"),
        (FieldType.YESNO, "2"),
    ],
)
def test_non_canonical_storage_is_corruption(ftype: FieldType, text: str) -> None:
    with pytest.raises(ValueError):
        from_storage(ftype, text)


@pytest.mark.parametrize(
    ("ftype", "value"),
    [
        (FieldType.INTEGER, True),
        (FieldType.INTEGER, "1"),
        (FieldType.YESNO, 1),
        (FieldType.DECIMAL, Decimal("Infinity")),
        (FieldType.TEXT, 3),
    ],
)
def test_to_storage_refuses_wrong_types(ftype: FieldType, value: Value) -> None:
    with pytest.raises(TypeError):
        to_storage(ftype, value)


decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: abs(d.adjusted()) < 30
)
VALUES = st.one_of(
    st.tuples(st.just(FieldType.INTEGER), st.integers(min_value=0, max_value=10**18)),
    st.tuples(st.just(FieldType.DECIMAL), decimals),
    st.tuples(st.just(FieldType.YESNO), st.booleans()),
    st.tuples(st.just(FieldType.CHOICE), st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)),
    st.tuples(st.just(FieldType.TEXT), st.text(max_size=TEXT_MAX_LENGTH)),
    st.tuples(st.sampled_from(list(FieldType)), st.none()),
)


@given(VALUES)
def test_storage_round_trip_is_exact(pair: tuple[FieldType, Value]) -> None:
    ftype, value = pair
    stored = to_storage(ftype, value)
    back = from_storage(ftype, stored)
    assert back == value
    assert type(back) is type(value)
    assert to_storage(ftype, back) == stored  # canonical: one text per value


@given(st.integers(min_value=0, max_value=10**15 - 1), st.sampled_from(["id", "en"]))
def test_typed_integer_round_trips_through_the_screen(n: int, lang: str) -> None:
    assert parse_input(INTEGER, format_value(INTEGER, n, lang), lang) == n


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False),
    st.sampled_from(["id", "en"]),
)
def test_typed_decimal_round_trips_through_the_screen(d: Decimal, lang: str) -> None:
    assert parse_input(DECIMAL, format_value(DECIMAL, d, lang), lang) == d
