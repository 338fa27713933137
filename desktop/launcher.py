"""The `kabar` command: parse arguments and start opening the store before Qt is even imported.

Opening the store is mostly SQLite work (the integrity check reads the whole file), which runs
without the GIL, so on a thread it overlaps the import of PySide6. This module imports no Qt.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from desktop.settings_keys import LANGS

_T0 = time.perf_counter()
_TRACE = bool(os.environ.get("KABAR_TRACE_STARTUP"))


def trace(step: str) -> None:
    """With KABAR_TRACE_STARTUP=1, print how long after start ``step`` was reached (stderr)."""
    if _TRACE:
        ms = (time.perf_counter() - _T0) * 1000
        print(f"kabar start-up {ms:7.1f} ms  {step}", file=sys.stderr, flush=True)


class Args(SimpleNamespace):
    """The parsed command line: ``data_dir``, ``lang``, ``demo``, ``server``, ``ca_file``,
    ``config``, ``smoke_test``, ``quit_when_idle`` (as argparse names them)."""


#: The command line's options, for argparse and for the fast path alike: name -> (attribute,
#: kind, metavar, help). kind: "flag" (store_true), "path", "text", or the allowed values.
_OPTIONS: dict[str, tuple[str, Any, str | None, str | None]] = {
    "--data-dir": ("data_dir", "path", None, "folder data Kabar"),
    "--lang": ("lang", LANGS, None, "bahasa tampilan (id/en)"),
    "--demo": ("demo", "flag", None, "isi contoh data bila masih kosong"),
    "--server": ("server", "text", "URL", "alamat server provinsi (disimpan)"),
    "--ca-file": (
        "ca_file",
        "text",
        "PEM",
        "sertifikat CA tambahan untuk server (disimpan; selain daftar CA sistem)",
    ),
    "--config": (
        "config",
        "path",
        "TOML",
        "pakai berkas pengaturan situs (site.toml) ini, bukan yang di lokasi bawaan",
    ),
    "--smoke-test": (
        "smoke_test",
        "flag",
        None,
        "periksa instalasi ini (data sementara, bukan data Anda), cetak hasilnya, lalu keluar",
    ),
    "--quit-when-idle": ("quit_when_idle", "flag", None, None),  # benchmarks, demo check
}


def parse_args(argv: list[str] | None) -> Args:
    """The command line as ``Args``. The usual ones (whole option names, each value as the next
    word) are read directly: building argparse's parser and its translations costs ~8 ms of
    every start. Anything else (help, a typo, an abbreviation, ``--x=y``, a bad value) goes to
    argparse, which decides and explains; tests/test_cli.py checks both ways agree."""
    words = sys.argv[1:] if argv is None else list(argv)
    fast = _fast_parse(words)
    if fast is not None:
        return fast
    return Args(**vars(_parser().parse_args(words)))


def _fast_parse(words: list[str]) -> Args | None:
    values: dict[str, Any] = {
        dest: (False if kind == "flag" else None) for dest, kind, _, _ in _OPTIONS.values()
    }
    i = 0
    while i < len(words):
        option = _OPTIONS.get(words[i])
        if option is None:
            return None
        dest, kind, _, _ = option
        if kind == "flag":
            values[dest] = True
            i += 1
            continue
        if i + 1 >= len(words) or words[i + 1].startswith("-"):
            return None  # argparse's call (a value that looks like an option, or none)
        value = words[i + 1]
        if isinstance(kind, tuple):
            if value not in kind:
                return None
        elif kind == "path":
            value = Path(value)
        values[dest] = value
        i += 2
    return Args(**values)


def _parser() -> Any:
    import argparse

    parser = argparse.ArgumentParser(prog="kabar", description="Kabar: laporan harian puskesmas")
    for name, (_, kind, metavar, help_text) in _OPTIONS.items():
        shown = argparse.SUPPRESS if help_text is None else help_text
        if kind == "flag":
            parser.add_argument(name, action="store_true", help=shown)
        elif isinstance(kind, tuple):
            parser.add_argument(name, choices=kind, default=None, help=shown)
        else:
            kwargs: dict[str, Any] = {"metavar": metavar} if metavar else {}
            if kind == "path":
                kwargs["type"] = Path
            parser.add_argument(name, default=None, help=shown, **kwargs)
    return parser


def clean_server_url(text: str) -> str | None:
    """``text`` as a server base URL, or None (the rule lives in sync.siteconfig; imported
    here only when called: this module is the first of the start-up path)."""
    from sync.siteconfig import clean_server_url as clean

    return clean(text)


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("Kabar", appauthor=False))


class StoreOpening:
    """``Store.open(data_dir)`` running on a thread; ``result()`` waits and returns or raises.

    Then the site file (site.toml, ``config`` or the search folders) is read on the same thread:
    parsing TOML costs a few milliseconds of imports that need not hold up the window.
    """

    def __init__(self, data_dir: Path, config: Path | None = None) -> None:
        self.data_dir = data_dir
        self._config = config
        self._store: Any = None
        self._error: BaseException | None = None
        self._site: Any = None
        self._site_error: BaseException | None = None
        self._thread = threading.Thread(target=self._open, name="kabar-store-open", daemon=True)
        self._thread.start()

    def _open(self) -> None:
        try:
            # The integrity check first, with sqlite3 alone: it overlaps the import of PySide6
            # instead of waiting behind the (GIL-bound) import of the store package.
            from sync.integrity import DB_NAME, quick_check_ok

            checked = quick_check_ok(self.data_dir / DB_NAME)
            trace("integrity checked (thread)")
            from sync.store import Store

            trace("store module imported (thread)")
            self._store = Store.open(self.data_dir, checked=checked)
            trace("store open (thread)")
        except BaseException as exc:  # handed to the GUI thread by result()
            self._error = exc
            return
        try:
            from sync.siteconfig import load_site_config

            self._site = load_site_config(self._config)
            trace("site configuration read (thread)")
        except BaseException as exc:  # SiteConfigError (--config) or a bug: site() raises it
            self._site_error = exc

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return self._store

    def site(self) -> Any:
        """After ``result()``: the SiteConfig read on the thread; None if it was not read (the
        store failed to open); raises what reading it raised."""
        self._thread.join()
        if self._site_error is not None:
            raise self._site_error
        return self._site


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.smoke_test:
        from desktop.smoketest import run  # its own temporary store: never the user's folder

        return run(args)
    # Start-up makes tens of thousands of objects and few cycles: the collector's passes over
    # them cost ~9 ms. desktop.app turns it back on once the window is idle (or start failed).
    gc.disable()
    opening = StoreOpening(args.data_dir or default_data_dir(), args.config)
    from desktop.app import main as run_app  # imports PySide6 while the store opens

    trace("desktop.app imported")

    return run_app(argv, args=args, opening=opening)
