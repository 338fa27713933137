"""sync/protocol.py: values <-> JSON, compact cells, receipts and pull groups, checksums."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.model import Choice, Field, FieldType, Text
from sync import protocol as p

INT = Field("n", Text("Jumlah", "Count"), FieldType.INTEGER, max=Decimal(100))
DEC = Field("d", Text("Jam", "Hours"), FieldType.DECIMAL)
YN = Field("y", Text("Ya", "Yes"), FieldType.YESNO)
CH = Field("c", Text("Pilih", "Pick"), FieldType.CHOICE, choices=(Choice("a", Text("A", "A")),))
TX = Field("t", Text("Catatan", "Note"), FieldType.TEXT)
UUID = "3f2b8c1e-1111-4222-8333-944455556666"


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("field", "value", "wire"),
    [
        (INT, 12, 12),
        (DEC, Decimal("12.50"), "12.5"),
        (DEC, Decimal("0.000"), "0"),
        (YN, False, False),
        (CH, "a", "a"),
        (TX, "genset", "genset"),
        (INT, None, None),
    ],
)
def test_value_to_json_and_back(field: Field, value: object, wire: object) -> None:
    assert p.value_to_json(field, value) == wire  # type: ignore[arg-type]
    assert p.value_from_json(field, wire) == value


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        (INT, True),
        (INT, "12"),
        (INT, 1.5),
        (INT, float("inf")),
        (INT, 10**15),
        (DEC, 12.5),
        (DEC, "12,5"),
        (DEC, "12.50"),
        (DEC, "-0"),
        (DEC, "1.1234567"),
        (YN, 1),
        (YN, "ya"),
        (CH, "b"),
        (CH, 1),
        (TX, 5),
        (TX, "x" * 501),
        (TX, "a\x00b"),
    ],
)
def test_value_from_json_refuses_wrong_types(field: Field, raw: object) -> None:
    with pytest.raises(p.ProtocolError) as info:
        p.value_from_json(field, raw)
    assert info.value.code == "bad_type"
    assert field.label.id in info.value.message.id and field.label.en in info.value.message.en


def test_a_whole_float_is_an_integer() -> None:
    assert p.value_from_json(INT, 12.0) == 12
    assert type(p.value_from_json(INT, 12.0)) is int


def test_storage_to_json() -> None:
    assert p.storage_to_json(FieldType.DECIMAL, "1.5") == "1.5"
    assert p.storage_to_json(FieldType.YESNO, "1") is True
    assert p.storage_to_json(FieldType.INTEGER, "7") == 7
    assert p.storage_to_json(FieldType.TEXT, None) is None


def test_every_reason_has_both_languages() -> None:
    doc = Path(p.__file__).resolve().parent.parent / "docs" / "sync-protocol.md"
    text = doc.read_text(encoding="utf-8")
    for code, message in p.REASONS.items():
        assert message.id and message.en and message.id != message.en, code
        assert f"`{code}`" in text, f"{code} is not in the protocol doc"
    with pytest.raises(KeyError):
        p.ProtocolError("no_such_code")


# ---------------------------------------------------------------- submissions


def _wire_sub(**over: object) -> dict[str, object]:
    sub: dict[str, object] = {
        "id": UUID,
        "ou": "P6408040201",
        "f": "covid19-harian",
        "v": 1,
        "p": "2026-11-20",
        "t": "2026-11-20T03:41:07Z",
        "c": 1,
        "b": 0,
        "x": {"a": 12, "b": "1.5", "s": [3, 118], "r": [None, 120, 7]},
    }
    sub.update(over)
    return sub


def test_decode_the_doc_example() -> None:
    sub = p.decode_submission(_wire_sub())
    assert sub.id == UUID and sub.org_unit == "P6408040201" and sub.form_version == 1
    assert sub.period == date(2026, 11, 20)
    assert sub.client_at == datetime(2026, 11, 20, 3, 41, 7, tzinfo=UTC)
    assert sub.complete is True
    assert sub.cells == (
        p.CellEdit("a", 12, 0),
        p.CellEdit("b", "1.5", 0),
        p.CellEdit("s", 3, 118),
        p.CellEdit("r", None, 120, 7),
    )


@pytest.mark.parametrize(
    "over",
    [
        {"id": "not-a-uuid"},
        {"id": None},
        {"ou": ""},
        {"ou": 5},
        {"ou": "x" * 101},
        {"v": "1"},
        {"v": -1},
        {"t": "yesterday"},
        {"t": "2026-11-20T03:41:07"},  # no zone
        {"c": 2},
        {"b": True},
        {"x": []},
        {"x": {"a": [1]}},
        {"x": {"a": [1, 2, 3, 4]}},
        {"x": {"a": [1, -1]}},
        {"x": {"a": {"v": 1}}},
        {"x": {"a": [[1], 2]}},
        {"x": {"": 1}},
    ],
)
def test_malformed_submissions_are_refused(over: dict[str, object]) -> None:
    with pytest.raises(p.ProtocolError) as info:
        p.decode_submission(_wire_sub(**over))
    assert info.value.code == "bad_submission"


@pytest.mark.parametrize("period", ["2026-13-01", "20-11-2026", "2026-02-30", 20261120, None])
def test_bad_periods(period: object) -> None:
    with pytest.raises(p.ProtocolError) as info:
        p.decode_submission(_wire_sub(p=period))
    assert info.value.code == "bad_period"


def test_push_envelope() -> None:
    good = _wire_sub()
    req = p.decode_push({"d": "dev-1", "s": [good, {"id": 1}, good]})
    assert req.device_id == "dev-1"
    assert isinstance(req.submissions[0], p.Submission)
    assert isinstance(req.submissions[1], p.ProtocolError)
    assert req.submissions[1].code == "bad_submission"
    assert req.submissions[2] == req.submissions[0]
    for bad in [[], {"s": []}, {"d": "x", "s": {}}, {"d": 3, "s": []}]:
        with pytest.raises(p.ProtocolError) as info:
            p.decode_push(bad)
        assert info.value.code == "bad_request"
    with pytest.raises(p.ProtocolError) as info:
        p.decode_push({"d": "x", "s": [good] * 501})
    assert info.value.code == "too_large"


def test_sha256_is_of_the_meaning() -> None:
    a = p.decode_submission(_wire_sub())
    # the same cells written with explicit bases are the same submission
    b = p.decode_submission(
        _wire_sub(x={"a": [12, 0], "b": ["1.5", 0], "s": [3, 118], "r": [None, 120, 7]})
    )
    c = p.decode_submission(_wire_sub(x={"a": 13, "b": "1.5", "s": [3, 118], "r": [None, 120, 7]}))
    assert p.submission_sha256(a) == p.submission_sha256(b) != p.submission_sha256(c)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=20),
)
indicators = st.text("abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=12)
revs = st.integers(min_value=0, max_value=2**40)


@st.composite
def submissions(draw: st.DrawFn) -> p.Submission:
    names = draw(st.lists(indicators, unique=True, max_size=30))
    base = draw(revs)
    cells = tuple(
        p.CellEdit(
            n,
            draw(scalars),
            draw(st.one_of(st.just(base), revs)),
            draw(st.one_of(st.none(), st.integers(min_value=1, max_value=10**9))),
        )
        for n in names
    )
    return p.Submission(
        id=str(draw(st.uuids())),
        org_unit=draw(indicators),
        form_id=draw(indicators),
        form_version=draw(st.integers(min_value=1, max_value=1000)),
        period=draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))),
        client_at=draw(
            st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1))
        ).replace(microsecond=0, tzinfo=UTC),
        cells=cells,
        complete=draw(st.booleans()),
        base=base,
    )


@given(st.lists(submissions(), max_size=4))
def test_push_round_trips_through_json(subs: list[p.Submission]) -> None:
    wire = json.loads(json.dumps(p.encode_push("dev", subs)))
    assert p.decode_push(wire) == p.PushRequest("dev", tuple(subs))


# ---------------------------------------------------------------- receipts


@st.composite
def receipts(draw: st.DrawFn) -> tuple[p.SubmissionReceipt, list[str], list[int]]:
    """A receipt as the server makes it: applied cells numbered from a block, in cell order."""
    names = draw(st.lists(indicators, unique=True, max_size=30))
    first = draw(st.integers(min_value=1, max_value=2**40))
    cells: dict[str, p.CellReceipt] = {}
    assigned: list[int] = []
    for n in names:
        kind = draw(st.sampled_from(["applied", "applied", "unchanged", "conflict", "rejected"]))
        if kind == "applied":
            rev = first + len(assigned)
            assigned.append(rev)
            cells[n] = p.CellReceipt("applied", rev)
        elif kind == "unchanged":
            cells[n] = p.CellReceipt("unchanged", draw(revs))
        elif kind == "conflict":
            cells[n] = p.CellReceipt(
                "conflict",
                draw(revs),
                conflict_id=draw(revs),
                value=draw(scalars),
                by=draw(st.text(max_size=8)),
                at="2026-11-21T09:00:00Z",
            )
        else:
            reason = draw(st.sampled_from(["bad_type", "out_of_range", "unknown_indicator"]))
            cells[n] = p.CellReceipt("rejected", reason=reason, message=p.REASONS[reason])
    status = draw(st.sampled_from(["applied", "duplicate"]))
    receipt = p.SubmissionReceipt(status, first if assigned else None, cells)
    return receipt, names, assigned


@given(receipts())
def test_receipt_revisions_decode_to_exactly_the_assigned_ones(
    case: tuple[p.SubmissionReceipt, list[str], list[int]],
) -> None:
    receipt, names, assigned = case
    wire = json.loads(json.dumps(p.encode_receipt(receipt)))
    decoded = p.decode_receipt(wire, names)
    assert decoded == receipt
    applied = [c.rev for c in decoded.cells.values() if c.status == "applied"]
    assert applied == assigned
    # applied cells cost no bytes of their own
    assert set(wire.get("c", {})) == {n for n, c in receipt.cells.items() if c.status != "applied"}


def test_receipt_with_a_gap_in_applied_revisions_is_a_bug() -> None:
    receipt = p.SubmissionReceipt(
        "applied", 10, {"a": p.CellReceipt("applied", 10), "b": p.CellReceipt("applied", 12)}
    )
    with pytest.raises(ValueError):
        p.encode_receipt(receipt)


def test_rejected_receipt_round_trip() -> None:
    r = p.rejected_receipt(p.ProtocolError("not_allowed"))
    wire = p.encode_receipt(r)
    assert wire == {
        "s": "rejected",
        "reason": "not_allowed",
        "message": {"id": p.REASONS["not_allowed"].id, "en": p.REASONS["not_allowed"].en},
    }
    assert p.decode_receipt(wire, ["a"]) == r


def test_receipt_naming_unknown_cells_is_refused() -> None:
    with pytest.raises(p.ProtocolError):
        p.decode_receipt(
            {"s": "applied", "rev": 3, "c": {"zz": {"s": "unchanged", "rev": 1}}}, ["a"]
        )


# ---------------------------------------------------------------- pull


@st.composite
def pull_groups(draw: st.DrawFn) -> p.PullGroup:
    names = draw(st.lists(indicators, unique=True, min_size=1, max_size=30))
    rev_list = draw(st.lists(revs, unique=True, min_size=len(names), max_size=len(names)))
    return p.PullGroup(
        org_unit=draw(indicators),
        form_id=draw(indicators),
        period=draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))),
        cells=tuple(
            sorted(
                (p.PullCell(n, draw(scalars), r) for n, r in zip(names, rev_list, strict=True)),
                key=lambda c: c.rev,
            )
        ),
        by=draw(st.one_of(st.none(), st.text(max_size=10))),
        at=draw(st.one_of(st.none(), st.just("2026-11-21T09:00:00Z"))),
        complete=draw(st.booleans()),
    )


@given(st.lists(pull_groups(), max_size=4), revs, st.booleans())
def test_pull_page_round_trips(groups: list[p.PullGroup], to: int, more: bool) -> None:
    page = p.PullPage(to, more, "2026-11-22T05:30:00Z", tuple(groups))
    wire = json.loads(json.dumps(p.encode_pull_page(page)))
    assert p.decode_pull_page(wire) == page


def test_pull_group_consecutive_revisions_are_bare() -> None:
    g = p.PullGroup(
        "ou",
        "f",
        date(2026, 11, 20),
        (p.PullCell("a", 3, 1101), p.PullCell("b", 1, 1102), p.PullCell("s", 4, 1107)),
    )
    assert p.encode_pull_group(g)["x"] == {"a": 3, "b": 1, "s": [4, 1107]}
    assert p.encode_pull_group(g)["rev"] == 1101


# ---------------------------------------------------------------- proofs


def test_day_checksum_matches_the_doc() -> None:
    cells = {"b": "2", "a": "1.5", "c": None, "a1": "x"}
    n, total = p.day_checksum(cells)
    assert n == 3
    # sorted by indicator ("a" < "a1" < "b"), not by line text ("a1=" < "a=")
    expected = hashlib.sha256(b"a=1.5\na1=x\nb=2\n").hexdigest()[:16]
    assert total == expected
    assert p.day_checksum({}) == (0, hashlib.sha256(b"").hexdigest()[:16])
    assert p.day_checksum({"a": "1"}) != p.day_checksum({"a": "2"})


def test_conflict_and_day_receipt_round_trip() -> None:
    c = p.ConflictInfo(
        77,
        "ou",
        "f",
        date(2026, 11, 20),
        "sembuh",
        4,
        119,
        "Budi",
        "2026-11-21T09:00:00Z",
        3,
        "Ani",
        "dev",
        "2026-11-21T08:00:00Z",
        "2026-11-21T10:00:00Z",
        UUID,
    )
    assert p.decode_conflict(json.loads(json.dumps(p.encode_conflict(c)))) == c
    d = p.DayReceipt("f", date(2026, 11, 20), 23, 1063, "9c1e", True, "ou")
    assert p.decode_day_receipt(p.encode_day_receipt(d)) == d


def test_times() -> None:
    at = p.parse_time("2026-11-20T10:41:07+07:00")
    assert p.format_time(at) == "2026-11-20T03:41:07Z"
    with pytest.raises(ValueError):
        p.format_time(datetime(2026, 1, 1))
