"""Background sync: on save (debounced), on a timer and when the network comes back, on its own
worker lane so a slow 2G sync never holds up a save; at most one run at a time.

The work itself is ``sync.engine``; this only decides when, carries the token, and says how it
went. Everything heavy (requests, argon2, the engine) is imported on the worker, when first
needed, so a start-up without a login pays nothing for it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.settings_keys import AUTH_USERNAME, AUTH_VERIFIER, SERVER_URL
from desktop.worker import Operations

log = logging.getLogger(__name__)

#: a save is followed by a sync this long after the last save (autosaves come in bursts)
DEBOUNCE_MS = 3000
#: a sync runs this often while all is well …
INTERVAL_MS = 5 * 60 * 1000
#: … and this often after a sync that could not finish (no signal: do not drain the battery)
BACKOFF_MS = 15 * 60 * 1000


@functools.cache
def app_version() -> str:
    """This install's version (the package metadata), read once: importlib.metadata searches
    the whole path on every call, and the GUI thread asks for it (version notice, setup code)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kabar")
    except PackageNotFoundError:
        return "0.1.0"


def device_name() -> str:
    """How this laptop is named in the server's device list (admins revoke by it)."""
    import platform  # not at module level: only a login names the device (start-up time)

    return platform.node() or "Kabar"


class LoginOutcome(NamedTuple):
    result: Any  # sync.transport.LoginResult
    server_url: str
    #: False: the OS keyring cannot hold the token; it lives in memory for this session only
    keyring_ok: bool
    #: the facility this computer reports for is inside the account's org units
    facility_in_scope: bool


def in_scope(store: Any, code: str | None, roots: Sequence[str]) -> bool:
    """``code`` is one of ``roots`` or below one of them in the store's hierarchy."""
    seen = 0
    while code is not None and seen < 16:
        if code in roots:
            return True
        unit = store.org_unit(code)
        code = unit.parent_code if unit is not None else None
        seen += 1
    return False


def login(
    store: Any,
    url: str,
    username: str,
    password: str,
    facility: str | None,
    **transport_options: Any,
) -> LoginOutcome:
    """Log in and prepare the store (token, verifier, metadata). Runs on a worker; raises the
    transport's SyncErrors (their ``message`` is for people)."""
    from desktop.logsetup import add_secrets
    from desktop.tlspin import with_pin
    from sync import credentials
    from sync.engine import login_and_prepare
    from sync.transport import SyncError, Transport

    add_secrets(username)
    options = with_pin(store, url, transport_options)  # a setup code's certificate pin
    transport = Transport(url, app_version=app_version(), **options)
    try:
        result = login_and_prepare(store, transport, username, password, device_name())
    except SyncError as e:  # the class and code only: never the password or the username
        log.info("login failed: %s %s", type(e).__name__, e.code)
        raise
    finally:
        transport.close()
    add_secrets(result.token, result.username, result.name)
    log.info("login ok: role %s, %d org unit(s)", result.role, len(result.org_units))
    return LoginOutcome(
        result=result,
        server_url=url,
        keyring_ok=credentials.keyring_usable(),
        facility_in_scope=in_scope(store, facility, result.org_units),
    )


def check_password(store: Any, password: str) -> bool:
    """The offline unlock: ``password`` against the stored verifier (argon2: slow on purpose)."""
    from sync.credentials import check_verifier

    verifier = store.get_setting(AUTH_VERIFIER)
    return bool(verifier) and check_verifier(verifier, password)


class SyncRunner(QObject):
    """Decides when to sync and runs ``SyncEngine`` on ``lane``; one run at a time."""

    started = Signal()
    #: (SyncReport | None, SyncSummary); None: no token on this computer (log in first)
    finished = Signal(object, object)
    summary_changed = Signal(object)
    login_needed = Signal(str)  # the username to prefill
    app_too_old = Signal()
    #: True: the operating system says the network is reachable (when it can tell)
    network_changed = Signal(bool)

    def __init__(
        self,
        store: Any,
        *,
        server_url: str | None,
        username: str | None,
        parent: QObject | None = None,
        enabled: bool = True,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.server_url = server_url
        self.username = username
        #: False for headless runs (benchmark, demo check): nothing is ever sent
        self.enabled = enabled
        self.lane = Operations(self)
        self.running = False
        self.runs = 0
        self.last_report: Any = None
        self.blocked: str | None = None  # 'login' | 'too_old': no automatic runs until fixed
        #: extra ``Transport`` arguments (tests: ``sleep``, ``timeout``, ``attempts``)
        self.transport_options: dict[str, Any] = {}
        #: this start's sync.siteconfig.SiteConfig (None: no site file was read)
        self.site: Any = None
        self._again = False
        self._stopping = False
        self._token: str | None = None  # only when the keyring cannot keep it
        self._network: Any = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.sync_now)
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer)

    # -- state ---------------------------------------------------------------------------

    @property
    def logged_in(self) -> bool:
        return bool(self.server_url and self.username)

    @classmethod
    def for_store(cls, store: Any, server_url: str | None, **kwargs: Any) -> SyncRunner:
        """A runner for the account this store logged in with (if any)."""
        username = store.get_setting(AUTH_USERNAME)
        url = store.get_setting(SERVER_URL) if server_url is None else server_url
        return cls(store, server_url=url, username=username, **kwargs)

    def set_account(self, server_url: str, username: str, token: str | None = None) -> None:
        """After a login: sync to this account from now on (``token``: keyring unusable)."""
        self.server_url = server_url
        self.username = username
        self._token = token
        self.blocked = None
        self.start()

    # -- when ------------------------------------------------------------------------------

    def start(self) -> None:
        """Begin the timer (and network watching) once there is an account to sync."""
        if not self.enabled or not self.logged_in or self._stopping:
            return
        if not self._timer.isActive():
            self._timer.start()
        if self._network is None:
            QTimer.singleShot(0, self._watch_network)

    def after_save(self) -> None:
        """A save happened: sync soon (saves come in bursts; wait for the last one)."""
        if self.enabled and self.logged_in and self.blocked is None and not self._stopping:
            self._debounce.start()

    def sync_now(self) -> bool:
        """Run a sync now (F5, the button, the debounce, the timer); False if it cannot run."""
        self._debounce.stop()
        if not self.enabled or self._stopping:
            return False
        if not self.logged_in:
            self.login_needed.emit(self.username or "")
            return False
        if self.running:
            self._again = True  # one more run after this one: it may have missed the new save
            return True
        self.blocked = None
        self._run()
        return True

    def set_debounce_ms(self, ms: int) -> None:
        """How long after the last save a sync starts (tests shorten it)."""
        self._debounce.setInterval(ms)

    def refresh_summary(self) -> None:
        store = self.store
        self.lane.run(store.sync_summary, self.summary_changed.emit, label="sync summary")

    def stop(self) -> None:
        """The window closes: no new runs; a run under way stops at its next safe point."""
        self._stopping = True
        self._debounce.stop()
        self._timer.stop()

    def _should_stop(self) -> bool:
        return self._stopping

    def _on_timer(self) -> None:
        if self.blocked is None:
            self.sync_now()

    def _watch_network(self) -> None:
        if self._network is not None or self._stopping:
            return
        from PySide6.QtNetwork import QNetworkInformation

        if not QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability):
            self._network = False  # no backend here: the timer is enough
            return
        info = QNetworkInformation.instance()
        self._network = info
        info.reachabilityChanged.connect(self._on_reachability)

    def _on_reachability(self, reachability: Any) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        online = reachability in (
            QNetworkInformation.Reachability.Online,
            QNetworkInformation.Reachability.Site,
        )
        self.network_changed.emit(online)
        failed = self.last_report is not None and not self.last_report.finished
        if online and failed and self.blocked is None:
            self.after_save()  # the signal is back: try soon, after it settles

    # -- the run ---------------------------------------------------------------------------

    def _run(self) -> None:
        self.running = True
        self.runs += 1
        self.started.emit()
        store, url, username, token = self.store, self.server_url, self.username, self._token
        should_stop, options = self._should_stop, dict(self.transport_options)
        assert url is not None and username is not None

        def work() -> tuple[Any, Any]:
            from desktop.logsetup import add_secrets
            from sync.credentials import load_token
            from sync.engine import SyncEngine
            from sync.transport import Transport

            key = token or load_token(url, username)
            if key is None:
                log.info("sync skipped: no token kept for this account (log in again)")
                return None, store.sync_summary()
            add_secrets(key)
            from desktop.tlspin import with_pin

            pinned = with_pin(store, url, options)  # a setup code's certificate pin
            transport = Transport(url, token=key, app_version=app_version(), **pinned)
            try:
                report = SyncEngine(store, transport).run(should_stop)
            finally:
                transport.close()
            return report, store.sync_summary()

        self.lane.run(work, self._on_done, self._on_failed, label="sync")

    def _on_done(self, outcome: tuple[Any, Any]) -> None:
        report, summary = outcome
        self.running = False
        self.last_report = report
        if report is None or report.needs_login:
            self.blocked = "login"
        elif report.app_too_old:
            self.blocked = "too_old"
        ok = report is not None and report.finished
        self._timer.setInterval(INTERVAL_MS if ok else BACKOFF_MS)
        self.finished.emit(report, summary)
        self.summary_changed.emit(summary)
        if self.blocked == "login":
            self.login_needed.emit(self.username or "")
        elif self.blocked == "too_old":
            self.app_too_old.emit()
        self._maybe_again()

    def _on_failed(self, exc: BaseException) -> None:
        # A bug (the engine reports network trouble instead of raising): said loudly, in the
        # one place errors reach the user; the outbox is intact and the timer tries again.
        self.running = False
        self._timer.setInterval(BACKOFF_MS)
        tb = getattr(exc, "__kabar_traceback__", "")
        log.error("sync failed:\n%s", tb)
        self.lane.error.emit(exc)
        self._maybe_again()

    def _maybe_again(self) -> None:
        if self._again and self.blocked is None and not self._stopping:
            self._again = False
            self._run()
        self._again = False

    # -- login -----------------------------------------------------------------------------

    def login_attempt(self, facility: str | None) -> Any:
        """The function a LoginDialog runs on ``lane``: (url, username, password) -> outcome."""
        store, options = self.store, dict(self.transport_options)

        def attempt(url: str, username: str, password: str) -> LoginOutcome:
            return login(store, url, username, password, facility, **options)

        return attempt

    def logged_in_with(self, outcome: LoginOutcome) -> None:
        """Take a successful login: the token stays in memory only if the keyring cannot."""
        token = None if outcome.keyring_ok else outcome.result.token
        self.set_account(outcome.server_url, outcome.result.username, token)
