"""Print Kabar's version from pyproject.toml, for ``iscc /DAppVersion=...`` (one source)."""

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def app_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


if __name__ == "__main__":
    sys.stdout.write(app_version() + "\n")
