"""Bundle benchmark: the Kabar bundle against a bare PySide6 one-window bundle built the same way.

Both are built in the same run by build_spec/build.py (same PyInstaller, onedir, no UPX, the
same excludes and Qt rules from build_spec/bundle_rules.py) into a temporary folder, never
dist/. Checked: compressed size ratio (the .tar.xz make dist makes) and start-to-idle time
ratio of the bundled programs, offscreen, Kabar opening a data folder with a year of data.
"""

from __future__ import annotations

import lzma
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._report import check, emit, median
from benchmarks.startup import RUNS, alternate, seed_year, time_to_idle

ROOT = Path(__file__).resolve().parent.parent
SPECS = {"kabar": ROOT / "build_spec" / "kabar.spec", "bare": ROOT / "build_spec/bare/bare.spec"}
SIZE_LIMIT = 1.25
TIME_LIMIT = 2.0


def _build_spec_module(name: str) -> Any:
    """build_spec/ is a folder of scripts, not a package: load one of them by path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        f"build_spec_{name}", ROOT / "build_spec" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def files_of(folder: Path) -> dict[str, int]:
    """Relative path -> bytes of every regular file (symbolic links are not counted twice)."""
    return {
        p.relative_to(folder).as_posix(): p.stat().st_size
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


def xz_bytes(path: Path) -> int:
    return len(lzma.compress(path.read_bytes(), preset=6))


def group_of(relative: str, program: str) -> str:
    """What a file belongs to: its top-level package or library under _internal."""
    if relative == program:
        return "program (its Python modules, PYZ)"
    parts = relative.split("/")
    if parts[0] == "_internal" and len(parts) > 1:
        return parts[1] if len(parts) == 2 else parts[1] + "/"
    return relative


def kabar_adds(kabar: Path, bare: Path) -> list[dict[str, Any]]:
    """The 10 largest things Kabar adds over the bare bundle, by xz size (per file, preset 6)."""
    k_files, b_files = files_of(kabar), files_of(bare)
    groups: dict[str, list[int]] = {}
    for relative, size in k_files.items():
        if relative == "kabar":
            added = size - b_files["bare"]
            packed = xz_bytes(kabar / "kabar") - xz_bytes(bare / "bare")
        elif relative in b_files:
            continue
        else:
            added, packed = size, xz_bytes(kabar / relative)
        group = groups.setdefault(group_of(relative, "kabar"), [0, 0])
        group[0] += added
        group[1] += packed
    ranked = sorted(groups.items(), key=lambda item: -item[1][1])[:10]
    return [{"what": name, "bytes": raw, "xz_bytes": packed} for name, (raw, packed) in ranked]


def start_times(kabar: Path, bare: Path, data_dir: Path, tmp: Path) -> dict[str, Any]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    kabar_cmd = [str(kabar / "kabar"), "--data-dir", str(data_dir), "--lang", "id"]
    kabar_cmd.append("--quit-when-idle")
    bare_cmd = [str(bare / "bare")]
    kabar_t, kabar_rss, bare_t, bare_rss = alternate(kabar_cmd, bare_cmd, env)
    first_t = []
    for run in range(RUNS):
        empty = tmp / f"empty-{run}"  # a first start: new store, migrations, demo org units
        cmd = [str(kabar / "kabar"), "--data-dir", str(empty), "--lang", "id", "--quit-when-idle"]
        first_t.append(time_to_idle(cmd, env)[0])
    return {
        "kabar_idle_s": round(median(kabar_t), 3),
        "bare_idle_s": round(median(bare_t), 3),
        "kabar_idle_s_all": [round(x, 3) for x in kabar_t],
        "bare_idle_s_all": [round(x, 3) for x in bare_t],
        "kabar_first_start_s": round(median(first_t), 3),
        "kabar_rss_mb": round(median(kabar_rss) / 1024, 1),
        "bare_rss_mb": round(median(bare_rss) / 1024, 1),
    }


def main() -> None:
    build = _build_spec_module("build")
    archive = _build_spec_module("archive")
    figures: dict[str, Any] = {"runs": RUNS}
    with tempfile.TemporaryDirectory(prefix="kabar-bundle-bench-") as tmp_name:
        tmp = Path(tmp_name)
        folders = {}
        for name, spec in SPECS.items():
            seconds = build.build(spec, tmp / "dist", tmp / "build")
            folders[name] = tmp / "dist" / name
            figures[f"{name}_build_s"] = round(seconds, 1)
            figures[f"{name}_bytes"] = sum(files_of(folders[name]).values())
            started = time.perf_counter()
            figures[f"{name}_xz_bytes"] = archive.pack(folders[name], tmp / f"{name}.tar.xz")
            figures[f"{name}_pack_s"] = round(time.perf_counter() - started, 1)
        figures["kabar_adds_top10"] = kabar_adds(folders["kabar"], folders["bare"])
        data_dir = tmp / "data"
        seeded = seed_year(data_dir)
        figures["seeded_days"] = seeded["days"]
        figures.update(start_times(folders["kabar"], folders["bare"], data_dir, tmp))
    size_ratio = round(figures["kabar_xz_bytes"] / figures["bare_xz_bytes"], 3)
    time_ratio = round(figures["kabar_idle_s"] / figures["bare_idle_s"], 3)
    figures["size_ratio"] = size_ratio
    figures["time_ratio"] = time_ratio
    k_mb, b_mb = figures["kabar_xz_bytes"] / 1e6, figures["bare_xz_bytes"] / 1e6
    print(
        f"compressed {k_mb:.1f} MB / {b_mb:.1f} MB = {size_ratio}×;"
        f" idle {figures['kabar_idle_s']:.3f} s / {figures['bare_idle_s']:.3f} s = {time_ratio}×;"
        f" first start {figures['kabar_first_start_s']:.3f} s",
        file=sys.stderr,
    )
    emit(
        "bundle",
        figures,
        [
            check("bundle_size_ratio", size_ratio, "<=", SIZE_LIMIT),
            check("bundle_startup_time_ratio", time_ratio, "<=", TIME_LIMIT),
        ],
    )


if __name__ == "__main__":
    main()
