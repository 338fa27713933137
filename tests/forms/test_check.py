"""The ``python -m forms.check`` command a data officer runs on an edited file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from forms.check import main
from forms.loader import DEFINITIONS_DIR
from tests.forms.samples import BASE


def test_good_files_pass(capsys: pytest.CaptureFixture[str]) -> None:
    paths = sorted(str(p) for p in DEFINITIONS_DIR.glob("*.yaml"))
    assert main(paths) == 0
    out = capsys.readouterr().out
    assert out.count("OK ") == 2
    assert "covid19-harian version 1" in out and "(+3 generated)" in out


def test_a_broken_file_fails_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "rusak.yaml"
    bad.write_text(BASE.replace("required: true", "requird: true"), encoding="utf-8")
    good = tmp_path / "baik.yaml"
    good.write_text(BASE, encoding="utf-8")
    assert main([str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"ERROR {bad}:17: fields.isolasi_terisi: unknown key 'requird'" in out
    assert f"OK    {good}" in out


def test_no_arguments_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_runs_as_a_module(tmp_path: Path) -> None:
    missing = tmp_path / "tidak-ada.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "forms.check", str(missing)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert done.returncode == 1
    assert f"ERROR {missing}: (file): file not found" in done.stdout
