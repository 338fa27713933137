"""Guards for the start-up path: what a normal start must not make, and what it must leave on.

Each check runs a real headless start (``--quit-when-idle``) in a fresh interpreter, then looks
at the process once the window was idle: start-up time is spent on exactly these things.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import gc, json, sys
import desktop.app
import PySide6.QtWidgets as widgets

at_idle = {}
read_rss_kb = desktop.app.read_rss_kb


def snapshot():  # called by the idle report, before it prints KABAR_IDLE
    at_idle["made"] = sorted(n for n in ("QMessageBox", "QStyle") if n in vars(widgets))
    heavy = ("uuid", "platform", "yaml", "sqlalchemy", "alembic", "hashlib", "locale")
    at_idle["imported"] = sorted(m for m in heavy if m in sys.modules)
    from desktop import gcguard

    # collection is back on at idle, on the GUI thread (the launcher paused it for the start)
    at_idle["gc_on_gui_thread"] = gcguard.active() and not gc.isenabled()
    return read_rss_kb()


desktop.app.read_rss_kb = snapshot
from desktop.launcher import main
code = main(sys.argv[1:])
app = widgets.QApplication.instance()
at_idle.update(code=code, style=app.style().name() if app is not None else None)
print("PROBE " + json.dumps(at_idle))
"""


def probe_start(data_dir: Path) -> dict[str, object]:
    """A second start of a demo data folder (the first one made the file and the demo days)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    first = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop",
            "--data-dir",
            str(data_dir),
            "--demo",
            "--quit-when-idle",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert first.returncode == 0, first.stderr
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "--data-dir", str(data_dir), "--quit-when-idle"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "KABAR_IDLE " in result.stdout
    line = next(x for x in result.stdout.splitlines() if x.startswith("PROBE "))
    return dict(json.loads(line[len("PROBE ") :]))


def test_a_normal_start_makes_no_message_box_or_style_class_and_leaves_gc_on(
    tmp_path: Path,
) -> None:
    found = probe_start(tmp_path / "data")
    assert found["code"] == 0
    # Creating either PySide6 class builds its enums (milliseconds each): only when one is used.
    assert found["made"] == []
    # Needed only to save, sync or read YAML: ms of imports each (uuid imports platform;
    # hashlib loads OpenSSL: forms already recorded are not hashed again; locale came with
    # argparse's translations, which the usual command line does without).
    assert found["imported"] == []
    # The launcher pauses the collector for the start; idle turns it back on.
    assert found["gc_on_gui_thread"] is True
    # The style is given to QApplication on its command line, not set afterwards.
    assert found["style"] == "fusion"
