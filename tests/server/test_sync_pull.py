"""Pull and receipts on both engines: paging never skips or repeats, also while others push;
the server's day checksums equal the ones a client computes from its own values."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from forms.loader import builtin_forms
from forms.types import to_storage
from server import ingest
from sync.protocol import day_checksum, decode_pull_page, value_from_json
from tests.server import test_sync_support as support
from tests.server.conftest import LiveServer
from tests.server.test_sync_support import COVID, PKM, PKM2, Client, engine_of, sub

sync_server = support.sync_server
ani = support.ani
camat = support.camat

Key = tuple[str, str, str, str]
#: pushes per writer in the concurrent test
PUSHES = 30


def _server_cells(server: LiveServer) -> dict[Key, tuple[Any, int]]:
    engine = engine_of(server)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT org_unit, form_id, period, indicator, value, rev FROM cells")
            ).all()
    finally:
        engine.dispose()
    return {(r[0], r[1], str(r[2]), r[3]): (r[4], int(r[5])) for r in rows}


def _pull_all(client: Client, since: int, limit: int, into: dict[Key, tuple[Any, int]]) -> int:
    """Pull pages until ``more`` is false; returns the cursor."""
    while True:
        reply = client.get("/api/v1/pull", since=since, limit=limit)
        assert reply.status_code == 200, reply.text
        page = decode_pull_page(reply.json())
        assert page.to >= since
        for g in page.groups:
            for c in g.cells:
                assert since < c.rev <= page.to
                into[(g.org_unit, g.form_id, g.period.isoformat(), c.indicator)] = (c.value, c.rev)
        since = page.to
        if not page.more:
            return since


def _as_stored(cells: dict[Key, tuple[Any, int]]) -> dict[Key, tuple[str | None, int]]:
    fields = {f.code: f for form in builtin_forms() for f in form.fields}
    return {
        k: (to_storage(fields[k[3]].type, value_from_json(fields[k[3]], v)), rev)
        for k, (v, rev) in cells.items()
    }


def test_pull_pages_in_revision_order_without_gaps(
    ani: Client, camat: Client, sync_server: LiveServer
) -> None:
    for day in range(5):
        p = (date(2026, 11, 1) + timedelta(days=day)).isoformat()
        ani.receipts(sub({"suspek_baru": day, "sembuh": 1, "meninggal": 0}, period=p))
    [r] = ani.receipts(sub({"suspek_baru": [9, 1]}, period="2026-11-01"))  # moves a cell on
    assert r["s"] == "applied"
    seen: dict[Key, tuple[Any, int]] = {}
    to = _pull_all(camat, 0, 4, seen)
    assert _as_stored(seen) == _server_cells(sync_server)
    assert to == max(rev for _, rev in seen.values())
    # nothing new: an empty page at the same cursor
    page = camat.get("/api/v1/pull", since=to).json()
    assert page["g"] == [] and page["to"] == to and page["more"] is False


def test_pull_is_limited_to_the_scope(ani: Client, camat: Client) -> None:
    camat.receipts(sub({"suspek_baru": 1}, ou=PKM2))
    ani.receipts(sub({"suspek_baru": 2}, ou=PKM))
    groups = ani.get("/api/v1/pull").json()["g"]
    assert [g["ou"] for g in groups] == [PKM]
    assert {g["ou"] for g in camat.get("/api/v1/pull").json()["g"]} == {PKM, PKM2}


@pytest.fixture
def slow_commits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Widen the window between taking revisions and committing (the server runs in this
    process), where a plain sequence would let a later revision commit first."""
    real = ingest.allocate_revisions
    rng = random.Random(7)

    def allocate(session: Any, n: int) -> int:
        first = real(session, n)
        time.sleep(rng.random() * 0.02)
        return first

    monkeypatch.setattr(ingest, "allocate_revisions", allocate)
    yield


@pytest.mark.usefixtures("slow_commits")
def test_pulling_while_two_others_push_misses_nothing(
    ani: Client, camat: Client, sync_server: LiveServer
) -> None:
    reader = Client(sync_server.url, "kab")
    errors: list[BaseException] = []

    def pusher(client: Client, ou: str, start: date) -> None:
        # every cell is written once: a revision the reader skipped would stay missing
        try:
            for i in range(PUSHES):
                p = (start + timedelta(days=i)).isoformat()
                [r] = client.receipts(sub({"suspek_baru": i, "sembuh": i}, ou=ou, period=p))
                assert r["s"] == "applied" and "c" not in r, r
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    threads = [
        threading.Thread(target=pusher, args=(ani, PKM, date(2026, 10, 1))),
        threading.Thread(target=pusher, args=(camat, PKM2, date(2026, 10, 1))),
    ]
    for t in threads:
        t.start()
    seen: dict[Key, tuple[Any, int]] = {}
    cursor = 0
    while any(t.is_alive() for t in threads):
        cursor = _pull_all(reader, cursor, 3, seen)
    for t in threads:
        t.join()
    assert not errors, errors
    cursor = _pull_all(reader, cursor, 3, seen)
    assert _as_stored(seen) == _server_cells(sync_server)
    assert len(seen) == 2 * 2 * PUSHES


def test_receipts_prove_what_arrived(ani: Client) -> None:
    mine = {"suspek_baru": 12, "konfirmasi_baru": 2, "sembuh": None, "meninggal": 0}
    ani.receipts(sub(mine, complete=True))
    ani.receipts(sub({"lama_padam_jam": "2.5", "listrik_padam": True}, form=support.SUMBER))
    reply = ani.get("/api/v1/receipts", ou=PKM, **{"from": "2026-11-01", "to": "2026-11-30"})
    assert reply.status_code == 200, reply.text
    days = {d["f"]: d for d in reply.json()["days"]}
    fields = {f.code: f for form in builtin_forms() for f in form.fields}
    expected = day_checksum({k: to_storage(fields[k].type, v) for k, v in mine.items()})
    assert (days[COVID]["n"], days[COVID]["sum"]) == expected
    assert days[COVID]["n"] == 3 and days[COVID]["c"] == 1
    other = day_checksum({"lama_padam_jam": "2.5", "listrik_padam": "1"})
    assert (days[support.SUMBER]["n"], days[support.SUMBER]["sum"]) == other
    assert days[support.SUMBER]["c"] == 0
    # another facility's day would change the sum: it is not counted here
    empty = ani.get("/api/v1/receipts", ou=PKM, **{"from": "2026-12-01", "to": "2026-12-02"})
    assert empty.json() == {"days": []}
