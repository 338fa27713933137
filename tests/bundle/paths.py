"""Where `make bundle` puts the built desktop bundle (dist/kabar)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLE_DIR = ROOT / "dist" / "kabar"
PROGRAM = BUNDLE_DIR / ("kabar.exe" if sys.platform == "win32" else "kabar")
#: the folder the bundled modules, libraries and data files live in
INTERNAL = BUNDLE_DIR / "_internal"
