"""The main window: header, status calendar, one generated form per tab, summary, status bar.

It only wires the parts together and owns the day being edited; slow work goes through
``session.ops`` and unsaved figures are always saved as a draft before they could be lost.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, QEvent, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.actions import Actions
from desktop.calendar import DITOLAK, KONFLIK, LENGKAP, CalendarPanel, to_date, to_qdate
from desktop.formview import FormView
from desktop.session import FirstRead, Session, day_work, statuses_work
from desktop.statusbar import StatusBar
from desktop.style import named
from desktop.summary import SummaryPanel
from desktop.syncui import SyncControls
from forms.model import FormDefinition, Severity, Text, Value

log = logging.getLogger(__name__)

AUTOSAVE_MS = 20000  # a draft is written this long after the last keystroke (power cuts)
STATUS_MARKS = {"kosong": "", "draf": " •", "lengkap": " ✓"}
#: how long the window, before it is first shown, waits for its first read (see
#: MainWindow.await_first_read): a year of data takes ~10 ms on the test machine
FIRST_FRAME_WAIT_S = 0.25


class MainWindow(QMainWindow):
    day_loaded = Signal(object)  # the date now shown
    saved = Signal(object)  # list of SaveResult
    statuses_loaded = Signal()
    completed = Signal(str)  # form id marked complete

    def __init__(self, session: Session, first_read: FirstRead | None = None) -> None:
        super().__init__()
        self.session = session
        # The first day and month are read on the worker while this window is built (the reads
        # are mostly SQLite, which runs beside the widget building); start() shows them.
        self._first = first_read if first_read is not None else FirstRead(session)
        self._first.listen(self._show_first_read)
        self._first_start: tuple[Any, Any, Any] | None = None
        self.day: date = self._first.day
        self._generation = 0
        self._loading = False
        self._closing = False
        self._close_anyway = False
        self._restore_focus: str | None = None
        self.history_dialog: Any = None
        self.series_dialog: Any = None
        self.last_error = ""
        self.sync = session.sync

        self.setObjectName("mainWindow")
        self.actions_ = Actions(self)
        self.status = StatusBar(self)
        self.status.set_server(session.server_url)
        self.setStatusBar(self.status)

        # header
        self.facility_label = QLabel(session.facility_name, self)
        named(self.facility_label, "facilityName")
        self.date_label = QLabel(self)
        named(self.date_label, "dayTitle")
        self.day_status_label = QLabel(self)
        self.officer_label = QLabel(self)
        self.notice_label = QLabel(self)  # refusals such as a future date
        named(self.notice_label, "notice")
        self.notice_label.hide()
        # a day that needs a person (conflict, refused) or was changed on the server meanwhile
        self.sync_notice = QLabel(self)
        named(self.sync_notice, "syncNotice")
        self.sync_notice.setWordWrap(True)
        self.sync_notice_button = QPushButton(self)
        self.sync_notice_button.setObjectName("syncNoticeButton")
        self.sync_notice_bar = QWidget(self)
        bar = QHBoxLayout(self.sync_notice_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.sync_notice, 1)
        bar.addWidget(self.sync_notice_button)
        self.sync_notice_bar.hide()
        self._pulled_notice = ""

        # left column
        self.calendar_panel = CalendarPanel(self)
        self.calendar = self.calendar_panel.calendar
        self.calendar.setSelectedDate(to_qdate(self.day))
        self.summary = SummaryPanel(self)

        # forms
        self.tabs = QTabWidget(self)
        self.views: list[FormView] = []
        for form in session.forms:
            view = FormView(form, session.lang, self.tabs)
            view.edited.connect(self._on_edited)
            view.issues_changed.connect(self._refresh_summary)
            view.copy_requested.connect(self.copy_from_yesterday)
            view.history_requested.connect(self.show_history)
            view.finished.connect(self._on_form_finished)
            self.tabs.addTab(view, "")
            self.views.append(view)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("saveButton")
        self.complete_button = QPushButton(self)
        named(self.complete_button, "completeButton")

        self._layout()
        self._connect()
        self.sync_ui = SyncControls(self)
        self._diagnostics: Any = None
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(lambda: self.save(reason="auto"))
        self.retranslate()
        self.resize(1366, 740)

    # -- construction --------------------------------------------------------------------

    def _layout(self) -> None:
        header = QHBoxLayout()
        names = QVBoxLayout()
        names.addWidget(self.facility_label)
        names.addWidget(self.officer_label)
        header.addLayout(names, 1)
        day = QVBoxLayout()
        day.addWidget(self.date_label, 0, Qt.AlignmentFlag.AlignRight)
        day.addWidget(self.day_status_label, 0, Qt.AlignmentFlag.AlignRight)
        header.addLayout(day)

        left = QWidget(self)
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.calendar_panel)
        left_column.addWidget(self.summary, 1)
        left.setMinimumWidth(300)
        left.setMaximumWidth(380)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.complete_button)
        right = QWidget(self)
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.notice_label)
        right_column.addWidget(self.sync_notice_bar)
        right_column.addWidget(self.tabs, 1)
        right_column.addLayout(buttons)

        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(8, 4, 8, 4)
        column.addLayout(header)
        column.addWidget(splitter, 1)
        self.setCentralWidget(central)

    def _connect(self) -> None:
        a = self.actions_
        a.save.triggered.connect(lambda: self.save(reason="manual"))
        a.complete.triggered.connect(self.mark_complete)
        a.prev_day.triggered.connect(lambda: self.go_to(self.day - timedelta(days=1)))
        a.next_day.triggered.connect(lambda: self.go_to(self.day + timedelta(days=1)))
        a.today.triggered.connect(lambda: self.go_to(self.session.today()))
        a.copy_field.triggered.connect(lambda: self.copy_from_yesterday(None))
        a.copy_all.triggered.connect(self.copy_all_stock)
        a.history.triggered.connect(lambda: self.show_history(None))
        a.series.triggered.connect(self.show_series)
        a.export.triggered.connect(self.export)
        a.facility.triggered.connect(self.change_facility)
        a.quit.triggered.connect(self.close)
        a.lang_id.triggered.connect(lambda: self.set_language("id"))
        a.lang_en.triggered.connect(lambda: self.set_language("en"))
        a.keys.triggered.connect(self.show_keys)
        a.diagnostics.triggered.connect(lambda: self.diagnostics.export())
        self.sync_notice_button.clicked.connect(lambda: self.sync_ui.show_conflicts(self.day))
        self.save_button.clicked.connect(lambda: self.save(reason="manual"))
        self.complete_button.clicked.connect(self.mark_complete)
        self.calendar.clicked.connect(self._on_calendar_clicked)
        self.calendar.activated.connect(self._on_calendar_clicked)
        self.calendar.page_shown.connect(lambda first, last: self.refresh_statuses())
        self.summary.field_activated.connect(self.focus_field)
        self.tabs.currentChanged.connect(lambda _i: self._refresh_summary())
        self.session.ops.error.connect(self.show_error)
        self.session.ops.idle.connect(self._on_ops_idle)
        self.session.translations.changed.connect(self._on_language_changed)

    def start(self) -> None:
        """After show: today's figures and the visible month's statuses (read while the window
        was built) are shown once they are there; then sync soon."""
        _, day_done, day_failed = self._day_op()
        _, statuses_done = self._statuses_op()
        self._first_start = (statuses_done, day_done, day_failed)
        self._show_first_read()
        if self.calendar.visible_range() != self._first.span:
            self.refresh_statuses()  # not the month read early (a calendar locale quirk)
        self.sync.start()
        self.sync.after_save()  # what earlier sessions left unsent goes out once we are idle

    # -- helpers -------------------------------------------------------------------------

    @property
    def lang(self) -> str:
        return self.session.lang

    def current_view(self) -> FormView:
        view = self.tabs.currentWidget()
        assert isinstance(view, FormView)
        return view

    def view_for(self, form_id: str) -> FormView:
        return next(v for v in self.views if v.form.id == form_id)

    def _text(self, text: Text) -> str:
        return text.get(self.lang)

    def show_notice(self, text: str, *, calm: bool = False) -> None:
        """A refusal or a warning in red; ``calm`` news (a new version) in blue."""
        named(self.notice_label, "noticeCalm" if calm else "notice")
        self.notice_label.setText(text)
        self.notice_label.setVisible(bool(text))
        if text:
            self.status.message(text)

    def legend_text(self) -> list[str]:
        return self.calendar_panel.legend.texts()

    def is_dirty(self) -> bool:
        return any(v.dirty_values() for v in self.views)

    # -- days ----------------------------------------------------------------------------

    def go_to(self, day: date) -> bool:
        """Show ``day``; unsaved figures of the current day are saved as a draft first."""
        if day > self.session.today():
            self.calendar.setSelectedDate(to_qdate(self.day))
            self.show_notice(self.tr("Future dates cannot be filled in. Choose today or earlier."))
            return False
        if day == self.day and not self._loading:
            return True
        if self.is_dirty():
            stamp = QLocale().toString(to_qdate(self.day), "dd/MM/yyyy")
            self.save(reason="auto")
            self.status.message(
                self.tr("Changes for %1 were saved as a draft.").replace("%1", stamp)
            )
        self.show_notice("")
        self.day = day
        self.calendar.setSelectedDate(to_qdate(day))
        self.summary.forget_confirmations()
        self._load_day()
        return True

    def _on_calendar_clicked(self, qdate: QDate) -> None:
        self.go_to(to_date(qdate))

    def _day_work(self, day: date) -> Any:
        return day_work(self.session, day)

    def _load_day(self) -> None:
        work, done, failed = self._day_op()
        self.session.ops.run(work, done, failed, label="load day")

    def _day_op(self) -> tuple[Any, Any, Any]:
        """Start showing ``self.day`` as loading; the worker function and its two outcomes."""
        self._generation += 1
        generation, day = self._generation, self.day
        self._loading = True
        self._pulled_notice = ""
        self._retitle_day()
        view = self.current_view()
        self._restore_focus = view.focused_code()
        self.tabs.setEnabled(False)

        def done(result: dict[str, tuple[Any, dict[str, Value], dict[str, list[Value]]]]) -> None:
            if generation != self._generation:
                return  # the user already moved on to another day
            self._apply_day(result)
            self._loading = False
            self.tabs.setEnabled(True)
            self._retitle_day()
            if self._restore_focus is not None:
                self.current_view().focus_field(self._restore_focus)
            elif self.isActiveWindow() and self.focusWidget() is None:
                self.current_view().focus_first()
            self._refresh_summary()
            self._show_sync_notice()
            self.day_loaded.emit(day)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._loading = False
            self.show_error(exc)

        return self._day_work(day), done, failed

    def _apply_day(
        self, result: dict[str, tuple[Any, dict[str, Value], dict[str, list[Value]]]]
    ) -> None:
        for view in self.views:
            data, previous, history = result[view.form.id]
            view.set_day(dict(data.values), data.status, previous, history)
            view.set_sync_states({code: cell.sync_state for code, cell in data.cells.items()})

    def reload_after_pull(self) -> None:
        """Show figures others corrected on this day, unless the officer is editing it."""
        if self._loading:
            return
        generation, day = self._generation, self.day

        def done(result: dict[str, tuple[Any, dict[str, Value], dict[str, list[Value]]]]) -> None:
            if generation != self._generation or self._loading:
                return
            for view in self.views:  # a conflict settled or found: said beside its field
                cells = result[view.form.id][0].cells
                view.set_sync_states({code: cell.sync_state for code, cell in cells.items()})
            changed = [
                view
                for view in self.views
                if dict(result[view.form.id][0].values) != view.loaded
                or result[view.form.id][0].status != view.status
            ]
            if not changed:
                return
            if self.is_dirty():
                self._pulled_notice = "dirty"
                self._show_sync_notice()
                return
            focus = self.current_view().focused_code()
            self._apply_day(result)
            self._retitle_day()
            self._refresh_summary()
            if focus is not None:
                self.current_view().focus_field(focus)
            self._pulled_notice = "updated"
            self._show_sync_notice()
            self.day_loaded.emit(day)

        self.session.ops.run(self._day_work(day), done, label="reload day after sync")

    def await_first_read(self, timeout_s: float = FIRST_FRAME_WAIT_S) -> bool:
        """Before the window is first shown: wait up to ``timeout_s`` for the first read (it
        ran on the worker while the window was built) so that the first frame shows the day's
        figures and the month's marks instead of an empty form filled a moment later. A slow
        disk only delays the window by ``timeout_s``; the read then lands when it arrives."""
        if self._first.arrived:
            return True
        return self.session.ops.deliver_running(timeout_s)

    def _show_first_read(self) -> None:
        """Show the first read once both it has arrived and start() has run."""
        read, started = self._first, self._first_start
        if started is None or not read.arrived:
            return
        self._first_start = None
        statuses_done, day_done, day_failed = started
        if read.error is not None:
            day_failed(read.error)
            return
        assert read.outcome is not None
        statuses, day = read.outcome
        statuses_done(statuses)  # the calendar's marks first: the day's notice reads them
        day_done(day)

    def refresh_statuses(self) -> None:
        """The visible month's report statuses and sync marks, and the sync summary."""
        work, done = self._statuses_op()
        self.session.ops.run(work, done, label="statuses")

    def _statuses_work(self, first: date, last: date) -> Any:
        return statuses_work(self.session, first, last)

    def _statuses_op(self) -> tuple[Any, Any]:
        first, last = self.calendar.visible_range()
        work = self._statuses_work(first, last)

        def done(outcome: tuple[dict[date, str], dict[date, str], Any]) -> None:
            statuses, sync_states, summary = outcome
            self.calendar.set_statuses(statuses)
            self.calendar.set_sync_states(sync_states, first, last)
            self.sync_ui.show_summary(summary)
            self._show_sync_notice()
            self.statuses_loaded.emit()

        return work, done

    # -- editing -------------------------------------------------------------------------

    def _on_edited(self) -> None:
        self.status.set_unsaved()
        self._autosave.start()

    def _refresh_summary(self) -> None:
        view = self.current_view()
        self.summary.show_issues(view.form.id, view.issues, self.lang)

    def focus_field(self, code: str) -> None:
        for i, view in enumerate(self.views):
            if any(f.code == code for f in view.form.fields):
                self.tabs.setCurrentIndex(i)
                view.focus_field(code)
                return

    def _on_form_finished(self) -> None:
        index = self.tabs.currentIndex()
        if index + 1 < self.tabs.count():
            self.tabs.setCurrentIndex(index + 1)
            self.current_view().focus_first()
        else:
            self.save_button.setFocus(Qt.FocusReason.TabFocusReason)

    def copy_from_yesterday(self, code: str | None) -> None:
        view = self.current_view()
        code = code or view.focused_code()
        if code is None:
            self.status.message(self.tr("Put the cursor in a stock field first."))
            return
        fe = view.edits[code]
        label = fe.field.label.get(self.lang)
        if not fe.field.stock:
            self.status.message(self.tr("%1 is not a stock field.").replace("%1", label))
            return
        # An opening stock copies yesterday's closing stock (stock_from), others their own value.
        value = view.previous.get(fe.field.stock_from or code)
        if value is None:
            self.status.message(self.tr("No value from yesterday for %1.").replace("%1", label))
            return
        fe.set_value_by_user(value)
        self.status.message(self.tr("Copied from yesterday: %1").replace("%1", label))

    def copy_all_stock(self) -> None:
        view = self.current_view()
        copied = 0
        for code, fe in view.edits.items():
            value = view.previous.get(fe.field.stock_from or code)
            if fe.field.stock and value is not None:
                fe.set_value_by_user(value)
                copied += 1
        self.status.message(
            self.tr("Copied %1 stock fields from yesterday.").replace("%1", str(copied))
        )

    # -- saving --------------------------------------------------------------------------

    def save(self, reason: str = "manual", complete: FormDefinition | None = None) -> bool:
        """Queue a save of every changed form (and mark ``complete`` complete). False: nothing."""
        self._autosave.stop()
        batches = []
        for view in self.views:
            dirty = view.dirty_values()
            is_complete = complete is not None and view.form.id == complete.id
            if dirty or is_complete:
                batches.append((view.form, dirty, is_complete))
        skipped = [
            view.edits[c].field.label.get(self.lang)
            for view in self.views
            for c in view.type_errors()
        ]
        if skipped:
            self.status.message(
                self.tr("Not saved because of a typing error: %1").replace("%1", ", ".join(skipped))
            )
        if not batches:
            if reason == "manual" and not skipped:
                self.status.message(self.tr("Nothing to save: no changes."))
            return False
        s = self.session
        org, day, officer, generation = s.facility_code, self.day, s.officer, self._generation
        self.status.set_saving()

        def work() -> list[Any]:
            return [
                s.store.save_day(org, form, day, values, author=officer, complete=is_complete)
                for form, values, is_complete in batches
            ]

        def done(results: list[Any]) -> None:
            if generation == self._generation:
                for (form, values, _c), result in zip(batches, results, strict=True):
                    self.view_for(form.id).mark_saved(values, result.status)
                self._retitle_day()
            self.status.set_saved(datetime.now())
            if any(r.submission_uuid for r in results):
                self.sync.after_save()
            if complete is not None:
                self.status.message(
                    self.tr("%1 marked complete.").replace("%1", self._text(complete.title))
                )
                self.completed.emit(complete.id)
            self.refresh_statuses()
            self.saved.emit(results)

        def failed(exc: BaseException) -> None:
            self.status.set_unsaved()
            self._closing = False  # keep the window open: the figures are still on screen
            self.show_error(exc)

        s.ops.run(work, done, failed, label="save")
        return True

    def mark_complete(self) -> bool:
        """Mark the current form complete if it has no errors and every warning is checked."""
        view = self.current_view()
        view.complete_check = True
        issues = view.revalidate()
        errors = [i for i in issues if i.severity == Severity.ERROR]
        if errors:
            self.summary.show_notice(
                self.tr("Cannot mark complete yet: fix %1 error(s) first.").replace(
                    "%1", str(len(errors))
                )
            )
            self.status.message(self.summary.notice.text())
            self.focus_field(errors[0].fields[0])
            return False
        unchecked = self.summary.unconfirmed_warnings(view.form.id, issues)
        if unchecked:
            self.summary.show_notice(
                self.tr(
                    'Cannot mark complete yet: tick "I have checked this" for %1 warning(s).'
                ).replace("%1", str(len(unchecked)))
            )
            self.status.message(self.summary.notice.text())
            return False
        self.summary.show_notice("")
        return self.save(reason="complete", complete=view.form)

    # -- dialogs and other screens -------------------------------------------------------

    def show_history(self, code: str | None) -> None:
        from desktop.history import CellHistoryDialog

        view = self.current_view()
        code = code or view.focused_code()
        if code is None:
            self.status.message(self.tr("Put the cursor in a field first."))
            return
        field = view.form.field(code)
        dialog = CellHistoryDialog(field, self.day, self.lang, self)
        self.history_dialog = dialog
        dialog.show()
        s, org, form_id, day = self.session, self.session.facility_code, view.form.id, self.day
        s.ops.run(
            lambda: s.store.cell_history(org, form_id, day, code),
            dialog.set_rows,
            label="cell history",
        )

    def show_series(self) -> None:
        from desktop.series import SeriesDialog

        view = self.current_view()
        s, org, day = self.session, self.session.facility_code, self.day

        def load(form: FormDefinition, code: str, on_done: Any) -> None:
            s.ops.run(
                lambda: s.store.series(org, form, code, day, days=30), on_done, label="series"
            )

        dialog = SeriesDialog(s.forms, day, self.lang, load, self)
        self.series_dialog = dialog
        dialog.show()
        dialog.select(view.form.id, view.focused_code())

    def export(self) -> None:
        from desktop import export

        folder = export.ask_folder(self)
        if folder is None:
            return
        s = self.session
        org, forms, lang, day = s.facility_code, list(s.forms), self.lang, self.day
        self.status.message(self.tr("Exporting…"))

        def done(paths: list[Any]) -> None:
            names = ", ".join(str(p) for p in paths)
            self.status.message(self.tr("Exported to %1").replace("%1", names))

        s.ops.run(
            lambda: export.export_files(s.store, org, forms, folder, lang, day),
            done,
            label="export",
        )

    def change_facility(self) -> None:
        from desktop.firstrun import FirstRunDialog

        dialog = FirstRunDialog(self.session.store, self, site=self.session.site)
        dialog.accepted_choice.connect(self.apply_facility)
        dialog.open()

    def apply_facility(self, code: str, name: str, officer: str) -> None:
        from desktop.logsetup import add_secrets

        add_secrets(officer)
        log.info("facility changed to %s", code)
        if self.is_dirty():
            self.save(reason="auto")
        self.session.facility_code = code
        self.session.facility_name = name
        self.session.officer = officer
        self.facility_label.setText(name)
        self.calendar.statuses.clear()
        self.refresh_statuses()
        self._load_day()
        self.retranslate()

    @property
    def diagnostics(self) -> Any:
        """Bantuan → Ekspor diagnostik… (made when first used: not on the start-up path)."""
        if self._diagnostics is None:
            from desktop.diagnostics import DiagnosticsExport

            self._diagnostics = DiagnosticsExport(self)
        return self._diagnostics

    def show_keys(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # its type costs ms to create: not at start

        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Keyboard keys"))
        box.setText(self.keys_text())
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        box.open()

    def keys_text(self) -> str:
        return self.tr(
            "Tab / Enter: next field\n"
            "Shift+Tab: previous field\n"
            "Ctrl+S: save draft\n"
            "Ctrl+Enter: mark complete\n"
            "PgUp / PgDn: previous / next day\n"
            "Ctrl+Home: today\n"
            "Ctrl+D: copy this stock field from yesterday\n"
            "Ctrl+Shift+D: copy all stock fields from yesterday\n"
            "F2: cell history\n"
            "Ctrl+T: 30-day table\n"
            "Ctrl+E: export\n"
            "F5: sync now\n"
            "Ctrl+K: conflicts and refused figures"
        )

    def show_error(self, exc: BaseException) -> None:
        """The one place errors reach the user: status bar plus a non-blocking message box."""
        message = getattr(exc, "message", None)
        if isinstance(message, Text):
            text = message.get(self.lang)
            log.warning("shown to the officer: %s: %s", type(exc).__name__, message.en)
        else:
            log.error("unexpected error: %r", exc)
            text = self.tr("Unexpected error (please report it): %1").replace("%1", repr(exc))
        self.status.message(text)
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Kabar"), text, parent=self)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setObjectName("errorBox")
        box.open()
        self.last_error = text

    # -- sync ----------------------------------------------------------------------------

    def _show_sync_notice(self) -> None:
        state = self.calendar.sync_state_of(self.day)
        if state == KONFLIK:
            text = self.tr(
                "Someone else changed a figure of this day on the server too. "
                "Nothing was overwritten: choose which value stays."
            )
            button = self.tr("Settle the conflict…")
        elif state == DITOLAK:
            text = self.tr("The server refused a figure of this day. See why:")
            button = self.tr("Refused figures…")
        elif self._pulled_notice == "dirty":
            text = self.tr(
                "Figures of this day were changed on the server. Your unsaved typing is kept "
                "on screen; save it, then check the cell history (F2)."
            )
            button = ""
        elif self._pulled_notice == "updated":
            text = self.tr("Figures of this day were corrected on the server and are shown now.")
            button = ""
        else:
            text = button = ""
        self.sync_notice.setText(text)
        self.sync_notice_button.setText(button)
        self.sync_notice_button.setVisible(bool(button))
        self.sync_notice_bar.setVisible(bool(text))

    # -- language ------------------------------------------------------------------------

    def set_language(self, lang: str) -> None:
        if lang == self.lang:
            return
        self.session.translations.install(lang)
        store = self.session.store
        from desktop.settings_keys import LANG

        self.session.ops.run(lambda: store.set_setting(LANG, lang), label="save language")

    def _on_language_changed(self, lang: str) -> None:
        # Passing messages were written in the old language; they would read as stale now.
        self.status.clearMessage()
        self.show_notice("")
        for view in self.views:
            view.retranslate(lang)
        self._refresh_summary()
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.actions_.retranslate()
        (self.actions_.lang_en if self.lang == "en" else self.actions_.lang_id).setChecked(True)
        self.setWindowTitle(self.tr("Kabar — %1").replace("%1", self.session.facility_name))
        self.officer_label.setText(self.tr("Officer: %1").replace("%1", self.session.officer))
        self._show_sync_notice()
        self.save_button.setText(self.tr("Save draft (Ctrl+S)"))
        self.complete_button.setText(self.tr("Mark complete (Ctrl+Enter)"))
        self._retitle_day()

    def _retitle_day(self) -> None:
        self.date_label.setText(QLocale().toString(to_qdate(self.day), "dddd, dd/MM/yyyy"))
        if self._loading:
            self.day_status_label.setText(self.tr("Loading…"))
        else:
            names = {
                "kosong": self.tr("empty"),
                "draf": self.tr("draft"),
                "lengkap": self.tr("complete"),
            }
            parts = [
                f"{self._text(v.form.title)}: {names.get(v.status, v.status)}" for v in self.views
            ]
            self.day_status_label.setText(" · ".join(parts))
        for i, view in enumerate(self.views):
            mark = STATUS_MARKS.get(view.status, "")
            self.tabs.setTabText(i, self._text(view.form.title) + mark)
            self.tabs.setTabToolTip(i, self.tr("Complete") if view.status == LENGKAP else "")

    # -- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        # No new sync from here on (not even for the draft saved below: it goes next start);
        # one under way may stop at its next safe point and resumes next time.
        self.sync.stop()
        if not self._close_anyway:
            if self.is_dirty():
                self.save(reason="auto")
            if self.session.ops.pending:
                # Close once the queued save (and anything else) has finished.
                self._closing = True
                self.status.message(self.tr("Saving before closing…"))
                event.ignore()
                return
        # An open dialog is a window of its own: left open, the app would not quit.
        for dialog in (self.history_dialog, self.series_dialog, *self.sync_ui.dialogs()):
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.close()
        event.accept()

    def _on_ops_idle(self) -> None:
        if self._closing:
            self._closing = False
            self._close_anyway = True
            self.close()
