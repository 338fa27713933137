"""``kabar-server`` commands through ``main([...])`` on both engines, plus one real subprocess:
init, import-wilayah, add-facility, add-user, revoke-device, publish-form, demo-seed."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from forms.loader import DEFINITIONS_DIR
from server import db
from server.cli import main
from server.models import AdminAudit, FormVersion, OrgUnit, User, UserOrgUnit

REPO = Path(__file__).resolve().parents[2]
REAL_WILAYAH = REPO.parent / "shared" / "data" / "wilayah.csv"

SMALL = """kode,nama
64,Kalimantan Timur
64.08,Kabupaten Kutai Timur
64.08.04,Sangatta Utara
64.08.04.2001,Singa Gembara
64.08.05,Sangkulirang
65,Kalimantan Utara
65.01,Kabupaten Malinau
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def units(url: str) -> dict[str, tuple[str, str, str | None, str]]:
    engine = db.make_engine(url)
    try:
        with db.session_factory(engine)() as s:
            return {
                u.code: (u.name, u.level, u.parent_code, u.path) for u in s.scalars(select(OrgUnit))
            }
    finally:
        engine.dispose()


def audit_actions(url: str) -> list[str]:
    engine = db.make_engine(url)
    try:
        with db.session_factory(engine)() as s:
            return list(s.scalars(select(AdminAudit.action).order_by(AdminAudit.id)))
    finally:
        engine.dispose()


def test_init_creates_and_is_repeatable(
    empty_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "init", "--db", empty_db_url)[0] == 0
    code, out, _ = run(capsys, "init", "--db", empty_db_url)
    assert code == 0 and f"revision {db.HEAD_REVISION}" in out


def test_commands_refuse_an_uninitialised_database(
    empty_db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    csv = tmp_path / "w.csv"
    csv.write_text(SMALL, encoding="utf-8")
    code, _, err = run(capsys, "import-wilayah", "--db", empty_db_url, str(csv))
    assert code == 1 and "kabar-server init" in err
    assert "Traceback" not in err


def test_import_wilayah_builds_the_hierarchy_and_reimport_renames(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    csv = tmp_path / "w.csv"
    csv.write_text(SMALL, encoding="utf-8")
    code, out, err = run(capsys, "import-wilayah", "--db", db_url, str(csv))
    assert code == 0, err
    assert "added: 7" in out
    got = units(db_url)
    assert got["64.08.04.2001"] == (
        "Singa Gembara",
        "desa",
        "64.08.04",
        "/64/64.08/64.08.04/64.08.04.2001/",
    )
    assert got["65"] == ("Kalimantan Utara", "provinsi", None, "/65/")
    # Re-import with one renamed region: updated, never duplicated.
    csv.write_text(SMALL.replace("Sangkulirang", "Sangkulirang Baru"), encoding="utf-8")
    code, out, _ = run(capsys, "import-wilayah", "--db", db_url, str(csv))
    assert code == 0 and "added: 0" in out and "renamed: 1" in out and "unchanged: 6" in out
    got = units(db_url)
    assert len(got) == 7 and got["64.08.05"][0] == "Sangkulirang Baru"
    assert audit_actions(db_url) == ["import-wilayah", "import-wilayah"]


def test_import_under_a_code(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    csv = tmp_path / "w.csv"
    csv.write_text(SMALL, encoding="utf-8")
    assert run(capsys, "import-wilayah", "--db", db_url, str(csv), "--under", "64.08")[0] == 0
    assert set(units(db_url)) == {"64", "64.08", "64.08.04", "64.08.04.2001", "64.08.05"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kode,nama\n64,Kaltim\n64.08,Kutim\n6x.09,Salah\n", ":4: '6x.09' is not a Kemendagri"),
        ("kode,nama\n64,Kaltim\n64.08,\n", ":3: the name of 64.08 is empty"),
        ("kode,nama\n64,Kaltim\n64,Lagi\n", ":3: code 64 appears twice (also line 2)"),
        ("kode,nama\n64,Kaltim\n64.08.01,Yatim\n", ":3: the parent 64.08 of 64.08.01"),
        ("code,name\n64,Kaltim\n", ":1: the first line must be the header"),
        ("kode,nama\n64,Kaltim,extra\n", ":2: expected 2 columns"),
    ],
)
def test_bad_rows_import_nothing(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, message: str
) -> None:
    csv = tmp_path / "w.csv"
    csv.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "import-wilayah", "--db", db_url, str(csv))
    assert code == 1
    assert message in err
    assert "Traceback" not in err
    assert units(db_url) == {}


def test_not_utf8_and_missing_file(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    csv = tmp_path / "w.csv"
    csv.write_bytes(b"kode,nama\n64,Kalimantan\xff\n")
    code, _, err = run(capsys, "import-wilayah", "--db", db_url, str(csv))
    assert code == 1 and ":2: not UTF-8" in err
    code, _, err = run(capsys, "import-wilayah", "--db", db_url, str(tmp_path / "none.csv"))
    assert code == 1 and "cannot read" in err


@pytest.mark.skipif(not REAL_WILAYAH.exists(), reason="real data not in ../shared/data")
def test_real_wilayah_file(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "import-wilayah", "--db", db_url, str(REAL_WILAYAH))
    assert code == 0, err
    total = len(REAL_WILAYAH.read_text(encoding="utf-8").splitlines()) - 1
    assert len(units(db_url)) == total
    assert "unchanged: 0" in out
    code, out, _ = run(capsys, "import-wilayah", "--db", db_url, str(REAL_WILAYAH))
    assert code == 0 and f"unchanged: {total}" in out


def _seed_region(db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    csv = tmp_path / "w.csv"
    csv.write_text(SMALL, encoding="utf-8")
    assert run(capsys, "import-wilayah", "--db", db_url, str(csv))[0] == 0


def test_add_facility_and_user(
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _seed_region(db_url, capsys, tmp_path)
    code, _, err = run(
        capsys,
        "add-facility",
        "--db",
        db_url,
        "--code",
        "P6408040201",
        "--name",
        "Puskesmas Sangatta Utara",
        "--under",
        "64.08.04",
        "--type",
        "puskesmas",
    )
    assert code == 0, err
    assert units(db_url)["P6408040201"][3] == "/64/64.08/64.08.04/P6408040201/"
    code, _, err = run(
        capsys,
        "add-facility",
        "--db",
        db_url,
        "--code",
        "P9",
        "--name",
        "X",
        "--under",
        "64.08",
        "--type",
        "puskesmas",
    )
    assert code == 1 and "goes under a kecamatan" in err

    monkeypatch.setattr(sys, "stdin", io.StringIO("rahasia-123\n"))
    code, _, err = run(
        capsys,
        "add-user",
        "--db",
        db_url,
        "--username",
        "Ani",
        "--name",
        "Ani Lestari",
        "--role",
        "petugas_puskesmas",
        "--org-unit",
        "P6408040201",
        "--phone",
        "0812",
    )
    assert code == 0, err
    engine = db.make_engine(db_url)
    try:
        with db.session_factory(engine)() as s:
            user = s.scalars(select(User)).one()
            assert (user.username, user.phone, user.active) == ("ani", "0812", True)
            assert user.password_hash.startswith("$argon2id$")
            assert "rahasia-123" not in user.password_hash
            assert s.scalars(select(UserOrgUnit.org_unit)).all() == ["P6408040201"]
    finally:
        engine.dispose()

    for args, message in [
        (
            ["--username", "ani", "--role", "petugas_puskesmas", "--org-unit", "P6408040201"],
            "is taken",
        ),
        (
            ["--username", "x1", "--role", "petugas_puskesmas", "--org-unit", "64.08.04"],
            "is a kecamatan",
        ),
        (["--username", "x2", "--role", "admin_provinsi", "--org-unit", "99"], "does not exist"),
    ]:
        monkeypatch.setattr(sys, "stdin", io.StringIO("rahasia-123\n"))
        code, _, err = run(capsys, "add-user", "--db", db_url, "--name", "X", *args)
        assert code == 1 and message in err, err
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    code, _, err = run(
        capsys,
        "add-user",
        "--db",
        db_url,
        "--name",
        "X",
        "--username",
        "x3",
        "--role",
        "admin_provinsi",
        "--org-unit",
        "64",
    )
    assert code == 1 and "at least 8" in err
    assert audit_actions(db_url) == ["import-wilayah", "add-facility", "add-user"]


def test_revoke_device(seeded_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import UTC, datetime, timedelta

    from server import auth

    engine = db.make_engine(seeded_url)
    try:
        with db.session_scope(db.session_factory(engine)) as s:
            user_id = s.scalar(select(User.id).where(User.username == "ani"))
            now = datetime.now(UTC)
            for device in ("dev-a", "dev-b"):
                auth._store_device_token(
                    s, user_id, device, "Laptop", auth.new_token(), now, now + timedelta(days=1)
                )
    finally:
        engine.dispose()
    code, out, _ = run(
        capsys, "revoke-device", "--db", seeded_url, "--username", "ani", "--device-id", "dev-a"
    )
    assert code == 0 and "dev-a" in out and "dev-b" not in out
    code, out, _ = run(capsys, "revoke-device", "--db", seeded_url, "--username", "ani")
    assert code == 0 and "dev-b" in out
    code, _, err = run(capsys, "revoke-device", "--db", seeded_url, "--username", "ani")
    assert code == 1 and "no active devices" in err
    code, _, err = run(capsys, "revoke-device", "--db", seeded_url, "--username", "nobody")
    assert code == 1 and "no user" in err


# -- publish-form ---------------------------------------------------------------------------

FORM = (DEFINITIONS_DIR / "covid19-harian.yaml").read_text(encoding="utf-8-sig")


def _publish(
    db_url: str, capsys: pytest.CaptureFixture[str], path: Path, text: str
) -> tuple[int, str, str]:
    path.write_text(text, encoding="utf-8")
    return run(capsys, "publish-form", "--db", db_url, str(path))


def test_publish_form_rules(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "form.yaml"
    code, out, err = _publish(db_url, capsys, path, FORM)
    assert code == 0 and "published form covid19-harian version 1" in out, err
    code, out, _ = _publish(db_url, capsys, path, FORM)
    assert code == 0 and "already published (identical)" in out
    # A changed field type under the same version: incompatible.
    assert "type: integer" in FORM
    changed = FORM.replace("type: integer", "type: decimal", 1)
    code, _, err = _publish(db_url, capsys, path, changed)
    assert code == 1 and "incompatible" in err and "changed type" in err
    # A text-only change under the same version: refused too, asking for a new version.
    relabelled = FORM.replace("label:", "label: ", 1) + "\n# catatan\n"
    code, _, err = _publish(db_url, capsys, path, relabelled)
    assert code == 1 and "bump 'version' to 2" in err
    # The same change as version 2 is accepted.
    bumped = changed.replace("version: 1", "version: 2", 1)
    assert bumped != changed
    code, out, err = _publish(db_url, capsys, path, bumped)
    assert code == 0 and "version 2" in out, err
    engine = db.make_engine(db_url)
    try:
        with db.session_factory(engine)() as s:
            versions = s.execute(select(FormVersion.form_id, FormVersion.version)).all()
            assert sorted(versions) == [("covid19-harian", 1), ("covid19-harian", 2)]
    finally:
        engine.dispose()
    assert audit_actions(db_url) == ["publish-form", "publish-form"]
    code, _, err = _publish(db_url, capsys, path, "id: [broken")
    assert code == 1 and "form.yaml" in err and "Traceback" not in err


def test_demo_seed_is_repeatable(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo-seed", "--db", db_url)
    assert code == 0 and "demo1234" in out and "kaltim" in out
    assert run(capsys, "demo-seed", "--db", db_url)[0] == 0
    got = units(db_url)
    assert got["P6408040201"][3] == "/64/64.08/64.08.04/P6408040201/"
    actions = audit_actions(db_url)
    assert actions.count("add-user") == 5 and actions.count("demo-seed") == 2


def test_bad_urls_and_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "init", "--db", "mysql://x@y/z")
    assert code == 2 and "unsupported database" in err
    with pytest.raises(SystemExit) as e:
        main(["add-user", "--db", "sqlite:////tmp/x.db", "--username", "x"])
    assert e.value.code == 2
    capsys.readouterr()


def test_real_subprocess(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kabar.db'}"
    env_run = [sys.executable, "-m", "server"]
    result = subprocess.run(
        [*env_run, "init", "--db", url], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    result = subprocess.run(
        [
            *env_run,
            "add-user",
            "--db",
            url,
            "--username",
            "a",
            "--name",
            "A",
            "--role",
            "admin_provinsi",
            "--org-unit",
            "64",
        ],
        input="rahasia-123\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "kabar-server add-user: username 'a': use 2-64 lowercase letters, digits, '.', '_' or '-'"
    ]
