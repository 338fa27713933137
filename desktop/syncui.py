"""The main window's sync side: login, "sync now", what a finished sync changes on screen, and
the conflict window's loading and settling (on the window's workers)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from desktop.settings_keys import FACILITY as FACILITY_KEY
from desktop.statusbar import NEEDS_LOGIN, OFFLINE, ONLINE, SYNCING, TOO_OLD
from forms.model import Value

if TYPE_CHECKING:
    from desktop.mainwindow import MainWindow


class SyncControls(QObject):
    """Connects the sync runner, the status bar, the login and conflict dialogs to one window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.runner = window.session.sync
        self.status = window.status
        self.login_dialog: Any = None
        self.conflict_dialog: Any = None
        a = window.actions_
        a.login.triggered.connect(lambda: self.show_login())
        a.sync_now.triggered.connect(self.sync_now)
        a.conflicts.triggered.connect(lambda: self.show_conflicts())
        runner = self.runner
        runner.started.connect(self._on_started)
        runner.finished.connect(self._on_finished)
        runner.summary_changed.connect(self.show_summary)
        runner.login_needed.connect(self._on_login_needed)
        runner.app_too_old.connect(self._on_app_too_old)
        runner.lane.error.connect(window.show_error)
        self.status.set_sync_action(a.sync_now, a.login)
        self.status.set_logged_in(runner.logged_in)
        # newer versions already offered in this run (a notice once per version, no nagging)
        self.offered: set[str] = set()
        if runner.enabled and runner.logged_in:
            self._check_stored_latest()

    @property
    def lang(self) -> str:
        return self.session.lang

    def dialogs(self) -> list[Any]:
        return [d for d in (self.login_dialog, self.conflict_dialog) if d is not None]

    # -- sync ----------------------------------------------------------------------------

    def sync_now(self) -> None:
        """F5 / the status bar button: sync now, or log in first when this computer has not."""
        if self.window.is_dirty():
            self.window.save(reason="auto")  # what is on screen goes too
        if self.runner.sync_now():
            self.status.message(self.tr("Syncing with the server…"))

    def show_summary(self, summary: Any) -> None:
        self.status.set_summary(summary)
        self.window.actions_.set_conflict_count(summary.conflicts, summary.set_aside)

    def _on_started(self) -> None:
        self.status.set_connection(SYNCING)

    def _on_finished(self, report: Any, summary: Any) -> None:
        if report is None or report.needs_login or report.app_too_old:
            pass  # login_needed / app_too_old say it
        elif report.finished:
            self.status.set_connection(ONLINE)
        else:
            self.status.set_connection(OFFLINE)
        if report is not None and report.finished and (report.pushed or report.pulled):
            parts = []
            if report.pushed:
                parts.append(self.tr("%1 sent").replace("%1", str(report.pushed)))
            if report.pulled:
                parts.append(self.tr("%1 received").replace("%1", str(report.pulled)))
            self.status.message(self.tr("Sync done: %1.").replace("%1", ", ".join(parts)))
        if report is not None and not report.app_too_old:
            self.offer_update(report.app_latest)
        if report is not None and report.new_conflicts:
            self.status.message(
                self.tr(
                    "%1 figure(s) were changed by someone else too: choose which value stays."
                ).replace("%1", str(report.new_conflicts))
            )
        self.window.refresh_statuses()
        if report is not None and (report.pulled or report.new_conflicts):
            self.window.reload_after_pull()
        if self.conflict_dialog is not None and self.conflict_dialog.isVisible():
            self._load_conflicts()

    # -- versions --------------------------------------------------------------------------

    def _check_stored_latest(self) -> None:
        """At start, on the sync lane: the latest version the server advertised last time."""
        from desktop import syncrunner
        from sync.appversion import APP_LATEST_KEY

        store = self.session.store

        def work() -> str | None:
            syncrunner.app_version()  # read once here, off the GUI thread
            return store.get_setting(APP_LATEST_KEY)

        self.runner.lane.run(work, self.offer_update, label="app latest")

    def offer_update(self, latest: str | None) -> bool:
        """A calm notice when the server advertises a newer Kabar; once per version per run."""
        from desktop import syncrunner
        from sync.appversion import is_newer

        this_version = syncrunner.app_version()
        if not latest or latest in self.offered or not is_newer(latest, this_version):
            return False
        self.offered.add(latest)
        self.window.show_notice(
            self.tr(
                "A new version of Kabar, %1, is available (this computer has %2). Ask your IT "
                "staff to install it when convenient; your figures stay safe meanwhile."
            )
            .replace("%1", latest)
            .replace("%2", this_version),
            calm=True,
        )
        return True

    def _on_app_too_old(self) -> None:
        self.status.set_connection(TOO_OLD)
        self.window.show_notice(
            self.tr(
                "This version of Kabar is too old for the server. Your figures are kept and "
                "will be sent after Kabar is updated; please ask your IT staff for the update."
            )
        )

    # -- login ---------------------------------------------------------------------------

    def show_login(self, username: str | None = None) -> None:
        from desktop.login import LoginDialog
        from desktop.sitenotice import locked_by

        if self.login_dialog is not None and self.login_dialog.isVisible():
            self.login_dialog.raise_()
            self.login_dialog.activateWindow()
            return
        runner = self.runner
        dialog = LoginDialog(
            runner.lane,
            runner.login_attempt(self.session.facility_code),
            server_url=self.session.server_url or runner.server_url,
            username=username or runner.username,
            parent=self.window,
            locked_by=locked_by(self.session.site),
            store=self.session.store,
            site=self.session.site,
        )
        dialog.logged_in.connect(self._on_logged_in)
        dialog.setup_applied.connect(self._on_setup_applied)
        self.login_dialog = dialog
        dialog.open()

    def _on_setup_applied(self, redemption: Any) -> None:
        """A setup code applied from the login dialog: its server, and its facility from now
        on (the store keeps both; the officer stays the same)."""
        self.session.server_url = redemption.server_url
        self.status.set_server(redemption.server_url)
        code = self.session.store.get_setting(FACILITY_KEY)
        if code == redemption.facility_code and code != self.session.facility_code:
            self.window.apply_facility(code, redemption.facility_name, self.session.officer)

    def _on_login_needed(self, username: str) -> None:
        self.status.set_connection(NEEDS_LOGIN if self.runner.logged_in else OFFLINE)
        self.status.message(
            self.tr("Log in to the server to send your figures. They stay safe here meanwhile.")
        )
        self.show_login(username or None)

    def _on_logged_in(self, outcome: Any) -> None:
        result = outcome.result
        self.session.server_url = outcome.server_url
        self.status.set_server(outcome.server_url)
        self.runner.logged_in_with(outcome)
        self.status.set_logged_in(True)
        self.status.set_connection(ONLINE)
        self.status.set_problem(None)
        self.status.message(
            self.tr("Logged in as %1. Figures are sent in the background.").replace(
                "%1", result.name or result.username
            )
        )
        notes = []
        if not outcome.keyring_ok:
            notes.append(
                self.tr(
                    "Windows could not keep the login safely on this computer, so it lasts "
                    "until Kabar is closed; next time you will be asked to log in again."
                )
            )
        if not outcome.facility_in_scope:
            notes.append(
                self.tr(
                    "This account may not report for %1: the server will refuse its figures. "
                    "Check the facility (File menu) or ask your district admin."
                ).replace("%1", self.session.facility_name)
            )
        if notes:
            self.window.show_notice(" ".join(notes))
        self.runner.sync_now()

    # -- conflicts -----------------------------------------------------------------------

    def show_conflicts(self, day: date | None = None) -> None:
        """The conflict window (non-modal); ``day``: select that day's first conflict."""
        from desktop.conflicts import ConflictDialog

        if self.conflict_dialog is None:
            forms = {f.id: f for f in self.session.forms}
            self._unit_names: dict[str, str] = {
                self.session.facility_code: self.session.facility_name
            }
            names = self._unit_names
            dialog = ConflictDialog(forms.get, lambda code: names.get(code, code), self.window)
            dialog.history_wanted.connect(self._load_history)
            dialog.settle_requested.connect(self._settle)
            dialog.dismiss_requested.connect(self._dismiss)
            self.conflict_dialog = dialog
        self.conflict_dialog.show()
        self.conflict_dialog.raise_()
        self.conflict_dialog.activateWindow()
        self._load_conflicts(select=day)

    def _load_conflicts(self, select: date | None = None) -> None:
        dialog, s = self.conflict_dialog, self.session
        org = s.facility_code

        def work() -> tuple[list[Any], list[Any], dict[str, str]]:
            conflicts, refused = s.store.open_conflicts(None), s.store.set_aside(None)
            codes = {c.org_unit for c in conflicts} | {r.org_unit for r in refused}
            units = (s.store.org_unit(code) for code in codes)
            return conflicts, refused, {u.code: u.name for u in units if u is not None}

        def done(outcome: tuple[list[Any], list[Any], dict[str, str]]) -> None:
            conflicts, refused, names = outcome
            self._unit_names.update(names)
            dialog.set_conflicts(conflicts)
            dialog.set_set_aside(refused)
            if select is None or dialog.select_day(org, select):
                return
            if any(r.org_unit == org and r.period == select for r in refused):
                dialog.tabs.setCurrentIndex(1)

        s.ops.run(work, done, label="conflicts")

    def _load_history(self, c: Any) -> None:
        dialog, s = self.conflict_dialog, self.session
        s.ops.run(
            lambda: s.store.cell_history(c.org_unit, c.form_id, c.period, c.indicator),
            lambda rows: dialog.set_history(c.id, rows),
            label="conflict history",
        )

    def _settle(self, c: Any, value: Value, choice: str) -> None:
        """A person's choice is a normal save (main lane), then a sync sends it."""
        s, dialog, window = self.session, self.conflict_dialog, self.window
        officer = s.officer

        def done(_result: Any) -> None:
            dialog.show_notice(self.tr("Saved. It is sent with the next sync."))
            self.status.message(self.tr("Conflict settled; sending it…"))
            self._load_conflicts()
            if c.org_unit == s.facility_code and c.period == window.day:
                window.reload_after_pull()
            window.refresh_statuses()
            self.runner.sync_now()

        def failed(exc: BaseException) -> None:
            from desktop.login import problem_text

            dialog.settle_failed(
                problem_text(exc, self.lang, self.tr("Not saved: an unexpected problem."))
            )

        s.ops.run(
            lambda: s.store.settle_conflict(c.id, value, author=officer),
            done,
            failed,
            label="settle conflict",
        )

    def _dismiss(self, ids: list[int]) -> None:
        s = self.session

        def done(_hidden: int) -> None:
            self._load_conflicts()
            self.window.refresh_statuses()  # the menu's count

        s.ops.run(lambda: s.store.dismiss_set_aside(ids), done, label="dismiss refused")
