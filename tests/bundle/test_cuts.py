"""What build_spec/bundle_rules.py leaves out breaks nothing: the app's real paths (a migration
from nothing, saving, login + sync against the live server, CSV/XLSX export, the keyring
backends, checking a setup code's signature) run with the bundle's module set, and the built
bundle starts on an empty data folder.

The module-set test needs no bundle: it runs the paths from source in a Python where every
excluded module fails to import and SQLAlchemy/charset_normalizer load their pure-Python twins,
as in the bundle. The bundle tests use dist/kabar like test_bundle.py.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bundle.paths import PROGRAM
from tests.bundle.test_rules import rules

ROOT = Path(__file__).resolve().parents[2]
MARK = "KABAR_CUTS "

#: Runs in a fresh interpreter: argv = live server URL, work folder, JSON of the rules.
PROBE = textwrap.dedent(
    """
    import importlib.abc, importlib.machinery, importlib.util, json, sys
    from pathlib import Path

    URL, WORK = sys.argv[1], Path(sys.argv[2])
    RULES = json.loads(sys.argv[3])
    tried = set()

    class BundleModules(importlib.abc.MetaPathFinder):
        # what the bundle lacks cannot be imported; compiled speed-ups give way to their twins
        def find_spec(self, name, path=None, target=None):
            if any(name == x or name.startswith(x + ".") for x in RULES["excluded"]):
                tried.add(name)
                raise ModuleNotFoundError(f"not in the bundle: {name}", name=name)
            if name.split(".")[0] not in RULES["pure"]:
                return None
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
            if spec is None or not str(spec.origin).endswith(suffixes):
                return spec
            twin = Path(spec.origin).with_name(name.rsplit(".", 1)[-1] + ".py")
            return importlib.util.spec_from_file_location(name, twin)

    sys.meta_path.insert(0, BundleModules())

    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1
        def __init__(self):
            super().__init__()
            self.saved = {}
        def get_password(self, service, username):
            return self.saved.get((service, username))
        def set_password(self, service, username, password):
            self.saved[(service, username)] = password
        def delete_password(self, service, username):
            self.saved.pop((service, username), None)

    memory = MemoryKeyring()
    keyring.set_keyring(memory)  # never the real OS keyring of whoever runs the tests

    from datetime import date, timedelta
    from forms.loader import builtin_forms
    from sync.engine import SyncEngine, login_and_prepare
    from sync.export import export_csv, export_xlsx
    from sync.store import Store
    from sync.store.migrate import current_revision
    from sync.transport import Transport

    import sqlite3
    from sync.integrity import DB_NAME

    store = Store.open(WORK / "data")
    with sqlite3.connect(WORK / "data" / DB_NAME) as conn:
        revision = current_revision(conn)
    forms = builtin_forms()
    covid = next(f for f in forms if f.id == "covid19-harian")
    transport = Transport(URL, app_version="0.1.0", timeout=(5.0, 30.0))
    login_and_prepare(store, transport, "ani", "rahasia-123", "laptop")
    store.save_day(
        "P6408040201", covid, date.today() - timedelta(days=3), {"suspek_baru": 2}, author="ani"
    )
    report = SyncEngine(store, transport).run()
    rows = export_xlsx(store, "P6408040201", forms, WORK / "out.xlsx")
    export_csv(store, "P6408040201", forms, WORK / "out.csv")

    import argon2, charset_normalizer, importlib.metadata
    import keyring.backends.SecretService, sync.setupcode, truststore
    from sqlalchemy.util._has_cython import HAS_CYEXTENSION

    # a setup code as the server signs it and the client reads and checks it
    import base64
    from datetime import UTC, datetime
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    code = sync.setupcode.encode(
        server_url=URL, facility="P6408040201", cert_sha256=None,
        expires_at=datetime.now(UTC) + timedelta(days=1), code_id=bytes(range(8)),
        private_key=key,
    )
    parsed = sync.setupcode.parse(code.text())
    signed_ok = sync.setupcode.verify(parsed, [base64.b64encode(public).decode()])
    forged_ok = sync.setupcode.verify(parsed, [base64.b64encode(bytes(32)).decode()])

    guess = charset_normalizer.from_bytes("Kasus baru: dua, sembuh: tiga".encode("utf-16"))
    print("KABAR_CUTS " + json.dumps({
        "revision": revision,
        "pushed": report.pushed,
        "finished": report.finished,
        "problem": None if report.problem is None else str(report.problem),
        "token_kept": bool(memory.saved),
        "xlsx_rows": rows,
        "sqlalchemy_compiled": HAS_CYEXTENSION,
        "charset_md": charset_normalizer.md.__file__,
        "charset_guess": guess.best().encoding,
        "setup_code": [signed_ok, forged_ok],
        "tried_excluded": sorted(tried),
    }))
    """
)


@pytest.fixture
def live_url(tmp_path: Path) -> Iterator[str]:
    """The real server on a SQLite database with the demo accounts and the built-in forms."""
    pytest.importorskip("uvicorn", reason="the server stack is not installed")
    from server.db import migrate
    from tests.server.conftest import LiveServer, seed
    from tests.server.test_sync_support import publish_builtin_forms

    url = f"sqlite:///{tmp_path / 'server.db'}"
    migrate(url)
    seed(url)
    publish_builtin_forms(url)
    server = LiveServer(url).start()
    try:
        yield server.url
    finally:
        server.stop()


def test_the_apps_paths_run_with_the_bundles_module_set(live_url: str, tmp_path: Path) -> None:
    from sync.store.migrate import HEAD_REVISION

    rule_set = {"excluded": rules.EXCLUDED_MODULES, "pure": sorted(rules.PURE_PYTHON)}
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", PROBE, live_url, str(tmp_path), json.dumps(rule_set)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
    )

    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    assert len(lines) == 1, done.stdout
    report = json.loads(lines[0][len(MARK) :])
    assert report["revision"] == HEAD_REVISION  # the whole migration, from an empty folder
    assert report["pushed"] == 1 and report["finished"] is True, report
    assert report["problem"] is None
    assert report["token_kept"] is True
    assert report["xlsx_rows"] >= 1
    with zipfile.ZipFile(tmp_path / "out.xlsx") as book:
        assert "xl/workbook.xml" in book.namelist()
    assert "suspek_baru" in (tmp_path / "out.csv").read_text(encoding="utf-8")
    # the twins really ran, as in the bundle
    assert report["sqlalchemy_compiled"] is False
    assert report["charset_md"].endswith("md.py")
    assert report["setup_code"] == [True, False]
    assert report["charset_guess"].replace("_", "").startswith("utf16")


def test_the_bundle_starts_on_an_empty_data_folder(bundle: Path, tmp_path: Path) -> None:
    from sync.integrity import DB_NAME
    from sync.store.migrate import HEAD_REVISION

    data = tmp_path / "new-folder"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    done = subprocess.run(
        [str(PROGRAM), "--data-dir", str(data), "--lang", "id", "--quit-when-idle"],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )

    assert done.returncode == 0, done.stderr
    idle = [line for line in done.stdout.splitlines() if line.startswith("KABAR_IDLE ")]
    assert len(idle) == 1, done.stdout
    assert json.loads(idle[0].split(" ", 1)[1])["facility"]  # demo org units were loaded
    with sqlite3.connect(data / DB_NAME) as conn:
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        units = conn.execute("SELECT count(*) FROM org_units").fetchone()[0]
    assert revision == HEAD_REVISION
    assert units > 0
    assert "Traceback" not in done.stderr
    assert "Warning:" not in done.stderr  # Python's warnings (SAWarning: …), not Qt's lines


def test_the_cut_modules_are_out_and_the_twins_in(bundle: Path) -> None:
    from PyInstaller.archive.readers import pkg_archive_contents

    modules = set(pkg_archive_contents(str(PROGRAM)))
    excluded = [m for m in rules.EXCLUDED_MODULES if m.startswith(("sqlalchemy.", "urllib3."))]
    assert [m for m in modules if m.startswith(tuple(excluded))] == []
    assert {"sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql"} <= modules
    # the pure-Python twins are modules of the archive; no compiled copy is left beside them
    assert {"sqlalchemy.engine._row_cy", "charset_normalizer.md"} <= modules
    for package in rules.PURE_PYTHON:
        assert not (bundle / package).exists() or not any((bundle / package).rglob("*.so"))
        assert not (bundle / package).exists() or not any((bundle / package).rglob("*.pyd"))
    if sys.platform.startswith("linux"):
        assert "psutil" not in modules and not (bundle / "psutil").exists()
