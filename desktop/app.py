"""Kabar's entry point: arguments, QApplication, translators, the store, then the main window.

Start-up time matters on old laptops: nothing that can wait (dialogs not shown, openpyxl,
a month other than the visible one) is imported or queried before the window is idle.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.i18n import LANGS, Translations
from desktop.launcher import (
    StoreOpening,
    clean_server_url,
    default_data_dir,
    parse_args,
    trace,
)
from desktop.settings_keys import AUTH_VERIFIER, CA_FILE, FACILITY, LANG, OFFICER, SERVER_URL
from desktop.worker import Operations

log = logging.getLogger(__name__)

AskDamaged = Callable[[Any, str], str]
FirstRun = Callable[[Any], bool]
#: (store, sync runner) -> True when the person unlocked (or logged in again); False: quit
Unlock = Callable[[Any, Any], bool]


def read_rss_kb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import psutil  # not Linux: psutil is a dev dependency, as is the benchmark using this

    return int(psutil.Process().memory_info().rss // 1024)


def open_store(
    data_dir: Path, ask: AskDamaged, lang: str, opening: StoreOpening | None = None
) -> Any | None:
    """Open the store; a damaged file is restored or set aside as the user chooses. None: quit.

    ``opening`` is an open already under way (started before Qt was imported) for ``data_dir``.
    """
    from sync.store import Store, StoreDamagedError

    attempt: Callable[[], Any] = (
        opening.result if opening is not None else (lambda: Store.open(data_dir))
    )
    while True:
        try:
            return attempt()
        except StoreDamagedError as exc:
            attempt = lambda: Store.open(data_dir)  # noqa: E731 - after the user's choice
            from desktop.damaged import apply_choice  # rare: not imported on a normal start

            log.warning("damaged data file %s (%s)", exc.path, exc.detail)
            if not apply_choice(ask(exc, lang), exc, data_dir):
                return None


def ask_damaged_dialog(error: Any, lang: str) -> str:
    from desktop.damaged import ask_with_dialog

    return ask_with_dialog(error, lang)


def ask_first_run(store: Any) -> bool:
    from desktop.firstrun import FirstRunDialog

    return FirstRunDialog(store).exec() == FirstRunDialog.DialogCode.Accepted


def make_unlock_dialog(store: Any, runner: Any) -> Any:
    """The unlock dialog checking against ``store``'s verifier on the runner's worker lane."""
    from desktop.syncrunner import check_password
    from desktop.unlock import UnlockDialog

    return UnlockDialog(
        runner.lane, lambda pw: check_password(store, pw), username=runner.username or ""
    )


def make_login_dialog(store: Any, runner: Any) -> Any:
    """The login dialog for this store's account; a success switches the runner to it."""
    from desktop.login import LoginDialog

    dialog = LoginDialog(
        runner.lane,
        runner.login_attempt(store.get_setting(FACILITY)),
        server_url=runner.server_url,
        username=runner.username,
    )
    dialog.logged_in.connect(runner.logged_in_with)
    return dialog


def ask_unlock(store: Any, runner: Any) -> bool:
    """The interactive way (real modal exec; tests pass their own ``unlock``). "Forgot your
    password?" leads to a login to the server, which sets the new password here too."""
    from desktop.unlock import LOGIN, UNLOCKED

    dialog = make_unlock_dialog(store, runner)
    dialog.exec()
    if dialog.outcome == UNLOCKED:
        return True
    if dialog.outcome != LOGIN:
        return False
    login = make_login_dialog(store, runner)
    return bool(login.exec() == login.DialogCode.Accepted)


def show_fatal(message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, "Kabar", message)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def print_fatal(message: str) -> None:
    """Without anyone at the screen (headless demo, benchmark): say it on stderr, never block."""
    print(f"Kabar: {message}", file=sys.stderr, flush=True)


class Launch:
    """Everything ``main`` sets up, kept for the event loop and for tests."""

    def __init__(self, store: Any, translations: Translations, window: Any) -> None:
        self.store = store
        self.translations = translations
        self.window = window

    def close(self) -> None:
        self.window.session.sync.stop()  # a sync under way stops at its next safe point
        self.window.session.ops.wait()
        self.store.close()


def launch(
    args: argparse.Namespace,
    *,
    ask_damaged: AskDamaged | None = None,
    first_run: FirstRun = ask_first_run,
    unlock: Unlock = ask_unlock,
    translations_dir: Path | None = None,
    today: Callable[[], Any] | None = None,
    opening: StoreOpening | None = None,
    on_fatal: Callable[[str], None] = show_fatal,
) -> Launch | None:
    """Build everything up to a shown main window (no event loop). None: the user quit, or a
    problem was reported through ``on_fatal``."""
    from sync.store import StoreError

    translations = Translations(translations_dir)
    translations.install(args.lang or "id")
    data_dir = args.data_dir or default_data_dir()
    try:
        if opening is not None and opening.data_dir != data_dir:
            opening.result().close()  # opened for another folder: not ours to use
            opening = None
        store = open_store(data_dir, ask_damaged or ask_damaged_dialog, translations.lang, opening)
        trace("store ready")
    except StoreError as exc:
        on_fatal(exc.message.get(translations.lang))
        return None
    if store is None:
        return None
    try:
        return _launch_with_store(args, store, translations, first_run, unlock, today)
    except BaseException:
        store.close()
        raise


def _launch_with_store(
    args: argparse.Namespace,
    store: Any,
    translations: Translations,
    first_run: FirstRun,
    unlock: Unlock,
    today: Callable[[], Any] | None,
) -> Launch | None:
    from desktop.mainwindow import MainWindow

    trace("main window module imported")
    from desktop.session import Session
    from forms.loader import builtin_forms

    saved_lang = store.get_setting(LANG)
    if args.lang is None and saved_lang in LANGS and saved_lang != translations.lang:
        translations.install(saved_lang)
    if not store.org_units():
        store.load_demo_org_units()
    forms = builtin_forms(store.data_dir / "cache")  # JSON copies: no PyYAML at start-up
    trace("forms loaded")
    for form in forms:
        store.register_form(form)

    facility = store.get_setting(FACILITY)
    officer = store.get_setting(OFFICER)
    if args.demo or args.quit_when_idle:
        facility, officer = _headless_defaults(store, facility, officer, demo=args.demo)
    if not facility or store.org_unit(facility) is None or not officer:
        if not first_run(store):
            store.close()
            return None
        facility, officer = store.get_setting(FACILITY), store.get_setting(OFFICER)
    unit = store.org_unit(facility)
    if args.demo:
        from desktop.demo import seed_demo

        seed_demo(store, facility, forms)

    from desktop.syncrunner import SyncRunner

    server_url = _server_url(args, store)
    # Headless runs (benchmark, demo check) never send anything and never wait for a person.
    runner = SyncRunner.for_store(store, server_url, enabled=not args.quit_when_idle)
    ca_file = _ca_file(args, store)
    if ca_file:
        runner.transport_options["ca_file"] = ca_file
    if not args.quit_when_idle and store.get_setting(AUTH_VERIFIER):
        trace("unlock asked")
        if not unlock(store, runner):
            store.close()
            return None
    ops = Operations()
    session = Session(store, forms, facility, unit.name, officer, translations, ops, sync=runner)
    session.server_url = runner.server_url
    if today is not None:
        session.today = today
    window = MainWindow(session)
    trace("main window built")
    window.show()
    window.start()
    trace("main window shown")
    return Launch(store, translations, window)


def _server_url(args: argparse.Namespace, store: Any) -> str | None:
    """``--server`` is remembered; a value that is not an http(s) URL is refused clearly."""
    if args.server is not None:
        url = clean_server_url(args.server)
        if url is None:
            raise SystemExit(
                f"kabar: --server harus alamat http:// atau https:// (bukan {args.server!r})"
            )
        store.set_setting(SERVER_URL, url)
        return url
    return store.get_setting(SERVER_URL)


def _ca_file(args: argparse.Namespace, store: Any) -> str | None:
    """``--ca-file`` is remembered; a file that cannot be read is refused clearly."""
    if args.ca_file is not None:
        path = Path(args.ca_file).expanduser().resolve()
        try:
            head = path.read_bytes()[:4096]
        except OSError as e:
            raise SystemExit(f"kabar: --ca-file tidak bisa dibaca: {path} ({e.strerror})") from None
        if b"-----BEGIN CERTIFICATE-----" not in head:
            raise SystemExit(f"kabar: --ca-file bukan sertifikat PEM: {path}")
        store.set_setting(CA_FILE, str(path))
        return str(path)
    return store.get_setting(CA_FILE)


def _headless_defaults(
    store: Any, facility: str | None, officer: str | None, *, demo: bool
) -> tuple[str, str]:
    """The demo and the benchmark run without anyone to answer the first-run dialog."""
    if not facility or store.org_unit(facility) is None:
        facility = next(u.code for u in store.org_units() if u.level == "puskesmas")
        if demo:
            store.set_setting(FACILITY, facility)
    if not officer:
        officer = "Petugas Demo"
        if demo:
            store.set_setting(OFFICER, officer)
    return facility, officer


def _announce_idle(launched: Launch, app: QApplication) -> None:
    ops = launched.window.session.ops
    done = False

    def report() -> None:
        nonlocal done
        if done:
            return
        if ops.pending:
            return  # called again by ops.idle
        done = True
        facility = launched.window.session.facility_code
        line = json.dumps({"rss_kb": read_rss_kb(), "facility": facility})
        trace("idle")
        print("KABAR_IDLE " + line, flush=True)
        app.quit()

    ops.idle.connect(report)
    QTimer.singleShot(0, report)


def main(
    argv: list[str] | None = None,
    *,
    args: argparse.Namespace | None = None,
    opening: StoreOpening | None = None,
) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = args or parse_args(argv)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Kabar")
    app.setOrganizationName("Kabar")
    from desktop.style import apply_style

    apply_style(app)
    trace("QApplication ready")
    failures: list[str] = []
    interactive = not args.quit_when_idle

    def fatal(message: str) -> None:
        failures.append(message)
        (show_fatal if interactive else print_fatal)(message)

    def damaged_headless(error: Any, lang: str) -> str:
        from desktop.damaged import QUIT

        fatal(error.message.get(lang))  # nothing is changed: a person chooses at the next start
        return QUIT

    launched = launch(
        args,
        opening=opening,
        on_fatal=fatal,
        ask_damaged=None if interactive else damaged_headless,
    )
    if launched is None:
        return 1 if failures else 0
    if args.quit_when_idle:
        _announce_idle(launched, app)
    try:
        return app.exec()
    finally:
        launched.close()
