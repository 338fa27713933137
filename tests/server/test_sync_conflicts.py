"""Conflicts on both engines: listing, and settling by keep mine / take theirs / enter another,
a stale settle, and references to conflicts that are not open for the cell."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server import test_sync_support as support
from tests.server.conftest import LiveServer
from tests.server.test_sync_support import PKM, Client, count, sub

sync_server = support.sync_server
ani = support.ani
camat = support.camat


def _make_conflict(ani: Client, camat: Client) -> tuple[int, int]:
    """ani writes 3, camat changes it to 4, ani (stale) sends 5: conflict k on rev of 4."""
    [r1] = ani.receipts(sub({"sembuh": 3}))
    [r2] = camat.receipts(sub({"sembuh": [4, r1["rev"]]}))
    [r3] = ani.receipts(sub({"sembuh": [5, r1["rev"]]}))
    c = r3["c"]["sembuh"]
    assert c["s"] == "conflict" and c["rev"] == r2["rev"]
    return c["k"], r2["rev"]


def test_open_conflicts_are_listed_in_scope(ani: Client, camat: Client) -> None:
    k, rev = _make_conflict(ani, camat)
    listed = ani.get("/api/v1/conflicts", ou=PKM)
    assert listed.status_code == 200, listed.text
    [c] = listed.json()["conflicts"]
    assert c["k"] == k and c["ou"] == PKM and c["i"] == "sembuh" and c["f"] == support.COVID
    assert c["server"] == {"value": 4, "rev": rev, "by": "Camat", "at": "2026-11-20T03:41:07Z"}
    assert c["candidate"]["value"] == 5 and c["candidate"]["by"] == "Ani"
    assert c["candidate"]["device"] == ani.device
    assert camat.get("/api/v1/conflicts").json()["conflicts"] == [c]
    assert camat.get("/api/v1/conflicts", ou="64.08.04").json()["conflicts"] == [c]
    assert camat.get("/api/v1/conflicts", ou=support.PKM2).json()["conflicts"] == []


@pytest.mark.parametrize(
    ("choice", "value", "status"),
    [("keep mine", 5, "applied"), ("take theirs", 4, "unchanged"), ("another", 6, "applied")],
)
def test_settle(
    ani: Client, camat: Client, sync_server: LiveServer, choice: str, value: int, status: str
) -> None:
    k, rev = _make_conflict(ani, camat)
    [r] = ani.receipts(sub({"sembuh": [value, rev, k]}))
    if status == "applied":
        assert r["s"] == "applied" and "c" not in r
        settled_by = r["rev"]
    else:
        assert r["c"]["sembuh"] == {"s": "unchanged", "rev": rev}
        settled_by = rev
    assert count(sync_server, "SELECT value FROM cells WHERE indicator = 'sembuh'") == value
    assert count(sync_server, "SELECT count(*) FROM conflicts WHERE status = 'open'") == 0
    assert count(sync_server, "SELECT resolved_rev FROM conflicts WHERE id = :k", k=k) == settled_by
    assert ani.get("/api/v1/conflicts").json()["conflicts"] == []
    # settling it again: it is no longer open
    [again] = ani.receipts(sub({"sembuh": [value, settled_by, k]}))
    assert again["c"]["sembuh"]["reason"] == "bad_conflict"


def test_stale_settle_is_a_new_conflict(
    ani: Client, camat: Client, sync_server: LiveServer
) -> None:
    k, rev = _make_conflict(ani, camat)
    [moved] = camat.receipts(sub({"sembuh": [7, rev]}))  # the cell moves on meanwhile
    [r] = ani.receipts(sub({"sembuh": [5, rev, k]}))
    c = r["c"]["sembuh"]
    assert c["s"] == "conflict" and c["k"] != k and c["value"] == 7 and c["rev"] == moved["rev"]
    assert count(sync_server, "SELECT value FROM cells WHERE indicator = 'sembuh'") == 7


@pytest.mark.parametrize("wrong", ["other cell", "unknown id"])
def test_a_conflict_id_must_be_open_for_that_cell(
    ani: Client, camat: Client, sync_server: LiveServer, wrong: str
) -> None:
    k, rev = _make_conflict(ani, camat)
    cells: dict[str, Any] = (
        {"meninggal": [1, 0, k]} if wrong == "other cell" else {"sembuh": [5, rev, k + 1000]}
    )
    [r] = ani.receipts(sub(cells))
    [name] = cells
    assert r["c"][name]["reason"] == "bad_conflict"
    assert count(sync_server, "SELECT count(*) FROM conflicts WHERE status = 'open'") == 1
