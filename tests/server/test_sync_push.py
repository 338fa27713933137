"""Push on both engines through the real server: every receipt kind, duplicates, bad items."""

from __future__ import annotations

from typing import Any

from sync.protocol import REASONS, decode_receipt
from tests.server import test_sync_support as support
from tests.server.conftest import LiveServer
from tests.server.test_sync_support import PKM, PKM_OTHER_KEC, SUMBER, Client, count, sub

sync_server = support.sync_server
ani = support.ani
camat = support.camat


def test_applied_cells_take_consecutive_revisions(ani: Client, sync_server: LiveServer) -> None:
    s = sub({"suspek_baru": 12, "konfirmasi_baru": 2, "sembuh": 3}, complete=True)
    [r] = ani.receipts(s)
    assert r["s"] == "applied" and "c" not in r
    receipt = decode_receipt(r, list(s["x"]))
    revs = [c.rev for c in receipt.cells.values()]
    assert revs == [r["rev"], r["rev"] + 1, r["rev"] + 2]
    assert count(sync_server, "SELECT count(*) FROM cells") == 3
    assert count(sync_server, "SELECT count(*) FROM cell_versions") == 3
    assert count(sync_server, "SELECT count(*) FROM day_status WHERE complete") == 1
    stored = count(
        sync_server, "SELECT rev FROM cells WHERE indicator = 'sembuh' AND org_unit = :ou", ou=PKM
    )
    assert stored == r["rev"] + 2


def test_every_value_type_round_trips(ani: Client) -> None:
    x = {
        "lama_padam_jam": "1.5",
        "listrik_padam": True,
        "catatan": "genset",
        "status_layanan": "normal",
    }
    [r] = ani.receipts(sub(x, form=SUMBER))
    assert r["s"] == "applied" and "c" not in r, r
    page = ani.get("/api/v1/pull", since=0).json()
    [g] = page["g"]
    assert g["x"] == x


def test_unchanged_and_conflict(ani: Client, camat: Client, sync_server: LiveServer) -> None:
    [first] = ani.receipts(sub({"sembuh": 3, "meninggal": 0}))
    rev_sembuh = first["rev"]
    # camat edits on the current revision: applied
    [second] = camat.receipts(sub({"sembuh": [4, rev_sembuh]}))
    assert second["s"] == "applied" and "c" not in second
    # ani, still on the old base: the same value -> unchanged; a different one -> conflict
    [third] = ani.receipts(sub({"sembuh": [4, rev_sembuh], "meninggal": [0, 0]}))
    assert third["c"]["sembuh"] == {"s": "unchanged", "rev": second["rev"]}
    assert third["c"]["meninggal"] == {"s": "unchanged", "rev": rev_sembuh + 1}
    assert "rev" not in third
    [fourth] = ani.receipts(sub({"sembuh": [5, rev_sembuh]}))
    c = fourth["c"]["sembuh"]
    assert c["s"] == "conflict" and c["value"] == 4 and c["rev"] == second["rev"]
    assert c["by"] == "Camat" and c["at"] == "2026-11-20T03:41:07Z" and c["k"] > 0
    # nothing was overwritten; the candidate is kept
    assert count(sync_server, "SELECT value FROM cells WHERE indicator = 'sembuh'") == 4
    assert count(sync_server, "SELECT count(*) FROM conflicts WHERE status = 'open'") == 1
    assert count(sync_server, "SELECT candidate_value FROM conflicts") == 5


def test_duplicate_returns_the_stored_receipt(ani: Client, sync_server: LiveServer) -> None:
    s = sub({"suspek_baru": 12, "konfirmasi_baru": "dua", "tidak_ada": 1})
    [r1] = ani.receipts(s)
    # the response was "lost": the client sends the same submission again
    [r2] = ani.receipts(s)
    assert r1["s"] == "applied" and r2["s"] == "duplicate"
    assert {k: v for k, v in r2.items() if k != "s"} == {k: v for k, v in r1.items() if k != "s"}
    assert count(sync_server, "SELECT count(*) FROM cell_versions") == 1
    assert count(sync_server, "SELECT count(*) FROM submissions") == 1
    # the same id with other content is refused, never taken for a duplicate
    changed = {**s, "x": {"suspek_baru": 13}}
    [r3] = ani.receipts(changed)
    assert r3["s"] == "rejected" and r3["reason"] == "id_reused"
    assert count(sync_server, "SELECT value FROM cells") == 12


def test_cell_rejections(ani: Client, sync_server: LiveServer) -> None:
    [r] = ani.receipts(
        sub(
            {
                "suspek_baru": 5001,
                "konfirmasi_baru": "2",
                "probable_baru": 1.5,
                "tidak_ada": 1,
                "sembuh": 3,
            }
        )
    )
    assert r["s"] == "applied"
    reasons = {k: v["reason"] for k, v in r["c"].items()}
    assert reasons == {
        "suspek_baru": "out_of_range",
        "konfirmasi_baru": "bad_type",
        "probable_baru": "bad_type",
        "tidak_ada": "unknown_indicator",
    }
    for v in r["c"].values():
        assert v["message"]["id"] and v["message"]["en"]
    assert "5.000" in r["c"]["suspek_baru"]["message"]["id"]
    assert count(sync_server, "SELECT count(*) FROM cells") == 1


def test_rules_about_other_fields_are_flags_not_refusals(
    ani: Client, sync_server: LiveServer
) -> None:
    [r] = ani.receipts(sub({"konfirmasi_baru": 1, "konfirmasi_bergejala": 3}))
    assert r["s"] == "applied" and "c" not in r
    flags = count(
        sync_server,
        "SELECT count(*) FROM cell_versions WHERE flags LIKE '%bergejala-maks%'",
    )
    assert flags == 2


def test_rejected_submissions_and_one_bad_among_good(ani: Client, sync_server: LiveServer) -> None:
    good = sub({"suspek_baru": 1})
    bad: list[tuple[dict[str, Any], str]] = [
        (sub({"suspek_baru": 1}, ou="NOPE"), "unknown_org_unit"),
        (sub({"suspek_baru": 1}, ou=PKM_OTHER_KEC), "not_allowed"),
        (sub({"suspek_baru": 1}, ou="64.08.04"), "not_allowed"),
        (sub({"suspek_baru": 1}, form="no-such-form"), "unknown_form"),
        (sub({"suspek_baru": 1}, version=99), "unknown_form_version"),
        (sub({"suspek_baru": 1}, period="2099-01-01"), "bad_period"),
        (sub({"suspek_baru": 1}, period="2026-02-30"), "bad_period"),
        ({**sub({"suspek_baru": 1}), "id": "x"}, "bad_submission"),
        ({**sub({"suspek_baru": 1}), "x": {"suspek_baru": [1, 2, 3, 4]}}, "bad_submission"),
    ]
    receipts = ani.receipts(bad[0][0], good, *(b for b, _ in bad[1:]))
    assert receipts[1]["s"] == "applied"
    others = [receipts[0], *receipts[2:]]
    for receipt, (_, reason) in zip(others, bad, strict=True):
        assert receipt == {
            "s": "rejected",
            "reason": reason,
            "message": {"id": receipt["message"]["id"], "en": receipt["message"]["en"]},
        }
        assert receipt["message"]["en"] == REASONS[reason].en
    assert count(sync_server, "SELECT count(*) FROM cells") == 1
    assert count(sync_server, "SELECT count(*) FROM submissions") == 1


def test_a_kecamatan_officer_writes_for_its_facilities(camat: Client) -> None:
    [r] = camat.receipts(sub({"suspek_baru": 1}, ou=PKM))
    assert r["s"] == "applied"
    [r] = camat.receipts(sub({"suspek_baru": 1}, ou=PKM_OTHER_KEC))
    assert r["reason"] == "not_allowed"


def test_gzip_both_ways(ani: Client) -> None:
    x = {"suspek_baru": 12, "catatan": "x"}
    x = {f: i for i, f in enumerate(["suspek_baru", "probable_baru", "konfirmasi_baru"])}
    reply = ani.push(sub(x), compress=True, headers={"Accept-Encoding": "gzip"})
    assert reply.status_code == 200, reply.text
    assert reply.json()["r"][0]["s"] == "applied"
    big = ani.push(*(sub(x) for _ in range(20)), compress=True, headers={"Accept-Encoding": "gzip"})
    assert big.status_code == 200
    assert big.headers.get("Content-Encoding") == "gzip"
    assert [r["s"] for r in big.json()["r"]] == ["applied"] * 20
