"""The architecture's import boundaries, checked on the source itself.

import-linter (``make lint``) enforces the same contracts; this test keeps them in the
suite too, and also covers top-level packages import-linter is not told about.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT = {"PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2"}
# package -> top-level modules it must never import
FORBIDDEN: dict[str, set[str]] = {
    "forms": QT | {"sync", "desktop", "server", "sqlalchemy", "alembic"},
    "sync": QT | {"desktop", "server"},
    "resources": QT | {"desktop", "server"},
    "server": QT | {"desktop"},
}


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value.split(".")[0])
    return found


def source_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else []


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_respects_its_import_boundary(package: str) -> None:
    offences = []
    for path in source_files(package):
        bad = imported_top_levels(path) & FORBIDDEN[package]
        if bad:
            offences.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not offences, "\n".join(offences)


def test_qt_is_only_imported_inside_desktop() -> None:
    # Every first-party package except desktop/ (tests and benchmarks may use Qt freely).
    packages = [
        p.name
        for p in ROOT.iterdir()
        if (p / "__init__.py").exists() and p.name not in {"desktop", "tests", "benchmarks"}
    ]
    assert "forms" in packages and "sync" in packages
    offences = [
        str(path.relative_to(ROOT))
        for package in packages
        for path in source_files(package)
        if imported_top_levels(path) & QT
    ]
    assert not offences, f"Qt imported outside desktop/: {offences}"


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    # Guard against a checker that can never fail.
    sample = tmp_path / "bad.py"
    sample.write_text(
        "import os\nfrom PySide6.QtWidgets import QWidget\n"
        "import importlib\nimportlib.import_module('desktop.app')\n",
        encoding="utf-8",
    )
    assert {"PySide6", "desktop"} <= imported_top_levels(sample)
