"""``kabar --smoke-test`` from the source tree: the marker and exit 0, a clear failure, no
trace in the user's own folders, and no cost on the normal start-up path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop.smoketest import FAILED, MARKER, TRANSLATIONS_ENV

ROOT = Path(__file__).resolve().parents[2]


def run_smoke(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m desktop --smoke-test`` with HOME and the XDG folders inside ``tmp_path``."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    full_env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        **env,
    )
    full_env.pop("KABAR_LOG_DIR", None)  # the default log folder must stay untouched too
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--smoke-test"],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=90,
    )


def marker_line(stdout: str) -> dict[str, object]:
    lines = [line for line in stdout.splitlines() if line.startswith(MARKER + " ")]
    assert len(lines) == 1, stdout
    return dict(json.loads(lines[0][len(MARKER) + 1 :]))


def test_smoke_test_from_source_passes_and_reports(tmp_path: Path) -> None:
    from importlib.metadata import version

    from forms.loader import builtin_forms
    from sync.store.migrate import HEAD_REVISION

    done = run_smoke(tmp_path)

    assert done.returncode == 0, done.stderr
    report = marker_line(done.stdout)
    assert report["version"] == version("kabar")
    assert report["frozen"] is False
    assert report["platform"] == "offscreen"
    assert report["lang"] == "id"
    assert report["cancel"] == "Batal"
    assert report["forms"] == [form.id for form in builtin_forms()]
    assert report["store_revision"] == HEAD_REVISION
    assert str(report["keyring"]).startswith("keyring.backends.")
    assert FAILED not in done.stderr


def test_smoke_test_leaves_the_users_folders_alone(tmp_path: Path) -> None:
    done = run_smoke(tmp_path)

    assert done.returncode == 0, done.stderr
    home = tmp_path / "home"
    touched = sorted(
        str(p.relative_to(home))
        for p in home.rglob("*")
        if "kabar" in p.name.lower() and p.exists()
    )
    assert touched == []


def test_broken_translations_fail_with_a_clear_line(tmp_path: Path) -> None:
    empty = tmp_path / "no-translations"
    empty.mkdir()

    done = run_smoke(tmp_path, **{TRANSLATIONS_ENV: str(empty)})

    assert done.returncode == 1
    assert MARKER not in done.stdout
    failed = [line for line in done.stderr.splitlines() if line.startswith(FAILED + " ")]
    assert len(failed) == 1, done.stderr
    detail = json.loads(failed[0][len(FAILED) + 1 :])
    assert detail["step"] == "translations"
    assert "Indonesian" in detail["error"]
    assert "kabar --smoke-test: gagal pada langkah 'translations'" in done.stderr


def test_the_normal_start_does_not_import_the_smoke_test() -> None:
    probe = (
        "import sys; import desktop.launcher as l; l.parse_args([]);"
        "print(sorted(m for m in sys.modules"
        " if m == 'desktop.smoketest' or m.startswith('PySide6')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
