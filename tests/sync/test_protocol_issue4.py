"""Protocol additions of issue 4: short submission ids (``n``), the metadata digest ``m``."""

from __future__ import annotations

import uuid

import pytest

from sync.protocol import (
    KABAR_NAMESPACE,
    ProtocolError,
    PullPage,
    decode_pull_page,
    decode_push,
    decode_push_reply,
    decode_submission,
    encode_pull_page,
    metadata_digest,
    submission_id,
)

DEVICE = "0d5c6f0e-3f43-4a5e-9d8b-1c2b3a4d5e6f"
BASE = {"ou": "P1", "f": "covid19-harian", "v": 1, "p": "2026-11-20", "t": "2026-11-20T03:00:00Z"}


def test_short_ids_are_uuid5_of_device_and_number() -> None:
    assert submission_id(DEVICE, 7) == str(uuid.uuid5(KABAR_NAMESPACE, f"{DEVICE}:7"))
    assert submission_id(DEVICE, 7) != submission_id(DEVICE, 8)
    assert submission_id(DEVICE, 7) != submission_id(DEVICE.replace("0d", "1d"), 7)


def test_push_with_n_decodes_to_the_computed_id() -> None:
    request = decode_push({"d": DEVICE, "s": [{"n": 3, **BASE, "x": {"a": 1}}]})
    [sub] = request.submissions
    assert not isinstance(sub, ProtocolError)
    assert sub.id == submission_id(DEVICE, 3)


@pytest.mark.parametrize(
    "key",
    [
        {"n": 0},
        {"n": -1},
        {"n": "3"},
        {"n": True},
        {"n": 3, "id": "3f2b0c1e-7a44-4c44-9a1b-0e1d2c3b4a59"},
    ],
)
def test_bad_short_ids_reject_that_submission_only(key: dict[str, object]) -> None:
    good = {"n": 9, **BASE, "x": {"a": 1}}
    request = decode_push({"d": DEVICE, "s": [{**key, **BASE, "x": {"a": 1}}, good]})
    bad, ok = request.submissions
    assert isinstance(bad, ProtocolError) and bad.code == "bad_submission"
    assert not isinstance(ok, ProtocolError)
    with pytest.raises(ProtocolError):
        decode_submission({"n": 1, **BASE, "x": {}})  # no device to compute the id with


def test_metadata_digest_ignores_server_time_and_sees_changes() -> None:
    meta = {
        "server_time": "2026-11-22T05:30:00Z",
        "user": {"username": "ani"},
        "forms": [{"id": "covid19-harian", "version": 1, "sha256": "ab"}],
        "org_units": [["64", "Kalimantan Timur", "provinsi", None, None]],
        "app": {"latest": "0.1.0", "minimum": "0.1.0"},
    }
    digest = metadata_digest(meta)
    assert len(digest) == 12 and int(digest, 16) >= 0
    assert metadata_digest({**meta, "server_time": "2027-01-01T00:00:00Z"}) == digest
    newer = {**meta, "forms": [{"id": "covid19-harian", "version": 2, "sha256": "cd"}]}
    assert metadata_digest(newer) != digest
    assert metadata_digest(dict(reversed(list(meta.items())))) == digest


def test_replies_carry_the_digest() -> None:
    page = PullPage(5, False, "2026-11-22T05:30:00Z", (), metadata_digest="abcdef012345")
    wire = encode_pull_page(page)
    assert wire["m"] == "abcdef012345"
    assert decode_pull_page(wire) == page
    assert decode_pull_page({**wire, "m": None}).metadata_digest is None
    reply = decode_push_reply(
        {"server_time": "t", "m": "abcdef012345", "r": [{"s": "applied", "rev": 4}]}, [["a", "b"]]
    )
    assert reply.metadata_digest == "abcdef012345"
    assert [c.rev for c in reply.receipts[0].cells.values()] == [4, 5]
    with pytest.raises(ProtocolError):
        decode_push_reply({"server_time": "t", "r": []}, [["a"]])


CODES = ["a", "b", "c", "d"]


def order(form_id: str, version: int) -> list[str]:
    if form_id != "covid19-harian":
        raise ProtocolError("unknown_form", detail=form_id)
    if version != 1:
        raise ProtocolError("unknown_form_version", detail=str(version))
    return CODES


def test_positional_cells_follow_the_form_versions_field_order() -> None:
    wire = {"n": 1, **BASE, "b": 5, "y": [1, {}, [3, 7], [4, 7, 9]], "x": {"old": "z"}}
    sub = decode_submission(wire, DEVICE, order)
    assert [(c.indicator, c.raw, c.base, c.conflict_id) for c in sub.cells] == [
        ("a", 1, 5, None),
        ("c", 3, 7, None),
        ("d", 4, 7, 9),
        ("old", "z", 5, None),
    ]
    short = decode_submission({"n": 2, **BASE, "y": [{}, None]}, DEVICE, order)
    assert [(c.indicator, c.raw) for c in short.cells] == [("b", None)]


@pytest.mark.parametrize(
    ("wire", "code"),
    [
        ({"y": [1, 2, 3, 4, 5]}, "bad_submission"),  # more cells than fields
        ({"y": [1], "x": {"a": 2}}, "bad_submission"),  # one cell twice
        ({"y": {"a": 1}}, "bad_submission"),
        ({"y": [{"a": 1}]}, "bad_submission"),
        ({}, "bad_submission"),  # no cells at all
        ({"y": [1], "v": 2}, "unknown_form_version"),
        ({"y": [1], "f": "lain"}, "unknown_form"),
    ],
)
def test_bad_positional_cells_reject_that_submission(wire: dict[str, object], code: str) -> None:
    request = decode_push({"d": DEVICE, "s": [{"n": 1, **BASE, **wire}]}, order)
    [bad] = request.submissions
    assert isinstance(bad, ProtocolError) and bad.code == code
    with pytest.raises(ProtocolError):
        decode_submission({"n": 1, **BASE, "y": [1]}, DEVICE)  # no field order to read it with
