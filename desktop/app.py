"""Kabar's entry point: arguments, QApplication, translators, the store, then the main window.

Start-up time matters on old laptops: nothing that can wait (dialogs not shown, openpyxl,
a month other than the visible one) is imported or queried before the window is idle.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from desktop.i18n import LANGS, Translations
from desktop.launcher import (
    Args,
    StoreOpening,
    clean_server_url,
    default_data_dir,
    parse_args,
    trace,
)
from desktop.settings_keys import (
    AUTH_NAME,
    AUTH_VERIFIER,
    CA_FILE,
    FACILITY,
    LANG,
    OFFICER,
    SERVER_URL,
    SETUP_LOGIN_PENDING,
)
from desktop.sitenotice import locked_by
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
            choice = ask(exc, lang)
            log.warning("damaged data file: the person chose %r", choice)
            if not apply_choice(choice, exc, data_dir):
                return None
            log.warning("damaged data file: %r done, opening again", choice)


def ask_damaged_dialog(error: Any, lang: str) -> str:
    from desktop.damaged import ask_with_dialog

    return ask_with_dialog(error, lang)


def ask_first_run(store: Any, site: Any = None) -> bool:
    from desktop.firstrun import FirstRunDialog

    return FirstRunDialog(store, site=site).exec() == FirstRunDialog.DialogCode.Accepted


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
        locked_by=locked_by(runner.site),
        store=store,
        site=runner.site,
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


def load_site(args: Args) -> Any:
    """This start's site configuration (``--config`` or the search folders; see
    sync.siteconfig). Raises SiteConfigError only for a ``--config`` file that cannot be used."""
    from sync.siteconfig import load_site_config

    site = load_site_config(getattr(args, "config", None))
    trace("site configuration read")
    return _logged(site)


def _logged(site: Any) -> Any:
    if site.problem is not None:
        log.warning("site configuration not used: %s", site.problem.message)
    return site


def show_fatal(message: str) -> None:
    from PySide6.QtWidgets import QMessageBox  # rare: its type is not made on a normal start

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
        from desktop import gcguard

        self.window.session.sync.stop()  # a sync under way stops at its next safe point
        self.window.session.ops.wait()
        self.store.close()
        gcguard.uninstall()


def launch(args: Args, **options: Any) -> Launch | None:
    """Open the store and the main window (see ``_launch``). From here until ``Launch.close``
    Python's cycle collector runs on this, the GUI, thread only (desktop/gcguard.py)."""
    from desktop import gcguard

    gcguard.install()
    try:
        launched = _launch(args, **options)
    except BaseException:
        gcguard.uninstall()
        raise
    if launched is None:
        gcguard.uninstall()
    return launched


def _launch(
    args: Args,
    *,
    ask_damaged: AskDamaged | None = None,
    first_run: FirstRun | None = None,
    unlock: Unlock = ask_unlock,
    translations_dir: Path | None = None,
    today: Callable[[], Any] | None = None,
    opening: StoreOpening | None = None,
    on_fatal: Callable[[str], None] = show_fatal,
    site: Any = None,
) -> Launch | None:
    """Build everything up to a shown main window (no event loop). None: the user quit, or a
    problem was reported through ``on_fatal``. ``site``: a SiteConfig (default: read as
    ``load_site`` does); ``first_run`` (default: the dialog) is called with the store."""
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
        if site is None:
            from sync.siteconfig import SiteConfigError

            try:
                site = opening.site() if opening is not None else None
                site = load_site(args) if site is None else _logged(site)
            except SiteConfigError as exc:  # --config named a file that cannot be used
                store.close()
                on_fatal(exc.message)
                translations.uninstall()
                return None
        if first_run is None:
            first_run = functools.partial(ask_first_run, site=site)
        return _launch_with_store(args, store, translations, first_run, unlock, today, site)
    except BaseException:
        store.close()
        translations.uninstall()  # a refused option (SystemExit) leaves nothing installed
        raise


def _launch_with_store(
    args: Args,
    store: Any,
    translations: Translations,
    first_run: FirstRun,
    unlock: Unlock,
    today: Callable[[], Any] | None,
    site: Any,
) -> Launch | None:
    from desktop.session import FirstRead, Session
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
    if site.facility and store.org_unit(site.facility) is not None:
        facility = site.facility  # the site's choice, every start (the officer's stays stored)
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

    server_url = _server_url(args, store, site)
    # Headless runs (benchmark, demo check) never send anything and never wait for a person.
    runner = SyncRunner.for_store(store, server_url, enabled=not args.quit_when_idle)
    runner.site = site
    ca_file = _ca_file(args, store, site)
    if ca_file:
        runner.transport_options["ca_file"] = ca_file
    if site.proxy:
        runner.transport_options["proxy"] = site.proxy
    if not args.quit_when_idle and store.get_setting(AUTH_VERIFIER):
        trace("unlock asked")
        if not unlock(store, runner):
            store.close()
            return None
    ops = Operations()
    session = Session(store, forms, facility, unit.name, officer, translations, ops, sync=runner)
    session.server_url = runner.server_url
    session.site = site
    if today is not None:
        session.today = today
    # Read today and its month on the worker while the main window's module is imported and the
    # window built (the read is mostly SQLite, which runs beside them without the GIL).
    first_read = FirstRead(session)
    from desktop.mainwindow import MainWindow

    trace("main window module imported")
    window = MainWindow(session, first_read)
    trace("main window built")
    window.await_first_read()  # shown complete, not empty and then filled
    trace("first read in")
    window.show()
    window.start()
    if not args.quit_when_idle and store.get_setting(SETUP_LOGIN_PENDING):
        # A setup code was just applied (first run): the officer logs in next, server filled.
        store.set_setting(SETUP_LOGIN_PENDING, None)
        if not runner.logged_in:
            window.sync_ui.show_login()
    if site.problem is not None or (site.facility and site.facility != facility):
        from desktop.sitenotice import site_notice

        window.show_notice(site_notice(site, facility))
    trace("main window shown")
    return Launch(store, translations, window)


def _server_url(args: Args, store: Any, site: Any) -> str | None:
    """``--server`` is remembered; a value that is not an http(s) URL is refused clearly, and so
    is any value while the site file locks the server. Else the site's address, else the
    officer's."""
    if args.server is not None:
        if site.locked:
            raise SystemExit(
                f"kabar: alamat server dikunci oleh berkas pengaturan situs {locked_by(site)}; "
                "--server tidak dapat dipakai (minta petugas TI mengubah berkas itu)"
            )
        url = clean_server_url(args.server)
        if url is None:
            raise SystemExit(
                f"kabar: --server harus alamat http:// atau https:// (bukan {args.server!r})"
            )
        store.set_setting(SERVER_URL, url)
        return url
    return site.server_url or store.get_setting(SERVER_URL)


def _ca_file(args: Args, store: Any, site: Any) -> str | None:
    """``--ca-file`` is remembered; a file that cannot be read is refused clearly. Else the
    site's CA file, else the officer's."""
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
    return site.ca_file or store.get_setting(CA_FILE)


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


def _when_idle(ops: Operations, fn: Callable[[], None]) -> None:
    """Call ``fn`` once, the first time ``ops`` has nothing queued or running (at the event
    loop's next turn at the earliest). Callers registered first are called first."""
    done = False

    def check() -> None:
        nonlocal done
        if done or ops.pending:
            return  # called again by ops.idle
        done = True
        fn()

    ops.idle.connect(check)
    QTimer.singleShot(0, check)


def _announce_idle(launched: Launch, app: QApplication) -> None:
    def report() -> None:
        facility = launched.window.session.facility_code
        line = json.dumps({"rss_kb": read_rss_kb(), "facility": facility})
        trace("idle")
        try:
            print("KABAR_IDLE " + line, flush=True)
        finally:
            app.quit()  # even when the reader has gone (a closed pipe): never run on unseen

    _when_idle(launched.window.session.ops, report)


def main(
    argv: list[str] | None = None,
    *,
    args: Args | None = None,
    opening: StoreOpening | None = None,
) -> int:
    from desktop import logsetup

    # Records wait in memory until the window is idle (no file I/O on the start-up path).
    logs = logsetup.install()
    args = args or parse_args(argv)
    from desktop.style import STYLE_ARGS, apply_style

    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
        apply_style(app)
    else:
        app = QApplication([*sys.argv[:1], *STYLE_ARGS])
    app.setApplicationName("Kabar")
    app.setOrganizationName("Kabar")
    logsetup.route_qt_messages()
    log.info("%s", logsetup.Lazy(lambda: start_line(args.data_dir or default_data_dir())))
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

    try:
        launched = launch(
            args,
            opening=opening,
            on_fatal=fatal,
            ask_damaged=None if interactive else damaged_headless,
        )
    except BaseException:
        gc.enable()
        logs.open_file()  # the excepthook records it; the file must be there to take it
        raise
    if launched is None:
        gc.enable()
        log.warning("Kabar did not start: %s", "; ".join(failures) or "closed by the person")
        logs.open_file()
        return 1 if failures else 0
    # The launcher paused the collector for the start; launch() handed collection to the GUI
    # thread (desktop/gcguard.py), which gives it back when the window closes.
    if args.quit_when_idle:
        _announce_idle(launched, app)
    _open_log_when_idle(launched, logs)
    try:
        return app.exec()
    finally:
        launched.close()
        log.info("Kabar stopped")
        logs.open_file()
        logs.flush()


def start_line(data_dir: Path) -> str:
    """What IT staff ask first: versions, operating system, folders (computed lazily: the
    version lookup and the OS query cost milliseconds that start-up cannot spare)."""
    import platform

    import PySide6
    from PySide6.QtCore import qVersion

    from desktop.syncrunner import app_version

    os_name = f"{platform.system()} {platform.release()} ({platform.version()})"
    return (
        f"Kabar {app_version()} started: Python {platform.python_version()}, "
        f"PySide6 {PySide6.__version__} (Qt {qVersion()}), {os_name} {platform.machine()}, "
        f"data folder {data_dir}"
    )


def _open_log_when_idle(launched: Launch, logs: Any) -> None:
    """Once the window is idle: the names met so far are secrets, then the log file opens."""
    from desktop import logsetup

    def open_now() -> None:
        session, store = launched.window.session, launched.store
        logsetup.add_secrets(session.officer, session.sync.username, store.get_setting(AUTH_NAME))
        log.info(
            "window shown: facility %s, server %s, logged in %s, language %s",
            session.facility_code,
            session.server_url or "-",
            "yes" if session.sync.logged_in else "no",
            session.lang,
        )
        logs.open_file()

    _when_idle(launched.window.session.ops, open_now)
