"""Build a bundle from a spec the one way make dist and benchmarks.bundle both use.

``python build_spec/build.py build_spec/kabar.spec --distpath dist --workpath build``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

#: PyInstaller zlib-compresses the Python modules (PYZ) inside the program; the archive's xz
#: cannot squeeze zlib output any further, so the modules go in uncompressed and xz does the
#: work once: the Kabar .tar.xz is 42.2 MB instead of 46.2 MB (Linux, measured). Reading them
#: uncompressed costs nothing measurable at start-up.
PYZ_ZLIB_LEVEL = "0"


def build(spec: Path, distpath: Path, workpath: Path) -> float:
    """Run PyInstaller on ``spec`` (a fresh process); return the seconds it took."""
    env = dict(os.environ, PYINSTALLER_ZLIB_COMPRESSION_LEVEL=PYZ_ZLIB_LEVEL)
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    cmd += ["--distpath", str(distpath), "--workpath", str(workpath), str(spec)]
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("spec", type=Path)
    parser.add_argument("--distpath", type=Path, default=Path("dist"))
    parser.add_argument("--workpath", type=Path, default=Path("build"))
    args = parser.parse_args()
    seconds = build(args.spec, args.distpath, args.workpath)
    print(f"built {args.spec.stem} in {seconds:.0f} s -> {args.distpath}", file=sys.stderr)


if __name__ == "__main__":
    main()
