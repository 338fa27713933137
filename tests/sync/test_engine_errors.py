"""The engine when things go wrong: refused items, a revoked token, an app too old, a form
version published meanwhile, a wrong clock, a copied data folder (shared device id)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from forms.loader import load_form_text
from forms.model import FormDefinition
from server import db
from server.auth import revoke_devices
from server.forms_publish import publish_form
from server.settings import Settings
from sync.protocol import REASONS
from sync.store import Store
from sync.transport import PermanentError
from tests.server.conftest import LiveServer
from tests.sync.support import COVID, DAY, PKM, PKM2, Device, builtin, server_cells, server_rows

PKM_OTHER_KEC = "P6408050201"  # outside ani's (and camat's) scope

V1_BOOSTER = """      - code: vaksin_booster
        label: {id: Vaksinasi booster (dosis 3), en: Booster vaccination (dose 3)}
        type: integer
        max: 10000
        unit: {id: orang, en: people}
"""
V2_LANJUT = """      - code: vaksin_lanjutan
        label: {id: Vaksinasi lanjutan, en: Follow-up vaccination}
        type: integer
        max: 10000
        unit: {id: orang, en: people}
"""


def covid_version(version: int) -> FormDefinition:
    text = builtin(COVID).source_text
    assert V1_BOOSTER in text and "\nversion: 1\n" in text
    text = text.replace("\nversion: 1\n", f"\nversion: {version}\n").replace(V1_BOOSTER, V2_LANJUT)
    return load_form_text(text, f"covid v{version}")


def publish(server: LiveServer, form: FormDefinition) -> None:
    engine = db.make_engine(server.db_url)
    try:
        with db.session_scope(db.session_factory(engine)) as session:
            publish_form(session, form, "test")
    finally:
        engine.dispose()


def test_a_refused_item_is_set_aside_and_the_rest_flows(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani = device("ani")
    ani.store.load_demo_org_units()  # the facility list of an older install: more than her scope
    ani.save({"suspek_baru": 1}, ou=PKM_OTHER_KEC)
    ani.save({"suspek_baru": 2})
    ani.save({"suspek_baru": 3, "tes_antigen": 100_000}, period=DAY - timedelta(days=1))
    report = ani.sync_ok()
    assert (report.pushed, report.set_aside) == (2, 2)
    assert server_cells(server) == {"suspek_baru": "2"}
    assert server_cells(server, period=DAY - timedelta(days=1)) == {"suspek_baru": "3"}
    aside = {(a.org_unit, a.indicator): a for a in ani.store.set_aside()}
    assert aside[(PKM_OTHER_KEC, None)].reason == "not_allowed"
    assert aside[(PKM_OTHER_KEC, None)].message == REASONS["not_allowed"]
    assert aside[(PKM, "tes_antigen")].reason == "out_of_range"
    assert aside[(PKM, "tes_antigen")].value == 100_000
    assert ani.store.day_sync_states(PKM_OTHER_KEC, COVID, DAY, DAY) == {DAY: "ditolak"}
    assert ani.store.day_sync_states(PKM, COVID, DAY, DAY) == {DAY: "terkirim"}
    summary = ani.store.sync_summary()
    assert (summary.set_aside, summary.unsent, summary.conflicts) == (2, 0, 0)
    # Set aside for good: the next runs do not send them again.
    assert ani.sync_ok().round_trips == 1  # nothing to push: only the pull


def test_a_revoked_token_asks_for_the_password_and_keeps_everything(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani = device("ani")
    ani.sync_ok()
    engine = db.make_engine(server.db_url)
    try:
        with db.session_scope(db.session_factory(engine)) as session:
            assert revoke_devices(session, "ani", ani.store.device_id())
    finally:
        engine.dispose()
    ani.save({"suspek_baru": 4})
    report = ani.sync()
    assert report.needs_login and not report.finished
    assert report.problem == REASONS["token_revoked"]
    assert ani.store.outbox_count() == 1
    assert ani.store.sync_summary().unsent == 1
    assert server_cells(server) == {}
    ani.login()
    assert ani.sync_ok().pushed == 1
    assert server_cells(server) == {"suspek_baru": "4"}
    assert ani.store.outbox_count() == 0


def test_an_app_below_the_minimum_keeps_its_outbox(
    seeded_url: str, live_server_factory: Callable[..., LiveServer], tmp_path: Path
) -> None:
    from tests.server.test_sync_support import publish_builtin_forms

    publish_builtin_forms(seeded_url)
    server = live_server_factory(seeded_url, Settings(app_minimum="0.2.0", app_latest="0.2.0"))
    ani = Device(tmp_path / "ani", server.url, "ani", app_version="0.1.0")
    try:
        ani.save({"suspek_baru": 4})
        report = ani.sync()
        assert report.app_too_old and not report.finished and not report.needs_login
        assert report.problem == REASONS["app_too_old"]
        assert ani.store.outbox_count() == 1 and ani.store.sync_summary().unsent == 1
        assert server_cells(server) == {}
    finally:
        ani.close()
    # Updated app, same data folder: everything goes.
    updated = Device(tmp_path / "ani", server.url, "ani", app_version="0.2.0")
    try:
        assert updated.sync_ok().pushed == 1
        assert server_cells(server) == {"suspek_baru": "4"}
    finally:
        updated.close()


def test_a_published_form_version_reaches_the_client(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani = device("ani")
    ani.sync_ok()
    first = ani.store.latest_form(COVID)
    assert first is not None and first.version == 1 and first.fields == builtin(COVID).fields
    v2 = covid_version(2)
    publish(server, v2)
    # Values entered under version 1 meanwhile (the form was open) still sync.
    ani.save({"suspek_baru": 1, "vaksin_booster": 5})
    report = ani.sync_ok()
    assert report.pushed == 1
    # The digest in the push reply changed: metadata and the new text were fetched.
    assert report.round_trips == 4  # push, metadata, form text, pull
    latest = ani.store.latest_form(COVID)
    assert latest is not None and latest.version == 2
    assert "vaksin_lanjutan" in {f.code for f in latest.fields}
    assert server_cells(server) == {"suspek_baru": "1", "vaksin_booster": "5"}
    # The next day: an old-version value and a new-version value of the same day go together
    # under version 2: the known one is applied, the unknown one set aside with its reason.
    other = DAY - timedelta(days=1)
    ani.save({"vaksin_booster": 6}, period=other)
    ani.store.save_day(PKM, latest, other, {"vaksin_lanjutan": 7}, author="ani")
    report = ani.sync_ok()
    assert (report.pushed, report.set_aside, report.round_trips) == (1, 1, 2)
    assert server_cells(server, period=other) == {"vaksin_lanjutan": "7"}
    [aside] = ani.store.set_aside()
    assert (aside.indicator, aside.value, aside.reason) == (
        "vaksin_booster",
        6,
        "unknown_indicator",
    )
    assert aside.message == REASONS["unknown_indicator"]


def test_an_unpublished_form_version_waits_then_goes(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani = device("ani")
    v3 = covid_version(3)  # an app with a newer form than the server has
    ani.store.save_day(PKM, v3, DAY, {"suspek_baru": 2, "vaksin_lanjutan": 1}, author="ani")
    ani.save({"sembuh": 1}, period=DAY - timedelta(days=1))
    report = ani.sync()
    assert report.finished and report.pushed == 1 and report.set_aside == 0
    assert report.problem is not None and "menunggu" in report.problem.id
    assert ani.store.day_sync_states(PKM, COVID, DAY, DAY) == {DAY: "menunggu"}
    assert server_cells(server) == {}
    again = ani.sync()  # still waiting: still said
    assert again.finished and again.problem == report.problem and again.round_trips == 1
    assert ani.store.sync_summary().last_problem == report.problem
    publish(server, v3)
    report = ani.sync_ok()
    assert report.pushed == 1
    assert server_cells(server) == {"suspek_baru": "2", "vaksin_lanjutan": "1"}
    assert ani.store.day_sync_states(PKM, COVID, DAY, DAY) == {DAY: "terkirim"}


def test_a_wrong_clock_is_reported_and_changes_no_order(
    device: Callable[..., Device], server: LiveServer
) -> None:
    offset = [timedelta(days=400)]

    def clock() -> datetime:
        return datetime.now(UTC) + offset[0]

    ani = device("ani", clock=clock, now=clock)
    ani.save({"sembuh": 1})
    report = ani.sync()
    assert report.finished and report.pushed == 1
    assert report.clock_skew_s is not None and abs(report.clock_skew_s - 400 * 86_400) < 120
    assert report.problem is not None and "±400 hari" in report.problem.id
    assert ani.store.sync_summary().clock_skew_s is not None
    # The clock jumps 800 days back: the later save still wins (order is the server's).
    offset[0] = timedelta(days=-400)
    ani.save({"sembuh": 2})
    report = ani.sync()
    assert report.finished and report.pushed == 1
    assert server_cells(server) == {"sembuh": "2"}
    assert report.clock_skew_s is not None and report.clock_skew_s < -399 * 86_400
    offset[0] = timedelta(0)
    assert ani.sync_ok().clock_skew_s is None
    assert ani.store.sync_summary().clock_skew_s is None


def test_a_copied_data_folder_rekeys_on_id_reused(
    device: Callable[..., Device], server: LiveServer, tmp_path: Path
) -> None:
    ani = device("ani", name="original")
    ani.save({"suspek_baru": 1})
    ani.sync_ok()
    # A copy of the folder shares ani's device id (here: camat's laptop restored from it).
    copy_dir = tmp_path / "copy"
    with Store.open(copy_dir):
        pass
    conn = sqlite3.connect(copy_dir / "kabar.db")
    with conn:
        conn.execute(
            "UPDATE settings SET value = ? WHERE key = 'device_id'", (ani.store.device_id(),)
        )
    conn.close()
    camat = device("camat", name="copy")
    assert camat.store.device_id() == ani.store.device_id()
    camat.save({"suspek_baru": 9}, ou=PKM2)
    report = camat.sync_ok()
    assert report.pushed == 1
    assert server_cells(server, ou=PKM2) == {"suspek_baru": "9"}
    assert server_cells(server) == {"suspek_baru": "1"}
    assert server_rows(server, "SELECT count(*) FROM submissions") == [(2,)]


def test_a_push_the_server_cannot_read_is_narrowed_to_the_item_at_fault(
    device: Callable[..., Device], server: LiveServer
) -> None:
    ani = device("ani", batch_size=4)
    for k in range(6):
        ani.save({"suspek_baru": k + 1}, period=DAY - timedelta(days=k))
    real_push = ani.transport.push
    sizes: list[int] = []

    def push(body: dict[str, Any]) -> dict[str, Any]:
        sizes.append(len(body["s"]))
        if any(s["n"] == 3 for s in body["s"]):  # say item 3 makes the server choke
            raise PermanentError(REASONS["bad_request"], "bad_request", "HTTP 400")
        return real_push(body)

    ani.transport.push = push  # type: ignore[method-assign]
    report = ani.sync_ok()
    assert (report.pushed, report.set_aside) == (5, 1)
    # [1-4] refused, [1, 2] fine, [3, 4] refused, [3] refused and set aside, [4-6] fine
    assert sizes == [4, 2, 2, 1, 3]
    [aside] = ani.store.set_aside()
    assert (aside.period, aside.reason, aside.indicator) == (
        DAY - timedelta(days=3),  # the third oldest day
        "bad_request",
        None,
    )
    assert len(server_rows(server, "SELECT id FROM submissions")) == 5
