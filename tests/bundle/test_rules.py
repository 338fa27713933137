"""build_spec/bundle_rules.py: which files the Qt rules keep and drop (Linux and Windows names),
the X11 package list the Makefile installs agrees with the one the spec asks for, and compiled
speed-ups are swapped for their pure-Python twins (or the build stops)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_rules() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bundle_rules", ROOT / "build_spec/bundle_rules.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


rules = load_rules()


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/plugins/platforms/qwindows.dll",
        "PySide6/plugins/platforms/qoffscreen.dll",
        "PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so",
        "PySide6/Qt/plugins/networkinformation/libqnetworkmanager.so",
        "PySide6/plugins/networkinformation/qnetworklistmanager.dll",
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "PySide6/Qt6Network.dll",
        "PySide6/Qt/lib/libQt6XcbQpa.so.6",
        "resources/translations/qtbase_id.qm",
    ],
)
def test_what_the_app_uses_is_kept(dest: str) -> None:
    assert rules.rule_for(dest) is None


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/translations/qtbase_de.qm",
        "PySide6/translations/qtbase_ja.qm",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/platforms/libqvnc.so",
        "PySide6/plugins/platforms/qdirect2d.dll",
        "PySide6/Qt/lib/libQt6WaylandClient.so.6",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "PySide6/Qt/plugins/imageformats/libqjpeg.so",
        "PySide6/plugins/imageformats/qsvg.dll",
        "PySide6/Qt/plugins/tls/libqopensslbackend.so",
        "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
        "PySide6/Qt/plugins/networkinformation/libqglib.so",
        "PySide6/opengl32sw.dll",
        "PySide6/plugins/styles/qmodernwindowsstyle.dll",
        "PySide6/Qt/lib/libQt6Svg.so.6",
    ],
)
def test_what_the_app_does_not_use_is_dropped(dest: str) -> None:
    assert rules.rule_for(dest) is not None


def test_the_makefile_installs_the_packages_the_spec_asks_for() -> None:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^XCB_PKGS := (.*?)(?<!\\)\n", text, re.M | re.S)
    assert match is not None
    assert sorted(match.group(1).replace("\\", " ").split()) == sorted(rules.XCB_DEBIAN_PACKAGES)


def test_the_server_stack_is_excluded() -> None:
    for name in ("server", "fastapi", "uvicorn", "psycopg", "pytest", "hypothesis", "tkinter"):
        assert name in rules.EXCLUDED_MODULES


@pytest.mark.parametrize(
    ("dest", "name"),
    [
        ("sqlalchemy/engine/_row_cy.cpython-311-x86_64-linux-gnu.so", "sqlalchemy.engine._row_cy"),
        (
            "sqlalchemy\\util\\_collections_cy.cp311-win_amd64.pyd",
            "sqlalchemy.util._collections_cy",
        ),
        ("charset_normalizer/md.cpython-311-darwin.so", "charset_normalizer.md"),
        ("_cffi_backend.cpython-311-x86_64-linux-gnu.so", "_cffi_backend"),
    ],
)
def test_module_name_of_an_extension(dest: str, name: str) -> None:
    assert rules.module_name(dest) == name


class FakeAnalysis:
    """The two lists of PyInstaller's Analysis that prefer_pure_python reads and rewrites."""

    def __init__(self, binaries: list[tuple[str, str, str]], pure: list[tuple[str, str, str]]):
        self.binaries = binaries
        self.pure = pure


def test_compiled_speedups_are_swapped_for_their_python_twins(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "sqlalchemy/engine").mkdir(parents=True)
    so = site / "sqlalchemy/engine/_row_cy.cpython-311-x86_64-linux-gnu.so"
    so.write_bytes(b"\0" * 100)
    twin = site / "sqlalchemy/engine/_row_cy.py"
    twin.write_text("x = 1\n", encoding="utf-8")
    other = site / "_cffi_backend.cpython-311-x86_64-linux-gnu.so"
    other.write_bytes(b"\0" * 7)
    libpython = ("libpython3.11.so.1.0", "/usr/lib/libpython3.11.so.1.0", "BINARY")
    analysis = FakeAnalysis(
        [
            ("sqlalchemy/engine/_row_cy.cpython-311-x86_64-linux-gnu.so", str(so), "EXTENSION"),
            ("_cffi_backend.cpython-311-x86_64-linux-gnu.so", str(other), "EXTENSION"),
            libpython,
        ],
        [("sqlalchemy", str(site / "sqlalchemy/__init__.py"), "PYMODULE")],
    )

    swapped = rules.prefer_pure_python(analysis, tmp_path / "report.json")

    assert swapped == ["sqlalchemy.engine._row_cy"]
    assert [b[0] for b in analysis.binaries] == [
        "_cffi_backend.cpython-311-x86_64-linux-gnu.so",
        "libpython3.11.so.1.0",
    ]
    assert ("sqlalchemy.engine._row_cy", str(twin), "PYMODULE") in analysis.pure
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["removed_bytes"] == 100
    assert set(report["reasons"]) == set(rules.PURE_PYTHON)


def test_an_extension_without_a_python_twin_stops_the_build(tmp_path: Path) -> None:
    (tmp_path / "charset_normalizer").mkdir()
    so = tmp_path / "charset_normalizer/md.cpython-311-x86_64-linux-gnu.so"
    so.write_bytes(b"\0")
    analysis = FakeAnalysis([("charset_normalizer/" + so.name, str(so), "EXTENSION")], [])

    with pytest.raises(SystemExit, match="no pure-Python twin"):
        rules.prefer_pure_python(analysis, tmp_path / "report.json")


def test_every_pure_python_package_really_has_its_twins() -> None:
    """The installed wheels ship a .py next to each compiled module (the build relies on it)."""
    import importlib.machinery
    import importlib.util

    for package in rules.PURE_PYTHON:
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.submodule_search_locations is not None
        root = Path(next(iter(spec.submodule_search_locations)))
        compiled = [
            p for suffix in importlib.machinery.EXTENSION_SUFFIXES for p in root.rglob("*" + suffix)
        ]
        for path in compiled:
            assert path.with_name(path.name.split(".")[0] + ".py").is_file(), path


def test_only_the_unused_sqlalchemy_dialects_are_excluded() -> None:
    dialects = {m for m in rules.EXCLUDED_MODULES if m.startswith("sqlalchemy.dialects.")}
    assert dialects == {
        "sqlalchemy.dialects.mysql",
        "sqlalchemy.dialects.oracle",
        "sqlalchemy.dialects.mssql",
    }
    # the store's own dialect, and the one alembic.ddl imports at run time, stay
    assert "sqlalchemy.dialects.sqlite" not in rules.EXCLUDED_MODULES
    assert "sqlalchemy.dialects.postgresql" not in rules.EXCLUDED_MODULES
    assert ("psutil" in rules.EXCLUDED_MODULES) == sys.platform.startswith("linux")


@pytest.mark.parametrize(
    ("dest", "dropped"),
    [
        ("cryptography-50.0.2.dist-info/RECORD", True),
        ("kabar.egg-info/SOURCES.txt", True),
        # what importlib.metadata reads (the version, keyring's backends) and the licences stay
        ("keyring-25.7.0.dist-info/METADATA", False),
        ("keyring-25.7.0.dist-info/entry_points.txt", False),
        ("kabar.egg-info/PKG-INFO", False),
        ("cryptography-50.0.2.dist-info/licenses/LICENSE.APACHE", False),
        ("sync/store/migrations/versions/0001_initial.py", False),
    ],
)
def test_package_metadata_nobody_reads_is_dropped(dest: str, dropped: bool) -> None:
    assert (rules.rule_for(dest) is not None) == dropped
