"""The built desktop bundle (dist/kabar, from `make bundle`): its smoke test passes, the server
stack and unused Qt stay out, and the data files the app reads from disk are in it.

`make test` builds the bundle first and sets KABAR_REQUIRE_BUNDLE=1: a missing bundle then
FAILS. A developer's own pytest run without a bundle skips these tests, saying why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop.smoketest import MARKER
from tests.bundle.paths import INTERNAL, PROGRAM, ROOT

#: top-level modules of the server stack and the development tools: never in the bundle
SERVER_AND_DEV = (
    "server",
    "fastapi",
    "starlette",
    "pydantic",
    "pydantic_core",
    "uvicorn",
    "httptools",
    "uvloop",
    "psycopg",
    "psycopg_binary",
    "pytest",
    "_pytest",
    "hypothesis",
    "mypy",
    "tkinter",
    "numpy",
    "IPython",
    "pygments",
    "tests",
    "benchmarks",
)


def test_the_bundles_smoke_test_passes(bundle: Path, tmp_path: Path) -> None:
    from importlib.metadata import version

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    done = subprocess.run(
        [str(PROGRAM), "--smoke-test"], env=env, capture_output=True, text=True, timeout=90
    )

    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER + " ")]
    assert len(lines) == 1, done.stdout
    report = json.loads(lines[0][len(MARKER) + 1 :])
    assert report["frozen"] is True
    assert Path(report["bundle"]) == INTERNAL.resolve()
    assert report["version"] == version("kabar")
    assert report["lang"] == "id"
    assert report["cancel"] == "Batal"
    assert len(report["forms"]) >= 1


def test_the_server_stack_and_dev_tools_are_not_bundled(bundle: Path) -> None:
    from PyInstaller.archive.readers import pkg_archive_contents

    modules = {name.split(".")[0] for name in pkg_archive_contents(str(PROGRAM))}
    folders = {p.name.split("-")[0].split(".")[0] for p in INTERNAL.iterdir()}
    assert "sqlalchemy" in modules  # the listing really reads the bundled modules
    assert sorted((modules | folders) & set(SERVER_AND_DEV)) == []


def test_pyside6_is_not_imported_before_the_launcher_runs(bundle: Path) -> None:
    from PyInstaller.archive.readers import pkg_archive_contents

    scripts = set(pkg_archive_contents(str(PROGRAM), recursive=False))
    assert "pyi_rth_kabar_qt" in scripts
    assert "pyi_rth_pyside6" not in scripts  # it imports QtCore before our first line
    assert "pyi_rth_multiprocessing" not in scripts


def test_data_files_are_bundled_where_the_code_looks(bundle: Path) -> None:
    from sync.store.migrate import KNOWN_REVISIONS

    versions = sorted(p.name for p in (INTERNAL / "sync/store/migrations/versions").glob("*.py"))
    assert [name[:4] for name in versions] == list(KNOWN_REVISIONS)
    assert (INTERNAL / "sync/store/migrations/env.py").is_file()
    source_forms = sorted(p.name for p in (ROOT / "forms/definitions").glob("*.yaml"))
    assert sorted(p.name for p in (INTERNAL / "forms/definitions").glob("*.yaml")) == source_forms
    for qm in ("kabar_id.qm", "qtbase_id.qm"):
        assert (INTERNAL / "resources/translations" / qm).stat().st_size > 0
    assert (INTERNAL / "resources/demo/org_units.csv").is_file()
    # the version's metadata: dist-info, or egg-info when the editable install is found first
    assert [*INTERNAL.glob("kabar-*.dist-info/METADATA"), *INTERNAL.glob("kabar.egg-info/PKG-INFO")]
    entry_points = list(INTERNAL.glob("keyring-*.dist-info/entry_points.txt"))
    assert entry_points and "keyring.backends" in entry_points[0].read_text(encoding="utf-8")


def test_only_the_qt_the_app_uses_is_bundled(bundle: Path) -> None:
    qt = INTERNAL / "PySide6"
    plugins = {p.parent.name for p in qt.rglob("*") if p.parent.parent.name == "plugins"}
    assert plugins <= {"platforms", "platforminputcontexts", "networkinformation"}
    platforms = sorted(p.name for p in qt.rglob("platforms/*"))
    expected = {
        "win32": ["qoffscreen.dll", "qwindows.dll"],
        "linux": ["libqoffscreen.so", "libqxcb.so"],
    }.get(sys.platform)
    if expected is not None:
        assert platforms == expected
    assert list(qt.rglob("translations/*.qm")) == []  # Qt's own: the app ships qtbase_id
    assert not [p for p in qt.rglob("*") if "Wayland" in p.name or "OpenGL" in p.name]
