"""What a Kabar bundle leaves out: Python packages the desktop app never runs, and the Qt
plugins, libraries and translations it does not use. Shared by kabar.spec and bare/bare.spec,
so the benchmark's bare bundle is trimmed by exactly the same rules.

Each rule carries a one-line reason; ``trim`` records the bytes every rule removed
(build/<name>/trim-report.json) so anyone can see what a rule is worth.
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: Strip symbol tables from the shared libraries (both specs; Linux and macOS). Wheels ship some
#: with debug info (libpython, sqlalchemy, PyYAML); stripping is not packing like UPX: nothing is
#: unpacked at start. Windows DLLs carry no symbols (and PyInstaller advises against it there).
STRIP = sys.platform != "win32"

#: Modules PyInstaller would otherwise follow into the bundle. Measured on Linux (du of
#: dist/kabar): an untrimmed build is 221 MB, most of the non-Qt part from this list.
EXCLUDED_MODULES = [
    # the provincial server (issue 3) and its stack: installed by `make setup` for the tests,
    # reached through optional imports (sqlalchemy's psycopg dialect), never run by the app
    "server",
    "fastapi",
    "starlette",
    "pydantic",
    "pydantic_core",
    "uvicorn",
    "httptools",
    "uvloop",
    "watchfiles",
    "websockets",
    "anyio",
    "h11",
    "dotenv",
    "psycopg",
    "psycopg_binary",
    "psycopg_c",
    "psycopg2",
    # development tools
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "mypy",
    "mypyc",
    "ruff",
    "importlinter",
    "grimp",
    "IPython",
    "PyInstaller",
    "setuptools",
    "pkg_resources",
    "pip",
    "tests",
    "benchmarks",
    # optional imports of the libraries we use (openpyxl: pillow/lxml/numpy; sqlalchemy: its
    # testing plugin); the app writes plain .xlsx without them
    "tkinter",
    "_tkinter",
    "numpy",
    "pandas",
    "PIL",
    "lxml",
    "matplotlib",
    "sqlalchemy.testing",
    "alembic.testing",
    # mako (alembic's templates) colours tracebacks with pygments when present: 4.5 MB of
    # lexers; SQLAlchemy's asyncio extension (we use the sync API); decimal's pure-Python twin
    # (CPython always has the C _decimal)
    "pygments",
    "sqlalchemy.ext.asyncio",
    "_pydecimal",
    # only concurrent.futures' process pool imports it, and nothing uses that pool; with it
    # PyInstaller adds a start-up hook that imports multiprocessing (19 ms at every start)
    "multiprocessing",
    "concurrent.futures.process",
    # Qt bindings the app does not import (their Qt libraries go with them)
    "PySide6.QtDBus",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtSvg",
    "PySide6.QtSvgWidgets",
    "PySide6.QtPrintSupport",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtXml",
    "PySide6.QtConcurrent",
    "PySide6.QtUiTools",
    # SQLAlchemy's hook adds every dialect; the app's store is SQLite and Alembic's ddl modules
    # name these three only for type checking (postgresql stays: alembic.ddl imports it)
    "sqlalchemy.dialects.mysql",
    "sqlalchemy.dialects.oracle",
    "sqlalchemy.dialects.mssql",
    # urllib3's optional extras: SOCKS proxies (needs PySocks, not installed), pyOpenSSL (requests
    # injects it only into a Python without SNI) and the browser (Pyodide) fetch backend
    "urllib3.contrib.socks",
    "urllib3.contrib.pyopenssl",
    "urllib3.contrib.emscripten",
    # the pure-Python twin of the C _zoneinfo CPython always has (as _pydecimal above)
    "zoneinfo._zoneinfo",
    # SAX parsing: PyInstaller's xml hook adds it, nothing the app runs parses XML with it
    # (openpyxl writes through ElementTree and et_xmlfile); the build's two warnings 'Hidden
    # import "xml.sax..." not found' are that hook's, and expected
    "xml.sax",
    # urllib.request imports it only to open ftp:// addresses; requests never does
    "ftplib",
    # SQLAlchemy's ORM: only sync/store/models.py is written in it, and no running code reads
    # the models (the store is plain sqlite3; migrations are Core and Alembic operations)
    "sqlalchemy.orm",
    "sqlalchemy.ext.baked",
    "sqlalchemy.ext.declarative",
    "sync.store.models",
    # C helpers of modules the app never exercises: _uuid makes uuid1() (Kabar's ids are
    # uuid4/uuid5), _asyncio speeds up event loops (asyncio is imported by SQLAlchemy, never run);
    # both modules fall back to their pure-Python code
    "_uuid",
    "_asyncio",
    # AIX only
    "_aix_support",
    "ctypes._aix",
]
if sys.platform.startswith("linux"):
    EXCLUDED_MODULES += [
        # psutil is a development dependency; desktop.app.read_rss_kb reads /proc on Linux and
        # imports psutil only where there is no /proc (the benchmark's idle figure elsewhere)
        "psutil",
        # the other systems' halves of libraries that choose their code by sys.platform
        "asyncio.windows_events",
        "asyncio.windows_utils",
        "asyncio.proactor_events",
        "truststore._windows",
        "truststore._macos",
        "platformdirs.windows",
        "platformdirs.macos",
        "platformdirs.android",
    ]

#: Packages whose compiled speed-ups are replaced by their own pure-Python twins (the .py the
#: wheel ships next to each extension, which the package imports when the extension is absent).
PURE_PYTHON: dict[str, str] = {
    "sqlalchemy": "SQLAlchemy only runs Alembic migrations (the store itself is plain sqlite3):"
    " its Cython modules speed up result rows and statement caching, not a few dozen DDL steps",
    "charset_normalizer": "requests guesses a text encoding only for a response without a"
    " charset; the sync protocol reads JSON, whose encoding needs no guessing",
}

#: (pattern on the path inside the bundle, patterns kept despite it, reason). Patterns are
#: fnmatch-style, '/' separated, case-insensitive; they name Linux and Windows files alike.
QT_RULES: list[tuple[str, tuple[str, ...], str]] = [
    (
        "PySide6/*translations/*",
        (),
        "Qt ships no Indonesian and English needs none; the app's own qtbase_id.qm translates"
        " the standard buttons",
    ),
    (
        "PySide6/*plugins/platforms/*",
        ("*/platforms/*qoffscreen.*", "*/platforms/libqxcb.so", "*/platforms/qwindows.dll"),
        "only xcb (X11 and XWayland), windows and offscreen (smoke test, benchmark) are used",
    ),
    (
        "PySide6/*wayland*",
        (),
        "no native Wayland: on a Wayland desktop Qt falls back to xcb through XWayland",
    ),
    (
        "PySide6/*plugins/platformthemes/*",
        (),
        "gtk3 drags in GTK, cairo and friends; the app draws Fusion and its own style",
    ),
    (
        "PySide6/*plugins/xcbglintegrations/*",
        (),
        "widgets paint with the raster engine: no OpenGL",
    ),
    ("PySide6/*plugins/egldeviceintegrations/*", (), "EGL full-screen devices: not a desktop"),
    ("PySide6/*EglFSDeviceIntegration*", (), "EGL full-screen devices: not a desktop"),
    ("PySide6/*Qt6OpenGL*", (), "widgets paint with the raster engine: no OpenGL"),
    ("PySide6/*opengl32sw.dll", (), "software OpenGL for Windows: no OpenGL is used"),
    ("PySide6/*d3dcompiler*", (), "Direct3D shaders are for Qt Quick: not used"),
    ("PySide6/*plugins/generic/*", (), "evdev/tuio input is for framebuffer platforms"),
    (
        "PySide6/*plugins/imageformats/*",
        (),
        "the app shows no image files (PNG, its only built-in need, is inside QtGui)",
    ),
    ("PySide6/*plugins/iconengines/*", (), "no SVG icons are shipped (resources/icons)"),
    ("PySide6/*Qt6Svg*", (), "no SVG icons are shipped (resources/icons)"),
    ("PySide6/*plugins/tls/*", (), "HTTP goes through requests + truststore, not QtNetwork TLS"),
    (
        "PySide6/*plugins/platforminputcontexts/*",
        ("*compose*",),
        "ibus (an IME over D-Bus) is not needed to type Indonesian; compose keeps dead keys",
    ),
    (
        "PySide6/*plugins/networkinformation/*",
        ("*networkmanager*", "*networklistmanager*"),
        "one reachability backend per OS (NetworkManager, Windows NLM); glib drags in GIO",
    ),
    ("PySide6/*plugins/styles/*", (), "the app uses Fusion, built into QtWidgets"),
    ("PySide6/*Qt6Pdf*", (), "no PDF"),
    ("PySide6/*Qt6Qml*", (), "no QML"),
    ("PySide6/*Qt6Quick*", (), "no Qt Quick"),
    ("PySide6/*Qt6VirtualKeyboard*", (), "no on-screen keyboard"),
]

#: The same, for files outside Qt.
FILE_RULES: list[tuple[str, tuple[str, ...], str]] = [
    ("*.dist-info/RECORD", (), "the list of a package's installed files: read by pip only"),
    ("*.egg-info/SOURCES.txt", (), "the list of Kabar's source files: read by nothing"),
]

ORPHANS = "libraries only the removed files needed"

#: Debian packages of the libraries the xcb platform plugin links to. The bundle carries them
#: from the build machine (so `make bundle` needs them installed there); libxcb1 and the GL
#: dispatch libraries (libgl1, libegl1) come from the officer's system, like libc.
XCB_DEBIAN_PACKAGES = (
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-render0",
    "libxcb-shape0",
    "libxcb-shm0",
    "libxcb-sync1",
    "libxcb-util1",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libx11-6",
    "libx11-xcb1",
)


def _match(path: str, pattern: str) -> bool:
    return fnmatch.fnmatch(path.replace("\\", "/").lower(), pattern.lower())


def rule_for(dest: str) -> str | None:
    """The pattern of the first rule that removes ``dest``; None keeps it."""
    for pattern, keep, _reason in (*QT_RULES, *FILE_RULES):
        if _match(dest, pattern) and not any(_match(dest, k) for k in keep):
            return pattern
    return None


def _size(src: str | None) -> int:
    try:
        return os.path.getsize(src) if src else 0
    except OSError:
        return 0


def _key(name: str) -> str:
    return os.path.basename(name).lower() if sys.platform == "win32" else os.path.basename(name)


def _orphans(binaries: list[Any]) -> set[str]:
    """Shared libraries that nothing left in the bundle links to any more (dest names)."""
    from PyInstaller.depend.bindepend import get_imports

    by_name = {_key(dest): dest for dest, _src, typecode in binaries if typecode == "BINARY"}
    # Roots: Python extension modules, Qt plugins and the Python library itself; every other
    # shared library is there only because a root (or a library it needs) links to it.
    roots = [
        (dest, src)
        for dest, src, typecode in binaries
        if typecode == "EXTENSION"
        or "/plugins/" in dest.replace("\\", "/")
        or _key(dest).startswith(("libpython", "python3"))
    ]
    needed: set[str] = set()
    queue = [src for _dest, src in roots]
    src_of = {dest: src for dest, src, _t in binaries}
    while queue:
        for name, path in get_imports(queue.pop()):
            dest_dep = by_name.get(_key(path or name)) or by_name.get(_key(name))
            if dest_dep and dest_dep not in needed:
                needed.add(dest_dep)
                queue.append(src_of[dest_dep])
    root_dests = {dest for dest, _src in roots}
    return {dest for dest in by_name.values() if dest not in needed and dest not in root_dests}


def _dangling(entry: Any, gone: set[str]) -> bool:
    """A symbolic link (PyInstaller 6) to a file that was removed."""
    dest, target, typecode = entry
    if typecode != "SYMLINK":
        return False
    return os.path.normpath(os.path.join(os.path.dirname(dest), target)) in gone


QT_RUNTIME_HOOK = Path(__file__).resolve().parent / "rthook_qt.py"


def lazy_qt_runtime_hook(analysis: Any) -> None:
    """Swap PyInstaller's pyi_rth_pyside6 for rthook_qt.py (same environment, no PySide6
    import before the program's own first line)."""
    scripts = list(analysis.scripts)
    names = [entry[0] for entry in scripts]
    if "pyi_rth_pyside6" not in names:
        raise SystemExit("bundle_rules: PyInstaller's pyi_rth_pyside6 hook not found")
    scripts[names.index("pyi_rth_pyside6")] = ("pyi_rth_kabar_qt", str(QT_RUNTIME_HOOK), "PYSOURCE")
    analysis.scripts = scripts


def check_xcb_libraries(binaries: list[Any]) -> None:
    """Linux: stop the build when a library the xcb plugin needs is missing on this machine;
    the bundle would start offscreen (smoke test) but not on an officer's X11 desktop."""
    if not sys.platform.startswith("linux"):
        return
    from PyInstaller.depend.bindepend import get_imports

    xcb = [src for dest, src, _t in binaries if _key(dest) in ("libqxcb.so", "libqt6xcbqpa.so.6")]
    missing = sorted({name for src in xcb for name, path in get_imports(src) if path is None})
    if not xcb or missing:
        raise SystemExit(
            "The Qt xcb platform cannot be bundled: "
            + (f"missing {', '.join(missing)}" if missing else "libqxcb.so not found")
            + ". Install: apt-get install "
            + " ".join(XCB_DEBIAN_PACKAGES)
        )


def module_name(dest: str) -> str:
    """The dotted name of an extension module from its path in the bundle
    ('sqlalchemy/engine/_row_cy.cpython-311-x86_64-linux-gnu.so' -> 'sqlalchemy.engine._row_cy')."""
    parts = dest.replace("\\", "/").split("/")
    return ".".join([*parts[:-1], parts[-1].split(".")[0]])


def prefer_pure_python(analysis: Any, report_path: Path) -> list[str]:
    """Replace the extension modules of PURE_PYTHON's packages in ``analysis`` by their .py
    twins; write and return the module names swapped. A missing twin stops the build."""
    in_pyz = {entry[0] for entry in analysis.pure}
    kept: list[Any] = []
    twins: list[tuple[str, str, str]] = []
    removed: list[tuple[str, int]] = []
    for entry in analysis.binaries:
        dest, src, typecode = entry
        name = module_name(dest)
        if typecode != "EXTENSION" or name.split(".")[0] not in PURE_PYTHON:
            kept.append(entry)
            continue
        twin = Path(src).with_name(name.rsplit(".", 1)[-1] + ".py")
        if not twin.is_file():
            raise SystemExit(f"bundle_rules: {dest} has no pure-Python twin ({twin} is missing)")
        removed.append((dest, _size(src)))
        if name not in in_pyz:
            twins.append((name, str(twin), "PYMODULE"))
    analysis.binaries = kept
    analysis.pure = [*analysis.pure, *twins]
    report = {
        "removed_bytes": sum(size for _, size in removed),
        "reasons": PURE_PYTHON,
        "extensions": sorted(dest for dest, _ in removed),
    }
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return sorted(module_name(dest) for dest, _ in removed)


def trim(analysis: Any, report_path: Path) -> dict[str, Any]:
    """Drop what QT_RULES and FILE_RULES name (and the libraries only they needed) from
    ``analysis``'s binaries and datas; write and return the bytes each rule removed."""
    removed: dict[str, list[tuple[str, int]]] = {}

    def sweep(toc: Iterable[Any]) -> list[Any]:
        kept = []
        for entry in toc:
            dest, src, _typecode = entry
            rule = rule_for(dest)
            if rule is None:
                kept.append(entry)
            else:
                removed.setdefault(rule, []).append((dest, _size(src)))
        return kept

    binaries = sweep(analysis.binaries)
    datas = sweep(analysis.datas)
    orphans = _orphans(binaries)
    gone = {dest for entries in removed.values() for dest, _ in entries} | orphans
    for entry in binaries:
        if entry[0] in orphans:
            removed.setdefault(ORPHANS, []).append((entry[0], _size(entry[1])))
    analysis.binaries = [e for e in binaries if e[0] not in orphans and not _dangling(e, gone)]
    # PyInstaller 6 lists its top-level symbolic links to libraries among the datas.
    analysis.datas = [e for e in datas if not _dangling(e, gone)]
    reasons = {pattern: reason for pattern, _keep, reason in (*QT_RULES, *FILE_RULES)}
    reasons[ORPHANS] = "the plugins and modules removed above were their only users"
    report = {
        "removed_bytes": sum(size for entries in removed.values() for _, size in entries),
        "rules": [
            {
                "pattern": pattern,
                "reason": reasons[pattern],
                "bytes": sum(size for _, size in entries),
                "files": sorted(dest for dest, _ in entries),
            }
            for pattern, entries in removed.items()
        ],
    }
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report
