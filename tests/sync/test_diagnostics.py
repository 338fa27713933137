"""The diagnostics facts and zip (sync.diagnostics) and the redaction of secrets (sync.redaction):
every pattern, the collector on a real store with outbox items and conflicts, disk errors."""

from __future__ import annotations

import errno
import json
import logging
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from forms.model import Text
from sync import diagnostics
from sync.diagnostics import DiagnosticsError, recent_sync_errors, sync_run_line, write_zip
from sync.protocol import REASONS, CellReceipt, SubmissionReceipt
from sync.redaction import MARK, Redactor
from sync.store import Store
from sync.transport import AuthError, TransientError
from tests.store.conftest import FACILITY, Clock, make_form

FORM = make_form()
DAY = date(2026, 11, 20)
TOKEN = "kbr_9fQ2xLmZ0pWcA7vT3sYd"
#: a figure an officer typed: it must never reach the diagnostics
FIGURE = 987_654


# -- redaction: each pattern -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("GET /api/v1/pull Authorization: Bearer abc.DEF-123_xyz", "abc.DEF-123_xyz"),
        ("headers={'Authorization': 'Bearer s3cr3t-t0ken'}", "s3cr3t-t0ken"),
        ("proxy-authorization=Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        ("retry with bearer AbCdEfGh1234", "AbCdEfGh1234"),
        ("login password=rahasia-123 failed", "rahasia-123"),
        ("url /x?token=tok-777&since=4", "tok-777"),
        ("device_token: tok-888 kept", "tok-888"),
        ('reply {"token": "tok\\"999", "expires": 1}', 'tok\\"999'),
        ("kwargs {'password': 'dua kata'}", "dua kata"),
        ("auth.verifier=$argon2id$v=19$m=32768,t=2,p=1$c2FsdA$aGFzaA", "aGFzaA"),
        ("stored $argon2id$v=19$m=32768,t=2,p=1$c2FsdA$aGFzaA here", "c2FsdA"),
        ("server https://ani:rahasia@kabar.example.id/api", "rahasia"),
        ("kata_sandi=bukan-ini", "bukan-ini"),
    ],
)
def test_each_secret_pattern_is_blanked(text: str, secret: str) -> None:
    redacted = Redactor().redact(text)
    assert secret not in redacted
    assert MARK in redacted
    assert Redactor().redact(redacted) == redacted  # redacting twice changes nothing more


def test_ordinary_text_is_left_alone() -> None:
    text = (
        '2026-11-22T01:00:00.000Z INFO kabar.sync [w] sync run {"pushed": 3, "tokens": 2} '
        "basic setup; password reset page; server https://kabar.example.id/api"
    )
    assert Redactor().redact(text) == text


def test_literal_values_are_blanked_as_whole_words_case_insensitively() -> None:
    r = Redactor([TOKEN, "Siti Aminah", "ani", None, "ab"], home="/home/siti.aminah")
    out = r.redact(
        f"user ANI token {TOKEN} officer siti aminah / Aminah; organisasi ani2 "
        "file /home/siti.aminah/.local/state/Kabar ab"
    )
    assert TOKEN not in out and "ANI " not in out and "aminah" not in out.lower()
    assert "organisasi" in out and "ani2" in out  # parts of other words stay
    assert "~/.local/state/Kabar" in out
    assert out.endswith(" ab")  # too short to be blanked safely
    r.add("  ")  # nothing to add
    assert {"Siti Aminah", "Siti", "Aminah", "ani", TOKEN} <= r.literals


def test_windows_home_folder_is_blanked_also_when_json_escaped() -> None:
    r = Redactor(home="C:\\Users\\siti.aminah")
    assert r.redact("data C:\\Users\\siti.aminah\\AppData") == "data ~\\AppData"
    assert r.redact('"C:\\\\Users\\\\siti.aminah\\\\AppData"') == '"~\\\\AppData"'


# -- the sync runs' log lines ------------------------------------------------------------------


def test_sync_run_lines_say_the_error_class_and_reason_and_are_read_back() -> None:
    error = TransientError(Text("Tidak dapat", "Cannot reach the server."), "offline", "refused")
    ok = sync_run_line(
        finished=True,
        pushed=2,
        pulled=5,
        new_conflicts=0,
        set_aside=0,
        round_trips=3,
        problem=None,
        error=None,
    )
    bad = sync_run_line(
        finished=False,
        pushed=0,
        pulled=0,
        new_conflicts=0,
        set_aside=0,
        round_trips=1,
        problem=error.message,
        error=error,
    )
    auth = AuthError(REASONS["token_invalid"], "token_invalid", "HTTP 401 token_invalid")
    expired = sync_run_line(
        finished=False,
        pushed=0,
        pulled=0,
        new_conflicts=0,
        set_aside=0,
        round_trips=1,
        problem=auth.message,
        error=auth,
    )
    lines = [
        f"2026-11-22T01:00:00.000Z INFO kabar.sync [w] {ok}",
        f"2026-11-22T02:00:00.000Z INFO kabar.sync [w] {bad}",
        "2026-11-22T02:30:00.000Z INFO kabar.sync [w] sync run {broken json",
        f"2026-11-22T03:00:00.000Z INFO kabar.sync [w] {expired}",
    ]
    found = recent_sync_errors(lines)
    assert [f["at"] for f in found] == ["2026-11-22T02:00:00.000Z", "2026-11-22T03:00:00.000Z"]
    assert found[0]["error"] == "TransientError" and found[0]["code"] == "offline"
    assert found[0]["reason"] == "Cannot reach the server." and found[0]["detail"] == "refused"
    assert found[1]["error"] == "AuthError" and found[1]["code"] == "token_invalid"
    assert recent_sync_errors(lines * 30, limit=20) == (found * 30)[-20:]


# -- the collector on a real store -------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "data", clock=Clock()) as s:
        s.load_demo_org_units()
        s.register_form(FORM)
        s.set_setting("facility", FACILITY)
        s.set_setting("officer", "Siti Aminah")
        s.set_setting("auth.username", "ani")
        s.set_setting("auth.name", "Ani Lestari")
        s.set_setting("auth.verifier", "$argon2id$v=19$m=32768,t=2,p=1$c2FsdA$aGFzaA")
        s.set_setting("server_url", "https://kabar.example.id")
        yield s


def with_outbox_and_conflicts(store: Store) -> None:
    """One day sent with a conflict and a refused figure, another day still unsent."""
    store.save_day(FACILITY, FORM, DAY, {"kasus_baru": 1, "sembuh": 2, "suhu": 3}, author="Ani")
    store.freeze_outbox()
    [item] = store.push_batch(10)
    receipt = SubmissionReceipt(
        "applied",
        50,
        {
            "kasus_baru": CellReceipt("applied", 50),
            "sembuh": CellReceipt(
                "conflict", 12, conflict_id=77, value=5, by="Budi", at="2026-11-21T09:00:00Z"
            ),
            "suhu": CellReceipt("rejected", reason="out_of_range", message=REASONS["out_of_range"]),
        },
    )
    store.apply_receipts([(item, receipt)])
    store.save_day(FACILITY, FORM, date(2026, 11, 21), {"kasus_baru": FIGURE}, author="Ani")


def no_keyring(server_url: str | None, username: str | None) -> dict[str, Any]:
    return {"usable": True, "backend": "test", "token_kept": False}


def test_collector_reports_store_health_outbox_and_sync(store: Store, tmp_path: Path) -> None:
    with_outbox_and_conflicts(store)
    log = tmp_path / "kabar.log"
    line = sync_run_line(
        finished=False,
        pushed=0,
        pulled=0,
        new_conflicts=0,
        set_aside=0,
        round_trips=1,
        problem=Text("x", "Cannot reach the server."),
        error=TransientError(Text("x", "y"), "offline"),
    )
    log.write_text(f"2026-11-22T02:00:00.000Z INFO kabar.sync [w] {line}\n", encoding="utf-8")
    facts = diagnostics.collect(
        store, app={"qt": "6.11.3"}, log_files=[log], keyring_facts=no_keyring
    )
    s = facts["store"]
    assert s["integrity_check"] == "ok"
    assert s["schema_revision"] == s["schema_head"]
    assert s["db_bytes"] > 0 and s["device_id"] == store.device_id()
    assert s["outbox_submissions"]["pending"] >= 1
    assert sum(s["push_items"].values()) == 1
    outbox = facts["outbox"]
    assert outbox["unsent_form_days"] == 1
    assert outbox["open_conflicts"] == 1
    assert outbox["set_aside"] == 1
    assert outbox["local_submissions_waiting"] == 1
    sync = facts["sync"]
    assert sync["facility"] == FACILITY and sync["facility_name"]
    assert sync["server_url"] == "https://kabar.example.id" and sync["logged_in"] is True
    assert [e["code"] for e in sync["recent_errors"]] == ["offline"]
    assert facts["app"] == {"qt": "6.11.3"}
    assert facts["system"]["python"] and facts["system"]["data_folder_disk"]["free_bytes"] > 0
    assert facts["logs"] == {"kabar.log": log.stat().st_size}
    text = json.dumps(facts)
    for secret in ("Siti", "Aminah", '"ani"', "Lestari", "argon2", "Budi", str(FIGURE)):
        assert secret not in text, secret


def test_a_damaged_file_is_reported_and_the_export_still_works(
    store: Store, tmp_path: Path
) -> None:
    with_outbox_and_conflicts(store)
    assert diagnostics.collect(store, keyring_facts=no_keyring)["store"]["integrity_check"] == "ok"
    with closing(sqlite3.connect(store.path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(store.path.read_bytes())
    page = 4096
    assert len(raw) >= 4 * page
    raw[2 * page : len(raw)] = b"\xa5" * (len(raw) - 2 * page)  # every page after the second
    store.path.write_bytes(bytes(raw))
    facts = diagnostics.collect(store, keyring_facts=no_keyring)
    assert facts["store"]["integrity_check"] != "ok"
    target = write_zip(tmp_path / "d.zip", facts, [], Redactor())
    with zipfile.ZipFile(target) as z:
        shown = json.loads(z.read("diagnostik.json"))
    assert shown["store"]["integrity_check"] == facts["store"]["integrity_check"]


def test_server_url_loses_any_user_and_password(store: Store) -> None:
    store.set_setting("server_url", "https://ani:rahasia@kabar.example.id:8443/base")
    facts = diagnostics.collect(store, keyring_facts=no_keyring)
    assert facts["sync"]["server_url"] == "https://kabar.example.id:8443/base"


def test_export_redactor_knows_the_stores_names_and_kept_token(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sync.credentials

    monkeypatch.setattr(sync.credentials, "load_token", lambda url, user: TOKEN)
    r = diagnostics.export_redactor(store, ["extra-secret"])
    out = r.redact(f"Siti Aminah ani Ani Lestari {TOKEN} extra-secret")
    for secret in ("Siti", "Aminah", "ani", "Lestari", TOKEN, "extra-secret"):
        assert secret not in out.split(), secret


# -- the zip -----------------------------------------------------------------------------------


def test_zip_holds_json_text_and_logs_redacted_again(store: Store, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "kabar.log").write_text(f"now Authorization: Bearer {TOKEN}\n", encoding="utf-8")
    (logs / "kabar.log.1").write_text("before: officer Siti Aminah\n", encoding="utf-8")
    files = [logs / "kabar.log", logs / "kabar.log.1"]
    facts = diagnostics.collect(store, log_files=files, keyring_facts=no_keyring)
    facts["app"]["note"] = "Siti Aminah"  # even a name that slipped into the facts goes
    target = tmp_path / "out" / "d.zip"
    target.parent.mkdir()
    write_zip(target, facts, files, Redactor(["Siti Aminah", TOKEN]))
    with zipfile.ZipFile(target) as z:
        assert sorted(z.namelist()) == [
            "diagnostik.json",
            "diagnostik.txt",
            "logs/kabar.log",
            "logs/kabar.log.1",
        ]
        members = {n: z.read(n).decode("utf-8") for n in z.namelist()}
    assert json.loads(members["diagnostik.json"])["app"]["note"] == MARK
    assert "  integrity_check: ok" in members["diagnostik.txt"].splitlines()
    assert members["logs/kabar.log"] == f"now Authorization: {MARK}\n"
    assert members["logs/kabar.log.1"] == f"before: officer {MARK}\n"
    assert not list(target.parent.glob("*.part"))


def test_a_full_disk_gives_a_message_and_keeps_an_earlier_file(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "d.zip"
    target.write_bytes(b"an earlier export")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    with pytest.raises(DiagnosticsError) as caught:
        write_zip(target, {"app": {}}, [], Redactor())
    assert caught.value.message.id.startswith("File diagnostik tidak dapat disimpan: disk penuh.")
    assert "Data laporan tidak terpengaruh" in caught.value.message.id
    assert target.read_bytes() == b"an earlier export"
    assert not list(tmp_path.glob("*.part"))


def test_a_folder_that_cannot_be_written_gives_a_message(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "catatan.txt"
    not_a_folder.write_text("bukan folder", encoding="utf-8")
    with pytest.raises(DiagnosticsError) as caught:
        write_zip(not_a_folder / "d.zip", {"app": {}}, [], Redactor())
    assert "folder ini tidak dapat ditulisi" in caught.value.message.id
    assert str(not_a_folder) in caught.value.message.id


def test_the_engine_logs_each_run_with_its_error_class_never_the_token(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    from sync.engine import SyncEngine
    from sync.transport import Transport

    store.save_day(FACILITY, FORM, DAY, {"kasus_baru": FIGURE}, author="Ani")
    # Nothing listens on port 9: the run stops with "offline", the outbox intact.
    transport = Transport(
        "http://127.0.0.1:9", token=TOKEN, app_version="0.1.0", attempts=1, sleep=lambda s: None
    )
    try:
        with caplog.at_level(logging.INFO, logger="kabar.sync"):
            report = SyncEngine(store, transport).run()
    finally:
        transport.close()
    assert not report.finished
    [line] = [r.getMessage() for r in caplog.records if diagnostics.SYNC_RUN_MARK in r.getMessage()]
    assert TOKEN not in line and str(FIGURE) not in line
    [run] = recent_sync_errors([f"2026-11-22T02:00:00.000Z INFO kabar.sync [w] {line}"])
    assert run["error"] == "TransientError" and run["code"] == "offline"
    assert run["reason"].startswith("Cannot reach the server.")
    assert run["finished"] is False and run["pushed"] == 0
